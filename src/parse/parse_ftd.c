/* parse_ftd: the `ftd` decoder (Cisco Firepower Threat Defense).
 *
 *   2019-08-15T16:03:31Z firepower  %FTD-1-430002: AccessControlRuleAction: Allow, SrcIP: 10.0.100.30, DstIP: 10.0.1.20, ... Protocol: icmp, ...
 *   May  5 17:51:17 dev01: %FTD-6-302013: Built inbound TCP connection 11 for net:10.10.10.10/53500 (81.2.69.144/53500) to fw111:192.168.2.2/53500 (81.2.69.144/53500)
 *
 * %FTD- messages other than 430001-430005 are the ASA family (parse_asa.c)
 * with the classification of Elastic's cisco_ftd integration where it
 * differs (the table below). 430001 (intrusion), 430002/430003 (connection
 * start/end), 430004 (file) and 430005 (malware) carry "Key: value, ..."
 * bodies (Firepower Management Center "Security Event Syslog Messages",
 * FTD 6.x-7.x), split with parse_kv. See parse_asa.h for memory, threads
 * and status codes. */
#include "parse/parse_asa.h"

#include <string.h>

#include "core/ym_time.h"
#include "parse/parse_kv.h"

/* Sorted by id. */
static const struct asa_def ftd_defs[] = {
    {103001, parse_asa_h_reason_all, P_FTD_INFO, ASA_LIT("firewall-rule"), {0}},
    {109201, parse_asa_h_uauth, P_FTD_INFO, ASA_LIT("firewall-rule"), {0}},
    {109207, parse_asa_h_uauth, P_FTD_INFO, ASA_LIT("firewall-rule"), {0}},
    {109210, parse_asa_h_uauth, P_FTD_INFO, ASA_LIT("firewall-rule"), {0}},
    {111008, parse_asa_h_cmd, P_FTD_INFO, ASA_LIT("firewall-rule"), {0}},
    {113005, parse_asa_h_aaa, P_FAIL_ONLY, ASA_LIT("logon-failed"), {0}},
    {113008, parse_asa_h_aaa, P_OK_ONLY, ASA_LIT("logged-in"), {0}},
    {113009, parse_asa_h_aaa, P_OK_ONLY, ASA_LIT("logged-in"), {0}},
    {113014, parse_asa_h_aaa, P_FAIL_ONLY, ASA_LIT("logon-failed"), {0}},
    {113042, parse_asa_h_from_to, P_FTD_INFO, ASA_LIT("firewall-rule"), {0}},
    {210007, parse_asa_h_built, P_FTD_INFO, ASA_LIT("firewall-rule"), {0}},
    {302023, parse_asa_h_teardown, P_FTD_INFO, ASA_LIT("firewall-rule"), {0}},
    {302304, parse_asa_h_teardown, P_CONN_END_PLAIN, ASA_LIT("flow-expiration"), {0}},
    {305006, parse_asa_h_src_dst, P_FTD_INFO, ASA_LIT("firewall-rule"), {0}},
    {305012, parse_asa_h_translation, P_CONN_END_PLAIN, ASA_LIT("flow-expiration"), {0}},
    {305013, parse_asa_h_src_dst, P_FTD_INFO, ASA_LIT("firewall-rule"), {0}},
    {313005, parse_asa_h_icmp_nomatch, P_FTD_INFO, ASA_LIT("firewall-rule"), {0}},
    {401004, parse_asa_h_shun, P_FTD_INFO, ASA_LIT("firewall-rule"), {0}},
    {500004, parse_asa_h_from_to, P_FTD_INFO, ASA_LIT("firewall-rule"), {0}},
    {602101, parse_asa_h_pmtu, P_NONE, ASA_LIT("vpn-pmtu-d"), {0}},
    {602303, parse_asa_h_ipsec_sa, P_OK_ONLY, ASA_LIT("created"), {0}},
    {602304, parse_asa_h_ipsec_sa, P_SA_END, ASA_LIT("deleted"), {0}},
    {716002, parse_asa_h_group_user_ip, P_FTD_INFO, ASA_LIT("firewall-rule"), {0}},
    {716058, parse_asa_h_group_user_ip, P_FTD_INFO, ASA_LIT("firewall-rule"), {0}},
    {716059, parse_asa_h_group_user_ip, P_FTD_INFO, ASA_LIT("firewall-rule"), {0}},
    {722051, parse_asa_h_group_user_ip, P_FTD_INFO, ASA_LIT("firewall-rule"), {0}},
    {722055, parse_asa_h_group_user_ip, P_FTD_INFO, ASA_LIT("firewall-rule"), {0}},
    {746012, parse_asa_h_user_identity, P_NONE, ASA_LIT("client-vpn-connected"), {0}},
    {746013, parse_asa_h_user_identity, P_NONE, ASA_LIT("client-vpn-disconnected"), {0}},
};

