/* parse_leef: IBM Log Event Extended Format, kind "leef".
 *
 * LEEF 1.0: "LEEF:1.0|Vendor|Product|Version|EventID|k=v<TAB>k=v..."
 * LEEF 2.0: "LEEF:2.0|Vendor|Product|Version|EventID|D|k=vDk=v..." where D
 * is the attribute delimiter as a character ("^") or hex ("0x5E", "x5E");
 * empty or missing means tab. Header fields may escape '|' with '\';
 * attribute values may escape the delimiter, '=' and '\' with '\'.
 * Predefined attributes (src, dst, srcPort, usrName, devTime, ...) map to
 * ECS, every attribute is kept as leef.attributes.<key>; LEEF from FireEye
 * or McAfee NSP also gets those vendors' mappings (parse_cef.h).
 * Values are slices of the raw log; unescaped values, lower-cased values
 * and attribute names live in the arena. No state: any thread may call.
 * Returns YM_OK, YM_EDECLINED (no "LEEF:"), YM_EPARSE (header cut short). */
#include "parse/parse_cef.h"

#include <string.h>

#include "parse/parse_ecs.h"
#include "parse/parse_syslog.h"
#include "parse/parse_vendor.h"

enum leef_type { L_STR, L_INT, L_IP, L_LOWER, L_USER, L_TIME };

static const struct {
    const char *key;
    const char *field; /* ECS name */
    uint8_t type;
} leef_keys[] = {
    {"src", "source.ip", L_IP}, {"dst", "destination.ip", L_IP},
    {"srcPort", "source.port", L_INT}, {"dstPort", "destination.port", L_INT},
    {"srcPreNAT", "source.ip", L_IP}, {"dstPreNAT", "destination.ip", L_IP},
    {"srcPostNAT", "source.nat.ip", L_IP}, {"dstPostNAT", "destination.nat.ip", L_IP},
    {"srcPostNATPort", "source.nat.port", L_INT}, {"dstPostNATPort", "destination.nat.port", L_INT},
    {"srcMAC", "source.mac", L_STR}, {"dstMAC", "destination.mac", L_STR},
    {"srcBytes", "source.bytes", L_INT}, {"dstBytes", "destination.bytes", L_INT},
    {"srcPackets", "source.packets", L_INT}, {"dstPackets", "destination.packets", L_INT},
    {"totalPackets", "network.packets", L_INT}, {"proto", "network.transport", L_LOWER},
    {"usrName", "user.name", L_USER}, {"accountName", "user.name", L_USER},
    {"domain", "user.domain", L_STR}, {"identHostName", "host.hostname", L_STR},
    {"identSrc", "source.ip", L_IP}, {"url", "url.original", L_STR},
    {"policy", "rule.name", L_STR}, {"sev", "event.severity", L_INT},
    {"devTime", "@timestamp", L_TIME}, {"msg", "message", L_STR},
    {"action", "event.action", L_STR}, {"act", "event.action", L_STR},
    {"cat", "leef.category", L_STR}, {"vSrcName", "source.domain", L_STR},
    {"dstHost", "destination.domain", L_STR}, {"srcHost", "source.domain", L_STR},
    {"fileHash", "file.hash.md5", L_STR}, {"sha256", "file.hash.sha256", L_STR},
    {"fname", "file.name", L_STR}, {"userAgent", "user_agent.original", L_STR},
    {"method", "http.request.method", L_STR},
};

static int key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                          : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* "^", "0x5E", "x5E", "\t" or "" -> the delimiter byte; -1 if unreadable. */
static int read_delim(const char *s, size_t n)
{
    if (n == 0)
        return '\t';
    if (n == 1)
        return (unsigned char)s[0];
    if (n == 2 && s[0] == '\\' && s[1] == 't')
        return '\t';
    size_t i = 0;
    if (n >= 3 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        i = 2;
    else if (n >= 2 && (s[0] == 'x' || s[0] == 'X'))
        i = 1;
    else
        return -1;
    int v = 0;
    for (; i < n; i++) {
        int h = hexval(s[i]);
        if (h < 0 || v > 0x0F)
            return -1;
        v = v * 16 + h;
    }
    return v ? v : -1;
}

static int unescape(struct ym_arena *arena, const char *s, const char *e, struct cef_text *out)
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
        if (*c == '\\' && c + 1 < e && !key_char(c[1]) && c[1] != ' ')
            c++;
        u[n++] = *c;
    }
    out->p = u;
    out->len = (uint32_t)n;
    return 0;
}

