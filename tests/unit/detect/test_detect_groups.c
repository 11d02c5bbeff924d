/* The correlation group table: exact keys, windows that move from inline
 * to the heap intact, sweeps that keep what is live (with its key), and
 * the bound on groups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/ym_time.h"
#include "detect/detect_groups.h"

#define MIN (60 * YM_NS_PER_S)

static struct detect_group *get(struct detect_groups *t, const char *key, int64_t now)
{
    return detect_groups_get(t, key, strlen(key), now, MIN);
}

static void keys_are_exact(void **state)
{
    (void)state;
    struct detect_groups t;
    detect_groups_init(&t, 0);
    struct detect_group *a = get(&t, "10.0.0.1\x1f", 1);
    a->last_ns = 1;
    a->count = 1;
    assert_ptr_equal(get(&t, "10.0.0.1\x1f", 2), a);
    struct detect_group *b = get(&t, "10.0.0.10\x1f", 2);
    assert_ptr_not_equal(b, a);
    assert_int_equal(b->count, 0); /* new: empty */
    assert_int_equal(get(&t, "", 3)->count, 0); /* the empty key is a key too */
    assert_int_equal(t.count, 3);
    detect_groups_free(&t);
}

static void windows_grow_from_inline_to_heap(void **state)
{
    (void)state;
    for (int with_values = 0; with_values <= 1; with_values++) {
        struct detect_groups t;
        detect_groups_init(&t, with_values);
        struct detect_group *g = get(&t, "k", 1);
        for (uint32_t i = 0; i < 100; i++) {
            detect_group_reserve(&t, g, g->count + 1);
            detect_group_times(g)[g->count] = (int64_t)i * 10;
            if (with_values)
                detect_group_values(g)[g->count] = 1000u + i;
            g->count++;
        }
        assert_true(detect_group_room(&t, g) >= 100);
        for (uint32_t i = 0; i < 100; i++) {
            assert_int_equal(detect_group_times(g)[i], (int64_t)i * 10);
            if (with_values)
                assert_int_equal(detect_group_values(g)[i], 1000u + i);
        }
        detect_groups_free(&t);
    }
}

/* Many groups (the table grows several times), then a sweep at a time that
 * leaves every other one: the live ones keep their window and their key. */
static void sweep_keeps_live_groups_and_keys(void **state)
{
    (void)state;
    struct detect_groups t;
    detect_groups_init(&t, 1);
    char key[32];
    for (int i = 0; i < 20000; i++) {
        snprintf(key, sizeof key, "198.51.%d.%d\x1f", i / 256, i % 256);
        struct detect_group *g = get(&t, key, 1);
        g->last_ns = i % 2 ? 10 * MIN : 1;
        detect_group_reserve(&t, g, 3);
        for (int k = 0; k < 3; k++) {
            detect_group_times(g)[k] = i;
            detect_group_values(g)[k] = (uint64_t)(i + k);
        }
        g->count = 3;
    }
    assert_int_equal(t.count, 20000);
    detect_groups_sweep(&t, 5 * MIN);
    assert_int_equal(t.count, 10000);
    for (int i = 0; i < 20000; i++) {
        snprintf(key, sizeof key, "198.51.%d.%d\x1f", i / 256, i % 256);
        struct detect_group *g = get(&t, key, 10 * MIN);
        if (i % 2) {
            assert_int_equal(g->count, 3);
            assert_int_equal(detect_group_values(g)[2], (uint64_t)(i + 2));
        } else {
            assert_int_equal(g->count, 0); /* swept: made again, empty */
        }
    }
    assert_int_equal(t.count, 20000);
    detect_groups_free(&t);
}

/* Groups that stay live up to the bound: the next new key is refused (the
 * caller counts it), existing keys are still found. */
static void the_bound_refuses_new_groups(void **state)
{
    (void)state;
    struct detect_groups t;
    detect_groups_init(&t, 0);
    char key[32];
    for (int i = 0; i < DETECT_GROUPS_MAX; i++) {
        snprintf(key, sizeof key, "%d", i);
        struct detect_group *g = get(&t, key, MIN);
        assert_non_null(g);
        g->last_ns = MIN;
    }
    assert_int_equal(t.count, DETECT_GROUPS_MAX);
    assert_null(get(&t, "one too many", MIN));
    assert_non_null(get(&t, "12345", MIN));
    /* a minute later everything is idle: the next new key sweeps and fits */
    assert_non_null(get(&t, "one more", 3 * MIN));
    assert_int_equal(t.count, 1);
    detect_groups_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keys_are_exact),
        cmocka_unit_test(windows_grow_from_inline_to_heap),
        cmocka_unit_test(sweep_keeps_live_groups_and_keys),
        cmocka_unit_test(the_bound_refuses_new_groups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
