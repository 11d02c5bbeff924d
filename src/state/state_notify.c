/* state_notify: the notification outbox and the record of every attempt
 * (see state_notify.h). */
#include "state/state_notify.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ym_alloc.h"
#include "core/ym_log.h"
#include "state/state_audit.h"
#include "state/state_db_internal.h"

const char state_notify_sql_v3[] =
    /* One row per notification to send (an incident's, or a digest's):
     * written by whoever decides it is due, taken by the notify thread. */
    "CREATE TABLE notifications (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL,"
    "  incident_id INTEGER,"                  /* NULL for a digest */
    "  reason TEXT NOT NULL,"                 /* new|promoted|status|manual|digest */
    "  created_ns INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'pending',"
    /* state: pending|held|digest|sent|failed|skipped (state_notify.h) */
    "  attempts INTEGER NOT NULL DEFAULT 0, next_ns INTEGER NOT NULL, done_ns INTEGER);"
    "CREATE INDEX notifications_due ON notifications (state, next_ns);"
    "CREATE INDEX notifications_incident ON notifications (incident_id);"
    "CREATE TABLE notification_attempts (id INTEGER PRIMARY KEY,"
    "  notification_id INTEGER NOT NULL, time_ns INTEGER NOT NULL,"
    "  channel TEXT NOT NULL,"                /* email|webhook|slack|teams */
    "  target TEXT NOT NULL, ok INTEGER NOT NULL, answer TEXT NOT NULL);"
    "CREATE INDEX notification_attempts_n ON notification_attempts (notification_id);";

static enum ym_status prepare(struct state_db *sdb, int write, const char *sql, sqlite3_stmt **st,
                              const char *what)
{
    if (write && !state_db_writable(sdb))
        return YM_EINVAL;
    sqlite3 *db = state_db_sqlite(sdb);
    if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
        return state_sql_fail(db, what);
    return YM_OK;
}

/* Steps a write statement to its end and finalizes it. */
static enum ym_status run(struct state_db *sdb, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? YM_OK : state_sql_fail(state_db_sqlite(sdb), what);
}

enum ym_status state_notify_enqueue(struct state_db *sdb, const char *tenant, int64_t incident_id,
                                    const char *reason, int64_t now_ns, int64_t *id)
{
    sqlite3_stmt *st;
    enum ym_status s = prepare(sdb, 1,
                               "INSERT INTO notifications (tenant, incident_id, reason, created_ns,"
                               " next_ns) VALUES (?1, ?2, ?3, ?4, ?4)",
                               &st, "enqueue notification");
    if (s != YM_OK)
        return s;
    sqlite3_bind_text(st, 1, state_sql_or_empty(tenant), -1, SQLITE_STATIC);
    if (incident_id)
        sqlite3_bind_int64(st, 2, incident_id);
    else
        sqlite3_bind_null(st, 2);
    sqlite3_bind_text(st, 3, state_sql_or_empty(reason), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now_ns);
    if ((s = run(sdb, st, "enqueue notification")) != YM_OK)
        return s;
    if (id)
        *id = sqlite3_last_insert_rowid(state_db_sqlite(sdb));
    return YM_OK;
}

/* ---- read ---- */

#define NOTIFICATION_COLS "id, tenant, incident_id, reason, state, attempts, created_ns, next_ns, done_ns"

static enum ym_status each_notification(struct state_db *sdb, sqlite3_stmt *st,
                                        state_notification_fn fn, void *arg)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct state_notification n = {
            .id = sqlite3_column_int64(st, 0),
            .tenant = state_sql_text(st, 1),
            .incident_id = sqlite3_column_int64(st, 2),
            .reason = state_sql_text(st, 3),
            .state = state_sql_text(st, 4),
            .attempts = sqlite3_column_int(st, 5),
            .created_ns = sqlite3_column_int64(st, 6),
            .next_ns = sqlite3_column_int64(st, 7),
            .done_ns = sqlite3_column_int64(st, 8),
        };
        if (fn(arg, &n))
            break;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return state_sql_fail(state_db_sqlite(sdb), "read notifications");
    return YM_OK;
}

