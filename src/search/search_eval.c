#include "search/search_eval.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/ym_batch.h"
#include "core/ym_time.h"
#include "search/search_text.h"

static int in_prefix(const uint8_t a[16], const uint8_t net[16], unsigned bits)
{
    unsigned full = bits / 8, rest = bits % 8;
    if (memcmp(a, net, full))
        return 0;
    if (rest == 0)
        return 1;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (a[full] & mask) == (net[full] & mask);
}

/* One value of a field against a field term. text/len: the value as text;
 * is_num/num: the value as a number when the field holds one. */
static int match_value(const struct search_node *n, const char *text, size_t len, int is_num,
                       double num)
{
    uint8_t addr[16];
    switch (n->type) {
    case SEARCH_NODE_EXISTS:
        return 1;
    case SEARCH_NODE_FIELD_EQ:
        if (n->has_ip && search_query_parse_ip(text, len, addr))
            return !memcmp(addr, n->addr, 16);
        if (n->has_num && is_num)
            return num == n->num;
        return search_text_eq(text, len, n->text, n->text_len);
    case SEARCH_NODE_FIELD_GLOB:
        return search_text_glob(n->text, n->text_len, text, len);
    case SEARCH_NODE_CIDR:
        return search_query_parse_ip(text, len, addr) && in_prefix(addr, n->addr, n->prefix_bits);
    case SEARCH_NODE_RANGE:
        if (n->is_time) {
            char buf[64];
            int64_t t;
            if (len == 0 || len >= sizeof buf || memchr(text, '\0', len))
                return 0;
            memcpy(buf, text, len);
            buf[len] = '\0';
            if (ym_time_parse_arg(buf, 0, &t) != YM_OK)
                return 0;
            switch (n->op) {
            case SEARCH_OP_LT: return t < n->time_ns;
            case SEARCH_OP_LE: return t <= n->time_ns;
            case SEARCH_OP_GT: return t > n->time_ns;
            case SEARCH_OP_GE: return t >= n->time_ns;
            }
            return 0;
        }
        if (!is_num && !search_query_parse_number(text, len, &num))
            return 0;
        switch (n->op) {
        case SEARCH_OP_LT: return num < n->num;
        case SEARCH_OP_LE: return num <= n->num;
        case SEARCH_OP_GT: return num > n->num;
        case SEARCH_OP_GE: return num >= n->num;
        }
        return 0;
    default:
        return 0;
    }
}

static int match_field(const struct search_node *n, const struct ym_field *f)
{
    char buf[40];
    const char *text = f->str;
    size_t len = f->len;
    int is_num = 0;
    double num = 0;
    switch ((enum ym_field_type)f->type) {
    case YM_FT_INT:
        is_num = 1;
        num = (double)f->num;
        if (!text || !len) {
            snprintf(buf, sizeof buf, "%" PRId64, f->num);
            text = buf;
            len = strlen(buf);
        }
        break;
    case YM_FT_FLOAT:
        is_num = 1;
        num = f->dbl;
        if (!text || !len) {
            snprintf(buf, sizeof buf, "%.17g", f->dbl);
            text = buf;
            len = strlen(buf);
        }
        break;
    case YM_FT_BOOL:
        text = f->num ? "true" : "false";
        len = strlen(text);
        break;
    case YM_FT_STR:
    case YM_FT_JSON:
        break;
    }
    if (!text)
        text = "", len = 0;
    return match_value(n, text, len, is_num, num);
}

static int match_ecs(const struct search_node *n, struct search_eval_ctx *ctx)
{
    const struct ym_fields *fs = ctx->fields ? ctx->fields(ctx->fields_arg) : NULL;
    if (!fs)
        return 0;
    for (uint32_t i = 0; i < fs->count; i++) {
        const struct ym_field *f = &fs->v[i];
        int same = (n->field_id != YM_FIELD_DYNAMIC && f->id == n->field_id) ||
                   (f->name && !strcmp(f->name, n->field));
        if (same && match_field(n, f))
            return 1;
    }
    return 0;
}

