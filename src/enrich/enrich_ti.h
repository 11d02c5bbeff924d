/* enrich_ti: threat-intelligence lists (addresses and networks, domains,
 * URLs, file hashes) and the per-log lookup against them.
 *
 * Lists come from files: plain text (one indicator per line, `#`
 * comments), CSV (indicator in the first column, or in a column named
 * indicator/value/ioc; optional `confidence` column) or STIX 2.1 bundles
 * (indicator objects with `[ipv4-addr:value = '...']`-style patterns;
 * revoked or expired indicators are skipped). The type of each indicator
 * is recognised from its text (IP, CIDR, 32/40/64 hex digits = hash, a
 * scheme or a slash = URL, else domain). A listed domain also matches its
 * subdomains.
 *
 * A log "touches" an indicator when one of its address fields (source.ip,
 * destination.ip, their .nat.ip, client.ip, server.ip), name fields
 * (url.domain, destination.domain, source.domain, dns.question.name,
 * threat.indicator.domain), url.original or a file.hash.* equals it.
 * enrich_ti_apply() writes the first hit into the log as
 *   threat.feed.name, threat.indicator.type, threat.indicator.confidence,
 *   threat.indicator.matched.field, threat.indicator.matched.atomic
 * so that rules (rules/network/threat_intel_*.yml) turn it into detections.
 *
 * Memory: a struct enrich_ti is an immutable, refcounted snapshot; reload
 * builds a new one and swaps (as the rule set does). Hits point into the
 * snapshot and the record; valid while the caller holds both.
 * Threads: load on a control thread; match/apply from any number of
 * workers at once (no locks, no allocation outside the record's arena).
 * Status codes: YM_EIO (file unreadable), YM_EPARSE (bad STIX JSON; err
 * has file and line), YM_EINVAL (bad config). */
#ifndef ENRICH_TI_H
#define ENRICH_TI_H

#include <stddef.h>
#include <stdint.h>

#include "core/ym_batch.h"
#include "core/ym_status.h"

enum enrich_ti_type {
    ENRICH_TI_IP = 0, /* address or network */
    ENRICH_TI_DOMAIN,
    ENRICH_TI_URL,
    ENRICH_TI_HASH,
};
const char *enrich_ti_type_name(enum enrich_ti_type t); /* "ipv4-addr"-style STIX names */

enum enrich_ti_format { ENRICH_TI_AUTO = 0, ENRICH_TI_TEXT, ENRICH_TI_CSV, ENRICH_TI_STIX };

struct enrich_ti_list_config {
    const char *name;   /* shown in detections: "abuse.ch feodo" */
    const char *path;
    const char *tenant; /* NULL or "" = every tenant */
    int confidence;     /* 0-100, default for indicators without their own */
    enum enrich_ti_format format; /* AUTO: .json = STIX, .csv = CSV, else text */
};

struct enrich_ti;

/* ---- load / free -------------------------------------------------------- */
/* Loads every list. Lines that are not indicators are counted in
 * *skipped (may be NULL), never fatal. */
enum ym_status enrich_ti_load(const struct enrich_ti_list_config *lists, size_t count,
                              struct enrich_ti **out, size_t *skipped, struct ym_error *err);
void enrich_ti_ref(struct enrich_ti *ti);
void enrich_ti_unref(struct enrich_ti *ti); /* NULL is fine */
size_t enrich_ti_indicator_count(const struct enrich_ti *ti);

/* ---- use ---------------------------------------------------------------- */
struct enrich_ti_hit {
    const char *list;       /* list name */
    int confidence;
    enum enrich_ti_type type;
    const char *field;      /* ECS name of the field that matched */
    const char *value;      /* the field's value (not NUL-terminated) */
    size_t value_len;
};

/* Returns 0 to go on, non-zero to stop. */
typedef int (*enrich_ti_hit_fn)(void *arg, const struct enrich_ti_hit *hit);

/* Calls fn for each (field, list) hit of rec, honouring list tenants
 * (rec->device->tenant). Returns the number of hits. */
int enrich_ti_match(const struct enrich_ti *ti, const struct ym_record *rec, enrich_ti_hit_fn fn,
                    void *arg);
/* Adds the threat.* fields of the best hit (highest confidence) to rec.
 * Returns the number of hits (0 = rec unchanged). */
int enrich_ti_apply(const struct enrich_ti *ti, struct ym_record *rec);

/* ---- live snapshot and reload -------------------------------------------
 * The pipeline holds the current snapshot here; a worker brackets a batch
 * with acquire/release (a mutex held for a pointer copy, never per log). A
 * reload loads the lists beside the running snapshot and swaps it in; on
 * failure the running one stays and err says why. */
struct enrich_ti_live;

struct enrich_ti_live *enrich_ti_live_create(struct enrich_ti *initial); /* takes the reference; NULL ok */
void enrich_ti_live_destroy(struct enrich_ti_live *live);                /* NULL is fine */
struct enrich_ti *enrich_ti_live_acquire(struct enrich_ti_live *live);   /* + one reference; may be NULL */
void enrich_ti_live_release(struct enrich_ti *ti);                       /* = enrich_ti_unref */
enum ym_status enrich_ti_live_reload(struct enrich_ti_live *live,
                                     const struct enrich_ti_list_config *lists, size_t count,
                                     size_t *skipped, struct ym_error *err);

#endif
