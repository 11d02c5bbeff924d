/* detect_yaml: YAML documents to line-numbered trees (see detect_yaml.h). */
#include "detect/detect_yaml.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "core/ym_alloc.h"

#define MAX_DEPTH 64

struct conv {
    yaml_document_t *doc;
    size_t nodes; /* created so far, bounded (aliases can multiply a tree) */
    int too_big;
};

static struct detect_yaml_node *conv_node(struct conv *c, yaml_node_t *yn, int depth)
{
    if (!yn || depth > MAX_DEPTH || ++c->nodes > DETECT_YAML_MAX_NODES) {
        c->too_big = 1;
        return NULL;
    }
    struct detect_yaml_node *n = ym_xcalloc(1, sizeof(*n));
    n->line = (int)yn->start_mark.line + 1;
    switch (yn->type) {
    case YAML_SCALAR_NODE:
        n->type = DETECT_YAML_SCALAR;
        n->len = yn->data.scalar.length;
        n->str = ym_xstrndup((const char *)yn->data.scalar.value, n->len);
        n->plain = yn->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ||
                   yn->data.scalar.style == YAML_ANY_SCALAR_STYLE;
        break;
    case YAML_SEQUENCE_NODE: {
        n->type = DETECT_YAML_SEQ;
        size_t cnt = (size_t)(yn->data.sequence.items.top - yn->data.sequence.items.start);
        n->items = ym_xcalloc(cnt ? cnt : 1, sizeof(*n->items));
        for (size_t i = 0; i < cnt; i++) {
            yaml_node_t *child = yaml_document_get_node(c->doc, yn->data.sequence.items.start[i]);
            n->items[i] = conv_node(c, child, depth + 1);
            if (!n->items[i]) {
                n->count = i;
                detect_yaml_free(n);
                return NULL;
            }
            n->count = i + 1;
        }
        break;
    }
    case YAML_MAPPING_NODE: {
        n->type = DETECT_YAML_MAP;
        size_t cnt = (size_t)(yn->data.mapping.pairs.top - yn->data.mapping.pairs.start);
        n->items = ym_xcalloc(cnt ? cnt : 1, sizeof(*n->items));
        n->keys = ym_xcalloc(cnt ? cnt : 1, sizeof(*n->keys));
        for (size_t i = 0; i < cnt; i++) {
            yaml_node_pair_t *p = &yn->data.mapping.pairs.start[i];
            struct detect_yaml_node *k = conv_node(c, yaml_document_get_node(c->doc, p->key), depth + 1);
            struct detect_yaml_node *v = k ? conv_node(c, yaml_document_get_node(c->doc, p->value), depth + 1) : NULL;
            if (!k || !v || k->type != DETECT_YAML_SCALAR) {
                detect_yaml_free(k);
                detect_yaml_free(v);
                if (k && v)
                    c->too_big = 2; /* non-scalar key */
                detect_yaml_free(n);
                return NULL;
            }
            n->keys[n->count] = k;
            n->items[n->count] = v;
            n->count++;
        }
        break;
    }
    default:
        free(n);
        return NULL;
    }
    return n;
}

static enum ym_status load_parser(const char *name, yaml_parser_t *parser,
                                  struct detect_yaml_docs *out, struct ym_error *err)
{
    memset(out, 0, sizeof(*out));
    size_t cap = 0;
    for (;;) {
        yaml_document_t doc;
        if (!yaml_parser_load(parser, &doc)) {
            if (err)
                ym_error_set(err, name, (int)parser->problem_mark.line + 1,
                             (int)parser->problem_mark.column + 1, "YAML: %s%s%s",
                             parser->problem ? parser->problem : "syntax error",
                             parser->context ? " " : "", parser->context ? parser->context : "");
            detect_yaml_docs_free(out);
            return YM_EPARSE;
        }
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        if (!root) {
            /* Either the stream ended or an empty document: the parser
             * tells them apart by having reached the end of the stream. */
            int done = parser->stream_end_produced;
            yaml_document_delete(&doc);
            if (done)
                break;
            continue;
        }
        struct conv c = {.doc = &doc};
        struct detect_yaml_node *n = conv_node(&c, root, 0);
        int line = (int)root->start_mark.line + 1;
        yaml_document_delete(&doc);
        if (!n) {
            if (err)
                ym_error_set(err, name, line, 0, "%s",
                             c.too_big == 2 ? "mapping key is not a scalar"
                                            : "document too large or too deeply nested");
            detect_yaml_docs_free(out);
            return c.too_big == 2 ? YM_EPARSE : YM_ENOMEM;
        }
        if (out->count == cap) {
            cap = cap ? cap * 2 : 4;
            out->v = ym_xrealloc(out->v, cap * sizeof(*out->v));
        }
        out->v[out->count++] = n;
        if (out->count > 10000) {
            if (err)
                ym_error_set(err, name, line, 0, "more than 10000 documents in one file");
            detect_yaml_docs_free(out);
            return YM_ENOMEM;
        }
    }
    return YM_OK;
}

