/* parse_nsp: McAfee / Trellix Network Security Platform (NSP) alerts as
 * the Network Security Manager forwards them by syslog, kind "nsp".
 *
 * Reads the two syslog forms of the NSM notification profile:
 *  - the pipe template "SyslogAlertForwarderNSP: |UUID|ALERT_TYPE|
 *    ATTACK_TIME|ATTACK_NAME|ATTACK_ID|ATTACK_SEVERITY|ATTACK_SIGNATURE|
 *    ATTACK_CONFIDENCE|ADMIN_DOMAIN|SENSOR_NAME|INTERFACE|SOURCE_IP|
 *    SOURCE_PORT|DESTINATION_IP|DESTINATION_PORT|CATEGORY|SUB_CATEGORY|
 *    DIRECTION|RESULT_STATUS|DETECTION_MECHANISM|APPLICATION_PROTOCOL|
 *    NETWORK_PROTOCOL|" (22 fields), and
 *  - the labelled form "SyslogAlertForwarder: Attack Name: X; Attack ID:
 *    0x...; Src IP: ...; ..." with any subset of the same fields;
 * and maps CEF "McAfee|Network Security Manager" events (via parse_cef).
 * Values are slices of the raw log (lower-cased copies in the arena).
 * No state: any thread may call. Returns YM_OK, YM_EDECLINED (neither
 * form), YM_EPARSE (pipe template cut short: the fields read are kept). */
#include "parse/parse_cef.h"

#include <string.h>

#include "parse/parse_ecs.h"
#include "parse/parse_syslog.h"
#include "parse/parse_vendor.h"

enum nsp_field {
    NF_UUID, NF_ALERT_TYPE, NF_TIME, NF_NAME, NF_ID, NF_SEVERITY, NF_SIGNATURE, NF_CONFIDENCE,
    NF_DOMAIN, NF_SENSOR, NF_INTERFACE, NF_SRC_IP, NF_SRC_PORT, NF_DST_IP, NF_DST_PORT,
    NF_CATEGORY, NF_SUB_CATEGORY, NF_DIRECTION, NF_RESULT, NF_DETECTION, NF_APP_PROTO,
    NF_NET_PROTO, NF_COUNT
};

/* Labels of the labelled form, in template order (several spellings). */
static const struct { const char *label; enum nsp_field field; } nsp_labels[] = {
    {"Alert UUID", NF_UUID}, {"Sensor Alert UUID", NF_UUID}, {"Alert ID", NF_UUID},
    {"Alert Type", NF_ALERT_TYPE}, {"Attack Time", NF_TIME}, {"Attack Name", NF_NAME},
    {"Attack ID", NF_ID}, {"Attack Severity", NF_SEVERITY}, {"Severity", NF_SEVERITY},
    {"Attack Signature", NF_SIGNATURE}, {"Attack Confidence", NF_CONFIDENCE},
    {"Admin Domain", NF_DOMAIN}, {"Sensor Name", NF_SENSOR}, {"Sensor", NF_SENSOR},
    {"Interface", NF_INTERFACE}, {"Src IP", NF_SRC_IP}, {"Source IP", NF_SRC_IP},
    {"Src Port", NF_SRC_PORT}, {"Source Port", NF_SRC_PORT}, {"Dest IP", NF_DST_IP},
    {"Destination IP", NF_DST_IP}, {"Dest Port", NF_DST_PORT},
    {"Destination Port", NF_DST_PORT}, {"Category", NF_CATEGORY},
    {"Sub-Category", NF_SUB_CATEGORY}, {"Sub Category", NF_SUB_CATEGORY},
    {"Direction", NF_DIRECTION}, {"Result Status", NF_RESULT}, {"Result", NF_RESULT},
    {"Detection Mechanism", NF_DETECTION}, {"Application Protocol", NF_APP_PROTO},
    {"Network Protocol", NF_NET_PROTO}, {"Protocol", NF_NET_PROTO},
};

struct nsp_alert {
    const char *p[NF_COUNT];
    uint32_t len[NF_COUNT];
};

static void add_lower(struct ym_fields *f, enum parse_ecs_id id, const char *s, size_t n)
{
    char *low = ym_arena_alloc(f->arena, n + 1);
    if (!low)
        return;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    ecs_add(f, id, low, n);
}

