/* state_audit: the audit trail (who did what, from where) and the change
 * feed (what changed, in order, for live pages).
 *
 * Audit: every change an analyst, an admin or a customer makes (status,
 * comment, assignment, suppression, rule override, user, token, login and
 * failed login) is one entry, written by the code that makes the change, in
 * the same transaction when it has one. Entries are never updated or
 * deleted by yamori.
 *
 * Change feed: every write that a live page shows (a new or changed event
 * or incident, a comment) appends one change with a growing sequence
 * number. Readers (the portal's server-sent events, in this process or
 * another) ask for the changes after the last sequence they saw, so the
 * feed works across processes and backends without an in-process bus.
 * Kinds in use: "event.new", "event.update", "incident.new",
 * "incident.update" (severity, status, assignee, notification),
 * "incident.comment"; ref is the event or incident id. Old changes are
 * pruned by state_changes_prune.
 *
 * Memory: strings passed in are copied; strings handed to visitors are
 * borrowed until the visitor returns. Threads: as state_db.h (one thread
 * per connection). Status codes: YM_OK, YM_EDB, YM_EINVAL (reader
 * connection asked to write). */
#ifndef STATE_AUDIT_H
#define STATE_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/ym_status.h"
#include "state/state_db.h"

struct state_audit_entry {
    int64_t id;          /* set by the store */
    int64_t time_ns;     /* 0 = now */
    const char *actor;   /* user name; "yamori" for the server itself; "" = unknown */
    const char *role;    /* admin | analyst | customer | "" */
    const char *tenant;  /* tenant the object belongs to, "" = none/global */
    const char *action;  /* dotted verb: "incident.status", "user.add", "login.failed" */
    const char *object;  /* what was acted on: "incident:42", "user:alice" */
    const char *detail;  /* free text: "new -> acknowledged" */
    const char *address; /* client address for portal actions, "cli" for the CLI */
};

/* NULL strings are stored as "". */
enum ym_status state_audit_add(struct state_db *db, const struct state_audit_entry *e);

/* Return 0 to go on, 1 to stop. */
typedef int (*state_audit_fn)(void *arg, const struct state_audit_entry *e);
/* Entries of tenant (NULL = all) with from_ns <= time < to_ns (0 = no
 * bound), newest first, at most limit (0 = no limit). */
enum ym_status state_audit_each(struct state_db *db, const char *tenant, int64_t from_ns,
                                int64_t to_ns, size_t limit, state_audit_fn fn, void *arg);

/* ---- change feed ---- */

struct state_change {
    int64_t seq;
    int64_t time_ns;
    const char *tenant;
    const char *kind;
    int64_t ref;
};

/* time_ns 0 = now. */
enum ym_status state_change_add(struct state_db *db, const char *tenant, const char *kind,
                                int64_t ref, int64_t time_ns);
typedef int (*state_change_fn)(void *arg, const struct state_change *c);
/* Changes with seq > after_seq, oldest first, at most limit (0 = all). */
enum ym_status state_changes_each(struct state_db *db, int64_t after_seq, size_t limit,
                                  state_change_fn fn, void *arg);
/* The newest sequence number (0 when the feed is empty). */
enum ym_status state_changes_last(struct state_db *db, int64_t *seq);
/* Forgets changes older than before_ns. */
enum ym_status state_changes_prune(struct state_db *db, int64_t before_ns);

#endif