enum ym_status detect_yaml_load_mem(const char *name, const char *buf, size_t len,
                                    struct detect_yaml_docs *out, struct ym_error *err)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return YM_ENOMEM;
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    enum ym_status st = load_parser(name, &parser, out, err);
    yaml_parser_delete(&parser);
    return st;
}

enum ym_status detect_yaml_load_file(const char *path, struct detect_yaml_docs *out,
                                     struct ym_error *err)
{
    memset(out, 0, sizeof(*out));
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (err)
            ym_error_set(err, path, 0, 0, "cannot open: %s", strerror(errno));
        return YM_EIO;
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        fclose(f);
        return YM_ENOMEM;
    }
    yaml_parser_set_input_file(&parser, f);
    enum ym_status st = load_parser(path, &parser, out, err);
    yaml_parser_delete(&parser);
    fclose(f);
    return st;
}

void detect_yaml_free(struct detect_yaml_node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->count; i++) {
        if (n->keys)
            detect_yaml_free(n->keys[i]);
        detect_yaml_free(n->items[i]);
    }
    free(n->keys);
    free(n->items);
    free(n->str);
    free(n);
}

void detect_yaml_docs_free(struct detect_yaml_docs *docs)
{
    if (!docs)
        return;
    for (size_t i = 0; i < docs->count; i++)
        detect_yaml_free(docs->v[i]);
    free(docs->v);
    docs->v = NULL;
    docs->count = 0;
}

struct detect_yaml_node *detect_yaml_get(const struct detect_yaml_node *map, const char *key)
{
    if (!map || map->type != DETECT_YAML_MAP)
        return NULL;
    for (size_t i = 0; i < map->count; i++)
        if (strcmp(map->keys[i]->str, key) == 0)
            return map->items[i];
    return NULL;
}

const char *detect_yaml_get_str(const struct detect_yaml_node *map, const char *key)
{
    const struct detect_yaml_node *n = detect_yaml_get(map, key);
    return n && n->type == DETECT_YAML_SCALAR ? n->str : NULL;
}

int detect_yaml_is_null(const struct detect_yaml_node *n)
{
    if (!n || n->type != DETECT_YAML_SCALAR || !n->plain)
        return 0;
    return n->len == 0 || strcmp(n->str, "~") == 0 || strcasecmp(n->str, "null") == 0;
}

struct detect_yaml_node *detect_yaml_copy(const struct detect_yaml_node *n)
{
    if (!n)
        return NULL;
    struct detect_yaml_node *c = ym_xcalloc(1, sizeof(*c));
    c->type = n->type;
    c->line = n->line;
    c->plain = n->plain;
    c->len = n->len;
    if (n->str)
        c->str = ym_xstrndup(n->str, n->len);
    c->count = n->count;
    c->items = ym_xcalloc(n->count ? n->count : 1, sizeof(*c->items));
    if (n->keys)
        c->keys = ym_xcalloc(n->count ? n->count : 1, sizeof(*c->keys));
    for (size_t i = 0; i < n->count; i++) {
        c->items[i] = detect_yaml_copy(n->items[i]);
        if (n->keys)
            c->keys[i] = detect_yaml_copy(n->keys[i]);
    }
    return c;
}

void detect_yaml_merge(struct detect_yaml_node *dst, const struct detect_yaml_node *src)
{
    if (!dst || !src || dst->type != DETECT_YAML_MAP || src->type != DETECT_YAML_MAP)
        return;
    for (size_t i = 0; i < src->count; i++) {
        struct detect_yaml_node *have = detect_yaml_get(dst, src->keys[i]->str);
        if (have) {
            if (have->type == DETECT_YAML_MAP && src->items[i]->type == DETECT_YAML_MAP)
                detect_yaml_merge(have, src->items[i]);
            continue;
        }
        dst->keys = ym_xrealloc(dst->keys, (dst->count + 1) * sizeof(*dst->keys));
        dst->items = ym_xrealloc(dst->items, (dst->count + 1) * sizeof(*dst->items));
        dst->keys[dst->count] = detect_yaml_copy(src->keys[i]);
        dst->items[dst->count] = detect_yaml_copy(src->items[i]);
        dst->count++;
    }
}
