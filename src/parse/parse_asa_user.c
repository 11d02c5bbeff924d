/* parse_asa_user: ASA/FTD handlers for authentication, VPN, management and
 * address-assignment messages (113xxx, 111xxx, 6xxxxx, 7xxxxx). See parse_asa.h.
 *
 *   %ASA-6-113005: AAA user authentication Rejected : reason = Invalid password : server = 81.2.69.144 : user = a2bcde : user IP = 81.2.69.143
 *   %ASA-6-716039: Group <malcorp> User <eve> IP <172.31.98.44> Authentication: rejected, Session Type: Admin. */
#include "parse/parse_asa.h"

#include <string.h>

static enum ym_status fail(struct asa_msg *m, const char *why)
{
    m->error = why;
    return YM_EPARSE;
}

/* A value after "key = ": up to one of the stop bytes, trimmed. */
static struct parse_slice value_after(const struct asa_cur *from, const char *key, const char *stops)
{
    struct asa_cur c = *from;
    struct parse_slice none = {0};
    if (!asa_cur_find(&c, key))
        return none;
    asa_cur_sp(&c);
    const char *s = c.p;
    while (c.p < c.end && !strchr(stops, *c.p))
        c.p++;
    return asa_trim(asa_slice(s, c.p));
}

/* "<GROUP 1>" or "GROUP_1" */
static struct parse_slice bracketed(struct asa_cur *c)
{
    asa_cur_sp(c);
    if (c->p < c->end && *c->p == '<') {
        c->p++;
        return asa_cur_until(c, '>');
    }
    return asa_cur_word(c);
}

enum ym_status parse_asa_h_aaa(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    struct parse_slice server = value_after(&c, "server = ", " ,:");
    struct parse_slice user = value_after(&c, "user = ", " ,:");
    if (!user.len)
        user = value_after(&c, "User = ", " ,:");
    if (!user.len && m->id == 113009)
        user = value_after(&c, "for user ", " ,:");
    if (!user.len && m->id == 113021)
        user = value_after(&c, "User ", " ,:");
    struct parse_slice uip = value_after(&c, "user IP = ", " ,:");
    struct parse_slice reason = value_after(&c, "reason = ", ":");
    if (!user.len && !server.len)
        return fail(m, "no user or server");
    parse_asa_addr(m, 1, server);
    parse_asa_addr(m, 0, uip);
    parse_asa_user(m, user);
    parse_asa_str(m, ECS_EVENT_REASON, reason);
    if (m->id == 113009) {
        struct parse_slice gp = value_after(&c, "group policy ", " ");
        if (gp.len >= 2 && gp.p[0] == '(' && gp.p[gp.len - 1] == ')')
            gp.p++, gp.len -= 2;
        parse_asa_dyn(m, "source.user.group.name", gp);
    }
    return YM_OK;
}

/* Group <g> User <u> IP <ip> rest   (716xxx, 722xxx)
 * Authentication: rejected, group = g user = u , Session Type: t   (old 716039) */
