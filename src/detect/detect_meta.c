/* detect_meta: what a Sigma rule says about itself (detect_rule.h).
 *
 * title, id (else "file:line"), name, status, level, description, author,
 * tags, references, falsepositives, fields, related, and custom
 * attributes: top-level keys Sigma does not define, with scalar values
 * (ours: `response`, the recommended action for the customer). All copied
 * into the build arena. */
#include "detect/detect_rule.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const level_names[] = {"informational", "low", "medium", "high", "critical"};

static const char **str_list(struct detect_build *b, const struct detect_yaml_node *n, unsigned *count)
{
    *count = 0;
    if (!n)
        return NULL;
    size_t cnt = n->type == DETECT_YAML_SEQ ? n->count : 1;
    const char **v = detect_build_alloc(b, (cnt + 1) * sizeof(*v));
    for (size_t i = 0; i < cnt; i++) {
        const struct detect_yaml_node *x = n->type == DETECT_YAML_SEQ ? n->items[i] : n;
        if (x->type == DETECT_YAML_SCALAR)
            v[(*count)++] = detect_build_strdup(b, x->str);
    }
    return v;
}

static const char *opt_str(struct detect_build *b, const struct detect_yaml_node *doc, const char *key)
{
    const char *s = detect_yaml_get_str(doc, key);
    return s ? detect_build_strdup(b, s) : "";
}

static void read_related(struct detect_build *b, const struct detect_yaml_node *n,
                         struct detect_rule_meta *mt)
{
    if (!n || n->type != DETECT_YAML_SEQ)
        return;
    struct detect_related *v = detect_build_alloc(b, (n->count + 1) * sizeof(*v));
    for (size_t i = 0; i < n->count; i++) {
        const char *id = detect_yaml_get_str(n->items[i], "id");
        const char *type = detect_yaml_get_str(n->items[i], "type");
        if (!id)
            continue;
        v[mt->related_count].id = detect_build_strdup(b, id);
        v[mt->related_count].type = detect_build_strdup(b, type ? type : "");
        mt->related_count++;
    }
    mt->related = v;
}

/* Top-level keys of Sigma 2.1 rules and correlations; anything else with a
 * scalar value is a custom attribute. */
static int sigma_key(const char *k)
{
    static const char *const keys[] = {
        "title", "id", "name", "related", "taxonomy", "status", "description", "license",
        "author", "references", "date", "modified", "logsource", "detection", "fields",
        "falsepositives", "level", "tags", "scope", "correlation", "generate", "action",
    };
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (strcmp(k, keys[i]) == 0)
            return 1;
    return 0;
}

static void read_custom(struct detect_build *b, const struct detect_yaml_node *doc,
                        struct detect_rule_meta *mt)
{
    const char **k = detect_build_alloc(b, (doc->count + 1) * sizeof(*k));
    const char **v = detect_build_alloc(b, (doc->count + 1) * sizeof(*v));
    for (size_t i = 0; i < doc->count; i++) {
        if (sigma_key(doc->keys[i]->str) || doc->items[i]->type != DETECT_YAML_SCALAR)
            continue;
        k[mt->custom_count] = detect_build_strdup(b, doc->keys[i]->str);
        v[mt->custom_count] = detect_build_strdup(b, doc->items[i]->str);
        mt->custom_count++;
    }
    mt->custom_keys = k;
    mt->custom_values = v;
}

int detect_meta_read(struct detect_build *b, const struct detect_yaml_node *doc, const char *file,
                     struct detect_rule_meta *mt)
{
    const struct detect_yaml_node *title = detect_yaml_get(doc, "title");
    mt->title = detect_build_strdup(b, title && title->type == DETECT_YAML_SCALAR ? title->str : "");
    const char *id = detect_yaml_get_str(doc, "id");
    mt->id = id && *id ? detect_build_strdup(b, id)
                       : detect_build_strdup(b, ym_arena_printf(b->arena, "%s:%d", file, doc->line));
    const char *name = detect_yaml_get_str(doc, "name");
    mt->name = name ? detect_build_strdup(b, name) : NULL;
    mt->description = opt_str(b, doc, "description");
    mt->status = opt_str(b, doc, "status");
    mt->response = opt_str(b, doc, "response");
    mt->file = detect_build_strdup(b, file);
    mt->line = doc->line;
    mt->level = DETECT_LEVEL_MEDIUM;
    const struct detect_yaml_node *lv = detect_yaml_get(doc, "level");
    if (lv) {
        int found = 0;
        for (int i = 0; i < 5 && lv->type == DETECT_YAML_SCALAR; i++)
            if (strcasecmp(lv->str, level_names[i]) == 0) {
                mt->level = (enum detect_level)i;
                found = 1;
            }
        if (!found) {
            snprintf(b->reason, sizeof(b->reason), "level must be informational, low, medium, high or critical");
            b->line = lv->line;
            return -1;
        }
    }
    mt->tags = str_list(b, detect_yaml_get(doc, "tags"), &mt->tag_count);
    mt->falsepositives = str_list(b, detect_yaml_get(doc, "falsepositives"), &mt->falsepositive_count);
    mt->author = opt_str(b, doc, "author");
    mt->references = str_list(b, detect_yaml_get(doc, "references"), &mt->reference_count);
    mt->fields = str_list(b, detect_yaml_get(doc, "fields"), &mt->field_count);
    read_related(b, detect_yaml_get(doc, "related"), mt);
    read_custom(b, doc, mt);
    return 0;
}
