/* parse_panos: PAN-OS CSV syslog decoder (see parse_panos.h). */
#include "parse/parse_panos.h"

#include <string.h>

#include "core/ym_time.h"
#include "parse/parse.h"
#include "parse/parse_ecs.h"
#include "parse/parse_syslog.h"
#include "parse/parse_vendor.h"

#define PANOS_MAX_COLS 160

struct panos_csv {
    const char *p[PANOS_MAX_COLS];
    uint32_t len[PANOS_MAX_COLS];
    unsigned count;
};

enum panos_kind { PK_TRAFFIC, PK_THREAT, PK_SYSTEM, PK_CONFIG, PK_GP, PK_HIP, PK_DECRYPT,
                  PK_TUNNEL, PK_USERID, PK_AUTH, PK_OTHER };

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Where "<digits>,YYYY/MM/DD" (or YYYY-MM-DD) begins: the first column of
 * the CSV, after whatever syslog header came before it. */
static const char *find_start(const char *s, size_t len)
{
    size_t limit = len < 512 ? len : 512;
    for (size_t i = 0; i < limit; i++) {
        if (!is_digit(s[i]) || (i && s[i - 1] != ' ' && s[i - 1] != '>' && s[i - 1] != ':'))
            continue;
        size_t j = i;
        while (j < len && is_digit(s[j]))
            j++;
        if (j - i > 12 || len - j < 7 || s[j] != ',')
            continue;
        if (is_digit(s[j + 1]) && is_digit(s[j + 2]) && is_digit(s[j + 3]) && is_digit(s[j + 4]) &&
            (s[j + 5] == '/' || s[j + 5] == '-'))
            return s + i;
    }
    return NULL;
}

/* Splits CSV columns. Quoted columns lose their quotes; doubled quotes
 * inside are undone into the arena (only then). Returns 0, -1 on a quote
 * left open or arena exhaustion. */
static int split_csv(const char *s, const char *end, struct ym_arena *arena, struct panos_csv *out)
{
    out->count = 0;
    for (;;) {
        if (out->count == PANOS_MAX_COLS)
            return 0;
        unsigned k = out->count++;
        if (s < end && *s == '"') {
            const char *q = ++s;
            int doubled = 0;
            for (;;) {
                q = memchr(q, '"', (size_t)(end - q));
                if (!q)
                    return -1;
                if (q + 1 < end && q[1] == '"') {
                    doubled = 1;
                    q += 2;
                    continue;
                }
                break;
            }
            if (doubled) {
                char *u = ym_arena_alloc(arena, (size_t)(q - s) + 1);
                if (!u)
                    return -1;
                size_t n = 0;
                for (const char *c = s; c < q; c++) {
                    u[n++] = *c;
                    if (*c == '"')
                        c++;
                }
                out->p[k] = u;
                out->len[k] = (uint32_t)n;
            } else {
                out->p[k] = s;
                out->len[k] = (uint32_t)(q - s);
            }
            s = q + 1;
            while (s < end && *s != ',')
                s++;
        } else {
            const char *c = s;
            while (c < end && *c != ',')
                c++;
            out->p[k] = s;
            out->len[k] = (uint32_t)(c - s);
            s = c;
        }
        if (s >= end)
            return 0;
        s++; /* the comma */
    }
}

struct panos_line {
    const struct panos_layout *layout;
    struct panos_csv csv;
};

static int col(const struct panos_line *l, enum panos_slot slot, const char **p, size_t *len)
{
    unsigned c = l->layout ? l->layout->col[slot] : 0;
    if (!c || c - 1 >= l->csv.count || !l->csv.len[c - 1]) {
        *p = "";
        *len = 0;
        return 0;
    }
    *p = l->csv.p[c - 1];
    *len = l->csv.len[c - 1];
    return 1;
}

#define COL(slot) (col(line, (slot), &v, &n))
#define STR(lit) lit, sizeof(lit) - 1
#define EQ(lit) (n == sizeof(lit) - 1 && !memcmp(v, lit, n))

static enum panos_kind kind_of(const struct panos_layout *layout)
{
    static const char *const names[] = {"TRAFFIC", "THREAT", "SYSTEM", "CONFIG", "GLOBALPROTECT",
                                        "HIPMATCH", "DECRYPTION", "START", "USERID", "AUTH"};
    if (!layout)
        return PK_OTHER;
    if (!strcmp(layout->type, "CONFIG-8"))
        return PK_CONFIG;
    for (int i = 0; i < PK_OTHER; i++)
        if (!strcmp(layout->type, names[i]))
            return (enum panos_kind)i;
    return PK_OTHER;
}

