/* detect_rule: Sigma rule document -> compiled rule (see detect_rule.h).
 *
 * Sigma 2.1 (sigma-rules-specification.md, sigma-appendix-modifiers.md).
 * Value semantics, as pySigma gives them:
 *   - a plain value matches the whole field, case-insensitively; `*` and `?`
 *     are wildcards, `\*` `\?` `\\` their literal forms, any other `\` is
 *     a literal backslash;
 *   - contains/startswith/endswith add wildcards; keywords (a list of plain
 *     values) match anywhere in the raw log;
 *   - transformations (windash, utf16*, wide, base64, base64offset) apply in
 *     the order written; a value can expand into several variants (one
 *     "group": any variant is enough, |all needs every group);
 *   - re is a PCRE search, case-sensitive unless |i. */
#include "detect/detect_rule.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "core/ym_alloc.h"
#include "core/ym_fields.h"
#include "parse/parse_ecs.h"

#define MAX_VARIANTS 512 /* values one item may expand to */
#define MAX_PAT_TOKENS 65536

void *detect_build_alloc(struct detect_build *b, size_t n)
{
    void *p = ym_arena_alloc(b->arena, n ? n : 1);
    if (!p) {
        /* The set's arena has no limit: this is out of memory. */
        fprintf(stderr, "yamori: out of memory compiling rules\n");
        abort();
    }
    memset(p, 0, n ? n : 1);
    return p;
}

char *detect_build_strdup(struct detect_build *b, const char *s)
{
    size_t n = strlen(s);
    char *d = detect_build_alloc(b, n + 1);
    memcpy(d, s, n);
    return d;
}

static enum detect_rule_status fail(struct detect_build *b, const struct detect_yaml_node *at,
                                    enum detect_rule_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static enum detect_rule_status fail(struct detect_build *b, const struct detect_yaml_node *at,
                                    enum detect_rule_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->reason, sizeof(b->reason), fmt, ap);
    va_end(ap);
    if (at)
        b->line = at->line;
    return st;
}

/* ---- patterns ----------------------------------------------------------- */

struct pat {
    uint16_t *t;
    size_t len, cap;
};

static void pat_push(struct pat *p, uint16_t tok)
{
    if (p->len == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 32;
        p->t = ym_xrealloc(p->t, p->cap * sizeof(*p->t));
    }
    p->t[p->len++] = tok;
}

static void pat_from_value(struct pat *p, const char *s, size_t n, int wildcards)
{
    p->len = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (wildcards && c == '\\' && i + 1 < n && (s[i + 1] == '*' || s[i + 1] == '?' || s[i + 1] == '\\')) {
            pat_push(p, (unsigned char)s[++i]);
        } else if (wildcards && c == '*') {
            pat_push(p, DETECT_TOK_STAR);
        } else if (wildcards && c == '?') {
            pat_push(p, DETECT_TOK_QMARK);
        } else {
            pat_push(p, c);
        }
    }
}

static int pat_literal(const struct pat *p)
{
    for (size_t i = 0; i < p->len; i++)
        if (p->t[i] > 255)
            return 0;
    return 1;
}

static int is_word(uint16_t t) { return t < 256 && (isalnum(t) || t == '_'); }

static void pat_windash(struct pat *p)
{
    for (size_t i = 0; i < p->len; i++) {
        if (p->t[i] != '-' && p->t[i] != '/')
            continue;
        int before_word = i > 0 && is_word(p->t[i - 1]);
        int after_word = i + 1 < p->len && is_word(p->t[i + 1]);
        if (!before_word && after_word)
            p->t[i] = DETECT_TOK_DASH;
    }
}

/* UTF-16 of the literal runs (code points decoded from UTF-8; bytes that
 * are not valid UTF-8 are taken as Latin-1). */
