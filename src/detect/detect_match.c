/* detect_match: the per-log matcher (see detect_engine.c for how the set
 * is built, and detect.h for the contract).
 *
 * Per log, per worker:
 *   1. new generation number: every slot/rule mark of older generations is
 *      stale, so nothing is cleared between logs;
 *   2. each field that has a database is scanned once; a hit marks the
 *      slots of its pattern, and a trigger slot puts its rule on the
 *      candidate list (once);
 *   3. candidates, plus the "always" rules, are evaluated in full against
 *      the marks and the fields (globs, PCRE2, CIDR, numbers, field refs);
 *   4. each rule that holds is a detection; it feeds its correlations.
 * No allocation: everything lives in the worker's scratch. */
#include "detect/detect_types.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <hs/hs.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "detect/detect_source.h"
#include "parse/parse_ecs.h"

/* ---- scratch ------------------------------------------------------------- */

#define MAX_MATCHED_FIELDS 16

struct detect_scratch {
    uint64_t serial;  /* set the arrays are sized for */
    hs_scratch_t *hs;
    uint32_t gen;
    uint32_t *slot_gen;
    uint32_t slot_cap;
    uint32_t *rule_gen;
    uint32_t *cand;
    uint32_t cand_count;
    uint32_t rule_cap;
    int8_t *sel_state;
    uint32_t sel_cap;
    pcre2_match_data *md;
    const char *matched[MAX_MATCHED_FIELDS];
    unsigned matched_count;
    const char *last_kind; /* kind mask cache (devices are immutable; kinds static) */
    uint32_t last_mask;
};

struct detect_scratch *detect_scratch_create(const struct detect_set *set)
{
    struct detect_scratch *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->md = pcre2_match_data_create(1, NULL);
    if (!s->md) {
        free(s);
        return NULL;
    }
    (void)set; /* sized on first use with a set */
    return s;
}

void detect_scratch_destroy(struct detect_scratch *s)
{
    if (!s)
        return;
    hs_free_scratch(s->hs);
    free(s->slot_gen);
    free(s->rule_gen);
    free(s->cand);
    free(s->sel_state);
    pcre2_match_data_free(s->md);
    free(s);
}

static int scratch_fit(struct detect_scratch *s, const struct detect_set *set)
{
    if (s->serial == set->serial)
        return 0;
    if (set->hs_proto) {
        hs_free_scratch(s->hs);
        s->hs = NULL;
        if (hs_clone_scratch(set->hs_proto, &s->hs) != HS_SUCCESS)
            return -1;
    }
    if (set->slot_count > s->slot_cap) {
        uint32_t *p = realloc(s->slot_gen, set->slot_count * sizeof(*p));
        if (!p)
            return -1;
        s->slot_gen = p;
        s->slot_cap = set->slot_count;
    }
    if (set->rule_count > s->rule_cap) {
        uint32_t *p = realloc(s->rule_gen, set->rule_count * sizeof(*p));
        if (!p)
            return -1;
        s->rule_gen = p;
        p = realloc(s->cand, set->rule_count * sizeof(*p));
        if (!p)
            return -1;
        s->cand = p;
        s->rule_cap = set->rule_count;
    }
    if (set->max_sels > s->sel_cap) {
        int8_t *p = realloc(s->sel_state, set->max_sels);
        if (!p)
            return -1;
        s->sel_state = p;
        s->sel_cap = set->max_sels;
    }
    if (s->slot_cap)
        memset(s->slot_gen, 0, s->slot_cap * sizeof(*s->slot_gen));
    if (s->rule_cap)
        memset(s->rule_gen, 0, s->rule_cap * sizeof(*s->rule_gen));
    s->gen = 0;
    s->last_kind = NULL;
    s->serial = set->serial;
    return 0;
}

/* ---- field access -------------------------------------------------------- */