/* allow -> 1, deny-like -> 0, unknown -> -1 */
static int action_allowed(const char *v, size_t n)
{
    if (EQ("allow") || EQ("alert") || EQ("continue") || EQ("override") || EQ("success"))
        return 1;
    static const char *const deny[] = {"deny", "drop", "drop-icmp", "drop-all-packets",
                                       "reset-client", "reset-server", "reset-both", "block-url",
                                       "block-ip", "block-continue", "block-override",
                                       "sinkhole", "random-drop", "block", "override-lockout"};
    for (size_t i = 0; i < sizeof deny / sizeof deny[0]; i++)
        if (strlen(deny[i]) == n && !memcmp(deny[i], v, n))
            return 0;
    return -1;
}

static const char *threat_action(const char *v, size_t n)
{
    static const struct { const char *sub, *action; } map[] = {
        {"url", "url_filtering"}, {"virus", "virus_detected"},
        {"spyware", "spyware_detected"}, {"vulnerability", "vulnerability_detected"},
        {"file", "file_match"}, {"scan", "scan_detected"}, {"flood", "flood_detected"},
        {"packet", "packet_attack"}, {"resource", "resource_exhausted"},
        {"wildfire", "wildfire_verdict_submitted"}, {"wildfire-virus", "wildfire_virus_detected"},
        {"data", "data_match"}, {"ml-virus", "virus_detected"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strlen(map[i].sub) == n && !memcmp(map[i].sub, v, n))
            return map[i].action;
    return NULL;
}

#define add_static(f, id, lit) ecs_add((f), (id), lit, sizeof(lit) - 1)

/* "Name(1234)" -> name and id; "(9999)" is URL filtering. */
static void add_threat(struct ym_fields *f, const char *v, size_t n)
{
    const char *open = NULL;
    for (size_t i = n; i > 0; i--)
        if (v[i - 1] == '(') {
            open = v + i - 1;
            break;
        }
    if (!open || v[n - 1] != ')') {
        parse_vendor_add_dyn(f, "panw.panos.threat.name", v, n);
        ecs_add(f, ECS_RULE_NAME, v, n);
        return;
    }
    const char *id = open + 1;
    size_t id_len = (size_t)(v + n - 1 - id);
    size_t name_len = (size_t)(open - v);
    while (name_len && v[name_len - 1] == ' ')
        name_len--;
    parse_vendor_add_dyn(f, "panw.panos.threat.id", id, id_len);
    if (name_len) {
        parse_vendor_add_dyn(f, "panw.panos.threat.name", v, name_len);
        ecs_add(f, ECS_MESSAGE, v, name_len);
    }
    else if (id_len == 4 && !memcmp(id, "9999", 4))
        parse_vendor_add_dyn(f, "panw.panos.threat.name", STR("URL-filtering"));
}

/* url.original and its parts; PAN-OS writes "host/path" without scheme. */
static void add_url(struct ym_fields *f, const char *v, size_t n)
{
    ecs_add(f, ECS_URL_ORIGINAL, v, n);
    const char *s = v, *end = v + n;
    const char *scheme = n > 3 ? memchr(v, ':', n < 10 ? n : 10) : NULL;
    if (scheme && scheme + 2 < end && scheme[1] == '/' && scheme[2] == '/')
        s = scheme + 3;
    const char *slash = memchr(s, '/', (size_t)(end - s));
    const char *host_end = slash ? slash : end;
    const char *colon = memchr(s, ':', (size_t)(host_end - s));
    if (colon && !memchr(colon + 1, ':', (size_t)(host_end - colon - 1)))
        host_end = colon;
    if (host_end > s) {
        ecs_add(f, ECS_URL_DOMAIN, s, (size_t)(host_end - s));
        ecs_add(f, ECS_DESTINATION_DOMAIN, s, (size_t)(host_end - s));
    }
    if (slash) {
        const char *q = memchr(slash, '?', (size_t)(end - slash));
        ecs_add(f, ECS_URL_PATH, slash, (size_t)((q ? q : end) - slash));
        if (q && q + 1 < end)
            ecs_add(f, ECS_URL_QUERY, q + 1, (size_t)(end - q - 1));
    }
}

static void add_time_slot(struct ym_fields *f, const struct panos_line *line,
                          const struct parse_ctx *ctx, enum panos_slot slot, uint16_t id,
                          const char *name, int64_t *out_ns)
{
    const char *v;
    size_t n;
    int64_t t;
    if (COL(slot) && parse_vendor_time(v, n, ctx->timezone, ctx->now_ns, &t) == YM_OK) {
        parse_vendor_add_time_tz(f, id, name, t, ctx->timezone);
        if (out_ns)
            *out_ns = t;
    }
}

static void add_host_name(struct ym_fields *f, const char *v, size_t n)
{
    int upper = 0;
    for (size_t i = 0; i < n; i++)
        upper |= v[i] >= 'A' && v[i] <= 'Z';
    if (!upper) {
        parse_vendor_add_dyn(f, "host.name", v, n);
        return;
    }
    char *low = ym_arena_alloc(f->arena, n + 1);
    if (!low)
        return;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] + 32 : v[i]);
    ym_fields_add(f, YM_FIELD_DYNAMIC, "host.name", low, n);
}

