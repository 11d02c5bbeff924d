/* state_db: SQLite backend of the state store (see state_db.h).
 *
 * Invariants:
 *  1. Only the writer changes the schema; it does so in one transaction per
 *     migration, so a reader sees either the old or the new version.
 *  2. An unknown sender's logs = sum over writer sessions of the last count
 *     each session reported (column session_logs holds the current
 *     session's share, so a repeated put replaces it instead of adding). */
#include "state/state_db.h"
#include "state/state_db_internal.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/ym_alloc.h"
#include "core/ym_log.h"
#include "core/ym_time.h"

#define BUSY_TIMEOUT_MS 5000

struct state_db {
    sqlite3 *db;
    enum state_db_mode mode;
    int version;
    int64_t session;        /* writer session id (sessions.id); 0 for readers */
    sqlite3_stmt *counter_set;
    sqlite3_stmt *unknown_put;
    sqlite3_stmt *minute_add;
    struct {                /* state_db_stmt: statements kept prepared */
        const char *sql;
        sqlite3_stmt *st;
    } kept[STATE_DB_KEPT_MAX];
};

/* Migration N brings the schema from version N-1 to N. Never edit one that
 * has shipped: add the next. */
static const char *const migrations[] = {
    /* 1: counters, unknown senders, per-minute counts, writer sessions. */
    "CREATE TABLE sessions (id INTEGER PRIMARY KEY, started_ns INTEGER NOT NULL);"
    "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL,"
    "  updated_ns INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE unknown_senders (tenant TEXT NOT NULL, device TEXT NOT NULL,"
    "  address TEXT NOT NULL, hostname TEXT NOT NULL DEFAULT '',"
    "  first_seen_ns INTEGER NOT NULL, last_seen_ns INTEGER NOT NULL,"
    "  logs INTEGER NOT NULL DEFAULT 0, session INTEGER NOT NULL DEFAULT 0,"
    "  session_logs INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (tenant, device, address)) WITHOUT ROWID;"
    "CREATE INDEX unknown_senders_last ON unknown_senders (last_seen_ns);"
    "CREATE TABLE minute_counts (minute_ns INTEGER NOT NULL, tenant TEXT NOT NULL,"
    "  device TEXT NOT NULL, logs INTEGER NOT NULL,"
    "  PRIMARY KEY (minute_ns, tenant, device)) WITHOUT ROWID;",
    /* 2: logs per device and minute that no decoder fully read. */
    "ALTER TABLE minute_counts ADD COLUMN parse_errors INTEGER NOT NULL DEFAULT 0;",
    /* 3: events, incidents and their timeline, suppressions (triage);
     * notification outbox (notify); users, sessions, API tokens (portal);
     * audit trail and change feed. Each module owns its part of the SQL
     * (state_db_internal.h); they run here in this order. */
    NULL,
};
static const char *const *const migration_parts[] = {
    [2] = (const char *const[]){state_audit_sql_v3, state_incidents_sql_v3, state_notify_sql_v3,
                                state_users_sql_v3, NULL},
};
#define MIGRATION_COUNT ((int)(sizeof migrations / sizeof migrations[0]))
_Static_assert(MIGRATION_COUNT == STATE_DB_SCHEMA_VERSION, "one migration per schema version");

static enum ym_status db_fail(struct state_db *s, struct ym_error *err, const char *what)
{
    const char *msg = s && s->db ? sqlite3_errmsg(s->db) : "cannot open";
    if (err)
        ym_error_set(err, "state.db", 0, 0, "%s: %s", what, msg);
    else
        ym_log(YM_LOG_ERROR, "state.db: %s: %s", what, msg);
    return YM_EDB;
}

static int exec(struct state_db *s, const char *sql)
{
    return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK;
}

static int read_version(struct state_db *s, int *version)
{
    sqlite3_stmt *st;
    *version = 0;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT count(*) FROM sqlite_master WHERE name = 'schema_version'", -1,
                           &st, NULL) != SQLITE_OK)
        return 0;
    int has = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
    sqlite3_finalize(st);
    if (!has)
        return 1;
    if (sqlite3_prepare_v2(s->db, "SELECT max(version) FROM schema_version", -1, &st, NULL) !=
        SQLITE_OK)
        return 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        *version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return 1;
}

