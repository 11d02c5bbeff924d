/* Unit tests of the Cisco ASA decoder: connections and NAT, denies and ACL
 * names, VPN and AAA messages, times, unknown ids and broken bodies, and
 * every sample of tests/data/asa against its reviewed expected output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "core/ym_buf.h"
#include "core/ym_time.h"
#include "parse/parse.h"
#include "parse/parse_ecs.h"
#include "parse/parse_syslog.h"

#include "cisco_samples.h"

int parse_asa_table_sorted(void); /* parse_asa.c, for tests */

#include "cisco_fixture.h"

static struct ym_record *asa(const char *line) { return cisco_parse("asa", line); }

#define H "<166>Nov 22 2026 10:00:00 fw01 : "

static void asa_nat_line_keeps_both_addresses(void **state)
{
    asa(H "%ASA-6-302013: Built inbound TCP connection 11 for outside:198.51.100.7/40112 "
          "(198.51.100.7/40112) to dmz:192.0.2.25/443 (203.0.113.25/8443)");
    assert_int_equal(stats.parsed, 1);
    assert_string_equal(str("source.ip"), "198.51.100.7");
    assert_int_equal(num("source.port"), 40112);
    assert_string_equal(str("destination.ip"), "192.0.2.25");
    assert_int_equal(num("destination.port"), 443);
    assert_string_equal(str("destination.nat.ip"), "203.0.113.25");
    assert_int_equal(num("destination.nat.port"), 8443);
    assert_null(ym_fields_get(&rec.fields, "source.nat.ip")); /* not translated */
    assert_string_equal(str("observer.ingress.interface.name"), "outside");
    assert_string_equal(str("observer.egress.interface.name"), "dmz");
    assert_string_equal(str("cisco.asa.connection_id"), "11");
    assert_string_equal(str("network.transport"), "tcp");
    assert_string_equal(str("network.iana_number"), "6");
    assert_string_equal(str("event.action"), "flow-creation");
}

static void asa_outbound_connection_starts_at_the_inside_host(void **state)
{
    asa(H "%ASA-6-302015: Built outbound UDP connection 12 for outside:203.0.113.53/53 "
          "(203.0.113.53/53) to inside:10.1.1.5/51000 (198.51.100.200/61000)");
    assert_string_equal(str("source.ip"), "10.1.1.5");
    assert_string_equal(str("source.nat.ip"), "198.51.100.200");
    assert_int_equal(num("source.nat.port"), 61000);
    assert_string_equal(str("destination.ip"), "203.0.113.53");
    assert_string_equal(str("observer.ingress.interface.name"), "inside");
    assert_string_equal(str("network.direction"), "outbound");
}

static void asa_teardown_gives_duration_times_bytes_and_reason(void **state)
{
    asa(H "%ASA-6-302014: Teardown TCP connection 11 for outside:198.51.100.7/40112 to "
          "dmz:192.0.2.25/443 duration 1:02:03 bytes 18432 TCP Reset-O");
    assert_int_equal(num("event.duration"), 3723LL * 1000000000);
    assert_string_equal(str("event.start"), "2026-11-22T08:57:57.000Z");
    assert_string_equal(str("event.end"), "2026-11-22T10:00:00.000Z");
    assert_int_equal(num("network.bytes"), 18432);
    assert_string_equal(str("event.reason"), "TCP Reset-O");
    assert_true(has_value("event.type", "end"));
}

static void asa_acl_deny_names_the_rule(void **state)
{
    asa(H "%ASA-4-106023: Deny tcp src outside:198.51.100.7/40112 dst dmz:192.0.2.25/3389 by "
          "access-group \"outside_access_in\" [0x8e2d3c1a, 0x0]");
    assert_string_equal(str("rule.name"), "outside_access_in");
    assert_string_equal(str("cisco.asa.rule_name"), "outside_access_in");
    assert_true(has_value("event.type", "denied"));
    assert_int_equal(num("destination.port"), 3389);
    assert_string_equal(str("log.level"), "warning");
    assert_int_equal(num("event.severity"), 4);
    assert_string_equal(str("event.code"), "106023");
}

