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

#include "decoder_test.h"

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
