/* triage_engine: the aggregate and triage stages without a thread, on an
 * explicit clock, so that tests drive them with synthetic time and
 * `yamori triage replay` with the logs' own times.
 *
 *   triage_engine_add(detections, now) ── one transaction:
 *       tuning (per-tenant rule disabled, suppression; re-read at the start
 *       of the transaction when its generation changed, so that a change
 *       committed before the call applies to every detection of it)
 *       -> muted, still counted
 *       key (rule + aggregation fields) -> open event, or a new one
 *       judge (triage_policy_judge) -> the event keeps its highest severity
 *       exploit watch: a later detection from the exploited target back to
 *       the attacker (or a callback) promotes the exploit's event
 *       settle: event >= tenant's incident_min and >= threshold -> incident
 *       (new, or joins an open incident of the same key; promotion when an
 *       incident's event rises), notification enqueued in the same transaction
 *   triage_engine_tick(now) ── one transaction, about once a second:
 *       writes events changed since their last write (each open event is
 *       written at creation and then at most once per flush interval),
 *       suppression hit counts, closes idle events, re-reads tuning when it
 *       changed, marks SLA breaches.
 *
 * Invariants:
 *  1. Every detection handed to add is counted on exactly one event, muted
 *     or not; nothing is discarded.
 *  2. After a failed transaction the engine forgets what that transaction
 *     created (event and incident ids) and marks the events dirty, so the
 *     next tick writes them again (store_failures counts it).
 *  3. The store is the truth across restarts: at its first add, an engine
 *     (not a replay's) takes back the events whose window is still open
 *     (count, values, samples, incident) and which incidents later events
 *     of a key join, so a restart neither splits an event nor opens a
 *     second incident (and notification) for the same attack.
 *
 * Memory: detections are borrowed for the call (the engine copies what it
 * keeps); the policy and the state connection are borrowed for the
 * engine's life (set_policy swaps the policy). Threads: one thread uses an
 * engine. Status codes: YM_OK, YM_EDB (the transaction was rolled back;
 * see invariant 2). */
#ifndef TRIAGE_ENGINE_H
#define TRIAGE_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "core/ym_status.h"
#include "state/state_db.h"
#include "triage/triage.h"
#include "triage/triage_policy.h"

/* The default bound on open events: 16384 events are about 20 MiB. A key
 * that comes back after its event was closed for room opens a new event
 * (its incident, if any, is joined: same key). */
#define TRIAGE_OPEN_EVENTS 16384

struct triage_engine_config {
    const struct triage_policy *policy;
    struct state_db *db;          /* a writer connection */
    size_t max_open_events;       /* 0 = TRIAGE_OPEN_EVENTS; the idlest written ones are
                                   * closed beyond it (memory: about 1.2 KiB an event) */
    int64_t flush_interval_ns;    /* 0 = 1 s */
    int no_sla_marks;             /* 1 = tick does not mark SLA breaches (replay) */
    int log_clock;                /* 1 = each detection's clock is the latest log time seen
                                   * (replay: incidents are created at their log time) */
};

struct triage_engine;

struct triage_engine *triage_engine_create(const struct triage_engine_config *cfg);
void triage_engine_destroy(struct triage_engine *e); /* NULL is fine; does not flush */
void triage_engine_set_policy(struct triage_engine *e, const struct triage_policy *p);

enum ym_status triage_engine_add(struct triage_engine *e, const struct triage_detection *d,
                                 size_t count, int64_t now_ns);
enum ym_status triage_engine_tick(struct triage_engine *e, int64_t now_ns);
/* Writes every changed event now (stop, end of a replay). */
enum ym_status triage_engine_flush(struct triage_engine *e, int64_t now_ns);
/* Notifications committed since the last call (the thread calls the
 * notify hook when > 0). */
unsigned triage_engine_take_notifications(struct triage_engine *e);

struct triage_engine_stats {
    uint64_t detections, suppressed, events_opened, events_open;
    uint64_t incidents_created, incidents_promoted, sla_breaches, store_failures;
    int64_t last_incident_latency_ns;
};
void triage_engine_stats(const struct triage_engine *e, struct triage_engine_stats *out);

#endif
