/* state_incidents: the schema of events, incidents, their timeline,
 * suppressions and rule overrides, and the incidents with their timeline
 * (see state_incidents.h).
 *
 * Invariants:
 *  1. A call that writes several rows runs inside a savepoint, so it is
 *     atomic alone and nests inside a caller's state_db_begin.
 *  2. Every status change goes through refusal() below: the life cycle of
 *     the header is written down once.
 * Events are in state_events.c, suppressions and rule overrides in
 * state_tuning.c. */
#include "state/state_incidents.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/ym_buf.h"
#include "core/ym_log.h"
#include "core/ym_time.h"
#include "state/state_audit.h"
#include "state/state_db_internal.h"

const char state_incidents_sql_v3[] =
    /* Detections aggregated by key inside a window (triage). */
    "CREATE TABLE events (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL,"
    "  rule_id TEXT NOT NULL, title TEXT NOT NULL, level TEXT NOT NULL,"
    "  severity TEXT NOT NULL,"           /* emergency|critical|warning|informational */
    "  reason TEXT NOT NULL DEFAULT '',"  /* why this severity */
    "  agg_key TEXT NOT NULL, device TEXT NOT NULL DEFAULT '',"
    "  source_ip TEXT NOT NULL DEFAULT '', destination_ip TEXT NOT NULL DEFAULT '',"
    "  count INTEGER NOT NULL, suppressed INTEGER NOT NULL DEFAULT 0,"
    "  suppression_id INTEGER, first_ns INTEGER NOT NULL, last_ns INTEGER NOT NULL,"
    "  window_end_ns INTEGER NOT NULL, incident_id INTEGER,"
    "  distinct_json TEXT NOT NULL DEFAULT '{}',"  /* {"field": ["value", ...]} */
    "  samples_json TEXT NOT NULL DEFAULT '[]');"  /* archive references + raw text */
    "CREATE INDEX events_tenant_last ON events (tenant, last_ns);"
    "CREATE INDEX events_last ON events (last_ns);"
    "CREATE INDEX events_incident ON events (incident_id);"
    "CREATE TABLE incidents (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL,"
    "  title TEXT NOT NULL, severity TEXT NOT NULL, status TEXT NOT NULL,"
    "  resolution TEXT NOT NULL DEFAULT '', assignee TEXT NOT NULL DEFAULT '',"
    "  rule_id TEXT NOT NULL, source_ip TEXT NOT NULL DEFAULT '',"
    "  destination_ip TEXT NOT NULL DEFAULT '', response TEXT NOT NULL DEFAULT '',"
    "  created_ns INTEGER NOT NULL, updated_ns INTEGER NOT NULL,"
    "  first_detection_ns INTEGER NOT NULL, sla_due_ns INTEGER, notified_ns INTEGER,"
    "  sla_breached INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX incidents_tenant ON incidents (tenant, created_ns);"
    "CREATE INDEX incidents_status ON incidents (status, created_ns);"
    "CREATE INDEX incidents_sla ON incidents (sla_due_ns) WHERE notified_ns IS NULL"
    "  AND sla_breached = 0;"
    "CREATE TABLE timeline (id INTEGER PRIMARY KEY, incident_id INTEGER NOT NULL,"
    "  tenant TEXT NOT NULL, time_ns INTEGER NOT NULL,"
    "  kind TEXT NOT NULL,"  /* detection|promotion|status|notification|comment|action */
    "  actor TEXT NOT NULL DEFAULT '',"
    "  visibility TEXT NOT NULL DEFAULT 'customer',"  /* customer | internal */
    "  text TEXT NOT NULL);"
    "CREATE INDEX timeline_incident ON timeline (incident_id, time_ns);"
    "CREATE TABLE suppressions (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL,"
    "  rule_id TEXT NOT NULL DEFAULT '',"       /* '' = any rule */
    "  conditions TEXT NOT NULL DEFAULT '',"    /* field conditions, as written */
    "  reason TEXT NOT NULL, author TEXT NOT NULL, created_ns INTEGER NOT NULL,"
    "  expires_ns INTEGER, deleted_ns INTEGER, hits INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE rule_overrides (tenant TEXT NOT NULL, rule_id TEXT NOT NULL,"
    "  enabled INTEGER NOT NULL DEFAULT 1, threshold INTEGER,"
    "  author TEXT NOT NULL, updated_ns INTEGER NOT NULL,"
    "  PRIMARY KEY (tenant, rule_id)) WITHOUT ROWID;"
    /* One row: grows with every change of suppressions or overrides. */
    "CREATE TABLE tuning (gen INTEGER NOT NULL);"
    "INSERT INTO tuning VALUES (0);";

