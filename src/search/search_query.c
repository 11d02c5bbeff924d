#include "search/search_query.h"

#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ym_fields.h"
#include "core/ym_net.h"
#include "core/ym_time.h"
#include "parse/parse_ecs.h"
#include "search/search_text.h"
#include "search/search_words.h"

/* ---- lexer ----
 * Tokens are lexed on demand by the parser, because what ends a word
 * depends on where it stands: after "field:" (and inside "field:(...)") a
 * value may contain ':' '<' '>' (IPv6 addresses, URLs), elsewhere those
 * characters end a word so that "a:b" and "port>=10" split. */

enum tok_type { T_EOF, T_WORD, T_PHRASE, T_LPAREN, T_RPAREN, T_COLON, T_OP };

struct tok {
    enum tok_type type;
    size_t start, end; /* byte span in the query, end exclusive */
    int escaped;       /* a backslash appeared: never a keyword or `*` */
    int wild;          /* an unescaped * or ? appeared */
    enum search_range_op op;
    char *lit;         /* WORD/PHRASE: text without escapes, NUL-terminated */
    size_t lit_len;
};

struct parser {
    const char *s; /* the query, copied into the arena */
    size_t len, pos;
    struct tok look;
    int have_look;
    struct ym_arena *arena;
    struct ym_error *err;
    int failed;
    int depth;
    /* Inside field:( ... ): bare values are values of this field. */
    const char *group_field;
    enum search_source group_src;
    uint16_t group_id;
};