static void pat_utf16(struct pat *p, int big_endian, int bom)
{
    struct pat o = {0};
    if (bom) {
        pat_push(&o, big_endian ? 0xFE : 0xFF);
        pat_push(&o, big_endian ? 0xFF : 0xFE);
    }
    for (size_t i = 0; i < p->len; i++) {
        uint16_t t = p->t[i];
        if (t > 255) {
            pat_push(&o, t);
            if (t == DETECT_TOK_QMARK)
                pat_push(&o, t);
            continue;
        }
        uint32_t cp = t;
        size_t extra = 0;
        if (t >= 0xF0 && t < 0xF8) {
            cp = t & 0x07;
            extra = 3;
        } else if (t >= 0xE0) {
            cp = t & 0x0F;
            extra = 2;
        } else if (t >= 0xC0) {
            cp = t & 0x1F;
            extra = 1;
        }
        size_t j = 0;
        for (; j < extra && i + 1 + j < p->len && p->t[i + 1 + j] >= 0x80 && p->t[i + 1 + j] < 0xC0; j++)
            cp = (cp << 6) | (p->t[i + 1 + j] & 0x3F);
        if (j == extra) {
            i += extra;
        } else {
            cp = t;
        }
        uint16_t units[2];
        int nu = 1;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            units[0] = (uint16_t)(0xD800 | (cp >> 10));
            units[1] = (uint16_t)(0xDC00 | (cp & 0x3FF));
            nu = 2;
        } else {
            units[0] = (uint16_t)cp;
        }
        for (int u = 0; u < nu; u++) {
            pat_push(&o, big_endian ? units[u] >> 8 : units[u] & 0xFF);
            pat_push(&o, big_endian ? units[u] & 0xFF : units[u] >> 8);
        }
    }
    free(p->t);
    *p = o;
}

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void b64(const uint8_t *in, size_t n, struct pat *out)
{
    out->len = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        pat_push(out, (uint8_t)b64chars[(v >> 18) & 63]);
        pat_push(out, (uint8_t)b64chars[(v >> 12) & 63]);
        pat_push(out, i + 1 < n ? (uint8_t)b64chars[(v >> 6) & 63] : '=');
        pat_push(out, i + 2 < n ? (uint8_t)b64chars[v & 63] : '=');
    }
}

/* ---- modifiers ---------------------------------------------------------- */

enum { POS_EXACT = 0, POS_START = 1, POS_END = 2, POS_CONTAINS = 3 };

struct mods {
    int pos, all, re, re_flags, cidr, exists, num, num_op, fieldref, expand, cased, neq;
    /* transformations in order: 'w' windash, 'l' utf16le, 'b' utf16be,
     * 'u' utf16 (BOM), '6' base64, 'o' base64offset */
    char xf[8];
    int xf_count;
};

