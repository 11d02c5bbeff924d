/* Unit tests of the PAN-OS decoder: every log type's columns, times in the
 * device zone, quoting, truncated and foreign lines. */
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

#define HDR "<14>Nov 21 10:15:02 fw01 "
#define TRAFFIC_END                                                                                \
    HDR "1,2026/11/21 10:15:01,013201004321,TRAFFIC,end,2816,2026/11/21 10:15:01,10.1.20.15,"      \
        "198.51.100.20,203.0.113.5,198.51.100.20,allow-web,corp\\alice,,ssl,vsys1,trust,untrust,"  \
        "ethernet1/2,ethernet1/1,fwd,,48213,1,51514,443,40213,443,0x400053,tcp,allow,15873,2317,"  \
        "13556,42,2026/11/21 10:14:31,30,business,0,7410001,0x0,10.0.0.0-10.255.255.255,US,0,19," \
        "23,tcp-fin,0,0,0,0,,fw01,from-policy"

static void test_traffic_end_maps_endpoints_nat_and_counters(void **state)
{
    struct ym_record *r = run_tz(*state, "panos", "", TRAFFIC_END);
    assert_false(r->flags & (YM_REC_PARSE_ERROR | YM_REC_UNPARSED));
    assert_str(r, "source.ip", "10.1.20.15");
    assert_int(r, "source.port", 51514);
    assert_str(r, "source.nat.ip", "203.0.113.5");
    assert_int(r, "source.nat.port", 40213);
    assert_str(r, "destination.ip", "198.51.100.20");
    assert_int(r, "destination.port", 443);
    assert_str(r, "network.transport", "tcp");
    assert_str(r, "network.application", "ssl");
    assert_int(r, "network.bytes", 15873);
    assert_int(r, "source.bytes", 2317);
    assert_int(r, "destination.bytes", 13556);
    assert_int(r, "source.packets", 19);
    assert_int(r, "destination.packets", 23);
    assert_str(r, "observer.ingress.zone", "trust");
    assert_str(r, "observer.egress.interface.name", "ethernet1/1");
    assert_str(r, "observer.serial_number", "013201004321");
    assert_str(r, "observer.hostname", "fw01");
    assert_str(r, "rule.name", "allow-web");
    assert_str(r, "panw.panos.flow_id", "48213");
}

static void test_traffic_allow_is_success_and_flow_terminated(void **state)
{
    struct ym_record *r = run_tz(*state, "panos", "", TRAFFIC_END);
    assert_str(r, "event.action", "flow_terminated");
    assert_str(r, "event.outcome", "success");
    assert_has(r, "event.type", "allowed");
    assert_has(r, "event.type", "end");
    assert_has(r, "event.category", "network");
}

static void test_traffic_user_splits_domain(void **state)
{
    struct ym_record *r = run_tz(*state, "panos", "", TRAFFIC_END);
    assert_str(r, "source.user.name", "alice");
    assert_str(r, "source.user.domain", "corp");
    assert_str(r, "user.name", "alice");
}

static void test_traffic_start_and_elapsed_give_duration_and_end(void **state)
{
    struct ym_record *r = run_tz(*state, "panos", "", TRAFFIC_END);
    assert_time(r, "2026-11-21T10:15:01Z");
    assert_str(r, "event.start", "2026-11-21T10:14:31.000Z");
    assert_str(r, "event.end", "2026-11-21T10:15:01.000Z");
    assert_int(r, "event.duration", 30 * YM_NS_PER_S);
}

static void test_device_zone_applies_to_times_without_offset(void **state)
{
    struct ym_record *r = run_tz(*state, "panos", "+09:00", TRAFFIC_END);
    assert_time(r, "2026-11-21T01:15:01Z");
    assert_str(r, "event.start", "2026-11-21T01:14:31.000Z");
    r = run_tz(*state, "panos", "America/New_York", TRAFFIC_END);
    assert_time(r, "2026-11-21T15:15:01Z");
}

