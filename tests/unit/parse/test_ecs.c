/* Unit tests of parse_ecs: the name table and the nested ECS JSON output
 * (nesting, arrays, value types, escaping, odd names). Every output is
 * read back with jansson to check it is valid JSON of the expected shape. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "parse/parse_ecs.h"

struct fx {
    struct ym_arena arena;
    struct ym_fields f;
    struct ym_buf out;
};

static int setup(void **state)
{
    static struct fx fx;
    memset(&fx, 0, sizeof fx);
    ym_arena_init(&fx.arena, 1 << 16, 0);
    ym_fields_init(&fx.f, &fx.arena);
    *state = &fx;
    return 0;
}

static int teardown(void **state)
{
    struct fx *fx = *state;
    ym_buf_free(&fx->out);
    ym_arena_fini(&fx->arena);
    return 0;
}

/* Writes the fields and parses the text back; the caller json_decref()s. */
static json_t *render(struct fx *fx)
{
    ym_buf_clear(&fx->out);
    parse_ecs_to_json(&fx->f, &fx->out);
    json_error_t err;
    json_t *j = json_loadb(fx->out.data, fx->out.len, 0, &err);
    if (!j)
        fail_msg("invalid JSON (%s): %s", err.text, fx->out.data);
    return j;
}

static json_t *at(json_t *j, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    char *save = NULL;
    for (char *tok = strtok_r(buf, "/", &save); tok && j; tok = strtok_r(NULL, "/", &save))
        j = json_object_get(j, tok);
    return j;
}

static void test_lookup(void **state)
{
    (void)state;
    assert_int_equal(parse_ecs_lookup("source.ip", 9), ECS_SOURCE_IP);
    assert_string_equal(parse_ecs_name(ECS_SOURCE_IP), "source.ip");
    assert_int_equal(parse_ecs_lookup("source.ipx", 10), YM_FIELD_DYNAMIC);
    assert_int_equal(parse_ecs_lookup("source.ip", 6), YM_FIELD_DYNAMIC);
    assert_int_equal(parse_ecs_lookup("", 0), YM_FIELD_DYNAMIC);
}

static void test_nested(void **state)
{
    struct fx *fx = *state;
    ecs_add(&fx->f, ECS_SOURCE_IP, "10.0.0.1", 8);
    ecs_add_int(&fx->f, ECS_SOURCE_PORT, 443);
    ecs_add(&fx->f, ECS_DESTINATION_IP, "10.0.0.2", 8);
    ym_fields_add(&fx->f, YM_FIELD_DYNAMIC, "cisco.asa.message_id", "302013", 6);
    ecs_add(&fx->f, ECS_TIMESTAMP, "2026-11-22T10:00:00.000Z", 24);
    json_t *j = render(fx);
    assert_string_equal(json_string_value(at(j, "source/ip")), "10.0.0.1");
    assert_int_equal(json_integer_value(at(j, "source/port")), 443);
    assert_string_equal(json_string_value(at(j, "destination/ip")), "10.0.0.2");
    assert_string_equal(json_string_value(at(j, "cisco/asa/message_id")), "302013");
    assert_string_equal(json_string_value(at(j, "@timestamp")), "2026-11-22T10:00:00.000Z");
    assert_int_equal(json_object_size(j), 4);
    json_decref(j);
}

static void test_arrays_and_last_wins(void **state)
{
    struct fx *fx = *state;
    ecs_add_array(&fx->f, ECS_EVENT_CATEGORY, "network", 7);
    ecs_add(&fx->f, ECS_EVENT_ACTION, "first", 5);
    ecs_add_array(&fx->f, ECS_EVENT_CATEGORY, "intrusion_detection", 19);
    ecs_add_array(&fx->f, ECS_EVENT_TYPE, "denied", 6); /* alone, still an array */
    ecs_add(&fx->f, ECS_EVENT_ACTION, "second", 6);     /* no ARRAY flag: last wins */
    json_t *j = render(fx);
    json_t *cat = at(j, "event/category");
    assert_true(json_is_array(cat));
    assert_int_equal(json_array_size(cat), 2);
    assert_string_equal(json_string_value(json_array_get(cat, 0)), "network");
    assert_string_equal(json_string_value(json_array_get(cat, 1)), "intrusion_detection");
    assert_true(json_is_array(at(j, "event/type")));
    assert_int_equal(json_array_size(at(j, "event/type")), 1);
    assert_string_equal(json_string_value(at(j, "event/action")), "second");
    json_decref(j);
}

static void test_types(void **state)
{
    struct fx *fx = *state;
    ym_fields_add_int(&fx->f, YM_FIELD_DYNAMIC, "n.int", -42);
    ym_fields_add_float(&fx->f, YM_FIELD_DYNAMIC, "n.float", 0.5);
    ym_fields_add_bool(&fx->f, YM_FIELD_DYNAMIC, "n.yes", 1);
    struct ym_field *raw = ym_fields_add(&fx->f, YM_FIELD_DYNAMIC, "n.raw", "[{\"a\":1}]", 9);
    raw->type = YM_FT_JSON;
    json_t *j = render(fx);
    assert_int_equal(json_integer_value(at(j, "n/int")), -42);
    assert_true(json_real_value(at(j, "n/float")) == 0.5);
    assert_true(json_is_true(at(j, "n/yes")));
    assert_int_equal(json_integer_value(json_object_get(json_array_get(at(j, "n/raw"), 0), "a")), 1);
    json_decref(j);
}

static void test_escaping(void **state)
{
    struct fx *fx = *state;
    const char v[] = "quote\" back\\ nl\n ctl\x01 bad\xff utf8\xc3\xa9";
    ecs_add(&fx->f, ECS_MESSAGE, v, sizeof v - 1);
    json_t *j = render(fx);
    const char *got = json_string_value(at(j, "message"));
    assert_non_null(got);
    assert_non_null(strstr(got, "quote\" back\\ nl\n ctl\x01"));
    assert_non_null(strstr(got, "utf8\xc3\xa9"));
    json_decref(j);
}

static void test_odd_names(void **state)
{
    struct fx *fx = *state;
    const char *names[] = {"a..b", ".lead", "trail.", "we\"ird.k\\ey", "x", "x.y", "\xc3\xa9t\xc3\xa9.v"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        ym_fields_add(&fx->f, YM_FIELD_DYNAMIC, names[i], "v", 1);
    json_t *j = render(fx); /* valid JSON whatever the names */
    assert_string_equal(json_string_value(at(j, "we\"ird/k\\ey")), "v");
    assert_string_equal(json_string_value(at(j, "\xc3\xa9t\xc3\xa9/v")), "v");
    json_decref(j);
}

static void test_many_fields(void **state)
{
    struct fx *fx = *state;
    char name[32];
    for (int i = 0; i < 200; i++) {
        int n = snprintf(name, sizeof name, "g%d.f%03d", i % 7, i);
        ym_fields_add_copy(&fx->f, YM_FIELD_DYNAMIC, ym_arena_strndup(&fx->arena, name, (size_t)n), name,
                           (size_t)n);
    }
    json_t *j = render(fx);
    size_t total = 0;
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v) total += json_object_size(v);
    assert_int_equal(total, 200);
    assert_string_equal(json_string_value(at(j, "g3/f010")), "g3.f010");
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup),
        cmocka_unit_test_setup_teardown(test_nested, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arrays_and_last_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escaping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_odd_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_fields, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