enum ym_status state_notify_due_each(struct state_db *sdb, int64_t now_ns, unsigned limit,
                                     state_notification_fn fn, void *arg)
{
    sqlite3_stmt *st;
    enum ym_status s = prepare(sdb, 0,
                               "SELECT " NOTIFICATION_COLS " FROM notifications"
                               " WHERE state = 'pending' AND next_ns <= ?1"
                               " ORDER BY next_ns, id LIMIT ?2",
                               &st, "read due notifications");
    if (s != YM_OK)
        return s;
    sqlite3_bind_int64(st, 1, now_ns);
    sqlite3_bind_int64(st, 2, limit ? (int64_t)limit : -1);
    return each_notification(sdb, st, fn, arg);
}

enum ym_status state_notify_next_due(struct state_db *sdb, int64_t *next_ns)
{
    sqlite3_stmt *st;
    enum ym_status s = prepare(sdb, 0,
                               "SELECT MIN(next_ns) FROM notifications WHERE state = 'pending'",
                               &st, "read next notification");
    if (s != YM_OK)
        return s;
    int rc = sqlite3_step(st);
    *next_ns = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? YM_OK : state_sql_fail(state_db_sqlite(sdb), "read next notification");
}

int state_notification_list_add(void *list, const struct state_notification *n)
{
    struct state_notification_list *l = list;
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = ym_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    struct state_notification *c = &l->v[l->count++];
    *c = *n;
    c->tenant = ym_xstrdup(n->tenant ? n->tenant : "");
    c->reason = ym_xstrdup(n->reason ? n->reason : "");
    c->state = ym_xstrdup(n->state ? n->state : "");
    return 0;
}

void state_notification_list_free(struct state_notification_list *l)
{
    for (size_t i = 0; i < l->count; i++) {
        free((char *)l->v[i].tenant);
        free((char *)l->v[i].reason);
        free((char *)l->v[i].state);
    }
    free(l->v);
    l->v = NULL;
    l->count = l->cap = 0;
}

enum ym_status state_notify_each(struct state_db *sdb, const char *tenant, unsigned limit,
                                 state_notification_fn fn, void *arg)
{
    sqlite3_stmt *st;
    enum ym_status s = prepare(sdb, 0,
                               "SELECT " NOTIFICATION_COLS " FROM notifications"
                               " WHERE (?1 IS NULL OR tenant = ?1) ORDER BY id DESC LIMIT ?2",
                               &st, "read notifications");
    if (s != YM_OK)
        return s;
    if (tenant)
        sqlite3_bind_text(st, 1, tenant, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, limit ? (int64_t)limit : -1);
    return each_notification(sdb, st, fn, arg);
}