enum ym_status parse_asa_h_group_user_ip(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    struct parse_slice group = {0}, user = {0}, ip = {0};
    if (asa_cur_lit(&c, "Group ")) {
        group = bracketed(&c);
        asa_cur_sp(&c);
        if (!asa_cur_lit(&c, "User "))
            return fail(m, "no User after Group");
        user = bracketed(&c);
        asa_cur_sp(&c);
        if (!asa_cur_lit(&c, "IP "))
            return fail(m, "no IP after User");
        ip = bracketed(&c);
        asa_cur_sp(&c);
    } else {
        group = value_after(&c, "group = ", " ,");
        user = value_after(&c, "user = ", " ,");
        if (!user.len)
            return fail(m, "no Group/User/IP");
        c.p = c.end;
    }
    struct parse_slice rest = asa_slice(c.p, c.end);
    parse_asa_dyn(m, "source.user.group.name", group);
    parse_asa_str(m, ECS_SOURCE_USER_NAME, user);
    struct asa_cur r = {rest.p, rest.p + rest.len};
    switch (m->id) {
    case 716059:
        if (asa_cur_find(&r, "connection from IP ")) {
            /* FTD: "resumed connection from IP <new>": the client's new address */
            struct parse_slice nat = bracketed(&r);
            parse_asa_addr(m, 0, ip);
            if (parse_asa_is_ip(nat.p, nat.len))
                ecs_add(m->f, ECS_SOURCE_NAT_IP, nat.p, nat.len);
            return YM_OK;
        }
        /* ASA: "resumed. Connection from A": the session's address is ours */
        parse_asa_addr(m, 1, ip);
        if (asa_cur_find(&r, "Connection from "))
            parse_asa_addr(m, 0, asa_trim(asa_slice(r.p, r.end)));
        return YM_OK;
    case 716002:
        if (asa_cur_find(&r, "terminated: "))
            parse_asa_str(m, ECS_EVENT_REASON, asa_trim(asa_slice(r.p, r.end)));
        break;
    case 716003:
        if (asa_cur_find(&r, "GRANTED: ")) {
            struct parse_slice url = asa_trim(asa_slice(r.p, r.end));
            if (url.len >= 2 && url.p[0] == '"' && url.p[url.len - 1] == '"')
                url.p++, url.len -= 2;
            parse_asa_str(m, ECS_URL_ORIGINAL, url);
            struct asa_cur u = {url.p, url.p + url.len};
            if (asa_cur_find(&u, "://")) {
                ym_fields_add(m->f, YM_FIELD_DYNAMIC, "url.scheme", url.p,
                              (size_t)(u.p - 3 - url.p));
                const char *h = u.p;
                while (u.p < u.end && *u.p != '/' && *u.p != ':')
                    u.p++;
                parse_asa_str(m, ECS_URL_DOMAIN, asa_slice(h, u.p));
                while (u.p < u.end && *u.p != '/')
                    u.p++;
                ecs_add(m->f, ECS_URL_PATH, u.p, (size_t)(u.end - u.p)); /* "" when none */
            }
        }
        break;
    case 722051: {
        struct asa_cur a = r;
        if (asa_cur_find(&a, "IPv4 Address ")) {
            struct parse_slice v4 = bracketed(&a);
            parse_asa_extra(m, ASA_X_ASSIGNED_IP, v4.p, v4.len);
        }
        parse_asa_str(m, ECS_EVENT_REASON, rest);
        break;
    }
    case 722055:
        if (asa_cur_find(&r, "Client Type: "))
            parse_asa_str(m, ECS_USER_AGENT_ORIGINAL, asa_trim(asa_slice(r.p, r.end)));
        break;
    case 722022:
    case 722023:
    case 722028:
    case 722032:
        parse_asa_str(m, ECS_EVENT_REASON, rest);
        break;
    case 716039: {
        struct parse_slice st = value_after(&m->body, "Session Type: ", ",");
        parse_asa_extra(m, ASA_X_SESSION_TYPE, st.p, st.len);
        break;
    }
    default:
        break;
    }
    parse_asa_addr(m, 0, ip);
    return YM_OK;
}

/* "host:port" where host may be IPv6 with colons: the port is after the last ':'. */
static void host_port(struct asa_msg *m, int dst, struct parse_slice hp)
{
    const char *colon = NULL;
    for (uint32_t i = 0; i < hp.len; i++)
        if (hp.p[i] == ':')
            colon = hp.p + i;
    if (!colon) {
        parse_asa_addr(m, dst, hp);
        return;
    }
    parse_asa_addr(m, dst, asa_slice(hp.p, colon));
    struct asa_cur pc = {colon + 1, hp.p + hp.len};
    int64_t port;
    if (asa_cur_int(&pc, &port))
        ecs_add_int(m->f, dst ? ECS_DESTINATION_PORT : ECS_SOURCE_PORT, port);
}

