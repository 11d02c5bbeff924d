/* state_events: the events of state_incidents.h (detections aggregated
 * by triage), their writes and filtered lists. Table: state_incidents.c
 * (schema). */
#include "state/state_incidents.h"

#include <sqlite3.h>
#include <stdio.h>

#include "core/ym_log.h"
#include "state/state_audit.h"
#include "state/state_db_internal.h"

/* A stored severity; unknown text (a newer yamori wrote it) reads as
 * informational rather than failing the list. */
static enum state_severity stored_severity(const char *s)
{
    enum state_severity v = STATE_SEV_INFORMATIONAL;
    return state_severity_parse(s, &v) == 0 ? v : STATE_SEV_INFORMATIONAL;
}

static enum ym_status count_rows(sqlite3 *db, sqlite3_stmt *st, uint64_t *total)
{
    int rc = sqlite3_step(st);
    *total = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? YM_OK : state_sql_fail(db, "count events");
}

/* ---- events ---- */

static const char event_update_sql[] =
    "UPDATE events SET tenant = ?1, rule_id = ?2, title = ?3, level = ?4,"
    " severity = ?5, reason = ?6, agg_key = ?7, device = ?8, source_ip = ?9,"
    " destination_ip = ?10, count = ?11, suppressed = ?12, suppression_id = ?13,"
    " first_ns = ?14, last_ns = ?15, window_end_ns = ?16, incident_id = ?17,"
    " distinct_json = ?18, samples_json = ?19 WHERE id = ?20";
static const char event_insert_sql[] =
    "INSERT INTO events (tenant, rule_id, title, level, severity, reason, agg_key,"
    " device, source_ip, destination_ip, count, suppressed, suppression_id,"
    " first_ns, last_ns, window_end_ns, incident_id, distinct_json, samples_json)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
    " ?16, ?17, ?18, ?19)";

/* Triage writes an event per detection burst: the two statements stay
 * prepared on the connection (state_db_stmt), or are prepared once when
 * the connection keeps no more. */
enum ym_status state_event_put(struct state_db *sdb, struct state_event *ev)
{
    if (!state_db_writable(sdb))
        return YM_EINVAL;
    sqlite3 *db = state_db_sqlite(sdb);
    const char *sql = ev->id ? event_update_sql : event_insert_sql;
    sqlite3_stmt *st = state_db_stmt(sdb, sql);
    int kept = st != NULL;
    if (!kept && state_sql_prepare(db, sql, &st, "write event") != YM_OK)
        return YM_EDB;
    state_sql_bind_str(st, 1, ev->tenant);
    state_sql_bind_str(st, 2, ev->rule_id);
    state_sql_bind_str(st, 3, ev->title);
    state_sql_bind_str(st, 4, ev->level);
    state_sql_bind_str(st, 5, state_severity_name(ev->severity));
    state_sql_bind_str(st, 6, ev->reason);
    state_sql_bind_str(st, 7, ev->agg_key);
    state_sql_bind_str(st, 8, ev->device);
    state_sql_bind_str(st, 9, ev->source_ip);
    state_sql_bind_str(st, 10, ev->destination_ip);
    sqlite3_bind_int64(st, 11, (int64_t)ev->count);
    sqlite3_bind_int(st, 12, ev->suppressed ? 1 : 0);
    state_sql_bind_opt_i64(st, 13, ev->suppression_id);
    sqlite3_bind_int64(st, 14, ev->first_ns);
    sqlite3_bind_int64(st, 15, ev->last_ns);
    sqlite3_bind_int64(st, 16, ev->window_end_ns);
    state_sql_bind_opt_i64(st, 17, ev->incident_id);
    sqlite3_bind_text(st, 18, ev->distinct_json ? ev->distinct_json : "{}", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 19, ev->samples_json ? ev->samples_json : "[]", -1, SQLITE_STATIC);
    if (ev->id)
        sqlite3_bind_int64(st, 20, ev->id);
    int was_new = ev->id == 0;
    int rc = sqlite3_step(st);
    if (kept)
        sqlite3_reset(st); /* the bound strings are the caller's: let go of them */
    else
        sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return state_sql_fail(db, "write event");
    if (was_new)
        ev->id = sqlite3_last_insert_rowid(db);
    else if (sqlite3_changes(db) == 0)
        return YM_ENOTFOUND;
    return state_change_add(sdb, ev->tenant, was_new ? "event.new" : "event.update", ev->id,
                            ev->last_ns);
}

enum ym_status state_event_link(struct state_db *sdb, int64_t event_id, int64_t incident_id)
{
    if (!state_db_writable(sdb))
        return YM_EINVAL;
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    if (state_sql_prepare(db, "UPDATE events SET incident_id = ?2 WHERE id = ?1 RETURNING tenant", &st,
                "link event") != YM_OK)
        return YM_EDB;
    sqlite3_bind_int64(st, 1, event_id);
    sqlite3_bind_int64(st, 2, incident_id);
    char tenant[128] = "";
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(tenant, sizeof tenant, "%s", state_sql_text(st, 0));
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return state_sql_fail(db, "link event");
    if (!*tenant)
        return YM_ENOTFOUND;
    return state_change_add(sdb, tenant, "event.update", event_id, 0);
}

