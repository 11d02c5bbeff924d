/* ym_config_load: what the parts of the yamori.yaml loader share and nobody
 * else sees: the loader state and the YAML helpers (ym_config_yaml.c), and
 * the entry points of the sections kept in files of their own
 * (ym_config_notify.c, ym_config_tenants.c), called from ym_config.c.
 *
 * Only src/core/ym_config*.c include this header; other stages use
 * core/ym_config.h.
 *
 * Ownership: the document and the error belong to ym_config_load; the
 * helpers read nodes of ld->doc (borrowed, valid while the document is) and
 * store copies into ld->cfg, which the loader frees as a whole on error.
 * A char ** out-parameter is freed before it is replaced, so a default
 * (data_dir, notify.smtp.from) goes without a leak. Single-threaded, like
 * the loader.
 *
 * Every function returns YM_OK or YM_EINVAL with ld->err filled (file,
 * line, column, reason); cfg_tenant_notify_key also returns YM_EDECLINED. */
#ifndef YM_CONFIG_LOAD_H
#define YM_CONFIG_LOAD_H

#include <stddef.h>
#include <yaml.h>

#include "core/ym_config.h"
#include "core/ym_status.h"

struct loader {
    yaml_document_t doc;
    const char *file;
    struct ym_error *err;
    struct ym_config *cfg;
    int tls_listen_off; /* listen.tls: off given explicitly */
};

/* ---- errors and nodes ---- */

/* Fills ld->err at node n (no position when n is NULL); returns YM_EINVAL. */
__attribute__((format(printf, 3, 4))) enum ym_status cfg_fail(struct loader *ld,
                                                              const yaml_node_t *n,
                                                              const char *fmt, ...);
yaml_node_t *cfg_node(struct loader *ld, int id);
/* The text of a scalar node; NULL for a mapping or a sequence. */
const char *cfg_scalar(const yaml_node_t *n);

/* ---- checked values ---- */

enum ym_status cfg_get_str(struct loader *ld, const yaml_node_t *v, const char *key, char **out);
enum ym_status cfg_get_nonempty(struct loader *ld, const yaml_node_t *v, const char *key,
                                char **out);
/* Integer in [min, max]; accepts the suffixes KiB, MiB, GiB when sizes = 1. */
enum ym_status cfg_get_int(struct loader *ld, const yaml_node_t *v, const char *key,
                           long long min, long long max, int sizes, long long *out);
/* true/yes/on or false/no/off. */
enum ym_status cfg_get_bool(struct loader *ld, const yaml_node_t *v, const char *key, int *out);
/* A list of values, each passing check; a single value may be written
 * without brackets. Appends to *out (owned by the caller's struct). */
enum ym_status cfg_get_strv(struct loader *ld, yaml_node_t *v, const char *key, char ***out,
                            size_t *count, int (*check)(const char *), const char *expected);

/* ---- walking a mapping ---- */

/* Walks a mapping: for each pair calls fn with the key and value nodes.
 * Duplicate keys are errors (the second would silently win otherwise). */
typedef enum ym_status (*cfg_pair_fn)(struct loader *ld, const char *key, yaml_node_t *k,
                                      yaml_node_t *v, void *arg);
enum ym_status cfg_each_pair(struct loader *ld, yaml_node_t *map, const char *what,
                             cfg_pair_fn fn, void *arg);

/* ---- notifications (ym_config_notify.c) ---- */

/* One key of the top-level notify section (a cfg_pair_fn; arg unused). */
enum ym_status cfg_on_notify(struct loader *ld, const char *key, yaml_node_t *k, yaml_node_t *v,
                             void *arg);
/* Emergency and critical at once, the rest in the monthly report. */
void cfg_tenant_notify_defaults(struct ym_tenant_config *t);
/* The tenant keys of notifications; YM_EDECLINED when key is not one. */
enum ym_status cfg_tenant_notify_key(struct loader *ld, const char *key, yaml_node_t *v,
                                     struct ym_tenant_config *t);

/* ---- lists (ym_config_tenants.c) ---- */

/* The value of tenants, devices, rules.threat_intel: a list of mappings,
 * appended to ld->cfg. Device tenants are not checked here: tenants may
 * be listed after devices. */
enum ym_status cfg_load_tenants(struct loader *ld, yaml_node_t *v);
enum ym_status cfg_load_devices(struct loader *ld, yaml_node_t *v);
enum ym_status cfg_load_ti_lists(struct loader *ld, yaml_node_t *v);

#endif