static enum detect_rule_status parse_mods(struct detect_build *b, const struct detect_yaml_node *key,
                                          char **mods_text, struct mods *m)
{
    memset(m, 0, sizeof(*m));
    for (char *tok = *mods_text, *next; tok && *tok; tok = next) {
        next = strchr(tok, '|');
        if (next)
            *next++ = 0;
        if (strcmp(tok, "contains") == 0) m->pos = POS_CONTAINS;
        else if (strcmp(tok, "startswith") == 0) m->pos = POS_START;
        else if (strcmp(tok, "endswith") == 0) m->pos = POS_END;
        else if (strcmp(tok, "all") == 0) m->all = 1;
        else if (strcmp(tok, "re") == 0) m->re = 1;
        else if (m->re && strcmp(tok, "i") == 0) m->re_flags |= PCRE2_CASELESS;
        else if (m->re && strcmp(tok, "m") == 0) m->re_flags |= PCRE2_MULTILINE;
        else if (m->re && strcmp(tok, "s") == 0) m->re_flags |= PCRE2_DOTALL;
        else if (strcmp(tok, "cidr") == 0) m->cidr = 1;
        else if (strcmp(tok, "exists") == 0) m->exists = 1;
        else if (strcmp(tok, "gt") == 0) { m->num = 1; m->num_op = DETECT_OP_GT; }
        else if (strcmp(tok, "gte") == 0) { m->num = 1; m->num_op = DETECT_OP_GTE; }
        else if (strcmp(tok, "lt") == 0) { m->num = 1; m->num_op = DETECT_OP_LT; }
        else if (strcmp(tok, "lte") == 0) { m->num = 1; m->num_op = DETECT_OP_LTE; }
        else if (strcmp(tok, "fieldref") == 0) m->fieldref = 1;
        else if (strcmp(tok, "expand") == 0) m->expand = 1;
        else if (strcmp(tok, "cased") == 0) m->cased = 1;
        else if (strcmp(tok, "neq") == 0) m->neq = 1;
        else if (m->xf_count < 7 && (strcmp(tok, "windash") == 0 || strcmp(tok, "utf16le") == 0 ||
                                     strcmp(tok, "wide") == 0 || strcmp(tok, "utf16be") == 0 ||
                                     strcmp(tok, "utf16") == 0 || strcmp(tok, "base64") == 0 ||
                                     strcmp(tok, "base64offset") == 0)) {
            char c = tok[0] == 'w' && tok[1] == 'i' && tok[2] == 'n' ? 'w'
                   : strcmp(tok, "utf16le") == 0 || strcmp(tok, "wide") == 0 ? 'l'
                   : strcmp(tok, "utf16be") == 0 ? 'b'
                   : strcmp(tok, "utf16") == 0 ? 'u'
                   : strcmp(tok, "base64") == 0 ? '6' : 'o';
            m->xf[m->xf_count++] = c;
        } else if (strcmp(tok, "minute") == 0 || strcmp(tok, "hour") == 0 || strcmp(tok, "day") == 0 ||
                   strcmp(tok, "week") == 0 || strcmp(tok, "month") == 0 || strcmp(tok, "year") == 0) {
            return fail(b, key, DETECT_RULE_UNSUPPORTED, "time modifier |%s is not supported", tok);
        } else {
            return fail(b, key, DETECT_RULE_ERROR, "unknown value modifier |%s", tok);
        }
    }
    if (m->re && (m->pos || m->xf_count || m->cidr || m->num))
        return fail(b, key, DETECT_RULE_UNSUPPORTED, "|re combined with other value modifiers");
    return DETECT_RULE_OK;
}

static struct detect_fkey fkey(struct detect_build *b, const void *entry, const char *sigma_name)
{
    const char *name = detect_source_field(b->source, entry, sigma_name);
    struct detect_fkey k;
    k.id = parse_ecs_lookup(name, strlen(name));
    k.name = k.id != YM_FIELD_DYNAMIC ? parse_ecs_name(k.id) : detect_build_strdup(b, name);
    return k;
}

/* ---- atoms ------------------------------------------------------------ */

struct atoms {
    struct detect_atom *v;
    uint32_t *group;
    size_t count, cap;
};

static struct detect_atom *atoms_add(struct atoms *a, uint32_t group)
{
    if (a->count == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 8;
        a->v = ym_xrealloc(a->v, a->cap * sizeof(*a->v));
        a->group = ym_xrealloc(a->group, a->cap * sizeof(*a->group));
    }
    memset(&a->v[a->count], 0, sizeof(a->v[0]));
    a->group[a->count] = group;
    return &a->v[a->count++];
}

static int parse_cidr(const char *s, struct detect_atom *at)
{
    char buf[64];
    size_t n = strlen(s);
    if (n >= sizeof(buf))
        return -1;
    memcpy(buf, s, n + 1);
    char *slash = strchr(buf, '/');
    long prefix = -1;
    if (slash) {
        *slash = 0;
        char *end;
        errno = 0;
        prefix = strtol(slash + 1, &end, 10);
        if (errno || *end || end == slash + 1 || prefix < 0)
            return -1;
    }
    if (inet_pton(AF_INET, buf, at->addr) == 1) {
        at->family = 4;
        if (prefix > 32)
            return -1;
        at->prefix = (uint8_t)(prefix < 0 ? 32 : prefix);
    } else if (inet_pton(AF_INET6, buf, at->addr) == 1) {
        at->family = 6;
        if (prefix > 128)
            return -1;
        at->prefix = (uint8_t)(prefix < 0 ? 128 : prefix);
    } else {
        return -1;
    }
    return 0;
}