static void asa_access_list_verdict_sets_allowed_or_denied(void **state)
{
    asa(H "%ASA-6-106100: access-list in_acl permitted tcp outside/198.51.100.7(40112) -> "
          "dmz/192.0.2.25(443) hit-cnt 1 first hit [0x1, 0x0]");
    assert_true(has_value("event.type", "allowed"));
    assert_false(has_value("event.type", "denied"));
    assert_string_equal(str("rule.name"), "in_acl");
    assert_int_equal(num("source.port"), 40112);
    asa(H "%ASA-5-106100: access-list in_acl denied udp inside/10.1.1.5(51000) -> "
          "outside/203.0.113.53(53) hit-cnt 1 first hit [0x1, 0x0]");
    assert_true(has_value("event.type", "denied"));
    assert_false(has_value("event.type", "allowed"));
    assert_string_equal(str("observer.egress.interface.name"), "outside");
}

static void asa_ipv6_addresses_keep_their_colons(void **state)
{
    asa(H "%ASA-4-106023: Deny icmp src outside:2001:db8::7 dst inside:2001:db8:1::5 (type 128, "
          "code 0) by access-group \"v6_in\" [0x0, 0x0]");
    assert_string_equal(str("source.ip"), "2001:db8::7");
    assert_string_equal(str("destination.ip"), "2001:db8:1::5");
    assert_string_equal(str("observer.ingress.interface.name"), "outside");
    assert_int_equal(num("cisco.asa.icmp_type"), 128);
    assert_null(ym_fields_get(&rec.fields, "cisco.asa.mapped_destination_ip"));
}

static void asa_host_names_go_to_domain_not_ip(void **state)
{
    asa(H "%ASA-6-106015: Deny TCP (no connection) from pc1.example.org/11946 to "
          "dc1.example.org/389 flags FIN ACK  on interface inside");
    assert_string_equal(str("source.domain"), "pc1.example.org");
    assert_null(ym_fields_get(&rec.fields, "source.ip"));
    assert_string_equal(str("destination.address"), "dc1.example.org");
    assert_string_equal(str("observer.ingress.interface.name"), "inside");
}

static void asa_icmp_error_uses_the_embedded_packet(void **state)
{
    asa(H "%ASA-4-313005: No matching connection for ICMP error message: icmp src "
          "outside:198.51.100.1 dst inside:10.1.1.5 (type 3, code 3) on outside interface.  "
          "Original IP payload: udp src 10.1.1.5/51000 dst 198.51.100.1/53.");
    assert_string_equal(str("source.ip"), "10.1.1.5");
    assert_int_equal(num("source.port"), 51000);
    assert_string_equal(str("destination.ip"), "198.51.100.1");
    assert_int_equal(num("destination.port"), 53);
    assert_string_equal(str("observer.ingress.interface.name"), "outside");
}

static void asa_user_in_parentheses_splits_domain_group_and_name(void **state)
{
    asa(H "%ASA-6-305012: Teardown dynamic UDP translation from inside:10.1.1.9/23455(CORP\\vpn\\jdoe) "
          "to outside:198.51.100.6/23455 duration 0:02:33");
    assert_string_equal(str("source.user.name"), "jdoe");
    assert_string_equal(str("source.user.domain"), "CORP");
    assert_string_equal(str("source.user.group.name"), "vpn");
    assert_int_equal(num("event.duration"), 153LL * 1000000000);
}

static void asa_vpn_bracketed_names_may_hold_spaces(void **state)
{
    asa(H "%ASA-6-716039: Group <Remote VPN> User <jane doe> IP <198.51.100.8> Authentication: "
          "rejected, Session Type: WebVPN.");
    assert_string_equal(str("source.user.name"), "jane doe");
    assert_string_equal(str("source.user.group.name"), "Remote VPN");
    assert_string_equal(str("source.ip"), "198.51.100.8");
    assert_string_equal(str("event.outcome"), "failure");
    assert_true(has_value("event.category", "authentication"));
}

static void asa_aaa_rejection_maps_server_user_and_client(void **state)
{
    asa(H "%ASA-6-113005: AAA user authentication Rejected : reason = Invalid password : server = "
          "10.5.5.5 : user = jdoe@example.com : user IP = 198.51.100.7");
    assert_string_equal(str("destination.ip"), "10.5.5.5");
    assert_string_equal(str("source.ip"), "198.51.100.7");
    assert_string_equal(str("source.user.name"), "jdoe");
    assert_string_equal(str("source.user.domain"), "example.com");
    assert_string_equal(str("event.reason"), "Invalid password");
    assert_string_equal(str("event.action"), "logon-failed");
}

static void asa_vpn_session_end_counts_bytes_both_ways(void **state)
{
    asa(H "%ASA-4-113019: Group = RemoteVPN, Username = jdoe, IP = 198.51.100.7, Session "
          "disconnected. Session Type: SSL, Duration: 0h:32m:16s, Bytes xmt: 297103, Bytes rcv: "
          "1216163, Reason: User Requested");
    assert_int_equal(num("source.bytes"), 297103);
    assert_int_equal(num("destination.bytes"), 1216163);
    assert_int_equal(num("event.duration"), 1936LL * 1000000000);
    assert_string_equal(str("event.reason"), "User Requested");
}

