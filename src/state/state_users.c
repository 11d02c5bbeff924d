/* state_users: portal accounts, browser sessions and API tokens (see
 * state_users.h). */
#include "state/state_db_internal.h"

const char state_users_sql_v3[] =
    "CREATE TABLE users (name TEXT PRIMARY KEY,"
    "  role TEXT NOT NULL,"                    /* admin|analyst|customer */
    "  tenant TEXT NOT NULL DEFAULT '',"       /* customers only */
    "  password TEXT NOT NULL,"                /* argon2id encoded hash */
    "  lang TEXT NOT NULL DEFAULT 'en', created_ns INTEGER NOT NULL,"
    "  disabled INTEGER NOT NULL DEFAULT 0, must_change INTEGER NOT NULL DEFAULT 0)"
    "  WITHOUT ROWID;"
    "CREATE TABLE web_sessions (id TEXT PRIMARY KEY,"  /* hash of the cookie value */
    "  user TEXT NOT NULL, csrf TEXT NOT NULL, address TEXT NOT NULL,"
    "  created_ns INTEGER NOT NULL, last_ns INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE api_tokens (id INTEGER PRIMARY KEY, user TEXT NOT NULL,"
    "  name TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, created_ns INTEGER NOT NULL,"
    "  last_used_ns INTEGER, revoked_ns INTEGER);";