const struct asa_def *parse_ftd_find_def(uint32_t id)
{
    size_t lo = 0, hi = sizeof ftd_defs / sizeof ftd_defs[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ftd_defs[mid].id == id)
            return &ftd_defs[mid];
        if (ftd_defs[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* For the unit test: 1 when ftd_defs is strictly sorted. */
int parse_ftd_table_sorted(void);
int parse_ftd_table_sorted(void)
{
    for (size_t i = 1; i < sizeof ftd_defs / sizeof ftd_defs[0]; i++)
        if (ftd_defs[i - 1].id >= ftd_defs[i].id)
            return 0;
    return 1;
}

/* The keys we map; one switch over them per pair. */
enum sec_key {
    K_OTHER,
    K_SRC_IP,
    K_DST_IP,
    K_SRC_PORT,
    K_DST_PORT,
    K_PROTOCOL,
    K_INGRESS_IF,
    K_EGRESS_IF,
    K_INGRESS_ZONE,
    K_EGRESS_ZONE,
    K_AC_POLICY,
    K_AC_RULE_NAME,
    K_AC_RULE_ACTION,
    K_APP_PROTOCOL,
    K_CLIENT,
    K_INIT_BYTES,
    K_RESP_BYTES,
    K_INIT_PACKETS,
    K_RESP_PACKETS,
    K_DURATION,
    K_FIRST_PACKET,
    K_DNS_QUERY,
    K_DNS_TYPE,
    K_DNS_RESPONSE,
    K_REFERENCED_HOST,
    K_URI,
    K_USER,
    K_FILE_NAME,
    K_FILE_SHA256,
    K_FILE_SIZE,
    K_FILE_ACTION,
    K_DISPOSITION,
    K_THREAT_NAME,
    K_SID,
    K_GID,
    K_REVISION,
    K_MESSAGE,
    K_CLASSIFICATION,
    K_PRIORITY,
    K_INLINE_RESULT,
    K_CONNECTION_ID,
    K_URL_CATEGORY,
    K_SI_CATEGORY,
    K_NAT_INIT_IP,
    K_NAT_INIT_PORT,
    K_NAT_RESP_IP,
    K_NAT_RESP_PORT,
    K_HTTP_RESPONSE,
    K_USER_AGENT,
    K_URL,
    K_REFERER,
    K_WEB_APP,
    K__COUNT
};

#define KEY(n, k) {n, sizeof(n) - 1, k}
static const struct {
    const char *name;
    uint8_t len;
    enum sec_key key;
} sec_keys[] = {
    KEY("SrcIP", K_SRC_IP),
    KEY("DstIP", K_DST_IP),
    KEY("SrcPort", K_SRC_PORT),
    KEY("DstPort", K_DST_PORT),
    KEY("Protocol", K_PROTOCOL),
    KEY("IngressInterface", K_INGRESS_IF),
    KEY("EgressInterface", K_EGRESS_IF),
    KEY("IngressZone", K_INGRESS_ZONE),
    KEY("EgressZone", K_EGRESS_ZONE),
    KEY("ACPolicy", K_AC_POLICY),
    KEY("AccessControlRuleName", K_AC_RULE_NAME),
    KEY("AccessControlRuleAction", K_AC_RULE_ACTION),
    KEY("ApplicationProtocol", K_APP_PROTOCOL),
    KEY("Client", K_CLIENT),
    KEY("InitiatorBytes", K_INIT_BYTES),
    KEY("ResponderBytes", K_RESP_BYTES),
    KEY("InitiatorPackets", K_INIT_PACKETS),
    KEY("ResponderPackets", K_RESP_PACKETS),
    KEY("ConnectionDuration", K_DURATION),
    KEY("FirstPacketSecond", K_FIRST_PACKET),
    KEY("DNSQuery", K_DNS_QUERY),
    KEY("DNSRecordType", K_DNS_TYPE),
    KEY("DNSResponseType", K_DNS_RESPONSE),
    KEY("ReferencedHost", K_REFERENCED_HOST),
    KEY("URI", K_URI),
    KEY("User", K_USER),
    KEY("FileName", K_FILE_NAME),
    KEY("FileSHA256", K_FILE_SHA256),
    KEY("FileSize", K_FILE_SIZE),
    KEY("FileAction", K_FILE_ACTION),
    KEY("SHA_Disposition", K_DISPOSITION),
    KEY("ThreatName", K_THREAT_NAME),
    KEY("SID", K_SID),
    KEY("GID", K_GID),
    KEY("Revision", K_REVISION),
    KEY("Message", K_MESSAGE),
    KEY("Classification", K_CLASSIFICATION),
    KEY("Priority", K_PRIORITY),
    KEY("InlineResult", K_INLINE_RESULT),
    KEY("ConnectionID", K_CONNECTION_ID),
    KEY("URLCategory", K_URL_CATEGORY),
    KEY("SI_Category", K_SI_CATEGORY),
    KEY("NAT_InitiatorIP", K_NAT_INIT_IP),
    KEY("NAT_InitiatorPort", K_NAT_INIT_PORT),
    KEY("NAT_ResponderIP", K_NAT_RESP_IP),
    KEY("NAT_ResponderPort", K_NAT_RESP_PORT),
    KEY("HTTPResponse", K_HTTP_RESPONSE),
    KEY("UserAgent", K_USER_AGENT),
    KEY("URL", K_URL),
    KEY("HTTPReferer", K_REFERER),
    KEY("WebApplication", K_WEB_APP),
};
#undef KEY

struct sec_event {
    struct parse_slice v[K__COUNT];
};

static int sec_pair(void *arg, const struct parse_kv_pair *kv)
{
    struct sec_event *ev = arg;
    for (size_t i = 0; i < sizeof sec_keys / sizeof sec_keys[0]; i++) {
        if (kv->key_len == sec_keys[i].len && memcmp(kv->key, sec_keys[i].name, kv->key_len) == 0) {
            struct parse_slice s = {kv->val, (uint32_t)kv->val_len};
            ev->v[sec_keys[i].key] = s;
            break;
        }
    }
    return 0;
}

static int slice_int(struct parse_slice s, int64_t *out)
{
    if (!s.p || !s.len) /* the key was absent */
        return 0;
    struct asa_cur c = {s.p, s.p + s.len};
    return asa_cur_int(&c, out) && asa_cur_eof(&c);
}

/* Lower-case copy in the arena ("cURL" -> "curl"). */
static void add_lower(struct asa_msg *m, enum parse_ecs_id id, struct parse_slice s)
/* network.application may hold the client and the web application: an array. */
{
    if (!s.len)
        return;
    char *d = ym_arena_alloc(m->f->arena, s.len);
    if (!d)
        return;
    for (uint32_t i = 0; i < s.len; i++) {
        char c = s.p[i];
        d[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    if (id == ECS_NETWORK_APPLICATION)
        ecs_add_array(m->f, id, d, s.len);
    else
        ecs_add(m->f, id, d, s.len);
}

static int64_t parse_instant(struct parse_slice s)
{
    char buf[40];
    int64_t t = 0;
    /* "2019-08-15T16:05:33Z" only: a year this side of 2262 (int64 ns) and
     * none of the relative forms ("-15m") that ym_time_parse_arg also reads */
    if (s.len < 10 || s.len >= sizeof buf || s.p[4] != '-')
        return 0;
    for (int i = 0; i < 4; i++)
        if (s.p[i] < '0' || s.p[i] > '9')
            return 0;
    if (memcmp(s.p, "1970", 4) < 0 || memcmp(s.p, "2200", 4) > 0)
        return 0;
    memcpy(buf, s.p, s.len);
    buf[s.len] = 0;
    if (ym_time_parse_arg(buf, 0, &t) != YM_OK)
        return 0;
    return t;
}


static const struct {
    const char *text;
    const char *code;
} dns_types[] = {
    {"a host address", "A"},          {"an IPv6 host address", "AAAA"},
    {"the canonical name for an alias", "CNAME"}, {"a mail exchange", "MX"},
    {"an authoritative name server", "NS"}, {"a domain name pointer", "PTR"},
    {"text strings", "TXT"},          {"server selection", "SRV"},
    {"marks the start of a zone of authority", "SOA"},
};

static const struct {
    const char *text;
    const char *code;
} dns_rcodes[] = {
    {"No Error", "NOERROR"},          {"Non-Existent Domain", "NXDOMAIN"},
    {"Server Failure", "SERVFAIL"},   {"Query Refused", "REFUSED"},
    {"Format Error", "FORMERR"},      {"Not Implemented", "NOTIMP"},
};

static void add_dns(struct asa_msg *m, const struct sec_event *ev)
{
    struct parse_slice q = ev->v[K_DNS_QUERY];
    if (q.len) {
        ecs_add(m->f, ECS_DNS_QUESTION_NAME, q.p, q.len);
        /* registered domain = the last two labels (no public-suffix list) */
        const char *last = NULL, *prev = NULL;
        for (uint32_t i = 0; i < q.len; i++)
            if (q.p[i] == '.') {
                prev = last;
                last = q.p + i;
            }
        if (last) {
            const char *end = q.p + q.len;
            ym_fields_add(m->f, YM_FIELD_DYNAMIC, "dns.question.top_level_domain", last + 1,
                          (size_t)(end - last - 1));
            const char *reg = prev ? prev + 1 : q.p;
            ym_fields_add(m->f, YM_FIELD_DYNAMIC, "dns.question.registered_domain", reg,
                          (size_t)(end - reg));
            if (prev)
                ym_fields_add(m->f, YM_FIELD_DYNAMIC, "dns.question.subdomain", q.p,
                              (size_t)(prev - q.p));
        }
    }
    struct parse_slice t = ev->v[K_DNS_TYPE];
    for (size_t i = 0; t.len && i < sizeof dns_types / sizeof dns_types[0]; i++)
        if (asa_slice_eq(t, dns_types[i].text))
            ym_fields_add(m->f, YM_FIELD_DYNAMIC, "dns.question.type", dns_types[i].code,
                          strlen(dns_types[i].code));
    struct parse_slice r = ev->v[K_DNS_RESPONSE];
    for (size_t i = 0; r.len && i < sizeof dns_rcodes / sizeof dns_rcodes[0]; i++)
        if (asa_slice_eq(r, dns_rcodes[i].text))
            ym_fields_add(m->f, YM_FIELD_DYNAMIC, "dns.response_code", dns_rcodes[i].code,
                          strlen(dns_rcodes[i].code));
}

static void add_url(struct asa_msg *m, struct parse_slice url)
{
    if (!url.len)
        return;
    ecs_add(m->f, ECS_URL_ORIGINAL, url.p, url.len);
    struct asa_cur u = {url.p, url.p + url.len};
    if (!asa_cur_find(&u, "://"))
        return;
    ym_fields_add(m->f, YM_FIELD_DYNAMIC, "url.scheme", url.p, (size_t)(u.p - 3 - url.p));
    const char *h = u.p;
    while (u.p < u.end && *u.p != '/' && *u.p != ':' && *u.p != '?')
        u.p++;
    if (u.p > h)
        ecs_add_array(m->f, ECS_URL_DOMAIN, h, (size_t)(u.p - h));
    if (u.p < u.end && *u.p == ':') {
        u.p++;
        int64_t port;
        if (asa_cur_int(&u, &port))
            ym_fields_add_int(m->f, YM_FIELD_DYNAMIC, "url.port", port);
    }
    const char *q = memchr(u.p, '?', (size_t)(u.end - u.p));
    struct parse_slice path = asa_slice(u.p, q ? q : u.end);
    parse_asa_str(m, ECS_URL_PATH, path);
    if (q && q + 1 < u.end)
        parse_asa_str(m, ECS_URL_QUERY, asa_slice(q + 1, u.end));
    /* url.extension: after the last '.' of the last path segment */
    for (uint32_t i = path.len; i > 0; i--) {
        char c = path.p[i - 1];
        if (c == '/')
            break;
        if (c == '.') {
            if (i < path.len)
                ym_fields_add(m->f, YM_FIELD_DYNAMIC, "url.extension", path.p + i, path.len - i);
            break;
        }
    }
}

static void classify(struct asa_msg *m, const char *cat, const char *cat2, const char *t1,
                     const char *t2, const char *t3, const char *outcome, const char *action,
                     const char *kind)
{
    ecs_add(m->f, ECS_EVENT_KIND, kind, strlen(kind));
    ecs_add_array(m->f, ECS_EVENT_CATEGORY, cat, strlen(cat));
    if (cat2)
        ecs_add_array(m->f, ECS_EVENT_CATEGORY, cat2, strlen(cat2));
    const char *t[3] = {t1, t2, t3};
    for (int i = 0; i < 3; i++)
        if (t[i])
            ecs_add_array(m->f, ECS_EVENT_TYPE, t[i], strlen(t[i]));
    if (outcome)
        ecs_add(m->f, ECS_EVENT_OUTCOME, outcome, strlen(outcome));
    ecs_add(m->f, ECS_EVENT_ACTION, action, strlen(action));
}

enum ym_status parse_ftd_security(struct asa_msg *m)
{
    struct sec_event ev;
    memset(&ev, 0, sizeof ev);
    size_t pairs = parse_kv_each(m->body.p, (size_t)(m->body.end - m->body.p), PARSE_KV_COLON,
                                 sec_pair, &ev);
    if (pairs == 0) {
        ecs_add(m->f, ECS_EVENT_KIND, "event", 5);
        m->error = "no Key: value pairs in a Firepower security event";
        return YM_EPARSE;
    }
    struct parse_slice act = ev.v[K_AC_RULE_ACTION];
    const char *verdict = NULL; /* Monitor and the like: neither */
    if (asa_slice_eq(act, "Allow") || asa_slice_eq(act, "Trust"))
        verdict = "allowed";
    else if (act.len >= 5 && memcmp(act.p, "Block", 5) == 0)
        verdict = "denied";
    switch (m->id) {
    case 430001: {
        struct parse_slice ir = ev.v[K_INLINE_RESULT];
        int drop = ir.len && (asa_slice_eq(ir, "Blocked") || asa_slice_eq(ir, "Dropped") ||
                              asa_slice_eq(ir, "Would block") || asa_slice_eq(ir, "Block"));
        classify(m, "intrusion_detection", NULL, "info", drop ? "denied" : "allowed", NULL,
                 "success", "intrusion-detected", "alert");
        break;
    }
    case 430002:
    case 430003:
        classify(m, "network", NULL, "connection", m->id == 430002 ? "start" : "end", verdict,
                 "success", m->id == 430002 ? "connection-started" : "connection-finished",
                 "event");
        break;
    case 430004:
        classify(m, "malware", NULL, "info", NULL, NULL, NULL, "file-detected", "alert");
        break;
    default:
        /* only a malware verdict is an alert; a pending or clean lookup is a file event */
        if (asa_slice_eq(ev.v[K_DISPOSITION], "Malware"))
            classify(m, "malware", NULL, "info", NULL, NULL, NULL, "malware-detected", "alert");
        else
            classify(m, "malware", "file", "info", NULL, NULL, NULL, "malware-detected", "event");
        break;
    }

    struct asa_ep src = {.port = -1, .mapped_port = -1}, dst = {.port = -1, .mapped_port = -1};
    src.addr = ev.v[K_SRC_IP];
    dst.addr = ev.v[K_DST_IP];
    int64_t v;
    if (slice_int(ev.v[K_SRC_PORT], &v))
        src.port = v;
    if (slice_int(ev.v[K_DST_PORT], &v))
        dst.port = v;
    src.iface = ev.v[K_INGRESS_IF];
    dst.iface = ev.v[K_EGRESS_IF];
    src.mapped_addr = ev.v[K_NAT_INIT_IP];
    dst.mapped_addr = ev.v[K_NAT_RESP_IP];
    if (slice_int(ev.v[K_NAT_INIT_PORT], &v))
        src.mapped_port = v;
    if (slice_int(ev.v[K_NAT_RESP_PORT], &v))
        dst.mapped_port = v;
    parse_asa_ep_emit(m, 0, &src);
    parse_asa_ep_emit(m, 1, &dst);
    parse_asa_str(m, ECS_OBSERVER_INGRESS_ZONE, ev.v[K_INGRESS_ZONE]);
    parse_asa_str(m, ECS_OBSERVER_EGRESS_ZONE, ev.v[K_EGRESS_ZONE]);
    parse_asa_proto(m, ev.v[K_PROTOCOL]);
    add_lower(m, ECS_NETWORK_PROTOCOL, ev.v[K_APP_PROTOCOL]);
    add_lower(m, ECS_NETWORK_APPLICATION, ev.v[K_CLIENT]);
    add_lower(m, ECS_NETWORK_APPLICATION, ev.v[K_WEB_APP]);
    parse_asa_extra(m, ASA_X_CONNECTION_ID, ev.v[K_CONNECTION_ID].p, ev.v[K_CONNECTION_ID].len);

    /* rule.name is the access-control rule; the Snort signature is rule.id
     * (SID) with its message in rule.description. */
    parse_asa_str(m, ECS_RULE_NAME, ev.v[K_AC_RULE_NAME]);
    parse_asa_str(m, ECS_RULE_RULESET, ev.v[K_AC_POLICY]);
    if (m->id == 430001) {
        parse_asa_str(m, ECS_RULE_ID, ev.v[K_SID]);
        parse_asa_dyn(m, "rule.version", ev.v[K_REVISION]);
        parse_asa_dyn(m, "rule.description", ev.v[K_MESSAGE]);
        parse_asa_str(m, ECS_RULE_CATEGORY, ev.v[K_CLASSIFICATION]);
        parse_asa_dyn(m, "cisco.ftd.security_event.gid", ev.v[K_GID]);
        parse_asa_dyn(m, "cisco.ftd.security_event.priority", ev.v[K_PRIORITY]);
        parse_asa_dyn(m, "cisco.ftd.security_event.inline_result", ev.v[K_INLINE_RESULT]);
    }
    parse_asa_dyn(m, "cisco.ftd.security_event.url_category", ev.v[K_URL_CATEGORY]);
    parse_asa_dyn(m, "cisco.ftd.security_event.si_category", ev.v[K_SI_CATEGORY]);

    int64_t ib = -1, rb = -1, ip = -1, rp = -1;
    if (slice_int(ev.v[K_INIT_BYTES], &ib))
        ecs_add_int(m->f, ECS_SOURCE_BYTES, ib);
    if (slice_int(ev.v[K_RESP_BYTES], &rb))
        ecs_add_int(m->f, ECS_DESTINATION_BYTES, rb);
    if (ib >= 0 && rb >= 0)
        ecs_add_int(m->f, ECS_NETWORK_BYTES, ib + rb);
    if (slice_int(ev.v[K_INIT_PACKETS], &ip))
        ecs_add_int(m->f, ECS_SOURCE_PACKETS, ip);
    if (slice_int(ev.v[K_RESP_PACKETS], &rp))
        ecs_add_int(m->f, ECS_DESTINATION_PACKETS, rp);
    if (ip >= 0 && rp >= 0)
        ecs_add_int(m->f, ECS_NETWORK_PACKETS, ip + rp);

    /* Times (as the cisco_ftd integration does): intrusion and connection
     * events are dated by FirstPacketSecond when they carry it, and a
     * finished connection runs from there for ConnectionDuration. */
    struct parse_slice fps = ev.v[K_FIRST_PACKET];
    int64_t first_ns = parse_instant(fps);
    int64_t log_ns = m->hdr && m->hdr->time_ns ? m->hdr->time_ns : 0;
    if (first_ns && (m->id <= 430003 || !log_ns)) {
        m->rec->time_ns = first_ns;
        log_ns = first_ns;
    }
    int64_t dur_s;
    if (m->id == 430003 && slice_int(ev.v[K_DURATION], &dur_s) && dur_s >= 0 &&
        dur_s < 10LL * 366 * 86400 && log_ns) {
        ecs_add_int(m->f, ECS_EVENT_DURATION, dur_s * 1000000000LL);
        parse_asa_add_time(m, ECS_EVENT_START, log_ns);
        parse_asa_add_time(m, ECS_EVENT_END, log_ns + dur_s * 1000000000LL);
    } else if (first_ns) {
        ecs_add(m->f, ECS_EVENT_START, fps.p, fps.len);
    }

    add_dns(m, &ev);
    uint32_t before_url = m->f->count;
    add_url(m, ev.v[K_URI].len ? ev.v[K_URI] : ev.v[K_URL]);
    /* url.domain: the URL's host and the HTTP Host header, when they differ */
    struct parse_slice rh = ev.v[K_REFERENCED_HOST];
    if (rh.len && m->id != 430004 && m->id != 430005) {
        int dup = 0;
        for (uint32_t i = before_url; i < m->f->count; i++) {
            const struct ym_field *fl = &m->f->v[i];
            if (fl->id == ECS_URL_DOMAIN && fl->len == rh.len && memcmp(fl->str, rh.p, rh.len) == 0)
                dup = 1;
        }
        if (!dup)
            ecs_add_array(m->f, ECS_URL_DOMAIN, rh.p, rh.len);
    }
    parse_asa_str(m, ECS_USER_AGENT_ORIGINAL, ev.v[K_USER_AGENT]);
    parse_asa_dyn(m, "http.request.referrer", ev.v[K_REFERER]);
    if (slice_int(ev.v[K_HTTP_RESPONSE], &v))
        ecs_add_int(m->f, ECS_HTTP_RESPONSE_STATUS_CODE, v);

    struct parse_slice user = ev.v[K_USER];
    int anonymous = asa_slice_eq(user, "No Authentication Required") || asa_slice_eq(user, "Not Found");
    if (user.len && (m->id >= 430004 || !anonymous)) {
        /* "Default-AD\user1": user.id keeps the realm, user.name drops it */
        parse_asa_dyn(m, "user.id", user);
        const char *bs = memchr(user.p, '\\', user.len);
        if (bs && m->id < 430004) {
            ym_fields_add(m->f, YM_FIELD_DYNAMIC, "user.domain", user.p, (size_t)(bs - user.p));
            user = asa_slice(bs + 1, user.p + user.len);
        }
        parse_asa_str(m, ECS_USER_NAME, user);
    }
    if (m->id == 430004 || m->id == 430005) {
        parse_asa_str(m, ECS_FILE_NAME, ev.v[K_FILE_NAME]);
        parse_asa_str(m, ECS_FILE_HASH_SHA256, ev.v[K_FILE_SHA256]);
        if (slice_int(ev.v[K_FILE_SIZE], &v))
            ym_fields_add_int(m->f, YM_FIELD_DYNAMIC, "file.size", v);
        parse_asa_dyn(m, "cisco.ftd.security_event.file_action", ev.v[K_FILE_ACTION]);
        parse_asa_dyn(m, "cisco.ftd.security_event.disposition", ev.v[K_DISPOSITION]);
        parse_asa_dyn(m, "threat.software.name", ev.v[K_THREAT_NAME]);
    }
    return YM_OK;
}

static enum ym_status parse_ftd_decode(const struct parse_ctx *ctx,
                                       const struct parse_syslog_hdr *hdr, struct ym_record *rec)
{
    return parse_asa_family_decode(ctx, hdr, rec, ASA_PRODUCT_FTD);
}

/* Auto-detection: an %FTD- tag near the start of the message. */
static int parse_ftd_sniff(const char *msg, size_t len)
{
    return parse_asa_find_tag(msg, len, "%FTD-") >= 0;
}

const struct parse_decoder parse_decoder_ftd = {
    .kind = "ftd",
    .description = "Cisco Firepower Threat Defense (%FTD-n-NNNNNN, 430001-430005 events)",
    .decode = parse_ftd_decode,
    .sniff = parse_ftd_sniff,
};
