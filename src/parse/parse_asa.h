/* parse_asa: the Cisco ASA message family, shared by the `asa` decoder
 * (parse_asa.c) and the `ftd` decoder (parse_ftd.c), which differ only in
 * product name, observer type and vendor namespace (cisco.asa.* / cisco.ftd.*).
 *
 *   <166>Aug 18 2026 18:24:29 asa-fw-01 : %ASA-6-302013: Built inbound TCP connection 11 for outside:203.0.113.20/443 (203.0.113.20/443) to inside:192.0.2.30/51000 (198.51.100.10/51000)
 *
 * Follows the Cisco "ASA Series Syslog Messages" guide (9.x) and the field
 * mapping of the Elastic cisco_asa / cisco_ftd integrations (the corpus).
 *
 * Memory: every value added to rec->fields is a slice of rec->raw, a static
 * string, or a copy in the fields' arena. No state between logs: any thread
 * may call these functions at once.
 * Status: YM_OK (understood, including a known header with an unknown id),
 * YM_EDECLINED (no %ASA-/%FTD- header), YM_EPARSE (known id, body not as
 * documented; error.message says which). */
#ifndef PARSE_ASA_H
#define PARSE_ASA_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/ym_batch.h"
#include "parse/parse.h"
#include "parse/parse_ecs.h"
#include "parse/parse_syslog.h"

/* Which product a log belongs to (index into the vendor name tables). */
enum asa_product {
    ASA_PRODUCT_ASA = 0,
    ASA_PRODUCT_FTD = 1,
};

/* Vendor extras (cisco.asa.<name> or cisco.ftd.<name>). */
enum parse_asa_extra {
    ASA_X_MESSAGE_ID,
    ASA_X_CONNECTION_ID,
    ASA_X_SOURCE_INTERFACE,
    ASA_X_DESTINATION_INTERFACE,
    ASA_X_MAPPED_SOURCE_IP,
    ASA_X_MAPPED_SOURCE_PORT,
    ASA_X_MAPPED_DESTINATION_IP,
    ASA_X_MAPPED_DESTINATION_PORT,
    ASA_X_RULE_NAME,
    ASA_X_ICMP_TYPE,
    ASA_X_ICMP_CODE,
    ASA_X_SUSPICIOUS,
    ASA_X_TUNNEL_GROUP,
    ASA_X_SESSION_TYPE,
    ASA_X_COMMAND_LINE,
    ASA_X_BURST_OBJECT,
    ASA_X_BURST_ID,
    ASA_X_BURST_CURRENT_RATE,
    ASA_X_BURST_AVG_RATE,
    ASA_X_BURST_CUMULATIVE,
    ASA_X_ASSIGNED_IP,
    ASA_X_PRIVILEGE_OLD,
    ASA_X_PRIVILEGE_NEW,
    ASA_X_DAP_RECORDS,
    ASA_X_TRUSTPOINT,
    ASA_X_POOL_NAME,
    ASA_X_POOL_ADDRESS,
    ASA_X_SESSION_ID,
    ASA_X__COUNT
};

/* A read position in a message body: [p, end). Never reads past end. */
struct asa_cur {
    const char *p;
    const char *end;
};

/* One side of a flow as the ASA writes it: [iface:]addr[/port][ (mapped[/port])][(user)] */
struct asa_ep {
    struct parse_slice iface;
    struct parse_slice addr;
    struct parse_slice user; /* DOMAIN\user or DOMAIN\group\user, from "(...)" */
    int64_t port;            /* -1 when absent */
    struct parse_slice mapped_addr;
    int64_t mapped_port;     /* -1 when absent */
};

/* What a message handler works on. */
struct asa_msg {
    const struct parse_ctx *ctx;
    const struct parse_syslog_hdr *hdr;
    struct ym_record *rec;
    struct ym_fields *f;
    enum asa_product product;
    uint32_t id;       /* message id, 302013 */
    int severity;      /* 0..7 */
    struct asa_cur body;
    const char *error; /* static text for error.message on YM_EPARSE */
};

typedef enum ym_status (*asa_handler_fn)(struct asa_msg *m);

/* ECS classification shared by many ids. */
struct asa_lit {
    const char *s;
    uint8_t n;
};
#define ASA_LIT(x) {x, sizeof(x) - 1}

struct asa_profile {
    struct asa_lit cat[2];
    struct asa_lit type[3];
    struct asa_lit outcome;
};

enum {
    P_NONE,
    P_NET,
    P_CONN_START,
    P_CONN_START_FAIL,
    P_CONN_END,
    P_CONN_END_PLAIN,
    P_DENY,
    P_DENY_FAIL,
    P_ALLOW,
    P_AUTH_OK,
    P_AUTH_FAIL,
    P_INFO,
    P_INFO_FAIL,
    P_CONN_INFO,
    P_CONN_INFO_OK,
    P_CONN_INFO_FAIL,
    P_NAT_CREATE,
    P_NAT_DELETE,
    P_CONFIG_INFO,
    P_CONFIG_CHANGE,
    P_IAM_CHANGE,
    P_IDS,
    P_FILE_ACCESS,
    P_URL,
    P_AUTH_INFO_OK,
    P_FTD_INFO,   /* the cisco_ftd default: firewall-rule, network, info */
    P_OK_ONLY,    /* outcome success, no category */
    P_FAIL_ONLY,  /* outcome failure, no category */
    P_SA_END,
    P_MALWARE,
    P__COUNT
};

