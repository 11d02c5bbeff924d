/* state_tuning: the suppressions and per-tenant rule overrides of
 * state_incidents.h (the tuning `yamori suppress`, `yamori tune` and the
 * portal change, and the triage thread reads), and the generation number
 * that tells triage to re-read them. Tables: state_incidents.c (schema).
 *
 * Invariant: tuning.gen grows with every change of suppressions or
 * overrides, in the change's own savepoint. */
#include "state/state_incidents.h"

#include <sqlite3.h>
#include <stdio.h>

#include "core/ym_log.h"
#include "state/state_audit.h"
#include "state/state_db_internal.h"

/* ---- suppressions and rule overrides ---- */

static enum ym_status bump_tuning(sqlite3 *db)
{
    return sqlite3_exec(db, "UPDATE tuning SET gen = gen + 1", 0, 0, 0) == SQLITE_OK
               ? YM_OK
               : state_sql_fail(db, "tuning generation");
}

enum ym_status state_tuning_generation(struct state_db *sdb, int64_t *gen)
{
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    *gen = 0;
    if (state_sql_prepare(db, "SELECT gen FROM tuning", &st, "tuning generation") != YM_OK)
        return YM_EDB;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *gen = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? YM_OK : state_sql_fail(db, "tuning generation");
}

enum ym_status state_suppression_add(struct state_db *sdb, struct state_suppression *s,
                                     const struct state_actor *actor, int64_t now_ns)
{
    if (!state_db_writable(sdb) || !s->tenant || !*s->tenant || !s->reason || !*s->reason)
        return YM_EINVAL;
    sqlite3 *db = state_db_sqlite(sdb);
    if (!state_sql_savepoint(db))
        return state_sql_fail(db, "begin suppression");
    sqlite3_stmt *st;
    enum ym_status rc = state_sql_prepare(db,
                                "INSERT INTO suppressions (tenant, rule_id, conditions, reason,"
                                " author, created_ns, expires_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
                                " ?7)",
                                &st, "add suppression");
    if (rc == YM_OK) {
        state_sql_bind_str(st, 1, s->tenant);
        state_sql_bind_str(st, 2, s->rule_id);
        state_sql_bind_str(st, 3, s->conditions);
        state_sql_bind_str(st, 4, s->reason);
        state_sql_bind_str(st, 5, s->author && *s->author ? s->author : state_actor_name(actor));
        sqlite3_bind_int64(st, 6, now_ns);
        state_sql_bind_opt_i64(st, 7, s->expires_ns);
        rc = state_sql_run(db, st, "add suppression");
    }
    if (rc == YM_OK) {
        s->id = sqlite3_last_insert_rowid(db);
        s->created_ns = now_ns;
        rc = bump_tuning(db);
    }
    if (rc == YM_OK) {
        char object[64], detail[1024];
        snprintf(object, sizeof object, "suppression:%lld", (long long)s->id);
        snprintf(detail, sizeof detail, "rule '%s' where '%s': %s", state_sql_or_empty(s->rule_id),
                 state_sql_or_empty(s->conditions), s->reason);
        rc = state_actor_audit(sdb, actor, s->tenant, "suppression.add", object, detail, now_ns);
    }
    return state_sql_release(db, rc);
}

enum ym_status state_suppression_delete(struct state_db *sdb, int64_t id,
                                        const struct state_actor *actor, int64_t now_ns)
{
    if (!state_db_writable(sdb))
        return YM_EINVAL;
    sqlite3 *db = state_db_sqlite(sdb);
    if (!state_sql_savepoint(db))
        return state_sql_fail(db, "begin suppression");
    sqlite3_stmt *st;
    char tenant[128] = "";
    enum ym_status rc = state_sql_prepare(db,
                                "UPDATE suppressions SET deleted_ns = ?2 WHERE id = ?1"
                                " AND deleted_ns IS NULL RETURNING tenant",
                                &st, "delete suppression");
    if (rc == YM_OK) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, now_ns);
        int r = sqlite3_step(st);
        if (r == SQLITE_ROW)
            snprintf(tenant, sizeof tenant, "%s", state_sql_text(st, 0));
        while (r == SQLITE_ROW)
            r = sqlite3_step(st);
        sqlite3_finalize(st);
        rc = r == SQLITE_DONE ? (*tenant ? YM_OK : YM_ENOTFOUND) : state_sql_fail(db, "delete suppression");
    }
    if (rc == YM_OK)
        rc = bump_tuning(db);
    if (rc == YM_OK) {
        char object[64];
        snprintf(object, sizeof object, "suppression:%lld", (long long)id);
        rc = state_actor_audit(sdb, actor, tenant, "suppression.delete", object, "", now_ns);
    }
    return state_sql_release(db, rc);
}

enum ym_status state_suppression_hits_add(struct state_db *sdb, int64_t id, uint64_t hits)
{
    if (!state_db_writable(sdb))
        return YM_EINVAL;
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    if (state_sql_prepare(db, "UPDATE suppressions SET hits = hits + ?2 WHERE id = ?1", &st,
                "suppression hits") != YM_OK)
        return YM_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, (int64_t)hits);
    return state_sql_run(db, st, "suppression hits");
}