#define EVENT_COLS                                                                             \
    "id, tenant, rule_id, title, level, severity, reason, agg_key, device, source_ip,"        \
    " destination_ip, count, suppressed, coalesce(suppression_id, 0), first_ns, last_ns,"     \
    " window_end_ns, coalesce(incident_id, 0), distinct_json, samples_json"

static void read_event(sqlite3_stmt *st, struct state_event *ev)
{
    *ev = (struct state_event){
        .id = sqlite3_column_int64(st, 0),
        .tenant = state_sql_text(st, 1),
        .rule_id = state_sql_text(st, 2),
        .title = state_sql_text(st, 3),
        .level = state_sql_text(st, 4),
        .severity = stored_severity(state_sql_text(st, 5)),
        .reason = state_sql_text(st, 6),
        .agg_key = state_sql_text(st, 7),
        .device = state_sql_text(st, 8),
        .source_ip = state_sql_text(st, 9),
        .destination_ip = state_sql_text(st, 10),
        .count = (uint64_t)sqlite3_column_int64(st, 11),
        .suppressed = sqlite3_column_int(st, 12),
        .suppression_id = sqlite3_column_int64(st, 13),
        .first_ns = sqlite3_column_int64(st, 14),
        .last_ns = sqlite3_column_int64(st, 15),
        .window_end_ns = sqlite3_column_int64(st, 16),
        .incident_id = sqlite3_column_int64(st, 17),
        .distinct_json = state_sql_text(st, 18),
        .samples_json = state_sql_text(st, 19),
    };
}

/* The WHERE clause of an event filter; parameters ?1..?7. */
static const char event_where[] =
    " WHERE (?1 IS NULL OR tenant = ?1) AND (?2 IS NULL OR rule_id = ?2)"
    " AND (?3 = 0 OR last_ns >= ?3) AND (?4 = 0 OR last_ns < ?4)"
    " AND (?5 = 0 OR (?5 > 0 AND incident_id = ?5) OR (?5 < 0 AND incident_id IS NULL))"
    " AND (?6 < 0 OR suppressed = ?6) AND (?7 = 0 OR window_end_ns > ?7)";

static void bind_event_filter(sqlite3_stmt *st, const struct state_event_filter *f)
{
    if (f->tenant)
        sqlite3_bind_text(st, 1, f->tenant, -1, SQLITE_STATIC);
    if (f->rule_id)
        sqlite3_bind_text(st, 2, f->rule_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, f->from_ns);
    sqlite3_bind_int64(st, 4, f->to_ns);
    sqlite3_bind_int64(st, 5, f->incident_id);
    sqlite3_bind_int(st, 6, f->suppressed < 0 ? -1 : f->suppressed ? 1 : 0);
    sqlite3_bind_int64(st, 7, f->open_at_ns);
}

enum ym_status state_events_each(struct state_db *sdb, const struct state_event_filter *f,
                                 state_event_fn fn, void *arg, uint64_t *total)
{
    static const struct state_event_filter all = {.suppressed = -1};
    if (!f)
        f = &all;
    sqlite3 *db = state_db_sqlite(sdb);
    char sql[1024];
    sqlite3_stmt *st;
    if (total) {
        snprintf(sql, sizeof sql, "SELECT count(*) FROM events%s", event_where);
        if (state_sql_prepare(db, sql, &st, "count events") != YM_OK)
            return YM_EDB;
        bind_event_filter(st, f);
        if (count_rows(db, st, total) != YM_OK)
            return YM_EDB;
    }
    snprintf(sql, sizeof sql,
             "SELECT " EVENT_COLS " FROM events%s ORDER BY last_ns DESC, id DESC"
             " LIMIT ?8 OFFSET ?9",
             event_where);
    if (state_sql_prepare(db, sql, &st, "read events") != YM_OK)
        return YM_EDB;
    bind_event_filter(st, f);
    sqlite3_bind_int64(st, 8, f->limit ? (int64_t)f->limit : -1);
    sqlite3_bind_int64(st, 9, (int64_t)f->offset);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct state_event ev;
        read_event(st, &ev);
        if (fn(arg, &ev)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? YM_OK : state_sql_fail(db, "read events");
}

enum ym_status state_event_get(struct state_db *sdb, int64_t id, state_event_fn fn, void *arg)
{
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    if (state_sql_prepare(db, "SELECT " EVENT_COLS " FROM events WHERE id = ?1", &st, "read event") != YM_OK)
        return YM_EDB;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        struct state_event ev;
        read_event(st, &ev);
        fn(arg, &ev);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return YM_OK;
    return rc == SQLITE_DONE ? YM_ENOTFOUND : state_sql_fail(db, "read event");
}

