/* Unit tests of portal accounts, sessions and API tokens
 * (state/state_users.h): argon2id hashes, login, session expiry, CSRF
 * token, token revocation and ownership. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/ym_time.h"
#include "state/state_db.h"
#include "state/state_users.h"

static int open_db(void **state)
{
    char *dir = strdup("/tmp/ym-users-test-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    struct state_db *db;
    struct ym_error err = {0};
    if (state_db_open(dir, STATE_DB_WRITER, &db, &err) != YM_OK)
        return -1;
    void **pair = calloc(2, sizeof *pair);
    pair[0] = dir;
    pair[1] = db;
    *state = pair;
    return 0;
}

static int close_db(void **state)
{
    void **pair = *state;
    state_db_close(pair[1]);
    const char *names[] = {"state.db", "state.db-wal", "state.db-shm"};
    for (size_t i = 0; i < 3; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", (char *)pair[0], names[i]);
        unlink(path);
    }
    rmdir(pair[0]);
    free(pair[0]);
    free(pair);
    return 0;
}

static struct state_db *db_of(void **state) { return ((void **)*state)[1]; }

static struct state_user user(const char *name, enum state_role role, const char *tenant)
{
    struct state_user u = {.role = role};
    snprintf(u.name, sizeof u.name, "%s", name);
    snprintf(u.tenant, sizeof u.tenant, "%s", tenant);
    snprintf(u.lang, sizeof u.lang, "en");
    return u;
}

static const struct state_session_limits limits = {30 * 60 * YM_NS_PER_S, 12 * 3600 * YM_NS_PER_S};

static void argon2id_hash_verifies_only_its_password(void **state)
{
    char hash[STATE_USERS_HASH_MAX];
    assert_int_equal(state_users_hash_password("correct horse", hash, sizeof hash), YM_OK);
    assert_non_null(strstr(hash, "$argon2id$"));
    assert_non_null(strstr(hash, "m=19456,t=2,p=1"));
    assert_true(state_users_verify_password(hash, "correct horse"));
    assert_false(state_users_verify_password(hash, "correct horsE"));
    assert_false(state_users_verify_password(hash, ""));
    /* Two hashes of one password differ (random salt). */
    char again[STATE_USERS_HASH_MAX];
    assert_int_equal(state_users_hash_password("correct horse", again, sizeof again), YM_OK);
    assert_string_not_equal(hash, again);
    /* Too short a password is refused. */
    assert_int_equal(state_users_hash_password("short", hash, sizeof hash), YM_EINVAL);
}

static void login_accepts_right_password_only(void **state)
{
    struct state_db *db = db_of(state);
    struct state_user u = user("alice", STATE_ROLE_CUSTOMER, "acme");
    assert_int_equal(state_users_add(db, &u, "alice-password", NULL), YM_OK);
    struct state_user got;
    assert_int_equal(state_users_login(db, "alice", "alice-password", &got), YM_OK);
    assert_int_equal(got.role, STATE_ROLE_CUSTOMER);
    assert_string_equal(got.tenant, "acme");
    assert_int_equal(state_users_login(db, "alice", "wrong-password", &got), YM_ENOTFOUND);
    assert_int_equal(state_users_login(db, "nobody", "alice-password", &got), YM_ENOTFOUND);
    /* A second account of the same name is refused and said to exist. */
    int exists = 0;
    assert_int_equal(state_users_add(db, &u, "other-password", &exists), YM_EINVAL);
    assert_int_equal(exists, 1);
}

static void customers_need_a_tenant_and_staff_have_none(void **state)
{
    struct state_db *db = db_of(state);
    struct state_user c = user("bob", STATE_ROLE_CUSTOMER, "");
    assert_int_equal(state_users_add(db, &c, "bob-password", NULL), YM_EINVAL);
    struct state_user a = user("carol", STATE_ROLE_ANALYST, "acme");
    assert_int_equal(state_users_add(db, &a, "carol-password", NULL), YM_EINVAL);
    struct state_user bad = user("no spaces", STATE_ROLE_ADMIN, "");
    assert_int_equal(state_users_add(db, &bad, "some-password", NULL), YM_EINVAL);
    uint64_t n = 1;
    assert_int_equal(state_users_count(db, &n), YM_OK);
    assert_int_equal(n, 0);
}

