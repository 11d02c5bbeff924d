/* detect_cond: Sigma condition text -> tree (detect_rule.h).
 *
 * Grammar (Sigma 2.1), lowest precedence first:
 *   expr   := and ("or" and)*
 *   and    := unary ("and" unary)*
 *   unary  := "not" unary | "(" expr ")" | quant | NAME
 *   quant  := ("1" | "all" | N) "of" (PATTERN | "them")
 * NAME is a selection; PATTERN may use `*` (`1 of selection_*`); `them`
 * is every selection whose name does not start with `_`. A `|` starts a
 * Sigma 1 aggregation (count() by ...), which we report as unsupported:
 * correlation rules replace it. */
#include "detect/detect_rule.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOKENS 4096
#define MAX_DEPTH 64

struct cparse {
    struct detect_build *b;
    struct detect_rule *rule;
    const char *toks[MAX_TOKENS];
    size_t tok_len[MAX_TOKENS];
    size_t count, pos;
    int depth;
    int err;
};

static int perr(struct cparse *p, const char *fmt, const char *what, size_t n)
{
    if (!p->err) {
        char tmp[64];
        snprintf(tmp, sizeof(tmp), "%.*s", (int)(n < 60 ? n : 60), what ? what : "");
        snprintf(p->b->reason, sizeof(p->b->reason), fmt, tmp);
    }
    p->err = 1;
    return -1;
}

static int tok_is(struct cparse *p, const char *w)
{
    if (p->pos >= p->count)
        return 0;
    size_t n = strlen(w);
    return p->tok_len[p->pos] == n && strncasecmp(p->toks[p->pos], w, n) == 0;
}

static struct detect_cond *node(struct cparse *p, int op)
{
    struct detect_cond *c = detect_build_alloc(p->b, sizeof(*c));
    c->op = (uint8_t)op;
    return c;
}

static struct detect_cond *parse_expr(struct cparse *p);

static struct detect_cond *parse_quant(struct cparse *p)
{
    const char *q = p->toks[p->pos];
    size_t ql = p->tok_len[p->pos];
    uint32_t need = 0;
    if (!(ql == 3 && strncasecmp(q, "all", 3) == 0)) {
        need = 0;
        for (size_t i = 0; i < ql; i++) {
            if (!isdigit((unsigned char)q[i]) || need > 100000) {
                perr(p, "bad quantifier '%s'", q, ql);
                return NULL;
            }
            need = need * 10 + (uint32_t)(q[i] - '0');
        }
        if (need == 0) {
            perr(p, "quantifier must be at least 1: '%s'", q, ql);
            return NULL;
        }
    }
    p->pos += 2; /* quantifier and "of" */
    if (p->pos >= p->count) {
        perr(p, "'of' needs a selection pattern or 'them'%s", "", 0);
        return NULL;
    }
    const char *pat = p->toks[p->pos];
    size_t pl = p->tok_len[p->pos];
    p->pos++;
    char pattern[256];
    if (pl >= sizeof(pattern)) {
        perr(p, "selection pattern too long: %s", pat, pl);
        return NULL;
    }
    memcpy(pattern, pat, pl);
    pattern[pl] = 0;
    int them = strcmp(pattern, "them") == 0;
    struct detect_cond *c = node(p, DETECT_C_OF);
    c->need = need;
    c->sels = detect_build_alloc(p->b, (p->rule->sel_count + 1) * sizeof(uint32_t));
    for (uint32_t i = 0; i < p->rule->sel_count; i++) {
        const char *name = p->rule->sels[i].name;
        int hit = them ? name[0] != '_' : fnmatch(pattern, name, 0) == 0;
        if (hit)
            c->sels[c->sel_count++] = i;
    }
    if (c->sel_count == 0) {
        perr(p, "no selection matches '%s'", pattern, pl);
        return NULL;
    }
    return c;
}