static enum ym_status migrate(struct state_db *s, struct ym_error *err)
{
    if (!exec(s, "BEGIN IMMEDIATE"))
        return db_fail(s, err, "begin migration");
    if (!exec(s, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL,"
                 " applied_ns INTEGER NOT NULL)") ||
        !read_version(s, &s->version))
        goto fail;
    if (s->version > STATE_DB_SCHEMA_VERSION) {
        exec(s, "ROLLBACK");
        ym_error_set(err, "state.db", 0, 0,
                     "schema version %d is newer than this yamori knows (%d): upgrade yamori",
                     s->version, STATE_DB_SCHEMA_VERSION);
        return YM_EINVAL;
    }
    for (int v = s->version + 1; v <= MIGRATION_COUNT; v++) {
        if (migrations[v - 1]) {
            if (!exec(s, migrations[v - 1]))
                goto fail;
        } else {
            for (const char *const *part = migration_parts[v - 1]; *part; part++)
                if (!exec(s, *part))
                    goto fail;
        }
        char sql[128];
        snprintf(sql, sizeof sql, "INSERT INTO schema_version VALUES (%d, %lld)", v,
                 (long long)ym_time_now_ns());
        if (!exec(s, sql))
            goto fail;
        if (s->version)
            ym_log(YM_LOG_INFO, "state.db: schema migrated to version %d", v);
        s->version = v;
    }
    char sql[128];
    snprintf(sql, sizeof sql, "INSERT INTO sessions (started_ns) VALUES (%lld)",
             (long long)ym_time_now_ns());
    if (!exec(s, sql))
        goto fail;
    s->session = sqlite3_last_insert_rowid(s->db);
    if (!exec(s, "COMMIT"))
        goto fail;
    return YM_OK;
fail:;
    enum ym_status st = db_fail(s, err, "schema migration");
    exec(s, "ROLLBACK");
    return st;
}

static int prepare(struct state_db *s, sqlite3_stmt **st, const char *sql)
{
    return sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) == SQLITE_OK;
}

