/* Unit tests of the --json line of a search match (search_format): the
 * raw line survives exactly, also when it is not UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/ym_batch.h"
#include "parse/parse_ecs.h"
#include "search/search_format.h"

static struct archive_entry entry(const char *raw, size_t len)
{
    struct archive_entry e = {
        .tenant = "acme", .device = "fw1", .kind = "asa", .timezone = "", .peer = "192.0.2.10",
        .transport = YM_TR_UDP, .received_ns = 1795341600123000000LL, .ref = 42, .raw = raw,
        .raw_len = (uint32_t)len,
    };
    return e;
}

static void utf8_check_accepts_text_and_rejects_broken_bytes(void **state)
{
    (void)state;
    assert_true(search_format_utf8_ok("plain", 5));
    assert_true(search_format_utf8_ok("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\x92", 17));
    assert_false(search_format_utf8_ok("\xff", 1));
    assert_false(search_format_utf8_ok("caf\xc3", 4));         /* cut sequence */
    assert_false(search_format_utf8_ok("\xc0\xaf", 2));        /* overlong '/' */
    assert_false(search_format_utf8_ok("\xed\xa0\x80", 3));    /* surrogate */
    assert_false(search_format_utf8_ok("a\0b", 3));            /* NUL */
}

static void base64_follows_rfc4648(void **state)
{
    (void)state;
    static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const want[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        struct ym_buf b = YM_BUF_INIT;
        ym_buf_adds(&b, "");
        search_format_base64((const unsigned char *)in[i], strlen(in[i]), &b);
        assert_string_equal(b.data, want[i]);
        ym_buf_free(&b);
    }
}

static void json_line_has_the_entry_and_the_raw_text(void **state)
{
    (void)state;
    const char *raw = "<134>say \"hi\"\tnow";
    struct archive_entry e = entry(raw, strlen(raw));
    struct ym_buf b = YM_BUF_INIT;
    search_format_json(&e, NULL, &b);
    assert_string_equal(b.data, "{\"received\":\"2026-11-22T10:00:00.123Z\",\"tenant\":\"acme\","
                                "\"device\":\"fw1\",\"kind\":\"asa\",\"peer\":\"192.0.2.10\","
                                "\"transport\":\"udp\",\"ref\":42,"
                                "\"raw\":\"<134>say \\\"hi\\\"\\tnow\"}");
    ym_buf_free(&b);
}

static void json_line_adds_base64_when_the_raw_line_is_not_utf8(void **state)
{
    (void)state;
    struct archive_entry e = entry("ab\xff", 3);
    e.peer = "";
    struct ym_buf b = YM_BUF_INIT;
    search_format_json(&e, NULL, &b);
    assert_non_null(strstr(b.data, "\"peer\":null"));
    assert_non_null(strstr(b.data, "\"raw\":\"ab\\u00ff\""));
    assert_non_null(strstr(b.data, "\"raw_base64\":\"YWL/\""));
    ym_buf_free(&b);
}

static void json_line_nests_the_fields(void **state)
{
    (void)state;
    struct archive_entry e = entry("x", 1);
    struct ym_arena arena;
    ym_arena_init(&arena, 4096, 0);
    struct ym_fields f;
    ym_fields_init(&f, &arena);
    ecs_add(&f, ECS_SOURCE_IP, "198.51.100.7", 12);
    struct ym_buf b = YM_BUF_INIT;
    search_format_json(&e, &f, &b);
    assert_non_null(strstr(b.data, ",\"fields\":{\"source\":{\"ip\":\"198.51.100.7\"}}}"));
    ym_buf_free(&b);
    ym_arena_fini(&arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_check_accepts_text_and_rejects_broken_bytes),
        cmocka_unit_test(base64_follows_rfc4648),
        cmocka_unit_test(json_line_has_the_entry_and_the_raw_text),
        cmocka_unit_test(json_line_adds_base64_when_the_raw_line_is_not_utf8),
        cmocka_unit_test(json_line_nests_the_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
