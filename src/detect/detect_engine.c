/* detect_engine: building the Vectorscan databases of a set (the matcher
 * that runs them is detect_match.c).
 *
 * Every pattern value (glob) of every rule becomes one Vectorscan
 * expression in the database of its field that answers exactly ("exact"
 * atoms); every regex goes in as a prefilter expression (a hit is
 * necessary, PCRE2 confirms). Identical expressions (same flags, same
 * database) are compiled once and fan out to all their slots; a slot is
 * one (rule, atom). Anything Vectorscan refuses (empty patterns, exotic
 * regexes) is evaluated directly instead.
 *
 * Invariants the matcher relies on:
 *   1. an exact atom is true exactly when one of its pattern's hits marked
 *      its slot in this log's generation;
 *   2. a rule that is not "always" cannot hold unless one of its trigger
 *      atoms fired (detect_cond_pick_triggers proves it per rule);
 *   3. a rule whose condition may hold with no hit at all (checked with
 *      three-valued logic) is "always" and is evaluated on every log. */
#include "detect/detect_types.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hs/hs.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "core/ym_alloc.h"
#include "core/ym_buf.h"
#include "detect/detect_rule.h"
#include "parse/parse_ecs.h"

/* ---- build --------------------------------------------------------------- */

struct dbbuild {
    struct detect_fkey field;
    int raw;
    char **expr;
    unsigned *flags;
    unsigned *ids; /* pattern ids */
    size_t count, cap;
    uint32_t *htab; /* dedup: index + 1 into expr, open addressing */
    size_t hcap;
};

/* Slots sharing one pattern (same expression and flags in one database). */
struct patlist {
    uint32_t *slots;
    uint32_t count, cap;
};

static void pat_to_hs(const struct detect_atom *a, struct ym_buf *out)
{
    uint32_t from = 0, to = a->pat_len;
    while (from < to && a->pat[from] == DETECT_TOK_STAR)
        from++;
    while (to > from && a->pat[to - 1] == DETECT_TOK_STAR)
        to--;
    ym_buf_clear(out);
    if (from == to)
        return; /* matches anything (or only ""): not for Vectorscan */
    if (from == 0)
        ym_buf_adds(out, "\\A");
    for (uint32_t i = from; i < to; i++) {
        uint16_t t = a->pat[i];
        if (t == DETECT_TOK_STAR)
            ym_buf_adds(out, ".*");
        else if (t == DETECT_TOK_QMARK)
            ym_buf_addc(out, '.');
        else if (t == DETECT_TOK_DASH)
            ym_buf_adds(out, "(?:-|/|\\xE2\\x80[\\x93-\\x95])");
        else if (isalnum(t))
            ym_buf_addc(out, (char)t);
        else
            ym_buf_printf(out, "\\x%02X", t);
    }
    if (to == a->pat_len)
        ym_buf_adds(out, "\\z");
}

static struct dbbuild *db_for(struct dbbuild **dbs, size_t *count, const struct detect_item *it)
{
    for (size_t i = 0; i < *count; i++) {
        struct dbbuild *d = &(*dbs)[i];
        if (d->raw != it->raw)
            continue;
        if (it->raw || (d->field.id == it->field.id && strcmp(d->field.name, it->field.name) == 0))
            return d;
    }
    *dbs = ym_xrealloc(*dbs, (*count + 1) * sizeof(**dbs));
    struct dbbuild *d = &(*dbs)[(*count)++];
    memset(d, 0, sizeof(*d));
    d->field = it->field;
    d->raw = it->raw;
    return d;
}

static uint64_t expr_hash(const char *e, unsigned flags)
{
    uint64_t h = 1469598103934665603ull ^ flags;
    for (; *e; e++)
        h = (h ^ (uint8_t)*e) * 1099511628211ull;
    return h;
}

static void htab_put(struct dbbuild *d, size_t idx)
{
    size_t m = d->hcap - 1, h = (size_t)expr_hash(d->expr[idx], d->flags[idx]) & m;
    while (d->htab[h])
        h = (h + 1) & m;
    d->htab[h] = (uint32_t)idx + 1;
}

static void plist_add(struct patlist *p, uint32_t slot)
{
    if (p->count == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 2;
        p->slots = ym_xrealloc(p->slots, p->cap * sizeof(*p->slots));
    }
    p->slots[p->count++] = slot;
}

/* Adds slot's expression (taken over) to d, sharing a pattern with an
 * identical expression already there. */