enum ym_status state_db_open(const char *data_dir, enum state_db_mode mode,
                             struct state_db **out, struct ym_error *err)
{
    char *path = ym_xasprintf("%s/state.db", data_dir);
    struct state_db *s = ym_xcalloc(1, sizeof *s);
    s->mode = mode;
    enum ym_status st = YM_OK;
    if (mode == STATE_DB_READER) {
        struct stat sb;
        if (stat(path, &sb) != 0) {
            ym_error_set(err, path, 0, 0, "no state store yet (has `yamori serve` run with this data directory?)");
            st = YM_ENOTFOUND;
            goto out;
        }
    }
    int flags = mode == STATE_DB_WRITER ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                                        : SQLITE_OPEN_READONLY;
    if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        if (err)
            ym_error_set(err, path, 0, 0, "cannot open: %s",
                         s->db ? sqlite3_errmsg(s->db) : strerror(errno));
        st = mode == STATE_DB_WRITER ? YM_EIO : YM_EDB;
        goto out;
    }
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    if (mode == STATE_DB_WRITER) {
        /* Counters are rebuilt every second: NORMAL is durable enough and
         * keeps housekeeping off the fsync path. */
        if (!exec(s, "PRAGMA journal_mode=WAL") || !exec(s, "PRAGMA synchronous=NORMAL")) {
            st = db_fail(s, err, "set WAL mode");
            goto out;
        }
        if ((st = migrate(s, err)) != YM_OK)
            goto out;
        if (!prepare(s, &s->counter_set,
                     "INSERT INTO counters (name, value, updated_ns) VALUES (?1, ?2, ?3)"
                     " ON CONFLICT(name) DO UPDATE SET value = excluded.value,"
                     " updated_ns = excluded.updated_ns") ||
            !prepare(s, &s->unknown_put,
                     "INSERT INTO unknown_senders (tenant, device, address, hostname,"
                     " first_seen_ns, last_seen_ns, logs, session, session_logs)"
                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7)"
                     " ON CONFLICT(tenant, device, address) DO UPDATE SET"
                     " hostname = CASE WHEN hostname = '' THEN excluded.hostname ELSE hostname END,"
                     " first_seen_ns = min(first_seen_ns, excluded.first_seen_ns),"
                     " last_seen_ns = max(last_seen_ns, excluded.last_seen_ns),"
                     " logs = CASE WHEN session = excluded.session"
                     "   THEN logs - session_logs + excluded.session_logs"
                     "   ELSE logs + excluded.session_logs END,"
                     " session = excluded.session, session_logs = excluded.session_logs") ||
            !prepare(s, &s->minute_add,
                     "INSERT INTO minute_counts (minute_ns, tenant, device, logs, parse_errors)"
                     " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(minute_ns, tenant, device)"
                     " DO UPDATE SET logs = logs + excluded.logs,"
                     " parse_errors = parse_errors + excluded.parse_errors")) {
            st = db_fail(s, err, "prepare statements");
            goto out;
        }
    } else {
        if (!read_version(s, &s->version)) {
            st = db_fail(s, err, "read schema version");
            goto out;
        }
        if (s->version > STATE_DB_SCHEMA_VERSION) {
            ym_error_set(err, path, 0, 0,
                         "schema version %d is newer than this yamori knows (%d): upgrade yamori",
                         s->version, STATE_DB_SCHEMA_VERSION);
            st = YM_EINVAL;
            goto out;
        }
        if (s->version < 1) {
            ym_error_set(err, path, 0, 0, "state store not initialised yet");
            st = YM_ENOTFOUND;
            goto out;
        }
    }
out:
    free(path);
    if (st != YM_OK) {
        state_db_close(s);
        return st;
    }
    *out = s;
    return YM_OK;
}

void state_db_close(struct state_db *s)
{
    if (!s)
        return;
    sqlite3_finalize(s->counter_set);
    sqlite3_finalize(s->unknown_put);
    sqlite3_finalize(s->minute_add);
    for (int i = 0; i < STATE_DB_KEPT_MAX; i++)
        sqlite3_finalize(s->kept[i].st);
    sqlite3_close(s->db);
    free(s);
}

int state_db_schema_version(struct state_db *s) { return s->version; }

sqlite3 *state_db_sqlite(struct state_db *s) { return s->db; }

sqlite3_stmt *state_db_stmt(struct state_db *s, const char *sql)
{
    int i = 0;
    while (i < STATE_DB_KEPT_MAX && s->kept[i].sql && s->kept[i].sql != sql)
        i++;
    if (i < STATE_DB_KEPT_MAX && s->kept[i].sql) {
        sqlite3_reset(s->kept[i].st);
        sqlite3_clear_bindings(s->kept[i].st);
        return s->kept[i].st;
    }
    sqlite3_stmt *st = NULL;
    if (i == STATE_DB_KEPT_MAX ||
        sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        return NULL;
    s->kept[i].sql = sql;
    s->kept[i].st = st;
    return st;
}
int state_db_writable(const struct state_db *s) { return s->mode == STATE_DB_WRITER; }

enum ym_status state_db_begin(struct state_db *s)
{
    return exec(s, "BEGIN IMMEDIATE") ? YM_OK : db_fail(s, NULL, "begin");
}

enum ym_status state_db_commit(struct state_db *s)
{
    if (exec(s, "COMMIT"))
        return YM_OK;
    enum ym_status st = db_fail(s, NULL, "commit");
    exec(s, "ROLLBACK");
    return st;
}

void state_db_rollback(struct state_db *s) { exec(s, "ROLLBACK"); }

/* Runs a prepared write statement to completion and resets it. */
static enum ym_status step_write(struct state_db *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? YM_OK : db_fail(s, NULL, what);
}

static int64_t clamp_u64(uint64_t v) { return v > INT64_MAX ? INT64_MAX : (int64_t)v; }

enum ym_status state_db_counter_set(struct state_db *s, const char *name, uint64_t value,
                                    int64_t now_ns)
{
    if (!s->counter_set)
        return YM_EINVAL;
    sqlite3_bind_text(s->counter_set, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s->counter_set, 2, clamp_u64(value));
    sqlite3_bind_int64(s->counter_set, 3, now_ns);
    return step_write(s, s->counter_set, "set counter");
}

enum ym_status state_db_counter_get(struct state_db *s, const char *name, uint64_t *value,
                                    int64_t *updated_ns)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT value, updated_ns FROM counters WHERE name = ?1", -1,
                           &st, NULL) != SQLITE_OK)
        return db_fail(s, NULL, "read counter");
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    enum ym_status res = YM_OK;
    if (rc == SQLITE_ROW) {
        *value = (uint64_t)sqlite3_column_int64(st, 0);
        if (updated_ns)
            *updated_ns = sqlite3_column_int64(st, 1);
    } else {
        res = rc == SQLITE_DONE ? YM_ENOTFOUND : db_fail(s, NULL, "read counter");
    }
    sqlite3_finalize(st);
    return res;
}

