/* detect_source: logsource and field-name mapping, placeholders (see header). */
#include "detect/detect_source.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/ym_alloc.h"

struct entry {
    const char *category, *product, *service; /* NULL = any */
    uint32_t kinds;
    const struct detect_yaml_node *fields;    /* map or NULL */
};

struct detect_source {
    struct detect_yaml_docs docs;
    char *kinds[32];
    unsigned kind_count;
    const struct detect_yaml_node *fields;
    struct entry *entries;
    size_t entry_count;
};

void detect_source_free(struct detect_source *s)
{
    if (!s)
        return;
    detect_yaml_docs_free(&s->docs);
    for (unsigned i = 0; i < s->kind_count; i++)
        free(s->kinds[i]);
    free(s->entries);
    free(s);
}

static int kind_index(const struct detect_source *s, const char *kind)
{
    for (unsigned i = 0; i < s->kind_count; i++)
        if (strcasecmp(s->kinds[i], kind) == 0)
            return (int)i;
    return -1;
}

static enum ym_status add_kinds(struct detect_source *s, const struct detect_yaml_node *list,
                                uint32_t *mask, const char *path, struct ym_error *err)
{
    if (!list || (list->type != DETECT_YAML_SEQ && list->type != DETECT_YAML_SCALAR)) {
        ym_error_set(err, path, list ? list->line : 0, 0, "`kinds` must be a list of device kinds");
        return YM_EINVAL;
    }
    size_t n = list->type == DETECT_YAML_SEQ ? list->count : 1;
    for (size_t i = 0; i < n; i++) {
        const struct detect_yaml_node *k = list->type == DETECT_YAML_SEQ ? list->items[i] : list;
        if (k->type != DETECT_YAML_SCALAR) {
            ym_error_set(err, path, k->line, 0, "device kind must be a string");
            return YM_EINVAL;
        }
        int idx = kind_index(s, k->str);
        if (idx < 0) {
            if (s->kind_count == 32) {
                ym_error_set(err, path, k->line, 0, "more than 32 device kinds");
                return YM_EINVAL;
            }
            s->kinds[s->kind_count] = ym_xstrdup(k->str);
            idx = (int)s->kind_count++;
        }
        if (mask)
            *mask |= 1u << idx;
    }
    return YM_OK;
}

enum ym_status detect_source_load(const char *path, struct detect_source **out,
                                  struct ym_error *err)
{
    *out = NULL;
    struct detect_source *s = ym_xcalloc(1, sizeof(*s));
    enum ym_status st = detect_yaml_load_file(path, &s->docs, err);
    if (st != YM_OK) {
        free(s);
        return st;
    }
    const struct detect_yaml_node *root = s->docs.count ? s->docs.v[0] : NULL;
    if (!root || root->type != DETECT_YAML_MAP) {
        ym_error_set(err, path, root ? root->line : 1, 0, "expected a map with kinds, fields, logsources");
        detect_source_free(s);
        return YM_EINVAL;
    }
    const struct detect_yaml_node *kinds = detect_yaml_get(root, "kinds");
    if (kinds && (st = add_kinds(s, kinds, NULL, path, err)) != YM_OK) {
        detect_source_free(s);
        return st;
    }
    s->fields = detect_yaml_get(root, "fields");
    if (s->fields && s->fields->type != DETECT_YAML_MAP) {
        ym_error_set(err, path, s->fields->line, 0, "`fields` must map Sigma names to ECS names");
        detect_source_free(s);
        return YM_EINVAL;
    }
    const struct detect_yaml_node *ls = detect_yaml_get(root, "logsources");
    if (ls && ls->type != DETECT_YAML_SEQ) {
        ym_error_set(err, path, ls->line, 0, "`logsources` must be a list");
        detect_source_free(s);
        return YM_EINVAL;
    }
    s->entries = ym_xcalloc(ls && ls->count ? ls->count : 1, sizeof(*s->entries));
    for (size_t i = 0; ls && i < ls->count; i++) {
        const struct detect_yaml_node *e = ls->items[i];
        struct entry *en = &s->entries[s->entry_count];
        if (e->type != DETECT_YAML_MAP) {
            ym_error_set(err, path, e->line, 0, "logsource entry must be a map");
            detect_source_free(s);
            return YM_EINVAL;
        }
        en->category = detect_yaml_get_str(e, "category");
        en->product = detect_yaml_get_str(e, "product");
        en->service = detect_yaml_get_str(e, "service");
        if (!en->category && !en->product && !en->service) {
            ym_error_set(err, path, e->line, 0, "logsource entry needs category, product or service");
            detect_source_free(s);
            return YM_EINVAL;
        }
        if ((st = add_kinds(s, detect_yaml_get(e, "kinds"), &en->kinds, path, err)) != YM_OK) {
            detect_source_free(s);
            return st;
        }
        en->fields = detect_yaml_get(e, "fields");
        if (en->fields && en->fields->type != DETECT_YAML_MAP)
            en->fields = NULL;
        s->entry_count++;
    }
    *out = s;
    return YM_OK;
}