static void db_add(struct dbbuild *d, char *expr, unsigned flags, uint32_t slot,
                   struct patlist **pats, size_t *pat_count, size_t *pat_cap)
{
    if (d->hcap) {
        size_t m = d->hcap - 1, h = (size_t)expr_hash(expr, flags) & m;
        for (; d->htab[h]; h = (h + 1) & m) {
            size_t i = d->htab[h] - 1;
            if (d->flags[i] == flags && strcmp(d->expr[i], expr) == 0) {
                plist_add(&(*pats)[d->ids[i]], slot);
                free(expr);
                return;
            }
        }
    }
    if (d->count == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->expr = ym_xrealloc(d->expr, d->cap * sizeof(*d->expr));
        d->flags = ym_xrealloc(d->flags, d->cap * sizeof(*d->flags));
        d->ids = ym_xrealloc(d->ids, d->cap * sizeof(*d->ids));
    }
    if (*pat_count == *pat_cap) {
        *pat_cap = *pat_cap ? *pat_cap * 2 : 256;
        *pats = ym_xrealloc(*pats, *pat_cap * sizeof(**pats));
    }
    struct patlist *p = &(*pats)[*pat_count];
    memset(p, 0, sizeof(*p));
    plist_add(p, slot);
    d->expr[d->count] = expr;
    d->flags[d->count] = flags;
    d->ids[d->count] = (unsigned)(*pat_count)++;
    d->count++;
    if (d->count * 2 > d->hcap) {
        free(d->htab);
        d->hcap = d->hcap ? d->hcap * 2 : 64;
        while (d->count * 2 > d->hcap)
            d->hcap *= 2;
        d->htab = ym_xcalloc(d->hcap, sizeof(*d->htab));
        for (size_t i = 0; i < d->count; i++)
            htab_put(d, i);
    } else {
        htab_put(d, d->count - 1);
    }
}

