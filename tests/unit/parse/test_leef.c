/* Unit tests of the LEEF decoder: IBM's 1.0 and 2.0 examples, delimiters given
 * as characters or hex, escapes, times, vendor routing, broken lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/ym_time.h"
#include "parse/parse.h"
#include "parse/parse_ecs.h"
#include "parse/parse_syslog.h"

static int64_t T(const char *rfc3339)
{
    int64_t t = 0;
    assert_int_equal(ym_time_parse_arg(rfc3339, 0, &t), YM_OK);
    return t;
}

struct fixture {
    struct ym_arena arena;
    struct ym_record rec;
    struct parse_stats stats;
};

static int setup(void **state)
{
    static struct fixture fx;
    memset(&fx, 0, sizeof fx);
    ym_arena_init(&fx.arena, 1 << 16, 0);
    *state = &fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    ym_arena_fini(&fx->arena);
    return 0;
}

/* Parses line as the given kind and zone, the way `yamori parse` does. */
static struct ym_record *run_tz(struct fixture *fx, const char *kind, const char *tz, const char *line)
{
    memset(&fx->rec, 0, sizeof fx->rec);
    memset(&fx->stats, 0, sizeof fx->stats);
    fx->rec.raw = ym_arena_strndup(&fx->arena, line, strlen(line));
    fx->rec.raw_len = (uint32_t)strlen(line);
    fx->rec.received_ns = T("2026-11-22T11:59:59Z");
    ym_fields_init(&fx->rec.fields, &fx->arena);
    struct parse_ctx ctx = {kind, tz, T("2026-11-22T12:00:00Z")};
    parse_record(&ctx, &fx->rec, &fx->stats);
    return &fx->rec;
}

/* The decoder's own verdict on line (no fallback to other decoders). */
__attribute__((unused)) static enum ym_status verdict(struct fixture *fx, const char *kind, const char *line)
{
    memset(&fx->rec, 0, sizeof fx->rec);
    fx->rec.raw = ym_arena_strndup(&fx->arena, line, strlen(line));
    fx->rec.raw_len = (uint32_t)strlen(line);
    ym_fields_init(&fx->rec.fields, &fx->arena);
    struct parse_ctx ctx = {kind, "", T("2026-11-22T12:00:00Z")};
    struct parse_syslog_hdr hdr;
    parse_syslog_header(fx->rec.raw, fx->rec.raw_len, "", ctx.now_ns, &hdr);
    return parse_decoder_find(kind)->decode(&ctx, &hdr, &fx->rec);
}

__attribute__((unused)) static void assert_str(const struct ym_record *r, const char *name, const char *want)
{
    const struct ym_field *x = ym_fields_get(&r->fields, name);
    if (!x)
        fail_msg("field %s missing", name);
    if (x->type != YM_FT_STR || x->len != strlen(want) || memcmp(x->str, want, x->len))
        fail_msg("field %s is \"%.*s\" (type %d), want \"%s\"", name, (int)x->len,
                 x->str ? x->str : "", x->type, want);
}

__attribute__((unused)) static void assert_int(const struct ym_record *r, const char *name, int64_t want)
{
    const struct ym_field *x = ym_fields_get(&r->fields, name);
    if (!x)
        fail_msg("field %s missing", name);
    if ((x->type != YM_FT_INT && x->type != YM_FT_BOOL) || x->num != want)
        fail_msg("field %s is %lld (type %d), want %lld", name, (long long)x->num, x->type,
                 (long long)want);
}

__attribute__((unused)) static void assert_absent(const struct ym_record *r, const char *name)
{
    if (ym_fields_get(&r->fields, name))
        fail_msg("field %s present, want absent", name);
}

/* Whether the array field name has the element want. */
__attribute__((unused)) static void assert_has(const struct ym_record *r, const char *name, const char *want)
{
    for (uint32_t i = 0; i < r->fields.count; i++) {
        const struct ym_field *x = &r->fields.v[i];
        if (!strcmp(x->name, name) && x->len == strlen(want) && !memcmp(x->str, want, x->len))
            return;
    }
    fail_msg("field %s has no element \"%s\"", name, want);
}

__attribute__((unused)) static void assert_time(const struct ym_record *r, const char *rfc3339)
{
    assert_int_equal(r->time_ns, T(rfc3339));
}

/* IBM's documented examples. */
#define IBM_LEEF1                                                                                  \
    "LEEF:1.0|Microsoft|MSExchange|4.0 SP1|15345|src=192.0.2.0\tdst=172.50.123.1\tsev=5\t"         \
    "cat=anomaly\tsrcPort=81\tdstPort=21\tusrName=joe.black"
#define IBM_LEEF2                                                                                  \
    "LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=192.0.2.0^dst=172.50.123.1^sev=5^cat=anomaly^"     \
    "srcPort=81^dstPort=21^usrName=joe.black"