static void test_traffic_deny_is_failure(void **state)
{
    struct ym_record *r = run_tz(*state, "panos", "",
        "1,2026/11/21 10:15:03,0132,TRAFFIC,deny,2816,2026/11/21 10:15:03,192.0.2.77,10.1.5.9,,,"
        "block-in,,,not-applicable,vsys1,untrust,trust,ethernet1/1,ethernet1/2,fwd,,1,1,44120,3389,"
        "0,0,0x0,tcp,deny,74,74,0,1,2026/11/21 10:15:03,0,any");
    assert_str(r, "event.action", "flow_denied");
    assert_str(r, "event.outcome", "failure");
    assert_has(r, "event.type", "denied");
    assert_absent(r, "source.nat.ip");
}

static void test_threat_url_splits_url_and_names_threat(void **state)
{
    struct ym_record *r = run_tz(*state, "panos", "",
        HDR "1,2026/11/21 10:16:05,0132,THREAT,url,2816,2026/11/21 10:16:05,10.1.20.15,203.0.113.80,"
        ",,allow-web,,,web-browsing,vsys1,trust,untrust,e1,e2,fwd,,9,1,51600,80,0,0,0x0,tcp,"
        "block-url,\"malware.example.net/dropper/get.php?id=7\",(9999),malware,informational,"
        "client-to-server,7420002");
    assert_str(r, "event.action", "url_filtering");
    assert_str(r, "event.kind", "alert");
    assert_str(r, "event.outcome", "failure");
    assert_str(r, "url.original", "malware.example.net/dropper/get.php?id=7");
    assert_str(r, "url.domain", "malware.example.net");
    assert_str(r, "url.path", "/dropper/get.php");
    assert_str(r, "url.query", "id=7");
    assert_str(r, "destination.domain", "malware.example.net");
    assert_str(r, "panw.panos.threat.id", "9999");
    assert_str(r, "panw.panos.threat.name", "URL-filtering");
    assert_str(r, "network.direction", "inbound");
    assert_str(r, "log.level", "informational");
    assert_int(r, "event.severity", 5);
}

static void test_threat_vulnerability_name_id_and_severity(void **state)
{
    struct ym_record *r = run_tz(*state, "panos", "",
        "1,2026/11/21 10:16:00,0132,THREAT,vulnerability,2816,2026/11/21 10:16:00,198.51.100.66,"
        "10.1.5.20,,,dmz,,,web-browsing,vsys1,untrust,dmz,e1,e3,fwd,,7,1,41234,80,0,0,0x0,tcp,"
        "reset-both,login.cgi,Apache Struts Remote Code Execution Vulnerability(33000),any,critical,"
        "client-to-server,7420001");
    assert_str(r, "event.action", "vulnerability_detected");
    assert_str(r, "panw.panos.threat.id", "33000");
    assert_str(r, "panw.panos.threat.name", "Apache Struts Remote Code Execution Vulnerability");
    assert_str(r, "message", "Apache Struts Remote Code Execution Vulnerability");
    assert_int(r, "event.severity", 1);
    assert_has(r, "event.type", "denied");
    assert_absent(r, "file.name");
}

static void test_quoted_field_with_doubled_quotes_is_unescaped(void **state)
{
    struct ym_record *r = run_tz(*state, "panos", "",
        "1,2026/11/21 10:27:00,0132,SYSTEM,general,2816,2026/11/21 10:27:00,,general,,0,0,general,"
        "informational,\"User \"\"admin\"\" logged in, via Web\",7430002,0x0,0,0,0,0,,fw01");
    assert_str(r, "message", "User \"admin\" logged in, via Web");
    assert_str(r, "event.code", "general");
    assert_str(r, "observer.hostname", "fw01");
}

static void test_system_prefers_high_resolution_time(void **state)
{
    struct ym_record *r = run_tz(*state, "panos", "",
        "1,2026/11/21 10:20:00,0132,SYSTEM,general,2816,2026/11/21 10:20:00,,general,,0,0,general,"
        "low,\"x\",1,0x0,0,0,0,0,,fw01,0,0,2026-11-21T10:20:00.123+01:00");
    assert_time(r, "2026-11-21T09:20:00.123Z");
    assert_int(r, "event.severity", 4);
}

