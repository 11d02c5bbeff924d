/* state_users: portal accounts, browser sessions and API tokens (see
 * state_users.h).
 *
 * Invariants:
 *  1. No secret is stored: passwords as argon2id hashes, session cookies
 *     and API tokens as the hex SHA-256 of the secret.
 *  2. A login attempt costs one argon2id verification whatever the
 *     outcome, so timing does not tell which account names exist.
 *  3. Deleting a user or changing its password ends its sessions in the
 *     same transaction. */
#include "state/state_users.h"

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "core/ym_log.h"
#include "core/ym_time.h"
#include "state/state_db_internal.h"

const char state_users_sql_v3[] =
    "CREATE TABLE users (name TEXT PRIMARY KEY,"
    "  role TEXT NOT NULL,"                    /* admin|analyst|customer */
    "  tenant TEXT NOT NULL DEFAULT '',"       /* customers only */
    "  password TEXT NOT NULL,"                /* argon2id encoded hash */
    "  lang TEXT NOT NULL DEFAULT 'en', created_ns INTEGER NOT NULL,"
    "  disabled INTEGER NOT NULL DEFAULT 0, must_change INTEGER NOT NULL DEFAULT 0)"
    "  WITHOUT ROWID;"
    "CREATE TABLE web_sessions (id TEXT PRIMARY KEY,"  /* SHA-256 of the cookie value */
    "  user TEXT NOT NULL, csrf TEXT NOT NULL, address TEXT NOT NULL,"
    "  created_ns INTEGER NOT NULL, last_ns INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX web_sessions_user ON web_sessions (user);"
    "CREATE TABLE api_tokens (id INTEGER PRIMARY KEY, user TEXT NOT NULL,"
    "  name TEXT NOT NULL, hash TEXT NOT NULL UNIQUE," /* SHA-256 of the token */
    "  created_ns INTEGER NOT NULL, last_used_ns INTEGER, revoked_ns INTEGER);";

/* Activity is written back at most this often (reads stay reads). */
#define TOUCH_EVERY_NS (60 * YM_NS_PER_S)

static const char *const role_names[] = {"", "customer", "analyst", "admin"};

const char *state_role_name(enum state_role role)
{
    return role >= STATE_ROLE_NONE && role <= STATE_ROLE_ADMIN ? role_names[role] : "";
}

int state_role_parse(const char *s, enum state_role *out)
{
    for (int r = STATE_ROLE_CUSTOMER; r <= STATE_ROLE_ADMIN; r++)
        if (s && strcmp(s, role_names[r]) == 0) {
            *out = (enum state_role)r;
            return 1;
        }
    return 0;
}

int state_users_name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '@' || c == '-'))
            return 0;
    }
    return 1;
}

static int tenant_ok(const char *t)
{
    size_t n = t ? strlen(t) : 0;
    if (n == 0 || n > 64 || !((t[0] >= 'a' && t[0] <= 'z') || (t[0] >= '0' && t[0] <= '9')))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= '0' && t[i] <= '9') || t[i] == '_' ||
              t[i] == '-'))
            return 0;
    return 1;
}

static void copy(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src ? src : "");
}

/* ---- secrets ---- */

static void hex(const unsigned char *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

/* 32 random bytes as 64 hex digits. */
static enum ym_status random_secret(char *out)
{
    unsigned char b[STATE_USERS_SECRET_LEN / 2];
    if (RAND_bytes(b, sizeof b) != 1)
        return YM_EIO;
    hex(b, sizeof b, out);
    OPENSSL_cleanse(b, sizeof b);
    return YM_OK;
}

/* Hex SHA-256 of s (65 bytes out). */
static void digest(const char *s, char *out)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(s, strlen(s), md, &len, EVP_sha256(), NULL);
    hex(md, len, out);
}

enum ym_status state_users_random_password(char *out, size_t out_len, size_t n)
{
    static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    const size_t k = sizeof alphabet - 1;
    if (out_len < n + 1)
        return YM_EINVAL;
    for (size_t i = 0; i < n;) {
        unsigned char b;
        if (RAND_bytes(&b, 1) != 1)
            return YM_EIO;
        if (b >= 256 - 256 % k) /* no modulo bias */
            continue;
        out[i++] = alphabet[b % k];
    }
    out[n] = '\0';
    return YM_OK;
}

/* ---- passwords ---- */

