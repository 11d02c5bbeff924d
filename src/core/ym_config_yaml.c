/* ym_config_yaml: the YAML helpers every part of the yamori.yaml loader
 * uses (declared in core/ym_config_load.h): error with position, node and
 * scalar access, checked text, number, boolean and list values, and the
 * mapping walk that rejects duplicate keys. */
#include "core/ym_config_load.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ym_alloc.h"

static int line_of(const yaml_node_t *n) { return (int)n->start_mark.line + 1; }

enum ym_status cfg_fail(struct loader *ld, const yaml_node_t *n, const char *fmt, ...)
{
    char reason[480];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    ym_error_set(ld->err, ld->file, n ? line_of(n) : 0, n ? (int)n->start_mark.column + 1 : 0,
                 "%s", reason);
    return YM_EINVAL;
}

yaml_node_t *cfg_node(struct loader *ld, int id) { return yaml_document_get_node(&ld->doc, id); }

const char *cfg_scalar(const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

enum ym_status cfg_get_str(struct loader *ld, const yaml_node_t *v, const char *key, char **out)
{
    const char *s = cfg_scalar(v);
    if (!s)
        return cfg_fail(ld, v, "%s: expected a text value", key);
    if (strlen(s) != v->data.scalar.length)
        return cfg_fail(ld, v, "%s: NUL byte in value", key);
    free(*out);
    *out = ym_xstrdup(s);
    return YM_OK;
}

enum ym_status cfg_get_nonempty(struct loader *ld, const yaml_node_t *v, const char *key,
                                char **out)
{
    enum ym_status st = cfg_get_str(ld, v, key, out);
    if (st == YM_OK && !**out)
        return cfg_fail(ld, v, "%s: must not be empty", key);
    return st;
}

/* Integer in [min, max]; accepts the suffixes KiB, MiB, GiB when sizes = 1. */
enum ym_status cfg_get_int(struct loader *ld, const yaml_node_t *v, const char *key, long long min,
                           long long max, int sizes, long long *out)
{
    const char *s = cfg_scalar(v);
    if (!s || !*s)
        return cfg_fail(ld, v, "%s: expected a number", key);
    errno = 0;
    char *end;
    long long x = strtoll(s, &end, 10);
    if (end == s || errno == ERANGE || !isdigit((unsigned char)(s[0] == '-' ? s[1] : s[0])))
        return cfg_fail(ld, v, "%s: '%s' is not a number", key, s);
    long long mult = 1;
    if (*end) {
        if (sizes && !strcmp(end, "KiB"))
            mult = 1LL << 10;
        else if (sizes && !strcmp(end, "MiB"))
            mult = 1LL << 20;
        else if (sizes && !strcmp(end, "GiB"))
            mult = 1LL << 30;
        else
            return cfg_fail(ld, v, "%s: '%s' is not a number%s", key, s,
                            sizes ? " (suffixes: KiB, MiB, GiB)" : "");
    }
    if (x > max / mult || x < min / mult || x * mult < min || x * mult > max)
        return cfg_fail(ld, v, "%s: %s is out of range (%lld..%lld)", key, s, min, max);
    *out = x * mult;
    return YM_OK;
}

enum ym_status cfg_each_pair(struct loader *ld, yaml_node_t *map, const char *what, cfg_pair_fn fn,
                             void *arg)
{
    if (map->type != YAML_MAPPING_NODE)
        return cfg_fail(ld, map, "%s: expected a mapping (key: value lines)", what);
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = cfg_node(ld, p->key), *v = cfg_node(ld, p->value);
        const char *key = k ? cfg_scalar(k) : NULL;
        if (!key || !v)
            return cfg_fail(ld, k ? k : map, "%s: keys must be plain words", what);
        for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++) {
            const char *prev = cfg_scalar(cfg_node(ld, q->key));
            if (prev && !strcmp(prev, key))
                return cfg_fail(ld, k, "%s: key '%s' given twice", what, key);
        }
        enum ym_status st = fn(ld, key, k, v, arg);
        if (st != YM_OK)
            return st;
    }
    return YM_OK;
}

enum ym_status cfg_get_bool(struct loader *ld, const yaml_node_t *v, const char *key, int *out)
{
    const char *s = cfg_scalar(v);
    if (s && (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on")))
        *out = 1;
    else if (s && (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off")))
        *out = 0;
    else
        return cfg_fail(ld, v, "%s: expected true or false", key);
    return YM_OK;
}

static enum ym_status add_strv(struct loader *ld, yaml_node_t *item, const char *key, char ***out,
                               size_t *count, int (*check)(const char *), const char *expected)
{
    const char *s = cfg_scalar(item);
    if (!s || !*s)
        return cfg_fail(ld, item, "%s: expected %s", key, expected);
    if (!check(s))
        return cfg_fail(ld, item, "%s: '%s' is not %s", key, s, expected);
    *out = ym_xrealloc(*out, (*count + 1) * sizeof **out);
    (*out)[(*count)++] = ym_xstrdup(s);
    return YM_OK;
}

/* A list of values; a single value may be written without brackets. */
enum ym_status cfg_get_strv(struct loader *ld, yaml_node_t *v, const char *key, char ***out,
                            size_t *count, int (*check)(const char *), const char *expected)
{
    if (v->type == YAML_SCALAR_NODE)
        return add_strv(ld, v, key, out, count, check, expected);
    if (v->type != YAML_SEQUENCE_NODE)
        return cfg_fail(ld, v, "%s: expected a list", key);
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++) {
        yaml_node_t *item = cfg_node(ld, *it);
        if (!item)
            return cfg_fail(ld, v, "%s: expected %s", key, expected);
        enum ym_status st = add_strv(ld, item, key, out, count, check, expected);
        if (st != YM_OK)
            return st;
    }
    return YM_OK;
}