static int usable_ip(const char *v, size_t n)
{
    return n && !(n == 7 && !memcmp(v, "0.0.0.0", 7)) && !(n == 2 && !memcmp(v, "::", 2));
}

/* The parts every session-based type (TRAFFIC, THREAT, DECRYPTION, tunnel) shares. */
static void map_session(struct ym_fields *f, const struct panos_line *line)
{
    const char *v;
    size_t n;
    int fam = 0;
    if (COL(PS_SRC_IP))
        fam = parse_vendor_add_ip(f, ECS_SOURCE_IP, v, n);
    if (COL(PS_DST_IP))
        parse_vendor_add_ip(f, ECS_DESTINATION_IP, v, n);
    if (fam)
        ecs_add(f, ECS_NETWORK_TYPE, fam == 6 ? "ipv6" : "ipv4", 4);
    if (COL(PS_SRC_PORT))
        parse_vendor_add_int(f, ECS_SOURCE_PORT, v, n);
    if (COL(PS_DST_PORT))
        parse_vendor_add_int(f, ECS_DESTINATION_PORT, v, n);
    if (COL(PS_NAT_SRC_IP) && usable_ip(v, n)) {
        parse_vendor_add_ip(f, ECS_SOURCE_NAT_IP, v, n);
        if (COL(PS_NAT_SRC_PORT))
            parse_vendor_add_int(f, ECS_SOURCE_NAT_PORT, v, n);
    }
    if (COL(PS_NAT_DST_IP) && usable_ip(v, n)) {
        parse_vendor_add_ip(f, ECS_DESTINATION_NAT_IP, v, n);
        if (COL(PS_NAT_DST_PORT))
            parse_vendor_add_int(f, ECS_DESTINATION_NAT_PORT, v, n);
    }
    if (COL(PS_TUNNEL_RULE) || COL(PS_RULE))
        ecs_add(f, ECS_RULE_NAME, v, n);
    if (COL(PS_SRC_USER)) {
        parse_vendor_add_user(f, ECS_SOURCE_USER_NAME, "source.user.domain", v, n);
        parse_vendor_add_user(f, ECS_USER_NAME, "user.domain", v, n);
    }
    if (COL(PS_DST_USER))
        parse_vendor_add_user(f, ECS_DESTINATION_USER_NAME, "destination.user.domain", v, n);
    if (COL(PS_APP))
        ecs_add(f, ECS_NETWORK_APPLICATION, v, n);
    if (COL(PS_FROM_ZONE))
        ecs_add(f, ECS_OBSERVER_INGRESS_ZONE, v, n);
    if (COL(PS_TO_ZONE))
        ecs_add(f, ECS_OBSERVER_EGRESS_ZONE, v, n);
    if (COL(PS_IN_IF))
        ecs_add(f, ECS_OBSERVER_INGRESS_INTERFACE_NAME, v, n);
    if (COL(PS_OUT_IF))
        ecs_add(f, ECS_OBSERVER_EGRESS_INTERFACE_NAME, v, n);
    if (COL(PS_PROTO))
        ecs_add(f, ECS_NETWORK_TRANSPORT, v, n);
    if (COL(PS_BYTES))
        parse_vendor_add_int(f, ECS_NETWORK_BYTES, v, n);
    if (COL(PS_BYTES_SENT))
        parse_vendor_add_int(f, ECS_SOURCE_BYTES, v, n);
    if (COL(PS_BYTES_RECV))
        parse_vendor_add_int(f, ECS_DESTINATION_BYTES, v, n);
    if (COL(PS_PACKETS))
        parse_vendor_add_int(f, ECS_NETWORK_PACKETS, v, n);
    if (COL(PS_PKTS_SENT))
        parse_vendor_add_int(f, ECS_SOURCE_PACKETS, v, n);
    if (COL(PS_PKTS_RECV))
        parse_vendor_add_int(f, ECS_DESTINATION_PACKETS, v, n);
    if (COL(PS_RULE_UUID))
        ecs_add(f, ECS_RULE_UUID, v, n);
    if (COL(PS_REPEAT))
        parse_vendor_add_dyn_int(f, "panw.panos.repeat_count", v, n);
}

