/* state_notify: the notification outbox and the record of every attempt
 * (see state_notify.h). */
#include "state/state_notify.h"

#include <sqlite3.h>

#include "core/ym_log.h"
#include "state/state_db_internal.h"

const char state_notify_sql_v3[] =
    /* One row per notification to send (an incident's, or a digest's):
     * written by whoever decides it is due, taken by the notify thread. */
    "CREATE TABLE notifications (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL,"
    "  incident_id INTEGER,"                  /* NULL for a digest */
    "  reason TEXT NOT NULL,"                 /* new|promoted|status|manual|digest */
    "  created_ns INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'pending',"  /* pending|sent|failed|skipped */
    "  attempts INTEGER NOT NULL DEFAULT 0, next_ns INTEGER NOT NULL, done_ns INTEGER);"
    "CREATE INDEX notifications_due ON notifications (state, next_ns);"
    "CREATE INDEX notifications_incident ON notifications (incident_id);"
    "CREATE TABLE notification_attempts (id INTEGER PRIMARY KEY,"
    "  notification_id INTEGER NOT NULL, time_ns INTEGER NOT NULL,"
    "  channel TEXT NOT NULL,"                /* email|webhook|slack|teams */
    "  target TEXT NOT NULL, ok INTEGER NOT NULL, answer TEXT NOT NULL);"
    "CREATE INDEX notification_attempts_n ON notification_attempts (notification_id);";

static enum ym_status fail(sqlite3 *db, const char *what)
{
    ym_log(YM_LOG_ERROR, "state.db: %s: %s", what, sqlite3_errmsg(db));
    return YM_EDB;
}

enum ym_status state_notify_enqueue(struct state_db *sdb, const char *tenant, int64_t incident_id,
                                    const char *reason, int64_t now_ns, int64_t *id)
{
    if (!state_db_writable(sdb))
        return YM_EINVAL;
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO notifications (tenant, incident_id, reason, created_ns,"
                           " next_ns) VALUES (?1, ?2, ?3, ?4, ?4)",
                           -1, &st, NULL) != SQLITE_OK)
        return fail(db, "enqueue notification");
    sqlite3_bind_text(st, 1, tenant ? tenant : "", -1, SQLITE_STATIC);
    if (incident_id)
        sqlite3_bind_int64(st, 2, incident_id);
    else
        sqlite3_bind_null(st, 2);
    sqlite3_bind_text(st, 3, reason ? reason : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now_ns);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fail(db, "enqueue notification");
    if (id)
        *id = sqlite3_last_insert_rowid(db);
    return YM_OK;
}
