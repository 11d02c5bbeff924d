/* parse_asa: the `asa` decoder (Cisco ASA) and the message-id dispatch of
 * the ASA family, shared with parse_ftd.c. See parse_asa.h.
 *
 *   <166>Aug 18 2026 18:24:29 asa-fw-01 : %ASA-6-302020: Built inbound ICMP connection for faddr 203.0.113.20/28416 gaddr 198.51.100.10/0 laddr 192.0.2.30/0 type 8 code 0
 *   Jan 23 15:10:55 10.10.10.1 %ASA-2-106006: message repeated 2 times: [ Deny inbound UDP from 192.168.2.66/137 to 10.1.2.42/137 on interface inside]
 *
 * Each known id has one row in `defs` (sorted by id, binary search): the
 * body handler, the ECS classification (category/type/outcome, kind) and
 * event.action. A recognised header with an unknown id still yields the
 * common fields and is not an error. */
#include "parse/parse_asa.h"

#include <string.h>

static const struct asa_profile profiles[] = {
    [P_NONE] = {.cat = {{NULL, 0}}},
    [P_NET] = {.cat = {ASA_LIT("network")}},
    [P_CONN_START] = {.cat = {ASA_LIT("network")},
        .type = {ASA_LIT("connection"), ASA_LIT("start")},
        .outcome = ASA_LIT("success")},
    [P_CONN_START_FAIL] = {.cat = {ASA_LIT("network")},
        .type = {ASA_LIT("connection"), ASA_LIT("start")},
        .outcome = ASA_LIT("failure")},
    [P_CONN_END] = {.cat = {ASA_LIT("network")},
        .type = {ASA_LIT("connection"), ASA_LIT("end")},
        .outcome = ASA_LIT("success")},
    [P_CONN_END_PLAIN] = {.cat = {ASA_LIT("network")},
        .type = {ASA_LIT("connection"), ASA_LIT("end")}},
    /* Elastic marks a deny as a successful enforcement, and so do we. */
    [P_DENY] = {.cat = {ASA_LIT("network")},
        .type = {ASA_LIT("connection"), ASA_LIT("denied")},
        .outcome = ASA_LIT("success")},
    [P_DENY_FAIL] = {.cat = {ASA_LIT("network")},
        .type = {ASA_LIT("connection"), ASA_LIT("denied")},
        .outcome = ASA_LIT("failure")},
    [P_ALLOW] = {.cat = {ASA_LIT("network")},
        .type = {ASA_LIT("connection"), ASA_LIT("allowed")},
        .outcome = ASA_LIT("success")},
    [P_AUTH_OK] = {.cat = {ASA_LIT("authentication"), ASA_LIT("network")},
        .type = {ASA_LIT("allowed"), ASA_LIT("info")},
        .outcome = ASA_LIT("success")},
    [P_AUTH_FAIL] = {.cat = {ASA_LIT("authentication"), ASA_LIT("network")},
        .type = {ASA_LIT("denied"), ASA_LIT("info")},
        .outcome = ASA_LIT("failure")},
    [P_INFO] = {.cat = {ASA_LIT("network")}, .type = {ASA_LIT("info")}},
    [P_INFO_FAIL] = {.cat = {ASA_LIT("network")},
        .type = {ASA_LIT("info")},
        .outcome = ASA_LIT("failure")},
    [P_CONN_INFO] = {.cat = {ASA_LIT("network")}, .type = {ASA_LIT("connection"), ASA_LIT("info")}},
    [P_CONN_INFO_OK] = {.cat = {ASA_LIT("network")},
        .type = {ASA_LIT("connection"), ASA_LIT("info")},
        .outcome = ASA_LIT("success")},
    [P_CONN_INFO_FAIL] = {.cat = {ASA_LIT("network")},
        .type = {ASA_LIT("connection"), ASA_LIT("info")},
        .outcome = ASA_LIT("failure")},
    [P_NAT_CREATE] = {.cat = {ASA_LIT("network"), ASA_LIT("configuration")},
        .type = {ASA_LIT("creation")},
        .outcome = ASA_LIT("success")},
    [P_NAT_DELETE] = {.cat = {ASA_LIT("network"), ASA_LIT("configuration")},
        .type = {ASA_LIT("deletion")},
        .outcome = ASA_LIT("success")},
    [P_CONFIG_INFO] = {.cat = {ASA_LIT("configuration")},
        .type = {ASA_LIT("info")},
        .outcome = ASA_LIT("success")},
    [P_CONFIG_CHANGE] = {.cat = {ASA_LIT("configuration")},
        .type = {ASA_LIT("change")},
        .outcome = ASA_LIT("success")},
    [P_IAM_CHANGE] = {.cat = {ASA_LIT("iam")},
        .type = {ASA_LIT("user"), ASA_LIT("change")},
        .outcome = ASA_LIT("success")},
    [P_IDS] = {.cat = {ASA_LIT("intrusion_detection"), ASA_LIT("network")},
        .type = {ASA_LIT("info")}},
    [P_FILE_ACCESS] = {.cat = {ASA_LIT("network"), ASA_LIT("file")},
        .type = {ASA_LIT("access")},
        .outcome = ASA_LIT("success")},
    [P_URL] = {.cat = {ASA_LIT("network")},
        .type = {ASA_LIT("access"), ASA_LIT("allowed")},
        .outcome = ASA_LIT("success")},
    [P_AUTH_INFO_OK] = {.cat = {ASA_LIT("authentication"), ASA_LIT("network")},
        .type = {ASA_LIT("allowed"), ASA_LIT("info")},
        .outcome = ASA_LIT("success")},
    [P_FTD_INFO] = {.cat = {ASA_LIT("network")}, .type = {ASA_LIT("info")}},
    [P_OK_ONLY] = {.outcome = ASA_LIT("success")},
    [P_FAIL_ONLY] = {.outcome = ASA_LIT("failure")},
    [P_SA_END] = {.cat = {ASA_LIT("network")},
        .type = {ASA_LIT("info"), ASA_LIT("end"), ASA_LIT("allowed")},
        .outcome = ASA_LIT("success")},
    [P_MALWARE] = {.cat = {ASA_LIT("malware")}, .type = {ASA_LIT("info")}},
};