enum ym_status state_users_hash_password(const char *password, char *out, size_t out_len)
{
    size_t n = password ? strlen(password) : 0;
    if (n < STATE_USERS_PASSWORD_MIN || n > STATE_USERS_PASSWORD_MAX)
        return YM_EINVAL;
    unsigned char salt[16];
    if (RAND_bytes(salt, sizeof salt) != 1)
        return YM_EIO;
    int rc = argon2id_hash_encoded(STATE_USERS_ARGON2_T, STATE_USERS_ARGON2_M_KIB,
                                   STATE_USERS_ARGON2_P, password, n, salt, sizeof salt, 32, out,
                                   out_len);
    if (rc != ARGON2_OK) {
        ym_log(YM_LOG_ERROR, "argon2id: %s", argon2_error_message(rc));
        return rc == ARGON2_MEMORY_ALLOCATION_ERROR ? YM_ENOMEM : YM_EINVAL;
    }
    return YM_OK;
}

int state_users_verify_password(const char *encoded, const char *password)
{
    if (!encoded || !password || strlen(password) > STATE_USERS_PASSWORD_MAX)
        return 0;
    /* argon2id_verify recomputes and compares in constant time. */
    return argon2id_verify(encoded, password, strlen(password)) == ARGON2_OK;
}

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[STATE_USERS_HASH_MAX];

static void dummy_init(void)
{
    char pw[33];
    if (state_users_random_password(pw, sizeof pw, 32) != YM_OK ||
        state_users_hash_password(pw, dummy_hash, sizeof dummy_hash) != YM_OK)
        dummy_hash[0] = '\0';
}

/* ---- accounts ---- */

static enum ym_status step_done(sqlite3 *db, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? YM_OK : state_sql_fail(db, what);
}

enum ym_status state_users_add(struct state_db *sdb, const struct state_user *u,
                               const char *password, int *exists)
{
    if (exists)
        *exists = 0;
    if (!state_db_writable(sdb) || !state_users_name_ok(u->name) || u->role == STATE_ROLE_NONE ||
        u->role > STATE_ROLE_ADMIN)
        return YM_EINVAL;
    if ((u->role == STATE_ROLE_CUSTOMER) != (u->tenant[0] != '\0'))
        return YM_EINVAL;
    if (u->tenant[0] && !tenant_ok(u->tenant))
        return YM_EINVAL;
    char hash[STATE_USERS_HASH_MAX];
    enum ym_status s = state_users_hash_password(password, hash, sizeof hash);
    if (s != YM_OK)
        return s;
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO users (name, role, tenant, password, lang, created_ns,"
                           " must_change) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           -1, &st, NULL) != SQLITE_OK)
        return state_sql_fail(db, "add user");
    sqlite3_bind_text(st, 1, u->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, state_role_name(u->role), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, u->tenant, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, strcmp(u->lang, "ja") == 0 ? "ja" : "en", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, u->created_ns ? u->created_ns : ym_time_now_ns());
    sqlite3_bind_int(st, 7, u->must_change != 0);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_CONSTRAINT) {
        if (exists)
            *exists = 1;
        return YM_EINVAL;
    }
    return rc == SQLITE_DONE ? YM_OK : state_sql_fail(db, "add user");
}

static void user_from_row(sqlite3_stmt *st, int i, struct state_user *u)
{
    memset(u, 0, sizeof *u);
    copy(u->name, sizeof u->name, state_sql_text(st, i));
    if (!state_role_parse(state_sql_text(st, i + 1), &u->role))
        u->role = STATE_ROLE_NONE;
    copy(u->tenant, sizeof u->tenant, state_sql_text(st, i + 2));
    copy(u->lang, sizeof u->lang, state_sql_text(st, i + 3));
    u->created_ns = sqlite3_column_int64(st, i + 4);
    u->must_change = sqlite3_column_int(st, i + 5);
}

#define USER_COLS "name, role, tenant, lang, created_ns, must_change"

enum ym_status state_users_get(struct state_db *sdb, const char *name, struct state_user *out)
{
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT " USER_COLS " FROM users WHERE name = ?1 AND disabled = 0",
                           -1, &st, NULL) != SQLITE_OK)
        return state_sql_fail(db, "read user");
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        user_from_row(st, 0, out);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return out->role == STATE_ROLE_NONE ? YM_ENOTFOUND : YM_OK;
    return rc == SQLITE_DONE ? YM_ENOTFOUND : state_sql_fail(db, "read user");
}