/* ---- names ---- */

static const char *const sev_names[] = {"informational", "warning", "critical", "emergency"};
static const char *const status_names[] = {"new",      "acknowledged", "notified",
                                           "responding", "resolved",   "closed"};
static const char *const res_names[] = {"", "true_positive", "false_positive", "benign"};
static const char *const kind_names[] = {"detection",    "promotion", "status",
                                         "notification", "comment",   "action"};
static const char *const vis_names[] = {"customer", "internal"};
#define NAMES(a) (sizeof a / sizeof a[0])

static int parse_name(const char *const *names, size_t n, const char *s, int *out)
{
    if (!s)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(s, names[i]) == 0) {
            *out = (int)i;
            return 0;
        }
    return -1;
}

static const char *name_of(const char *const *names, size_t n, int v)
{
    return v >= 0 && (size_t)v < n ? names[v] : "unknown";
}

#define NAME_FUNCS(fn_name, fn_parse, type, table)                                             \
    const char *fn_name(type v) { return name_of(table, NAMES(table), (int)v); }               \
    int fn_parse(const char *s, type *out)                                                     \
    {                                                                                          \
        int v;                                                                                 \
        if (parse_name(table, NAMES(table), s, &v) != 0)                                       \
            return -1;                                                                         \
        *out = (type)v;                                                                        \
        return 0;                                                                              \
    }
NAME_FUNCS(state_severity_name, state_severity_parse, enum state_severity, sev_names)
NAME_FUNCS(state_status_name, state_status_parse, enum state_status, status_names)
NAME_FUNCS(state_resolution_name, state_resolution_parse, enum state_resolution, res_names)
NAME_FUNCS(state_timeline_kind_name, state_timeline_kind_parse, enum state_timeline_kind,
           kind_names)
NAME_FUNCS(state_visibility_name, state_visibility_parse, enum state_visibility, vis_names)

/* A stored name back to its enum value; unknown text (a newer yamori wrote
 * it) reads as the first value rather than failing the whole list. */
static int stored(const char *const *names, size_t n, const char *s)
{
    int v = 0;
    return parse_name(names, n, s, &v) == 0 ? v : 0;
}

/* ---- helpers ---- */

const char *state_actor_name(const struct state_actor *a)
{
    return a && a->name && *a->name ? a->name : "yamori";
}

enum ym_status state_actor_audit(struct state_db *sdb, const struct state_actor *a,
                                 const char *tenant, const char *action, const char *object,
                                 const char *detail, int64_t now_ns)
{
    if (!a || !a->name)
        return YM_OK;
    struct state_audit_entry e = {
        .time_ns = now_ns, .actor = a->name, .role = a->role, .tenant = tenant,
        .action = action, .object = object, .detail = detail, .address = a->address,
    };
    return state_audit_add(sdb, &e);
}

/* What the writers need to know about an incident before changing it. */
struct core {
    char tenant[128];
    enum state_severity severity;
    enum state_status status;
    enum state_resolution resolution;
    char assignee[128];
    int64_t notified_ns;
};

static enum ym_status load_core(sqlite3 *db, int64_t id, struct core *c)
{
    sqlite3_stmt *st;
    if (state_sql_prepare(db,
                "SELECT tenant, severity, status, resolution, assignee, coalesce(notified_ns, 0)"
                " FROM incidents WHERE id = ?1",
                &st, "read incident") != YM_OK)
        return YM_EDB;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(c->tenant, sizeof c->tenant, "%s", state_sql_text(st, 0));
        c->severity = stored(sev_names, NAMES(sev_names), state_sql_text(st, 1));
        c->status = stored(status_names, NAMES(status_names), state_sql_text(st, 2));
        c->resolution = stored(res_names, NAMES(res_names), state_sql_text(st, 3));
        snprintf(c->assignee, sizeof c->assignee, "%s", state_sql_text(st, 4));
        c->notified_ns = sqlite3_column_int64(st, 5);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return YM_OK;
    return rc == SQLITE_DONE ? YM_ENOTFOUND : state_sql_fail(db, "read incident");
}