static struct detect_cond *parse_unary(struct cparse *p)
{
    if (++p->depth > MAX_DEPTH) {
        perr(p, "condition nested too deeply%s", "", 0);
        return NULL;
    }
    struct detect_cond *c = NULL;
    if (p->pos >= p->count) {
        perr(p, "condition ends too early%s", "", 0);
    } else if (tok_is(p, "not")) {
        p->pos++;
        struct detect_cond *a = parse_unary(p);
        if (a) {
            c = node(p, DETECT_C_NOT);
            c->a = a;
        }
    } else if (tok_is(p, "(")) {
        p->pos++;
        c = parse_expr(p);
        if (c && !tok_is(p, ")")) {
            perr(p, "missing ')'%s", "", 0);
            c = NULL;
        } else if (c) {
            p->pos++;
        }
    } else if (p->pos + 1 < p->count && p->tok_len[p->pos + 1] == 2 &&
               strncasecmp(p->toks[p->pos + 1], "of", 2) == 0) {
        c = parse_quant(p);
    } else if (tok_is(p, ")") || tok_is(p, "and") || tok_is(p, "or")) {
        perr(p, "unexpected '%s' in condition", p->toks[p->pos], p->tok_len[p->pos]);
    } else {
        const char *w = p->toks[p->pos];
        size_t wl = p->tok_len[p->pos];
        for (uint32_t i = 0; i < p->rule->sel_count; i++) {
            if (strlen(p->rule->sels[i].name) == wl && strncmp(p->rule->sels[i].name, w, wl) == 0) {
                c = node(p, DETECT_C_SEL);
                c->sel = i;
                break;
            }
        }
        if (!c)
            perr(p, "condition names unknown selection '%s'", w, wl);
        else
            p->pos++;
    }
    p->depth--;
    return c;
}

static struct detect_cond *parse_and(struct cparse *p)
{
    struct detect_cond *left = parse_unary(p);
    while (left && tok_is(p, "and")) {
        p->pos++;
        struct detect_cond *right = parse_unary(p);
        if (!right)
            return NULL;
        struct detect_cond *c = node(p, DETECT_C_AND);
        c->a = left;
        c->b = right;
        left = c;
    }
    return left;
}

static struct detect_cond *parse_expr(struct cparse *p)
{
    struct detect_cond *left = parse_and(p);
    while (left && tok_is(p, "or")) {
        p->pos++;
        struct detect_cond *right = parse_and(p);
        if (!right)
            return NULL;
        struct detect_cond *c = node(p, DETECT_C_OR);
        c->a = left;
        c->b = right;
        left = c;
    }
    return left;
}

int detect_cond_parse(struct detect_build *b, struct detect_rule *rule, const char *text,
                      struct detect_cond **out)
{
    struct cparse *p = calloc(1, sizeof(*p));
    if (!p) {
        snprintf(b->reason, sizeof(b->reason), "out of memory");
        return -1;
    }
    p->b = b;
    p->rule = rule;
    *out = NULL;
    for (const char *s = text; *s;) {
        if (isspace((unsigned char)*s)) {
            s++;
            continue;
        }
        if (*s == '|') {
            snprintf(b->reason, sizeof(b->reason),
                     "Sigma 1 aggregation in the condition (`| count() ...`): write a correlation rule");
            b->unsupported = 1;
            free(p);
            return -1;
        }
        if (p->count == MAX_TOKENS) {
            snprintf(b->reason, sizeof(b->reason), "condition too long");
            free(p);
            return -1;
        }
        p->toks[p->count] = s;
        if (*s == '(' || *s == ')') {
            p->tok_len[p->count++] = 1;
            s++;
            continue;
        }
        const char *e = s;
        while (*e && !isspace((unsigned char)*e) && *e != '(' && *e != ')' && *e != '|')
            e++;
        p->tok_len[p->count++] = (size_t)(e - s);
        s = e;
    }
    if (p->count == 0) {
        snprintf(b->reason, sizeof(b->reason), "empty condition");
        free(p);
        return -1;
    }
    struct detect_cond *c = parse_expr(p);
    if (c && p->pos != p->count) {
        perr(p, "unexpected '%s' in condition", p->toks[p->pos], p->tok_len[p->pos]);
        c = NULL;
    }
    free(p);
    if (!c)
        return -1;
    *out = c;
    return 0;
}

/* ---- three-valued check: can the rule match with no literal hit? ---- */

enum { F = 0, T = 1, U = 2 };

static int and3(int a, int b) { return a == F || b == F ? F : a == T && b == T ? T : U; }
static int or3(int a, int b) { return a == T || b == T ? T : a == F && b == F ? F : U; }
static int not3(int a) { return a == U ? U : !a; }