static int match_meta(const struct search_node *n, const struct archive_entry *e)
{
    const char *v = NULL;
    switch (n->source) {
    case SEARCH_SRC_TENANT: v = e->tenant; break;
    case SEARCH_SRC_DEVICE: v = e->device; break;
    case SEARCH_SRC_KIND: v = e->kind; break;
    case SEARCH_SRC_PEER: v = e->peer; break;
    case SEARCH_SRC_TRANSPORT: v = ym_transport_name((enum ym_transport)e->transport); break;
    case SEARCH_SRC_ECS: return 0;
    }
    if (!v || !*v)
        return 0; /* absent, like a missing ECS field */
    return match_value(n, v, strlen(v), 0, 0);
}

static int hint_missing(const struct search_node *n, const char *raw, size_t raw_len)
{
    if (!n->raw_hint)
        return 0;
    return !(n->raw_hint_glob ? search_text_has_glob_word(raw, raw_len, n->raw_hint, n->raw_hint_len)
                              : search_text_has_word(raw, raw_len, n->raw_hint, n->raw_hint_len));
}

/* 1 if the raw line alone shows that a field subtree is false (a raw hint
 * is missing), without parsing; 0 = cannot tell. */
static int surely_false(const struct search_node *n, const char *raw, size_t raw_len)
{
    switch (n->type) {
    case SEARCH_NODE_AND:
        for (size_t i = 0; i < n->kid_count; i++)
            if (surely_false(n->kids[i], raw, raw_len))
                return 1;
        return 0;
    case SEARCH_NODE_OR:
        for (size_t i = 0; i < n->kid_count; i++)
            if (!surely_false(n->kids[i], raw, raw_len))
                return 0;
        return 1;
    case SEARCH_NODE_FIELD_EQ:
    case SEARCH_NODE_CIDR:
        return n->source == SEARCH_SRC_ECS && hint_missing(n, raw, raw_len);
    default:
        return 0;
    }
}

/* AND and OR look at the kids that need no parsing first: one of them may
 * decide the answer before any field is needed. An AND then also asks its
 * field kids whether the raw line already rules them out, so that in
 * `destination.port:443 source.ip:192.0.2.7` the address (absent from most
 * lines) is checked before the port (present in many) causes a parse. */
static int eval_list(const struct search_node *n, struct search_eval_ctx *ctx, int is_and)
{
    const struct archive_entry *e = ctx->entry;
    for (size_t i = 0; i < n->kid_count; i++) {
        const struct search_node *k = n->kids[i];
        if (k->needs_fields)
            continue;
        int r = search_eval_node(k, ctx);
        if (is_and ? !r : r)
            return r;
    }
    if (is_and && e->raw)
        for (size_t i = 0; i < n->kid_count; i++)
            if (n->kids[i]->needs_fields && surely_false(n->kids[i], e->raw, e->raw_len))
                return 0;
    for (size_t i = 0; i < n->kid_count; i++) {
        const struct search_node *k = n->kids[i];
        if (!k->needs_fields)
            continue;
        int r = search_eval_node(k, ctx);
        if (is_and ? !r : r)
            return r;
    }
    return is_and;
}

int search_eval_node(const struct search_node *n, struct search_eval_ctx *ctx)
{
    const struct archive_entry *e = ctx->entry;
    const char *raw = e->raw ? e->raw : "";
    size_t raw_len = e->raw ? e->raw_len : 0;
    switch (n->type) {
    case SEARCH_NODE_AND: return eval_list(n, ctx, 1);
    case SEARCH_NODE_OR: return eval_list(n, ctx, 0);
    case SEARCH_NODE_NOT: return !search_eval_node(n->kids[0], ctx);
    case SEARCH_NODE_ALL: return 1;
    case SEARCH_NODE_WORD: return search_text_has_word(raw, raw_len, n->text, n->text_len);
    case SEARCH_NODE_WILD: return search_text_has_glob_word(raw, raw_len, n->text, n->text_len);
    case SEARCH_NODE_PHRASE: return search_text_has_substr(raw, raw_len, n->text, n->text_len);
    case SEARCH_NODE_FIELD_EQ:
    case SEARCH_NODE_FIELD_GLOB:
    case SEARCH_NODE_EXISTS:
    case SEARCH_NODE_CIDR:
    case SEARCH_NODE_RANGE:
        if (n->source != SEARCH_SRC_ECS)
            return match_meta(n, e);
        if (hint_missing(n, raw, raw_len))
            return 0; /* the value is not even in the line: no need to parse */
        return match_ecs(n, ctx);
    }
    return 0;
}

int search_eval_match(const struct search_query *q, struct search_eval_ctx *ctx)
{
    return q && q->root && search_eval_node(q->root, ctx);
}
