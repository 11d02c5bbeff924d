/* Unit tests of login throttling (portal_throttle.c): per account after 5
 * failures, per address after 20, cleared by a successful login, and over
 * when the 15-minute window ends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "core/ym_time.h"
#include "portal/portal_internal.h"

static const int64_t T0 = 1795300000LL * YM_NS_PER_S;

static void account_is_blocked_after_five_failures(void **state)
{
    struct portal_throttle *t = portal_throttle_create();
    for (int i = 0; i < PORTAL_THROTTLE_ACCOUNT_MAX; i++) {
        assert_false(portal_throttle_blocked(t, "alice", "192.0.2.1", T0 + i));
        portal_throttle_failed(t, "alice", "192.0.2.1", T0 + i);
    }
    assert_true(portal_throttle_blocked(t, "alice", "192.0.2.1", T0 + 10));
    /* From another address too (it is the account that is attacked)... */
    assert_true(portal_throttle_blocked(t, "alice", "198.51.100.2", T0 + 10));
    /* ...but not other accounts from the first address. */
    assert_false(portal_throttle_blocked(t, "bob", "192.0.2.1", T0 + 10));
    portal_throttle_destroy(t);
}

static void address_is_blocked_after_twenty_failures(void **state)
{
    struct portal_throttle *t = portal_throttle_create();
    for (int i = 0; i < PORTAL_THROTTLE_ADDRESS_MAX; i++) {
        char user[32];
        snprintf(user, sizeof user, "guess%d", i);
        portal_throttle_failed(t, user, "203.0.113.9", T0 + i);
    }
    assert_true(portal_throttle_blocked(t, "carol", "203.0.113.9", T0 + 100));
    assert_false(portal_throttle_blocked(t, "carol", "203.0.113.10", T0 + 100));
    portal_throttle_destroy(t);
}

static void success_clears_the_account(void **state)
{
    struct portal_throttle *t = portal_throttle_create();
    for (int i = 0; i < PORTAL_THROTTLE_ACCOUNT_MAX - 1; i++)
        portal_throttle_failed(t, "dave", "192.0.2.1", T0 + i);
    portal_throttle_clear(t, "dave", T0 + 10);
    portal_throttle_failed(t, "dave", "192.0.2.1", T0 + 11);
    assert_false(portal_throttle_blocked(t, "dave", "192.0.2.1", T0 + 12));
    portal_throttle_destroy(t);
}

static void block_ends_with_the_window(void **state)
{
    struct portal_throttle *t = portal_throttle_create();
    for (int i = 0; i < PORTAL_THROTTLE_ACCOUNT_MAX; i++)
        portal_throttle_failed(t, "erin", "192.0.2.1", T0);
    assert_true(portal_throttle_blocked(t, "erin", "192.0.2.1", T0 + 14 * 60 * YM_NS_PER_S));
    assert_false(portal_throttle_blocked(t, "erin", "192.0.2.1", T0 + 16 * 60 * YM_NS_PER_S));
    portal_throttle_destroy(t);
}

static void a_crowded_table_still_counts_new_failures(void **state)
{
    /* The table is bounded: 4000 names and addresses seen before fill
     * most of it; the failures of an account attacked now still count. */
    struct portal_throttle *t = portal_throttle_create();
    for (int i = 0; i < 2000; i++) {
        char user[32], addr[32];
        snprintf(user, sizeof user, "noise%d", i);
        snprintf(addr, sizeof addr, "10.0.%d.%d", i / 256, i % 256);
        portal_throttle_failed(t, user, addr, T0);
    }
    for (int i = 0; i < PORTAL_THROTTLE_ACCOUNT_MAX; i++)
        portal_throttle_failed(t, "frank", "192.0.2.1", T0 + 1000);
    assert_true(portal_throttle_blocked(t, "frank", "192.0.2.1", T0 + 2000));
    portal_throttle_destroy(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(account_is_blocked_after_five_failures),
        cmocka_unit_test(address_is_blocked_after_twenty_failures),
        cmocka_unit_test(success_clears_the_account),
        cmocka_unit_test(block_ends_with_the_window),
        cmocka_unit_test(a_crowded_table_still_counts_new_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
