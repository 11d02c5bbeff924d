/* state_users: portal accounts, browser sessions and API tokens.
 *
 * Accounts have a role (admin: everything; analyst: every tenant;
 * customer: one tenant, which the account names) and a password kept only
 * as an argon2id hash (PHC string, cost STATE_USERS_ARGON2_*). Checking a
 * password costs the same whether or not the account exists (a dummy hash
 * is verified for unknown names) and compares in constant time.
 *
 * Sessions and tokens are random 256-bit secrets handed to the client once;
 * the store keeps only their SHA-256, so a copy of state.db opens nothing.
 * A session also carries a CSRF token (random, returned to the page) and
 * expires after an idle period or an absolute lifetime, whichever comes
 * first. A token stays valid until revoked (or its user is deleted) and
 * remembers when it was last used.
 *
 * Memory: strings passed in are copied; results come back in fixed-size
 * structs owned by the caller; strings handed to visitors are borrowed
 * until the visitor returns. Threads: as state_db.h (one thread per
 * connection); the password functions are thread-safe.
 * Status codes besides YM_OK: YM_ENOTFOUND (no such user, session, token;
 * wrong password), YM_EINVAL (bad name/role/tenant/password, a reader
 * connection asked to write, or the user already exists: see each
 * function), YM_EDB. */
#ifndef STATE_USERS_H
#define STATE_USERS_H

#include <stddef.h>
#include <stdint.h>

#include "core/ym_status.h"
#include "state/state_db.h"

/* argon2id cost: 2 passes over 19 MiB, one lane (OWASP's minimum for
 * argon2id); about 30 ms on one core. */
#define STATE_USERS_ARGON2_T 2
#define STATE_USERS_ARGON2_M_KIB 19456
#define STATE_USERS_ARGON2_P 1
#define STATE_USERS_HASH_MAX 128     /* encoded PHC string, with NUL */
#define STATE_USERS_SECRET_LEN 64    /* hex of 32 random bytes */
#define STATE_USERS_TOKEN_PREFIX "ymt_"
#define STATE_USERS_TOKEN_LEN (4 + STATE_USERS_SECRET_LEN)
#define STATE_USERS_PASSWORD_MIN 8
#define STATE_USERS_PASSWORD_MAX 1024

enum state_role {
    STATE_ROLE_NONE = 0, /* not logged in */
    STATE_ROLE_CUSTOMER = 1,
    STATE_ROLE_ANALYST = 2,
    STATE_ROLE_ADMIN = 3,
};

const char *state_role_name(enum state_role role); /* "admin", ..., "" for NONE */
/* 1 and *out set when s names a role. */
int state_role_parse(const char *s, enum state_role *out);
/* 1 if name is a valid account name: [A-Za-z0-9._@-]{1,64}. */
int state_users_name_ok(const char *name);

/* An account as stored (without its hash). */
struct state_user {
    char name[65];
    enum state_role role;
    char tenant[65]; /* customers' tenant; "" for staff */
    char lang[8];    /* "en" | "ja" */
    int64_t created_ns;
    int must_change; /* 1 = created with a one-time password */
};

/* Who is calling: filled by a session or token check. */
struct state_principal {
    struct state_user user;
    char csrf[STATE_USERS_SECRET_LEN + 1]; /* session's CSRF token; "" for tokens */
    int via_token;                         /* 1 = API token (no CSRF needed) */
    int64_t token_id;
};

/* ---- passwords (thread-safe; no database) ---- */

/* Hashes password into out (STATE_USERS_HASH_MAX bytes) with a random
 * salt. YM_EINVAL if the password is shorter than STATE_USERS_PASSWORD_MIN
 * or longer than STATE_USERS_PASSWORD_MAX bytes. */
enum ym_status state_users_hash_password(const char *password, char *out, size_t out_len);
/* 1 if password matches encoded (argon2id, constant-time compare). */
int state_users_verify_password(const char *encoded, const char *password);
/* Fills out with n random characters from [A-Za-z0-9] (minus look-alikes)
 * and a NUL (out_len >= n + 1). For one-time passwords. */