static int parse_number(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static void add_pat_atom(struct detect_build *b, struct atoms *a, uint32_t group, const struct pat *p,
                         int pos, int cased)
{
    struct detect_atom *at = atoms_add(a, group);
    at->kind = DETECT_ATOM_PAT;
    at->cased = (uint8_t)cased;
    size_t n = p->len + 2;
    uint16_t *t = detect_build_alloc(b, n * sizeof(*t));
    size_t k = 0;
    if ((pos == POS_END || pos == POS_CONTAINS) && !(p->len && p->t[0] == DETECT_TOK_STAR))
        t[k++] = DETECT_TOK_STAR;
    if (p->len)
        memcpy(t + k, p->t, p->len * sizeof(*t));
    k += p->len;
    if ((pos == POS_START || pos == POS_CONTAINS) && !(p->len && p->t[p->len - 1] == DETECT_TOK_STAR))
        t[k++] = DETECT_TOK_STAR;
    at->pat = t;
    at->pat_len = (uint32_t)k;
}

/* One value string (after placeholder expansion) -> atoms of one group. */
static enum detect_rule_status value_atoms(struct detect_build *b, const struct detect_yaml_node *vn,
                                           const char *s, const struct mods *m, int keyword,
                                           const void *entry, struct atoms *a, uint32_t group)
{
    if (m->re) {
        int errcode;
        PCRE2_SIZE erroff;
        pcre2_code *re = pcre2_compile((PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED,
                                       (uint32_t)m->re_flags,
                                       &errcode, &erroff, NULL);
        if (!re) {
            char msg[160];
            pcre2_get_error_message(errcode, (PCRE2_UCHAR *)msg, sizeof(msg));
            return fail(b, vn, DETECT_RULE_ERROR, "regex /%.60s/ at offset %zu: %s", s,
                        (size_t)erroff, msg);
        }
        pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* falls back to the interpreter if JIT is off */
        if (b->regex_count == b->regex_cap) {
            b->regex_cap = b->regex_cap ? b->regex_cap * 2 : 16;
            b->regexes = ym_xrealloc(b->regexes, b->regex_cap * sizeof(*b->regexes));
        }
        b->regexes[b->regex_count++] = re;
        struct detect_atom *at = atoms_add(a, group);
        at->kind = DETECT_ATOM_RE;
        at->re = re;
        at->re_src = detect_build_strdup(b, s);
        at->re_flags = (uint32_t)m->re_flags;
        return DETECT_RULE_OK;
    }
    if (m->cidr) {
        struct detect_atom *at = atoms_add(a, group);
        at->kind = DETECT_ATOM_CIDR;
        if (parse_cidr(s, at) < 0)
            return fail(b, vn, DETECT_RULE_ERROR, "|cidr: '%.60s' is not a network", s);
        return DETECT_RULE_OK;
    }
    if (m->num) {
        struct detect_atom *at = atoms_add(a, group);
        at->kind = DETECT_ATOM_NUM;
        at->op = (uint8_t)m->num_op;
        if (parse_number(s, &at->num) < 0)
            return fail(b, vn, DETECT_RULE_ERROR, "numeric modifier needs a number, not '%.60s'", s);
        return DETECT_RULE_OK;
    }
    if (m->exists) {
        struct detect_atom *at = atoms_add(a, group);
        at->kind = DETECT_ATOM_EXISTS;
        if (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0)
            at->num = 1;
        else if (strcasecmp(s, "false") == 0 || strcasecmp(s, "no") == 0)
            at->num = 0;
        else
            return fail(b, vn, DETECT_RULE_ERROR, "|exists needs true or false");
        return DETECT_RULE_OK;
    }
    if (m->fieldref) {
        if (m->pos != POS_EXACT || m->xf_count)
            return fail(b, vn, DETECT_RULE_UNSUPPORTED, "|fieldref with other modifiers");
        struct detect_atom *at = atoms_add(a, group);
        at->kind = DETECT_ATOM_FIELDREF;
        at->cased = (uint8_t)m->cased;
        at->ref = fkey(b, entry, s);
        return DETECT_RULE_OK;
    }
    struct pat p = {0};
    pat_from_value(&p, s, strlen(s), 1);
    int cased = m->cased;
    /* Variants after base64offset: up to 3 patterns. */
    struct pat var[3] = {{0}};
    int nvar = 0;
    for (int i = 0; i < m->xf_count; i++) {
        char x = m->xf[i];
        if (x == 'w') {
            pat_windash(&p);
        } else if (x == 'l' || x == 'b' || x == 'u') {
            pat_utf16(&p, x == 'b', x == 'u');
        } else {
            if (!pat_literal(&p)) {
                free(p.t);
                return fail(b, vn, DETECT_RULE_UNSUPPORTED, "wildcards inside a base64 value");
            }
            if (i != m->xf_count - 1 || nvar) {
                free(p.t);
                return fail(b, vn, DETECT_RULE_UNSUPPORTED, "modifier after base64");
            }
            size_t n = p.len;
            uint8_t *raw = ym_xmalloc(n + 2);
            for (size_t j = 0; j < n; j++)
                raw[j + 2] = (uint8_t)p.t[j];
            cased = 1; /* base64 text is case-sensitive by nature */
            if (x == '6') {
                b64(raw + 2, n, &var[0]);
                nvar = 1;
            } else {
                static const int starts[3] = {0, 2, 3};
                static const int ends[3] = {0, 3, 2};
                for (int sh = 0; sh < 3; sh++) {
                    raw[0] = raw[1] = ' ';
                    struct pat enc = {0};
                    b64(raw + 2 - sh, n + (size_t)sh, &enc);
                    int cut = ends[(n + (size_t)sh) % 3];
                    size_t from = (size_t)starts[sh];
                    size_t to = enc.len >= (size_t)cut ? enc.len - (size_t)cut : 0;
                    var[nvar].len = 0;
                    for (size_t j = from; j < to; j++)
                        pat_push(&var[nvar], enc.t[j]);
                    free(enc.t);
                    if (var[nvar].len)
                        nvar++;
                }
            }
            free(raw);
        }
    }
    int pos = m->pos;
    if (keyword && pos == POS_EXACT)
        pos = POS_CONTAINS;
    if (nvar) {
        for (int i = 0; i < nvar; i++) {
            add_pat_atom(b, a, group, &var[i], pos, cased);
            free(var[i].t);
        }
    } else {
        add_pat_atom(b, a, group, &p, pos, cased);
    }
    free(p.t);
    return DETECT_RULE_OK;
}

/* Replaces the first %name% of s by each value of the placeholder,
 * recursively, calling value_atoms for each full expansion. */
static enum detect_rule_status expand(struct detect_build *b, const struct detect_yaml_node *vn,
                                      const char *s, const struct mods *m, int keyword,
                                      const void *entry, struct atoms *a, uint32_t group, int *budget)
{
    const char *p1 = strchr(s, '%');
    const char *p2 = p1 ? strchr(p1 + 1, '%') : NULL;
    if (!p2)
        return value_atoms(b, vn, s, m, keyword, entry, a, group);
    char name[128];
    size_t nl = (size_t)(p2 - p1 - 1);
    if (nl == 0 || nl >= sizeof(name))
        return fail(b, vn, DETECT_RULE_ERROR, "bad placeholder in '%.60s'", s);
    memcpy(name, p1 + 1, nl);
    name[nl] = 0;
    const struct detect_yaml_node *vals = detect_placeholders_get(b->placeholders, name);
    if (!vals)
        return fail(b, vn, DETECT_RULE_UNSUPPORTED, "placeholder %%%s%% is not defined in placeholders.yaml", name);
    size_t n = vals->type == DETECT_YAML_SEQ ? vals->count : 1;
    for (size_t i = 0; i < n; i++) {
        const struct detect_yaml_node *v = vals->type == DETECT_YAML_SEQ ? vals->items[i] : vals;
        if (v->type != DETECT_YAML_SCALAR)
            continue;
        if (--*budget < 0)
            return fail(b, vn, DETECT_RULE_UNSUPPORTED, "placeholder expands to too many values");
        char *sub = ym_xasprintf("%.*s%s%s", (int)(p1 - s), s, v->str, p2 + 1);
        enum detect_rule_status st = expand(b, vn, sub, m, keyword, entry, a, group, budget);
        free(sub);
        if (st != DETECT_RULE_OK)
            return st;
    }
    return DETECT_RULE_OK;
}

/* key (`field|mods`, or "" for keywords) and its value(s) -> one item. */
static enum detect_rule_status build_item(struct detect_build *b, const struct detect_yaml_node *key,
                                          const char *key_text, const struct detect_yaml_node *val,
                                          const void *entry, struct detect_item *item)
{
    char *buf = ym_xstrdup(key_text);
    char *bar = strchr(buf, '|');
    char *mods_text = bar ? bar + 1 : buf + strlen(buf);
    if (bar)
        *bar = 0;
    struct mods m;
    enum detect_rule_status st = parse_mods(b, key, &mods_text, &m);
    if (st != DETECT_RULE_OK) {
        free(buf);
        return st;
    }
    memset(item, 0, sizeof(*item));
    if (buf[0]) {
        item->field = fkey(b, entry, buf);
    } else {
        item->raw = 1;
        item->field.id = YM_FIELD_DYNAMIC;
        item->field.name = "";
    }
    free(buf);
    item->all = (uint8_t)m.all;
    item->neg = (uint8_t)m.neq;
    if (item->raw && (m.exists || m.fieldref || m.num || m.cidr))
        return fail(b, key, DETECT_RULE_ERROR, "keyword values cannot use this modifier");

    size_t n = val->type == DETECT_YAML_SEQ ? val->count : 1;
    if (val->type == DETECT_YAML_MAP)
        return fail(b, val, DETECT_RULE_ERROR, "value of '%s' is a map", key_text);
    if (n == 0)
        return fail(b, val, DETECT_RULE_ERROR, "empty value list for '%s'", key_text);
    struct atoms a = {0};
    int budget = MAX_VARIANTS;
    st = DETECT_RULE_OK;
    for (size_t i = 0; i < n && st == DETECT_RULE_OK; i++) {
        const struct detect_yaml_node *v = val->type == DETECT_YAML_SEQ ? val->items[i] : val;
        if (v->type != DETECT_YAML_SCALAR) {
            st = fail(b, v, DETECT_RULE_ERROR, "values of '%s' must be scalars", key_text);
            break;
        }
        if (detect_yaml_is_null(v) && !m.exists) {
            struct detect_atom *at = atoms_add(&a, (uint32_t)i);
            at->kind = item->raw ? DETECT_ATOM_EXISTS : DETECT_ATOM_NULL;
            continue;
        }
        if (m.expand)
            st = expand(b, v, v->str, &m, item->raw, entry, &a, (uint32_t)i, &budget);
        else
            st = value_atoms(b, v, v->str, &m, item->raw, entry, &a, (uint32_t)i);
    }
    if (st == DETECT_RULE_OK) {
        item->atom_count = (uint32_t)a.count;
        item->atoms = detect_build_alloc(b, a.count * sizeof(*item->atoms));
        memcpy(item->atoms, a.v, a.count * sizeof(*item->atoms));
        for (size_t i = 0; i < a.count; i++)
            item->atoms[i].group = a.group[i];
    }
    free(a.v);
    free(a.group);
    return st;
}

static enum detect_rule_status build_map(struct detect_build *b, const struct detect_yaml_node *mn,
                                         const void *entry, struct detect_map *out)
{
    out->count = (uint32_t)mn->count;
    out->items = detect_build_alloc(b, mn->count * sizeof(*out->items));
    for (size_t i = 0; i < mn->count; i++) {
        enum detect_rule_status st = build_item(b, mn->keys[i], mn->keys[i]->str, mn->items[i],
                                                entry, &out->items[i]);
        if (st != DETECT_RULE_OK)
            return st;
    }
    if (mn->count == 0)
        return fail(b, mn, DETECT_RULE_ERROR, "empty selection");
    return DETECT_RULE_OK;
}

static enum detect_rule_status build_sel(struct detect_build *b, const char *name,
                                         const struct detect_yaml_node *v, const void *entry,
                                         struct detect_sel *sel)
{
    sel->name = detect_build_strdup(b, name);
    if (v->type == DETECT_YAML_MAP) {
        sel->count = 1;
        sel->alts = detect_build_alloc(b, sizeof(*sel->alts));
        return build_map(b, v, entry, &sel->alts[0]);
    }
    if (v->type == DETECT_YAML_SCALAR || (v->type == DETECT_YAML_SEQ && v->count &&
                                          v->items[0]->type == DETECT_YAML_SCALAR)) {
        /* Keywords: plain values anywhere in the log. */
        sel->count = 1;
        sel->alts = detect_build_alloc(b, sizeof(*sel->alts));
        sel->alts[0].count = 1;
        sel->alts[0].items = detect_build_alloc(b, sizeof(struct detect_item));
        return build_item(b, v, "", v, entry, &sel->alts[0].items[0]);
    }
    if (v->type == DETECT_YAML_SEQ && v->count) {
        sel->count = (uint32_t)v->count;
        sel->alts = detect_build_alloc(b, v->count * sizeof(*sel->alts));
        for (size_t i = 0; i < v->count; i++) {
            if (v->items[i]->type != DETECT_YAML_MAP)
                return fail(b, v->items[i], DETECT_RULE_ERROR,
                            "selection '%s' mixes maps and plain values", name);
            enum detect_rule_status st = build_map(b, v->items[i], entry, &sel->alts[i]);
            if (st != DETECT_RULE_OK)
                return st;
        }
        return DETECT_RULE_OK;
    }
    return fail(b, v, DETECT_RULE_ERROR, "selection '%s' is empty", name);
}

/* detect_corr.c */
enum detect_rule_status detect_corr_build(struct detect_build *b, const struct detect_yaml_node *node,
                                          struct detect_rule *rule);

enum detect_rule_status detect_rule_build(struct detect_build *b, const struct detect_yaml_node *doc,
                                          const char *file, struct detect_rule **out)
{
    *out = NULL;
    b->reason[0] = 0;
    b->line = doc ? doc->line : 0;
    if (!doc || doc->type != DETECT_YAML_MAP)
        return fail(b, doc, DETECT_RULE_ERROR, "a rule must be a YAML map");
    const struct detect_yaml_node *title = detect_yaml_get(doc, "title");
    if (!title || title->type != DETECT_YAML_SCALAR || !title->len)
        return fail(b, doc, DETECT_RULE_ERROR, "missing title");
    struct detect_rule *r = detect_build_alloc(b, sizeof(*r));
    struct detect_rule_meta *mt = &r->meta;
    if (detect_meta_read(b, doc, file, mt) < 0)
        return DETECT_RULE_ERROR;
    r->emit = 1;

    const struct detect_yaml_node *corr = detect_yaml_get(doc, "correlation");
    if (corr) {
        mt->correlation = 1;
        r->kinds_mask = DETECT_KINDS_ALL; /* narrowed to its rules' kinds when linked */
        enum detect_rule_status st = detect_corr_build(b, corr, r);
        const char *gen = detect_yaml_get_str(doc, "generate");
        if (gen && (strcmp(gen, "true") == 0 || strcmp(gen, "yes") == 0))
            detect_corr_set_generate(r->corr, 1);
        if (st == DETECT_RULE_OK)
            *out = r;
        else
            detect_corr_free(r->corr);
        return st;
    }

    const struct detect_yaml_node *ls = detect_yaml_get(doc, "logsource");
    if (!ls || ls->type != DETECT_YAML_MAP)
        return fail(b, ls ? ls : doc, DETECT_RULE_ERROR, "missing logsource");
    const void *entry = NULL;
    r->kinds_mask = detect_source_kinds(b->source, detect_yaml_get_str(ls, "category"),
                                        detect_yaml_get_str(ls, "product"),
                                        detect_yaml_get_str(ls, "service"), &entry);
    const struct detect_yaml_node *det = detect_yaml_get(doc, "detection");
    if (!det || det->type != DETECT_YAML_MAP)
        return fail(b, det ? det : doc, DETECT_RULE_ERROR, "missing detection");
    const struct detect_yaml_node *cond = detect_yaml_get(det, "condition");
    if (!cond)
        return fail(b, det, DETECT_RULE_ERROR, "detection has no condition");
    r->sels = detect_build_alloc(b, det->count * sizeof(*r->sels));
    for (size_t i = 0; i < det->count; i++) {
        const char *k = det->keys[i]->str;
        if (strcmp(k, "condition") == 0 || strcmp(k, "timeframe") == 0)
            continue;
        enum detect_rule_status st = build_sel(b, k, det->items[i], entry, &r->sels[r->sel_count]);
        if (st != DETECT_RULE_OK)
            return st;
        r->sel_count++;
    }
    const char *cond_text = NULL;
    if (cond->type == DETECT_YAML_SCALAR) {
        cond_text = cond->str;
    } else if (cond->type == DETECT_YAML_SEQ && cond->count) {
        /* Sigma 1 list of conditions: any of them. */
        size_t total = 1;
        for (size_t i = 0; i < cond->count; i++) {
            if (cond->items[i]->type != DETECT_YAML_SCALAR)
                return fail(b, cond, DETECT_RULE_ERROR, "condition list must hold strings");
            total += cond->items[i]->len + 8;
        }
        char *t = detect_build_alloc(b, total);
        size_t off = 0;
        for (size_t i = 0; i < cond->count; i++)
            off += (size_t)snprintf(t + off, total - off, "%s(%s)", i ? " or " : "", cond->items[i]->str);
        cond_text = t;
    } else {
        return fail(b, cond, DETECT_RULE_ERROR, "condition must be a string");
    }
    b->line = cond->line;
    b->unsupported = 0;
    if (detect_cond_parse(b, r, cond_text, &r->cond) < 0)
        return b->unsupported ? DETECT_RULE_UNSUPPORTED : DETECT_RULE_ERROR;
    b->line = doc->line;
    *out = r;
    if (r->kinds_mask)
        return DETECT_RULE_OK;
    char where[200] = "";
    static const char *const keys[] = {"category", "product", "service"};
    for (int i = 0; i < 3; i++) {
        const char *v = detect_yaml_get_str(ls, keys[i]);
        size_t n = strlen(where);
        if (v)
            snprintf(where + n, sizeof(where) - n, "%s%s: %s", n ? ", " : "", keys[i], v);
    }
    snprintf(b->reason, sizeof(b->reason), "logsource {%s} is not received by any device kind", where);
    return DETECT_RULE_INACTIVE;
}