static int contains_ci(const char *s, size_t n, const char *word)
{
    size_t w = strlen(word);
    for (size_t i = 0; i + w <= n; i++)
        if (!strncasecmp(s + i, word, w))
            return 1;
    return 0;
}

/* NSP severities as ECS numbers (higher = worse). */
static int severity_number(const char *s, size_t n)
{
    if (parse_vendor_ieq(s, n, "informational") || parse_vendor_ieq(s, n, "info"))
        return 1;
    if (parse_vendor_ieq(s, n, "low"))
        return 3;
    if (parse_vendor_ieq(s, n, "medium"))
        return 5;
    if (parse_vendor_ieq(s, n, "high"))
        return 7;
    if (parse_vendor_ieq(s, n, "critical"))
        return 9;
    return -1;
}

/* Whether a result status / action means the sensor stopped the attack. */
static int blocked_word(const char *s, size_t n)
{
    return contains_ci(s, n, "block") || contains_ci(s, n, "drop") || contains_ci(s, n, "deny") ||
           contains_ci(s, n, "reset") || contains_ci(s, n, "quarantin");
}

static void add_common(struct ym_fields *f)
{
    ecs_add(f, ECS_OBSERVER_VENDOR, "McAfee", 6);
    ecs_add(f, ECS_OBSERVER_PRODUCT, "Network Security Platform", 25);
    ecs_add(f, ECS_OBSERVER_TYPE, "ids", 3);
    ecs_add(f, ECS_EVENT_KIND, "alert", 5);
    ecs_add_array(f, ECS_EVENT_CATEGORY, "intrusion_detection", 19);
    ecs_add_array(f, ECS_EVENT_CATEGORY, "network", 7);
}

static void add_result(struct ym_fields *f, const char *v, size_t n)
{
    if (!n)
        return;
    ecs_add(f, ECS_EVENT_ACTION, v, n);
    int blocked = blocked_word(v, n);
    ym_fields_add_bool(f, YM_FIELD_DYNAMIC, "nsp.blocked", blocked);
    ecs_add_array(f, ECS_EVENT_TYPE, blocked ? "denied" : "allowed", blocked ? 6 : 7);
}

static void map_alert(const struct parse_ctx *ctx, const struct nsp_alert *a, struct ym_record *rec)
{
    struct ym_fields *f = &rec->fields;
    const char *v;
    size_t n;
#define GET(fld) (v = a->p[fld], n = a->len[fld], n > 0 && !parse_vendor_ieq(v, n, "N/A"))
    add_common(f);
    if (GET(NF_UUID))
        ecs_add(f, ECS_EVENT_ID, v, n);
    if (GET(NF_ALERT_TYPE))
        ym_fields_add(f, YM_FIELD_DYNAMIC, "nsp.alert_type", v, n);
    int64_t t;
    if (GET(NF_TIME) && parse_vendor_time(v, n, ctx->timezone, ctx->now_ns, &t) == YM_OK)
        rec->time_ns = t;
    if (GET(NF_NAME)) {
        if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
            v++, n -= 2;
        ecs_add(f, ECS_RULE_NAME, v, n);
        ecs_add(f, ECS_MESSAGE, v, n);
    }
    if (GET(NF_ID))
        ecs_add(f, ECS_RULE_ID, v, n);
    if (GET(NF_SEVERITY)) {
        ecs_add(f, ECS_LOG_LEVEL, v, n);
        int sev = severity_number(v, n);
        if (sev > 0)
            ecs_add_int(f, ECS_EVENT_SEVERITY, sev);
    }
    if (GET(NF_SIGNATURE))
        ym_fields_add(f, YM_FIELD_DYNAMIC, "nsp.attack.signature", v, n);
    if (GET(NF_CONFIDENCE))
        ym_fields_add(f, YM_FIELD_DYNAMIC, "nsp.attack.confidence", v, n);
    if (GET(NF_DOMAIN))
        ym_fields_add(f, YM_FIELD_DYNAMIC, "nsp.admin_domain", v, n);
    if (GET(NF_SENSOR)) {
        ecs_add(f, ECS_OBSERVER_NAME, v, n);
        ecs_add(f, ECS_OBSERVER_HOSTNAME, v, n);
    }
    if (GET(NF_INTERFACE))
        ecs_add(f, ECS_OBSERVER_INGRESS_INTERFACE_NAME, v, n);
    if (GET(NF_SRC_IP))
        parse_vendor_add_ip(f, ECS_SOURCE_IP, v, n);
    if (GET(NF_SRC_PORT))
        parse_vendor_add_int(f, ECS_SOURCE_PORT, v, n);
    if (GET(NF_DST_IP))
        parse_vendor_add_ip(f, ECS_DESTINATION_IP, v, n);
    if (GET(NF_DST_PORT))
        parse_vendor_add_int(f, ECS_DESTINATION_PORT, v, n);
    if (GET(NF_CATEGORY))
        ecs_add(f, ECS_RULE_CATEGORY, v, n);
    if (GET(NF_SUB_CATEGORY))
        ym_fields_add(f, YM_FIELD_DYNAMIC, "nsp.attack.sub_category", v, n);
    if (GET(NF_DIRECTION))
        add_lower(f, ECS_NETWORK_DIRECTION, v, n);
    if (GET(NF_RESULT))
        add_result(f, v, n);
    if (GET(NF_DETECTION))
        ym_fields_add(f, YM_FIELD_DYNAMIC, "nsp.detection_mechanism", v, n);
    if (GET(NF_APP_PROTO))
        add_lower(f, ECS_NETWORK_PROTOCOL, v, n);
    if (GET(NF_NET_PROTO))
        add_lower(f, ECS_NETWORK_TRANSPORT, v, n);
#undef GET
}

