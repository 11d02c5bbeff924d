/* parse_asa_util: field helpers shared by the ASA/FTD message handlers
 * (addresses, endpoints, protocols, durations). See parse_asa.h. */
#include "parse/parse_asa.h"

#include <string.h>

#include "core/ym_arena.h"
#include "core/ym_time.h"

static const char *const extra_names[ASA_X__COUNT][2] = {
#define X(e, n) [e] = {"cisco.asa." n, "cisco.ftd." n}
    X(ASA_X_MESSAGE_ID, "message_id"),
    X(ASA_X_CONNECTION_ID, "connection_id"),
    X(ASA_X_SOURCE_INTERFACE, "source_interface"),
    X(ASA_X_DESTINATION_INTERFACE, "destination_interface"),
    X(ASA_X_MAPPED_SOURCE_IP, "mapped_source_ip"),
    X(ASA_X_MAPPED_SOURCE_PORT, "mapped_source_port"),
    X(ASA_X_MAPPED_DESTINATION_IP, "mapped_destination_ip"),
    X(ASA_X_MAPPED_DESTINATION_PORT, "mapped_destination_port"),
    X(ASA_X_RULE_NAME, "rule_name"),
    X(ASA_X_ICMP_TYPE, "icmp_type"),
    X(ASA_X_ICMP_CODE, "icmp_code"),
    X(ASA_X_SUSPICIOUS, "suspicious"),
    X(ASA_X_TUNNEL_GROUP, "tunnel_group"),
    X(ASA_X_SESSION_TYPE, "session_type"),
    X(ASA_X_COMMAND_LINE, "command_line_arguments"),
    X(ASA_X_BURST_OBJECT, "burst.object"),
    X(ASA_X_BURST_ID, "burst.id"),
    X(ASA_X_BURST_CURRENT_RATE, "burst.current_burst_rate"),
    X(ASA_X_BURST_AVG_RATE, "burst.current_average_rate"),
    X(ASA_X_BURST_CUMULATIVE, "burst.cumulative_count"),
    X(ASA_X_ASSIGNED_IP, "assigned_ip"),
    X(ASA_X_PRIVILEGE_OLD, "privilege.old"),
    X(ASA_X_PRIVILEGE_NEW, "privilege.new"),
    X(ASA_X_DAP_RECORDS, "dap_records"),
    X(ASA_X_TRUSTPOINT, "trustpoint"),
    X(ASA_X_POOL_NAME, "pool_name"),
    X(ASA_X_POOL_ADDRESS, "pool_address"),
    X(ASA_X_SESSION_ID, "session_id"),
#undef X
};

void parse_asa_extra(struct asa_msg *m, enum parse_asa_extra x, const char *s, size_t len)
{
    if (len)
        ym_fields_add(m->f, YM_FIELD_DYNAMIC, extra_names[x][m->product], s, len);
}

void parse_asa_extra_int(struct asa_msg *m, enum parse_asa_extra x, int64_t v)
{
    ym_fields_add_int(m->f, YM_FIELD_DYNAMIC, extra_names[x][m->product], v);
}

void parse_asa_str(struct asa_msg *m, enum parse_ecs_id id, struct parse_slice s)
{
    if (s.p && s.len)
        ecs_add(m->f, id, s.p, s.len);
}

void parse_asa_dyn(struct asa_msg *m, const char *name, struct parse_slice s)
{
    if (s.p && s.len)
        ym_fields_add(m->f, YM_FIELD_DYNAMIC, name, s.p, s.len);
}

static int is_ipv4(const char *s, size_t len)
{
    int parts = 0;
    size_t i = 0;
    while (i < len) {
        int v = 0, digits = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            v = v * 10 + (s[i] - '0');
            if (++digits > 3)
                return 0;
            i++;
        }
        if (!digits || v > 255)
            return 0;
        parts++;
        if (i == len)
            break;
        if (s[i] != '.' || parts == 4)
            return 0;
        i++;
        if (i == len)
            return 0;
    }
    return parts == 4;
}

static int is_ipv6(const char *s, size_t len)
{
    int colons = 0;
    if (len < 2 || len > 45)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == ':')
            colons++;
        else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
                   c == '.'))
            return 0;
    }
    return colons >= 2 && colons <= 7;
}

int parse_asa_is_ip(const char *s, size_t len)
{
    return is_ipv4(s, len) || is_ipv6(s, len);
}