enum ym_status state_suppressions_each(struct state_db *sdb, const char *tenant,
                                       int64_t active_at_ns, state_suppression_fn fn, void *arg)
{
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    if (state_sql_prepare(db,
                "SELECT id, tenant, rule_id, conditions, reason, author, created_ns,"
                " coalesce(expires_ns, 0), coalesce(deleted_ns, 0), hits FROM suppressions"
                " WHERE (?1 IS NULL OR tenant = ?1) AND (?2 = 0 OR (deleted_ns IS NULL AND"
                " (expires_ns IS NULL OR expires_ns > ?2))) ORDER BY id",
                &st, "read suppressions") != YM_OK)
        return YM_EDB;
    if (tenant)
        sqlite3_bind_text(st, 1, tenant, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, active_at_ns);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct state_suppression s = {
            .id = sqlite3_column_int64(st, 0),
            .tenant = state_sql_text(st, 1),
            .rule_id = state_sql_text(st, 2),
            .conditions = state_sql_text(st, 3),
            .reason = state_sql_text(st, 4),
            .author = state_sql_text(st, 5),
            .created_ns = sqlite3_column_int64(st, 6),
            .expires_ns = sqlite3_column_int64(st, 7),
            .deleted_ns = sqlite3_column_int64(st, 8),
            .hits = (uint64_t)sqlite3_column_int64(st, 9),
        };
        if (fn(arg, &s)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? YM_OK : state_sql_fail(db, "read suppressions");
}

enum ym_status state_rule_override_set(struct state_db *sdb, const struct state_rule_override *o,
                                       const struct state_actor *actor, int64_t now_ns)
{
    if (!state_db_writable(sdb) || !o->tenant || !*o->tenant || !o->rule_id || !*o->rule_id)
        return YM_EINVAL;
    sqlite3 *db = state_db_sqlite(sdb);
    if (!state_sql_savepoint(db))
        return state_sql_fail(db, "begin override");
    sqlite3_stmt *st;
    enum ym_status rc = state_sql_prepare(db,
                                "INSERT OR REPLACE INTO rule_overrides (tenant, rule_id, enabled,"
                                " threshold, author, updated_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                &st, "rule override");
    if (rc == YM_OK) {
        state_sql_bind_str(st, 1, o->tenant);
        state_sql_bind_str(st, 2, o->rule_id);
        sqlite3_bind_int(st, 3, o->enabled ? 1 : 0);
        state_sql_bind_opt_i64(st, 4, (int64_t)o->threshold);
        state_sql_bind_str(st, 5, o->author && *o->author ? o->author : state_actor_name(actor));
        sqlite3_bind_int64(st, 6, now_ns);
        rc = state_sql_run(db, st, "rule override");
    }
    if (rc == YM_OK)
        rc = bump_tuning(db);
    if (rc == YM_OK) {
        char object[256], detail[128];
        snprintf(object, sizeof object, "rule:%s", o->rule_id);
        snprintf(detail, sizeof detail, "%s, threshold %llu", o->enabled ? "enabled" : "disabled",
                 (unsigned long long)o->threshold);
        rc = state_actor_audit(sdb, actor, o->tenant, "rule.override", object, detail, now_ns);
    }
    return state_sql_release(db, rc);
}

enum ym_status state_rule_override_delete(struct state_db *sdb, const char *tenant,
                                          const char *rule_id, const struct state_actor *actor,
                                          int64_t now_ns)
{
    if (!state_db_writable(sdb))
        return YM_EINVAL;
    sqlite3 *db = state_db_sqlite(sdb);
    if (!state_sql_savepoint(db))
        return state_sql_fail(db, "begin override");
    sqlite3_stmt *st;
    enum ym_status rc = state_sql_prepare(db, "DELETE FROM rule_overrides WHERE tenant = ?1 AND rule_id = ?2",
                                &st, "delete override");
    if (rc == YM_OK) {
        state_sql_bind_str(st, 1, tenant);
        state_sql_bind_str(st, 2, rule_id);
        rc = state_sql_run(db, st, "delete override");
        if (rc == YM_OK && sqlite3_changes(db) == 0)
            rc = YM_ENOTFOUND;
    }
    if (rc == YM_OK)
        rc = bump_tuning(db);
    if (rc == YM_OK) {
        char object[256];
        snprintf(object, sizeof object, "rule:%s", state_sql_or_empty(rule_id));
        rc = state_actor_audit(sdb, actor, tenant, "rule.override.delete", object, "", now_ns);
    }
    return state_sql_release(db, rc);
}

enum ym_status state_rule_overrides_each(struct state_db *sdb, const char *tenant,
                                         state_rule_override_fn fn, void *arg)
{
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    if (state_sql_prepare(db,
                "SELECT tenant, rule_id, enabled, coalesce(threshold, 0), author, updated_ns"
                " FROM rule_overrides WHERE (?1 IS NULL OR tenant = ?1) ORDER BY tenant, rule_id",
                &st, "read overrides") != YM_OK)
        return YM_EDB;
    if (tenant)
        sqlite3_bind_text(st, 1, tenant, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct state_rule_override o = {
            .tenant = state_sql_text(st, 0),
            .rule_id = state_sql_text(st, 1),
            .enabled = sqlite3_column_int(st, 2),
            .threshold = (uint64_t)sqlite3_column_int64(st, 3),
            .author = state_sql_text(st, 4),
            .updated_ns = sqlite3_column_int64(st, 5),
        };
        if (fn(arg, &o)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? YM_OK : state_sql_fail(db, "read overrides");
}