static int key_ok(const char *want, const char *have)
{
    return !want || (have && strcasecmp(want, have) == 0);
}

uint32_t detect_source_kinds(const struct detect_source *s, const char *category,
                             const char *product, const char *service, const void **entry_out)
{
    if (entry_out)
        *entry_out = NULL;
    if (!s)
        return DETECT_KINDS_ALL;
    int best = 0;
    uint32_t mask = 0;
    for (size_t i = 0; i < s->entry_count; i++) {
        const struct entry *e = &s->entries[i];
        if (!key_ok(e->category, category) || !key_ok(e->product, product) ||
            !key_ok(e->service, service))
            continue;
        int spec = !!e->category + !!e->product + !!e->service;
        if (spec > best) {
            best = spec;
            mask = 0;
            if (entry_out)
                *entry_out = e;
        }
        if (spec == best)
            mask |= e->kinds;
    }
    return mask;
}

static const char *lookup(const struct detect_yaml_node *map, const char *name)
{
    const struct detect_yaml_node *v = detect_yaml_get(map, name);
    return v && v->type == DETECT_YAML_SCALAR ? v->str : NULL;
}

const char *detect_source_field(const struct detect_source *s, const void *entry, const char *name)
{
    if (!s)
        return name;
    const struct entry *e = entry;
    const char *m = e && e->fields ? lookup(e->fields, name) : NULL;
    if (!m && s->fields)
        m = lookup(s->fields, name);
    return m ? m : name;
}

uint32_t detect_source_kind_mask(const struct detect_source *s, const char *kind)
{
    if (!s || !kind || !*kind || strcmp(kind, "auto") == 0)
        return DETECT_KINDS_ALL;
    int idx = kind_index(s, kind);
    return idx < 0 ? DETECT_KINDS_ALL : 1u << idx;
}

const char *detect_source_kind_name(const struct detect_source *s, unsigned i)
{
    return s && i < s->kind_count ? s->kinds[i] : NULL;
}

/* ---- placeholders ------------------------------------------------------- */

struct detect_placeholders {
    struct detect_yaml_docs docs;
    const struct detect_yaml_node *map;
};

enum ym_status detect_placeholders_load(const char *path, struct detect_placeholders **out,
                                        struct ym_error *err)
{
    *out = NULL;
    struct detect_placeholders *p = ym_xcalloc(1, sizeof(*p));
    enum ym_status st = detect_yaml_load_file(path, &p->docs, err);
    if (st != YM_OK) {
        free(p);
        return st;
    }
    const struct detect_yaml_node *root = p->docs.count ? p->docs.v[0] : NULL;
    const struct detect_yaml_node *inner = detect_yaml_get(root, "placeholders");
    p->map = inner ? inner : root;
    if (p->map && p->map->type != DETECT_YAML_MAP) {
        ym_error_set(err, path, p->map->line, 0, "placeholders must map names to lists of values");
        detect_placeholders_free(p);
        return YM_EINVAL;
    }
    *out = p;
    return YM_OK;
}

void detect_placeholders_free(struct detect_placeholders *p)
{
    if (!p)
        return;
    detect_yaml_docs_free(&p->docs);
    free(p);
}

const struct detect_yaml_node *detect_placeholders_get(const struct detect_placeholders *p,
                                                       const char *name)
{
    return p ? detect_yaml_get(p->map, name) : NULL;
}
