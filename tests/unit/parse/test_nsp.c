/* Unit tests of the McAfee/Trellix NSP decoder: the 22-field pipe template,
 * the labelled form, blocked or not, CEF from the NSM, broken lines. */
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

#define NSP_PIPE                                                                                   \
    "<113>Nov 21 10:24:33 nsm01 SyslogAlertForwarderNSP: |5829360012345678901|Signature|"          \
    "2026-11-21 10:24:32 UTC|\"P2P: BitTorrent Meta-Info Retrieving\"|0x32c020a0|Medium|"          \
    "catch-most|Low|Corp|sensor-hq-1|3A-3B|10.12.8.64|24680|198.51.100.67|42356|PolicyViolation|"  \
    "restricted-application|Inbound|Blocked|signature|N/A|udp|"

static void test_pipe_template_maps_all_22_fields(void **state)
{
    struct ym_record *r = run_tz(*state, "nsp", "", NSP_PIPE);
    assert_false(r->flags & (YM_REC_PARSE_ERROR | YM_REC_UNPARSED));
    assert_str(r, "event.id", "5829360012345678901");
    assert_time(r, "2026-11-21T10:24:32Z");
    assert_str(r, "rule.name", "P2P: BitTorrent Meta-Info Retrieving");
    assert_str(r, "rule.id", "0x32c020a0");
    assert_str(r, "log.level", "Medium");
    assert_int(r, "event.severity", 5);
    assert_str(r, "observer.name", "sensor-hq-1");
    assert_str(r, "observer.ingress.interface.name", "3A-3B");
    assert_str(r, "source.ip", "10.12.8.64");
    assert_int(r, "source.port", 24680);
    assert_str(r, "destination.ip", "198.51.100.67");
    assert_int(r, "destination.port", 42356);
    assert_str(r, "rule.category", "PolicyViolation");
    assert_str(r, "network.direction", "inbound");
    assert_str(r, "event.action", "Blocked");
    assert_str(r, "network.transport", "udp");
    assert_absent(r, "network.protocol");
    assert_str(r, "event.kind", "alert");
}

static void test_blocked_result_is_denied(void **state)
{
    struct ym_record *r = run_tz(*state, "nsp", "", NSP_PIPE);
    assert_int(r, "nsp.blocked", 1);
    assert_has(r, "event.type", "denied");
}

static void test_successful_attack_is_not_blocked(void **state)
{
    struct ym_record *r = run_tz(*state, "nsp", "",
        "SyslogAlertForwarderNSP: |1|Signature|2026-11-21 10:25:09 UTC|\"HTTP: Log4j RCE\"|0x4528f000|"
        "High|signature|High|Corp|s1|1A-1B|203.0.113.45|53412|10.20.1.15|8080|Exploit|rce|Outbound|"
        "Attack Successful|signature|http|tcp|");
    assert_int(r, "nsp.blocked", 0);
    assert_has(r, "event.type", "allowed");
    assert_str(r, "network.protocol", "http");
    assert_int(r, "event.severity", 7);
}

static void test_labelled_form_is_read(void **state)
{
    struct ym_record *r = run_tz(*state, "nsp", "",
        "<113>Nov 21 10:27:00 nsm01 SyslogAlertForwarder: Attack Name: DNS: Long Name; "
        "Attack ID: 0x4300b200; Attack Severity: Low; Src IP: 10.12.9.14; Src Port: 61000; "
        "Dest IP: 198.51.100.53; Dest Port: 53; Result Status: Attack Dropped; Network Protocol: UDP");
    assert_str(r, "rule.name", "DNS: Long Name");
    assert_str(r, "rule.id", "0x4300b200");
    assert_str(r, "source.ip", "10.12.9.14");
    assert_int(r, "destination.port", 53);
    assert_str(r, "network.transport", "udp");
    assert_int(r, "nsp.blocked", 1);
}

static void test_cut_template_is_a_parse_error_keeping_fields(void **state)
{
    struct ym_record *r = run_tz(*state, "nsp", "",
        "SyslogAlertForwarderNSP: |5829|Signature|2026-11-21 10:27:59 UTC|\"SMB: Cut\"|0x4100");
    assert_true(r->flags & YM_REC_PARSE_ERROR);
    assert_str(r, "rule.id", "0x4100");
    assert_str(r, "error.message", "NSP alert has fewer than 22 fields");
}

static void test_cef_from_nsm_is_read(void **state)
{
    struct ym_record *r = run_tz(*state, "nsp", "",
        "CEF:0|McAfee|Network Security Manager|10.1|0x4022c900|HTTP: SQL Injection|7|"
        "src=198.51.100.23 dst=10.1.5.20 act=Attack Blocked");
    assert_str(r, "rule.id", "0x4022c900");
    assert_int(r, "nsp.blocked", 1);
}

static void test_not_nsp_is_declined(void **state)
{
    assert_int_equal(verdict(*state, "nsp", "<134>Nov 21 10:00:00 host app: hello"), YM_EDECLINED);
}

static void test_sniff_recognises_body_after_the_tag(void **state)
{
    (void)state;
    const char *body = strchr(NSP_PIPE, '|');
    assert_true(parse_decoder_nsp.sniff(body, strlen(body)));
    const char *lab = "Attack Name: DNS: Long Name; Attack ID: 0x4300b200";
    assert_true(parse_decoder_nsp.sniff(lab, strlen(lab)));
    const char *other = "|a|b|c";
    assert_false(parse_decoder_nsp.sniff(other, strlen(other)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pipe_template_maps_all_22_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_blocked_result_is_denied, setup, teardown),
        cmocka_unit_test_setup_teardown(test_successful_attack_is_not_blocked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_labelled_form_is_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cut_template_is_a_parse_error_keeping_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cef_from_nsm_is_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_nsp_is_declined, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sniff_recognises_body_after_the_tag, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