/* event.start / event.duration / event.end from start time + elapsed seconds. */
static void map_duration(struct ym_fields *f, const struct panos_line *line,
                         const struct parse_ctx *ctx)
{
    const char *v;
    size_t n;
    int64_t start_ns = 0, elapsed_s;
    int have_start = 0;
    if (COL(PS_START_TIME) &&
        parse_vendor_time(v, n, ctx->timezone, ctx->now_ns, &start_ns) == YM_OK) {
        parse_vendor_add_time(f, ECS_EVENT_START, parse_ecs_name(ECS_EVENT_START), start_ns);
        have_start = 1;
    }
    if (COL(PS_ELAPSED) && parse_vendor_i64(v, n, &elapsed_s) == YM_OK &&
        elapsed_s < INT64_MAX / YM_NS_PER_S) {
        ecs_add_int(f, ECS_EVENT_DURATION, elapsed_s * YM_NS_PER_S);
        if (have_start)
            parse_vendor_add_time(f, ECS_EVENT_END, parse_ecs_name(ECS_EVENT_END),
                                  start_ns + elapsed_s * YM_NS_PER_S);
    }
}

static void map_outcome(struct ym_fields *f, int allowed, int with_type)
{
    if (allowed == 1 && with_type)
        ecs_add_array(f, ECS_EVENT_TYPE, STR("allowed"));
    else if (allowed == 0 && with_type)
        ecs_add_array(f, ECS_EVENT_TYPE, STR("denied"));
    ecs_add(f, ECS_EVENT_OUTCOME, allowed == 1 ? "success" : "failure", 7);
}

static void map_severity(struct ym_fields *f, const struct panos_line *line)
{
    const char *v;
    size_t n;
    if (!COL(PS_SEVERITY))
        return;
    ecs_add(f, ECS_LOG_LEVEL, v, n);
    int sev = parse_vendor_severity_word(v, n);
    if (sev > 0)
        ecs_add_int(f, ECS_EVENT_SEVERITY, sev);
}


static void map_generic_extras(struct ym_fields *f, const struct panos_line *line)
{
    for (int slot = 0; slot < PS_COUNT; slot++) {
        if (!line->layout->col[slot])
            continue;
        const char *name = parse_panos_extra_name((enum panos_slot)slot);
        const char *v;
        size_t n;
        if (name && COL((enum panos_slot)slot))
            ym_fields_add(f, YM_FIELD_DYNAMIC, name, v, n);
    }
}

static void map_traffic(struct ym_fields *f, const struct panos_line *line, const char *sub,
                        size_t sub_len)
{
    const char *v = sub;
    size_t n = sub_len;
    const char *action = EQ("start") ? "flow_started"
                         : EQ("end") ? "flow_terminated"
                         : EQ("drop") ? "flow_dropped"
                         : EQ("deny") ? "flow_denied" : NULL;
    if (action)
        ecs_add(f, ECS_EVENT_ACTION, action, strlen(action));
    add_static(f, ECS_EVENT_KIND, "event");
    ecs_add_array(f, ECS_EVENT_CATEGORY, STR("network"));
    int allowed = COL(PS_ACTION) ? action_allowed(v, n) : -1;
    map_outcome(f, allowed, 1);
    v = sub;
    n = sub_len;
    if (EQ("start") || EQ("end"))
        ecs_add_array(f, ECS_EVENT_TYPE, sub, sub_len);
    ecs_add_array(f, ECS_EVENT_TYPE, STR("connection"));
}