/* Runs sql with ?1 = name; *changed gets the number of rows changed. */
static enum ym_status exec_name(sqlite3 *db, const char *sql, const char *name, int *changed)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return state_sql_fail(db, "update users");
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    enum ym_status s = step_done(db, st, "update users");
    if (changed)
        *changed = sqlite3_changes(db);
    return s;
}

enum ym_status state_users_set_password(struct state_db *sdb, const char *name,
                                        const char *password, int must_change)
{
    if (!state_db_writable(sdb))
        return YM_EINVAL;
    char hash[STATE_USERS_HASH_MAX];
    enum ym_status s = state_users_hash_password(password, hash, sizeof hash);
    if (s != YM_OK)
        return s;
    sqlite3 *db = state_db_sqlite(sdb);
    if ((s = state_db_begin(sdb)) != YM_OK)
        return s;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "UPDATE users SET password = ?2, must_change = ?3 WHERE name = ?1",
                           -1, &st, NULL) != SQLITE_OK) {
        state_db_rollback(sdb);
        return state_sql_fail(db, "set password");
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, must_change != 0);
    s = step_done(db, st, "set password");
    int changed = sqlite3_changes(db);
    if (s == YM_OK && changed == 0)
        s = YM_ENOTFOUND;
    if (s == YM_OK)
        s = exec_name(db, "DELETE FROM web_sessions WHERE user = ?1", name, NULL);
    if (s != YM_OK) {
        state_db_rollback(sdb);
        return s;
    }
    return state_db_commit(sdb);
}

enum ym_status state_users_set_lang(struct state_db *sdb, const char *name, const char *lang)
{
    if (!state_db_writable(sdb) || !lang || (strcmp(lang, "en") && strcmp(lang, "ja")))
        return YM_EINVAL;
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "UPDATE users SET lang = ?2 WHERE name = ?1", -1, &st, NULL) !=
        SQLITE_OK)
        return state_sql_fail(db, "set language");
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, lang, -1, SQLITE_STATIC);
    enum ym_status s = step_done(db, st, "set language");
    return s == YM_OK && sqlite3_changes(db) == 0 ? YM_ENOTFOUND : s;
}

enum ym_status state_users_delete(struct state_db *sdb, const char *name)
{
    if (!state_db_writable(sdb))
        return YM_EINVAL;
    sqlite3 *db = state_db_sqlite(sdb);
    enum ym_status s = state_db_begin(sdb);
    if (s != YM_OK)
        return s;
    int changed = 0;
    s = exec_name(db, "DELETE FROM users WHERE name = ?1", name, &changed);
    if (s == YM_OK && changed == 0)
        s = YM_ENOTFOUND;
    if (s == YM_OK)
        s = exec_name(db, "DELETE FROM web_sessions WHERE user = ?1", name, NULL);
    if (s == YM_OK)
        s = exec_name(db, "DELETE FROM api_tokens WHERE user = ?1", name, NULL);
    if (s != YM_OK) {
        state_db_rollback(sdb);
        return s;
    }
    return state_db_commit(sdb);
}

enum ym_status state_users_each(struct state_db *sdb, state_users_fn fn, void *arg)
{
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT " USER_COLS " FROM users WHERE disabled = 0 ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK)
        return state_sql_fail(db, "list users");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct state_user u;
        user_from_row(st, 0, &u);
        if (fn(arg, &u)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? YM_OK : state_sql_fail(db, "list users");
}

enum ym_status state_users_count(struct state_db *sdb, uint64_t *count)
{
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    *count = 0;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM users", -1, &st, NULL) != SQLITE_OK)
        return state_sql_fail(db, "count users");
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *count = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? YM_OK : state_sql_fail(db, "count users");
}

enum ym_status state_users_login(struct state_db *sdb, const char *name, const char *password,
                                 struct state_user *out)
{
    pthread_once(&dummy_once, dummy_init);
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT " USER_COLS ", password FROM users WHERE name = ?1"
                           " AND disabled = 0",
                           -1, &st, NULL) != SQLITE_OK)
        return state_sql_fail(db, "login");
    sqlite3_bind_text(st, 1, name ? name : "", -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    char hash[STATE_USERS_HASH_MAX];
    copy(hash, sizeof hash, rc == SQLITE_ROW ? state_sql_text(st, 6) : dummy_hash);
    if (rc == SQLITE_ROW)
        user_from_row(st, 0, out);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return state_sql_fail(db, "login");
    int ok = state_users_verify_password(hash, password ? password : "");
    OPENSSL_cleanse(hash, sizeof hash);
    return ok && rc == SQLITE_ROW && out->role != STATE_ROLE_NONE ? YM_OK : YM_ENOTFOUND;
}