static void asa_ips_signature_is_an_alert_with_rule_id(void **state)
{
    asa(H "%ASA-4-400013: IPS:2003 ICMP redirect from 198.51.100.1 to 10.1.1.5 on interface outside");
    assert_string_equal(str("event.kind"), "alert");
    assert_string_equal(str("rule.id"), "2003");
    assert_string_equal(str("rule.name"), "ICMP redirect");
    assert_true(has_value("event.category", "intrusion_detection"));
}

static void asa_message_repeated_reads_the_inner_message(void **state)
{
    asa("Jan 23 15:10:55 10.10.10.1 %ASA-2-106006: message repeated 2 times: [ Deny inbound UDP "
        "from 192.168.2.66/137 to 10.1.2.42/137 on interface inside]");
    assert_int_equal(stats.parsed, 1);
    assert_string_equal(str("source.ip"), "192.168.2.66");
    assert_string_equal(str("observer.ingress.interface.name"), "inside");
}

static void asa_unknown_id_keeps_header_fields_without_error(void **state)
{
    asa(H "%ASA-5-999999: Something this decoder has never seen");
    assert_int_equal(stats.parsed, 1);
    assert_int_equal(stats.parse_errors, 0);
    assert_string_equal(str("event.code"), "999999");
    assert_string_equal(str("log.level"), "notification");
    assert_string_equal(str("observer.vendor"), "Cisco");
    assert_string_equal(str("observer.product"), "asa");
    assert_string_equal(str("observer.hostname"), "fw01");
    assert_null(ym_fields_get(&rec.fields, "error.message"));
}

static void asa_known_id_with_broken_body_is_a_parse_error(void **state)
{
    asa(H "%ASA-6-302013: Built inbound TCP connection with nothing after it");
    assert_int_equal(stats.parse_errors, 1);
    assert_true(rec.flags & YM_REC_PARSE_ERROR);
    assert_non_null(str("error.message"));
    assert_string_equal(str("event.code"), "302013");
    assert_non_null(ym_fields_get(&rec.fields, "event.original"));
}

static void asa_other_logs_are_declined(void **state)
{
    asa("<13>Nov 22 10:00:00 host sshd[1]: Accepted password for root");
    assert_false(has_value("observer.product", "asa"));
    assert_int_equal(stats.parse_errors, 0);
    const struct parse_decoder *d = parse_decoder_find("asa");
    assert_non_null(d);
    assert_true(d->sniff("%ASA-6-302013: Built", 20));
    assert_false(d->sniff("%PAN-6-1: x", 11));
}

static void asa_message_table_is_sorted(void **state)
{
    assert_true(parse_asa_table_sorted());
}

static void asa_samples_match_expected(void **state)
{
    samples_check("asa", "asa");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(asa_nat_line_keeps_both_addresses),
        cmocka_unit_test(asa_outbound_connection_starts_at_the_inside_host),
        cmocka_unit_test(asa_teardown_gives_duration_times_bytes_and_reason),
        cmocka_unit_test(asa_acl_deny_names_the_rule),
        cmocka_unit_test(asa_access_list_verdict_sets_allowed_or_denied),
        cmocka_unit_test(asa_ipv6_addresses_keep_their_colons),
        cmocka_unit_test(asa_host_names_go_to_domain_not_ip),
        cmocka_unit_test(asa_icmp_error_uses_the_embedded_packet),
        cmocka_unit_test(asa_user_in_parentheses_splits_domain_group_and_name),
        cmocka_unit_test(asa_vpn_bracketed_names_may_hold_spaces),
        cmocka_unit_test(asa_aaa_rejection_maps_server_user_and_client),
        cmocka_unit_test(asa_vpn_session_end_counts_bytes_both_ways),
        cmocka_unit_test(asa_ips_signature_is_an_alert_with_rule_id),
        cmocka_unit_test(asa_message_repeated_reads_the_inner_message),
        cmocka_unit_test(asa_unknown_id_keeps_header_fields_without_error),
        cmocka_unit_test(asa_known_id_with_broken_body_is_a_parse_error),
        cmocka_unit_test(asa_other_logs_are_declined),
        cmocka_unit_test(asa_message_table_is_sorted),
        cmocka_unit_test(asa_samples_match_expected),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