static void fail(struct parser *p, size_t at, const char *reason)
{
    if (p->failed)
        return;
    p->failed = 1;
    if (p->err)
        ym_error_set(p->err, "query", 1, (int)at + 1, "%s", reason);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void skip_space(struct parser *p)
{
    while (p->pos < p->len && is_space(p->s[p->pos]))
        p->pos++;
}

/* Copies s[start, end) without its backslashes into the arena. */
static char *unescape(struct parser *p, size_t start, size_t end, size_t *out_len)
{
    char *d = ym_arena_alloc(p->arena, end - start + 1);
    if (!d) {
        fail(p, start, "query too large");
        return NULL;
    }
    size_t n = 0;
    for (size_t i = start; i < end; i++) {
        if (p->s[i] == '\\' && i + 1 < end)
            i++;
        d[n++] = p->s[i];
    }
    d[n] = '\0';
    *out_len = n;
    return d;
}

/* A word starting at p->pos. value_mode: only space, parentheses and quotes
 * end it. */
static int lex_word(struct parser *p, int value_mode, struct tok *t)
{
    memset(t, 0, sizeof *t);
    t->type = T_WORD;
    t->start = p->pos;
    size_t i = p->pos;
    while (i < p->len) {
        char c = p->s[i];
        if (is_space(c) || c == '(' || c == ')' || c == '"')
            break;
        if (!value_mode && (c == ':' || c == '<' || c == '>'))
            break;
        if (c == '\\') {
            if (i + 1 >= p->len) {
                fail(p, i, "nothing after '\\'");
                return 0;
            }
            t->escaped = 1;
            i += 2;
            continue;
        }
        if (c == '*' || c == '?')
            t->wild = 1;
        i++;
    }
    t->end = i;
    t->lit = unescape(p, t->start, t->end, &t->lit_len);
    return t->lit != NULL;
}

static int lex_phrase(struct parser *p, struct tok *t)
{
    memset(t, 0, sizeof *t);
    t->type = T_PHRASE;
    t->start = p->pos;
    size_t i = p->pos + 1;
    while (i < p->len && p->s[i] != '"') {
        if (p->s[i] == '\\' && i + 1 < p->len)
            i++;
        i++;
    }
    if (i >= p->len) {
        fail(p, t->start, "unterminated quoted phrase");
        return 0;
    }
    t->end = i + 1;
    t->lit = unescape(p, t->start + 1, i, &t->lit_len);
    return t->lit != NULL;
}

/* Lexes the next token (normal mode, or value mode inside a field group)
 * without consuming it. */
static struct tok *peek(struct parser *p)
{
    if (p->have_look)
        return &p->look;
    skip_space(p);
    struct tok *t = &p->look;
    memset(t, 0, sizeof *t);
    t->start = p->pos;
    t->end = p->pos + 1;
    if (p->pos >= p->len) {
        t->type = T_EOF;
        t->end = p->pos;
    } else {
        char c = p->s[p->pos];
        if (c == '(') {
            t->type = T_LPAREN;
        } else if (c == ')') {
            t->type = T_RPAREN;
        } else if (c == '"') {
            if (!lex_phrase(p, t))
                t->type = T_EOF;
        } else if (!p->group_field && c == ':') {
            t->type = T_COLON;
        } else if (!p->group_field && (c == '<' || c == '>')) {
            t->type = T_OP;
            int eq = p->pos + 1 < p->len && p->s[p->pos + 1] == '=';
            t->op = c == '<' ? (eq ? SEARCH_OP_LE : SEARCH_OP_LT) : (eq ? SEARCH_OP_GE : SEARCH_OP_GT);
            t->end = p->pos + 1 + (size_t)eq;
        } else if (!lex_word(p, p->group_field != NULL, t)) {
            t->type = T_EOF;
        }
    }
    p->have_look = 1;
    return t;
}

static void consume(struct parser *p)
{
    if (p->have_look)
        p->pos = p->look.end;
    p->have_look = 0;
}

static int is_keyword(const struct tok *t, const char *kw)
{
    return t->type == T_WORD && !t->escaped && search_text_eq(t->lit, t->lit_len, kw, strlen(kw));
}

/* ---- nodes ---- */

static struct search_node *node_new(struct parser *p, enum search_node_type type, size_t at)
{
    struct search_node *n = ym_arena_alloc(p->arena, sizeof *n);
    if (!n) {
        fail(p, at, "query too large");
        return NULL;
    }
    memset(n, 0, sizeof *n);
    n->type = type;
    n->column = (int)at + 1;
    n->field_id = YM_FIELD_DYNAMIC;
    return n;
}

/* Appends kid to a growing list of an AND/OR node (arena arrays doubled). */
static int node_add_kid(struct parser *p, struct search_node *n, struct search_node *kid, size_t *cap)
{
    if (n->kid_count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 4;
        struct search_node **v = ym_arena_alloc(p->arena, ncap * sizeof *v);
        if (!v) {
            fail(p, p->pos, "query too large");
            return 0;
        }
        if (n->kid_count)
            memcpy(v, n->kids, n->kid_count * sizeof *v);
        n->kids = v;
        *cap = ncap;
    }
    n->kids[n->kid_count++] = kid;
    if (kid->needs_fields)
        n->needs_fields = 1;
    return 1;
}

int search_query_parse_ip(const char *s, size_t len, uint8_t addr[16])
{
    return ym_ip_parse(s, len, addr) != 0;
}

int search_query_parse_number(const char *s, size_t len, double *out)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    /* Only plain decimal forms: strtod would also take "inf", "nan", hex. */
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
            return 0;
    }
    char *end = NULL;
    double v = strtod(buf, &end);
    if (end != buf + len || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

static const struct {
    const char *name;
    enum search_source src;
} meta_fields[] = {
    {"tenant", SEARCH_SRC_TENANT}, {"device", SEARCH_SRC_DEVICE},       {"kind", SEARCH_SRC_KIND},
    {"peer", SEARCH_SRC_PEER},     {"transport", SEARCH_SRC_TRANSPORT},
};

/* Fills the field part of a field term from its name token. */
static int set_field(struct parser *p, struct search_node *n, const char *name, enum search_source src,
                     uint16_t id)
{
    n->field = name;
    n->source = src;
    n->field_id = id;
    n->needs_fields = src == SEARCH_SRC_ECS;
    return 1;
}

static int field_from_token(struct parser *p, const struct tok *t, const char **name,
                            enum search_source *src, uint16_t *id)
{
    if (t->wild) {
        fail(p, t->start, "wildcards are not allowed in field names");
        return 0;
    }
    if (t->lit_len == 0 || memchr(t->lit, '\0', t->lit_len)) {
        fail(p, t->start, "bad field name");
        return 0;
    }
    *name = t->lit;
    *src = SEARCH_SRC_ECS;
    *id = parse_ecs_lookup(t->lit, t->lit_len);
    for (size_t i = 0; i < sizeof meta_fields / sizeof meta_fields[0]; i++)
        if (!strcmp(meta_fields[i].name, t->lit)) {
            *src = meta_fields[i].src;
            *id = YM_FIELD_DYNAMIC;
        }
    return 1;
}

/* Address and port fields: decoders copy their values from the line
 * unchanged, so the value's text is in the line (bloom words, raw hints). */
static int verbatim_field(const char *name)
{
    size_t n = strlen(name);
    return (n > 3 && !strcmp(name + n - 3, ".ip")) || (n > 5 && !strcmp(name + n - 5, ".port"));
}

/* The raw-line pre-check of a field term (see raw_hint in the header). */
static void set_raw_hint(struct parser *p, struct search_node *n)
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (n->source != SEARCH_SRC_ECS || !verbatim_field(n->field))
        return;
    if (n->type == SEARCH_NODE_FIELD_EQ && n->has_num) {
        /* port:0443 is 443 in the line; a fraction is in no port. */
        if (n->num < 0 || n->num > 1e15 || n->num != (double)(long long)n->num)
            return; /* range first: the cast of a huge double is undefined */
        char *h = ym_arena_printf(p->arena, "%lld", (long long)n->num);
        if (!h)
            return;
        n->raw_hint = h;
        n->raw_hint_len = strlen(h);
    } else if (n->type == SEARCH_NODE_FIELD_EQ && search_text_is_word(n->text, n->text_len)) {
        n->raw_hint = n->text;
        n->raw_hint_len = n->text_len;
    } else if (n->type == SEARCH_NODE_CIDR && n->prefix_bits >= 104 && !memcmp(n->addr, mapped, 12)) {
        /* 198.51.100.0/24 -> some word of the line matches "198.51.100.*". */
        unsigned octets = (n->prefix_bits - 96) / 8;
        char *h = ym_arena_alloc(p->arena, 20);
        if (!h)
            return;
        size_t len = 0;
        for (unsigned i = 0; i < octets; i++)
            len += (size_t)snprintf(h + len, 20 - len, "%u.", n->addr[12 + i]);
        if (octets < 4) {
            h[len++] = '*';
        } else {
            len--; /* a /32: the address itself, without the last dot */
        }
        h[len] = '\0';
        n->raw_hint = h;
        n->raw_hint_len = len;
        n->raw_hint_glob = octets < 4;
    }
}