static int item3(const struct detect_item *it)
{
    int v;
    if (it->all) {
        v = T;
        /* every group must have a true atom */
        uint32_t g = 0;
        for (uint32_t i = 0; i < it->atom_count;) {
            int gv = F;
            g = it->atoms[i].group;
            for (; i < it->atom_count && it->atoms[i].group == g; i++)
                gv = or3(gv, it->atoms[i].hs != DETECT_HS_NONE ? F : U);
            v = and3(v, gv);
        }
    } else {
        v = F;
        for (uint32_t i = 0; i < it->atom_count; i++)
            v = or3(v, it->atoms[i].hs != DETECT_HS_NONE ? F : U);
    }
    return it->neg ? not3(v) : v;
}

static int sel3(const struct detect_sel *s)
{
    int v = F;
    for (uint32_t a = 0; a < s->count; a++) {
        int m = T;
        for (uint32_t i = 0; i < s->alts[a].count; i++)
            m = and3(m, item3(&s->alts[a].items[i]));
        v = or3(v, m);
    }
    return v;
}

static int cond3(const struct detect_rule *r, const struct detect_cond *c)
{
    switch (c->op) {
    case DETECT_C_AND: return and3(cond3(r, c->a), cond3(r, c->b));
    case DETECT_C_OR: return or3(cond3(r, c->a), cond3(r, c->b));
    case DETECT_C_NOT: return not3(cond3(r, c->a));
    case DETECT_C_SEL: return sel3(&r->sels[c->sel]);
    default: {
        uint32_t need = c->need ? c->need : c->sel_count;
        uint32_t t = 0, u = 0;
        for (uint32_t i = 0; i < c->sel_count; i++) {
            int v = sel3(&r->sels[c->sels[i]]);
            t += v == T;
            u += v == U;
        }
        return t >= need ? T : t + u >= need ? U : F;
    }
    }
}

int detect_cond_may_match_without_hits(const struct detect_rule *rule)
{
    return !rule->cond || cond3(rule, rule->cond) != F;
}

/* ---- trigger atoms ---------------------------------------------------------
 * trig(x) = a set S of Vectorscan atoms with: all of S false => x false.
 *   atom      {atom} (Vectorscan-backed), else none (infinite cost)
 *   OR-like   union of the children's sets (every child must be false)
 *   AND-like  the cheapest child's set (one false child is enough)
 *   NOT, neq  none (falsity of atoms cannot make them false)
 *   k of n    the union of the n-k+1 cheapest selections' sets
 * Cost of an atom falls with the length of its longest literal run, so
 * `url contains '/wp-admin/setup-config.php'` is chosen over `method: POST`. */

struct tset {
    double cost; /* < 0 = infinite (no set) */
    struct detect_atom **v;
    size_t count, cap;
};

static void ts_free(struct tset *t)
{
    free(t->v);
    t->v = NULL;
    t->count = t->cap = 0;
}

static void ts_add(struct tset *t, struct detect_atom *a)
{
    if (t->count == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 8;
        struct detect_atom **v = realloc(t->v, t->cap * sizeof(*v));
        if (!v)
            abort();
        t->v = v;
    }
    t->v[t->count++] = a;
}

/* dst = dst U src (costs add); src freed. */
static void ts_union(struct tset *dst, struct tset *src)
{
    if (dst->cost < 0 || src->cost < 0) {
        dst->cost = -1;
    } else {
        dst->cost += src->cost;
        for (size_t i = 0; i < src->count; i++)
            ts_add(dst, src->v[i]);
    }
    ts_free(src);
}

/* dst = the cheaper of dst and src; the other freed. */
static void ts_min(struct tset *dst, struct tset *src)
{
    int take = dst->cost < 0 ? src->cost >= 0 : src->cost >= 0 && src->cost < dst->cost;
    if (take) {
        ts_free(dst);
        *dst = *src;
    } else {
        ts_free(src);
    }
}