void parse_asa_addr(struct asa_msg *m, int dst, struct parse_slice a)
{
    if (!a.p || !a.len)
        return;
    ecs_add(m->f, dst ? ECS_DESTINATION_ADDRESS : ECS_SOURCE_ADDRESS, a.p, a.len);
    if (parse_asa_is_ip(a.p, a.len))
        ecs_add(m->f, dst ? ECS_DESTINATION_IP : ECS_SOURCE_IP, a.p, a.len);
    else
        ecs_add(m->f, dst ? ECS_DESTINATION_DOMAIN : ECS_SOURCE_DOMAIN, a.p, a.len);
}

void parse_asa_user(struct asa_msg *m, struct parse_slice u)
{
    if (!u.len)
        return;
    const char *at = memchr(u.p, '@', u.len);
    if (at && at > u.p && at + 1 < u.p + u.len) {
        ym_fields_add(m->f, YM_FIELD_DYNAMIC, "source.user.email", u.p, u.len);
        ym_fields_add(m->f, YM_FIELD_DYNAMIC, "source.user.domain", at + 1,
                      (size_t)(u.p + u.len - at - 1));
        u.len = (uint32_t)(at - u.p);
    }
    ecs_add(m->f, ECS_SOURCE_USER_NAME, u.p, u.len);
}

/* "LOCAL\group\user" or "LOCAL\user" or "user". */
static void emit_user(struct asa_msg *m, int dst, struct parse_slice u)
{
    const char *first = memchr(u.p, '\\', u.len);
    if (!first) {
        ecs_add(m->f, dst ? ECS_DESTINATION_USER_NAME : ECS_SOURCE_USER_NAME, u.p, u.len);
        return;
    }
    const char *end = u.p + u.len;
    const char *last = first;
    for (const char *q = first + 1; q < end; q++)
        if (*q == '\\')
            last = q;
    ym_fields_add(m->f, YM_FIELD_DYNAMIC, dst ? "destination.user.domain" : "source.user.domain",
                  u.p, (size_t)(first - u.p));
    if (last - first > 1)
        ym_fields_add(m->f, YM_FIELD_DYNAMIC,
                      dst ? "destination.user.group.name" : "source.user.group.name", first + 1,
                      (size_t)(last - first - 1));
    ecs_add(m->f, dst ? ECS_DESTINATION_USER_NAME : ECS_SOURCE_USER_NAME, last + 1,
            (size_t)(end - last - 1));
}

void parse_asa_ep_emit(struct asa_msg *m, int dst, const struct asa_ep *ep)
{
    parse_asa_addr(m, dst, ep->addr);
    if (ep->port >= 0)
        ecs_add_int(m->f, dst ? ECS_DESTINATION_PORT : ECS_SOURCE_PORT, ep->port);
    if (ep->iface.len) {
        ecs_add(m->f, dst ? ECS_OBSERVER_EGRESS_INTERFACE_NAME : ECS_OBSERVER_INGRESS_INTERFACE_NAME,
                ep->iface.p, ep->iface.len);
        parse_asa_extra(m, dst ? ASA_X_DESTINATION_INTERFACE : ASA_X_SOURCE_INTERFACE, ep->iface.p,
                  ep->iface.len);
    }
    if (ep->user.len)
        emit_user(m, dst, ep->user);
    if (ep->mapped_addr.len) {
        int same_ip = ep->mapped_addr.len == ep->addr.len &&
                      memcmp(ep->mapped_addr.p, ep->addr.p, ep->addr.len) == 0;
        /* The mapped pair is written only when NAT changed something: most
         * connections are not translated and these would repeat the real pair. */
        if (same_ip && ep->mapped_port == ep->port)
            return;
        parse_asa_extra(m, dst ? ASA_X_MAPPED_DESTINATION_IP : ASA_X_MAPPED_SOURCE_IP, ep->mapped_addr.p,
                  ep->mapped_addr.len);
        if (ep->mapped_port >= 0)
            parse_asa_extra_int(m, dst ? ASA_X_MAPPED_DESTINATION_PORT : ASA_X_MAPPED_SOURCE_PORT,
                          ep->mapped_port);
        if (!same_ip && parse_asa_is_ip(ep->mapped_addr.p, ep->mapped_addr.len)) {
            ecs_add(m->f, dst ? ECS_DESTINATION_NAT_IP : ECS_SOURCE_NAT_IP, ep->mapped_addr.p,
                    ep->mapped_addr.len);
            if (ep->mapped_port >= 0 && ep->mapped_port != ep->port)
                ecs_add_int(m->f, dst ? ECS_DESTINATION_NAT_PORT : ECS_SOURCE_NAT_PORT,
                            ep->mapped_port);
        }
    }
}

