/* state_db: the state store (DESIGN.md "Data"): what yamori knows besides
 * the logs themselves. For now: counters of the running server, the senders
 * nobody configured (unknown senders) and per-minute log counts per tenant
 * and device (for dashboards and health).
 *
 * The interface hides the backend: callers see an opaque struct state_db,
 * plain C records and visitor callbacks, never SQL. The embedded backend is
 * SQLite in WAL mode at DATA/state.db; a PostgreSQL backend can implement the
 * same functions later.
 *
 * Writers and readers: `yamori serve` opens one writer connection per
 * thread that writes (housekeeping, triage, notify, each portal thread);
 * CLI commands that change state (incidents, users, suppressions) open
 * their own writer connection, and read-only commands open readers. WAL
 * lets readers run beside writers; writers take turns (short transactions,
 * a busy timeout of 5 s). A struct state_db is one connection, used by one
 * thread at a time.
 *
 * The store is split by subject into modules that share this connection:
 * state_db (counters, senders, minute counts), state_incidents (events,
 * incidents, timeline, suppressions, change feed), state_notify
 * (notification outbox and attempts), state_users (accounts, sessions, API
 * tokens), state_audit (audit trail).
 *
 * Schema: a version table and numbered migrations applied in order by the
 * writer on open. A reader refuses a store newer than it knows (YM_EINVAL)
 * and one that does not exist yet (YM_ENOTFOUND).
 *
 * Memory: strings handed to visitors are borrowed until the visitor
 * returns. Records passed in are copied; the caller keeps them.
 * Status codes besides YM_OK: YM_ENOTFOUND (no store / no such row),
 * YM_EDB (database failure; err->reason or the process log says why),
 * YM_EIO (directory not writable), YM_EINVAL (bad argument, newer schema). */
#ifndef STATE_DB_H
#define STATE_DB_H

#include <stddef.h>
#include <stdint.h>

#include "core/ym_status.h"

struct state_db;

#define STATE_DB_SCHEMA_VERSION 3

enum state_db_mode {
    STATE_DB_READER = 0, /* read-only; the store must exist */
    STATE_DB_WRITER = 1, /* creates the store and applies migrations */
};

/* ---- open / close ---- */

/* data_dir must exist for a writer (serve creates it). */
enum ym_status state_db_open(const char *data_dir, enum state_db_mode mode,
                             struct state_db **out, struct ym_error *err);
void state_db_close(struct state_db *db); /* NULL is fine */
int state_db_schema_version(struct state_db *db);

/* Groups writes into one transaction (housekeeping writes a second's worth
 * of counters and senders at once). Nesting is not supported. */
enum ym_status state_db_begin(struct state_db *db);
enum ym_status state_db_commit(struct state_db *db);
void state_db_rollback(struct state_db *db);

/* ---- counters: name -> value (writer sets, readers list) ---- */

/* Names are dotted ("intake.received.udp", "queue.archive.len"). */
enum ym_status state_db_counter_set(struct state_db *db, const char *name, uint64_t value,
                                    int64_t now_ns);
enum ym_status state_db_counter_get(struct state_db *db, const char *name, uint64_t *value,
                                    int64_t *updated_ns);
/* Return 0 to go on, 1 to stop. */
typedef int (*state_db_counter_fn)(void *arg, const char *name, uint64_t value,
                                   int64_t updated_ns);
/* Counters whose name starts with prefix ("" or NULL = all), by name. */
enum ym_status state_db_counters_each(struct state_db *db, const char *prefix,
                                      state_db_counter_fn fn, void *arg);

/* ---- unknown senders ---- */

struct state_db_unknown {
    const char *tenant;   /* "unassigned" */
    const char *device;   /* the device intake made for it */
    const char *address;  /* sender address as text */
    const char *hostname; /* syslog HOSTNAME seen first, "" if none */
    int64_t first_seen_ns, last_seen_ns;
    uint64_t logs;        /* put: logs counted by this writer session so far;
                           * each: logs over every session */
};

/* Records a sender. logs is cumulative within this writer session (as
 * intake counts it): the store remembers what each session contributed, so
 * putting the same sender every second, or again after a restart, adds up
 * right. first_seen keeps the earliest, last_seen the latest, hostname the
 * first non-empty. Key: (tenant, device, address). */
enum ym_status state_db_unknown_put(struct state_db *db, const struct state_db_unknown *u);
typedef int (*state_db_unknown_fn)(void *arg, const struct state_db_unknown *u);
/* Every unknown sender, most recently seen first. */
enum ym_status state_db_unknown_each(struct state_db *db, state_db_unknown_fn fn, void *arg);

/* ---- per-minute log counts ---- */

/* Adds logs, and logs no decoder could fully read (parse errors and logs
 * kept raw only), to the counts of (minute holding t_ns, tenant, device). */
enum ym_status state_db_minute_add(struct state_db *db, int64_t t_ns, const char *tenant,
                                   const char *device, uint64_t logs, uint64_t parse_errors);
struct state_db_minute {
    int64_t minute_ns; /* start of the UTC minute */
    const char *tenant;
    const char *device;
    uint64_t logs;
    uint64_t parse_errors;
};
typedef int (*state_db_minute_fn)(void *arg, const struct state_db_minute *m);
/* Counts with from_ns <= minute < to_ns (0 = no bound), tenant NULL = all;
 * ordered by minute, tenant, device. */
enum ym_status state_db_minutes_each(struct state_db *db, const char *tenant, int64_t from_ns,
                                     int64_t to_ns, state_db_minute_fn fn, void *arg);
/* Activity per device over a time range: the per-minute counts summed. */
struct state_db_activity {
    const char *tenant;
    const char *device;
    uint64_t logs;
    uint64_t parse_errors;
    int64_t first_minute_ns, last_minute_ns; /* minutes with logs */
};
typedef int (*state_db_activity_fn)(void *arg, const struct state_db_activity *a);
/* One call per (tenant, device) with logs in from_ns <= minute < to_ns
 * (0 = no bound), tenant NULL = all; ordered by tenant, device. */
enum ym_status state_db_activity_each(struct state_db *db, const char *tenant, int64_t from_ns,
                                      int64_t to_ns, state_db_activity_fn fn, void *arg);

/* Forgets counts of minutes before before_ns (retention of the counts);
 * *removed (may be NULL) says how many rows went. */
enum ym_status state_db_minutes_prune(struct state_db *db, int64_t before_ns, uint64_t *removed);

#endif