/* Sorted by id (checked by the unit test asa_message_table_is_sorted). */
static const struct asa_def defs[] = {
    {106001, parse_asa_h_from_to, P_DENY, ASA_LIT("firewall-rule"), {0}},
    {106006, parse_asa_h_from_to, P_DENY, ASA_LIT("firewall-rule"), {0}},
    {106007, parse_asa_h_from_to, P_DENY, ASA_LIT("firewall-rule"), {0}},
    {106010, parse_asa_h_src_dst, P_DENY, ASA_LIT("firewall-rule"), {0}},
    {106012, parse_asa_h_from_to, P_DENY, ASA_LIT("firewall-rule"), {0}},
    {106014, parse_asa_h_src_dst, P_DENY, ASA_LIT("firewall-rule"), {0}},
    {106015, parse_asa_h_from_to, P_DENY, ASA_LIT("firewall-rule"), {0}},
    {106016, parse_asa_h_from_to, P_DENY, ASA_LIT("firewall-rule"), ASA_LIT("IP spoof")},
    {106017, parse_asa_h_from_to, P_DENY, ASA_LIT("firewall-rule"), ASA_LIT("Land attack")},
    {106020, parse_asa_h_from_to, P_DENY, ASA_LIT("firewall-rule"), ASA_LIT("IP teardrop fragment")},
    {106021, parse_asa_h_from_to, P_DENY, ASA_LIT("firewall-rule"), {0}},
    {106023, parse_asa_h_src_dst, P_DENY, ASA_LIT("firewall-rule"), {0}},
    {106027, parse_asa_h_src_dst, P_DENY, ASA_LIT("firewall-rule"), {0}},
    {106100, parse_asa_h_acl, P_ALLOW, ASA_LIT("firewall-rule"), {0}},
    {110002, parse_asa_h_from_to, P_CONN_INFO_FAIL, ASA_LIT("firewall-rule"), ASA_LIT("Failed to locate egress interface")},
    {110003, parse_asa_h_from_to, P_CONN_INFO_FAIL, ASA_LIT("firewall-rule"), ASA_LIT("Routing failed to locate next-hop")},
    {111004, parse_asa_h_console, P_CONFIG_CHANGE, ASA_LIT("configuration"), {0}},
    {111008, parse_asa_h_cmd, P_CONFIG_CHANGE, ASA_LIT("configuration"), {0}},
    {111009, parse_asa_h_cmd, P_CONFIG_INFO, ASA_LIT("configuration"), {0}},
    {111010, parse_asa_h_cmd, P_CONFIG_CHANGE, ASA_LIT("configuration"), {0}},
    {113004, parse_asa_h_aaa, P_AUTH_OK, ASA_LIT("logged-in"), {0}},
    {113005, parse_asa_h_aaa, P_AUTH_FAIL, ASA_LIT("logon-failed"), {0}},
    {113008, parse_asa_h_aaa, P_AUTH_OK, ASA_LIT("logged-in"), {0}},
    {113009, parse_asa_h_aaa, P_AUTH_OK, ASA_LIT("logged-in"), {0}},
    {113012, parse_asa_h_aaa, P_AUTH_OK, ASA_LIT("logged-in"), {0}},
    {113014, parse_asa_h_aaa, P_AUTH_FAIL, ASA_LIT("logon-failed"), {0}},
    {113015, parse_asa_h_aaa, P_AUTH_FAIL, ASA_LIT("logon-failed"), {0}},
    {113019, parse_asa_h_session_disconnected, P_CONN_END, ASA_LIT("client-vpn-disconnected"), {0}},
    {113021, parse_asa_h_aaa, P_AUTH_FAIL, ASA_LIT("logon-failed"), {0}},
    {113039, parse_asa_h_group_user_ip, P_CONN_START, ASA_LIT("client-vpn-connected"), {0}},
    {302010, 0, P_NET, {0}, {0}},
    {302013, parse_asa_h_built, P_CONN_START, ASA_LIT("flow-creation"), {0}},
    {302014, parse_asa_h_teardown, P_CONN_END, ASA_LIT("flow-expiration"), {0}},
    {302015, parse_asa_h_built, P_CONN_START, ASA_LIT("flow-creation"), {0}},
    {302016, parse_asa_h_teardown, P_CONN_END, ASA_LIT("flow-expiration"), {0}},
    {302017, parse_asa_h_built, P_CONN_START, ASA_LIT("flow-creation"), {0}},
    {302018, parse_asa_h_teardown, P_CONN_END, ASA_LIT("flow-expiration"), {0}},
    {302020, parse_asa_h_icmp_conn, P_CONN_START, ASA_LIT("flow-creation"), {0}},
    {302021, parse_asa_h_icmp_conn, P_CONN_END, ASA_LIT("flow-expiration"), {0}},
    {302022, parse_asa_h_built, P_CONN_START, ASA_LIT("flow-creation"), {0}},
    {302023, parse_asa_h_teardown, P_CONN_END, ASA_LIT("flow-expiration"), {0}},
    {302024, parse_asa_h_built, P_CONN_START, ASA_LIT("flow-creation"), {0}},
    {302025, parse_asa_h_teardown, P_CONN_END, ASA_LIT("flow-expiration"), {0}},
    {302026, parse_asa_h_built, P_CONN_START, ASA_LIT("flow-creation"), {0}},
    {302027, parse_asa_h_teardown, P_CONN_END, ASA_LIT("flow-expiration"), {0}},
    {302303, parse_asa_h_built, P_CONN_START, ASA_LIT("flow-creation"), {0}},
    {302304, parse_asa_h_teardown, P_CONN_END, ASA_LIT("flow-expiration"), {0}},
    {303002, parse_asa_h_ftp, P_FILE_ACCESS, ASA_LIT("ftp"), {0}},
    {304001, parse_asa_h_url, P_URL, ASA_LIT("url-access"), {0}},
    {305009, parse_asa_h_translation, P_NAT_CREATE, ASA_LIT("nat-slot"), {0}},
    {305010, parse_asa_h_translation, P_NAT_DELETE, ASA_LIT("nat-slot"), {0}},
    {305011, parse_asa_h_translation, P_NAT_CREATE, ASA_LIT("nat-slot"), {0}},
    {305012, parse_asa_h_translation, P_NAT_DELETE, ASA_LIT("nat-slot"), {0}},
    {305013, parse_asa_h_src_dst, P_DENY, ASA_LIT("firewall-rule"), {0}},
    {313001, parse_asa_h_icmp_denied, P_DENY, ASA_LIT("firewall-rule"), {0}},
    {313004, parse_asa_h_icmp_denied, P_DENY, ASA_LIT("firewall-rule"), {0}},
    {313005, parse_asa_h_icmp_nomatch, P_DENY, ASA_LIT("firewall-rule"), {0}},
    {313008, parse_asa_h_icmp_denied, P_DENY, ASA_LIT("firewall-rule"), {0}},
    {315011, parse_asa_h_ssh, P_CONN_END_PLAIN, ASA_LIT("ssh-session-ended"), {0}},
    {338001, parse_asa_h_from_to, P_CONN_INFO, ASA_LIT("dynamic-filter"), {0}},
    {338002, parse_asa_h_from_to, P_CONN_INFO, ASA_LIT("dynamic-filter"), {0}},
    {338003, parse_asa_h_from_to, P_CONN_INFO, ASA_LIT("dynamic-filter"), {0}},
    {338004, parse_asa_h_from_to, P_CONN_INFO, ASA_LIT("dynamic-filter"), {0}},
    {338005, parse_asa_h_from_to, P_DENY, ASA_LIT("dynamic-filter"), {0}},
    {338006, parse_asa_h_from_to, P_DENY, ASA_LIT("dynamic-filter"), {0}},
    {338007, parse_asa_h_from_to, P_DENY, ASA_LIT("dynamic-filter"), {0}},
    {338008, parse_asa_h_from_to, P_DENY, ASA_LIT("dynamic-filter"), {0}},
    {410001, parse_asa_h_from_to, P_DENY, ASA_LIT("firewall-rule"), {0}},
    {411001, parse_asa_h_line_protocol, P_INFO, ASA_LIT("interface-up"), {0}},
    {411002, parse_asa_h_line_protocol, P_INFO, ASA_LIT("interface-down"), {0}},
    {419001, parse_asa_h_from_to, P_DENY, ASA_LIT("firewall-rule"), {0}},
    {419002, parse_asa_h_from_to, P_CONN_INFO, ASA_LIT("firewall-rule"), ASA_LIT("Duplicate TCP SYN with different initial sequence number")},
    {434002, parse_asa_h_from_to, P_DENY, ASA_LIT("firewall-rule"), {0}},
    {434004, parse_asa_h_from_to, P_INFO, ASA_LIT("bypass"), {0}},
    {500003, parse_asa_h_from_to, P_DENY, ASA_LIT("firewall-rule"), {0}},
    {500004, parse_asa_h_from_to, P_DENY, ASA_LIT("firewall-rule"), {0}},
    {502103, parse_asa_h_priv, P_IAM_CHANGE, ASA_LIT("privilege-level-changed"), {0}},
    {507003, parse_asa_h_from_to, P_CONN_END_PLAIN, ASA_LIT("flow-termination"), {0}},
    {602101, parse_asa_h_pmtu, P_NONE, ASA_LIT("vpn-pmtu-d"), {0}},
    {602303, parse_asa_h_ipsec_sa, P_CONN_START, ASA_LIT("sa-created"), {0}},
    {602304, parse_asa_h_ipsec_sa, P_CONN_END, ASA_LIT("sa-deleted"), {0}},
    {605004, parse_asa_h_login, P_AUTH_FAIL, ASA_LIT("logon-failed"), {0}},
    {605005, parse_asa_h_login, P_AUTH_OK, ASA_LIT("logged-in"), {0}},
    {609001, parse_asa_h_local_host, P_CONN_START, ASA_LIT("flow-creation"), {0}},
    {609002, parse_asa_h_local_host, P_CONN_END, ASA_LIT("flow-expiration"), {0}},
    {611101, parse_asa_h_user_ip, P_AUTH_OK, ASA_LIT("logged-in"), {0}},
    {611102, parse_asa_h_user_ip, P_AUTH_FAIL, ASA_LIT("logon-failed"), {0}},
    {611103, parse_asa_h_user_ip, P_CONN_END_PLAIN, ASA_LIT("logged-out"), {0}},
    {710002, parse_asa_h_from_to, P_ALLOW, ASA_LIT("firewall-rule"), {0}},
    {710003, parse_asa_h_from_to, P_DENY, ASA_LIT("firewall-rule"), {0}},
    {710004, parse_asa_h_from_to, P_DENY, ASA_LIT("firewall-rule"), {0}},
    {710005, parse_asa_h_from_to, P_DENY_FAIL, ASA_LIT("firewall-rule"), {0}},
    {710006, parse_asa_h_from_to, P_DENY_FAIL, ASA_LIT("firewall-rule"), {0}},
    {713049, parse_asa_h_ike, P_CONN_START, ASA_LIT("firewall-rule"), {0}},
    {713120, parse_asa_h_ike, P_CONN_INFO_OK, ASA_LIT("firewall-rule"), {0}},
    {713202, parse_asa_h_ike, P_CONN_INFO, ASA_LIT("firewall-rule"), {0}},
    {713901, parse_asa_h_ike, P_INFO_FAIL, ASA_LIT("client-vpn-error"), {0}},
    {713902, parse_asa_h_ike, P_INFO_FAIL, ASA_LIT("client-vpn-error"), {0}},
    {713903, parse_asa_h_ike, P_INFO, {0}, {0}},
    {713904, parse_asa_h_ike, P_INFO, {0}, {0}},
    {713905, parse_asa_h_ike, P_INFO, {0}, {0}},
    {716001, parse_asa_h_group_user_ip, P_CONN_START, ASA_LIT("client-vpn-connected"), {0}},
    {716002, parse_asa_h_group_user_ip, P_CONN_END, ASA_LIT("client-vpn-disconnected"), {0}},
    {716003, parse_asa_h_group_user_ip, P_AUTH_INFO_OK, {0}, {0}},
    {716039, parse_asa_h_group_user_ip, P_AUTH_FAIL, ASA_LIT("logon-failed"), {0}},
    {716058, parse_asa_h_group_user_ip, P_CONN_END, ASA_LIT("client-vpn-disconnected"), {0}},
    {716059, parse_asa_h_group_user_ip, P_CONN_START, ASA_LIT("client-vpn-resumed"), {0}},
    {721016, parse_asa_h_webvpn_client, P_CONN_START, ASA_LIT("client-vpn-connected"), {0}},
    {721018, parse_asa_h_webvpn_client, P_CONN_END, ASA_LIT("client-vpn-disconnected"), {0}},
    {722022, parse_asa_h_group_user_ip, P_CONN_START, ASA_LIT("client-vpn-connected"), {0}},
    {722023, parse_asa_h_group_user_ip, P_CONN_END, ASA_LIT("client-vpn-disconnected"), {0}},
    {722028, parse_asa_h_group_user_ip, P_CONN_END, {0}, {0}},
    {722032, parse_asa_h_group_user_ip, P_CONN_START, {0}, {0}},
    {722033, parse_asa_h_group_user_ip, P_CONN_START, ASA_LIT("client-vpn-connected"), {0}},
    {722034, parse_asa_h_group_user_ip, P_CONN_START, ASA_LIT("client-vpn-connected"), {0}},
    {722037, parse_asa_h_group_user_ip, P_CONN_END, ASA_LIT("client-vpn-disconnected"), {0}},
    {722051, parse_asa_h_group_user_ip, P_CONN_INFO_OK, ASA_LIT("address-assigned"), {0}},
    {722055, parse_asa_h_group_user_ip, P_CONN_INFO, {0}, {0}},
    {725001, parse_asa_h_ssl, P_CONN_START, {0}, {0}},
    {725002, parse_asa_h_ssl, P_CONN_INFO_OK, {0}, {0}},
    {725007, parse_asa_h_ssl, P_CONN_END, {0}, {0}},
    {725016, parse_asa_h_ssl, P_CONN_INFO_OK, {0}, {0}},
    {733100, parse_asa_h_threat_rate, P_INFO, {0}, {0}},
    {733101, parse_asa_h_threat_host, P_INFO, {0}, {0}},
    {734001, parse_asa_h_dap, P_CONN_INFO_OK, ASA_LIT("dap-records-selected"), {0}},
    {734002, parse_asa_h_dap, P_CONN_END, ASA_LIT("dap-session-terminated"), {0}},
    {737003, parse_asa_h_ipaa, P_CONN_INFO_FAIL, {0}, {0}},
    {737006, parse_asa_h_ipaa, P_CONN_INFO_OK, {0}, {0}},
    {737016, parse_asa_h_ipaa, P_CONN_INFO_OK, {0}, {0}},
    {737026, parse_asa_h_ipaa, P_CONN_INFO_OK, {0}, {0}},
    {737034, parse_asa_h_ipaa, P_CONN_INFO_FAIL, {0}, {0}},
    {746012, parse_asa_h_user_identity, P_NONE, ASA_LIT("client-vpn-connected"), {0}},
    {746013, parse_asa_h_user_identity, P_NONE, ASA_LIT("client-vpn-disconnected"), {0}},
    {750002, parse_asa_h_local_remote, P_CONN_START, ASA_LIT("connection-started"), {0}},
    {750003, parse_asa_h_local_remote, P_CONN_START_FAIL, {0}, {0}},
    {751025, parse_asa_h_local_remote, P_NET, {0}, {0}},
    {805001, parse_asa_h_built, P_CONN_START, ASA_LIT("flow-offload-started"), {0}},
    {805002, parse_asa_h_built, P_CONN_END, ASA_LIT("flow-offload-ended"), {0}},
};

