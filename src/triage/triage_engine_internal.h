/* triage_engine_internal: the triage engine object shared by the files
 * that make up the engine (triage_engine.c: events, transactions, adding a
 * detection, restore and tick; triage_incident.c: incidents and the merges
 * by key; triage_watch.c: the exploit-callback watches). Only these files
 * include it; everybody else uses triage_engine.h, whose flow and
 * invariants hold for all three.
 *
 * Memory: the engine owns everything it points to (triage_engine_destroy
 * frees it): events, interned strings, the watch ring with its keys, the
 * merges with theirs. Threads: one thread uses an engine, so nothing here
 * is locked. */
#ifndef TRIAGE_ENGINE_INTERNAL_H
#define TRIAGE_ENGINE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/ym_status.h"
#include "state/state_incidents.h"
#include "triage/triage.h"
#include "triage/triage_engine.h"
#include "triage/triage_event.h"
#include "triage/triage_policy.h"
#include "triage/triage_tuning.h"

#define TRIAGE_WATCH_MAX 4096
#define TRIAGE_WATCH_BUCKETS 1024

/* An exploit that went through: watched for a callback. The ring of
 * watches is also chained by target (newest first, through seq numbers:
 * a chain ends at the first entry the ring has overwritten or dropped). */
struct triage_watch {
    uint64_t seq;        /* 0 = empty slot */
    uint64_t prev;       /* the previous watch of the same target bucket, 0 = none */
    char tenant[64];
    char target[64], attacker[64];
    int64_t time_ns;
    char *key;           /* malloc'ed; freed when the slot is reused (4096 inline keys were 4 MiB) */
    char title[128];
};

/* Incidents by event key (a later event of the same key joins it). */
struct triage_merge {
    char *key;
    int64_t incident_id;
    int64_t created_ns;
    enum state_severity sev;
    int in_txn;
};

/* Strings every event of a rule shares (tenant, rule id, title, level,
 * response, device), kept once: open addressing, never shrinks (bounded by
 * the rules, tenants and devices seen). */
struct triage_intern {
    char **v;
    size_t cap, count;
};

struct triage_engine {
    struct triage_engine_config cfg;
    struct triage_intern strings;
    const struct triage_policy *policy;
    struct triage_event **buckets;
    size_t bucket_count, open;
    struct triage_event *txn_list;
    struct triage_event *closed;     /* closed events waiting for their last write to commit */
    struct triage_watch *watches;  /* ring: slot = seq % TRIAGE_WATCH_MAX */
    uint64_t watch_first, watch_next; /* live seqs: first <= seq < next */
    uint64_t watch_head[TRIAGE_WATCH_BUCKETS]; /* newest seq per target bucket */
    struct triage_merge *merges;
    size_t merge_count, merge_cap;
    struct triage_tuning tuning;
    unsigned notes_txn, notes_ready;
    int64_t log_now_ns;     /* cfg.log_clock: the latest log time seen */
    int restored;           /* restore() ran */
    int64_t restore_ns;
    struct triage_engine_stats stats;
    uint64_t txn_incidents, txn_promoted; /* stats at the start of the transaction */
};

/* ---- small helpers ---- */

/* FNV-1a of s: event keys, interned strings, watch targets. */
static inline uint64_t triage_engine_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* d's value of the field name, "" when it has none (borrowed from d). */
static inline const char *triage_engine_field(const struct triage_detection *d, const char *name)
{
    const char *v = triage_detection_field(d, name);
    return v ? v : "";
}

/* ---- triage_engine.c ---- */

/* Puts ev in the open transaction (snapshot for a rollback, invariant 2). */
void triage_engine_touch_txn(struct triage_engine *e, struct triage_event *ev);
/* Writes ev to the store in the open transaction. */
enum ym_status triage_engine_write_event(struct triage_engine *e, struct triage_event *ev,
                                         int64_t now_ns);
/* The open event of key (h = triage_engine_hash(key)), or NULL. */
struct triage_event *triage_engine_lookup(struct triage_engine *e, const char *key, uint64_t h);

/* ---- triage_incident.c ---- */

/* Makes the store agree with what the event now is: an incident when it
 * earns one, a promotion when it rose. received_ns (0 = unknown) times the
 * incident latency. */
enum ym_status triage_incident_settle(struct triage_engine *e, struct triage_event *ev,
                                      int64_t received_ns, int64_t now_ns);
/* The merge of the event key, or NULL. */
struct triage_merge *triage_incident_find_merge(struct triage_engine *e, const char *key);
/* At the end of a transaction: forgets the merges it made unless it
 * committed. */
void triage_incident_merges_done(struct triage_engine *e, int committed);
/* Forgets the merges older than the policy's merge_ns. */
void triage_incident_merges_expire(struct triage_engine *e, int64_t now_ns);

/* ---- triage_watch.c ---- */

/* Watches the exploit d (its event's key without the mute) for a callback. */
void triage_watch_add(struct triage_engine *e, const struct triage_detection *d, const char *key);
/* A detection from an exploited target back to its attacker (or any
 * callback or threat-intel hit from it) within the window: the exploit
 * worked. Returns the watch (borrowed until the next triage_watch_add), or
 * NULL. */
const struct triage_watch *triage_watch_callback(struct triage_engine *e,
                                                 const struct triage_detection *d,
                                                 const struct triage_judgement *j,
                                                 const char *key);
/* Drops the watches older than the policy's callback window. */
void triage_watch_expire(struct triage_engine *e, int64_t now_ns);

#endif