/* "...|f1|f2|...|f22|": returns fields read (22 = complete) or -1. */
static int split_pipes(const char *s, const char *end, struct nsp_alert *a)
{
    const char *bar = memchr(s, '|', (size_t)(end - s));
    if (!bar)
        return -1;
    const char *c = bar + 1;
    int k = 0;
    while (k < NF_COUNT && c < end) {
        const char *e = memchr(c, '|', (size_t)(end - c));
        if (!e)
            e = end;
        a->p[k] = c;
        a->len[k] = (uint32_t)(e - c);
        while (a->len[k] && a->p[k][a->len[k] - 1] == ' ')
            a->len[k]--;
        while (a->len[k] && a->p[k][0] == ' ')
            a->p[k]++, a->len[k]--;
        k++;
        c = e + 1;
    }
    return k;
}

/* "Label: value; Label: value" */
static int split_labels(const char *s, const char *end, struct nsp_alert *a)
{
    int found = 0;
    while (s < end) {
        while (s < end && (*s == ' ' || *s == ';'))
            s++;
        const char *colon = memchr(s, ':', (size_t)(end - s));
        if (!colon)
            break;
        const char *semi = memchr(colon, ';', (size_t)(end - colon));
        const char *ve = semi ? semi : end;
        const char *v = colon + 1;
        while (v < ve && *v == ' ')
            v++;
        size_t label_len = (size_t)(colon - s);
        for (size_t i = 0; i < sizeof nsp_labels / sizeof nsp_labels[0]; i++) {
            if (strlen(nsp_labels[i].label) == label_len &&
                !strncasecmp(nsp_labels[i].label, s, label_len)) {
                a->p[nsp_labels[i].field] = v;
                a->len[nsp_labels[i].field] = (uint32_t)(ve - v);
                while (a->len[nsp_labels[i].field] && v[a->len[nsp_labels[i].field] - 1] == ' ')
                    a->len[nsp_labels[i].field]--;
                found++;
                break;
            }
        }
        s = semi ? semi + 1 : end;
    }
    return found;
}

