/* Unit tests of the portal's shared answers (portal_cache.c): an answer is
 * served until it ages, never after a change unless the route's answer
 * only ages (loose), an aged answer is served while another caller
 * computes, and a caller that gives up lets the next one compute. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "portal/portal_internal.h"

static void answer_is_shared_until_it_ages(void **state)
{
    struct portal_cache *c = portal_cache_create();
    size_t len;
    uint64_t gen;
    assert_null(portal_cache_get(c, "GET /a|acme|", 0, &len, &gen));
    portal_cache_put(c, "GET /a|acme|", "{\"n\":1}", 7, 60000, gen);
    char *got = portal_cache_get(c, "GET /a|acme|", 0, &len, &gen);
    assert_non_null(got);
    assert_int_equal(len, 7);
    assert_string_equal(got, "{\"n\":1}");
    free(got);
    /* Another tenant filter is another answer. */
    assert_null(portal_cache_get(c, "GET /a|globex|", 0, &len, &gen));
    portal_cache_destroy(c);
}

static void change_makes_strict_answers_stale_but_not_loose_ones(void **state)
{
    struct portal_cache *c = portal_cache_create();
    size_t len;
    uint64_t gs, gl;
    assert_null(portal_cache_get(c, "strict", 0, &len, &gs));
    portal_cache_put(c, "strict", "1", 1, 60000, gs);
    assert_null(portal_cache_get(c, "loose", 1, &len, &gl));
    portal_cache_put(c, "loose", "2", 1, 60000, gl);
    portal_cache_bump(c);
    /* The strict answer is recomputed (this caller computes it)... */
    assert_null(portal_cache_get(c, "strict", 0, &len, &gs));
    portal_cache_put(c, "strict", "3", 1, 60000, gs);
    char *got = portal_cache_get(c, "strict", 0, &len, &gs);
    assert_string_equal(got, "3");
    free(got);
    /* ...the loose one is still served. */
    got = portal_cache_get(c, "loose", 1, &len, &gl);
    assert_string_equal(got, "2");
    free(got);
    portal_cache_destroy(c);
}

static void answer_computed_before_a_change_is_not_served_after_it(void **state)
{
    struct portal_cache *c = portal_cache_create();
    size_t len;
    uint64_t gen;
    assert_null(portal_cache_get(c, "k", 0, &len, &gen));
    portal_cache_bump(c); /* the state changes while the answer is computed */
    portal_cache_put(c, "k", "old", 3, 60000, gen);
    assert_null(portal_cache_get(c, "k", 0, &len, &gen));
    portal_cache_destroy(c);
}

static void aged_answer_is_served_while_another_caller_computes(void **state)
{
    struct portal_cache *c = portal_cache_create();
    size_t len;
    uint64_t gen;
    assert_null(portal_cache_get(c, "k", 0, &len, &gen));
    portal_cache_put(c, "k", "v1", 2, 1, gen); /* ages after 1 ms */
    usleep(5000);
    /* The first caller after it aged computes... */
    assert_null(portal_cache_get(c, "k", 0, &len, &gen));
    /* ...the next one gets the aged answer meanwhile. */
    char *got = portal_cache_get(c, "k", 0, &len, &gen);
    assert_string_equal(got, "v1");
    free(got);
    portal_cache_put(c, "k", "v2", 2, 60000, gen);
    got = portal_cache_get(c, "k", 0, &len, &gen);
    assert_string_equal(got, "v2");
    free(got);
    portal_cache_destroy(c);
}

static void giving_up_lets_the_next_caller_compute(void **state)
{
    struct portal_cache *c = portal_cache_create();
    size_t len;
    uint64_t gen;
    assert_null(portal_cache_get(c, "k", 0, &len, &gen));
    portal_cache_put(c, "k", NULL, 0, 60000, gen); /* the handler failed */
    /* Not served anything, and not kept waiting for the failed caller. */
    assert_null(portal_cache_get(c, "k", 0, &len, &gen));
    portal_cache_destroy(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(answer_is_shared_until_it_ages),
        cmocka_unit_test(change_makes_strict_answers_stale_but_not_loose_ones),
        cmocka_unit_test(answer_computed_before_a_change_is_not_served_after_it),
        cmocka_unit_test(aged_answer_is_served_while_another_caller_computes),
        cmocka_unit_test(giving_up_lets_the_next_caller_compute),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