/* One known message id: body handler, classification, event.action. */
struct asa_def {
    uint32_t id;
    asa_handler_fn fn;
    uint8_t profile;
    struct asa_lit action;
    struct asa_lit reason; /* fixed event.reason, or {0} */
};

/* FTD overrides of the classification (parse_ftd.c); NULL when none. */
const struct asa_def *parse_ftd_find_def(uint32_t id);
/* 430001-430005 Firepower security events (parse_ftd.c). */
enum ym_status parse_ftd_security(struct asa_msg *m);

/* The family decoder: splits %ASA-/%FTD-, adds the common fields, runs the
 * message handler of the id. */
enum ym_status parse_asa_family_decode(const struct parse_ctx *ctx,
                                       const struct parse_syslog_hdr *hdr, struct ym_record *rec,
                                       enum asa_product product);
/* Finds "%ASA-" or "%FTD-" at the start of msg (after at most a few bytes of
 * prefix such as ": "); returns its offset or -1. */
long parse_asa_find_tag(const char *msg, size_t len, const char *tag5);

/* ---- helpers shared by the handler modules (parse_asa_util.c) ---- */

void parse_asa_extra(struct asa_msg *m, enum parse_asa_extra x, const char *s, size_t len);
void parse_asa_extra_int(struct asa_msg *m, enum parse_asa_extra x, int64_t v);
/* source.address + source.ip or source.domain (same for destination). */
void parse_asa_addr(struct asa_msg *m, int dst, struct parse_slice addr);
/* Endpoint with port, interface (ingress for source, egress for
 * destination), user; NAT fields when the mapped address differs. */
void parse_asa_ep_emit(struct asa_msg *m, int dst, const struct asa_ep *ep);
/* network.transport + network.iana_number from a protocol word ("TCP", "icmp", "47"). */
void parse_asa_proto(struct asa_msg *m, struct parse_slice word);
/* network.protocol (lower case) from a transport word ("ICMP" -> "icmp"). */
void parse_asa_app_proto(struct asa_msg *m, struct parse_slice word);
/* source.user.name, split "name@domain" into name, domain and email. */
void parse_asa_user(struct asa_msg *m, struct parse_slice u);
/* The word names a transport we know (any case). */
int parse_asa_proto_known(struct parse_slice word);
/* Adds a time field as RFC 3339 UTC with milliseconds, written by hand
 * into the arena (no snprintf on the hot path). */
void parse_asa_add_time(struct asa_msg *m, enum parse_ecs_id id, int64_t t_ns);
/* event.duration, and event.start/end around the log time. */
void parse_asa_duration(struct asa_msg *m, int64_t dur_ns);
/* "H:MM:SS" or "0h:32m:16s" -> ns; -1 when not a duration. */
int64_t parse_asa_parse_duration(struct parse_slice s);
void parse_asa_str(struct asa_msg *m, enum parse_ecs_id id, struct parse_slice s);
void parse_asa_dyn(struct asa_msg *m, const char *name, struct parse_slice s);
/* The word is an IP address (v4 dotted quad or v6). */
int parse_asa_is_ip(const char *s, size_t len);
/* Parses an endpoint at c (see struct asa_ep); with_iface: "if:" expected
 * before the address. Stops at a space, ',' or end. Returns 0 if nothing read. */
int parse_asa_ep_read(struct asa_cur *c, int with_iface, struct asa_ep *ep);

