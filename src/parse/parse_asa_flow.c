/* parse_asa_flow: ASA/FTD handlers for connection, deny, NAT and IPS
 * messages (302xxx, 106xxx, 305xxx, 313xxx, 4000xx, ...). See parse_asa.h.
 *
 *   %ASA-6-302014: Teardown TCP connection 2960892904 for out111:10.10.10.10/443 to fw111:192.168.2.2/55225 duration 0:00:00 bytes 0 TCP Reset-I
 *   %ASA-4-106023: Deny tcp src outside:10.10.10.2/56444 dst srv:192.168.2.2/51635 by access-group "global_access_1" [0x0, 0x0] */
#include "parse/parse_asa.h"

#include <string.h>

static enum ym_status fail(struct asa_msg *m, const char *why)
{
    m->error = why;
    return YM_EPARSE;
}

static int word_is(struct parse_slice w, const char *lit)
{
    size_t n = strlen(lit);
    if (w.len != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((w.p[i] | 0x20) != (lit[i] | 0x20))
            return 0;
    return 1;
}

/* The next word looks like an endpoint ("if:addr/port", "addr/port"). */
static int next_is_ep(const struct asa_cur *c)
{
    struct asa_cur t = *c;
    struct parse_slice w = asa_cur_word(&t);
    return memchr(w.p, ':', w.len) || memchr(w.p, '/', w.len);
}

static void direction(struct asa_msg *m, struct parse_slice w)
{
    if (word_is(w, "inbound"))
        ecs_add(m->f, ECS_NETWORK_DIRECTION, "inbound", 7);
    else if (word_is(w, "outbound"))
        ecs_add(m->f, ECS_NETWORK_DIRECTION, "outbound", 8);
}

/* Built {inbound|outbound|director ...} PROTO connection ID for A (mA) to B (mB)
 * Offloaded TCP Flow for connection ID from A (mA) to B (mB) */
enum ym_status parse_asa_h_built(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    int outbound = 0;
    struct parse_slice proto = {0};
    for (int n = 0; n < 12 && !asa_cur_eof(&c); n++) {
        struct parse_slice w = asa_cur_word(&c);
        if (word_is(w, "outbound"))
            outbound = 1;
        direction(m, w);
        if (!proto.len && parse_asa_proto_known(w))
            proto = w;
        if (word_is(w, "connection")) {
            struct asa_cur save = c;
            struct parse_slice idw = asa_cur_word(&c);
            if (idw.len && idw.p[0] >= '0' && idw.p[0] <= '9')
                parse_asa_extra(m, ASA_X_CONNECTION_ID, idw.p, idw.len);
            else
                c = save;
        }
        /* "Offloaded TCP Flow for connection N from A": the endpoints follow "from" */
        if (word_is(w, "from") || (word_is(w, "for") && next_is_ep(&c)))
            break;
    }
    struct asa_ep a, b;
    if (!parse_asa_ep_read(&c, 1, &a))
        return fail(m, "no first address");
    if (!asa_cur_find(&c, " to ") || !parse_asa_ep_read(&c, 1, &b))
        return fail(m, "no second address");
    parse_asa_proto(m, proto);
    if (m->id == 210007)
        parse_asa_app_proto(m, proto);
    /* "for" is the foreign (responder) side of an outbound connection. */
    parse_asa_ep_emit(m, outbound ? 1 : 0, &a);
    parse_asa_ep_emit(m, outbound ? 0 : 1, &b);
    return YM_OK;
}

/* Teardown [director|backup] PROTO connection ID for A to B duration H:MM:SS [forwarded] bytes N [reason] */
enum ym_status parse_asa_h_teardown(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    struct parse_slice proto = {0};
    for (int n = 0; n < 10 && !asa_cur_eof(&c); n++) {
        struct parse_slice w = asa_cur_word(&c);
        if (!proto.len && parse_asa_proto_known(w))
            proto = w;
        if (word_is(w, "connection")) {
            struct asa_cur save = c;
            struct parse_slice idw = asa_cur_word(&c);
            if (idw.len && idw.p[0] >= '0' && idw.p[0] <= '9')
                parse_asa_extra(m, ASA_X_CONNECTION_ID, idw.p, idw.len);
            else
                c = save;
        }
        if (word_is(w, "for") || word_is(w, "from"))
            break;
    }
    struct asa_ep a, b;
    if (!parse_asa_ep_read(&c, 1, &a))
        return fail(m, "no first address");
    if (!asa_cur_find(&c, " to ") || !parse_asa_ep_read(&c, 1, &b))
        return fail(m, "no second address");
    parse_asa_proto(m, proto);
    parse_asa_ep_emit(m, 0, &a);
    parse_asa_ep_emit(m, 1, &b);
    if (asa_cur_find(&c, "duration ")) {
        struct parse_slice d = asa_cur_word(&c);
        parse_asa_duration(m, parse_asa_parse_duration(d));
    }
    asa_cur_sp(&c);
    asa_cur_lit(&c, "forwarded ");
    if (asa_cur_lit(&c, "bytes ")) {
        int64_t bytes;
        if (asa_cur_int(&c, &bytes))
            ecs_add_int(m->f, ECS_NETWORK_BYTES, bytes);
        struct parse_slice reason = asa_trim(asa_slice(c.p, c.end));
        parse_asa_str(m, ECS_EVENT_REASON, reason);
    }
    return YM_OK;
}

/* Built inbound ICMP connection for faddr F/id gaddr G/id laddr L/id [type T code C] */
enum ym_status parse_asa_h_icmp_conn(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    /* A teardown does not say the direction; the ASA writes the local
     * (inside) host as laddr, and Elastic maps it as the source. */
    int outbound = asa_cur_peek(&c, "outbound") != NULL || m->id == 302021;
    if (asa_cur_peek(&c, "inbound"))
        ecs_add(m->f, ECS_NETWORK_DIRECTION, "inbound", 7);
    else if (asa_cur_peek(&c, "outbound"))
        ecs_add(m->f, ECS_NETWORK_DIRECTION, "outbound", 8);
    struct asa_ep fa, ga, la;
    if (!asa_cur_find(&c, "faddr ") || !parse_asa_ep_read(&c, 1, &fa))
        return fail(m, "no faddr");
    if (!asa_cur_find(&c, "gaddr ") || !parse_asa_ep_read(&c, 1, &ga))
        return fail(m, "no gaddr");
    if (!asa_cur_find(&c, "laddr ") || !parse_asa_ep_read(&c, 1, &la))
        return fail(m, "no laddr");
    ecs_add(m->f, ECS_NETWORK_TRANSPORT, "icmp", 4);
    ecs_add(m->f, ECS_NETWORK_IANA_NUMBER, "1", 1);
    ecs_add(m->f, ECS_NETWORK_TYPE, "icmp", 4);
    /* Inbound: the foreign host pings a local one reached through its
     * global (mapped) address; outbound: the local host, seen as gaddr. */
    struct asa_ep *src = outbound ? &la : &fa, *dst = outbound ? &fa : &la;
    parse_asa_addr(m, 0, src->addr);
    parse_asa_addr(m, 1, dst->addr);
    if (src->iface.len)
        ecs_add(m->f, ECS_OBSERVER_INGRESS_INTERFACE_NAME, src->iface.p, src->iface.len);
    if (dst->iface.len)
        ecs_add(m->f, ECS_OBSERVER_EGRESS_INTERFACE_NAME, dst->iface.p, dst->iface.len);
    if (!asa_slice_eq(ga.addr, "") &&
        !(ga.addr.len == la.addr.len && memcmp(ga.addr.p, la.addr.p, la.addr.len) == 0)) {
        ecs_add(m->f, outbound ? ECS_SOURCE_NAT_IP : ECS_DESTINATION_NAT_IP, ga.addr.p, ga.addr.len);
        parse_asa_extra(m, outbound ? ASA_X_MAPPED_SOURCE_IP : ASA_X_MAPPED_DESTINATION_IP, ga.addr.p,
                  ga.addr.len);
    }
    int64_t v;
    if (asa_cur_find(&c, "type ") && asa_cur_int(&c, &v))
        parse_asa_extra_int(m, ASA_X_ICMP_TYPE, v);
    if (asa_cur_find(&c, "code ") && asa_cur_int(&c, &v))
        parse_asa_extra_int(m, ASA_X_ICMP_CODE, v);
    return YM_OK;
}

/* Deny inbound UDP from A to B [on interface X]; TCP access denied by ACL from A to B;
 * Duplicate TCP SYN from A to B ...; tcp flow from A to B terminated ... */
enum ym_status parse_asa_h_from_to(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    struct parse_slice proto = {0};
    int found = 0;
    for (int n = 0; n < 16 && !asa_cur_eof(&c); n++) {
        struct parse_slice w = asa_cur_word(&c);
        direction(m, w);
        if (!proto.len && parse_asa_proto_known(w))
            proto = w;
        if (!proto.len && w.len > 9 && memcmp(w.p, "protocol=", 9) == 0) {
            proto = asa_slice(w.p + 9, w.p + w.len); /* "protocol=TCP," */
            if (proto.len && proto.p[proto.len - 1] == ',')
                proto.len--;
        }
        if (word_is(w, "from")) {
            found = 1;
            break;
        }
    }
    if (!found)
        return fail(m, "no 'from' address");
    struct asa_ep a, b;
    if (!parse_asa_ep_read(&c, 1, &a))
        return fail(m, "no source address");
    asa_cur_sp(&c);
    if (!asa_cur_lit(&c, "to ") || !parse_asa_ep_read(&c, 1, &b))
        return fail(m, "no destination address");
    parse_asa_proto(m, proto); /* "Deny IP from": no transport */
    if (b.port < 0 && b.addr.len && !parse_asa_is_ip(b.addr.p, b.addr.len) && m->id == 710006)
        b.addr.len = 0; /* "to fw111:192.18.4": a truncated address, not a name */
    parse_asa_ep_emit(m, 0, &a);
    parse_asa_ep_emit(m, 1, &b);
    struct asa_cur t = c;
    if (!a.iface.len && asa_cur_find(&t, "on interface ")) {
        struct parse_slice ifn = asa_trim(asa_cur_word(&t));
        if (ifn.len) {
            ecs_add(m->f, ECS_OBSERVER_INGRESS_INTERFACE_NAME, ifn.p, ifn.len);
            parse_asa_extra(m, ASA_X_SOURCE_INTERFACE, ifn.p, ifn.len);
        }
    }
    if (m->id == 106012 && !asa_cur_eof(&c) && *c.p == ',') {
        c.p++;
        parse_asa_str(m, ECS_EVENT_REASON, asa_trim(asa_slice(c.p, c.end)));
    }
    if (m->id == 419001 && asa_cur_find(&c, "reason: ")) {
        struct parse_slice r = asa_cur_until(&c, ',');
        parse_asa_str(m, ECS_EVENT_REASON, asa_trim(r));
    }
    return YM_OK;
}

static void add_rule(struct asa_msg *m, struct parse_slice name)
{
    if (!name.len)
        return;
    ecs_add(m->f, ECS_RULE_NAME, name.p, name.len);
    parse_asa_extra(m, ASA_X_RULE_NAME, name.p, name.len);
}

/* Deny [inbound] {tcp|protocol 47} src if:A dst if:B [(type t, code c)] [by access-group "acl"] */
enum ym_status parse_asa_h_src_dst(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    struct parse_slice proto = {0};
    int found = 0;
    for (int n = 0; n < 24 && !asa_cur_eof(&c); n++) {
        struct parse_slice w = asa_cur_word(&c);
        direction(m, w);
        if (word_is(w, "protocol")) {
            proto = asa_cur_word(&c);
            continue;
        }
        if (!proto.len && parse_asa_proto_known(w))
            proto = w;
        if (word_is(w, "src")) {
            found = 1;
            break;
        }
    }
    if (!found)
        return fail(m, "no 'src' address");
    struct asa_ep a, b;
    if (!parse_asa_ep_read(&c, 1, &a))
        return fail(m, "no source address");
    asa_cur_sp(&c);
    if (!(asa_cur_lit(&c, "dst ") || asa_cur_lit(&c, "dest ")) || !parse_asa_ep_read(&c, 1, &b))
        return fail(m, "no destination address");
    parse_asa_proto(m, proto);
    if (m->id == 305006)
        parse_asa_app_proto(m, proto);
    parse_asa_ep_emit(m, 0, &a);
    parse_asa_ep_emit(m, 1, &b);
    struct asa_cur t = m->body;
    int64_t v;
    if (asa_cur_find(&t, "(type ") && asa_cur_int(&t, &v)) {
        parse_asa_extra_int(m, ASA_X_ICMP_TYPE, v);
        if (asa_cur_find(&t, "code ") && asa_cur_int(&t, &v))
            parse_asa_extra_int(m, ASA_X_ICMP_CODE, v);
    }
    if (asa_cur_find(&c, "access-group \""))
        add_rule(m, asa_cur_until(&c, '"'));
    return YM_OK;
}

/* access-list NAME permitted tcp if/A(port) -> if/B(port) hit-cnt 1 first hit [..] */
static int acl_ep(struct asa_cur *c, struct asa_ep *ep)
{
    memset(ep, 0, sizeof *ep);
    ep->port = ep->mapped_port = -1;
    struct parse_slice w = asa_cur_word(c);
    const char *slash = memchr(w.p, '/', w.len);
    if (!slash)
        return 0;
    ep->iface = asa_slice(w.p, slash);
    const char *e = w.p + w.len;
    const char *paren = memchr(slash, '(', (size_t)(e - slash));
    ep->addr = asa_slice(slash + 1, paren ? paren : e);
    if (paren) {
        struct asa_cur pc = {paren + 1, e};
        int64_t v;
        if (asa_cur_int(&pc, &v))
            ep->port = v;
    }
    return ep->addr.len > 0;
}

enum ym_status parse_asa_h_acl(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    if (!asa_cur_lit(&c, "access-list "))
        return fail(m, "no access-list");
    struct parse_slice acl = asa_cur_word(&c);
    struct parse_slice verb = asa_cur_word(&c);
    struct parse_slice proto = asa_cur_word(&c);
    struct asa_ep a, b;
    if (!acl_ep(&c, &a))
        return fail(m, "no source address");
    struct parse_slice arrow = asa_cur_word(&c);
    if (!asa_slice_eq(arrow, "->") || !acl_ep(&c, &b))
        return fail(m, "no destination address");
    add_rule(m, acl);
    if (asa_slice_eq(verb, "denied")) {
        /* the row said allowed: replace the type */
        ym_fields_del(m->f, "event.type");
        ecs_add_array(m->f, ECS_EVENT_TYPE, "connection", 10);
        ecs_add_array(m->f, ECS_EVENT_TYPE, "denied", 6);
    }
    parse_asa_proto(m, proto);
    parse_asa_ep_emit(m, 0, &a);
    parse_asa_ep_emit(m, 1, &b);
    return YM_OK;
}

/* No matching connection for ICMP error message: icmp src if:A[(user)] dst if:B (type 3, code 3)
 * on X interface. Original IP payload: udp src A/p dst B/p. */
enum ym_status parse_asa_h_icmp_nomatch(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    struct asa_ep a, b;
    if (!asa_cur_find(&c, "icmp src ") || !parse_asa_ep_read(&c, 1, &a))
        return fail(m, "no icmp src");
    if (!asa_cur_find(&c, "dst ") || !parse_asa_ep_read(&c, 1, &b))
        return fail(m, "no icmp dst");
    ecs_add(m->f, ECS_NETWORK_TRANSPORT, "icmp", 4);
    ecs_add(m->f, ECS_NETWORK_IANA_NUMBER, "1", 1);
    int64_t v;
    if (asa_cur_find(&c, "(type ") && asa_cur_int(&c, &v)) {
        parse_asa_extra_int(m, ASA_X_ICMP_TYPE, v);
        if (asa_cur_find(&c, "code ") && asa_cur_int(&c, &v))
            parse_asa_extra_int(m, ASA_X_ICMP_CODE, v);
    }
    /* The flow is the embedded original packet's (the ICMP error travels
     * the other way); the interfaces and user stay those of the error. */
    if (asa_cur_find(&c, "Original IP payload: ")) {
        struct asa_ep pa, pb;
        if (asa_cur_find(&c, " src ") && parse_asa_ep_read(&c, 0, &pa) && asa_cur_lit(&c, " dst ") &&
            parse_asa_ep_read(&c, 0, &pb)) {
            a.addr = pa.addr;
            a.port = pa.port;
            b.addr = pb.addr;
            b.port = pb.port;
            if (b.addr.len && b.addr.p[b.addr.len - 1] == '.')
                b.addr.len--; /* "dst 192.168.2.3." ends the sentence */
        }
    }
    parse_asa_ep_emit(m, 0, &a);
    parse_asa_ep_emit(m, 1, &b);
    return YM_OK;
}

/* Denied ICMP type=0, from laddr A on interface X to B: no matching session
 * Denied ICMP type=8, code=0 from A on interface X */
enum ym_status parse_asa_h_icmp_denied(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    if (!asa_cur_find(&c, "from "))
        return fail(m, "no 'from' address");
    asa_cur_lit(&c, "laddr ");
    struct parse_slice a = asa_cur_word(&c);
    if (!a.len)
        return fail(m, "no source address");
    if (m->id == 313008) {
        ecs_add(m->f, ECS_NETWORK_TRANSPORT, "ipv6-icmp", 9);
        ecs_add(m->f, ECS_NETWORK_IANA_NUMBER, "58", 2);
    } else {
        ecs_add(m->f, ECS_NETWORK_TRANSPORT, "icmp", 4);
        ecs_add(m->f, ECS_NETWORK_IANA_NUMBER, "1", 1);
    }
    parse_asa_addr(m, 0, a);
    if (asa_cur_find(&c, "on interface ")) {
        struct parse_slice ifn = asa_trim(asa_cur_word(&c));
        parse_asa_str(m, ECS_OBSERVER_INGRESS_INTERFACE_NAME, ifn);
        parse_asa_extra(m, ASA_X_SOURCE_INTERFACE, ifn.p, ifn.len);
    }
    if (asa_cur_find(&c, "to ")) {
        struct parse_slice b = asa_cur_until(&c, ':');
        parse_asa_addr(m, 1, asa_trim(b));
    }
    struct asa_cur t = m->body;
    int64_t v;
    if (asa_cur_find(&t, "type=") && asa_cur_int(&t, &v))
        parse_asa_extra_int(m, ASA_X_ICMP_TYPE, v);
    if (asa_cur_find(&t, "code=") && asa_cur_int(&t, &v))
        parse_asa_extra_int(m, ASA_X_ICMP_CODE, v);
    return YM_OK;
}

/* {Built|Teardown} {dynamic|static} UDP translation from if:A to if:B [duration D] */
enum ym_status parse_asa_h_translation(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    struct parse_slice proto = {0};
    for (int n = 0; n < 6 && !asa_cur_eof(&c); n++) {
        struct parse_slice w = asa_cur_word(&c);
        if (!proto.len && parse_asa_proto_known(w))
            proto = w;
        if (word_is(w, "from"))
            break;
    }
    struct asa_ep a, b;
    if (!parse_asa_ep_read(&c, 1, &a))
        return fail(m, "no real address");
    if (!asa_cur_find(&c, " to ") || !parse_asa_ep_read(&c, 1, &b))
        return fail(m, "no mapped address");
    parse_asa_proto(m, proto);
    parse_asa_ep_emit(m, 0, &a);
    parse_asa_ep_emit(m, 1, &b);
    if (asa_cur_find(&c, "duration "))
        parse_asa_duration(m, parse_asa_parse_duration(asa_cur_word(&c)));
    return YM_OK;
}

/* Built local-host if:A / Teardown local-host if:A duration D */
enum ym_status parse_asa_h_local_host(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    struct asa_ep a;
    if (!asa_cur_find(&c, "local-host ") || !parse_asa_ep_read(&c, 1, &a))
        return fail(m, "no local host");
    parse_asa_ep_emit(m, 0, &a);
    if (asa_cur_find(&c, "duration "))
        parse_asa_duration(m, parse_asa_parse_duration(asa_cur_word(&c)));
    return YM_OK;
}

/* IPS:2003 ICMP redirect from 10.4.1.2 to 10.2.1.1 on interface dmz */
enum ym_status parse_asa_h_ips(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    if (!asa_cur_lit(&c, "IPS:"))
        return fail(m, "no IPS signature");
    struct parse_slice sig = asa_cur_word(&c);
    asa_cur_sp(&c);
    const char *name_p = c.p;
    const char *from = asa_cur_peek(&c, " from ");
    if (!sig.len || !from)
        return fail(m, "no IPS signature");
    parse_asa_str(m, ECS_RULE_ID, sig);
    parse_asa_str(m, ECS_RULE_NAME, asa_trim(asa_slice(name_p, from)));
    ecs_add(m->f, ECS_RULE_CATEGORY, "IPS", 3);
    c.p = from + 6;
    struct parse_slice a = asa_cur_word(&c);
    parse_asa_addr(m, 0, a);
    if (asa_cur_lit(&c, " to ")) {
        struct parse_slice b = asa_cur_word(&c);
        parse_asa_addr(m, 1, b);
    }
    if (asa_cur_find(&c, "on interface ")) {
        struct parse_slice ifn = asa_trim(asa_cur_word(&c));
        parse_asa_str(m, ECS_OBSERVER_INGRESS_INTERFACE_NAME, ifn);
        parse_asa_extra(m, ASA_X_SOURCE_INTERFACE, ifn.p, ifn.len);
    }
    return YM_OK;
}

/* FTP connection from if:A to if:B, user U Stored file F */
enum ym_status parse_asa_h_ftp(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    struct asa_ep a, b;
    if (!asa_cur_find(&c, "from ") || !parse_asa_ep_read(&c, 1, &a))
        return fail(m, "no client address");
    if (!asa_cur_find(&c, "to ") || !parse_asa_ep_read(&c, 1, &b))
        return fail(m, "no server address");
    ecs_add(m->f, ECS_NETWORK_PROTOCOL, "ftp", 3);
    parse_asa_ep_emit(m, 0, &a);
    parse_asa_ep_emit(m, 1, &b);
    if (asa_cur_find(&c, "user ")) {
        struct parse_slice u = asa_cur_word(&c);
        parse_asa_dyn(m, "client.user.name", u);
        struct parse_slice verb = asa_cur_word(&c); /* Stored / Retrieved */
        (void)verb;
        if (asa_cur_find(&c, "file "))
            parse_asa_dyn(m, "file.path", asa_trim(asa_slice(c.p, c.end)));
    }
    return YM_OK;
}

/* 10.20.30.40 Accessed [JAVA ]URL [user@]10.20.30.40:http://10.20.30.40/path */
enum ym_status parse_asa_h_url(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    struct parse_slice src = asa_cur_word(&c);
    if (!asa_cur_find(&c, "URL "))
        return fail(m, "no URL");
    struct parse_slice dst = asa_cur_until(&c, ':');
    const char *at = memchr(dst.p, '@', dst.len);
    if (at) {
        parse_asa_str(m, ECS_SOURCE_USER_NAME, asa_slice(dst.p, at));
        dst = asa_slice(at + 1, dst.p + dst.len);
    }
    struct parse_slice url = asa_trim(asa_slice(c.p, c.end));
    if (!url.len)
        return fail(m, "empty URL");
    parse_asa_addr(m, 0, src);
    parse_asa_addr(m, 1, dst);
    parse_asa_str(m, ECS_URL_ORIGINAL, url);
    struct asa_cur u = {url.p, url.p + url.len};
    if (asa_cur_find(&u, "://")) {
        ym_fields_add(m->f, YM_FIELD_DYNAMIC, "url.scheme", url.p, (size_t)(u.p - 3 - url.p));
        const char *h = u.p;
        while (u.p < u.end && *u.p != '/' && *u.p != ':' && *u.p != '?')
            u.p++;
        parse_asa_str(m, ECS_URL_DOMAIN, asa_slice(h, u.p));
        while (u.p < u.end && *u.p != '/')
            u.p++;
        const char *q = memchr(u.p, '?', (size_t)(u.end - u.p));
        parse_asa_str(m, ECS_URL_PATH, asa_slice(u.p, q ? q : u.end));
        if (q && q + 1 < u.end)
            parse_asa_str(m, ECS_URL_QUERY, asa_slice(q + 1, u.end));
    }
    return YM_OK;
}

/* [ Scanning] drop rate-2 exceeded. Current burst rate is 0 per second, ... Cumulative total count is 19269 */
enum ym_status parse_asa_h_threat_rate(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    if (!asa_cur_lit(&c, "["))
        return fail(m, "no object in brackets");
    struct parse_slice obj = asa_trim(asa_cur_until(&c, ']'));
    parse_asa_extra(m, ASA_X_BURST_OBJECT, obj.p, obj.len);
    if (asa_cur_find(&c, "drop ")) {
        struct parse_slice id = asa_cur_word(&c);
        parse_asa_extra(m, ASA_X_BURST_ID, id.p, id.len);
    }
    int64_t v;
    if (asa_cur_find(&c, "Current burst rate is ") && asa_cur_int(&c, &v))
        parse_asa_extra_int(m, ASA_X_BURST_CURRENT_RATE, v);
    if (asa_cur_find(&c, "Current average rate is ") && asa_cur_int(&c, &v))
        parse_asa_extra_int(m, ASA_X_BURST_AVG_RATE, v);
    if (asa_cur_find(&c, "Cumulative total count is ") && asa_cur_int(&c, &v))
        parse_asa_extra_int(m, ASA_X_BURST_CUMULATIVE, v);
    return YM_OK;
}

/* Host 10.1.1.1 is attacking. / Subnet 10.0.0.0 is targeted. Current burst rate ... */
enum ym_status parse_asa_h_threat_host(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    struct parse_slice kind = asa_cur_word(&c);
    struct parse_slice who = asa_cur_word(&c);
    if (!kind.len || !who.len)
        return fail(m, "no host or subnet");
    int attacker = asa_cur_peek(&c, "attacking") != NULL;
    parse_asa_addr(m, attacker ? 0 : 1, who);
    int64_t v;
    if (asa_cur_find(&c, "Current burst rate is ") && asa_cur_int(&c, &v))
        parse_asa_extra_int(m, ASA_X_BURST_CURRENT_RATE, v);
    if (asa_cur_find(&c, "Current average rate is ") && asa_cur_int(&c, &v))
        parse_asa_extra_int(m, ASA_X_BURST_AVG_RATE, v);
    if (asa_cur_find(&c, "Cumulative total count is ") && asa_cur_int(&c, &v))
        parse_asa_extra_int(m, ASA_X_BURST_CUMULATIVE, v);
    return YM_OK;
}

/* Line protocol on Interface GigabitEthernet0/1, changed state to up */
enum ym_status parse_asa_h_line_protocol(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    if (!asa_cur_find(&c, "Interface "))
        return fail(m, "no interface");
    struct parse_slice ifn = asa_cur_until(&c, ',');
    parse_asa_str(m, ECS_OBSERVER_INGRESS_INTERFACE_NAME, asa_trim(ifn));
    return YM_OK;
}

/* Shunned packet: A ==> B on interface X */
enum ym_status parse_asa_h_shun(struct asa_msg *m)
{
    struct asa_cur c = m->body;
    if (!asa_cur_find(&c, "packet: "))
        return fail(m, "no shunned packet");
    struct parse_slice a = asa_cur_word(&c);
    struct parse_slice arrow = asa_cur_word(&c);
    struct parse_slice b = asa_cur_word(&c);
    if (!asa_slice_eq(arrow, "==>") || !b.len)
        return fail(m, "no '==>' between addresses");
    parse_asa_addr(m, 0, a);
    parse_asa_addr(m, 1, b);
    if (asa_cur_find(&c, "on interface ")) {
        struct parse_slice ifn = asa_trim(asa_cur_word(&c));
        parse_asa_str(m, ECS_OBSERVER_EGRESS_INTERFACE_NAME, ifn);
    }
    return YM_OK;
}