/* Local:A:port Remote:B:port Username:user rest   (750xxx, 751xxx) */
enum ym_status parse_asa_h_local_remote(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    if (!asa_cur_lit(&c, "Local:"))
        return fail(m, "no Local:");
    struct parse_slice local = asa_cur_word(&c);
    asa_cur_sp(&c);
    if (!asa_cur_lit(&c, "Remote:"))
        return fail(m, "no Remote:");
    struct parse_slice remote = asa_cur_word(&c);
    host_port(m, 0, local);
    host_port(m, 1, remote);
    asa_cur_sp(&c);
    if (!asa_cur_lit(&c, "Username:"))
        return YM_OK;
    struct parse_slice user = asa_cur_word(&c);
    asa_cur_sp(&c);
    struct parse_slice rest = asa_trim(asa_slice(c.p, c.end));
    if (m->id == 751025) {
        const char *at = memchr(user.p, '@', user.len);
        if (at) {
            ym_fields_add(m->f, YM_FIELD_DYNAMIC, "source.user.email", user.p, user.len);
            ym_fields_add(m->f, YM_FIELD_DYNAMIC, "source.user.domain", at + 1,
                          (size_t)(user.p + user.len - at - 1));
            user.len = (uint32_t)(at - user.p);
        }
        parse_asa_str(m, ECS_SOURCE_USER_NAME, user);
        struct asa_cur r = {rest.p, rest.p + rest.len};
        if (asa_cur_find(&r, "Group:")) {
            struct parse_slice g = asa_cur_word(&r);
            parse_asa_extra(m, ASA_X_TUNNEL_GROUP, g.p, g.len);
        }
        if (asa_cur_find(&r, "IPv4 Address=")) {
            struct parse_slice a = asa_cur_word(&r);
            parse_asa_extra(m, ASA_X_ASSIGNED_IP, a.p, a.len);
        }
        return YM_OK;
    }
    parse_asa_str(m, ECS_USER_NAME, user);
    const char *err = asa_cur_peek(&(struct asa_cur){rest.p, rest.p + rest.len}, "ERROR: ");
    if (err) {
        /* "Negotiation aborted due to ERROR: X" -> "Negotiation aborted due to X" */
        char *s = ym_arena_printf(m->f->arena, "%.*s%.*s", (int)(err - rest.p), rest.p,
                                  (int)(rest.p + rest.len - err - 7), err + 7);
        if (s)
            ecs_add(m->f, ECS_EVENT_REASON, s, strlen(s));
    } else {
        parse_asa_str(m, ECS_EVENT_REASON, rest);
    }
    return YM_OK;
}

/* Group = g, Username = u, IP = ip, Session disconnected. Session Type: t, Duration: 0h:32m:16s,
 * Bytes xmt: N, Bytes rcv: N, Reason: r */
enum ym_status parse_asa_h_session_disconnected(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    struct parse_slice group = value_after(&c, "Group = ", ",");
    struct parse_slice user = value_after(&c, "Username = ", ",");
    struct parse_slice ip = value_after(&c, "IP = ", ",");
    if (!ip.len && !user.len)
        return fail(m, "no user or address");
    parse_asa_dyn(m, "source.user.group.name", group);
    parse_asa_str(m, ECS_SOURCE_USER_NAME, user);
    parse_asa_addr(m, 1, ip);
    struct parse_slice st = value_after(&c, "Session Type: ", ",");
    parse_asa_extra(m, ASA_X_SESSION_TYPE, st.p, st.len);
    struct parse_slice dur = value_after(&c, "Duration: ", ",");
    if (dur.len)
        parse_asa_duration(m, parse_asa_parse_duration(dur));
    struct asa_cur t = c;
    int64_t v;
    if (asa_cur_find(&t, "Bytes xmt: ") && asa_cur_int(&t, &v))
        ecs_add_int(m->f, ECS_SOURCE_BYTES, v);
    t = c;
    if (asa_cur_find(&t, "Bytes rcv: ") && asa_cur_int(&t, &v))
        ecs_add_int(m->f, ECS_DESTINATION_BYTES, v);
    t = c;
    if (asa_cur_find(&t, "Reason: "))
        parse_asa_str(m, ECS_EVENT_REASON, asa_trim(asa_slice(t.p, t.end)));
    return YM_OK;
}