enum ym_status state_notify_attempts_each(struct state_db *sdb, int64_t notification_id,
                                          state_notify_attempt_fn fn, void *arg)
{
    sqlite3_stmt *st;
    enum ym_status s = prepare(sdb, 0,
                               "SELECT notification_id, time_ns, channel, target, ok, answer"
                               " FROM notification_attempts WHERE notification_id = ?1"
                               " ORDER BY id",
                               &st, "read notification attempts");
    if (s != YM_OK)
        return s;
    sqlite3_bind_int64(st, 1, notification_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct state_notify_attempt a = {
            .notification_id = sqlite3_column_int64(st, 0),
            .time_ns = sqlite3_column_int64(st, 1),
            .channel = state_sql_text(st, 2),
            .target = state_sql_text(st, 3),
            .ok = sqlite3_column_int(st, 4),
            .answer = state_sql_text(st, 5),
        };
        if (fn(arg, &a))
            break;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return state_sql_fail(state_db_sqlite(sdb), "read notification attempts");
    return YM_OK;
}

#define INCIDENT_COLS                                                                   \
    "i.id, i.tenant, i.title, i.severity, i.status, i.rule_id, i.source_ip,"            \
    " i.destination_ip, i.response, i.created_ns, i.first_detection_ns, i.sla_due_ns," \
    " i.notified_ns"

static enum ym_status each_incident(struct state_db *sdb, sqlite3_stmt *st,
                                    state_notify_incident_fn fn, void *arg, int *rows)
{
    int rc;
    *rows = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct state_notify_incident inc = {
            .id = sqlite3_column_int64(st, 0),
            .tenant = state_sql_text(st, 1),
            .title = state_sql_text(st, 2),
            .severity = state_sql_text(st, 3),
            .status = state_sql_text(st, 4),
            .rule_id = state_sql_text(st, 5),
            .source_ip = state_sql_text(st, 6),
            .destination_ip = state_sql_text(st, 7),
            .response = state_sql_text(st, 8),
            .created_ns = sqlite3_column_int64(st, 9),
            .first_detection_ns = sqlite3_column_int64(st, 10),
            .sla_due_ns = sqlite3_column_int64(st, 11),
            .notified_ns = sqlite3_column_int64(st, 12),
        };
        (*rows)++;
        if (fn(arg, &inc))
            break;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return state_sql_fail(state_db_sqlite(sdb), "read incident");
    return YM_OK;
}

enum ym_status state_notify_incident_get(struct state_db *sdb, int64_t incident_id,
                                         state_notify_incident_fn fn, void *arg)
{
    sqlite3_stmt *st;
    enum ym_status s = prepare(sdb, 0, "SELECT " INCIDENT_COLS " FROM incidents i WHERE i.id = ?1",
                               &st, "read incident");
    if (s != YM_OK)
        return s;
    sqlite3_bind_int64(st, 1, incident_id);
    int rows;
    if ((s = each_incident(sdb, st, fn, arg, &rows)) != YM_OK)
        return s;
    return rows ? YM_OK : YM_ENOTFOUND;
}

enum ym_status state_notify_digest_incidents(struct state_db *sdb, const char *tenant,
                                             int64_t up_to_ns, state_notify_incident_fn fn,
                                             void *arg)
{
    sqlite3_stmt *st;
    enum ym_status s = prepare(sdb, 0,
                               "SELECT " INCIDENT_COLS " FROM incidents i WHERE i.id IN"
                               " (SELECT incident_id FROM notifications WHERE tenant = ?1"
                               "  AND state = 'digest' AND created_ns <= ?2)"
                               " AND i.notified_ns IS NULL"
                               " ORDER BY i.first_detection_ns, i.id",
                               &st, "read digest incidents");
    if (s != YM_OK)
        return s;
    sqlite3_bind_text(st, 1, state_sql_or_empty(tenant), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, up_to_ns);
    int rows;
    return each_incident(sdb, st, fn, arg, &rows);
}

/* ---- writes ---- */

static enum ym_status timeline_add(struct state_db *sdb, int64_t incident_id, const char *tenant,
                                   int64_t now_ns, const char *kind, const char *visibility,
                                   const char *text)
{
    sqlite3_stmt *st;
    enum ym_status s = prepare(sdb, 1,
                               "INSERT INTO timeline (incident_id, tenant, time_ns, kind, actor,"
                               " visibility, text) VALUES (?1, ?2, ?3, ?4, 'yamori', ?5, ?6)",
                               &st, "timeline");
    if (s != YM_OK)
        return s;
    sqlite3_bind_int64(st, 1, incident_id);
    sqlite3_bind_text(st, 2, state_sql_or_empty(tenant), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now_ns);
    sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, state_sql_or_empty(visibility), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, state_sql_or_empty(text), -1, SQLITE_STATIC);
    return run(sdb, st, "timeline");
}

enum ym_status state_notify_timeline_add(struct state_db *sdb, int64_t incident_id,
                                         const char *tenant, int64_t now_ns,
                                         const char *visibility, const char *text)
{
    return timeline_add(sdb, incident_id, tenant, now_ns, "notification", visibility, text);
}

