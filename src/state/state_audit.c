/* state_audit: the audit trail and the change feed (see state_audit.h). */
#include "state/state_audit.h"

#include <sqlite3.h>

#include "core/ym_log.h"
#include "core/ym_time.h"
#include "state/state_db_internal.h"

const char state_audit_sql_v3[] =
    "CREATE TABLE audit (id INTEGER PRIMARY KEY, time_ns INTEGER NOT NULL,"
    "  actor TEXT NOT NULL, role TEXT NOT NULL, tenant TEXT NOT NULL, action TEXT NOT NULL,"
    "  object TEXT NOT NULL, detail TEXT NOT NULL, address TEXT NOT NULL);"
    "CREATE INDEX audit_time ON audit (time_ns);"
    "CREATE INDEX audit_tenant_time ON audit (tenant, time_ns);"
    "CREATE TABLE changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, time_ns INTEGER NOT NULL,"
    "  tenant TEXT NOT NULL, kind TEXT NOT NULL, ref INTEGER NOT NULL);"
    "CREATE INDEX changes_time ON changes (time_ns);";

/* A kept statement is reset for its next use; a one-off one is finalized. */
static void done(sqlite3_stmt *st, int kept)
{
    if (kept)
        sqlite3_reset(st);
    else
        sqlite3_finalize(st);
}

enum ym_status state_audit_add(struct state_db *sdb, const struct state_audit_entry *e)
{
    if (!state_db_writable(sdb))
        return YM_EINVAL;
    sqlite3 *db = state_db_sqlite(sdb);
    static const char sql[] = "INSERT INTO audit (time_ns, actor, role, tenant, action, object,"
                              " detail, address) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    sqlite3_stmt *st = state_db_stmt(sdb, sql);
    int kept = st != NULL;
    if (!st && sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return state_sql_fail(db, "audit");
    sqlite3_bind_int64(st, 1, e->time_ns ? e->time_ns : ym_time_now_ns());
    sqlite3_bind_text(st, 2, state_sql_or_empty(e->actor), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, state_sql_or_empty(e->role), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, state_sql_or_empty(e->tenant), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, state_sql_or_empty(e->action), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, state_sql_or_empty(e->object), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, state_sql_or_empty(e->detail), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, state_sql_or_empty(e->address), -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    done(st, kept);
    return rc == SQLITE_DONE ? YM_OK : state_sql_fail(db, "audit");
}

enum ym_status state_audit_each(struct state_db *sdb, const char *tenant, int64_t from_ns,
                                int64_t to_ns, size_t limit, state_audit_fn fn, void *arg)
{
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT id, time_ns, actor, role, tenant, action, object, detail, address"
                           " FROM audit WHERE (?1 IS NULL OR tenant = ?1) AND time_ns >= ?2"
                           " AND (?3 = 0 OR time_ns < ?3) ORDER BY time_ns DESC, id DESC"
                           " LIMIT ?4",
                           -1, &st, NULL) != SQLITE_OK)
        return state_sql_fail(db, "read audit");
    if (tenant)
        sqlite3_bind_text(st, 1, tenant, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, from_ns);
    sqlite3_bind_int64(st, 3, to_ns);
    sqlite3_bind_int64(st, 4, limit ? (int64_t)limit : -1);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct state_audit_entry e = {
            .id = sqlite3_column_int64(st, 0),
            .time_ns = sqlite3_column_int64(st, 1),
            .actor = state_sql_text(st, 2),
            .role = state_sql_text(st, 3),
            .tenant = state_sql_text(st, 4),
            .action = state_sql_text(st, 5),
            .object = state_sql_text(st, 6),
            .detail = state_sql_text(st, 7),
            .address = state_sql_text(st, 8),
        };
        if (fn(arg, &e)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? YM_OK : state_sql_fail(db, "read audit");
}

enum ym_status state_change_add(struct state_db *sdb, const char *tenant, const char *kind,
                                int64_t ref, int64_t time_ns)
{
    if (!state_db_writable(sdb))
        return YM_EINVAL;
    sqlite3 *db = state_db_sqlite(sdb);
    /* Runs for every event write of the triage thread: kept prepared. */
    static const char sql[] = "INSERT INTO changes (time_ns, tenant, kind, ref)"
                              " VALUES (?1, ?2, ?3, ?4)";
    sqlite3_stmt *st = state_db_stmt(sdb, sql);
    int kept = st != NULL;
    if (!st && sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return state_sql_fail(db, "change feed");
    sqlite3_bind_int64(st, 1, time_ns ? time_ns : ym_time_now_ns());
    sqlite3_bind_text(st, 2, state_sql_or_empty(tenant), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, state_sql_or_empty(kind), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, ref);
    int rc = sqlite3_step(st);
    done(st, kept);
    return rc == SQLITE_DONE ? YM_OK : state_sql_fail(db, "change feed");
}

enum ym_status state_changes_each(struct state_db *sdb, int64_t after_seq, size_t limit,
                                  state_change_fn fn, void *arg)
{
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT seq, time_ns, tenant, kind, ref FROM changes WHERE seq > ?1"
                           " ORDER BY seq LIMIT ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return state_sql_fail(db, "read change feed");
    sqlite3_bind_int64(st, 1, after_seq);
    sqlite3_bind_int64(st, 2, limit ? (int64_t)limit : -1);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct state_change c = {
            .seq = sqlite3_column_int64(st, 0),
            .time_ns = sqlite3_column_int64(st, 1),
            .tenant = state_sql_text(st, 2),
            .kind = state_sql_text(st, 3),
            .ref = sqlite3_column_int64(st, 4),
        };
        if (fn(arg, &c)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? YM_OK : state_sql_fail(db, "read change feed");
}

enum ym_status state_changes_last(struct state_db *sdb, int64_t *seq)
{
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    *seq = 0;
    if (sqlite3_prepare_v2(db, "SELECT coalesce(max(seq), 0) FROM changes", -1, &st, NULL) !=
        SQLITE_OK)
        return state_sql_fail(db, "read change feed");
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *seq = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? YM_OK : state_sql_fail(db, "read change feed");
}

enum ym_status state_changes_prune(struct state_db *sdb, int64_t before_ns)
{
    if (!state_db_writable(sdb))
        return YM_EINVAL;
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "DELETE FROM changes WHERE time_ns < ?1", -1, &st, NULL) !=
        SQLITE_OK)
        return state_sql_fail(db, "prune change feed");
    sqlite3_bind_int64(st, 1, before_ns);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? YM_OK : state_sql_fail(db, "prune change feed");
}