/* [Group = g, ][Username = u, ][IP = ip, ]text   (713xxx IKE) */
enum ym_status parse_asa_h_ike(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    struct parse_slice group = {0}, user = {0}, ip = {0};
    for (int n = 0; n < 3; n++) {
        asa_cur_sp(&c);
        if (asa_cur_lit(&c, "Group = "))
            group = asa_cur_until(&c, ',');
        else if (asa_cur_lit(&c, "Username = "))
            user = asa_cur_until(&c, ',');
        else if (asa_cur_lit(&c, "IP = "))
            ip = asa_cur_until(&c, ',');
        else
            break;
    }
    asa_cur_sp(&c);
    parse_asa_extra(m, ASA_X_TUNNEL_GROUP, group.p, group.len);
    parse_asa_str(m, ECS_USER_NAME, user);
    parse_asa_addr(m, 0, ip);
    struct parse_slice text = asa_slice(c.p, c.end);
    if (m->id == 713049 || m->id == 713903)
        return YM_OK;
    const char *cut = NULL;
    if (m->id == 713120) {
        cut = asa_cur_peek(&c, " (msgid=");
        if (cut) {
            struct asa_cur t = {cut + 8, c.end};
            parse_asa_str(m, ECS_EVENT_ID, asa_cur_until(&t, ')'));
        }
    } else if (m->id == 713202) {
        cut = asa_cur_peek(&c, ". ");
    }
    if (cut)
        text = asa_slice(c.p, cut);
    parse_asa_str(m, ECS_EVENT_REASON, text);
    return YM_OK;
}

/* User 'u' executed cmd: X / User 'u', running 'CLI' from IP A, executed 'X' */
enum ym_status parse_asa_h_cmd(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    if (!asa_cur_find(&c, "User '"))
        return fail(m, "no user");
    struct parse_slice user = asa_cur_until(&c, '\'');
    parse_asa_dyn(m, "server.user.name", user);
    struct asa_cur t = c;
    if (asa_cur_find(&t, "from IP "))
        parse_asa_addr(m, 0, asa_trim(asa_cur_until(&t, ',')));
    t = c;
    if (asa_cur_find(&t, "cmd: ")) {
        struct parse_slice cmd = asa_trim(asa_slice(t.p, t.end));
        parse_asa_extra(m, ASA_X_COMMAND_LINE, cmd.p, cmd.len);
    } else if (asa_cur_find(&t, "executed '") || asa_cur_find(&t, "executed the '")) {
        struct parse_slice cmd = asa_cur_until(&t, '\'');
        parse_asa_extra(m, ASA_X_COMMAND_LINE, cmd.p, cmd.len);
    }
    return YM_OK;
}

/* console end configuration: OK / 10.1.1.1 end configuration: FAILED */
enum ym_status parse_asa_h_console(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    struct parse_slice who = asa_cur_word(&c);
    if (!who.len)
        return fail(m, "empty message");
    parse_asa_addr(m, 0, who);
    if (asa_cur_peek(&c, "FAILED")) {
        ym_fields_del(m->f, "event.outcome");
        ecs_add(m->f, ECS_EVENT_OUTCOME, "failure", 7);
    }
    return YM_OK;
}