/* The value of a field term: `*`, a glob, ip/bits, or a literal. quoted:
 * came from "..." (no wildcard, exists or CIDR reading). */
static struct search_node *value_node(struct parser *p, const struct tok *t, int quoted,
                                      const char *field, enum search_source src, uint16_t id)
{
    struct search_node *n;
    if (!quoted && !t->escaped && t->lit_len == 1 && t->lit[0] == '*') {
        n = node_new(p, SEARCH_NODE_EXISTS, t->start);
    } else if (!quoted && t->wild) {
        n = node_new(p, SEARCH_NODE_FIELD_GLOB, t->start);
        if (n) {
            n->text = p->s + t->start;
            n->text_len = t->end - t->start;
        }
    } else {
        const char *slash = quoted ? NULL : memchr(t->lit, '/', t->lit_len);
        uint8_t addr[16];
        if (slash && search_query_parse_ip(t->lit, (size_t)(slash - t->lit), addr)) {
            const char *d = slash + 1;
            size_t dlen = t->lit_len - (size_t)(d - t->lit);
            int is4 = memchr(t->lit, ':', (size_t)(slash - t->lit)) == NULL;
            unsigned max = is4 ? 32 : 128, bits = 0;
            int ok = dlen > 0 && dlen <= 3;
            for (size_t i = 0; ok && i < dlen; i++) {
                if (d[i] < '0' || d[i] > '9')
                    ok = 0;
                else
                    bits = bits * 10 + (unsigned)(d[i] - '0');
            }
            if (!ok || bits > max) {
                fail(p, t->start, is4 ? "CIDR prefix must be 0 to 32" : "CIDR prefix must be 0 to 128");
                return NULL;
            }
            n = node_new(p, SEARCH_NODE_CIDR, t->start);
            if (n) {
                n->has_ip = 1;
                memcpy(n->addr, addr, 16);
                n->prefix_bits = is4 ? bits + 96 : bits;
            }
        } else {
            n = node_new(p, SEARCH_NODE_FIELD_EQ, t->start);
            if (n) {
                n->text = t->lit;
                n->text_len = t->lit_len;
                n->has_ip = search_query_parse_ip(t->lit, t->lit_len, n->addr);
                n->has_num = search_query_parse_number(t->lit, t->lit_len, &n->num);
            }
        }
    }
    if (n) {
        set_field(p, n, field, src, id);
        set_raw_hint(p, n);
    }
    return n;
}

static struct search_node *parse_or(struct parser *p);

static int starts_term(const struct tok *t)
{
    return t->type == T_LPAREN || t->type == T_PHRASE ||
           (t->type == T_WORD && !is_keyword(t, "and") && !is_keyword(t, "or"));
}