static void map_threat(struct ym_fields *f, const struct panos_line *line, const char *sub,
                       size_t sub_len)
{
    const char *v = sub;
    size_t n = sub_len;
    const char *action = threat_action(v, n);
    int is_url = EQ("url");
    int is_file = EQ("virus") || EQ("wildfire") || EQ("wildfire-virus") || EQ("file") ||
                  EQ("data") || EQ("ml-virus");
    if (action)
        ecs_add(f, ECS_EVENT_ACTION, action, strlen(action));
    add_static(f, ECS_EVENT_KIND, "alert");
    ecs_add_array(f, ECS_EVENT_CATEGORY, STR("intrusion_detection"));
    ecs_add_array(f, ECS_EVENT_CATEGORY, STR("threat"));
    ecs_add_array(f, ECS_EVENT_CATEGORY, STR("network"));
    map_outcome(f, COL(PS_ACTION) ? action_allowed(v, n) : -1, 1);
    map_severity(f, line);
    if (COL(PS_THREAT))
        add_threat(f, v, n);
    if (COL(PS_MISC)) {
        if (is_url)
            add_url(f, v, n);
        else if (is_file)
            ecs_add(f, ECS_FILE_NAME, v, n);
        else
            ym_fields_add(f, YM_FIELD_DYNAMIC, "panw.panos.threat.resource", v, n);
    }
    if (COL(PS_DIRECTION)) {
        if (EQ("client-to-server") || EQ("0"))
            add_static(f, ECS_NETWORK_DIRECTION, "inbound");
        else if (EQ("server-to-client") || EQ("1"))
            add_static(f, ECS_NETWORK_DIRECTION, "outbound");
    }
    if (COL(PS_FILE_DIGEST) && n == 64)
        ecs_add(f, ECS_FILE_HASH_SHA256, v, n);
    if (COL(PS_USER_AGENT) && !EQ("\"\""))
        ecs_add(f, ECS_USER_AGENT_ORIGINAL, v, n);
    if (COL(PS_REFERER))
        ym_fields_add(f, YM_FIELD_DYNAMIC, "http.request.referrer", v, n);
    if (COL(PS_HTTP_METHOD))
        ecs_add(f, ECS_HTTP_REQUEST_METHOD, v, n);
}

static void map_decryption(struct ym_fields *f, const struct panos_line *line,
                           const struct parse_ctx *ctx)
{
    const char *v;
    size_t n;
    add_static(f, ECS_EVENT_KIND, "event");
    ecs_add_array(f, ECS_EVENT_CATEGORY, STR("network"));
    int allowed = COL(PS_ACTION) ? action_allowed(v, n) : -1;
    if (allowed == 1)
        ecs_add_array(f, ECS_EVENT_TYPE, STR("allowed"));
    else if (allowed == 0)
        ecs_add_array(f, ECS_EVENT_TYPE, STR("denied"));
    int failed = COL(PS_DEC_ERROR) || allowed != 1;
    ecs_add(f, ECS_EVENT_OUTCOME, failed ? "failure" : "success", 7);
    if (COL(PS_TLS_VERSION)) {
        if (n > 3 && !memcmp(v, "TLS", 3)) {
            ym_fields_add(f, YM_FIELD_DYNAMIC, "tls.version", v + 3, n - 3);
            ym_fields_add(f, YM_FIELD_DYNAMIC, "tls.version_protocol", STR("tls"));
        } else if (n > 3 && !memcmp(v, "SSL", 3)) {
            ym_fields_add(f, YM_FIELD_DYNAMIC, "tls.version", v + 3, n - 3);
            ym_fields_add(f, YM_FIELD_DYNAMIC, "tls.version_protocol", STR("ssl"));
        }
    }
    if (COL(PS_TLS_ENC))
        ym_fields_add(f, YM_FIELD_DYNAMIC, "tls.cipher", v, n);
    if (COL(PS_CERT_SERIAL))
        ym_fields_add(f, YM_FIELD_DYNAMIC, "tls.client.x509.serial_number", v, n);
    if (COL(PS_FINGERPRINT))
        ym_fields_add(f, YM_FIELD_DYNAMIC, "tls.client.hash.sha256", v, n);
    add_time_slot(f, line, ctx, PS_NOT_BEFORE, YM_FIELD_DYNAMIC, "tls.client.not_before", NULL);
    add_time_slot(f, line, ctx, PS_NOT_AFTER, YM_FIELD_DYNAMIC, "tls.client.not_after", NULL);
    if (COL(PS_CERT_VER))
        ym_fields_add(f, YM_FIELD_DYNAMIC, "tls.client.x509.version_number", v, n);
    if (COL(PS_CERT_SIZE))
        parse_vendor_add_dyn_int(f, "tls.client.x509.public_key_size", v, n);
    if (COL(PS_CN))
        ym_fields_add(f, YM_FIELD_DYNAMIC, "x509.subject.common_name", v, n);
    if (COL(PS_ISSUER_CN))
        ym_fields_add(f, YM_FIELD_DYNAMIC, "x509.issuer.common_name", v, n);
    if (COL(PS_SNI))
        ym_fields_add(f, YM_FIELD_DYNAMIC, "tls.client.server_name", v, n);
    if (COL(PS_DEC_ERROR))
        ecs_add(f, ECS_EVENT_REASON, v, n);
}