/* User priv level changed: Uname: u From: 1 To: 15 */
enum ym_status parse_asa_h_priv(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    struct parse_slice user = value_after(&c, "Uname: ", " ");
    if (!user.len)
        return fail(m, "no Uname");
    parse_asa_dyn(m, "server.user.name", user);
    struct parse_slice from = value_after(&c, "From: ", " ");
    struct parse_slice to = value_after(&c, "To: ", " ");
    parse_asa_extra(m, ASA_X_PRIVILEGE_OLD, from.p, from.len);
    parse_asa_extra(m, ASA_X_PRIVILEGE_NEW, to.p, to.len);
    return YM_OK;
}

/* Login denied from A/port to if:B/service for user "u" */
enum ym_status parse_asa_h_login(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    struct asa_ep a, b;
    if (!asa_cur_find(&c, "from ") || !parse_asa_ep_read(&c, 1, &a))
        return fail(m, "no client address");
    if (!asa_cur_find(&c, "to "))
        return fail(m, "no server address");
    /* "/https": the service, not a port number */
    struct parse_slice w = asa_cur_word(&c);
    const char *colon = memchr(w.p, ':', w.len);
    const char *slash = memchr(w.p, '/', w.len);
    const char *addr = colon ? colon + 1 : w.p;
    const char *aend = slash ? slash : w.p + w.len;
    memset(&b, 0, sizeof b);
    b.port = b.mapped_port = -1;
    if (colon && colon < aend)
        b.iface = asa_slice(w.p, colon);
    b.addr = asa_slice(addr, aend > addr ? aend : addr);
    parse_asa_ep_emit(m, 0, &a);
    parse_asa_ep_emit(m, 1, &b);
    if (slash) {
        struct parse_slice svc = asa_slice(slash + 1, w.p + w.len);
        struct asa_cur pc = {svc.p, svc.p + svc.len};
        int64_t port;
        if (asa_cur_int(&pc, &port) && asa_cur_eof(&pc))
            ecs_add_int(m->f, ECS_DESTINATION_PORT, port);
        else
            parse_asa_str(m, ECS_NETWORK_PROTOCOL, svc);
    }
    if (asa_cur_find(&c, "for user \""))
        parse_asa_str(m, ECS_SOURCE_USER_NAME, asa_cur_until(&c, '"'));
    return YM_OK;
}

/* User authentication failed: IP address: A, Uname: u */
enum ym_status parse_asa_h_user_ip(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    struct parse_slice ip = value_after(&c, "IP address: ", ",");
    struct parse_slice user = value_after(&c, "Uname: ", " ,");
    if (!ip.len && !user.len)
        return fail(m, "no address or user");
    parse_asa_addr(m, 0, ip);
    parse_asa_dyn(m, "server.user.name", user);
    return YM_OK;
}

/* IPSEC: An outbound LAN-to-LAN SA (SPI= 0xF81283) between A and B (user= u) has been created. */
enum ym_status parse_asa_h_ipsec_sa(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    if (asa_cur_peek(&c, "An outbound"))
        ecs_add(m->f, ECS_NETWORK_DIRECTION, "outbound", 8);
    else if (asa_cur_peek(&c, "An inbound"))
        ecs_add(m->f, ECS_NETWORK_DIRECTION, "inbound", 7);
    ecs_add(m->f, ECS_NETWORK_TYPE, "ipsec", 5);
    if (!asa_cur_find(&c, "between "))
        return fail(m, "no 'between' addresses");
    struct parse_slice a = asa_cur_word(&c);
    asa_cur_sp(&c);
    if (!asa_cur_lit(&c, "and "))
        return fail(m, "no second address");
    struct parse_slice b = asa_cur_word(&c);
    parse_asa_addr(m, 0, a);
    parse_asa_addr(m, 1, b);
    struct parse_slice user = value_after(&c, "(user= ", ")");
    parse_asa_str(m, ECS_USER_NAME, user);
    return YM_OK;
}

