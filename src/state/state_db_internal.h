/* state_db_internal: what the modules of the state stage share and nobody
 * else sees: the SQLite connection behind a struct state_db, and each
 * module's part of the schema.
 *
 * Only files in src/state/ include this header. Other stages use the
 * module headers (state_db.h, state_incidents.h, state_notify.h,
 * state_users.h, state_audit.h), which never mention SQL, so that a
 * PostgreSQL backend can implement the same functions.
 *
 * Schema parts: each module owns the SQL of its tables for a schema
 * version; state_db.c runs them in a fixed order inside the migration's
 * transaction. Once a version has shipped its SQL never changes: the next
 * version adds a new part. */
#ifndef STATE_DB_INTERNAL_H
#define STATE_DB_INTERNAL_H

#include <sqlite3.h>
#include <stdint.h>

#include "core/ym_log.h"
#include "core/ym_status.h"

#include "state/state_db.h"

/* The connection (owned by the struct state_db; do not close it). */
sqlite3 *state_db_sqlite(struct state_db *db);
/* A statement kept prepared for the connection's life, keyed by the
 * address of sql (a string literal of the caller), reset and with its
 * bindings cleared; NULL when it does not prepare (sqlite3_errmsg says
 * why) or when STATE_DB_KEPT_MAX statements are kept already (prepare it
 * the usual way then). The caller binds, steps and resets it, never
 * finalizes it. For statements run per detection or per log, whose
 * preparation would cost more than running them. */
#define STATE_DB_KEPT_MAX 8
sqlite3_stmt *state_db_stmt(struct state_db *db, const char *sql);
/* 1 when opened as STATE_DB_WRITER. */
int state_db_writable(const struct state_db *db);

/* Small helpers every state module uses. */
static inline enum ym_status state_sql_fail(sqlite3 *db, const char *what)
{
    ym_log(YM_LOG_ERROR, "state.db: %s: %s", what, sqlite3_errmsg(db));
    return YM_EDB;
}
static inline const char *state_sql_or_empty(const char *s) { return s ? s : ""; }
/* A text column, "" for NULL; valid until the statement steps again. */
static inline const char *state_sql_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}
/* NULL binds as "" (the caller's string must outlive the step). */
static inline void state_sql_bind_str(sqlite3_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st, i, state_sql_or_empty(s), -1, SQLITE_STATIC);
}
/* 0 binds as NULL (an unset time or id). */
static inline void state_sql_bind_opt_i64(sqlite3_stmt *st, int i, int64_t v)
{
    if (v)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

static inline enum ym_status state_sql_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st,
                                               const char *what)
{
    return sqlite3_prepare_v2(db, sql, -1, st, NULL) == SQLITE_OK ? YM_OK
                                                                  : state_sql_fail(db, what);
}
/* Runs a one-off write statement to the end and finalizes it. */
static inline enum ym_status state_sql_run(sqlite3 *db, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? YM_OK : state_sql_fail(db, what);
}
/* A savepoint nests inside a caller's transaction (or savepoint): a change
 * made of several writes is whole or absent. state_sql_release ends it,
 * keeping the writes when st is YM_OK and rolling them back otherwise;
 * it returns st, or YM_EDB when the release itself fails. */
static inline int state_sql_savepoint(sqlite3 *db)
{
    return sqlite3_exec(db, "SAVEPOINT state", 0, 0, 0) == SQLITE_OK;
}
static inline enum ym_status state_sql_release(sqlite3 *db, enum ym_status st)
{
    if (st == YM_OK && sqlite3_exec(db, "RELEASE state", 0, 0, 0) == SQLITE_OK)
        return YM_OK;
    if (st == YM_OK)
        st = state_sql_fail(db, "release savepoint");
    sqlite3_exec(db, "ROLLBACK TO state; RELEASE state", 0, 0, 0);
    return st;
}

/* The actor of a change (state_incidents.h): its name for the timeline
 * ("yamori" for the server itself), and its audit entry (analysts'
 * changes only; the server's own are not audited). state_incidents.c. */
struct state_actor;
const char *state_actor_name(const struct state_actor *a);
enum ym_status state_actor_audit(struct state_db *db, const struct state_actor *a,
                                 const char *tenant, const char *action, const char *object,
                                 const char *detail, int64_t now_ns);

/* Version 3 parts, in the order they run. */
extern const char state_audit_sql_v3[];     /* state_audit.c: audit, changes */
extern const char state_incidents_sql_v3[]; /* state_incidents.c: events, incidents, timeline,
                                             * suppressions, rule overrides */
extern const char state_notify_sql_v3[];    /* state_notify.c: notifications, attempts */
extern const char state_users_sql_v3[];     /* state_users.c: users, web sessions, tokens */

#endif
