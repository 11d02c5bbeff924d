/* Unit tests of the Cisco FTD decoder: the 430001-430005 security events
 * (intrusion, connection, file, malware) with their Key: value bodies, the
 * ASA-family messages under the FTD product, broken bodies, and every
 * sample of tests/data/ftd against its reviewed expected output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/ym_time.h"
#include "parse/parse.h"
#include "parse/parse_ecs.h"

#include "cisco_samples.h"

int parse_ftd_table_sorted(void); /* parse_ftd.c, for tests */

#include "cisco_fixture.h"

static struct ym_record *ftd(const char *line) { return cisco_parse("ftd", line); }

#define H "<134>Nov 22 2026 10:00:00 ftd1 : "

static void ftd_intrusion_event_maps_signature_policy_and_verdict(void **state)
{
    ftd(H "%FTD-1-430001: SrcIP: 198.51.100.7, DstIP: 192.0.2.25, SrcPort: 40112, DstPort: 80, "
          "Protocol: tcp, IngressInterface: outside, EgressInterface: dmz, IngressZone: OUT, "
          "EgressZone: DMZ, Priority: 1, GID: 1, SID: 31978, Revision: 5, Message: SERVER-WEBAPP "
          "Struts attempt, Classification: Attempted Administrator Privilege Gain, ACPolicy: Edge, "
          "AccessControlRuleName: Allow-Web, InlineResult: Blocked");
    assert_int_equal(stats.parsed, 1);
    assert_string_equal(str("event.kind"), "alert");
    assert_string_equal(str("event.action"), "intrusion-detected");
    assert_string_equal(str("rule.id"), "31978");
    assert_string_equal(str("rule.description"), "SERVER-WEBAPP Struts attempt");
    assert_string_equal(str("rule.category"), "Attempted Administrator Privilege Gain");
    assert_string_equal(str("rule.name"), "Allow-Web");
    assert_string_equal(str("rule.ruleset"), "Edge");
    assert_true(has_value("event.type", "denied"));
    assert_string_equal(str("cisco.ftd.security_event.priority"), "1");
    assert_string_equal(str("observer.ingress.zone"), "OUT");
    assert_string_equal(str("observer.product"), "ftd");
    assert_string_equal(str("observer.type"), "idps");
}

static void ftd_connection_end_has_duration_bytes_and_nat(void **state)
{
    ftd(H "%FTD-6-430003: AccessControlRuleAction: Allow, SrcIP: 10.1.1.5, DstIP: 203.0.113.80, "
          "SrcPort: 51001, DstPort: 443, NAT_InitiatorIP: 198.51.100.200, NAT_InitiatorPort: 61001, "
          "Protocol: tcp, ConnectionDuration: 3, InitiatorPackets: 6, ResponderPackets: 5, "
          "InitiatorBytes: 512, ResponderBytes: 2048, Client: SSL client, ApplicationProtocol: HTTPS");
    assert_string_equal(str("event.action"), "connection-finished");
    assert_true(has_value("event.type", "allowed"));
    assert_int_equal(num("event.duration"), 3LL * 1000000000);
    assert_string_equal(str("event.start"), "2026-11-22T10:00:00.000Z");
    assert_string_equal(str("event.end"), "2026-11-22T10:00:03.000Z");
    assert_int_equal(num("source.bytes"), 512);
    assert_int_equal(num("destination.bytes"), 2048);
    assert_int_equal(num("network.bytes"), 2560);
    assert_int_equal(num("network.packets"), 11);
    assert_string_equal(str("source.nat.ip"), "198.51.100.200");
    assert_int_equal(num("source.nat.port"), 61001);
    assert_string_equal(str("network.protocol"), "https");
    assert_string_equal(str("network.application"), "ssl client");
}

static void ftd_connection_start_is_dated_by_its_first_packet(void **state)
{
    ftd("2026-11-22T10:05:00Z ftd1 %FTD-6-430002: FirstPacketSecond: 2026-11-22T10:04:58Z, "
        "AccessControlRuleAction: Block, SrcIP: 10.1.1.5, DstIP: 203.0.113.80, Protocol: udp");
    assert_string_equal(str("@timestamp"), "2026-11-22T10:04:58.000Z");
    assert_true(has_value("event.type", "denied"));
    assert_true(has_value("event.type", "start"));
}