/* ---- sessions ---- */

enum ym_status state_users_session_open(struct state_db *sdb, const char *user,
                                        const char *address, int64_t now_ns,
                                        char *cookie_out, char *csrf_out)
{
    if (!state_db_writable(sdb))
        return YM_EINVAL;
    enum ym_status s;
    if ((s = random_secret(cookie_out)) != YM_OK || (s = random_secret(csrf_out)) != YM_OK)
        return s;
    char id[65];
    digest(cookie_out, id);
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO web_sessions (id, user, csrf, address, created_ns, last_ns)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                           -1, &st, NULL) != SQLITE_OK)
        return state_sql_fail(db, "open session");
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, csrf_out, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, address ? address : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now_ns);
    return step_done(db, st, "open session");
}

static int secret_shape_ok(const char *s, size_t prefix)
{
    if (!s || strlen(s) != prefix + STATE_USERS_SECRET_LEN)
        return 0;
    for (const char *p = s + prefix; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return 0;
    return 1;
}

/* Runs an UPDATE/DELETE keyed by a text id and an integer. */
static void exec_id_int(sqlite3 *db, const char *sql, const char *id, int64_t v)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        state_sql_fail(db, "update session");
        return;
    }
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, v);
    step_done(db, st, "update session");
}

enum ym_status state_users_session_check(struct state_db *sdb, const char *cookie, int64_t now_ns,
                                         const struct state_session_limits *lim,
                                         struct state_principal *out)
{
    if (!secret_shape_ok(cookie, 0))
        return YM_ENOTFOUND;
    char id[65];
    digest(cookie, id);
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT u.name, u.role, u.tenant, u.lang, u.created_ns, u.must_change,"
                           " s.csrf, s.created_ns, s.last_ns FROM web_sessions s"
                           " JOIN users u ON u.name = s.user AND u.disabled = 0 WHERE s.id = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return state_sql_fail(db, "read session");
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    int64_t created = 0, last = 0;
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        user_from_row(st, 0, &out->user);
        copy(out->csrf, sizeof out->csrf, state_sql_text(st, 6));
        created = sqlite3_column_int64(st, 7);
        last = sqlite3_column_int64(st, 8);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return YM_ENOTFOUND;
    if (rc != SQLITE_ROW)
        return state_sql_fail(db, "read session");
    if (now_ns - last > lim->idle_ns || now_ns - created > lim->max_ns ||
        out->user.role == STATE_ROLE_NONE) {
        if (state_db_writable(sdb))
            exec_name(db, "DELETE FROM web_sessions WHERE id = ?1", id, NULL);
        return YM_ENOTFOUND;
    }
    if (now_ns - last >= TOUCH_EVERY_NS && state_db_writable(sdb))
        exec_id_int(db, "UPDATE web_sessions SET last_ns = ?2 WHERE id = ?1", id, now_ns);
    return YM_OK;
}

enum ym_status state_users_session_close(struct state_db *sdb, const char *cookie)
{
    if (!state_db_writable(sdb))
        return YM_EINVAL;
    if (!secret_shape_ok(cookie, 0))
        return YM_ENOTFOUND;
    char id[65];
    digest(cookie, id);
    sqlite3 *db = state_db_sqlite(sdb);
    enum ym_status s = exec_name(db, "DELETE FROM web_sessions WHERE id = ?1", id, NULL);
    return s == YM_OK && sqlite3_changes(db) == 0 ? YM_ENOTFOUND : s;
}

enum ym_status state_users_sessions_prune(struct state_db *sdb, int64_t now_ns,
                                          const struct state_session_limits *lim)
{
    if (!state_db_writable(sdb))
        return YM_EINVAL;
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "DELETE FROM web_sessions WHERE last_ns < ?1 OR created_ns < ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return state_sql_fail(db, "prune sessions");
    sqlite3_bind_int64(st, 1, now_ns - lim->idle_ns);
    sqlite3_bind_int64(st, 2, now_ns - lim->max_ns);
    return step_done(db, st, "prune sessions");
}

/* ---- API tokens ---- */