static void check_ibm_example(const struct ym_record *r)
{
    assert_false(r->flags & (YM_REC_PARSE_ERROR | YM_REC_UNPARSED));
    assert_str(r, "source.ip", "192.0.2.0");
    assert_str(r, "destination.ip", "172.50.123.1");
    assert_int(r, "source.port", 81);
    assert_int(r, "destination.port", 21);
    assert_int(r, "event.severity", 5);
    assert_str(r, "user.name", "joe.black");
    assert_str(r, "leef.attributes.cat", "anomaly");
}

static void test_leef1_ibm_example_tab_separated(void **state)
{
    struct ym_record *r = run_tz(*state, "leef", "", IBM_LEEF1);
    check_ibm_example(r);
    assert_str(r, "observer.vendor", "Microsoft");
    assert_str(r, "observer.product", "MSExchange");
    assert_str(r, "observer.version", "4.0 SP1");
    assert_str(r, "event.code", "15345");
    assert_str(r, "leef.version", "1.0");
}

static void test_leef2_ibm_example_caret_delimiter(void **state)
{
    struct ym_record *r = run_tz(*state, "leef", "", IBM_LEEF2);
    check_ibm_example(r);
    assert_str(r, "observer.vendor", "Lancope");
    assert_str(r, "event.code", "41");
}

static void test_leef2_hex_delimiter_and_escaped_delimiter(void **state)
{
    struct ym_record *r = run_tz(*state, "leef", "",
        "<13>Nov 21 08:00:00 sw01 LEEF:2.0|L|S|1.0|41|0x5E|src=192.0.2.0^msg=a \\^ b=c^usrName=CORP\\joe");
    assert_str(r, "source.ip", "192.0.2.0");
    assert_str(r, "message", "a ^ b=c");
    assert_str(r, "user.name", "joe");
    assert_str(r, "user.domain", "CORP");
    r = run_tz(*state, "leef", "", "LEEF:2.0|L|S|1.0|41|x7C|src=192.0.2.1|dst=192.0.2.2");
    assert_str(r, "destination.ip", "192.0.2.2");
}

static void test_leef2_without_delimiter_field_uses_tab(void **state)
{
    struct ym_record *r = run_tz(*state, "leef", "", "LEEF:2.0|L|S|1.0|41|src=192.0.2.0\tdstPort=22");
    assert_str(r, "source.ip", "192.0.2.0");
    assert_int(r, "destination.port", 22);
}

static void test_device_time_sets_timestamp(void **state)
{
    struct ym_record *r = run_tz(*state, "leef", "",
        "LEEF:1.0|A|P|1.0|e|devTime=1795248000000\tsrc=10.0.0.8");
    assert_int_equal(r->time_ns, 1795248000000LL * 1000000);
    r = run_tz(*state, "leef", "-05:00",
        "LEEF:2.0|A|P|1.0|e|^|devTime=Nov 21 2026 08:01:02^devTimeFormat=MMM dd yyyy HH:mm:ss");
    assert_time(r, "2026-11-21T13:01:02Z");
}

static void test_fireeye_leef_gets_fireeye_mapping(void **state)
{
    struct ym_record *r = run_tz(*state, "leef", "",
        "LEEF:1.0|FireEye|MPS|9.0.2|malware-callback|sev=9\tsrc=10.1.1.77\tdst=203.0.113.66\t"
        "cncHost=c2.badexample.org\tsname=Backdoor.APT.Example\tact=notified");
    assert_str(r, "observer.vendor", "Fireeye");
    assert_str(r, "fireeye.cnc.host", "c2.badexample.org");
    assert_str(r, "rule.name", "Backdoor.APT.Example");
    assert_str(r, "event.kind", "alert");
}

static void test_bad_delimiter_and_short_header_are_parse_errors(void **state)
{
    struct ym_record *r = run_tz(*state, "leef", "", "LEEF:2.0|A|B|1.0|1|0xZZ|src=1.2.3.4");
    assert_true(r->flags & YM_REC_PARSE_ERROR);
    r = run_tz(*state, "leef", "", "LEEF:1.0|Acme|Short");
    assert_true(r->flags & YM_REC_PARSE_ERROR);
    assert_str(r, "error.message", "LEEF header has fewer than 5 fields");
}

static void test_not_leef_is_declined(void **state)
{
    assert_int_equal(verdict(*state, "leef", "CEF:0|A|B|1|x|y|1|src=1.2.3.4"), YM_EDECLINED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_leef1_ibm_example_tab_separated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leef2_ibm_example_caret_delimiter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leef2_hex_delimiter_and_escaped_delimiter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leef2_without_delimiter_field_uses_tab, setup, teardown),
        cmocka_unit_test_setup_teardown(test_device_time_sets_timestamp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fireeye_leef_gets_fireeye_mapping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_delimiter_and_short_header_are_parse_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_leef_is_declined, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