static void map_globalprotect(struct ym_fields *f, const struct panos_line *line)
{
    const char *v;
    size_t n;
    add_static(f, ECS_EVENT_KIND, "event");
    ecs_add_array(f, ECS_EVENT_CATEGORY, STR("network"));
    if (COL(PS_EVENT_ID))
        ecs_add(f, ECS_EVENT_CODE, v, n);
    if (COL(PS_STATUS)) {
        if (EQ("success"))
            add_static(f, ECS_EVENT_OUTCOME, "success");
        else if (EQ("failure"))
            add_static(f, ECS_EVENT_OUTCOME, "failure");
    }
    int fam = 0;
    if (COL(PS_PRIVATE_IP) || COL(PS_PRIVATE_IP6)) {
        fam = parse_vendor_add_ip(f, ECS_SOURCE_IP, v, n);
        if (fam) {
            struct ym_field *e = ym_fields_add(f, YM_FIELD_DYNAMIC, "host.ip", v, n);
            if (e)
                e->flags |= YM_FF_ARRAY;
        }
    }
    if (fam)
        ecs_add(f, ECS_NETWORK_TYPE, fam == 6 ? "ipv6" : "ipv4", 4);
    if (COL(PS_PUBLIC_IP) || COL(PS_PUBLIC_IP6))
        parse_vendor_add_ip(f, ECS_SOURCE_NAT_IP, v, n);
    if (COL(PS_SRC_USER)) {
        parse_vendor_add_user(f, ECS_SOURCE_USER_NAME, "source.user.domain", v, n);
        parse_vendor_add_user(f, ECS_USER_NAME, "user.domain", v, n);
    }
    if (COL(PS_MACHINE))
        add_host_name(f, v, n);
    if (COL(PS_HOST_ID))
        ym_fields_add(f, YM_FIELD_DYNAMIC, "host.id", v, n);
    if (COL(PS_CLIENT_OS))
        ym_fields_add(f, YM_FIELD_DYNAMIC, "host.os.family", v, n);
    if (COL(PS_CLIENT_OS_VER))
        ym_fields_add(f, YM_FIELD_DYNAMIC, "host.os.full", v, n);
    int64_t secs;
    if (COL(PS_LOGIN_DURATION) && parse_vendor_i64(v, n, &secs) == YM_OK &&
        secs < INT64_MAX / YM_NS_PER_S)
        ecs_add_int(f, ECS_EVENT_DURATION, secs * YM_NS_PER_S);
    if (COL(PS_DESCRIPTION))
        ecs_add(f, ECS_MESSAGE, v, n);
    if (COL(PS_ERROR))
        ecs_add(f, ECS_EVENT_REASON, v, n);
}

static void panos_map(const struct parse_ctx *ctx, const struct panos_line *line,
                      struct ym_record *rec)
{
    struct ym_fields *f = &rec->fields;
    const struct panos_csv *csv = &line->csv;
    const char *v;
    size_t n;
    enum panos_kind kind = kind_of(line->layout);
    const char *sub = csv->count > 4 ? csv->p[4] : "";
    size_t sub_len = csv->count > 4 ? csv->len[4] : 0;

    add_static(f, ECS_OBSERVER_VENDOR, "Palo Alto Networks");
    add_static(f, ECS_OBSERVER_PRODUCT, "PAN-OS");
    add_static(f, ECS_OBSERVER_TYPE, "firewall");
    if (csv->len[2])
        ecs_add(f, ECS_OBSERVER_SERIAL_NUMBER, csv->p[2], csv->len[2]);
    ym_fields_add(f, YM_FIELD_DYNAMIC, "panw.panos.type", csv->p[3], csv->len[3]);
    parse_vendor_add_dyn(f, "panw.panos.sub_type", sub, sub_len);
    parse_vendor_add_dyn(f, "panw.panos.receive_time", csv->p[1], csv->len[1]);