static void test_config_without_change_detail_uses_short_layout(void **state)
{
    struct ym_record *r = run_tz(*state, "panos", "",
        "1,2026/11/21 10:21:30,0132,CONFIG,0,2816,2026/11/21 10:21:30,192.0.2.10,vsys1,commit,"
        "admin,Web,Failed,,7440002,0x0,0,0,0,0,,fw01");
    assert_str(r, "event.action", "commit");
    assert_str(r, "user.name", "admin");
    assert_str(r, "event.outcome", "failure");
    assert_str(r, "source.ip", "192.0.2.10");
    assert_str(r, "observer.hostname", "fw01");
}

static void test_globalprotect_maps_client_and_public_address(void **state)
{
    struct ym_record *r = run_tz(*state, "panos", "",
        "1,2026/11/21 10:22:00,0132,GLOBALPROTECT,0,2816,2026/11/21 10:22:00,vsys1,gateway-auth,"
        "login,LDAP,IPSec,carol@example.com,JP,LAPTOP-7,198.51.100.44,,10.200.0.12,,hid,SN1,6.2.1,"
        "Windows,\"Windows 11 , 64-bit\",1,,,,success,,0");
    assert_str(r, "event.code", "gateway-auth");
    assert_str(r, "event.outcome", "success");
    assert_str(r, "source.ip", "10.200.0.12");
    assert_str(r, "source.nat.ip", "198.51.100.44");
    assert_str(r, "user.name", "carol");
    assert_str(r, "user.domain", "example.com");
    assert_str(r, "host.name", "laptop-7");
    assert_str(r, "host.os.full", "Windows 11 , 64-bit");
}

static void test_truncated_line_keeps_the_columns_present(void **state)
{
    struct ym_record *r = run_tz(*state, "panos", "",
        "1,2026/11/21 10:29:00,0132,TRAFFIC,end,2816,2026/11/21 10:29:00,10.1.20.15,198.51.100.20");
    assert_false(r->flags & (YM_REC_PARSE_ERROR | YM_REC_UNPARSED));
    assert_str(r, "source.ip", "10.1.20.15");
    assert_str(r, "destination.ip", "198.51.100.20");
    assert_absent(r, "destination.port");
}

static void test_unknown_type_still_parses_header_columns(void **state)
{
    struct ym_record *r = run_tz(*state, "panos", "",
        "Apr 30 06:00:00 fw 1,2020/02/09 00:00:00,00000000,OTHERS,");
    assert_false(r->flags & (YM_REC_PARSE_ERROR | YM_REC_UNPARSED));
    assert_str(r, "panw.panos.type", "OTHERS");
    assert_str(r, "observer.vendor", "Palo Alto Networks");
}

static void test_not_panos_is_declined(void **state)
{
    assert_int_equal(verdict(*state, "panos", "<134>Nov 21 10:00:00 host sshd[1]: hello, world"),
                     YM_EDECLINED);
    assert_int_equal(verdict(*state, "panos", "1,2,3,4"), YM_EDECLINED);
    assert_int_equal(verdict(*state, "panos", ""), YM_EDECLINED);
}

static void test_sniff_recognises_panos(void **state)
{
    (void)state;
    const char *m = "1,2026/11/21 10:15:01,013201004321,TRAFFIC,end,2816,x";
    assert_true(parse_decoder_panos.sniff(m, strlen(m)));
    /* what is left when a syslog header took "1,2021/03/24" as its host */
    const char *rest = "11:30:00,013101001305,GLOBALPROTECT,0,2305,2021/03/24 11:30:00,vsys1";
    assert_true(parse_decoder_panos.sniff(rest, strlen(rest)));
    const char *o = "%ASA-6-302013: Built outbound TCP connection";
    assert_false(parse_decoder_panos.sniff(o, strlen(o)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_traffic_end_maps_endpoints_nat_and_counters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_traffic_allow_is_success_and_flow_terminated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_traffic_user_splits_domain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_traffic_start_and_elapsed_give_duration_and_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_device_zone_applies_to_times_without_offset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_traffic_deny_is_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_threat_url_splits_url_and_names_threat, setup, teardown),
        cmocka_unit_test_setup_teardown(test_threat_vulnerability_name_id_and_severity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quoted_field_with_doubled_quotes_is_unescaped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_system_prefers_high_resolution_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_without_change_detail_uses_short_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_globalprotect_maps_client_and_public_address, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_line_keeps_the_columns_present, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_type_still_parses_header_columns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_panos_is_declined, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sniff_recognises_panos, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