static enum ym_status timeline_insert(sqlite3 *db, int64_t id, const char *tenant, int64_t now_ns,
                                      enum state_timeline_kind kind, const char *actor,
                                      enum state_visibility vis, const char *text, int64_t *out)
{
    sqlite3_stmt *st;
    if (state_sql_prepare(db,
                "INSERT INTO timeline (incident_id, tenant, time_ns, kind, actor, visibility, text)"
                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                &st, "timeline") != YM_OK)
        return YM_EDB;
    sqlite3_bind_int64(st, 1, id);
    state_sql_bind_str(st, 2, tenant);
    sqlite3_bind_int64(st, 3, now_ns);
    state_sql_bind_str(st, 4, state_timeline_kind_name(kind));
    state_sql_bind_str(st, 5, actor);
    state_sql_bind_str(st, 6, state_visibility_name(vis));
    state_sql_bind_str(st, 7, text);
    enum ym_status s = state_sql_run(db, st, "timeline");
    if (s == YM_OK && out)
        *out = sqlite3_last_insert_rowid(db);
    return s;
}

/* Steps a prepared count(*) and finalizes it. */
static enum ym_status count_rows(sqlite3 *db, sqlite3_stmt *st, uint64_t *total)
{
    int rc = sqlite3_step(st);
    *total = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? YM_OK : state_sql_fail(db, "count");
}

/* ---- incidents ---- */

enum ym_status state_incident_create(struct state_db *sdb, struct state_incident *inc,
                                     const char *why, int64_t now_ns)
{
    if (!state_db_writable(sdb))
        return YM_EINVAL;
    sqlite3 *db = state_db_sqlite(sdb);
    if (!state_sql_savepoint(db))
        return state_sql_fail(db, "begin incident");
    sqlite3_stmt *st;
    enum ym_status s = state_sql_prepare(db,
                               "INSERT INTO incidents (tenant, title, severity, status, assignee,"
                               " rule_id, source_ip, destination_ip, response, created_ns,"
                               " updated_ns, first_detection_ns, sla_due_ns) VALUES (?1, ?2, ?3,"
                               " 'new', ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11)",
                               &st, "create incident");
    if (s == YM_OK) {
        state_sql_bind_str(st, 1, inc->tenant);
        state_sql_bind_str(st, 2, inc->title);
        state_sql_bind_str(st, 3, state_severity_name(inc->severity));
        state_sql_bind_str(st, 4, inc->assignee);
        state_sql_bind_str(st, 5, inc->rule_id);
        state_sql_bind_str(st, 6, inc->source_ip);
        state_sql_bind_str(st, 7, inc->destination_ip);
        state_sql_bind_str(st, 8, inc->response);
        sqlite3_bind_int64(st, 9, now_ns);
        sqlite3_bind_int64(st, 10, inc->first_detection_ns ? inc->first_detection_ns : now_ns);
        state_sql_bind_opt_i64(st, 11, inc->sla_due_ns);
        s = state_sql_run(db, st, "create incident");
    }
    if (s == YM_OK) {
        inc->id = sqlite3_last_insert_rowid(db);
        inc->status = STATE_STATUS_NEW;
        inc->created_ns = inc->updated_ns = now_ns;
        s = timeline_insert(db, inc->id, inc->tenant, now_ns, STATE_TL_DETECTION, "yamori",
                            STATE_VIS_CUSTOMER, why && *why ? why : "incident opened", NULL);
    }
    if (s == YM_OK)
        s = state_change_add(sdb, inc->tenant, "incident.new", inc->id, now_ns);
    return state_sql_release(db, s);
}

#define INCIDENT_COLS                                                                          \
    "i.id, i.tenant, i.title, i.severity, i.status, i.resolution, i.assignee, i.rule_id,"     \
    " i.source_ip, i.destination_ip, i.response, i.created_ns, i.updated_ns,"                 \
    " i.first_detection_ns, coalesce(i.sla_due_ns, 0), coalesce(i.notified_ns, 0),"           \
    " i.sla_breached,"                                                                         \
    " (SELECT coalesce(sum(e.count), 0) FROM events e WHERE e.incident_id = i.id)"