int detect_fkey_eq(const struct ym_field *f, const struct detect_fkey *k)
{
    if (k->id != YM_FIELD_DYNAMIC) {
        if (f->id != YM_FIELD_DYNAMIC)
            return f->id == k->id;
        /* a known name added without its id (tolerated) */
        return f->name && f->name[0] == k->name[0] && strcmp(f->name, k->name) == 0;
    }
    /* k is not an ECS name, so a field with an ECS id cannot be it */
    if (f->id != YM_FIELD_DYNAMIC || !f->name || f->name[0] != k->name[0])
        return 0;
    return strcmp(f->name, k->name) == 0;
}

const char *detect_field_text(const struct ym_field *f, char *buf, size_t buf_len, size_t *len)
{
    if (f->str && (f->len || f->type == YM_FT_STR || f->type == YM_FT_JSON)) {
        *len = f->len;
        return f->str;
    }
    int n;
    if (f->type == YM_FT_INT && buf_len >= 21) {
        /* per-log path: no printf */
        char tmp[24];
        uint64_t v = f->num < 0 ? (uint64_t)0 - (uint64_t)f->num : (uint64_t)f->num;
        size_t k = 0;
        do {
            tmp[k++] = (char)('0' + v % 10);
            v /= 10;
        } while (v);
        size_t o = 0;
        if (f->num < 0)
            buf[o++] = '-';
        while (k)
            buf[o++] = tmp[--k];
        *len = o;
        return buf;
    }
    switch (f->type) {
    case YM_FT_INT: n = snprintf(buf, buf_len, "%" PRId64, f->num); break;
    case YM_FT_FLOAT: n = snprintf(buf, buf_len, "%.17g", f->dbl); break;
    case YM_FT_BOOL: n = snprintf(buf, buf_len, "%s", f->num ? "true" : "false"); break;
    default: n = 0; break;
    }
    *len = n > 0 ? (size_t)n : 0;
    return buf;
}

static int db_of(const struct detect_set *set, const struct ym_field *f)
{
    if (f->id != YM_FIELD_DYNAMIC && f->id < ECS__COUNT)
        return set->db_by_id[f->id];
    if (!f->name)
        return -1;
    uint32_t bit = detect_name_filter_bit(f->name, strlen(f->name));
    if (!(set->dyn_filter[bit >> 3] & (1u << (bit & 7))))
        return -1;
    uint32_t h = detect_name_hash(f->name) & set->dyn_mask;
    while (set->dyn[h].name) {
        if (strcmp(set->dyn[h].name, f->name) == 0)
            return set->dyn[h].db;
        h = (h + 1) & set->dyn_mask;
    }
    return -1;
}

/* ---- direct evaluation --------------------------------------------------- */

static inline unsigned char fold(unsigned char c) { return (unsigned char)tolower(c); }

static int tok_at(uint16_t t, const char *s, size_t i, size_t n, int cased, size_t *adv)
{
    *adv = 1;
    if (t == DETECT_TOK_QMARK)
        return 1;
    if (t == DETECT_TOK_DASH) {
        if (s[i] == '-' || s[i] == '/')
            return 1;
        if (i + 2 < n && (unsigned char)s[i] == 0xE2 && (unsigned char)s[i + 1] == 0x80 &&
            (unsigned char)s[i + 2] >= 0x93 && (unsigned char)s[i + 2] <= 0x95) {
            *adv = 3;
            return 1;
        }
        return 0;
    }
    unsigned char c = (unsigned char)s[i];
    return cased ? c == t : fold(c) == fold((unsigned char)t);
}

static int glob(const uint16_t *p, size_t pn, const char *s, size_t sn, int cased)
{
    size_t pi = 0, si = 0, star_pi = (size_t)-1, star_si = 0, adv;
    while (si < sn) {
        if (pi < pn && p[pi] == DETECT_TOK_STAR) {
            star_pi = pi++;
            star_si = si;
        } else if (pi < pn && tok_at(p[pi], s, si, sn, cased, &adv)) {
            pi++;
            si += adv;
        } else if (star_pi != (size_t)-1) {
            pi = star_pi + 1;
            si = ++star_si;
        } else {
            return 0;
        }
    }
    while (pi < pn && p[pi] == DETECT_TOK_STAR)
        pi++;
    return pi == pn;
}

