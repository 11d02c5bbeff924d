/* triage: the aggregate and triage stages of DESIGN.md. Detections from the
 * workers become events (aggregated by key inside a sliding window), every
 * event gets a severity from the triage policy (rules/triage.yaml), and
 * events the policy judges a threat become incidents with an SLA clock, a
 * timeline and a notification request. Later detections can promote an
 * incident (recorded with the reason).
 *
 * Hand-off from the workers (the only part of triage the workers see):
 *
 *   worker: detect_set_match_batch(..., hit_fn) ─▶ triage_batch_add_hit()
 *           (copies what triage needs out of the log batch, which goes back
 *            to its pool right after) ─▶ triage_submit() once per log batch
 *   triage thread: pops triage batches, aggregates, writes events and
 *           incidents to the state store (its own connection), asks notify
 *           (notification outbox) for new and promoted incidents.
 *
 * A triage batch is owned by whoever holds it: the worker fills it and
 * hands it over with triage_submit (which takes ownership, also on
 * failure); the triage thread frees it. Strings inside a detection live in
 * the batch's own arena, so nothing points into the log batch or the rule
 * set (a rule reload can happen between detection and triage).
 *
 * Threads: triage_batch_* on the worker that owns the batch; triage_submit
 * from any worker; create/start/stop/destroy/reload_policy on the control
 * (main) thread; triage_stats from any thread.
 *
 * Back-pressure: the triage queue is bounded. When it is full,
 * triage_submit waits (the workers slow down, then the archive queue, then
 * intake): a detection is never dropped for being one too many.
 *
 * Status codes: YM_OK, YM_EINVAL (bad policy: err has file, line, reason),
 * YM_EDB (state store), YM_ECLOSED (submit after stop). */
#ifndef TRIAGE_H
#define TRIAGE_H

#include <stddef.h>
#include <stdint.h>

#include "core/ym_arena.h"
#include "core/ym_batch.h"
#include "core/ym_config.h"
#include "core/ym_status.h"
#include "detect/detect.h"

/* Fields copied from the log with each detection (ECS name -> value as
 * text): the aggregation key fields, the evidence fields the policy reads
 * (event.action, event.outcome, http.response.status_code, ...), and the
 * fields the rule names in its Sigma `fields`. */
#define TRIAGE_FIELDS_MAX 24
/* Raw text of the log kept with a detection (sample for the analyst). */
#define TRIAGE_SAMPLE_BYTES 2048

struct triage_field {
    const char *name;
    const char *value;
};

struct triage_detection {
    /* the rule, copied */
    const char *rule_id;
    const char *rule_title;
    const char *rule_response;  /* what the customer should do; "" */
    const char *agg_key;        /* rule custom field `aggregate` (comma-separated ECS
                                 * fields) overriding the default key; "" */
    const char *tags;           /* the rule's tags, comma-separated ("attack.t1190,cve.x"); "" */
    enum detect_level level;
    int correlation;            /* 1 = a correlation rule fired */
    const char *group;          /* correlation group ("10.0.0.1"), "" */
    uint64_t count;             /* 1, or what the correlation counted */
    /* the log */
    const char *tenant;
    const char *device;
    const char *device_kind;
    int64_t time_ns;            /* log time (windows use it) */
    int64_t received_ns;        /* intake's clock (latency figures) */
    uint64_t archive_ref;       /* where the archive keeps the log */
    const char *sample;         /* raw log, cut at TRIAGE_SAMPLE_BYTES */
    struct triage_field fields[TRIAGE_FIELDS_MAX];
    unsigned field_count;
    const char *matched[8];     /* ECS names of the fields that matched */
    unsigned matched_count;
};

/* What a worker fills for one log batch. */
struct triage_batch {
    struct triage_detection *v;
    size_t count, cap;
    struct ym_arena arena;
    struct triage_batch *next; /* queue link (triage internal) */
};

/* create takes a recycled batch when there is one; free recycles it (up
 * to a bound) or frees it. Both may be called from any thread. */
struct triage_batch *triage_batch_create(void);
void triage_batch_free(struct triage_batch *tb); /* NULL is fine */
/* Memory the batch's detections hold (arena bytes and detection slots):
 * what the triage queue's byte bound counts. */
size_t triage_batch_bytes(const struct triage_batch *tb);
/* Copies one detection of rec (the detect_hit_fn of a worker calls it).
 * Returns YM_ENOMEM only when the arena limit is hit (the caller counts
 * the detection as lost and says so in its stats). */
enum ym_status triage_batch_add_hit(struct triage_batch *tb, const struct ym_record *rec,
                                    const struct detect_hit *hit);
/* A value of a copied field, or NULL. */
const char *triage_detection_field(const struct triage_detection *d, const char *name);

/* ---- the triage thread ---- */

struct triage;

/* policy_path: rules/triage.yaml (NULL = the built-in default policy).
 * data_dir: where state.db is (the thread opens its own writer connection). */
enum ym_status triage_create(const struct ym_config *cfg, const char *policy_path,
                             const char *data_dir, struct triage **out, struct ym_error *err);
enum ym_status triage_start(struct triage *t);
/* Called on the triage thread after it committed notifications to the
 * outbox (serve points it at notify_kick so that mail leaves at once). */
typedef void (*triage_notify_fn)(void *arg);
void triage_set_notify_hook(struct triage *t, triage_notify_fn fn, void *arg);
/* Takes ownership of tb. Waits while the queue is full. */
enum ym_status triage_submit(struct triage *t, struct triage_batch *tb);
/* Re-reads the policy; a policy that does not load leaves the old one (err). */
enum ym_status triage_reload_policy(struct triage *t, struct ym_error *err);
/* Drains the queue, flushes open events, joins the thread. */
void triage_stop(struct triage *t);
void triage_destroy(struct triage *t); /* NULL is fine */

struct triage_stats {
    uint64_t detections;        /* taken from the queue */
    uint64_t suppressed;        /* muted by a suppression (still counted on the event) */
    uint64_t events_opened;
    uint64_t incidents_created;
    uint64_t incidents_promoted;
    uint64_t sla_breaches;
    uint64_t store_failures;    /* state store writes that failed (retried) */
    uint64_t queue_len, queue_capacity;
    /* log received -> incident stored, over the last incidents created */
    int64_t last_incident_latency_ns;
};
void triage_stats(struct triage *t, struct triage_stats *out);

#endif