static void read_incident(sqlite3_stmt *st, struct state_incident *inc)
{
    *inc = (struct state_incident){
        .id = sqlite3_column_int64(st, 0),
        .tenant = state_sql_text(st, 1),
        .title = state_sql_text(st, 2),
        .severity = stored(sev_names, NAMES(sev_names), state_sql_text(st, 3)),
        .status = stored(status_names, NAMES(status_names), state_sql_text(st, 4)),
        .resolution = stored(res_names, NAMES(res_names), state_sql_text(st, 5)),
        .assignee = state_sql_text(st, 6),
        .rule_id = state_sql_text(st, 7),
        .source_ip = state_sql_text(st, 8),
        .destination_ip = state_sql_text(st, 9),
        .response = state_sql_text(st, 10),
        .created_ns = sqlite3_column_int64(st, 11),
        .updated_ns = sqlite3_column_int64(st, 12),
        .first_detection_ns = sqlite3_column_int64(st, 13),
        .sla_due_ns = sqlite3_column_int64(st, 14),
        .notified_ns = sqlite3_column_int64(st, 15),
        .sla_breached = sqlite3_column_int(st, 16),
        .detections = (uint64_t)sqlite3_column_int64(st, 17),
    };
}

enum ym_status state_incident_get(struct state_db *sdb, int64_t id, state_incident_fn fn,
                                  void *arg)
{
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    if (state_sql_prepare(db, "SELECT " INCIDENT_COLS " FROM incidents i WHERE i.id = ?1", &st,
                "read incident") != YM_OK)
        return YM_EDB;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        struct state_incident inc;
        read_incident(st, &inc);
        fn(arg, &inc);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return YM_OK;
    return rc == SQLITE_DONE ? YM_ENOTFOUND : state_sql_fail(db, "read incident");
}

/* " AND i.status IN ('new','notified')" from a mask of our own names. */
static void mask_clause(struct ym_buf *b, const char *col, unsigned mask,
                        const char *const *names, size_t n)
{
    unsigned all = (1u << n) - 1;
    if (!(mask & all) || (mask & all) == all)
        return;
    ym_buf_printf(b, " AND %s IN (", col);
    int first = 1;
    for (size_t i = 0; i < n; i++)
        if (mask & (1u << i)) {
            ym_buf_printf(b, "%s'%s'", first ? "" : ",", names[i]);
            first = 0;
        }
    ym_buf_addc(b, ')');
}

static void incident_where(struct ym_buf *b, const struct state_incident_filter *f)
{
    ym_buf_adds(b, " WHERE (?1 IS NULL OR i.tenant = ?1) AND (?2 IS NULL OR i.assignee = ?2)"
                   " AND (?3 = 0 OR i.created_ns >= ?3) AND (?4 = 0 OR i.created_ns < ?4)");
    mask_clause(b, "i.status", f->status_mask, status_names, NAMES(status_names));
    mask_clause(b, "i.severity", f->severity_mask, sev_names, NAMES(sev_names));
}

static void bind_incident_filter(sqlite3_stmt *st, const struct state_incident_filter *f)
{
    if (f->tenant)
        sqlite3_bind_text(st, 1, f->tenant, -1, SQLITE_STATIC);
    if (f->assignee)
        sqlite3_bind_text(st, 2, f->assignee, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, f->from_ns);
    sqlite3_bind_int64(st, 4, f->to_ns);
}