/* (DEVICE_1) WebVPN session for client user U, IP A has been created. */
enum ym_status parse_asa_h_webvpn_client(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    struct parse_slice user = value_after(&c, "client user ", ",");
    struct parse_slice ip = value_after(&c, "IP ", " ");
    if (!user.len && !ip.len)
        return fail(m, "no user or address");
    parse_asa_str(m, ECS_SOURCE_USER_NAME, user);
    parse_asa_addr(m, 1, ip);
    return YM_OK;
}

/* Starting SSL handshake with client if:A/port [to B/port] for TLSv1.2 session. */
enum ym_status parse_asa_h_ssl(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    if (m->id == 725016) {
        struct parse_slice tp = value_after(&c, "trust-point ", " ");
        parse_asa_extra(m, ASA_X_TRUSTPOINT, tp.p, tp.len);
    }
    int peer = 0;
    struct asa_cur t = c;
    if (!asa_cur_find(&t, "client ")) {
        t = c;
        if (!asa_cur_find(&t, "server "))
            return fail(m, "no SSL peer");
        peer = 1;
    }
    struct asa_ep a, b;
    if (!parse_asa_ep_read(&t, 1, &a))
        return fail(m, "no peer address");
    /* server side: the peer is the destination */
    parse_asa_ep_emit(m, peer, &a);
    asa_cur_sp(&t);
    if (asa_cur_lit(&t, "to ") && parse_asa_ep_read(&t, 1, &b))
        parse_asa_ep_emit(m, !peer, &b);
    if (asa_cur_find(&t, "for TLSv")) {
        struct parse_slice v = asa_cur_word(&t);
        parse_asa_dyn(m, "tls.version", v);
        ym_fields_add(m->f, YM_FIELD_DYNAMIC, "tls.version_protocol", "tls", 3);
    }
    return YM_OK;
}

/* IPAA: [Session=0x..., ]text */
enum ym_status parse_asa_h_ipaa(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    if (!asa_cur_lit(&c, "IPAA: "))
        return fail(m, "no IPAA prefix");
    if (asa_cur_lit(&c, "Session=")) {
        struct parse_slice sid = asa_cur_until(&c, ',');
        parse_asa_extra(m, ASA_X_SESSION_ID, sid.p, sid.len);
        asa_cur_sp(&c);
    }
    struct parse_slice tg = value_after(&c, "tunnel-group ", " ,");
    parse_asa_extra(m, ASA_X_TUNNEL_GROUP, tg.p, tg.len);
    struct parse_slice pool = value_after(&c, "local pool ", " ,");
    parse_asa_extra(m, ASA_X_POOL_NAME, pool.p, pool.len);
    struct parse_slice addr = {0};
    if (m->id == 737016)
        addr = value_after(&c, "address ", " ,");
    else if (m->id == 737026)
        addr = value_after(&c, "Client assigned ", " ,");
    parse_asa_extra(m, ASA_X_POOL_ADDRESS, addr.p, addr.len);
    if (m->id == 737034)
        parse_asa_str(m, ECS_EVENT_REASON, asa_slice(c.p, c.end));
    return YM_OK;
}

/* DAP: User u, Addr A, Connection c: The following DAP records were selected ...: r1, r2 */
enum ym_status parse_asa_h_dap(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    struct parse_slice user = value_after(&c, "User ", ",");
    struct parse_slice addr = value_after(&c, "Addr ", ",");
    if (!user.len && !addr.len)
        return fail(m, "no user or address");
    parse_asa_str(m, ECS_SOURCE_USER_NAME, user);
    parse_asa_addr(m, 0, addr);
    if (asa_cur_find(&c, "this connection: ")) {
        struct parse_slice r = asa_trim(asa_slice(c.p, c.end));
        parse_asa_extra(m, ASA_X_DAP_RECORDS, r.p, r.len);
    }
    return YM_OK;
}