int detect_engine_build(struct detect_set *set, char *reason, size_t reason_len)
{
    struct dbbuild *dbs = NULL;
    size_t db_count = 0, slot_cap = 0, pat_count = 0, pat_cap = 0;
    struct patlist *pats = NULL;
    struct ym_buf hx = YM_BUF_INIT;
    int rc = -1;

    for (uint32_t r = 0; r < set->rule_count; r++) {
        struct detect_rule *rule = set->rules[r];
        rule->index = r;
        if (rule->sel_count > set->max_sels)
            set->max_sels = rule->sel_count;
        for (uint32_t s = 0; s < rule->sel_count; s++)
            for (uint32_t m = 0; m < rule->sels[s].count; m++)
                for (uint32_t i = 0; i < rule->sels[s].alts[m].count; i++) {
                    struct detect_item *it = &rule->sels[s].alts[m].items[i];
                    for (uint32_t k = 0; k < it->atom_count; k++) {
                        struct detect_atom *a = &it->atoms[k];
                        a->hs = DETECT_HS_NONE;
                        unsigned flags = HS_FLAG_SINGLEMATCH;
                        if (a->kind == DETECT_ATOM_PAT) {
                            pat_to_hs(a, &hx);
                            if (!hx.len)
                                continue;
                            flags |= HS_FLAG_DOTALL | (a->cased ? 0 : HS_FLAG_CASELESS);
                        } else if (a->kind == DETECT_ATOM_RE) {
                            ym_buf_clear(&hx);
                            ym_buf_adds(&hx, a->re_src);
                            flags |= HS_FLAG_PREFILTER;
                            if (a->re_flags & PCRE2_CASELESS)
                                flags |= HS_FLAG_CASELESS;
                            if (a->re_flags & PCRE2_MULTILINE)
                                flags |= HS_FLAG_MULTILINE;
                            if (a->re_flags & PCRE2_DOTALL)
                                flags |= HS_FLAG_DOTALL;
                            hs_expr_info_t *info = NULL;
                            hs_compile_error_t *cerr = NULL;
                            if (hs_expression_info(hx.data, flags, &info, &cerr) != HS_SUCCESS) {
                                hs_free_compile_error(cerr);
                                continue;
                            }
                            int empty = info->min_width == 0;
                            free(info);
                            if (empty)
                                continue; /* can match "": keep it out of the prefilter */
                        } else {
                            continue;
                        }
                        if (set->slot_count == slot_cap) {
                            slot_cap = slot_cap ? slot_cap * 2 : 256;
                            set->slots = ym_xrealloc(set->slots, slot_cap * sizeof(*set->slots));
                        }
                        a->hs_id = set->slot_count;
                        a->hs = a->kind == DETECT_ATOM_RE ? DETECT_HS_PREFILTER : DETECT_HS_EXACT;
                        set->slots[set->slot_count].rule = r;
                        set->slots[set->slot_count].atom = a;
                        set->slot_count++;
                        db_add(db_for(&dbs, &db_count, it), ym_xstrdup(hx.data), flags, a->hs_id,
                               &pats, &pat_count, &pat_cap);
                    }
                }
    }

    set->dbs = ym_xcalloc(db_count ? db_count : 1, sizeof(*set->dbs));
    set->db_by_id = ym_xmalloc(ECS__COUNT * sizeof(*set->db_by_id));
    for (int i = 0; i < ECS__COUNT; i++)
        set->db_by_id[i] = -1;
    set->raw_db = -1;
    uint32_t dyn_cap = 16;
    while (dyn_cap < db_count * 2)
        dyn_cap *= 2;
    set->dyn = ym_xcalloc(dyn_cap, sizeof(*set->dyn));
    set->dyn_mask = dyn_cap - 1;

    for (size_t i = 0; i < db_count; i++) {
        struct dbbuild *d = &dbs[i];
        hs_database_t *db = NULL;
        for (;;) {
            hs_compile_error_t *cerr = NULL;
            if (!d->count)
                break;
            if (hs_compile_multi((const char *const *)d->expr, d->flags, d->ids, (unsigned)d->count,
                                 HS_MODE_BLOCK, NULL, &db, &cerr) == HS_SUCCESS)
                break;
            int bad = cerr->expression;
            if (bad < 0 || (size_t)bad >= d->count) {
                snprintf(reason, reason_len, "pattern database for %s: %s",
                         d->raw ? "raw log" : d->field.name, cerr->message);
                hs_free_compile_error(cerr);
                goto out;
            }
            hs_free_compile_error(cerr);
            /* Evaluate those atoms directly and try again without them. */
            struct patlist *pl = &pats[d->ids[bad]];
            for (uint32_t k = 0; k < pl->count; k++)
                ((struct detect_atom *)set->slots[pl->slots[k]].atom)->hs = DETECT_HS_NONE;
            pl->count = 0;
            free(d->expr[bad]);
            d->count--;
            d->expr[bad] = d->expr[d->count];
            d->flags[bad] = d->flags[d->count];
            d->ids[bad] = d->ids[d->count];
        }
        if (!db)
            continue;
        struct detect_db *out = &set->dbs[set->db_count];
        out->field = d->field;
        out->raw = (uint8_t)d->raw;
        out->db = db;
        out->pattern_count = (uint32_t)d->count;
        if (hs_alloc_scratch(db, (hs_scratch_t **)&set->hs_proto) != HS_SUCCESS) {
            snprintf(reason, reason_len, "cannot allocate Vectorscan scratch");
            hs_free_database(db);
            goto out;
        }
        int32_t idx = (int32_t)set->db_count++;
        if (d->raw) {
            set->raw_db = idx;
        } else {
            if (d->field.id != YM_FIELD_DYNAMIC)
                set->db_by_id[d->field.id] = idx;
            uint32_t h = detect_name_hash(d->field.name) & set->dyn_mask;
            while (set->dyn[h].name)
                h = (h + 1) & set->dyn_mask;
            set->dyn[h].name = d->field.name;
            set->dyn[h].db = idx;
            uint32_t bit = detect_name_filter_bit(d->field.name, strlen(d->field.name));
            set->dyn_filter[bit >> 3] |= (uint8_t)(1u << (bit & 7));
        }
    }

    /* Rules that can fire with no literal hit run on every log; the others
     * become candidates only when one of their trigger atoms fires. */
    set->always = ym_xcalloc(set->rule_count ? set->rule_count : 1, sizeof(uint32_t));
    for (uint32_t r = 0; r < set->rule_count; r++) {
        struct detect_rule *rule = set->rules[r];
        rule->always = 0;
        if (rule->meta.correlation)
            continue;
        if (detect_cond_may_match_without_hits(rule) || detect_cond_pick_triggers(rule) < 0) {
            rule->always = 1;
            set->always[set->always_count++] = r;
        }
    }
    for (uint32_t i = 0; i < set->slot_count; i++)
        set->slots[i].trigger = set->slots[i].atom->trigger;
    set->pat_count = (uint32_t)pat_count;
    set->pat_start = ym_xmalloc((pat_count + 1) * sizeof(*set->pat_start));
    size_t total = 0;
    for (size_t i = 0; i < pat_count; i++)
        total += pats[i].count;
    set->pat_slots = ym_xmalloc((total ? total : 1) * sizeof(*set->pat_slots));
    total = 0;
    for (size_t i = 0; i < pat_count; i++) {
        set->pat_start[i] = (uint32_t)total;
        memcpy(set->pat_slots + total, pats[i].slots, pats[i].count * sizeof(uint32_t));
        total += pats[i].count;
    }
    set->pat_start[pat_count] = (uint32_t)total;
    rc = 0;
out:
    for (size_t i = 0; i < db_count; i++) {
        for (size_t k = 0; k < dbs[i].count; k++)
            free(dbs[i].expr[k]);
        free(dbs[i].expr);
        free(dbs[i].flags);
        free(dbs[i].ids);
        free(dbs[i].htab);
    }
    free(dbs);
    for (size_t i = 0; i < pat_count; i++)
        free(pats[i].slots);
    free(pats);
    ym_buf_free(&hx);
    return rc;
}

void detect_engine_free(struct detect_set *set)
{
    for (uint32_t i = 0; i < set->db_count; i++)
        hs_free_database(set->dbs[i].db);
    free(set->dbs);
    free(set->db_by_id);
    free(set->dyn);
    free(set->always);
    free(set->slots);
    free(set->pat_start);
    free(set->pat_slots);
    hs_free_scratch(set->hs_proto);
}