enum ym_status state_incidents_each(struct state_db *sdb, const struct state_incident_filter *f,
                                    state_incident_fn fn, void *arg, uint64_t *total)
{
    static const struct state_incident_filter all;
    if (!f)
        f = &all;
    sqlite3 *db = state_db_sqlite(sdb);
    struct ym_buf where = YM_BUF_INIT, sql = YM_BUF_INIT;
    incident_where(&where, f);
    sqlite3_stmt *st;
    enum ym_status s = YM_OK;
    if (total) {
        ym_buf_printf(&sql, "SELECT count(*) FROM incidents i%s", where.data);
        s = state_sql_prepare(db, sql.data, &st, "count incidents");
        if (s == YM_OK) {
            bind_incident_filter(st, f);
            s = count_rows(db, st, total);
        }
    }
    ym_buf_clear(&sql);
    ym_buf_printf(&sql,
                  "SELECT " INCIDENT_COLS " FROM incidents i%s ORDER BY i.created_ns DESC,"
                  " i.id DESC LIMIT ?5 OFFSET ?6",
                  where.data);
    if (s == YM_OK)
        s = state_sql_prepare(db, sql.data, &st, "read incidents");
    ym_buf_free(&where);
    ym_buf_free(&sql);
    if (s != YM_OK)
        return s;
    bind_incident_filter(st, f);
    sqlite3_bind_int64(st, 5, f->limit ? (int64_t)f->limit : -1);
    sqlite3_bind_int64(st, 6, (int64_t)f->offset);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct state_incident inc;
        read_incident(st, &inc);
        if (fn(arg, &inc)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? YM_OK : state_sql_fail(db, "read incidents");
}

enum ym_status state_incidents_summary(struct state_db *sdb, const char *tenant,
                                       struct state_incident_summary *out)
{
    memset(out, 0, sizeof *out);
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    if (state_sql_prepare(db,
                "SELECT severity, status, count(*), sum(sla_breached) FROM incidents"
                " WHERE (?1 IS NULL OR tenant = ?1) GROUP BY severity, status",
                &st, "incident summary") != YM_OK)
        return YM_EDB;
    if (tenant)
        sqlite3_bind_text(st, 1, tenant, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int sev = stored(sev_names, NAMES(sev_names), state_sql_text(st, 0));
        int stat = stored(status_names, NAMES(status_names), state_sql_text(st, 1));
        out->by[sev][stat] += (uint64_t)sqlite3_column_int64(st, 2);
        out->sla_breached += (uint64_t)sqlite3_column_int64(st, 3);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? YM_OK : state_sql_fail(db, "incident summary");
}

/* One UPDATE of an incident's column(s) plus a timeline entry, the change
 * feed and the audit trail, in one savepoint. sql binds ?1 = id, ?2 = now,
 * ?3 = text value, ?4 = integer value. */
struct incident_write {
    const char *sql;             /* NULL = no update (timeline only) */
    const char *text_value;
    int64_t int_value;
    enum state_timeline_kind kind;
    enum state_visibility vis;
    const char *timeline_text;   /* NULL = no timeline entry */
    const char *change;          /* change feed kind */
    const char *audit_action;    /* NULL = not audited */
    const char *audit_detail;
    int64_t *entry_id;
};

static enum ym_status incident_write(struct state_db *sdb, int64_t id, const struct core *c,
                                     const struct incident_write *w,
                                     const struct state_actor *actor, int64_t now_ns)
{
    sqlite3 *db = state_db_sqlite(sdb);
    if (!state_sql_savepoint(db))
        return state_sql_fail(db, "begin incident change");
    sqlite3_stmt *st;
    enum ym_status s = YM_OK;
    if (w->sql) {
        s = state_sql_prepare(db, w->sql, &st, "change incident");
        if (s == YM_OK) {
            sqlite3_bind_int64(st, 1, id);
            sqlite3_bind_int64(st, 2, now_ns);
            state_sql_bind_str(st, 3, w->text_value);
            sqlite3_bind_int64(st, 4, w->int_value);
            s = state_sql_run(db, st, "change incident");
        }
    } else {
        s = state_sql_prepare(db, "UPDATE incidents SET updated_ns = ?2 WHERE id = ?1", &st,
                    "change incident");
        if (s == YM_OK) {
            sqlite3_bind_int64(st, 1, id);
            sqlite3_bind_int64(st, 2, now_ns);
            s = state_sql_run(db, st, "change incident");
        }
    }
    if (s == YM_OK && w->timeline_text)
        s = timeline_insert(db, id, c->tenant, now_ns, w->kind, state_actor_name(actor), w->vis,
                            w->timeline_text, w->entry_id);
    if (s == YM_OK)
        s = state_change_add(sdb, c->tenant, w->change, id, now_ns);
    if (s == YM_OK && w->audit_action) {
        char object[64];
        snprintf(object, sizeof object, "incident:%lld", (long long)id);
        s = state_actor_audit(sdb, actor, c->tenant, w->audit_action, object, w->audit_detail, now_ns);
    }
    return state_sql_release(db, s);
}

enum ym_status state_incident_set_severity(struct state_db *sdb, int64_t id,
                                           enum state_severity sev, const char *why,
                                           int64_t sla_due_ns, const struct state_actor *actor,
                                           int64_t now_ns)
{
    if (!state_db_writable(sdb) || (unsigned)sev >= STATE_SEV_COUNT)
        return YM_EINVAL;
    struct core c;
    enum ym_status s = load_core(state_db_sqlite(sdb), id, &c);
    if (s != YM_OK || c.severity == sev)
        return s;
    int up = sev > c.severity;
    char text[1024], detail[64];
    snprintf(text, sizeof text, "%s %s to %s%s%s", up ? "promoted" : "severity lowered",
             state_severity_name(c.severity), state_severity_name(sev), why && *why ? ": " : "",
             why ? why : "");
    snprintf(detail, sizeof detail, "%s -> %s", state_severity_name(c.severity),
             state_severity_name(sev));
    struct incident_write w = {
        .sql = "UPDATE incidents SET severity = ?3, updated_ns = ?2,"
               " sla_due_ns = CASE WHEN ?4 > 0 THEN ?4 ELSE sla_due_ns END WHERE id = ?1",
        .text_value = state_severity_name(sev),
        .int_value = sla_due_ns,
        .kind = up ? STATE_TL_PROMOTION : STATE_TL_ACTION,
        .timeline_text = text,
        .change = "incident.update",
        .audit_action = "incident.severity",
        .audit_detail = detail,
    };
    return incident_write(sdb, id, &c, &w, actor, now_ns);
}

/* The life cycle of the header. NULL = allowed; else why not. */
static const char *refusal(enum state_status from, enum state_status to,
                           enum state_resolution have, enum state_resolution given, char *buf,
                           size_t len)
{
    const char *f = state_status_name(from), *t = state_status_name(to);
    if ((unsigned)to >= STATE_STATUS_COUNT)
        return "unknown status";
    if (from == to)
        snprintf(buf, len, "the incident is already %s", f);
    else if (from == STATE_STATUS_CLOSED || (from == STATE_STATUS_RESOLVED &&
                                              to != STATE_STATUS_CLOSED))
        snprintf(buf, len, "cannot go from %s to %s: reopen it first", f, t);
    else if (to < from && to != STATE_STATUS_CLOSED)
        snprintf(buf, len, "cannot go back from %s to %s", f, t);
    else if (given != STATE_RES_NONE && to != STATE_STATUS_RESOLVED && to != STATE_STATUS_CLOSED)
        snprintf(buf, len, "a resolution goes only with resolved or closed, not %s", t);
    else if ((to == STATE_STATUS_RESOLVED || to == STATE_STATUS_CLOSED) &&
             given == STATE_RES_NONE && have == STATE_RES_NONE)
        snprintf(buf, len, "%s needs a resolution: true_positive, false_positive or benign", t);
    else
        return NULL;
    return buf;
}

enum ym_status state_incident_set_status(struct state_db *sdb, int64_t id, enum state_status to,
                                         enum state_resolution res, const char *note,
                                         const struct state_actor *actor, int64_t now_ns,
                                         struct ym_error *err)
{
    if (!state_db_writable(sdb))
        return YM_EINVAL;
    struct core c;
    enum ym_status s = load_core(state_db_sqlite(sdb), id, &c);
    if (s != YM_OK)
        return s;
    char why[256];
    const char *no = refusal(c.status, to, c.resolution, res, why, sizeof why);
    if (no) {
        if (err)
            ym_error_set(err, "incident", 0, 0, "%s", no);
        return YM_EINVAL;
    }
    enum state_resolution keep = res != STATE_RES_NONE ? res : c.resolution;
    char text[1024], detail[128];
    int resolving = to == STATE_STATUS_RESOLVED || to == STATE_STATUS_CLOSED;
    snprintf(detail, sizeof detail, "%s -> %s%s%s", state_status_name(c.status),
             state_status_name(to), resolving ? " " : "",
             resolving ? state_resolution_name(keep) : "");
    snprintf(text, sizeof text, "status %s%s%s", detail, note && *note ? ": " : "",
             note ? note : "");
    struct incident_write w = {
        /* an analyst who told the customer (phone, ticket) stops the SLA clock too */
        .sql = "UPDATE incidents SET status = ?3, updated_ns = ?2, resolution = CASE ?4"
               " WHEN 0 THEN resolution WHEN 1 THEN 'true_positive' WHEN 2 THEN 'false_positive'"
               " ELSE 'benign' END, notified_ns = CASE WHEN ?3 = 'notified'"
               " THEN coalesce(notified_ns, ?2) ELSE notified_ns END WHERE id = ?1",
        .text_value = state_status_name(to),
        .int_value = resolving ? (int64_t)keep : 0,
        .kind = STATE_TL_STATUS,
        .timeline_text = text,
        .change = "incident.update",
        .audit_action = "incident.status",
        .audit_detail = detail,
    };
    return incident_write(sdb, id, &c, &w, actor, now_ns);
}

enum ym_status state_incident_reopen(struct state_db *sdb, int64_t id, const char *note,
                                     const struct state_actor *actor, int64_t now_ns,
                                     struct ym_error *err)
{
    if (!state_db_writable(sdb))
        return YM_EINVAL;
    struct core c;
    enum ym_status s = load_core(state_db_sqlite(sdb), id, &c);
    if (s != YM_OK)
        return s;
    if (c.status != STATE_STATUS_RESOLVED && c.status != STATE_STATUS_CLOSED) {
        if (err)
            ym_error_set(err, "incident", 0, 0,
                         "only a resolved or closed incident can be reopened; this one is %s",
                         state_status_name(c.status));
        return YM_EINVAL;
    }
    char text[1024], detail[64];
    snprintf(detail, sizeof detail, "%s -> acknowledged (reopened)", state_status_name(c.status));
    snprintf(text, sizeof text, "reopened%s%s", note && *note ? ": " : "", note ? note : "");
    struct incident_write w = {
        .sql = "UPDATE incidents SET status = ?3, resolution = '', updated_ns = ?2 WHERE id = ?1",
        .text_value = "acknowledged",
        .kind = STATE_TL_STATUS,
        .timeline_text = text,
        .change = "incident.update",
        .audit_action = "incident.reopen",
        .audit_detail = detail,
    };
    return incident_write(sdb, id, &c, &w, actor, now_ns);
}

enum ym_status state_incident_assign(struct state_db *sdb, int64_t id, const char *assignee,
                                     const struct state_actor *actor, int64_t now_ns)
{
    if (!state_db_writable(sdb))
        return YM_EINVAL;
    struct core c;
    enum ym_status s = load_core(state_db_sqlite(sdb), id, &c);
    if (s != YM_OK)
        return s;
    char text[512], detail[300];
    assignee = state_sql_or_empty(assignee);
    if (*assignee)
        snprintf(text, sizeof text, "assigned to %s", assignee);
    else
        snprintf(text, sizeof text, "unassigned");
    snprintf(detail, sizeof detail, "'%s' -> '%s'", c.assignee, assignee);
    struct incident_write w = {
        .sql = "UPDATE incidents SET assignee = ?3, updated_ns = ?2 WHERE id = ?1",
        .text_value = assignee,
        .kind = STATE_TL_ACTION,
        .vis = STATE_VIS_INTERNAL,
        .timeline_text = text,
        .change = "incident.update",
        .audit_action = "incident.assign",
        .audit_detail = detail,
    };
    return incident_write(sdb, id, &c, &w, actor, now_ns);
}

enum ym_status state_incident_comment(struct state_db *sdb, int64_t id, enum state_visibility vis,
                                      const char *text, const struct state_actor *actor,
                                      int64_t now_ns, int64_t *entry_id)
{
    if (!state_db_writable(sdb) || !text || !*text || (unsigned)vis > STATE_VIS_INTERNAL)
        return YM_EINVAL;
    struct core c;
    enum ym_status s = load_core(state_db_sqlite(sdb), id, &c);
    if (s != YM_OK)
        return s;
    struct incident_write w = {
        .kind = STATE_TL_COMMENT,
        .vis = vis,
        .timeline_text = text,
        .change = "incident.comment",
        .audit_action = "incident.comment",
        .audit_detail = state_visibility_name(vis),
        .entry_id = entry_id,
    };
    return incident_write(sdb, id, &c, &w, actor, now_ns);
}

enum ym_status state_incident_timeline_add(struct state_db *sdb, int64_t id,
                                           enum state_timeline_kind kind,
                                           enum state_visibility vis, const char *text,
                                           const struct state_actor *actor, int64_t now_ns)
{
    if (!state_db_writable(sdb) || !text || (unsigned)kind > STATE_TL_ACTION ||
        (unsigned)vis > STATE_VIS_INTERNAL)
        return YM_EINVAL;
    struct core c;
    enum ym_status s = load_core(state_db_sqlite(sdb), id, &c);
    if (s != YM_OK)
        return s;
    struct incident_write w = {
        .kind = kind,
        .vis = vis,
        .timeline_text = text,
        .change = kind == STATE_TL_COMMENT ? "incident.comment" : "incident.update",
        .audit_action = kind == STATE_TL_ACTION ? "incident.action" : NULL,
        .audit_detail = text,
    };
    return incident_write(sdb, id, &c, &w, actor, now_ns);
}

enum ym_status state_incident_notified(struct state_db *sdb, int64_t id, const char *text,
                                       int64_t now_ns)
{
    if (!state_db_writable(sdb))
        return YM_EINVAL;
    struct core c;
    enum ym_status s = load_core(state_db_sqlite(sdb), id, &c);
    if (s != YM_OK)
        return s;
    struct incident_write w = {
        .sql = "UPDATE incidents SET notified_ns = coalesce(notified_ns, ?2), updated_ns = ?2,"
               " status = CASE WHEN status IN ('new', 'acknowledged') THEN 'notified'"
               " ELSE status END WHERE id = ?1",
        .kind = STATE_TL_NOTIFICATION,
        .timeline_text = text && *text ? text : "customer notified",
        .change = "incident.update",
    };
    return incident_write(sdb, id, &c, &w, NULL, now_ns);
}

enum ym_status state_incidents_mark_sla(struct state_db *sdb, int64_t now_ns, uint64_t *marked)
{
    if (marked)
        *marked = 0;
    if (!state_db_writable(sdb))
        return YM_EINVAL;
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    if (state_sql_prepare(db,
                "SELECT id, sla_due_ns FROM incidents WHERE notified_ns IS NULL"
                " AND sla_breached = 0 AND sla_due_ns IS NOT NULL AND sla_due_ns <= ?1"
                " ORDER BY id LIMIT 256",
                &st, "sla") != YM_OK)
        return YM_EDB;
    sqlite3_bind_int64(st, 1, now_ns);
    int64_t ids[256], due[256];
    size_t n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < 256) {
        ids[n] = sqlite3_column_int64(st, 0);
        due[n++] = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return state_sql_fail(db, "sla");
    for (size_t i = 0; i < n; i++) {
        struct core c;
        enum ym_status s = load_core(db, ids[i], &c);
        if (s != YM_OK)
            return s;
        char due_text[40], text[128];
        ym_time_format_rfc3339(due[i], due_text, sizeof due_text);
        snprintf(text, sizeof text, "SLA breached: the customer was not notified by %s",
                 due_text);
        struct incident_write w = {
            .sql = "UPDATE incidents SET sla_breached = 1, updated_ns = ?2 WHERE id = ?1",
            .kind = STATE_TL_ACTION,
            .vis = STATE_VIS_INTERNAL,
            .timeline_text = text,
            .change = "incident.update",
        };
        s = incident_write(sdb, ids[i], &c, &w, NULL, now_ns);
        if (s != YM_OK)
            return s;
        if (marked)
            (*marked)++;
    }
    return YM_OK;
}

enum ym_status state_timeline_each(struct state_db *sdb, int64_t incident_id, int include_internal,
                                   state_timeline_fn fn, void *arg)
{
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    if (state_sql_prepare(db,
                "SELECT id, incident_id, tenant, time_ns, kind, actor, visibility, text"
                " FROM timeline WHERE incident_id = ?1 AND (?2 OR visibility = 'customer')"
                " ORDER BY time_ns, id",
                &st, "read timeline") != YM_OK)
        return YM_EDB;
    sqlite3_bind_int64(st, 1, incident_id);
    sqlite3_bind_int(st, 2, include_internal ? 1 : 0);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct state_timeline_entry e = {
            .id = sqlite3_column_int64(st, 0),
            .incident_id = sqlite3_column_int64(st, 1),
            .tenant = state_sql_text(st, 2),
            .time_ns = sqlite3_column_int64(st, 3),
            .kind = stored(kind_names, NAMES(kind_names), state_sql_text(st, 4)),
            .actor = state_sql_text(st, 5),
            .visibility = stored(vis_names, NAMES(vis_names), state_sql_text(st, 6)),
            .text = state_sql_text(st, 7),
        };
        if (fn(arg, &e)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? YM_OK : state_sql_fail(db, "read timeline");
}