static const char *describe(const struct tok *t)
{
    switch (t->type) {
    case T_EOF: return "end of query";
    case T_RPAREN: return "')'";
    case T_COLON: return "':'";
    case T_OP: return "a comparison";
    case T_LPAREN: return "'('";
    case T_PHRASE: return "a phrase";
    case T_WORD: break;
    }
    if (is_keyword(t, "and"))
        return "AND";
    if (is_keyword(t, "or"))
        return "OR";
    return "a word";
}

static int enter(struct parser *p, size_t at)
{
    if (++p->depth > SEARCH_QUERY_MAX_DEPTH) {
        fail(p, at, "query nested too deeply");
        return 0;
    }
    return 1;
}

/* field:( ... ), field:"...", field:value, with p->pos just after ':'. */
static struct search_node *parse_value(struct parser *p, const char *field, enum search_source src,
                                       uint16_t id)
{
    p->have_look = 0;
    skip_space(p);
    if (p->pos >= p->len || p->s[p->pos] == ')') {
        fail(p, p->pos, "expected a value after ':'");
        return NULL;
    }
    struct tok t;
    char c = p->s[p->pos];
    if (c == '(') {
        size_t open = p->pos;
        p->pos++;
        if (!enter(p, open))
            return NULL;
        const char *saved = p->group_field;
        enum search_source saved_src = p->group_src;
        uint16_t saved_id = p->group_id;
        p->group_field = field;
        p->group_src = src;
        p->group_id = id;
        struct search_node *n = parse_or(p);
        struct tok *close = n ? peek(p) : NULL;
        if (n && close->type != T_RPAREN) {
            fail(p, close->start, "expected ')'");
            n = NULL;
        }
        p->group_field = saved;
        p->group_src = saved_src;
        p->group_id = saved_id;
        p->depth--;
        if (n)
            consume(p); /* the ')' was lexed in group mode, which does not matter for ')' */
        return n;
    }
    if (c == '"') {
        if (!lex_phrase(p, &t))
            return NULL;
        p->pos = t.end;
        return value_node(p, &t, 1, field, src, id);
    }
    if (!lex_word(p, 1, &t))
        return NULL;
    p->pos = t.end;
    return value_node(p, &t, 0, field, src, id);
}

static struct search_node *parse_primary(struct parser *p)
{
    struct tok *t = peek(p);
    if (p->failed)
        return NULL;
    if (t->type == T_LPAREN) {
        size_t open = t->start;
        consume(p);
        if (!enter(p, open))
            return NULL;
        struct search_node *n = parse_or(p);
        p->depth--;
        if (!n)
            return NULL;
        t = peek(p);
        if (t->type != T_RPAREN) {
            fail(p, t->start, "expected ')'");
            return NULL;
        }
        consume(p);
        return n;
    }
    if (t->type == T_PHRASE) {
        struct tok word = *t;
        consume(p);
        if (p->group_field)
            return value_node(p, &word, 1, p->group_field, p->group_src, p->group_id);
        struct search_node *n = node_new(p, SEARCH_NODE_PHRASE, word.start);
        if (n) {
            n->text = word.lit;
            n->text_len = word.lit_len;
        }
        return n;
    }
    if (t->type != T_WORD || is_keyword(t, "and") || is_keyword(t, "or")) {
        char reason[80];
        snprintf(reason, sizeof reason, "expected a term, found %s", describe(t));
        fail(p, t->start, reason);
        return NULL;
    }
    struct tok word = *t;
    consume(p);
    if (p->group_field)
        return value_node(p, &word, 0, p->group_field, p->group_src, p->group_id);