/* handler sets (parse_asa_flow.c, parse_asa_user.c) */
enum ym_status parse_asa_h_built(struct asa_msg *m);
enum ym_status parse_asa_h_teardown(struct asa_msg *m);
enum ym_status parse_asa_h_icmp_conn(struct asa_msg *m);
enum ym_status parse_asa_h_from_to(struct asa_msg *m);
enum ym_status parse_asa_h_src_dst(struct asa_msg *m);
enum ym_status parse_asa_h_acl(struct asa_msg *m);
enum ym_status parse_asa_h_icmp_nomatch(struct asa_msg *m);
enum ym_status parse_asa_h_icmp_denied(struct asa_msg *m);
enum ym_status parse_asa_h_translation(struct asa_msg *m);
enum ym_status parse_asa_h_local_host(struct asa_msg *m);
enum ym_status parse_asa_h_ips(struct asa_msg *m);
enum ym_status parse_asa_h_ftp(struct asa_msg *m);
enum ym_status parse_asa_h_url(struct asa_msg *m);
enum ym_status parse_asa_h_aaa(struct asa_msg *m);
enum ym_status parse_asa_h_group_user_ip(struct asa_msg *m);
enum ym_status parse_asa_h_local_remote(struct asa_msg *m);
enum ym_status parse_asa_h_session_disconnected(struct asa_msg *m);
enum ym_status parse_asa_h_ike(struct asa_msg *m);
enum ym_status parse_asa_h_threat_rate(struct asa_msg *m);
enum ym_status parse_asa_h_threat_host(struct asa_msg *m);
enum ym_status parse_asa_h_cmd(struct asa_msg *m);
enum ym_status parse_asa_h_login(struct asa_msg *m);
enum ym_status parse_asa_h_user_ip(struct asa_msg *m);
enum ym_status parse_asa_h_ipsec_sa(struct asa_msg *m);
enum ym_status parse_asa_h_webvpn_client(struct asa_msg *m);
enum ym_status parse_asa_h_ssl(struct asa_msg *m);
enum ym_status parse_asa_h_ipaa(struct asa_msg *m);
enum ym_status parse_asa_h_line_protocol(struct asa_msg *m);
enum ym_status parse_asa_h_dap(struct asa_msg *m);
enum ym_status parse_asa_h_ssh(struct asa_msg *m);
enum ym_status parse_asa_h_priv(struct asa_msg *m);
enum ym_status parse_asa_h_console(struct asa_msg *m);
enum ym_status parse_asa_h_shun(struct asa_msg *m);
enum ym_status parse_asa_h_uauth(struct asa_msg *m);
enum ym_status parse_asa_h_user_identity(struct asa_msg *m);
enum ym_status parse_asa_h_pmtu(struct asa_msg *m);
enum ym_status parse_asa_h_reason_all(struct asa_msg *m);

/* ---- cursor (inline: these run for every field of every log) ---- */

static inline struct parse_slice asa_slice(const char *p, const char *end)
{
    struct parse_slice s = {p, (uint32_t)(end - p)};
    return s;
}
static inline int asa_cur_eof(const struct asa_cur *c) { return c->p >= c->end; }
static inline void asa_cur_sp(struct asa_cur *c)
{
    while (c->p < c->end && *c->p == ' ')
        c->p++;
}
/* Matches lit exactly at c (no skipping); advances past it. */
static inline int asa_cur_lit(struct asa_cur *c, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n) != 0)
        return 0;
    c->p += n;
    return 1;
}
/* memmem for the short needles of this decoder: memchr on the first byte,
 * then memcmp (glibc's two-way memmem costs more to set up than it saves). */
static inline const char *asa_memfind(const char *h, size_t hl, const char *n, size_t nl)
{
    if (nl == 0)
        return h;
    if (hl < nl)
        return NULL;
    const char *last = h + (hl - nl);
    while (h <= last) {
        h = memchr(h, n[0], (size_t)(last - h) + 1);
        if (!h)
            return NULL;
        if (memcmp(h + 1, n + 1, nl - 1) == 0)
            return h;
        h++;
    }
    return NULL;
}
/* Finds lit at or after c; advances past it. */
static inline int asa_cur_find(struct asa_cur *c, const char *lit)
{
    size_t n = strlen(lit);
    const char *hit = asa_memfind(c->p, (size_t)(c->end - c->p), lit, n);
    if (!hit)
        return 0;
    c->p = hit + n;
    return 1;
}
/* Finds lit; returns where it starts (NULL when absent); c does not move. */
static inline const char *asa_cur_peek(const struct asa_cur *c, const char *lit)
{
    return asa_memfind(c->p, (size_t)(c->end - c->p), lit, strlen(lit));
}
/* The next word (up to a space); skips leading spaces. */
static inline struct parse_slice asa_cur_word(struct asa_cur *c)
{
    asa_cur_sp(c);
    const char *s = c->p;
    while (c->p < c->end && *c->p != ' ')
        c->p++;
    return asa_slice(s, c->p);
}
/* Up to (not including) ch, or to the end; c moves past ch. */
static inline struct parse_slice asa_cur_until(struct asa_cur *c, char ch)
{
    const char *s = c->p;
    const char *hit = memchr(s, ch, (size_t)(c->end - s));
    if (!hit) {
        c->p = c->end;
        return asa_slice(s, c->end);
    }
    c->p = hit + 1;
    return asa_slice(s, hit);
}
/* Decimal integer (optional '-'); 0 when none. */
static inline int asa_cur_int(struct asa_cur *c, int64_t *out)
{
    const char *p = c->p;
    int neg = 0;
    if (p < c->end && *p == '-') {
        neg = 1;
        p++;
    }
    const char *s = p;
    int64_t v = 0;
    while (p < c->end && *p >= '0' && *p <= '9' && p - s < 18)
        v = v * 10 + (*p++ - '0');
    if (p == s)
        return 0;
    c->p = p;
    *out = neg ? -v : v;
    return 1;
}
static inline struct parse_slice asa_trim(struct parse_slice s)
{
    while (s.len && (s.p[0] == ' '))
        s.p++, s.len--;
    while (s.len && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '.' || s.p[s.len - 1] == ','))
        s.len--;
    return s;
}
static inline int asa_slice_eq(struct parse_slice s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len == n && memcmp(s.p, lit, n) == 0;
}

#endif