static int text_num(const struct ym_field *f, double *out)
{
    if (f->type == YM_FT_INT || f->type == YM_FT_BOOL) {
        *out = (double)f->num;
        return 0;
    }
    if (f->type == YM_FT_FLOAT) {
        *out = f->dbl;
        return 0;
    }
    char buf[64];
    if (!f->str || f->len == 0 || f->len >= sizeof(buf))
        return -1;
    memcpy(buf, f->str, f->len);
    buf[f->len] = 0;
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (errno || end == buf || *end || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static int in_cidr(const struct detect_atom *a, const char *s, size_t n)
{
    char buf[64];
    uint8_t addr[16];
    if (n == 0 || n >= sizeof(buf))
        return 0;
    memcpy(buf, s, n);
    buf[n] = 0;
    if (a->family == 4) {
        if (inet_pton(AF_INET, buf, addr) != 1) {
            /* v4-mapped IPv6 (::ffff:a.b.c.d) still counts */
            static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
            if (inet_pton(AF_INET6, buf, addr) != 1 || memcmp(addr, mapped, 12) != 0)
                return 0;
            memmove(addr, addr + 12, 4);
        }
    } else if (inet_pton(AF_INET6, buf, addr) != 1) {
        return 0;
    }
    unsigned full = a->prefix / 8, rest = a->prefix % 8;
    if (memcmp(addr, a->addr, full) != 0)
        return 0;
    if (rest) {
        uint8_t mask = (uint8_t)(0xFF << (8 - rest));
        if ((addr[full] & mask) != (a->addr[full] & mask))
            return 0;
    }
    return 1;
}

struct mctx {
    const struct detect_set *set;
    struct detect_scratch *s;
    const struct ym_record *rec;
};

static int atom_on_text(struct mctx *m, const struct detect_atom *a, const char *t, size_t n)
{
    switch (a->kind) {
    case DETECT_ATOM_PAT:
        return glob(a->pat, a->pat_len, t, n, a->cased);
    case DETECT_ATOM_RE:
        return pcre2_match(a->re, (PCRE2_SPTR)t, n, 0, 0, m->s->md, NULL) >= 0;
    case DETECT_ATOM_CIDR:
        return in_cidr(a, t, n);
    default:
        return 0;
    }
}

static int fieldref_eq(struct mctx *m, const struct detect_atom *a, const char *t, size_t n)
{
    const struct ym_fields *fs = &m->rec->fields;
    for (uint32_t i = 0; i < fs->count; i++) {
        if (!detect_fkey_eq(&fs->v[i], &a->ref))
            continue;
        char buf[64];
        size_t rn;
        const char *rt = detect_field_text(&fs->v[i], buf, sizeof(buf), &rn);
        if (rn == n && (a->cased ? memcmp(rt, t, n) == 0 : strncasecmp(rt, t, n) == 0))
            return 1;
    }
    return 0;
}

static int atom_true(struct mctx *m, const struct detect_item *it, const struct detect_atom *a)
{
    if (a->hs != DETECT_HS_NONE) {
        if (m->s->slot_gen[a->hs_id] != m->s->gen)
            return 0;
        if (a->hs == DETECT_HS_EXACT)
            return 1;
    }
    if (it->raw) {
        if (a->kind == DETECT_ATOM_EXISTS)
            return 0; /* keyword null never matches */
        return m->rec->raw && atom_on_text(m, a, m->rec->raw, m->rec->raw_len);
    }
    const struct ym_fields *fs = &m->rec->fields;
    int present = 0;
    for (uint32_t i = 0; i < fs->count; i++) {
        const struct ym_field *f = &fs->v[i];
        if (!detect_fkey_eq(f, &it->field))
            continue;
        char buf[64];
        size_t n;
        const char *t = detect_field_text(f, buf, sizeof(buf), &n);
        switch (a->kind) {
        case DETECT_ATOM_NULL:
            /* a JSON null (json decoder) is null too */
            if (n && !(f->type == YM_FT_JSON && n == 4 && memcmp(t, "null", 4) == 0))
                present = 1;
            break;
        case DETECT_ATOM_EXISTS:
            present = 1;
            break;
        case DETECT_ATOM_NUM: {
            double v;
            if (text_num(f, &v) == 0) {
                int ok = a->op == DETECT_OP_GT ? v > a->num : a->op == DETECT_OP_GTE ? v >= a->num
                       : a->op == DETECT_OP_LT ? v < a->num : v <= a->num;
                if (ok)
                    return 1;
            }
            break;
        }
        case DETECT_ATOM_FIELDREF:
            if (fieldref_eq(m, a, t, n))
                return 1;
            break;
        default:
            if (atom_on_text(m, a, t, n))
                return 1;
        }
    }
    if (a->kind == DETECT_ATOM_NULL)
        return !present;
    if (a->kind == DETECT_ATOM_EXISTS)
        return present == (a->num != 0);
    return 0;
}

static void note_field(struct detect_scratch *s, const char *name)
{
    for (unsigned i = 0; i < s->matched_count; i++)
        if (s->matched[i] == name || strcmp(s->matched[i], name) == 0)
            return;
    if (s->matched_count < MAX_MATCHED_FIELDS)
        s->matched[s->matched_count++] = name;
}

static int item_true(struct mctx *m, const struct detect_item *it, int positive)
{
    int v;
    if (it->all) {
        v = 1;
        for (uint32_t i = 0; i < it->atom_count && v;) {
            uint32_t g = it->atoms[i].group;
            int gv = 0;
            for (; i < it->atom_count && it->atoms[i].group == g; i++)
                if (!gv && atom_true(m, it, &it->atoms[i]))
                    gv = 1;
            v = gv;
        }
    } else {
        v = 0;
        for (uint32_t i = 0; i < it->atom_count && !v; i++)
            v = atom_true(m, it, &it->atoms[i]);
    }
    if (it->neg)
        v = !v;
    if (v && positive)
        note_field(m->s, it->raw ? "event.original" : it->field.name);
    return v;
}

static int sel_true(struct mctx *m, const struct detect_rule *r, uint32_t si, int positive)
{
    int8_t *st = &m->s->sel_state[si];
    if (*st >= 0)
        return *st;
    const struct detect_sel *sel = &r->sels[si];
    int v = 0;
    for (uint32_t a = 0; a < sel->count && !v; a++) {
        int all = 1;
        for (uint32_t i = 0; i < sel->alts[a].count && all; i++)
            all = item_true(m, &sel->alts[a].items[i], positive);
        v = all;
    }
    *st = (int8_t)v;
    return v;
}

static int cond_true(struct mctx *m, const struct detect_rule *r, const struct detect_cond *c, int positive)
{
    switch (c->op) {
    case DETECT_C_AND: return cond_true(m, r, c->a, positive) && cond_true(m, r, c->b, positive);
    case DETECT_C_OR: return cond_true(m, r, c->a, positive) || cond_true(m, r, c->b, positive);
    case DETECT_C_NOT: return !cond_true(m, r, c->a, !positive);
    case DETECT_C_SEL: return sel_true(m, r, c->sel, positive);
    default: {
        uint32_t need = c->need ? c->need : c->sel_count, got = 0;
        for (uint32_t i = 0; i < c->sel_count; i++) {
            if (sel_true(m, r, c->sels[i], positive) && ++got >= need)
                return 1;
            if (got + (c->sel_count - i - 1) < need)
                return 0;
        }
        return got >= need;
    }
    }
}

/* ---- match --------------------------------------------------------------- */

static int on_hs_match(unsigned int id, unsigned long long from, unsigned long long to,
                       unsigned int flags, void *ctx)
{
    struct mctx *m = ctx;
    struct detect_scratch *s = m->s;
    const struct detect_set *set = m->set;
    for (uint32_t k = set->pat_start[id]; k < set->pat_start[id + 1]; k++) {
        uint32_t sid = set->pat_slots[k];
        s->slot_gen[sid] = s->gen;
        const struct detect_slot *slot = &set->slots[sid];
        if (!slot->trigger)
            continue;
        uint32_t r = slot->rule;
        if (s->rule_gen[r] != s->gen) {
            s->rule_gen[r] = s->gen;
            if (!set->rules[r]->always)
                s->cand[s->cand_count++] = r;
        }
    }
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int64_t rec_time(const struct ym_record *rec)
{
    if (rec->time_ns)
        return rec->time_ns;
    if (rec->received_ns)
        return rec->received_ns;
    return 0;
}

int detect_set_match(struct detect_set *set, struct detect_scratch *s, const struct ym_record *rec,
                     detect_hit_fn fn, void *arg)
{
    if (!set || !s || !rec)
        return 0;
    if (scratch_fit(s, set) < 0)
        return -1;
    if (++s->gen == 0) {
        memset(s->slot_gen, 0, s->slot_cap * sizeof(*s->slot_gen));
        memset(s->rule_gen, 0, s->rule_cap * sizeof(*s->rule_gen));
        s->gen = 1;
    }
    s->cand_count = 0;
    struct mctx m = {.set = set, .s = s, .rec = rec};

    uint32_t kmask = DETECT_KINDS_ALL;
    if (rec->device && rec->device->kind) {
        if (rec->device->kind != s->last_kind) {
            s->last_kind = rec->device->kind;
            s->last_mask = detect_source_kind_mask(set->source, rec->device->kind);
        }
        kmask = s->last_mask;
    }

    if (s->hs) {
        const struct ym_fields *fs = &rec->fields;
        for (uint32_t i = 0; i < fs->count; i++) {
            int d = db_of(set, &fs->v[i]);
            if (d < 0)
                continue;
            char buf[64];
            size_t n;
            const char *t = detect_field_text(&fs->v[i], buf, sizeof(buf), &n);
            if (n)
                hs_scan(set->dbs[d].db, t, (unsigned)n, 0, s->hs, on_hs_match, &m);
        }
        if (set->raw_db >= 0 && rec->raw && rec->raw_len)
            hs_scan(set->dbs[set->raw_db].db, rec->raw, rec->raw_len, 0, s->hs, on_hs_match, &m);
    }
    if (s->cand_count > 1)
        qsort(s->cand, s->cand_count, sizeof(*s->cand), cmp_u32);

    int hits = 0;
    int64_t t_ns = rec_time(rec);
    for (int pass = 0; pass < 2; pass++) {
        const uint32_t *list = pass ? set->always : s->cand;
        uint32_t count = pass ? set->always_count : s->cand_count;
        for (uint32_t k = 0; k < count; k++) {
            const struct detect_rule *r = set->rules[list[k]];
            if (!(r->kinds_mask & kmask))
                continue;
            memset(s->sel_state, -1, r->sel_count);
            s->matched_count = 0;
            if (!cond_true(&m, r, r->cond, 1))
                continue;
            if (r->emit) {
                struct detect_hit h = {.rule = &r->meta, .fields = s->matched,
                                       .field_count = s->matched_count, .time_ns = t_ns,
                                       .group = "", .count = 1};
                hits++;
                if (fn && fn(arg, rec, &h))
                    return hits;
            }
            if (r->feed_count)
                hits += detect_corr_feed(set, r, rec, t_ns, fn, arg, 0);
        }
    }
    return hits;
}

int detect_set_match_batch(struct detect_set *set, struct detect_scratch *s,
                           const struct ym_batch *batch, detect_hit_fn fn, void *arg)
{
    int total = 0;
    for (uint32_t i = 0; batch && i < batch->count; i++) {
        int n = detect_set_match(set, s, &batch->recs[i], fn, arg);
        if (n < 0)
            return -1;
        total += n;
    }
    return total;
}