    struct tok *next = peek(p);
    if (next->type == T_COLON && !word.escaped) {
        /* "2001:db8::1" is an IPv6 address in free text, not field "2001". */
        size_t end = word.start;
        while (end < p->len && !is_space(p->s[end]) && p->s[end] != '(' && p->s[end] != ')' &&
               p->s[end] != '"')
            end++;
        uint8_t addr[16];
        if (search_query_parse_ip(p->s + word.start, end - word.start, addr)) {
            p->have_look = 0;
            p->pos = end;
            struct search_node *n = node_new(p, SEARCH_NODE_WORD, word.start);
            if (n) {
                n->text = p->s + word.start;
                n->text_len = end - word.start;
            }
            return n;
        }
    }
    if (next->type == T_COLON || next->type == T_OP) {
        const char *name;
        enum search_source src;
        uint16_t id;
        if (!field_from_token(p, &word, &name, &src, &id))
            return NULL;
        if (next->type == T_COLON) {
            consume(p);
            return parse_value(p, name, src, id);
        }
        enum search_range_op op = next->op;
        consume(p);
        p->have_look = 0;
        skip_space(p);
        struct tok num;
        if (p->pos < p->len && p->s[p->pos] == '"' ? !lex_phrase(p, &num) : !lex_word(p, 1, &num))
            return NULL;
        p->pos = num.end;
        struct search_node *n = node_new(p, SEARCH_NODE_RANGE, word.start);
        if (!n)
            return NULL;
        if (!search_query_parse_number(num.lit, num.lit_len, &n->num)) {
            /* @timestamp >= 2026-11-22T10:00:00Z, event.start < -1h */
            if (num.lit_len == 0 || memchr(num.lit, '\0', num.lit_len) ||
                ym_time_parse_arg(num.lit, ym_time_now_ns(), &n->time_ns) != YM_OK) {
                fail(p, num.start, "expected a number or a time after the comparison");
                return NULL;
            }
            n->is_time = 1;
        }
        n->op = op;
        set_field(p, n, name, src, id);
        return n;
    }

    struct search_node *n;
    if (!word.escaped && word.lit_len == 1 && word.lit[0] == '*') {
        n = node_new(p, SEARCH_NODE_ALL, word.start);
    } else if (word.wild) {
        n = node_new(p, SEARCH_NODE_WILD, word.start);
        if (n) {
            n->text = p->s + word.start;
            n->text_len = word.end - word.start;
        }
    } else {
        n = node_new(p, SEARCH_NODE_WORD, word.start);
        if (n) {
            n->text = word.lit;
            n->text_len = word.lit_len;
        }
    }
    return n;
}

static struct search_node *parse_not(struct parser *p)
{
    struct tok *t = peek(p);
    if (p->failed)
        return NULL;
    if (!is_keyword(t, "not"))
        return parse_primary(p);
    size_t at = t->start;
    consume(p);
    if (!enter(p, at))
        return NULL;
    struct search_node *kid = parse_not(p);
    p->depth--;
    if (!kid)
        return NULL;
    struct search_node *n = node_new(p, SEARCH_NODE_NOT, at);
    if (!n)
        return NULL;
    size_t cap = 0;
    return node_add_kid(p, n, kid, &cap) ? n : NULL;
}

static struct search_node *parse_and(struct parser *p)
{
    struct search_node *first = parse_not(p);
    if (!first)
        return NULL;
    struct search_node *n = NULL;
    size_t cap = 0;
    for (;;) {
        struct tok *t = peek(p);
        if (p->failed)
            return NULL;
        if (is_keyword(t, "and"))
            consume(p);
        else if (!starts_term(t))
            break;
        struct search_node *kid = parse_not(p);
        if (!kid)
            return NULL;
        if (!n) {
            n = node_new(p, SEARCH_NODE_AND, first->column - 1);
            if (!n || !node_add_kid(p, n, first, &cap))
                return NULL;
        }
        if (!node_add_kid(p, n, kid, &cap))
            return NULL;
    }
    return n ? n : first;
}

static struct search_node *parse_or(struct parser *p)
{
    struct search_node *first = parse_and(p);
    if (!first)
        return NULL;
    struct search_node *n = NULL;
    size_t cap = 0;
    for (;;) {
        struct tok *t = peek(p);
        if (p->failed)
            return NULL;
        if (!is_keyword(t, "or"))
            break;
        consume(p);
        struct search_node *kid = parse_and(p);
        if (!kid)
            return NULL;
        if (!n) {
            n = node_new(p, SEARCH_NODE_OR, first->column - 1);
            if (!n || !node_add_kid(p, n, first, &cap))
                return NULL;
        }
        if (!node_add_kid(p, n, kid, &cap))
            return NULL;
    }
    return n ? n : first;
}

/* ---- create / destroy ---- */

enum ym_status search_query_parse(const char *text, size_t len, struct search_query **out,
                                  struct ym_error *err)
{
    *out = NULL;
    if (len > SEARCH_QUERY_MAX_BYTES) {
        if (err)
            ym_error_set(err, "query", 1, SEARCH_QUERY_MAX_BYTES + 1, "query longer than %d bytes",
                         SEARCH_QUERY_MAX_BYTES);
        return YM_EPARSE;
    }
    struct search_query *q = calloc(1, sizeof *q);
    if (!q)
        return YM_ENOMEM;
    ym_arena_init(&q->arena, 16384, 64u << 20);
    struct parser p = {0};
    p.arena = &q->arena;
    p.err = err;
    p.len = len;
    char *copy = ym_arena_strndup(&q->arena, text ? text : "", len);
    p.s = copy;
    if (!copy) {
        search_query_destroy(q);
        return YM_ENOMEM;
    }