static void session_resolves_until_idle_expiry(void **state)
{
    struct state_db *db = db_of(state);
    struct state_user u = user("dave", STATE_ROLE_ANALYST, "");
    assert_int_equal(state_users_add(db, &u, "dave-password", NULL), YM_OK);
    char cookie[STATE_USERS_SECRET_LEN + 1], csrf[STATE_USERS_SECRET_LEN + 1];
    int64_t t0 = ym_time_now_ns();
    assert_int_equal(state_users_session_open(db, "dave", "127.0.0.1", t0, cookie, csrf), YM_OK);
    assert_int_equal(strlen(cookie), 64);
    assert_string_not_equal(cookie, csrf);
    struct state_principal p;
    assert_int_equal(state_users_session_check(db, cookie, t0 + YM_NS_PER_S, &limits, &p), YM_OK);
    assert_string_equal(p.user.name, "dave");
    assert_string_equal(p.csrf, csrf);
    assert_false(p.via_token);
    /* Activity 20 minutes in keeps it open 20 more minutes... */
    assert_int_equal(state_users_session_check(db, cookie, t0 + 20 * 60 * YM_NS_PER_S, &limits, &p),
                     YM_OK);
    assert_int_equal(state_users_session_check(db, cookie, t0 + 45 * 60 * YM_NS_PER_S, &limits, &p),
                     YM_OK);
    /* ...but 31 idle minutes end it, for good. */
    assert_int_equal(state_users_session_check(db, cookie, t0 + 77 * 60 * YM_NS_PER_S, &limits, &p),
                     YM_ENOTFOUND);
    assert_int_equal(state_users_session_check(db, cookie, t0 + 46 * 60 * YM_NS_PER_S, &limits, &p),
                     YM_ENOTFOUND);
    /* A cookie that was never issued, or is malformed, is unknown. */
    cookie[0] = cookie[0] == 'a' ? 'b' : 'a';
    assert_int_equal(state_users_session_check(db, cookie, t0, &limits, &p), YM_ENOTFOUND);
    assert_int_equal(state_users_session_check(db, "../../etc", t0, &limits, &p), YM_ENOTFOUND);
}

static void session_ends_at_logout_and_password_change(void **state)
{
    struct state_db *db = db_of(state);
    struct state_user u = user("erin", STATE_ROLE_ADMIN, "");
    assert_int_equal(state_users_add(db, &u, "erin-password", NULL), YM_OK);
    char c1[65], c2[65], csrf[65];
    int64_t now = ym_time_now_ns();
    assert_int_equal(state_users_session_open(db, "erin", "::1", now, c1, csrf), YM_OK);
    assert_int_equal(state_users_session_open(db, "erin", "::1", now, c2, csrf), YM_OK);
    assert_int_equal(state_users_session_close(db, c1), YM_OK);
    struct state_principal p;
    assert_int_equal(state_users_session_check(db, c1, now, &limits, &p), YM_ENOTFOUND);
    assert_int_equal(state_users_session_check(db, c2, now, &limits, &p), YM_OK);
    assert_int_equal(state_users_set_password(db, "erin", "new-erin-password", 0), YM_OK);
    assert_int_equal(state_users_session_check(db, c2, now, &limits, &p), YM_ENOTFOUND);
    struct state_user got;
    assert_int_equal(state_users_login(db, "erin", "erin-password", &got), YM_ENOTFOUND);
    assert_int_equal(state_users_login(db, "erin", "new-erin-password", &got), YM_OK);
}

static int count_token(void *arg, const struct state_token *t)
{
    (*(int *)arg)++;
    return 0;
}