/* SSH session from A on interface X for user U disconnected by SSH server, reason: R */
enum ym_status parse_asa_h_ssh(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    struct parse_slice ip = value_after(&c, "from ", " ");
    if (!ip.len)
        return fail(m, "no client address");
    parse_asa_addr(m, 0, ip);
    struct parse_slice ifn = value_after(&c, "on interface ", " ");
    parse_asa_str(m, ECS_OBSERVER_INGRESS_INTERFACE_NAME, ifn);
    parse_asa_str(m, ECS_SOURCE_USER_NAME, value_after(&c, "for user ", " "));
    struct asa_cur t = c;
    if (asa_cur_find(&t, "reason: "))
        parse_asa_str(m, ECS_EVENT_REASON, asa_trim(asa_slice(t.p, t.end)));
    return YM_OK;
}

/* UAUTH: Session=0x07802000, User=abbie_normal, Assigned IP=10.0.10.101, Succeeded adding entry. */
enum ym_status parse_asa_h_uauth(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    struct parse_slice user = value_after(&c, "User=", ",");
    struct parse_slice ip = value_after(&c, "Assigned IP=", ",");
    if (!user.len && !ip.len)
        return fail(m, "no user or address");
    struct parse_slice sid = value_after(&c, "Session=", ",");
    parse_asa_extra(m, ASA_X_SESSION_ID, sid.p, sid.len);
    parse_asa_str(m, ECS_USER_NAME, user);
    parse_asa_addr(m, 0, ip);
    return YM_OK;
}

/* user-identity: Add IP-User mapping 10.7.5.8 - LOCAL\dreyfuss Succeeded - VPN user */
enum ym_status parse_asa_h_user_identity(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    if (!asa_cur_find(&c, "mapping "))
        return fail(m, "no IP-User mapping");
    struct parse_slice ip = asa_cur_word(&c);
    asa_cur_sp(&c);
    asa_cur_lit(&c, "- ");
    struct parse_slice du = asa_cur_word(&c);
    struct parse_slice result = asa_cur_word(&c);
    if (!ip.len || !du.len)
        return fail(m, "no address or user");
    parse_asa_addr(m, 0, ip);
    const char *bs = NULL;
    for (uint32_t i = 0; i < du.len; i++)
        if (du.p[i] == '\\')
            bs = du.p + i;
    if (bs) {
        ym_fields_add(m->f, YM_FIELD_DYNAMIC, "source.user.domain", du.p, (size_t)(bs - du.p));
        du = asa_slice(bs + 1, du.p + du.len);
    }
    parse_asa_str(m, ECS_SOURCE_USER_NAME, du);
    int ok = asa_slice_eq(result, "Succeeded");
    ecs_add(m->f, ECS_EVENT_OUTCOME, ok ? "success" : "failure", 7); /* both words have 7 letters */
    asa_cur_sp(&c);
    if (asa_cur_lit(&c, "- "))
        parse_asa_str(m, ECS_EVENT_REASON, asa_trim(asa_slice(c.p, c.end)));
    return YM_OK;
}

/* PMTU-D packet 1480 bytes greater than effective mtu 1390, dest_addr=A, src_addr=B, prot=UDP */
enum ym_status parse_asa_h_pmtu(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    struct parse_slice dst = value_after(&c, "dest_addr=", ",");
    struct parse_slice src = value_after(&c, "src_addr=", ",");
    if (!dst.len && !src.len)
        return fail(m, "no addresses");
    parse_asa_addr(m, 0, src);
    parse_asa_addr(m, 1, dst);
    parse_asa_app_proto(m, value_after(&c, "prot=", ","));
    struct asa_cur t = c;
    int64_t v;
    if (asa_cur_find(&t, "packet ") && asa_cur_int(&t, &v))
        ecs_add_int(m->f, ECS_SOURCE_BYTES, v);
    return YM_OK;
}

/* The whole text is the reason ("(Secondary) No response from other firewall ..."). */
enum ym_status parse_asa_h_reason_all(struct asa_msg *m)
{
    parse_asa_str(m, ECS_EVENT_REASON, asa_slice(m->body.p, m->body.end));
    return YM_OK;
}