static const struct asa_def ips_def = {400000, parse_asa_h_ips, P_IDS, ASA_LIT("intrusion-detected"), {0}};
/* 430001-430005: the handler classifies (intrusion, connection, file, malware). */
static const struct asa_def security_def = {430001, parse_ftd_security, P_NONE, {0}, {0}};
/* What the cisco_ftd integration gives an id it has no rule for. */
static const struct asa_def ftd_default_def = {0, 0, P_FTD_INFO, ASA_LIT("firewall-rule"), {0}};

static const struct asa_def *find_def(uint32_t id)
{
    if (id >= 400000 && id <= 400050)
        return &ips_def;
    size_t lo = 0, hi = sizeof defs / sizeof defs[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (defs[mid].id == id)
            return &defs[mid];
        if (defs[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* For the unit test: 1 when defs is strictly sorted. */
int parse_asa_table_sorted(void);
int parse_asa_table_sorted(void)
{
    for (size_t i = 1; i < sizeof defs / sizeof defs[0]; i++)
        if (defs[i - 1].id >= defs[i].id)
            return 0;
    return 1;
}

static const struct asa_lit level_names[8] = {
    ASA_LIT("emergency"), ASA_LIT("alert"),        ASA_LIT("critical"),
    ASA_LIT("error"),     ASA_LIT("warning"),      ASA_LIT("notification"),
    ASA_LIT("informational"), ASA_LIT("debug"),
};

long parse_asa_find_tag(const char *msg, size_t len, const char *tag5)
{
    /* The tag follows the header at once, or after ": " / a stray host
     * field; look in the first bytes only so a quoted "%ASA-" deep in some
     * other log does not count. tag5 is "%ASA-"; "%ASA<x>-" (a mangled
     * relay) is accepted too. */
    size_t lim = len < 96 ? len : 96;
    size_t n = strlen(tag5) - 1; /* without the '-' */
    for (size_t i = 0; i + n + 1 <= lim; i++) {
        if (msg[i] == '%' && memcmp(msg + i, tag5, n) == 0 &&
            (msg[i + n] == '-' || msg[i + n] == '<'))
            return (long)i;
    }
    return -1;
}

enum ym_status parse_asa_family_decode(const struct parse_ctx *ctx,
                                       const struct parse_syslog_hdr *hdr, struct ym_record *rec,
                                       enum asa_product product)
{
    const char *msg = hdr && hdr->msg.p ? hdr->msg.p : rec->raw;
    size_t len = hdr && hdr->msg.p ? hdr->msg.len : rec->raw_len;
    /* Both products write either tag (an FTD in ASA mode says %ASA-, and
     * ASA pipelines receive %FTD- lines): the decoder chosen names the product. */
    static const char *const tags[] = {"%ASA-", "%FTD-", "%NGIPS-"};
    long at = -1;
    size_t tag_len = 0;
    for (size_t i = 0; i < sizeof tags / sizeof tags[0] && at < 0; i++) {
        at = parse_asa_find_tag(msg, len, tags[i]);
        tag_len = strlen(tags[i]) - 1;
    }
    if (at < 0)
        return YM_EDECLINED;
    /* %ASA-6-302013: */
    struct asa_cur c = {msg + at + tag_len, msg + len};
    if (c.p < c.end && *c.p == '<') { /* "%FTD<Up>-4-313005" */
        const char *gt = memchr(c.p, '>', (size_t)(c.end - c.p) < 16 ? (size_t)(c.end - c.p) : 16);
        if (!gt)
            return YM_EDECLINED;
        c.p = gt + 1;
    }
    if (c.p >= c.end || *c.p != '-')
        return YM_EDECLINED;
    c.p++;
    if (c.end - c.p > 1 && c.p[0] == '-')
        c.p++; /* "%FTD--6-852002" as some FTD versions write it */
    if (c.end - c.p < 3 || c.p[0] < '0' || c.p[0] > '7' || c.p[1] != '-')
        return YM_EDECLINED;
    int sev = c.p[0] - '0';
    c.p += 2;
    const char *id_p = c.p;
    uint32_t id = 0;
    while (c.p < c.end && *c.p >= '0' && *c.p <= '9' && c.p - id_p < 7)
        id = id * 10 + (uint32_t)(*c.p++ - '0');
    size_t id_len = (size_t)(c.p - id_p);
    if (id_len < 6 || (c.p < c.end && *c.p != ':' && *c.p != ' '))
        return YM_EDECLINED;
    if (c.p < c.end && *c.p == ':')
        c.p++;
    asa_cur_sp(&c);

    struct ym_fields *f = &rec->fields;
    struct asa_msg m = {ctx, hdr, rec, f, product, id, sev, c, NULL};

    ecs_add(f, ECS_OBSERVER_VENDOR, "Cisco", 5);
    if (product == ASA_PRODUCT_ASA) {
        ecs_add(f, ECS_OBSERVER_PRODUCT, "asa", 3);
        ecs_add(f, ECS_OBSERVER_TYPE, "firewall", 8);
    } else {
        ecs_add(f, ECS_OBSERVER_PRODUCT, "ftd", 3);
        ecs_add(f, ECS_OBSERVER_TYPE, "idps", 4);
    }
    if (hdr && hdr->hostname.p && hdr->hostname.len) {
        ecs_add(f, ECS_OBSERVER_HOSTNAME, hdr->hostname.p, hdr->hostname.len);
        ecs_add(f, ECS_HOST_HOSTNAME, hdr->hostname.p, hdr->hostname.len);
    } else if (at > 0) {
        /* "<166>fw01 %FTD-6-113005: ...": a bare host name before the tag */
        struct parse_slice h = asa_trim(asa_slice(msg, msg + at));
        while (h.len && h.p[h.len - 1] == ':')
            h.len--;
        if (h.len && h.len < 64 && !memchr(h.p, ' ', h.len)) {
            ecs_add(f, ECS_OBSERVER_HOSTNAME, h.p, h.len);
            ecs_add(f, ECS_HOST_HOSTNAME, h.p, h.len);
        }
    }
    ecs_add(f, ECS_EVENT_CODE, id_p, id_len);
    parse_asa_extra(&m, ASA_X_MESSAGE_ID, id_p, id_len);
    ecs_add_int(f, ECS_EVENT_SEVERITY, sev);
    ecs_add(f, ECS_LOG_LEVEL, level_names[sev].s, level_names[sev].n);

    /* "message repeated 2 times: [ Deny ... ]" carries the real body inside. */
    if (asa_cur_lit(&m.body, "message repeated ")) {
        if (asa_cur_find(&m.body, "times: [")) {
            asa_cur_sp(&m.body);
            if (m.body.end > m.body.p && m.body.end[-1] == ']')
                m.body.end--;
        } else {
            m.body = c;
        }
    }
    while (m.body.end > m.body.p && (m.body.end[-1] == ' ' || m.body.end[-1] == '\r' ||
                                     m.body.end[-1] == '\n'))
        m.body.end--;

    const struct asa_def *d = NULL;
    if (id >= 430001 && id <= 430005)
        d = &security_def;
    else if (product == ASA_PRODUCT_FTD && !(d = parse_ftd_find_def(id)) && !find_def(id))
        d = &ftd_default_def;
    if (!d)
        d = find_def(id);
    const struct asa_profile *pr = &profiles[d ? d->profile : P_NONE];
    if (d != &security_def)
        ecs_add(f, ECS_EVENT_KIND, d && d->profile == P_IDS ? "alert" : "event", 5);
    if (!d)
        return YM_OK;
    for (int i = 0; i < 2 && pr->cat[i].s; i++)
        ecs_add_array(f, ECS_EVENT_CATEGORY, pr->cat[i].s, pr->cat[i].n);
    for (int i = 0; i < 3 && pr->type[i].s; i++)
        ecs_add_array(f, ECS_EVENT_TYPE, pr->type[i].s, pr->type[i].n);
    if (pr->outcome.s)
        ecs_add(f, ECS_EVENT_OUTCOME, pr->outcome.s, pr->outcome.n);
    if (d->action.s)
        ecs_add(f, ECS_EVENT_ACTION, d->action.s, d->action.n);
    if (d->reason.s)
        ecs_add(f, ECS_EVENT_REASON, d->reason.s, d->reason.n);
    if (!d->fn)
        return YM_OK;
    enum ym_status st = d->fn(&m);
    if (st == YM_EPARSE) {
        const char *e = m.error ? m.error : "message body does not match its id";
        ecs_add(f, ECS_ERROR_MESSAGE, e, strlen(e));
    }
    return st == YM_EDECLINED ? YM_OK : st;
}

static enum ym_status parse_asa_decode(const struct parse_ctx *ctx,
                                       const struct parse_syslog_hdr *hdr, struct ym_record *rec)
{
    return parse_asa_family_decode(ctx, hdr, rec, ASA_PRODUCT_ASA);
}

/* Auto-detection: an %ASA- tag near the start of the message. */
static int parse_asa_sniff(const char *msg, size_t len)
{
    return parse_asa_find_tag(msg, len, "%ASA-") >= 0;
}

const struct parse_decoder parse_decoder_asa = {
    .kind = "asa",
    .description = "Cisco ASA (%ASA-n-NNNNNN)",
    .decode = parse_asa_decode,
    .sniff = parse_asa_sniff,
};
