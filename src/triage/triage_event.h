/* triage_event: an open event as the triage engine keeps it in memory
 * (types shared by the engine's files, triage_engine*.c, triage_incident.c,
 * triage_watch.c, and triage_event.c, nobody else), and what belongs to the
 * event alone: keeping a detection's distinct values and sample, and the
 * stored JSON form of both (written at each event write, read back after a
 * restart).
 *
 * Memory: an event owns its strings (malloc'ed; triage_event_free), except
 * the ones every event of a rule shares (tenant, rule_id, title, level,
 * response, device), which the engine interns and frees with itself: an
 * engine keeps up to max_open_events events, so each byte of an event
 * counts (about 1.5 KiB each, see docs/performance.md). JSON buffers are
 * the caller's. Threads: the triage thread only. */
#ifndef TRIAGE_EVENT_H
#define TRIAGE_EVENT_H

#include <stdint.h>

#include "core/ym_buf.h"
#include "state/state_incidents.h"
#include "triage/triage.h"
#include "triage/triage_policy.h"

#define TRIAGE_KEY_MAX 1024
#define TRIAGE_REASON_MAX 512

struct triage_distinct {
    char *field;         /* NULL = slot unused; the name travels with the values (reload) */
    char **vals;
    unsigned count, cap; /* grown on demand: a policy reload may change the limits */
    int more;            /* values beyond the policy's limit were seen */
};

struct triage_sample {
    uint64_t archive_ref;
    int64_t time_ns;
    char *device;
    char *text;
};

struct triage_event {
    struct triage_event *next;  /* hash chain, or the closed list */
    uint64_t hash;
    char *key;
    const char *tenant, *rule_id, *title, *level, *response, *device; /* interned */
    char *src, *dst, *agg_text;
    enum state_severity sev;
    enum state_severity initial_sev; /* what its first detection earned */
    char *reason;                    /* at most TRIAGE_REASON_MAX - 1 bytes; never NULL */
    uint64_t count, threshold;
    int suppressed;
    int64_t suppression_id;
    int64_t first_ns, last_ns, window_end_ns, touched_ns, written_ns;
    int64_t watched_ns;  /* last time its exploit was put on the watch list; 0 = never */
    int dirty;
    int64_t id, incident_id;
    enum state_severity incident_sev;
    char *link_key;      /* a callback: the exploit event whose incident it joins; NULL */
    struct triage_distinct distinct[TRIAGE_DISTINCT_MAX_FIELDS];
    struct triage_sample *samples;  /* grown on demand, up to the policy's samples */
    unsigned sample_count, sample_cap;
    /* transaction snapshot (triage_engine.h, invariant 2) */
    int in_txn;
    int64_t snap_id, snap_incident;
    enum state_severity snap_isev;
    struct triage_event *txn_next;
    int closed;          /* window closed: out of the hash, on the closed list */
};

void triage_event_free(struct triage_event *ev); /* NULL is fine */
/* Adds d's values of the policy's distinct fields (up to distinct_values
 * each) and d as a sample (up to samples). */
void triage_event_keep(const struct triage_policy *p, struct triage_event *ev,
                       const struct triage_detection *d);
/* {"field": ["value", ...], "field.more": true} and
 * [{"archive_ref": N, "time": "...", "device": "...", "text": "..."}]. */
void triage_event_json(const struct triage_policy *p, const struct triage_event *ev,
                       struct ym_buf *distinct, struct ym_buf *samples);
/* The reverse of triage_event_json (bad JSON leaves the event without
 * values; never fails). */
void triage_event_load(const struct triage_policy *p, struct triage_event *ev,
                       const char *distinct_json, const char *samples_json);

#endif