enum ym_status state_notify_attempt_add(struct state_db *sdb, const struct state_notify_attempt *a,
                                        int64_t incident_id, const char *tenant)
{
    sqlite3_stmt *st;
    enum ym_status s = prepare(sdb, 1,
                               "INSERT INTO notification_attempts (notification_id, time_ns,"
                               " channel, target, ok, answer) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                               &st, "notification attempt");
    if (s != YM_OK)
        return s;
    sqlite3_bind_int64(st, 1, a->notification_id);
    sqlite3_bind_int64(st, 2, a->time_ns);
    sqlite3_bind_text(st, 3, state_sql_or_empty(a->channel), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, state_sql_or_empty(a->target), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, a->ok ? 1 : 0);
    sqlite3_bind_text(st, 6, state_sql_or_empty(a->answer), -1, SQLITE_STATIC);
    if ((s = run(sdb, st, "notification attempt")) != YM_OK || !incident_id)
        return s;
    char text[1024];
    if (a->ok)
        snprintf(text, sizeof text, "Notified by %s to %s (%s)", a->channel, a->target, a->answer);
    else
        snprintf(text, sizeof text, "Notification by %s to %s failed: %s", a->channel, a->target,
                 a->answer);
    return timeline_add(sdb, incident_id, tenant, a->time_ns, "notification",
                        a->ok ? "customer" : "internal", text);
}

enum ym_status state_notify_target_done(struct state_db *sdb, int64_t notification_id,
                                        const char *target, int *done)
{
    sqlite3_stmt *st;
    enum ym_status s = prepare(sdb, 0,
                               "SELECT 1 FROM notification_attempts WHERE notification_id = ?1"
                               " AND target = ?2 AND ok = 1 LIMIT 1",
                               &st, "read notification attempts");
    if (s != YM_OK)
        return s;
    sqlite3_bind_int64(st, 1, notification_id);
    sqlite3_bind_text(st, 2, state_sql_or_empty(target), -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return state_sql_fail(state_db_sqlite(sdb), "read notification attempts");
    *done = rc == SQLITE_ROW;
    return YM_OK;
}

enum ym_status state_notify_set_state(struct state_db *sdb, int64_t id, const char *state,
                                      int attempts, int64_t next_ns, int64_t now_ns)
{
    sqlite3_stmt *st;
    enum ym_status s = prepare(sdb, 1,
                               "UPDATE notifications SET state = ?2, attempts = ?3, next_ns = ?4,"
                               " done_ns = CASE WHEN ?2 IN ('sent', 'failed', 'skipped') THEN ?5"
                               " ELSE NULL END WHERE id = ?1",
                               &st, "update notification");
    if (s != YM_OK)
        return s;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, attempts);
    sqlite3_bind_int64(st, 4, next_ns);
    sqlite3_bind_int64(st, 5, now_ns);
    return run(sdb, st, "update notification");
}

enum ym_status state_notify_incident_notified(struct state_db *sdb, int64_t incident_id,
                                              int64_t now_ns, int *first, int *breached)
{
    sqlite3_stmt *st;
    enum ym_status s = prepare(sdb, 1,
                               "SELECT tenant, status, notified_ns, sla_due_ns, sla_breached"
                               " FROM incidents"
                               " WHERE id = ?1",
                               &st, "read incident");
    if (s != YM_OK)
        return s;
    sqlite3_bind_int64(st, 1, incident_id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        return rc == SQLITE_DONE ? YM_ENOTFOUND : state_sql_fail(state_db_sqlite(sdb), "read incident");
    }
    char tenant[128], status[32];
    snprintf(tenant, sizeof tenant, "%s", state_sql_text(st, 0));
    snprintf(status, sizeof status, "%s", state_sql_text(st, 1));
    int is_first = sqlite3_column_type(st, 2) == SQLITE_NULL;
    int64_t due_ns = sqlite3_column_int64(st, 3);
    int has_due = sqlite3_column_type(st, 3) != SQLITE_NULL;
    int marked = sqlite3_column_int(st, 4); /* triage's SLA watch may have marked it */
    sqlite3_finalize(st);
    int late = is_first && has_due && now_ns > due_ns;
    int moves = !strcmp(status, "new") || !strcmp(status, "acknowledged");

    if ((s = state_db_begin(sdb)) != YM_OK)
        return s;
    if (is_first) {
        s = prepare(sdb, 1,
                    "UPDATE incidents SET notified_ns = ?2, updated_ns = ?2,"
                    " sla_breached = CASE WHEN ?3 THEN 1 ELSE sla_breached END,"
                    " status = CASE WHEN status IN ('new', 'acknowledged') THEN 'notified'"
                    " ELSE status END WHERE id = ?1 AND notified_ns IS NULL",
                    &st, "update incident");
        if (s == YM_OK) {
            sqlite3_bind_int64(st, 1, incident_id);
            sqlite3_bind_int64(st, 2, now_ns);
            sqlite3_bind_int(st, 3, late);
            s = run(sdb, st, "update incident");
        }
        if (s == YM_OK && moves) {
            char text[96];
            snprintf(text, sizeof text, "%s -> notified", status);
            s = timeline_add(sdb, incident_id, tenant, now_ns, "status", "customer", text);
        }
        if (s == YM_OK && late && !marked)
            s = timeline_add(sdb, incident_id, tenant, now_ns, "notification", "internal",
                             "SLA breached: the customer was notified after the SLA deadline");
    }
    if (s == YM_OK)
        s = state_change_add(sdb, tenant, "incident.update", incident_id, now_ns);
    if (s != YM_OK) {
        state_db_rollback(sdb);
        return s;
    }
    if ((s = state_db_commit(sdb)) != YM_OK)
        return s;
    if (first)
        *first = is_first;
    if (breached)
        *breached = late;
    return YM_OK;
}

enum ym_status state_notify_release_held(struct state_db *sdb, int64_t now_ns, unsigned *released)
{
    /* Asked every second: look first (a read), write only when there is
     * something to release, so that an idle notify thread does not take
     * the store's write lock each time. */
#define ACKED_HELD                                                                          \
    " WHERE state = 'held' AND EXISTS (SELECT 1 FROM incidents i"                           \
    "  WHERE i.id = notifications.incident_id AND i.status <> 'new')"
    if (released)
        *released = 0;
    sqlite3_stmt *st;
    enum ym_status s = prepare(sdb, 0, "SELECT EXISTS (SELECT 1 FROM notifications" ACKED_HELD ")",
                               &st, "read held notifications");
    if (s != YM_OK)
        return s;
    int rc = sqlite3_step(st);
    int any = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return state_sql_fail(state_db_sqlite(sdb), "read held notifications");
    if (!any)
        return YM_OK;
    s = prepare(sdb, 1, "UPDATE notifications SET state = 'pending', next_ns = ?1" ACKED_HELD, &st,
                "release held notifications");
#undef ACKED_HELD
    if (s != YM_OK)
        return s;
    sqlite3_bind_int64(st, 1, now_ns);
    if ((s = run(sdb, st, "release held notifications")) != YM_OK)
        return s;
    if (released)
        *released = (unsigned)sqlite3_changes(state_db_sqlite(sdb));
    return YM_OK;
}

enum ym_status state_notify_digest_done(struct state_db *sdb, const char *tenant, int64_t up_to_ns,
                                        int64_t now_ns)
{
    sqlite3_stmt *st;
    enum ym_status s = prepare(sdb, 1,
                               "UPDATE notifications SET state = 'sent', done_ns = ?3"
                               " WHERE tenant = ?1 AND state = 'digest' AND created_ns <= ?2",
                               &st, "settle digest");
    if (s != YM_OK)
        return s;
    sqlite3_bind_text(st, 1, state_sql_or_empty(tenant), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, up_to_ns);
    sqlite3_bind_int64(st, 3, now_ns);
    return run(sdb, st, "settle digest");
}

enum ym_status state_notify_digest_needed(struct state_db *sdb, const char *tenant,
                                          int64_t period_start_ns, int *needed)
{
    sqlite3_stmt *st;
    enum ym_status s = prepare(sdb, 0,
                               "SELECT EXISTS (SELECT 1 FROM notifications WHERE tenant = ?1"
                               "  AND state = 'digest' AND created_ns < ?2)"
                               " AND NOT EXISTS (SELECT 1 FROM notifications WHERE tenant = ?1"
                               "  AND incident_id IS NULL AND reason = 'digest'"
                               "  AND created_ns >= ?2)",
                               &st, "read digest state");
    if (s != YM_OK)
        return s;
    sqlite3_bind_text(st, 1, state_sql_or_empty(tenant), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, period_start_ns);
    int rc = sqlite3_step(st);
    *needed = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? YM_OK : state_sql_fail(state_db_sqlite(sdb), "read digest state");
}