enum ym_status state_users_token_create(struct state_db *sdb, const char *user, const char *name,
                                        int64_t *id, char *token_out)
{
    size_t nlen = name ? strlen(name) : 0;
    if (!state_db_writable(sdb) || nlen == 0 || nlen > 128)
        return YM_EINVAL;
    char secret[STATE_USERS_SECRET_LEN + 1];
    enum ym_status s = random_secret(secret);
    if (s != YM_OK)
        return s;
    snprintf(token_out, STATE_USERS_TOKEN_LEN + 1, "%s%s", STATE_USERS_TOKEN_PREFIX, secret);
    OPENSSL_cleanse(secret, sizeof secret);
    char hash[65];
    digest(token_out, hash);
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO api_tokens (user, name, hash, created_ns)"
                           " SELECT name, ?2, ?3, ?4 FROM users WHERE name = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return state_sql_fail(db, "create token");
    sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, ym_time_now_ns());
    s = step_done(db, st, "create token");
    if (s == YM_OK && sqlite3_changes(db) == 0)
        s = YM_ENOTFOUND;
    if (s == YM_OK)
        *id = sqlite3_last_insert_rowid(db);
    return s;
}

enum ym_status state_users_token_check(struct state_db *sdb, const char *token, int64_t now_ns,
                                       struct state_principal *out)
{
    size_t plen = strlen(STATE_USERS_TOKEN_PREFIX);
    if (!token || strncmp(token, STATE_USERS_TOKEN_PREFIX, plen) != 0 ||
        !secret_shape_ok(token, plen))
        return YM_ENOTFOUND;
    char hash[65];
    digest(token, hash);
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT u.name, u.role, u.tenant, u.lang, u.created_ns, u.must_change,"
                           " t.id, coalesce(t.last_used_ns, 0) FROM api_tokens t"
                           " JOIN users u ON u.name = t.user AND u.disabled = 0"
                           " WHERE t.hash = ?1 AND t.revoked_ns IS NULL",
                           -1, &st, NULL) != SQLITE_OK)
        return state_sql_fail(db, "read token");
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    int64_t last = 0;
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        user_from_row(st, 0, &out->user);
        out->via_token = 1;
        out->token_id = sqlite3_column_int64(st, 6);
        last = sqlite3_column_int64(st, 7);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return YM_ENOTFOUND;
    if (rc != SQLITE_ROW)
        return state_sql_fail(db, "read token");
    if (out->user.role == STATE_ROLE_NONE)
        return YM_ENOTFOUND;
    if (now_ns - last >= TOUCH_EVERY_NS && state_db_writable(sdb)) {
        if (sqlite3_prepare_v2(db, "UPDATE api_tokens SET last_used_ns = ?2 WHERE id = ?1", -1,
                               &st, NULL) == SQLITE_OK) {
            sqlite3_bind_int64(st, 1, out->token_id);
            sqlite3_bind_int64(st, 2, now_ns);
            step_done(db, st, "token use");
        }
    }
    return YM_OK;
}

enum ym_status state_users_token_revoke(struct state_db *sdb, int64_t id, const char *user)
{
    if (!state_db_writable(sdb))
        return YM_EINVAL;
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "UPDATE api_tokens SET revoked_ns = ?3 WHERE id = ?1"
                           " AND (?2 IS NULL OR user = ?2) AND revoked_ns IS NULL",
                           -1, &st, NULL) != SQLITE_OK)
        return state_sql_fail(db, "revoke token");
    sqlite3_bind_int64(st, 1, id);
    if (user)
        sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, ym_time_now_ns());
    enum ym_status s = step_done(db, st, "revoke token");
    return s == YM_OK && sqlite3_changes(db) == 0 ? YM_ENOTFOUND : s;
}

enum ym_status state_users_tokens_each(struct state_db *sdb, const char *user, state_token_fn fn,
                                       void *arg)
{
    sqlite3 *db = state_db_sqlite(sdb);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT id, user, name, created_ns, coalesce(last_used_ns, 0),"
                           " coalesce(revoked_ns, 0) FROM api_tokens"
                           " WHERE ?1 IS NULL OR user = ?1 ORDER BY id DESC",
                           -1, &st, NULL) != SQLITE_OK)
        return state_sql_fail(db, "list tokens");
    if (user)
        sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct state_token t = {.id = sqlite3_column_int64(st, 0)};
        copy(t.user, sizeof t.user, state_sql_text(st, 1));
        copy(t.name, sizeof t.name, state_sql_text(st, 2));
        t.created_ns = sqlite3_column_int64(st, 3);
        t.last_used_ns = sqlite3_column_int64(st, 4);
        t.revoked_ns = sqlite3_column_int64(st, 5);
        if (fn(arg, &t)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? YM_OK : state_sql_fail(db, "list tokens");
}
