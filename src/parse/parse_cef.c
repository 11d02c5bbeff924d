/* parse_cef: ArcSight CEF decoder (see parse_cef.h). */
#include "parse/parse_cef.h"

#include <string.h>

#include "core/ym_time.h"
#include "parse/parse_ecs.h"
#include "parse/parse_syslog.h"
#include "parse/parse_vendor.h"

enum cef_type { T_STR, T_INT, T_FLOAT, T_IP, T_TIME, T_LOWER, T_DIR, T_TS };

struct cef_key {
    const char *short_name; /* NULL when the key has only a full name */
    const char *full_name;
    const char *field;      /* "cef.extensions.<full_name>" */
    int ecs;                /* enum parse_ecs_id, or -1 */
    const char *ecs_dyn;    /* ECS name without an id, or NULL */
    uint8_t type;
};

#define K(s, full, ecs, dyn, t) {s, full, "cef.extensions." full, ecs, dyn, t}
static const struct cef_key cef_keys[] = {
    K("act", "deviceAction", ECS_EVENT_ACTION, NULL, T_STR),
    K("app", "applicationProtocol", ECS_NETWORK_PROTOCOL, NULL, T_LOWER),
    K("cnt", "baseEventCount", -1, NULL, T_INT),
    K("cat", "deviceEventCategory", -1, NULL, T_STR),
    K("dhost", "destinationHostName", ECS_DESTINATION_DOMAIN, NULL, T_STR),
    K("dmac", "destinationMacAddress", ECS_DESTINATION_MAC, NULL, T_STR),
    K("dntdom", "destinationNtDomain", -1, "destination.user.domain", T_STR),
    K("dpid", "destinationProcessId", -1, NULL, T_INT),
    K("dpriv", "destinationUserPrivileges", -1, "destination.user.group.name", T_STR),
    K("dproc", "destinationProcessName", -1, NULL, T_STR),
    K("dpt", "destinationPort", ECS_DESTINATION_PORT, NULL, T_INT),
    K("dst", "destinationAddress", ECS_DESTINATION_IP, NULL, T_IP),
    K("dtz", "deviceTimeZone", ECS_EVENT_TIMEZONE, NULL, T_STR),
    K("duid", "destinationUserId", -1, "destination.user.id", T_STR),
    K("duser", "destinationUserName", ECS_DESTINATION_USER_NAME, NULL, T_STR),
    K("dvc", "deviceAddress", -1, "observer.ip", T_IP),
    K("dvchost", "deviceHostName", ECS_OBSERVER_HOSTNAME, NULL, T_STR),
    K("dvcmac", "deviceMacAddress", -1, "observer.mac", T_STR),
    K("dvcpid", "deviceProcessId", ECS_PROCESS_PID, NULL, T_INT),
    K("end", "endTime", ECS_EVENT_END, NULL, T_TIME),
    K("fname", "fileName", ECS_FILE_NAME, NULL, T_STR),
    K("fsize", "fileSize", -1, "file.size", T_INT),
    K("in", "bytesIn", ECS_SOURCE_BYTES, NULL, T_INT),
    K("msg", "message", ECS_MESSAGE, NULL, T_STR),
    K("out", "bytesOut", ECS_DESTINATION_BYTES, NULL, T_INT),
    K("proto", "transportProtocol", ECS_NETWORK_TRANSPORT, NULL, T_LOWER),
    K("request", "requestUrl", ECS_URL_ORIGINAL, NULL, T_STR),
    K("rt", "deviceReceiptTime", -1, NULL, T_TS),
    K("shost", "sourceHostName", ECS_SOURCE_DOMAIN, NULL, T_STR),
    K("smac", "sourceMacAddress", ECS_SOURCE_MAC, NULL, T_STR),
    K("sntdom", "sourceNtDomain", -1, "source.user.domain", T_STR),
    K("spid", "sourceProcessId", -1, NULL, T_INT),
    K("spriv", "sourceUserPrivileges", -1, "source.user.group.name", T_STR),
    K("sproc", "sourceProcessName", -1, NULL, T_STR),
    K("spt", "sourcePort", ECS_SOURCE_PORT, NULL, T_INT),
    K("src", "sourceAddress", ECS_SOURCE_IP, NULL, T_IP),
    K("start", "startTime", ECS_EVENT_START, NULL, T_TIME),
    K("suid", "sourceUserId", -1, "source.user.id", T_STR),
    K("suser", "sourceUserName", ECS_SOURCE_USER_NAME, NULL, T_STR),
    K("outcome", "eventOutcome", ECS_EVENT_OUTCOME, NULL, T_LOWER),
    K("slat", "sourceGeoLatitude", -1, NULL, T_FLOAT),
    K("slong", "sourceGeoLongitude", -1, NULL, T_FLOAT),
    K("dlat", "destinationGeoLatitude", -1, NULL, T_FLOAT),
    K("dlong", "destinationGeoLongitude", -1, NULL, T_FLOAT),
    K(NULL, "eventId", ECS_EVENT_ID, NULL, T_INT),
    K(NULL, "externalId", -1, NULL, T_STR),
    K(NULL, "reason", ECS_EVENT_REASON, NULL, T_STR),
    K(NULL, "requestClientApplication", ECS_USER_AGENT_ORIGINAL, NULL, T_STR),
    K(NULL, "requestContext", -1, "http.request.referrer", T_STR),
    K(NULL, "requestMethod", ECS_HTTP_REQUEST_METHOD, NULL, T_STR),
    K(NULL, "requestCookies", -1, NULL, T_STR),
    K(NULL, "sourceServiceName", -1, "source.service.name", T_STR),
    K(NULL, "destinationServiceName", -1, "destination.service.name", T_STR),
    K(NULL, "sourceTranslatedAddress", ECS_SOURCE_NAT_IP, NULL, T_IP),
    K(NULL, "sourceTranslatedPort", ECS_SOURCE_NAT_PORT, NULL, T_INT),
    K(NULL, "destinationTranslatedAddress", ECS_DESTINATION_NAT_IP, NULL, T_IP),
    K(NULL, "destinationTranslatedPort", ECS_DESTINATION_NAT_PORT, NULL, T_INT),
    K(NULL, "deviceDirection", ECS_NETWORK_DIRECTION, NULL, T_DIR),
    K(NULL, "deviceExternalId", -1, "observer.name", T_STR),
    K(NULL, "deviceInboundInterface", ECS_OBSERVER_INGRESS_INTERFACE_NAME, NULL, T_STR),
    K(NULL, "deviceOutboundInterface", ECS_OBSERVER_EGRESS_INTERFACE_NAME, NULL, T_STR),
    K(NULL, "deviceFacility", -1, NULL, T_STR),
    K(NULL, "deviceProcessName", ECS_PROCESS_NAME, NULL, T_STR),
    K(NULL, "destinationDnsDomain", -1, NULL, T_STR),
    K(NULL, "sourceDnsDomain", -1, NULL, T_STR),
    K(NULL, "filePath", -1, "file.path", T_STR),
    K(NULL, "fileHash", -1, NULL, T_STR),
    K(NULL, "oldFileHash", -1, NULL, T_STR),
    K(NULL, "fileType", -1, "file.type", T_STR),
    K(NULL, "fileId", -1, NULL, T_STR),
    K(NULL, "filePermission", -1, NULL, T_STR),
    K(NULL, "fileCreateTime", -1, NULL, T_STR),
    K(NULL, "fileModificationTime", -1, NULL, T_STR),
    K(NULL, "agentHostName", -1, NULL, T_STR),
    K(NULL, "agentAddress", -1, NULL, T_STR),
    K(NULL, "deviceNtDomain", -1, NULL, T_STR),
    K(NULL, "deviceDnsDomain", -1, NULL, T_STR),
    K(NULL, "deviceCustomDate1", -1, NULL, T_STR),
    K(NULL, "deviceCustomDate2", -1, NULL, T_STR),
    K(NULL, "deviceCustomDate1Label", -1, NULL, T_STR),
    K(NULL, "deviceCustomDate2Label", -1, NULL, T_STR),
#define CUSTOM(n)                                                                                  \
    K("cs" #n, "deviceCustomString" #n, -1, NULL, T_STR),                                          \
    K("cs" #n "Label", "deviceCustomString" #n "Label", -1, NULL, T_STR),                           \
    K("cn" #n, "deviceCustomNumber" #n, -1, NULL, T_INT),                                          \
    K("cn" #n "Label", "deviceCustomNumber" #n "Label", -1, NULL, T_STR),                           \
    K("cfp" #n, "deviceCustomFloatingPoint" #n, -1, NULL, T_FLOAT),                                \
    K("cfp" #n "Label", "deviceCustomFloatingPoint" #n "Label", -1, NULL, T_STR),                   \
    K("c6a" #n, "deviceCustomIPv6Address" #n, -1, NULL, T_STR),                                    \
    K("c6a" #n "Label", "deviceCustomIPv6Address" #n "Label", -1, NULL, T_STR)
    CUSTOM(1), CUSTOM(2), CUSTOM(3), CUSTOM(4),
    K("cs5", "deviceCustomString5", -1, NULL, T_STR),
    K("cs5Label", "deviceCustomString5Label", -1, NULL, T_STR),
    K("cs6", "deviceCustomString6", -1, NULL, T_STR),
    K("cs6Label", "deviceCustomString6Label", -1, NULL, T_STR),
#undef CUSTOM
};
#undef K

static int slice_is(const struct cef_text *t, const char *lit)
{
    size_t n = strlen(lit);
    return t->len == n && !memcmp(t->p, lit, n);
}

static const struct cef_key *key_info(const struct cef_text *k)
{
    if (!k->len)
        return NULL;
    char first = k->p[0];
    for (size_t i = 0; i < sizeof cef_keys / sizeof cef_keys[0]; i++) {
        const struct cef_key *e = &cef_keys[i];
        /* first byte first: most keys differ there, and strlen is not free */
        if (e->short_name && e->short_name[0] == first && slice_is(k, e->short_name))
            return e;
        if (e->full_name[0] == first && slice_is(k, e->full_name))
            return e;
    }
    return NULL;
}

static int key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-' || c == '[' || c == ']';
}

/* Copies [s, e) without its escapes into the arena when it has any. */
static int unescape(struct ym_arena *arena, const char *s, const char *e, int ext,
                    struct cef_text *out)
{
    if (!memchr(s, '\\', (size_t)(e - s))) {
        out->p = s;
        out->len = (uint32_t)(e - s);
        return 0;
    }
    char *u = ym_arena_alloc(arena, (size_t)(e - s) + 1);
    if (!u)
        return -1;
    size_t n = 0;
    for (const char *c = s; c < e; c++) {
        if (*c == '\\' && c + 1 < e) {
            c++;
            if (ext && *c == 'n')
                u[n++] = '\n';
            else if (ext && *c == 'r')
                u[n++] = '\r';
            else if (*c == '\\' || *c == '|' || *c == '=')
                u[n++] = *c;
            else {
                u[n++] = '\\';
                u[n++] = *c;
            }
        } else {
            u[n++] = *c;
        }
    }
    out->p = u;
    out->len = (uint32_t)n;
    return 0;
}

/* The extension: "k=v k=v", a value running up to the next " key=". */
static int split_ext(const char *s, const char *end, struct ym_arena *arena, struct cef_event *ev)
{
    ev->ext_count = 0;
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    while (s < end && ev->ext_count < CEF_MAX_EXT) {
        const char *k = s;
        while (s < end && key_char(*s))
            s++;
        if (s == k || s >= end || *s != '=')
            return s == end ? 0 : -1;
        struct cef_pair *pair = &ev->ext[ev->ext_count];
        pair->key.p = k;
        pair->key.len = (uint32_t)(s - k);
        const char *v = ++s, *ve = end, *next = end;
        for (const char *c = v; c < end; c++) {
            if (*c == '\\') {
                c++;
                continue;
            }
            if (*c != ' ')
                continue;
            const char *q = c;
            while (q < end && *q == ' ')
                q++;
            const char *kq = q;
            while (q < end && key_char(*q))
                q++;
            if (q > kq && q < end && *q == '=') {
                ve = c;
                next = kq;
                break;
            }
        }
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\r' || ve[-1] == '\n'))
            ve--;
        if (unescape(arena, v, ve, 1, &pair->value) != 0)
            return -1;
        ev->ext_count++;
        s = next;
    }
    return 0;
}

enum ym_status parse_cef_split(const char *s, size_t len, struct ym_arena *arena,
                               struct cef_event *out)
{
    const char *start = memmem(s, len, "CEF:", 4);
    if (!start)
        return YM_EDECLINED;
    const char *end = s + len;
    struct cef_text *hdr[7] = {&out->version, &out->vendor, &out->product, &out->device_version,
                               &out->class_id, &out->name, &out->severity};
    const char *c = start + 4;
    for (int i = 0; i < 7; i++) {
        const char *fs = c;
        while (c < end && *c != '|') {
            if (*c == '\\' && c + 1 < end)
                c++;
            c++;
        }
        if (c >= end)
            return YM_EPARSE;
        if (unescape(arena, fs, c, 0, hdr[i]) != 0)
            return YM_ENOMEM;
        c++;
    }
    if (split_ext(c, end, arena, out) != 0 && out->ext_count == 0)
        return YM_EPARSE;
    return YM_OK;
}

const struct cef_text *parse_cef_get(const struct cef_event *ev, const char *key)
{
    const struct cef_key *info = NULL;
    struct cef_text k = {key, (uint32_t)strlen(key)};
    info = key_info(&k);
    for (unsigned i = 0; i < ev->ext_count; i++) {
        if (slice_is(&ev->ext[i].key, key))
            return &ev->ext[i].value;
        if (info && key_info(&ev->ext[i].key) == info)
            return &ev->ext[i].value;
    }
    return NULL;
}

const struct cef_text *parse_cef_custom(const struct cef_event *ev, const char *label)
{
    for (unsigned i = 0; i < ev->ext_count; i++) {
        const struct cef_text *k = &ev->ext[i].key;
        if (k->len < 6 || memcmp(k->p + k->len - 5, "Label", 5) || !slice_is(&ev->ext[i].value, label))
            continue;
        for (unsigned j = 0; j < ev->ext_count; j++) {
            const struct cef_text *kj = &ev->ext[j].key;
            if (kj->len == k->len - 5 && !memcmp(kj->p, k->p, kj->len))
                return &ev->ext[j].value;
        }
    }
    return NULL;
}

static void add_lower(struct ym_fields *f, uint16_t id, const char *name, const struct cef_text *v)
{
    char *low = ym_arena_alloc(f->arena, v->len + 1);
    if (!low)
        return;
    for (uint32_t i = 0; i < v->len; i++)
        low[i] = (char)(v->p[i] >= 'A' && v->p[i] <= 'Z' ? v->p[i] + 32 : v->p[i]);
    ym_fields_add(f, id, name, low, v->len);
}

/* Epoch milliseconds, or any form parse_vendor_time reads. */
static int cef_time(const struct parse_ctx *ctx, const struct cef_text *v, int64_t *out_ns)
{
    uint64_t ms;
    if (parse_vendor_u64(v->p, v->len, &ms) == YM_OK && v->len >= 12) {
        if (ms > (uint64_t)(INT64_MAX / 1000000))
            return 0; /* past 2262: not a time we can hold */
        *out_ns = (int64_t)ms * 1000000;
        return 1;
    }
    return parse_vendor_time(v->p, v->len, ctx->timezone, ctx->now_ns, out_ns) == YM_OK;
}

static int severity_number(const struct cef_text *s)
{
    int64_t n;
    if (parse_vendor_i64(s->p, s->len, &n) == YM_OK)
        return n < 0 ? 0 : n > 10 ? 10 : (int)n;
    if (parse_vendor_ieq(s->p, s->len, "low") || parse_vendor_ieq(s->p, s->len, "unknown"))
        return 0;
    if (parse_vendor_ieq(s->p, s->len, "medium"))
        return 5;
    if (parse_vendor_ieq(s->p, s->len, "high"))
        return 8;
    if (parse_vendor_ieq(s->p, s->len, "very-high"))
        return 10;
    return -1;
}

static void add_ecs(struct ym_fields *f, const struct cef_key *info, uint16_t id, const char *name,
                    const struct parse_ctx *ctx, const struct cef_text *v, struct ym_record *rec)
{
    int64_t n, t;
    switch (info->type) {
    case T_STR:
        ym_fields_add(f, id, name, v->p, v->len);
        break;
    case T_INT:
        if (parse_vendor_i64(v->p, v->len, &n) == YM_OK)
            ym_fields_add_int(f, id, name, n);
        break;
    case T_FLOAT:
        break;
    case T_IP:
        if (parse_vendor_ip_family(v->p, v->len))
            ym_fields_add(f, id, name, v->p, v->len);
        break;
    case T_TIME:
        if (cef_time(ctx, v, &t))
            parse_vendor_add_time(f, id, name, t);
        break;
    case T_TS:
        if (cef_time(ctx, v, &t))
            rec->time_ns = t;
        break;
    case T_LOWER:
        add_lower(f, id, name, v);
        break;
    case T_DIR:
        if (slice_is(v, "0"))
            ym_fields_add(f, id, name, "inbound", 7);
        else if (slice_is(v, "1"))
            ym_fields_add(f, id, name, "outbound", 8);
        break;
    }
}

void parse_cef_map(const struct parse_ctx *ctx, const struct cef_event *ev, struct ym_record *rec)
{
    struct ym_fields *f = &rec->fields;
    const char *ver = ev->version.p;
    parse_vendor_add_dyn(f, "cef.version", ver, ev->version.len);
    parse_vendor_add_dyn(f, "cef.device.vendor", ev->vendor.p, ev->vendor.len);
    parse_vendor_add_dyn(f, "cef.device.product", ev->product.p, ev->product.len);
    parse_vendor_add_dyn(f, "cef.device.version", ev->device_version.p, ev->device_version.len);
    parse_vendor_add_dyn(f, "cef.device.event_class_id", ev->class_id.p, ev->class_id.len);
    parse_vendor_add_dyn(f, "cef.name", ev->name.p, ev->name.len);
    parse_vendor_add_dyn(f, "cef.severity", ev->severity.p, ev->severity.len);
    parse_vendor_add(f, ECS_OBSERVER_VENDOR, ev->vendor.p, ev->vendor.len);
    parse_vendor_add(f, ECS_OBSERVER_PRODUCT, ev->product.p, ev->product.len);
    parse_vendor_add_dyn(f, "observer.version", ev->device_version.p, ev->device_version.len);
    parse_vendor_add(f, ECS_EVENT_CODE, ev->class_id.p, ev->class_id.len);
    int sev = severity_number(&ev->severity);
    if (sev >= 0)
        ecs_add_int(f, ECS_EVENT_SEVERITY, sev);

    for (unsigned i = 0; i < ev->ext_count; i++) {
        const struct cef_pair *pair = &ev->ext[i];
        const struct cef_key *info = key_info(&pair->key);
        if (!info) {
            char *name = ym_arena_printf(f->arena, "cef.extensions.%.*s", (int)pair->key.len,
                                         pair->key.p);
            if (name)
                ym_fields_add(f, YM_FIELD_DYNAMIC, name, pair->value.p, pair->value.len);
            continue;
        }
        int64_t n;
        if (info->type == T_INT && parse_vendor_i64(pair->value.p, pair->value.len, &n) == YM_OK)
            ym_fields_add_int(f, YM_FIELD_DYNAMIC, info->field, n);
        else
            ym_fields_add(f, YM_FIELD_DYNAMIC, info->field, pair->value.p, pair->value.len);
        if (!pair->value.len)
            continue;
        if (info->ecs >= 0)
            add_ecs(f, info, (uint16_t)info->ecs, parse_ecs_names[info->ecs], ctx, &pair->value,
                    rec);
        else if (info->ecs_dyn)
            add_ecs(f, info, YM_FIELD_DYNAMIC, info->ecs_dyn, ctx, &pair->value, rec);
        else if (info->type == T_TS)
            add_ecs(f, info, YM_FIELD_DYNAMIC, NULL, ctx, &pair->value, rec);
    }
    if (parse_fireeye_is_vendor(&ev->vendor, &ev->product))
        parse_fireeye_map_cef(ctx, ev, rec);
    else if (parse_nsp_is_vendor(&ev->vendor, &ev->product))
        parse_nsp_map_cef(ctx, ev, rec);
}

static enum ym_status cef_decode(const struct parse_ctx *ctx, const struct parse_syslog_hdr *hdr,
                                 struct ym_record *rec)
{
    struct cef_event ev;
    const char *s = hdr && hdr->msg.p ? hdr->msg.p : rec->raw;
    size_t len = hdr && hdr->msg.p ? hdr->msg.len : rec->raw_len;
    enum ym_status st = parse_cef_split(s, len, rec->fields.arena, &ev);
    if (st == YM_EDECLINED && s != rec->raw)
        st = parse_cef_split(rec->raw, rec->raw_len, rec->fields.arena, &ev);
    if (st == YM_EPARSE) {
        ecs_add(&rec->fields, ECS_ERROR_MESSAGE, "CEF header has fewer than 7 fields", 34);
        return YM_EPARSE;
    }
    if (st != YM_OK)
        return st == YM_ENOMEM ? YM_EPARSE : YM_EDECLINED;
    parse_cef_map(ctx, &ev, rec);
    return YM_OK;
}

static int cef_sniff(const char *msg, size_t len)
{
    return len > 4 && memmem(msg, len < 64 ? len : 64, "CEF:", 4) != NULL;
}

const struct parse_decoder parse_decoder_cef = {
    .kind = "cef",
    .description = "ArcSight Common Event Format (CEF:0)",
    .decode = cef_decode,
    .sniff = cef_sniff,
};
