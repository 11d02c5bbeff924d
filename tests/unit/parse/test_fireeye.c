/* Unit tests of the FireEye decoder: NX eve JSON, alert JSON (NX and EX), CEF,
 * broken JSON and foreign lines. */
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

#define NX_FLOW                                                                                    \
    "{\"rawmsg\":\"{\\\"timestamp\\\":\\\"2026-11-21T08:34:44.991339+0000\\\",\\\"flow_id\\\":721,"   \
    "\\\"event_type\\\":\\\"flow\\\",\\\"src_ip\\\":\\\"192.168.1.15\\\",\\\"src_port\\\":39808,"        \
    "\\\"dest_ip\\\":\\\"203.0.113.14\\\",\\\"dest_port\\\":123,\\\"proto\\\":\\\"UDP\\\","            \
    "\\\"proto_number\\\":17,\\\"app_proto\\\":\\\"failed\\\",\\\"flow\\\":{\\\"pkts_toserver\\\":1,"   \
    "\\\"pkts_toclient\\\":2,\\\"bytes_toserver\\\":90,\\\"bytes_toclient\\\":180}}\\n\","              \
    "\"meta_sip4\":\"10.0.0.2\",\"deviceid\":\"860665216674\",\"meta_cbname\":\"nx01\"}"

static void test_nx_eve_flow_maps_endpoints_and_counters(void **state)
{
    struct ym_record *r = run_tz(*state, "fireeye", "", NX_FLOW);
    assert_false(r->flags & (YM_REC_PARSE_ERROR | YM_REC_UNPARSED));
    assert_time(r, "2026-11-21T08:34:44.991339Z");
    assert_str(r, "observer.vendor", "Fireeye");
    assert_str(r, "observer.product", "NX");
    assert_str(r, "source.ip", "192.168.1.15");
    assert_int(r, "source.port", 39808);
    assert_str(r, "destination.ip", "203.0.113.14");
    assert_int(r, "destination.port", 123);
    assert_str(r, "network.transport", "udp");
    assert_str(r, "network.iana_number", "17");
    assert_int(r, "source.packets", 1);
    assert_int(r, "destination.bytes", 180);
    assert_str(r, "observer.serial_number", "860665216674");
    assert_has(r, "event.type", "info");
}

static void test_alert_json_maps_malware_and_callback(void **state)
{
    struct ym_record *r = run_tz(*state, "fireeye", "",
        "{\"product\":\"Web MPS\",\"appliance\":\"nx01\",\"alert\":{\"id\":5521,\"name\":\"malware-callback\","
        "\"severity\":\"majr\",\"action\":\"blocked\",\"occurred\":\"2026-11-21T11:02:03Z\","
        "\"src\":{\"ip\":\"10.1.1.52\",\"port\":50111},\"dst\":{\"ip\":\"203.0.113.66\",\"port\":443},"
        "\"explanation\":{\"malware-detected\":{\"malware\":[{\"name\":\"Trojan.Generic.CnC\"}]},"
        "\"cnc-services\":{\"cnc-service\":{\"address\":\"c2.badexample.org\",\"port\":443}}}}}");
    assert_time(r, "2026-11-21T11:02:03Z");
    assert_str(r, "observer.product", "Web MPS");
    assert_str(r, "event.action", "malware-callback");
    assert_str(r, "event.id", "5521");
    assert_str(r, "rule.name", "Trojan.Generic.CnC");
    assert_str(r, "fireeye.cnc.host", "c2.badexample.org");
    assert_str(r, "threat.indicator.domain", "c2.badexample.org");
    assert_str(r, "source.ip", "10.1.1.52");
    assert_int(r, "destination.port", 443);
    assert_int(r, "event.severity", 7);
    assert_has(r, "event.type", "denied");
}

static void test_ex_alert_maps_sender_and_recipient(void **state)
{
    struct ym_record *r = run_tz(*state, "fireeye", "",
        "{\"product\":\"Email MPS\",\"alert\":{\"name\":\"malware-object\",\"severity\":\"crit\","
        "\"src\":{\"smtp-mail-from\":\"billing@badexample.org\"},\"dst\":{\"smtp-to\":\"frank@example.com\"},"
        "\"explanation\":{\"malware-detected\":{\"malware\":{\"name\":\"Malware.Binary.doc\","
        "\"md5sum\":\"0123456789abcdef0123456789abcdef\"}}}}}");
    assert_str(r, "email.from.address", "billing@badexample.org");
    assert_str(r, "email.to.address", "frank@example.com");
    assert_str(r, "file.hash.md5", "0123456789abcdef0123456789abcdef");
    assert_int(r, "event.severity", 9);
}

static void test_cef_alert_is_read(void **state)
{
    struct ym_record *r = run_tz(*state, "fireeye", "",
        "<164>Nov 21 09:31:00 cm01 CEF:0|FireEye|CMS|9.0|MC|malware-callback|10|src=10.1.1.50 "
        "dst=203.0.113.66 cs1Label=sname cs1=Trojan.X cn3Label=cncPort cn3=443");
    assert_str(r, "rule.name", "Trojan.X");
    assert_str(r, "fireeye.cnc.port", "443");
    assert_str(r, "source.ip", "10.1.1.50");
}

static void test_broken_json_is_a_parse_error(void **state)
{
    struct ym_record *r = run_tz(*state, "fireeye", "", "{\"alert\": broken");
    assert_true(r->flags & YM_REC_PARSE_ERROR);
    r = run_tz(*state, "fireeye", "", "{\"rawmsg\":\"not json\",\"deviceid\":\"1\"}");
    assert_true(r->flags & YM_REC_PARSE_ERROR);
    assert_str(r, "error.message", "FireEye rawmsg is not JSON");
}

static void test_not_fireeye_is_declined(void **state)
{
    assert_int_equal(verdict(*state, "fireeye", "<134>Nov 21 10:00:00 host app: hello"), YM_EDECLINED);
    assert_int_equal(verdict(*state, "fireeye", "{\"other\":1}"), YM_EDECLINED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_nx_eve_flow_maps_endpoints_and_counters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alert_json_maps_malware_and_callback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ex_alert_maps_sender_and_recipient, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cef_alert_is_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_broken_json_is_a_parse_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_fireeye_is_declined, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
