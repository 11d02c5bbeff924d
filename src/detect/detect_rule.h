/* detect_rule: one Sigma rule document -> struct detect_rule.
 *
 * Reads the metadata (title, id, name, status, level, description, tags,
 * falsepositives, our custom `response`), the logsource (-> device kinds
 * through detect_source), the detection (selections, keywords, every value
 * modifier of Sigma 2.1 but the time ones) and the condition
 * (detect_cond.c), or hands a `correlation:` section to detect_corr.c.
 *
 * Memory: the rule and everything it points to are allocated in b->arena;
 * PCRE2 codes are recorded in b->regexes for the set to free. Single
 * thread (the compiling one). Returns a rule status; on anything but OK and
 * INACTIVE, *out is NULL and line/reason say why. */
#ifndef DETECT_RULE_H
#define DETECT_RULE_H

#include <stddef.h>

#include "core/ym_arena.h"
#include "detect/detect_source.h"
#include "detect/detect_types.h"
#include "detect/detect_yaml.h"

/* Compile context shared by the loader modules. */
struct detect_build {
    struct ym_arena *arena;
    const struct detect_source *source;          /* NULL = no mapping */
    const struct detect_placeholders *placeholders; /* NULL = none */
    void **regexes; /* pcre2_code * to free with the set */
    size_t regex_count, regex_cap;
    /* Outcome of the rule being built. */
    int line;
    char reason[256];
    int unsupported; /* set by detect_cond_parse for valid Sigma we do not run */
};

/* Arena helpers that abort on exhaustion (control plane, no limit). */
void *detect_build_alloc(struct detect_build *b, size_t n);
char *detect_build_strdup(struct detect_build *b, const char *s);

enum detect_rule_status detect_rule_build(struct detect_build *b, const struct detect_yaml_node *doc,
                                          const char *file, struct detect_rule **out);

/* Rule metadata (detect_meta.c). Returns 0, or -1 with b->reason and
 * b->line set (a bad level). */
int detect_meta_read(struct detect_build *b, const struct detect_yaml_node *doc, const char *file,
                     struct detect_rule_meta *mt);

/* Condition text -> tree over rule->sels (detect_cond.c). Returns 0, or -1
 * with b->reason set. */
int detect_cond_parse(struct detect_build *b, struct detect_rule *rule, const char *text,
                      struct detect_cond **out);
/* 1 when the condition can hold while no Vectorscan-backed atom fired, so
 * the rule must be evaluated on every log. */
int detect_cond_may_match_without_hits(const struct detect_rule *rule);
/* Picks the trigger atoms of a rule: a small set of Vectorscan-backed atoms
 * such that the condition is false whenever none of them fired (preferring
 * long literals, which fire rarely). Sets atom->trigger; returns 0, or -1
 * when no such set exists (the rule must run on every log). */
int detect_cond_pick_triggers(struct detect_rule *rule);

#endif