static void token_works_until_revoked_by_its_owner(void **state)
{
    struct state_db *db = db_of(state);
    struct state_user u = user("frank", STATE_ROLE_ANALYST, "");
    struct state_user v = user("grace", STATE_ROLE_ANALYST, "");
    assert_int_equal(state_users_add(db, &u, "frank-password", NULL), YM_OK);
    assert_int_equal(state_users_add(db, &v, "grace-password", NULL), YM_OK);
    int64_t id;
    char token[STATE_USERS_TOKEN_LEN + 1];
    assert_int_equal(state_users_token_create(db, "frank", "script", &id, token), YM_OK);
    assert_memory_equal(token, STATE_USERS_TOKEN_PREFIX, 4);
    struct state_principal p;
    assert_int_equal(state_users_token_check(db, token, ym_time_now_ns(), &p), YM_OK);
    assert_string_equal(p.user.name, "frank");
    assert_true(p.via_token);
    /* Another user cannot revoke it; its owner can, once. */
    assert_int_equal(state_users_token_revoke(db, id, "grace"), YM_ENOTFOUND);
    assert_int_equal(state_users_token_revoke(db, id, "frank"), YM_OK);
    assert_int_equal(state_users_token_revoke(db, id, "frank"), YM_ENOTFOUND);
    assert_int_equal(state_users_token_check(db, token, ym_time_now_ns(), &p), YM_ENOTFOUND);
    int n = 0;
    assert_int_equal(state_users_tokens_each(db, "frank", count_token, &n), YM_OK);
    assert_int_equal(n, 1);
    /* A token for nobody is refused. */
    assert_int_equal(state_users_token_create(db, "nobody", "x", &id, token), YM_ENOTFOUND);
}

static void deleting_a_user_ends_its_sessions_and_tokens(void **state)
{
    struct state_db *db = db_of(state);
    struct state_user u = user("heidi", STATE_ROLE_CUSTOMER, "globex");
    assert_int_equal(state_users_add(db, &u, "heidi-password", NULL), YM_OK);
    char cookie[65], csrf[65], token[STATE_USERS_TOKEN_LEN + 1];
    int64_t id, now = ym_time_now_ns();
    assert_int_equal(state_users_session_open(db, "heidi", "", now, cookie, csrf), YM_OK);
    assert_int_equal(state_users_token_create(db, "heidi", "t", &id, token), YM_OK);
    assert_int_equal(state_users_delete(db, "heidi"), YM_OK);
    struct state_principal p;
    assert_int_equal(state_users_session_check(db, cookie, now, &limits, &p), YM_ENOTFOUND);
    assert_int_equal(state_users_token_check(db, token, now, &p), YM_ENOTFOUND);
    assert_int_equal(state_users_delete(db, "heidi"), YM_ENOTFOUND);
}

static void random_password_uses_the_alphabet(void **state)
{
    char pw[21];
    assert_int_equal(state_users_random_password(pw, sizeof pw, 20), YM_OK);
    assert_int_equal(strlen(pw), 20);
    for (size_t i = 0; i < 20; i++)
        assert_non_null(strchr("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", pw[i]));
    assert_int_equal(state_users_random_password(pw, 5, 20), YM_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(argon2id_hash_verifies_only_its_password),
        cmocka_unit_test(random_password_uses_the_alphabet),
        cmocka_unit_test_setup_teardown(login_accepts_right_password_only, open_db, close_db),
        cmocka_unit_test_setup_teardown(customers_need_a_tenant_and_staff_have_none, open_db,
                                        close_db),
        cmocka_unit_test_setup_teardown(session_resolves_until_idle_expiry, open_db, close_db),
        cmocka_unit_test_setup_teardown(session_ends_at_logout_and_password_change, open_db,
                                        close_db),
        cmocka_unit_test_setup_teardown(token_works_until_revoked_by_its_owner, open_db, close_db),
        cmocka_unit_test_setup_teardown(deleting_a_user_ends_its_sessions_and_tokens, open_db,
                                        close_db),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