static double atom_cost(const struct detect_atom *a)
{
    size_t run = 0, best = 0;
    if (a->kind == DETECT_ATOM_PAT) {
        for (uint32_t i = 0; i < a->pat_len; i++) {
            run = a->pat[i] < 256 ? run + 1 : 0;
            if (run > best)
                best = run;
        }
        /* an anchored exact value ("POST", "445") is common in logs */
        int anchored = a->pat_len && a->pat[0] != DETECT_TOK_STAR && a->pat[a->pat_len - 1] != DETECT_TOK_STAR;
        return 100.0 / (double)(best + 1) * (anchored ? 2.0 : 1.0);
    }
    return 50.0; /* regex prefilter: unknown selectivity */
}

static struct tset trig_item(struct detect_item *it)
{
    struct tset t = {0};
    if (it->neg) {
        t.cost = -1;
        return t;
    }
    if (!it->all) {
        for (uint32_t i = 0; i < it->atom_count && t.cost >= 0; i++) {
            struct detect_atom *a = &it->atoms[i];
            if (a->hs == DETECT_HS_NONE) {
                t.cost = -1;
                break;
            }
            t.cost += atom_cost(a);
            ts_add(&t, a);
        }
        if (t.cost < 0)
            ts_free(&t);
        return t;
    }
    t.cost = -1;
    for (uint32_t i = 0; i < it->atom_count;) {
        uint32_t g = it->atoms[i].group;
        struct tset gs = {0};
        for (; i < it->atom_count && it->atoms[i].group == g; i++) {
            struct detect_atom *a = &it->atoms[i];
            if (gs.cost < 0)
                continue;
            if (a->hs == DETECT_HS_NONE) {
                gs.cost = -1;
                continue;
            }
            gs.cost += atom_cost(a);
            ts_add(&gs, a);
        }
        if (gs.cost < 0)
            ts_free(&gs);
        ts_min(&t, &gs);
    }
    return t;
}

static struct tset trig_sel(struct detect_sel *s)
{
    struct tset t = {0};
    for (uint32_t a = 0; a < s->count && t.cost >= 0; a++) {
        struct tset m = {.cost = -1};
        for (uint32_t i = 0; i < s->alts[a].count; i++) {
            struct tset it = trig_item(&s->alts[a].items[i]);
            ts_min(&m, &it);
        }
        ts_union(&t, &m);
    }
    return t;
}

static int cmp_cost(const void *x, const void *y)
{
    const struct tset *a = x, *b = y;
    double ca = a->cost < 0 ? 1e300 : a->cost, cb = b->cost < 0 ? 1e300 : b->cost;
    return ca < cb ? -1 : ca > cb;
}

static struct tset trig_cond(struct detect_rule *r, const struct detect_cond *c)
{
    struct tset t = {0}, u;
    switch (c->op) {
    case DETECT_C_AND:
        t = trig_cond(r, c->a);
        u = trig_cond(r, c->b);
        ts_min(&t, &u);
        return t;
    case DETECT_C_OR:
        t = trig_cond(r, c->a);
        u = trig_cond(r, c->b);
        ts_union(&t, &u);
        return t;
    case DETECT_C_NOT:
        t.cost = -1;
        return t;
    case DETECT_C_SEL:
        return trig_sel(&r->sels[c->sel]);
    default: {
        uint32_t need = c->need ? c->need : c->sel_count;
        if (need > c->sel_count) {
            /* can never hold: any set (even empty) proves it false */
            return t;
        }
        struct tset *all = calloc(c->sel_count, sizeof(*all));
        if (!all)
            abort();
        for (uint32_t i = 0; i < c->sel_count; i++)
            all[i] = trig_sel(&r->sels[c->sels[i]]);
        qsort(all, c->sel_count, sizeof(*all), cmp_cost);
        uint32_t take = c->sel_count - need + 1;
        for (uint32_t i = 0; i < c->sel_count; i++) {
            if (i < take)
                ts_union(&t, &all[i]);
            else
                ts_free(&all[i]);
        }
        free(all);
        return t;
    }
    }
}

int detect_cond_pick_triggers(struct detect_rule *rule)
{
    if (!rule->cond)
        return -1;
    struct tset t = trig_cond(rule, rule->cond);
    if (t.cost < 0) {
        ts_free(&t);
        return -1;
    }
    for (size_t i = 0; i < t.count; i++)
        t.v[i]->trigger = 1;
    ts_free(&t);
    return 0;
}
