/* detect_source: where rules apply and what their field names mean.
 *
 * Reads rules/logsources.yaml:
 *
 *   kinds: [asa, ftd, panos, ...]           # device kinds we receive (<= 32)
 *   fields: {src_ip: source.ip, ...}          # Sigma taxonomy -> ECS, for all rules
 *   logsources:
 *     - {category: firewall, kinds: [asa, ftd, panos], fields: {...}}
 *     - {product: cisco, service: asa, kinds: [asa]}
 *
 * A rule's logsource matches an entry when every key the entry sets
 * (category, product, service) has the same value in the rule (case
 * ignored); among matching entries the most specific ones (most keys) win
 * and their kinds are united. No match = the rule is inactive. Field names
 * the mapping does not know are used as written.
 *
 * Also reads rules/placeholders.yaml (`name: [values]`, optionally under a
 * top-level `placeholders:` key) for the |expand modifier.
 *
 * Memory: both objects own their contents (free with the matching free).
 * Read-only after load: any thread may query. Status codes: YM_EIO,
 * YM_EPARSE (with err), YM_EINVAL (more than 32 kinds, bad shapes). */
#ifndef DETECT_SOURCE_H
#define DETECT_SOURCE_H

#include <stdint.h>

#include "core/ym_status.h"
#include "detect/detect_yaml.h"

#define DETECT_KINDS_ALL 0xFFFFFFFFu

struct detect_source;

enum ym_status detect_source_load(const char *path, struct detect_source **out,
                                  struct ym_error *err);
void detect_source_free(struct detect_source *s);

/* Kinds mask for a rule's logsource (NULL = absent key); *entry_out gets an
 * opaque handle for per-logsource field names (may be NULL). With s NULL
 * every rule applies everywhere. */
uint32_t detect_source_kinds(const struct detect_source *s, const char *category,
                             const char *product, const char *service, const void **entry_out);
/* ECS name for a Sigma field name (the name itself when unknown). */
const char *detect_source_field(const struct detect_source *s, const void *entry, const char *name);
/* Mask bit of a device kind; DETECT_KINDS_ALL for NULL, "", "auto" or a
 * kind the mapping does not list (so nothing is hidden from unknown kinds). */
uint32_t detect_source_kind_mask(const struct detect_source *s, const char *kind);
/* Name of kind bit i, or NULL. */
const char *detect_source_kind_name(const struct detect_source *s, unsigned i);

struct detect_placeholders;
enum ym_status detect_placeholders_load(const char *path, struct detect_placeholders **out,
                                        struct ym_error *err);
void detect_placeholders_free(struct detect_placeholders *p);
/* The values of %name% (a sequence or a scalar node), or NULL. */
const struct detect_yaml_node *detect_placeholders_get(const struct detect_placeholders *p,
                                                       const char *name);

#endif