enum ym_status state_users_random_password(char *out, size_t out_len, size_t n);

/* ---- accounts ---- */

/* Adds an account. Customers need a tenant, staff must have none.
 * YM_EINVAL: bad name, role, tenant or password, or the name is taken
 * (then *exists is set to 1 if exists is not NULL). */
enum ym_status state_users_add(struct state_db *db, const struct state_user *u,
                               const char *password, int *exists);
enum ym_status state_users_get(struct state_db *db, const char *name, struct state_user *out);
/* Replaces the password (and clears must_change); ends the user's sessions. */
enum ym_status state_users_set_password(struct state_db *db, const char *name,
                                        const char *password, int must_change);
enum ym_status state_users_set_lang(struct state_db *db, const char *name, const char *lang);
/* Deletes the account, its sessions and its tokens. */
enum ym_status state_users_delete(struct state_db *db, const char *name);
typedef int (*state_users_fn)(void *arg, const struct state_user *u);
/* Every account, by name. */
enum ym_status state_users_each(struct state_db *db, state_users_fn fn, void *arg);
enum ym_status state_users_count(struct state_db *db, uint64_t *count);
/* Checks a login. Costs one argon2id verification whether or not the
 * account exists. YM_ENOTFOUND for an unknown name or a wrong password. */
enum ym_status state_users_login(struct state_db *db, const char *name, const char *password,
                                 struct state_user *out);

/* ---- browser sessions ---- */

struct state_session_limits {
    int64_t idle_ns; /* ends after this long without a request */
    int64_t max_ns;  /* ends this long after login, whatever happens */
};

/* Opens a session: cookie_out gets the secret for the browser, csrf_out
 * the CSRF token (both STATE_USERS_SECRET_LEN + 1 bytes). */
enum ym_status state_users_session_open(struct state_db *db, const char *user,
                                        const char *address, int64_t now_ns,
                                        char *cookie_out, char *csrf_out);
/* Resolves a session cookie. YM_ENOTFOUND if unknown or expired (an
 * expired session is deleted). Refreshes the idle clock (at most once a
 * minute, so reads do not all write). */
enum ym_status state_users_session_check(struct state_db *db, const char *cookie, int64_t now_ns,
                                         const struct state_session_limits *lim,
                                         struct state_principal *out);
enum ym_status state_users_session_close(struct state_db *db, const char *cookie);
/* Deletes every expired session. */
enum ym_status state_users_sessions_prune(struct state_db *db, int64_t now_ns,
                                          const struct state_session_limits *lim);

/* ---- API tokens ---- */

struct state_token {
    int64_t id;
    char user[65];
    char name[129];
    int64_t created_ns;
    int64_t last_used_ns; /* 0 = never */
    int64_t revoked_ns;   /* 0 = valid */
};

/* Creates a token for user; token_out (STATE_USERS_TOKEN_LEN + 1 bytes)
 * gets the secret, shown once. name: 1..128 bytes of free text. */
enum ym_status state_users_token_create(struct state_db *db, const char *user, const char *name,
                                        int64_t *id, char *token_out);
/* Resolves "Authorization: Bearer <token>". YM_ENOTFOUND if unknown or
 * revoked. Records the use (at most once a minute). */
enum ym_status state_users_token_check(struct state_db *db, const char *token, int64_t now_ns,
                                       struct state_principal *out);
/* Revokes token id; user NULL = any user's, else only user's own
 * (YM_ENOTFOUND otherwise, or if already revoked). */
enum ym_status state_users_token_revoke(struct state_db *db, int64_t id, const char *user);
typedef int (*state_token_fn)(void *arg, const struct state_token *t);
/* Tokens of user (NULL = everyone's), revoked ones included, newest first. */
enum ym_status state_users_tokens_each(struct state_db *db, const char *user, state_token_fn fn,
                                       void *arg);

#endif