/* Attributes "k=v<D>k=v": a value runs to the next unescaped delimiter.
 * delim is a byte value (0..255): compare bytes as unsigned, or a delimiter
 * above 0x7F never matches (a fuzzer found the endless loop that made). */
static void split_attrs(const char *s, const char *end, int delim, struct ym_arena *arena,
                        struct cef_event *ev)
{
    ev->ext_count = 0;
    while (s < end && ev->ext_count < CEF_MAX_EXT) {
        while (s < end && ((unsigned char)*s == delim || *s == ' '))
            s++;
        const char *k = s;
        while (s < end && key_char(*s))
            s++;
        if (s == k || s >= end || *s != '=') {
            /* not an attribute: skip to the next delimiter */
            const char *d = memchr(s, delim, (size_t)(end - s));
            if (!d)
                return;
            s = d + 1; /* always forward, even on the delimiter itself */
            continue;
        }
        struct cef_pair *pair = &ev->ext[ev->ext_count];
        pair->key.p = k;
        pair->key.len = (uint32_t)(s - k);
        const char *v = ++s;
        while (s < end && (unsigned char)*s != delim) {
            if (*s == '\\' && s + 1 < end)
                s++;
            s++;
        }
        const char *ve = s < end ? s : end;
        while (ve > v && (ve[-1] == '\r' || ve[-1] == '\n' || (delim != ' ' && ve[-1] == ' ')))
            ve--;
        if (unescape(arena, v, ve, &pair->value) != 0)
            return;
        ev->ext_count++;
    }
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

static void map_attr(const struct parse_ctx *ctx, const struct cef_pair *pair, struct ym_record *rec)
{
    struct ym_fields *f = &rec->fields;
    const struct cef_text *v = &pair->value;
    char *name = ym_arena_printf(f->arena, "leef.attributes.%.*s", (int)pair->key.len, pair->key.p);
    if (name)
        ym_fields_add(f, YM_FIELD_DYNAMIC, name, v->p, v->len);
    if (!v->len)
        return;
    for (size_t i = 0; i < sizeof leef_keys / sizeof leef_keys[0]; i++) {
        if (strlen(leef_keys[i].key) != pair->key.len ||
            memcmp(leef_keys[i].key, pair->key.p, pair->key.len))
            continue;
        const char *fname = leef_keys[i].field;
        uint16_t id = parse_ecs_lookup(fname, strlen(fname));
        const char *nm = id == YM_FIELD_DYNAMIC ? fname : parse_ecs_names[id];
        int64_t n;
        uint64_t ms;
        switch (leef_keys[i].type) {
        case L_STR:
            ym_fields_add(f, id, nm, v->p, v->len);
            break;
        case L_INT:
            if (parse_vendor_i64(v->p, v->len, &n) == YM_OK)
                ym_fields_add_int(f, id, nm, n);
            break;
        case L_IP:
            if (parse_vendor_ip_family(v->p, v->len) && !ym_fields_get_id(f, id))
                ym_fields_add(f, id, nm, v->p, v->len);
            break;
        case L_LOWER:
            add_lower(f, id, nm, v);
            break;
        case L_USER:
            if (!ym_fields_get_id(f, id)) {
                parse_vendor_add_user(f, ECS_USER_NAME, "user.domain", v->p, v->len);
                parse_vendor_add_user(f, ECS_SOURCE_USER_NAME, NULL, v->p, v->len);
            }
            break;
        case L_TIME:
            if (parse_vendor_u64(v->p, v->len, &ms) == YM_OK && v->len >= 12)
                rec->time_ns = ms <= (uint64_t)(INT64_MAX / 1000000) ? (int64_t)ms * 1000000 : 0;
            else if (parse_vendor_time(v->p, v->len, ctx->timezone, ctx->now_ns, &n) == YM_OK)
                rec->time_ns = n;
            break;
        }
        return;
    }
}

static enum ym_status leef_decode(const struct parse_ctx *ctx, const struct parse_syslog_hdr *hdr,
                                  struct ym_record *rec)
{
    (void)hdr;
    const char *start = memmem(rec->raw, rec->raw_len, "LEEF:", 5);
    if (!start)
        return YM_EDECLINED;
    const char *end = rec->raw + rec->raw_len;
    struct ym_fields *f = &rec->fields;
    struct cef_event ev;
    memset(&ev, 0, offsetof(struct cef_event, ext));
    struct cef_text *hdrs[5] = {&ev.version, &ev.vendor, &ev.product, &ev.device_version,
                                &ev.class_id};
    const char *c = start + 5;
    for (int i = 0; i < 5; i++) {
        const char *fs = c;
        while (c < end && *c != '|') {
            if (*c == '\\' && c + 1 < end)
                c++;
            c++;
        }
        if (c >= end) {
            ecs_add(f, ECS_ERROR_MESSAGE, "LEEF header has fewer than 5 fields", 35);
            return YM_EPARSE;
        }
        if (unescape(f->arena, fs, c, hdrs[i]) != 0)
            return YM_EPARSE;
        c++;
    }
    int delim = '\t';
    if (ev.version.len >= 1 && ev.version.p[0] == '2') {
        /* The delimiter field: present when the text up to the next '|'
         * holds no '=' (an attribute would). */
        const char *bar = memchr(c, '|', (size_t)(end - c));
        if (bar && !memchr(c, '=', (size_t)(bar - c))) {
            int d = read_delim(c, (size_t)(bar - c));
            if (d < 0) {
                ecs_add(f, ECS_ERROR_MESSAGE, "LEEF 2.0 delimiter unreadable", 29);
                return YM_EPARSE;
            }
            delim = d;
            c = bar + 1;
        }
    }
    split_attrs(c, end, delim, f->arena, &ev);