    int64_t t;
    if (csv->count > 6 && parse_vendor_time(csv->p[6], csv->len[6], ctx->timezone, ctx->now_ns,
                                            &t) == YM_OK)
        rec->time_ns = t;
    else if (parse_vendor_time(csv->p[1], csv->len[1], ctx->timezone, ctx->now_ns, &t) == YM_OK)
        rec->time_ns = t;
    /* SYSTEM and tunnel logs carry their millisecond time in the high
     * resolution column (epoch 0 when the device did not fill it). */
    if ((kind == PK_SYSTEM || kind == PK_TUNNEL) && COL(PS_HIGH_RES) &&
        parse_vendor_time(v, n, ctx->timezone, ctx->now_ns, &t) == YM_OK && t > 86400 * YM_NS_PER_S)
        rec->time_ns = t;
    if (COL(PS_DEVICE_NAME))
        ecs_add(f, ECS_OBSERVER_HOSTNAME, v, n);
    if (line->layout)
        map_generic_extras(f, line);

    switch (kind) {
    case PK_TRAFFIC:
    case PK_TUNNEL:
        map_session(f, line);
        map_duration(f, line, ctx);
        map_traffic(f, line, sub, sub_len);
        if (kind == PK_TUNNEL)
            map_severity(f, line);
        break;
    case PK_THREAT:
        map_session(f, line);
        map_threat(f, line, sub, sub_len);
        break;
    case PK_DECRYPT:
        map_session(f, line);
        map_decryption(f, line, ctx);
        break;
    case PK_GP:
        map_globalprotect(f, line);
        break;
    case PK_SYSTEM:
        add_static(f, ECS_EVENT_KIND, "event");
        ecs_add_array(f, ECS_EVENT_CATEGORY, STR("configuration"));
        if (COL(PS_EVENT_ID))
            ecs_add(f, ECS_EVENT_CODE, v, n);
        if (COL(PS_DESCRIPTION))
            ecs_add(f, ECS_MESSAGE, v, n);
        map_severity(f, line);
        break;
    case PK_CONFIG:
        add_static(f, ECS_EVENT_KIND, "event");
        ecs_add_array(f, ECS_EVENT_CATEGORY, STR("configuration"));
        ecs_add_array(f, ECS_EVENT_TYPE, STR("change"));
        if (COL(PS_IP))
            parse_vendor_add_ip(f, ECS_SOURCE_IP, v, n);
        if (COL(PS_CMD))
            ecs_add(f, ECS_EVENT_ACTION, v, n);
        if (COL(PS_ADMIN))
            parse_vendor_add_user(f, ECS_USER_NAME, "user.domain", v, n);
        if (COL(PS_RESULT)) {
            if (parse_vendor_ieq(v, n, "succeeded") || parse_vendor_ieq(v, n, "submitted"))
                add_static(f, ECS_EVENT_OUTCOME, "success");
            else if (parse_vendor_ieq(v, n, "failed"))
                add_static(f, ECS_EVENT_OUTCOME, "failure");
        }
        break;
    case PK_HIP:
        add_static(f, ECS_EVENT_KIND, "event");
        ecs_add_array(f, ECS_EVENT_CATEGORY, STR("host"));
        ecs_add_array(f, ECS_EVENT_TYPE, STR("info"));
        if (COL(PS_SRC_IP) || COL(PS_PRIVATE_IP6))
            parse_vendor_add_ip(f, ECS_SOURCE_IP, v, n);
        if (COL(PS_SRC_USER)) {
            parse_vendor_add_user(f, ECS_SOURCE_USER_NAME, "source.user.domain", v, n);
            parse_vendor_add_user(f, ECS_USER_NAME, "user.domain", v, n);
        }
        if (COL(PS_MACHINE))
            add_host_name(f, v, n);
        if (COL(PS_OS))
            ym_fields_add(f, YM_FIELD_DYNAMIC, "host.os.family", v, n);
        if (COL(PS_HOST_ID))
            ym_fields_add(f, YM_FIELD_DYNAMIC, "host.id", v, n);
        if (COL(PS_SRC_MAC))
            ecs_add(f, ECS_SOURCE_MAC, v, n);
        break;
    case PK_USERID:
    case PK_AUTH:
        add_static(f, ECS_EVENT_KIND, "event");
        if (kind == PK_AUTH)
            ecs_add_array(f, ECS_EVENT_CATEGORY, STR("authentication"));
        else
            ecs_add_array(f, ECS_EVENT_CATEGORY, STR("iam"));
        if (COL(PS_IP))
            parse_vendor_add_ip(f, ECS_SOURCE_IP, v, n);
        if (COL(PS_USER))
            parse_vendor_add_user(f, ECS_USER_NAME, "user.domain", v, n);
        if (COL(PS_EVENT_ID))
            ecs_add(f, ECS_EVENT_ACTION, v, n);
        if (COL(PS_RULE))
            ecs_add(f, ECS_RULE_NAME, v, n);
        if (COL(PS_DESCRIPTION))
            ecs_add(f, ECS_MESSAGE, v, n);
        break;
    case PK_OTHER:
        add_static(f, ECS_EVENT_KIND, "event");
        break;
    }
}