static void ftd_malware_verdict_is_an_alert_and_a_pending_lookup_is_not(void **state)
{
    ftd(H "%FTD-1-430005: SrcIP: 10.1.1.5, DstIP: 203.0.113.80, Protocol: tcp, FileAction: Malware "
          "Block, FileSHA256: 275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f, "
          "SHA_Disposition: Malware, ThreatName: Eicar-Test-Signature, FileName: eicar.com, "
          "FileSize: 68, URI: http://files.example.net/eicar.com");
    assert_string_equal(str("event.kind"), "alert");
    assert_string_equal(str("file.hash.sha256"),
                        "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f");
    assert_string_equal(str("file.name"), "eicar.com");
    assert_int_equal(num("file.size"), 68);
    assert_string_equal(str("threat.software.name"), "Eicar-Test-Signature");
    assert_string_equal(str("url.path"), "/eicar.com");
    assert_string_equal(str("cisco.ftd.security_event.disposition"), "Malware");
    ftd(H "%FTD-1-430005: SrcIP: 10.1.1.5, DstIP: 203.0.113.80, Protocol: tcp, FileAction: Malware "
          "Cloud Lookup, SHA_Disposition: Unknown, FileName: report.pdf");
    assert_string_equal(str("event.kind"), "event");
    assert_true(has_value("event.category", "file"));
}

static void ftd_file_event_keeps_url_parts(void **state)
{
    ftd(H "%FTD-1-430004: SrcIP: 10.1.1.5, DstIP: 203.0.113.80, SrcPort: 51001, DstPort: 8000, "
          "Protocol: tcp, FileAction: Detect, FileName: setup.exe, User: CORP\\jdoe, URI: "
          "http://files.example.net:8000/dl/setup.exe?x=1");
    assert_string_equal(str("event.action"), "file-detected");
    assert_string_equal(str("url.domain"), "files.example.net");
    assert_int_equal(num("url.port"), 8000);
    assert_string_equal(str("url.path"), "/dl/setup.exe");
    assert_string_equal(str("url.query"), "x=1");
    assert_string_equal(str("url.extension"), "exe");
    assert_string_equal(str("user.name"), "CORP\\jdoe");
}

static void ftd_security_event_without_pairs_is_a_parse_error(void **state)
{
    ftd(H "%FTD-6-430003: nothing here is a key and a value");
    assert_int_equal(stats.parse_errors, 1);
    assert_non_null(str("error.message"));
    assert_string_equal(str("event.code"), "430003");
}

static void ftd_asa_family_message_is_labelled_ftd(void **state)
{
    ftd(H "%FTD-4-106023: Deny tcp src outside:198.51.100.7/40112 dst dmz:192.0.2.25/3389 by "
          "access-group \"CSM_FW_ACL_\" [0x97aa021a, 0x0]");
    assert_string_equal(str("observer.product"), "ftd");
    assert_string_equal(str("rule.name"), "CSM_FW_ACL_");
    assert_string_equal(str("cisco.ftd.rule_name"), "CSM_FW_ACL_");
    assert_null(ym_fields_get(&rec.fields, "cisco.asa.rule_name"));
    assert_string_equal(str("source.ip"), "198.51.100.7");
}

static void ftd_mangled_tags_are_still_read(void **state)
{
    ftd("<188>May  5 17:51:17 dev01: %FTD<Up>-4-313005: No matching connection for ICMP error "
        "message: icmp src srcif:192.168.2.2 dst dstif:192.168.2.3 (type 3, code 2) on srcif "
        "interface. Original IP payload: <unknown>.");
    assert_string_equal(str("event.code"), "313005");
    assert_string_equal(str("source.ip"), "192.168.2.2");
    ftd("2020-03-01T01:02:36Z sensor1 Alerts %NGIPS-0-430003: AccessControlRuleAction: Allow, "
        "SrcIP: 81.2.69.144, DstIP: 81.2.69.145, Protocol: tcp");
    assert_string_equal(str("event.code"), "430003");
    assert_string_equal(str("destination.ip"), "81.2.69.145");
}

static void ftd_unknown_id_gets_the_cisco_ftd_default(void **state)
{
    ftd(H "%FTD-6-999999: Something new");
    assert_int_equal(stats.parse_errors, 0);
    assert_string_equal(str("event.code"), "999999");
    assert_string_equal(str("event.action"), "firewall-rule");
    assert_string_equal(str("log.level"), "informational");
}

static void ftd_table_is_sorted(void **state)
{
    assert_true(parse_ftd_table_sorted());
}

static void ftd_samples_match_expected(void **state)
{
    samples_check("ftd", "ftd");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ftd_intrusion_event_maps_signature_policy_and_verdict),
        cmocka_unit_test(ftd_connection_end_has_duration_bytes_and_nat),
        cmocka_unit_test(ftd_connection_start_is_dated_by_its_first_packet),
        cmocka_unit_test(ftd_malware_verdict_is_an_alert_and_a_pending_lookup_is_not),
        cmocka_unit_test(ftd_file_event_keeps_url_parts),
        cmocka_unit_test(ftd_security_event_without_pairs_is_a_parse_error),
        cmocka_unit_test(ftd_asa_family_message_is_labelled_ftd),
        cmocka_unit_test(ftd_mangled_tags_are_still_read),
        cmocka_unit_test(ftd_unknown_id_gets_the_cisco_ftd_default),
        cmocka_unit_test(ftd_table_is_sorted),
        cmocka_unit_test(ftd_samples_match_expected),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