enum ym_status state_db_counters_each(struct state_db *s, const char *prefix,
                                      state_db_counter_fn fn, void *arg)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT name, value, updated_ns FROM counters"
                           " WHERE substr(name, 1, length(?1)) = ?1 ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, NULL, "list counters");
    sqlite3_bind_text(st, 1, prefix ? prefix : "", -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (fn(arg, (const char *)sqlite3_column_text(st, 0),
               (uint64_t)sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2)))
            break;
    }
    enum ym_status res = rc == SQLITE_ROW || rc == SQLITE_DONE ? YM_OK
                                                                : db_fail(s, NULL, "list counters");
    sqlite3_finalize(st);
    return res;
}

enum ym_status state_db_unknown_put(struct state_db *s, const struct state_db_unknown *u)
{
    if (!s->unknown_put || !u->tenant || !u->device || !u->address)
        return YM_EINVAL;
    sqlite3_stmt *st = s->unknown_put;
    sqlite3_bind_text(st, 1, u->tenant, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, u->device, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, u->address, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, u->hostname ? u->hostname : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, u->first_seen_ns);
    sqlite3_bind_int64(st, 6, u->last_seen_ns);
    sqlite3_bind_int64(st, 7, clamp_u64(u->logs));
    sqlite3_bind_int64(st, 8, s->session);
    return step_write(s, st, "record unknown sender");
}

enum ym_status state_db_unknown_each(struct state_db *s, state_db_unknown_fn fn, void *arg)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT tenant, device, address, hostname, first_seen_ns, last_seen_ns,"
                           " logs FROM unknown_senders ORDER BY last_seen_ns DESC, address",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, NULL, "list unknown senders");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct state_db_unknown u = {
            .tenant = (const char *)sqlite3_column_text(st, 0),
            .device = (const char *)sqlite3_column_text(st, 1),
            .address = (const char *)sqlite3_column_text(st, 2),
            .hostname = (const char *)sqlite3_column_text(st, 3),
            .first_seen_ns = sqlite3_column_int64(st, 4),
            .last_seen_ns = sqlite3_column_int64(st, 5),
            .logs = (uint64_t)sqlite3_column_int64(st, 6),
        };
        if (fn(arg, &u))
            break;
    }
    enum ym_status res = rc == SQLITE_ROW || rc == SQLITE_DONE
                             ? YM_OK
                             : db_fail(s, NULL, "list unknown senders");
    sqlite3_finalize(st);
    return res;
}

static int64_t minute_of(int64_t t_ns)
{
    const int64_t m = 60 * YM_NS_PER_S;
    int64_t q = t_ns / m;
    if (t_ns % m < 0)
        q--;
    return q * m;
}