    parse_vendor_add_dyn(f, "leef.version", ev.version.p, ev.version.len);
    parse_vendor_add_dyn(f, "leef.device.vendor", ev.vendor.p, ev.vendor.len);
    parse_vendor_add_dyn(f, "leef.device.product", ev.product.p, ev.product.len);
    parse_vendor_add_dyn(f, "leef.device.version", ev.device_version.p, ev.device_version.len);
    parse_vendor_add_dyn(f, "leef.event_id", ev.class_id.p, ev.class_id.len);
    parse_vendor_add(f, ECS_OBSERVER_VENDOR, ev.vendor.p, ev.vendor.len);
    parse_vendor_add(f, ECS_OBSERVER_PRODUCT, ev.product.p, ev.product.len);
    parse_vendor_add_dyn(f, "observer.version", ev.device_version.p, ev.device_version.len);
    parse_vendor_add(f, ECS_EVENT_CODE, ev.class_id.p, ev.class_id.len);
    for (unsigned i = 0; i < ev.ext_count; i++)
        map_attr(ctx, &ev.ext[i], rec);
    /* Vendor mappings read the event name and severity from the header. */
    ev.name = ev.class_id;
    const struct cef_text *sev = parse_cef_get(&ev, "sev");
    if (sev)
        ev.severity = *sev;
    if (parse_fireeye_is_vendor(&ev.vendor, &ev.product))
        parse_fireeye_map_cef(ctx, &ev, rec);
    else if (parse_nsp_is_vendor(&ev.vendor, &ev.product))
        parse_nsp_map_cef(ctx, &ev, rec);
    return YM_OK;
}

static int leef_sniff(const char *msg, size_t len)
{
    return len > 5 && memmem(msg, len < 64 ? len : 64, "LEEF:", 5) != NULL;
}

const struct parse_decoder parse_decoder_leef = {
    .kind = "leef",
    .description = "IBM Log Event Extended Format (LEEF 1.0/2.0)",
    .decode = leef_decode,
    .sniff = leef_sniff,
};
