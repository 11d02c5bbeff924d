/* Unit tests of the CEF decoder: header and extension escapes, ECS mapping,
 * times, custom labels, vendor routing, broken and foreign lines. */
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

static void test_header_fields_and_escapes(void **state)
{
    struct ym_record *r = run_tz(*state, "cef", "",
        "CEF:0|Acme|Auth\\|Server|1.0|100|User logon\\\\ok|Low|src=192.0.2.17");
    assert_false(r->flags & (YM_REC_PARSE_ERROR | YM_REC_UNPARSED));
    assert_str(r, "cef.version", "0");
    assert_str(r, "observer.vendor", "Acme");
    assert_str(r, "observer.product", "Auth|Server");
    assert_str(r, "observer.version", "1.0");
    assert_str(r, "event.code", "100");
    assert_str(r, "cef.name", "User logon\\ok");
    assert_str(r, "cef.severity", "Low");
    assert_int(r, "event.severity", 0);
}

static void test_extension_values_run_to_next_key_with_escapes(void **state)
{
    struct ym_record *r = run_tz(*state, "cef", "",
        "CEF:0|A|B|1|x|y|5|msg=two words\\nand a\\=b \\\\ end request=http://h/a?b\\=c suser=bob   ");
    assert_str(r, "message", "two words\nand a=b \\ end");
    assert_str(r, "url.original", "http://h/a?b=c");
    assert_str(r, "source.user.name", "bob");
    assert_str(r, "cef.extensions.sourceUserName", "bob");
}

static void test_short_and_full_names_map_to_ecs(void **state)
{
    struct ym_record *r = run_tz(*state, "cef", "",
        "<134>Nov 21 09:30:00 gw CEF:0|A|B|1|x|y|7|src=10.0.0.1 spt=1234 dst=203.0.113.7 dpt=80 "
        "proto=TCP act=blocked in=512 out=0 destinationTranslatedAddress=10.9.9.9 "
        "sourceServiceName=httpd requestContext=https://ref.example/ dpriv=root deviceDirection=1");
    assert_str(r, "source.ip", "10.0.0.1");
    assert_int(r, "source.port", 1234);
    assert_str(r, "destination.ip", "203.0.113.7");
    assert_int(r, "destination.port", 80);
    assert_str(r, "network.transport", "tcp");
    assert_str(r, "event.action", "blocked");
    assert_int(r, "source.bytes", 512);
    assert_int(r, "destination.bytes", 0);
    assert_str(r, "destination.nat.ip", "10.9.9.9");
    assert_str(r, "source.service.name", "httpd");
    assert_str(r, "http.request.referrer", "https://ref.example/");
    assert_str(r, "destination.user.group.name", "root");
    assert_str(r, "network.direction", "outbound");
    assert_int(r, "cef.extensions.sourcePort", 1234);
    assert_int(r, "event.severity", 7);
}

static void test_receipt_time_sets_timestamp(void **state)
{
    struct ym_record *r = run_tz(*state, "cef", "", "CEF:0|A|B|1|x|y|1|rt=1795253400000 src=10.0.0.1");
    assert_int_equal(r->time_ns, 1795253400000LL * 1000000);
    r = run_tz(*state, "cef", "+02:00", "CEF:0|A|B|1|x|y|1|rt=Nov 21 2026 09:29:58 src=10.0.0.1");
    assert_time(r, "2026-11-21T07:29:58Z");
    r = run_tz(*state, "cef", "+02:00", "CEF:0|A|B|1|x|y|1|rt=Nov 21 2026 09:29:58 UTC");
    assert_time(r, "2026-11-21T09:29:58Z");
}

static void test_custom_labels_are_kept(void **state)
{
    struct ym_record *r = run_tz(*state, "cef", "",
        "CEF:0|A|B|1|x|y|1|cs1Label=policy cs1=Block Malware cn1Label=risk cn1=91 foo=bar");
    assert_str(r, "cef.extensions.deviceCustomString1Label", "policy");
    assert_str(r, "cef.extensions.deviceCustomString1", "Block Malware");
    assert_int(r, "cef.extensions.deviceCustomNumber1", 91);
    assert_str(r, "cef.extensions.foo", "bar");
}

static void test_fireeye_cef_gets_fireeye_mapping(void **state)
{
    struct ym_record *r = run_tz(*state, "cef", "",
        "CEF:0|FireEye|CMS|9.0|MC|malware-callback|10|src=10.1.1.50 dst=203.0.113.66 act=blocked "
        "cs1Label=sname cs1=Trojan.Generic.CnC dhost=cnc.badexample.org");
    assert_str(r, "observer.vendor", "Fireeye");
    assert_str(r, "rule.name", "Trojan.Generic.CnC");
    assert_str(r, "fireeye.cnc.host", "cnc.badexample.org");
    assert_str(r, "event.kind", "alert");
    assert_has(r, "event.type", "denied");
}

static void test_mcafee_nsp_cef_gets_nsp_mapping(void **state)
{
    struct ym_record *r = run_tz(*state, "cef", "",
        "CEF:0|McAfee|Network Security Manager|10.1|0x4022c900|HTTP: SQL Injection|7|"
        "src=198.51.100.23 dst=10.1.5.20 act=Attack Blocked cat=Exploit");
    assert_str(r, "rule.id", "0x4022c900");
    assert_str(r, "rule.name", "HTTP: SQL Injection");
    assert_str(r, "rule.category", "Exploit");
    assert_int(r, "nsp.blocked", 1);
    assert_str(r, "observer.type", "ids");
}

static void test_short_header_is_a_parse_error(void **state)
{
    struct ym_record *r = run_tz(*state, "cef", "", "CEF:0|Acme|Broken|1.0|only four");
    assert_true(r->flags & YM_REC_PARSE_ERROR);
    assert_str(r, "error.message", "CEF header has fewer than 7 fields");
    assert_str(r, "event.original", "CEF:0|Acme|Broken|1.0|only four");
}

static void test_not_cef_is_declined(void **state)
{
    assert_int_equal(verdict(*state, "cef", "<134>Nov 21 10:00:00 host app: hello"), YM_EDECLINED);
    assert_int_equal(verdict(*state, "cef", ""), YM_EDECLINED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_header_fields_and_escapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_extension_values_run_to_next_key_with_escapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_short_and_full_names_map_to_ecs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_receipt_time_sets_timestamp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_custom_labels_are_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fireeye_cef_gets_fireeye_mapping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mcafee_nsp_cef_gets_nsp_mapping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_short_header_is_a_parse_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_cef_is_declined, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