static enum ym_status nsp_decode(const struct parse_ctx *ctx, const struct parse_syslog_hdr *hdr,
                                 struct ym_record *rec)
{
    const char *s = rec->raw, *end = rec->raw + rec->raw_len;
    const char *tag = memmem(s, rec->raw_len, "SyslogAlertForwarder", 20);
    struct nsp_alert a;
    memset(&a, 0, sizeof a);
    if (!tag) {
        struct cef_event ev;
        if (parse_cef_split(s, rec->raw_len, rec->fields.arena, &ev) == YM_OK) {
            parse_cef_map(ctx, &ev, rec);
            if (!parse_nsp_is_vendor(&ev.vendor, &ev.product))
                parse_nsp_map_cef(ctx, &ev, rec);
            return YM_OK;
        }
        return YM_EDECLINED;
    }
    const char *body = memchr(tag, ':', (size_t)(end - tag));
    if (!body)
        return YM_EDECLINED;
    body++;
    const char *bar = memchr(body, '|', (size_t)(end - body));
    if (bar) {
        int k = split_pipes(body, end, &a);
        map_alert(ctx, &a, rec);
        if (k < NF_COUNT) {
            ecs_add(&rec->fields, ECS_ERROR_MESSAGE, "NSP alert has fewer than 22 fields", 34);
            return YM_EPARSE;
        }
        return YM_OK;
    }
    if (split_labels(body, end, &a) == 0)
        return YM_EDECLINED;
    map_alert(ctx, &a, rec);
    (void)hdr;
    return YM_OK;
}

int parse_nsp_is_vendor(const struct cef_text *vendor, const struct cef_text *product)
{
    int v = (vendor->len >= 6 && !strncasecmp(vendor->p, "McAfee", 6)) ||
            (vendor->len >= 7 && !strncasecmp(vendor->p, "Trellix", 7));
    return v && (contains_ci(product->p, product->len, "Network Security") ||
                 contains_ci(product->p, product->len, "NSP") ||
                 contains_ci(product->p, product->len, "IPS"));
}

void parse_nsp_map_cef(const struct parse_ctx *ctx, const struct cef_event *ev,
                       struct ym_record *rec)
{
    struct ym_fields *f = &rec->fields;
    (void)ctx;
    ecs_add(f, ECS_OBSERVER_TYPE, "ids", 3);
    ecs_add(f, ECS_EVENT_KIND, "alert", 5);
    ecs_add_array(f, ECS_EVENT_CATEGORY, "intrusion_detection", 19);
    ecs_add_array(f, ECS_EVENT_CATEGORY, "network", 7);
    parse_vendor_add(f, ECS_RULE_ID, ev->class_id.p, ev->class_id.len);
    parse_vendor_add(f, ECS_RULE_NAME, ev->name.p, ev->name.len);
    const struct cef_text *act = parse_cef_get(ev, "act");
    if (!act)
        act = parse_cef_custom(ev, "Result Status");
    if (act && act->len) {
        int blocked = blocked_word(act->p, act->len);
        ym_fields_add_bool(f, YM_FIELD_DYNAMIC, "nsp.blocked", blocked);
        ecs_add_array(f, ECS_EVENT_TYPE, blocked ? "denied" : "allowed", blocked ? 6 : 7);
    }
    const struct cef_text *cat = parse_cef_get(ev, "cat");
    if (cat && cat->len)
        ecs_add(f, ECS_RULE_CATEGORY, cat->p, cat->len);
}

static int nsp_sniff(const char *msg, size_t len)
{
    /* The syslog header splitter takes "SyslogAlertForwarderNSP:" as the
     * tag, leaving "|uuid|type|time|..." with 22 fields. */
    const char *s = msg, *end = msg + len;
    while (s < end && *s == ' ')
        s++;
    if (s < end && *s == '|') {
        int bars = 0;
        for (const char *c = s; c < end && bars < 23; c++)
            bars += *c == '|';
        if (bars >= 23 && s + 2 < end && s[1] >= '0' && s[1] <= '9')
            return 1;
    }
    if (end - s > 12 && !memcmp(s, "Attack Name:", 12))
        return 1;
    return memmem(msg, len < 128 ? len : 128, "SyslogAlertForwarder", 20) != NULL ||
           (len > 20 && memmem(msg, len < 64 ? len : 64, "CEF:", 4) &&
            memmem(msg, len < 128 ? len : 128, "|McAfee|Network Security", 24));
}

const struct parse_decoder parse_decoder_nsp = {
    .kind = "nsp",
    .description = "McAfee/Trellix Network Security Platform (syslog alerts)",
    .decode = nsp_decode,
    .sniff = nsp_sniff,
};