enum ym_status state_db_minute_add(struct state_db *s, int64_t t_ns, const char *tenant,
                                   const char *device, uint64_t logs, uint64_t parse_errors)
{
    if (!s->minute_add || !tenant || !device)
        return YM_EINVAL;
    sqlite3_stmt *st = s->minute_add;
    sqlite3_bind_int64(st, 1, minute_of(t_ns));
    sqlite3_bind_text(st, 2, tenant, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, device, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, clamp_u64(logs));
    sqlite3_bind_int64(st, 5, clamp_u64(parse_errors));
    return step_write(s, st, "add minute count");
}

enum ym_status state_db_minutes_each(struct state_db *s, const char *tenant, int64_t from_ns,
                                     int64_t to_ns, state_db_minute_fn fn, void *arg)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT minute_ns, tenant, device, logs, parse_errors FROM minute_counts"
                           " WHERE (?1 IS NULL OR tenant = ?1) AND minute_ns >= ?2"
                           " AND (?3 = 0 OR minute_ns < ?3) ORDER BY minute_ns, tenant, device",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, NULL, "list minute counts");
    if (tenant)
        sqlite3_bind_text(st, 1, tenant, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, from_ns ? from_ns : INT64_MIN);
    sqlite3_bind_int64(st, 3, to_ns);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct state_db_minute m = {
            .minute_ns = sqlite3_column_int64(st, 0),
            .tenant = (const char *)sqlite3_column_text(st, 1),
            .device = (const char *)sqlite3_column_text(st, 2),
            .logs = (uint64_t)sqlite3_column_int64(st, 3),
            .parse_errors = (uint64_t)sqlite3_column_int64(st, 4),
        };
        if (fn(arg, &m))
            break;
    }
    enum ym_status res = rc == SQLITE_ROW || rc == SQLITE_DONE
                             ? YM_OK
                             : db_fail(s, NULL, "list minute counts");
    sqlite3_finalize(st);
    return res;
}

enum ym_status state_db_activity_each(struct state_db *s, const char *tenant, int64_t from_ns,
                                      int64_t to_ns, state_db_activity_fn fn, void *arg)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT tenant, device, sum(logs), min(minute_ns), max(minute_ns), sum(parse_errors)"
                           " FROM minute_counts WHERE (?1 IS NULL OR tenant = ?1)"
                           " AND minute_ns >= ?2 AND (?3 = 0 OR minute_ns < ?3)"
                           " GROUP BY tenant, device ORDER BY tenant, device",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, NULL, "sum minute counts");
    if (tenant)
        sqlite3_bind_text(st, 1, tenant, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, from_ns ? from_ns : INT64_MIN);
    sqlite3_bind_int64(st, 3, to_ns);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct state_db_activity a = {
            .tenant = (const char *)sqlite3_column_text(st, 0),
            .device = (const char *)sqlite3_column_text(st, 1),
            .logs = (uint64_t)sqlite3_column_int64(st, 2),
            .first_minute_ns = sqlite3_column_int64(st, 3),
            .last_minute_ns = sqlite3_column_int64(st, 4),
            .parse_errors = (uint64_t)sqlite3_column_int64(st, 5),
        };
        if (fn(arg, &a))
            break;
    }
    enum ym_status res = rc == SQLITE_ROW || rc == SQLITE_DONE
                             ? YM_OK
                             : db_fail(s, NULL, "sum minute counts");
    sqlite3_finalize(st);
    return res;
}

enum ym_status state_db_minutes_prune(struct state_db *s, int64_t before_ns, uint64_t *removed)
{
    if (s->mode != STATE_DB_WRITER)
        return YM_EINVAL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "DELETE FROM minute_counts WHERE minute_ns < ?1", -1, &st,
                           NULL) != SQLITE_OK)
        return db_fail(s, NULL, "prune minute counts");
    sqlite3_bind_int64(st, 1, before_ns);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(s, NULL, "prune minute counts");
    if (removed)
        *removed = (uint64_t)sqlite3_changes(s->db);
    return YM_OK;
}