static enum ym_status panos_decode(const struct parse_ctx *ctx, const struct parse_syslog_hdr *hdr,
                                   struct ym_record *rec)
{
    const char *s = hdr && hdr->msg.p ? find_start(hdr->msg.p, hdr->msg.len) : NULL;
    if (!s)
        s = find_start(rec->raw, rec->raw_len);
    if (!s)
        return YM_EDECLINED;
    const char *end = rec->raw + rec->raw_len;
    if (s < rec->raw || s > end)
        end = hdr->msg.p + hdr->msg.len;
    while (end > s && (end[-1] == '\n' || end[-1] == '\r'))
        end--;
    struct ym_fields *f = &rec->fields;
    struct panos_line line_store;
    struct panos_line *line = &line_store;
    if (split_csv(s, end, f->arena, &line->csv) != 0 || line->csv.count < 4)
        return YM_EDECLINED;
    const char *type = line->csv.p[3];
    size_t type_len = line->csv.len[3];
    if (!type_len)
        return YM_EDECLINED;
    for (size_t i = 0; i < type_len; i++)
        if (!((type[i] >= 'A' && type[i] <= 'Z') || type[i] == '-' || type[i] == '_'))
            return YM_EDECLINED;
    line->layout = parse_panos_layout(type, type_len);
    if (line->layout && !strcmp(line->layout->type, "CONFIG") && line->csv.count > 15 &&
        parse_vendor_u64(line->csv.p[14], line->csv.len[14], &(uint64_t){0}) == YM_OK &&
        line->csv.len[15] > 2 && !memcmp(line->csv.p[15], "0x", 2))
        line->layout = parse_panos_layout(STR("CONFIG-8"));
    panos_map(ctx, line, rec);
    return YM_OK;
}

static int panos_sniff(const char *msg, size_t len)
{
    const char *s = find_start(msg, len);
    if (!s) {
        /* The header splitter may have eaten "1,2021/03/24" as a host
         * name: accept "...HH:MM:SS,<serial>,<TYPE>," near the start. */
        static const char *const types[] = {",TRAFFIC,", ",THREAT,", ",SYSTEM,", ",CONFIG,",
                                            ",GLOBALPROTECT,", ",HIPMATCH,", ",DECRYPTION,",
                                            ",USERID,", ",AUTH,"};
        size_t n = len < 96 ? len : 96;
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
            const char *t = memmem(msg, n, types[i], strlen(types[i]));
            if (t && t - msg >= 8 && memchr(msg, ':', (size_t)(t - msg)))
                return 1;
        }
        return 0;
    }
    /* "<n>,<date>,<serial>,<TYPE>," */
    const char *end = msg + len;
    int commas = 0;
    const char *t = s;
    while (t < end && commas < 3) {
        t = memchr(t, ',', (size_t)(end - t));
        if (!t)
            return 0;
        t++;
        commas++;
    }
    const char *te = memchr(t, ',', (size_t)(end - t));
    return te && parse_panos_layout(t, (size_t)(te - t)) != NULL;
}

const struct parse_decoder parse_decoder_panos = {
    .kind = "panos",
    .description = "Palo Alto Networks PAN-OS (CSV syslog)",
    .decode = panos_decode,
    .sniff = panos_sniff,
};