    struct tok *t = peek(&p);
    if (!p.failed && t->type == T_EOF) {
        q->root = node_new(&p, SEARCH_NODE_ALL, 0);
    } else if (!p.failed) {
        q->root = parse_or(&p);
        if (q->root) {
            t = peek(&p);
            if (!p.failed && t->type != T_EOF) {
                char reason[80];
                snprintf(reason, sizeof reason, "unexpected %s", describe(t));
                fail(&p, t->start, reason);
            }
        }
    }
    const char **words = NULL;
    size_t word_count = 0;
    if (!p.failed && q->root && search_words_required(&q->arena, q->root, &words, &word_count) != YM_OK)
        fail(&p, 0, "query too large");
    if (p.failed || !q->root) {
        if (!p.failed && err)
            ym_error_set(err, "query", 1, 1, "query too large");
        search_query_destroy(q);
        return YM_EPARSE;
    }
    q->tokens = words;
    q->token_count = word_count;
    q->needs_fields = q->root->needs_fields;
    *out = q;
    return YM_OK;
}

void search_query_destroy(struct search_query *q)
{
    if (!q)
        return;
    ym_arena_fini(&q->arena);
    free(q);
}

/* ---- inspection ---- */

static const char *const op_names[] = {"<", "<=", ">", ">="};

static void format_node(const struct search_node *n, struct ym_buf *out)
{
    static const char *const names[] = {
        [SEARCH_NODE_AND] = "and",         [SEARCH_NODE_OR] = "or",
        [SEARCH_NODE_NOT] = "not",         [SEARCH_NODE_ALL] = "all",
        [SEARCH_NODE_WORD] = "word",       [SEARCH_NODE_WILD] = "wild",
        [SEARCH_NODE_PHRASE] = "phrase",   [SEARCH_NODE_FIELD_EQ] = "eq",
        [SEARCH_NODE_FIELD_GLOB] = "glob", [SEARCH_NODE_EXISTS] = "exists",
        [SEARCH_NODE_CIDR] = "cidr",       [SEARCH_NODE_RANGE] = "range",
    };
    ym_buf_addc(out, '(');
    ym_buf_adds(out, names[n->type]);
    if (n->field) {
        ym_buf_addc(out, ' ');
        ym_buf_adds(out, n->field);
    }
    switch (n->type) {
    case SEARCH_NODE_AND:
    case SEARCH_NODE_OR:
    case SEARCH_NODE_NOT:
        for (size_t i = 0; i < n->kid_count; i++) {
            ym_buf_addc(out, ' ');
            format_node(n->kids[i], out);
        }
        break;
    case SEARCH_NODE_WORD:
    case SEARCH_NODE_WILD:
    case SEARCH_NODE_PHRASE:
    case SEARCH_NODE_FIELD_EQ:
    case SEARCH_NODE_FIELD_GLOB:
        ym_buf_addc(out, ' ');
        ym_buf_json_qstr(out, n->text, n->text_len);
        break;
    case SEARCH_NODE_CIDR: {
        char ip[INET6_ADDRSTRLEN];
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        int is4 = !memcmp(n->addr, mapped, 12) && n->prefix_bits >= 96;
        inet_ntop(is4 ? AF_INET : AF_INET6, is4 ? n->addr + 12 : n->addr, ip, sizeof ip);
        ym_buf_printf(out, " %s/%u", ip, is4 ? n->prefix_bits - 96 : n->prefix_bits);
        break;
    }
    case SEARCH_NODE_RANGE:
        if (n->is_time) {
            char when[40];
            ym_time_format_rfc3339(n->time_ns, when, sizeof when);
            ym_buf_printf(out, " %s %s", op_names[n->op], when);
        } else {
            ym_buf_printf(out, " %s %g", op_names[n->op], n->num);
        }
        break;
    case SEARCH_NODE_ALL:
    case SEARCH_NODE_EXISTS:
        break;
    }
    ym_buf_addc(out, ')');
}

void search_query_format(const struct search_query *q, struct ym_buf *out)
{
    if (q && q->root)
        format_node(q->root, out);
}