int parse_asa_ep_read(struct asa_cur *c, int with_iface, struct asa_ep *ep)
{
    memset(ep, 0, sizeof *ep);
    ep->port = -1;
    ep->mapped_port = -1;
    asa_cur_sp(c);
    const char *s = c->p, *end = c->end;
    /* One pass up to the end of the address: [iface:]addr then '/', '(', ' ' or ','. */
    const char *colon1 = NULL, *colon2 = NULL, *p = s;
    for (; p < end; p++) {
        char ch = *p;
        if (ch == ' ' || ch == ',' || ch == '/' || ch == '(')
            break;
        if (ch == ':') {
            if (!colon1)
                colon1 = p;
            else if (!colon2)
                colon2 = p;
        }
    }
    if (p == s)
        return 0;
    const char *a = s;
    if (with_iface && colon1) {
        /* "2001:db8::1/80" has no interface: a short hex prefix followed
         * by more colons is an IPv6 address. */
        int v6 = 0;
        if (colon2 && colon1 - s <= 4) {
            v6 = 1;
            for (const char *q = s; q < colon1; q++)
                if (!((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f') || (*q >= 'A' && *q <= 'F')))
                    v6 = 0;
        }
        if (!v6) {
            ep->iface = asa_slice(s, colon1);
            a = colon1 + 1;
        }
    }
    ep->addr = asa_slice(a, p);
    if (p < end && *p == '/') {
        p++;
        int64_t v = 0;
        const char *d = p;
        while (p < end && *p >= '0' && *p <= '9' && p - d < 9)
            v = v * 10 + (*p++ - '0');
        if (p > d)
            ep->port = v;
    }
    if (p < end && *p == '(') {
        const char *u = ++p;
        const char *close = memchr(u, ')', (size_t)(end - u));
        if (close) {
            if (memchr(u, '\\', (size_t)(close - u))) {
                /* "(LOCAL\user, 9999:SgtName)": the user, then the security group tag */
                const char *comma = memchr(u, ',', (size_t)(close - u));
                ep->user = asa_slice(u, comma ? comma : close);
            }
            p = close + 1; /* "(LOCAL\some user)" may hold a space */
        }
    }
    const char *e = p;
    while (e < end && *e != ' ' && *e != ',')
        e++;
    c->p = e;
    /* " (mapped/port)" right after */
    if (c->end - c->p > 2 && c->p[0] == ' ' && c->p[1] == '(') {
        const char *q = c->p + 2;
        const char *close = memchr(q, ')', (size_t)(c->end - q));
        /* an address, not "(type 8, code 0)" */
        if (close && memchr(q, ' ', (size_t)(close - q)))
            close = NULL;
        if (close) {
            const char *slash = memchr(q, '/', (size_t)(close - q));
            const char *paren = memchr(q, '(', (size_t)(close - q));
            const char *aend = slash ? slash : close;
            if (paren && paren < aend)
                aend = paren;
            ep->mapped_addr = asa_slice(q, aend);
            if (slash && slash < close) {
                struct asa_cur pc = {slash + 1, close};
                int64_t v;
                if (asa_cur_int(&pc, &v))
                    ep->mapped_port = v;
            }
            c->p = close + 1;
        }
    }
    return 1;
}

struct proto_name {
    const char *lower;
    const char *iana;
    uint8_t lower_len, iana_len;
};

#define PROTO(l, i) {l, i, sizeof(l) - 1, sizeof(i) - 1}
static const struct proto_name protos[] = {
    PROTO("tcp", "6"),  PROTO("udp", "17"), PROTO("icmp", "1"),    PROTO("icmp6", "58"),
    PROTO("gre", "47"), PROTO("esp", "50"), PROTO("ah", "51"),     PROTO("sctp", "132"),
    PROTO("igmp", "2"), PROTO("ipv6-icmp", "58"),
};
#undef PROTO

/* Index of the protocol named w (any case), or -1. */
static int proto_index(struct parse_slice w)
{
    if (!w.len || w.len > 9)
        return -1;
    for (size_t i = 0; i < sizeof protos / sizeof protos[0]; i++) {
        if (protos[i].lower_len != w.len)
            continue;
        size_t k = 0;
        while (k < w.len && (w.p[k] | 0x20) == protos[i].lower[k])
            k++;
        if (k == w.len)
            return (int)i;
    }
    return -1;
}

void parse_asa_app_proto(struct asa_msg *m, struct parse_slice w)
{
    int i = proto_index(w);
    if (i >= 0)
        ecs_add(m->f, ECS_NETWORK_PROTOCOL, protos[i].lower, protos[i].lower_len);
}

int parse_asa_proto_known(struct parse_slice w)
{
    return proto_index(w) >= 0;
}

void parse_asa_proto(struct asa_msg *m, struct parse_slice w)
{
    if (!w.len || w.len > 10)
        return;
    if (w.p[0] >= '0' && w.p[0] <= '9') {
        for (size_t i = 0; i < w.len; i++)
            if (w.p[i] < '0' || w.p[i] > '9')
                return;
        ecs_add(m->f, ECS_NETWORK_IANA_NUMBER, w.p, w.len);
        return;
    }
    int i = proto_index(w);
    if (i < 0)
        return;
    ecs_add(m->f, ECS_NETWORK_TRANSPORT, protos[i].lower, protos[i].lower_len);
    ecs_add(m->f, ECS_NETWORK_IANA_NUMBER, protos[i].iana, protos[i].iana_len);
}

int64_t parse_asa_parse_duration(struct parse_slice s)
{
    /* H:MM:SS (hours may exceed 24) or 0h:32m:16s */
    int64_t part[3] = {0, 0, 0};
    int n = 0;
    if (!s.p || !s.len)
        return -1;
    struct asa_cur c = {s.p, s.p + s.len};
    while (n < 3) {
        int64_t v;
        if (!asa_cur_int(&c, &v) || v < 0)
            return -1;
        part[n++] = v;
        if (!asa_cur_eof(&c) && (*c.p == 'h' || *c.p == 'm' || *c.p == 's'))
            c.p++;
        if (asa_cur_eof(&c))
            break;
        if (*c.p != ':')
            return -1;
        c.p++;
    }
    if (n != 3 || !asa_cur_eof(&c))
        return -1;
    /* more than ten years is not a connection's age but a broken log */
    if (part[0] > 24 * 366 * 10 || part[1] > 59 * 1000 || part[2] > 59 * 1000)
        return -1;
    return ((part[0] * 60 + part[1]) * 60 + part[2]) * 1000000000LL;
}

static void put2(char *p, unsigned v)
{
    p[0] = (char)('0' + v / 10 % 10);
    p[1] = (char)('0' + v % 10);
}

void parse_asa_add_time(struct asa_msg *m, enum parse_ecs_id id, int64_t t_ns)
{
    /* 2026-11-22T10:00:00.000Z */
    int64_t secs = t_ns / 1000000000LL;
    int64_t ms = (t_ns % 1000000000LL) / 1000000;
    if (ms < 0) {
        ms += 1000;
        secs--;
    }
    int64_t days = secs / 86400, rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    int64_t y;
    unsigned mo, d;
    ym_time_civil_from_days(days, &y, &mo, &d);
    if (y < 0 || y > 9999)
        return;
    char *p = ym_arena_alloc(m->f->arena, 24);
    if (!p)
        return;
    put2(p, (unsigned)(y / 100));
    put2(p + 2, (unsigned)(y % 100));
    p[4] = '-';
    put2(p + 5, mo);
    p[7] = '-';
    put2(p + 8, d);
    p[10] = 'T';
    put2(p + 11, (unsigned)(rem / 3600));
    p[13] = ':';
    put2(p + 14, (unsigned)(rem / 60 % 60));
    p[16] = ':';
    put2(p + 17, (unsigned)(rem % 60));
    p[19] = '.';
    p[20] = (char)('0' + ms / 100);
    put2(p + 21, (unsigned)(ms % 100));
    p[23] = 'Z';
    ym_fields_add(m->f, (uint16_t)id, parse_ecs_name(id), p, 24);
}

void parse_asa_duration(struct asa_msg *m, int64_t dur_ns)
{
    if (dur_ns < 0)
        return;
    ecs_add_int(m->f, ECS_EVENT_DURATION, dur_ns);
    int64_t end = m->hdr && m->hdr->time_ns ? m->hdr->time_ns : m->rec->time_ns;
    if (end) {
        parse_asa_add_time(m, ECS_EVENT_START, end - dur_ns);
        parse_asa_add_time(m, ECS_EVENT_END, end);
    }
}
