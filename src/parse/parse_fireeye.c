/* parse_fireeye: FireEye (Trellix) NX / EX / CM alerts, kind "fireeye".
 *
 * Reads, after any syslog header:
 *  - NX JSON over syslog: {"rawmsg":"<Suricata-style eve JSON>", "deviceid":..,
 *    "meta_sip4":..} (flow, tls, http, fileinfo, dns, alert records), mapped
 *    like Elastic's fireeye.nx pipeline;
 *  - the JSON alert notification {"alert":{"name":"malware-callback",
 *    "severity":"majr","src":{..},"dst":{..},"explanation":{"malware-detected":..,
 *    "cnc-services":..}},"product":"Web MPS","appliance":..} (NX, and EX with
 *    smtp sender/recipient);
 *  - CEF and LEEF alerts (the generic mapping by parse_cef / parse_leef plus
 *    parse_fireeye_map_cef for the FireEye custom fields: sname, cncHost, ...).
 * JSON is read with jansson (temporary, freed before returning); every
 * value kept is copied into the fields' arena. No state: any thread may
 * call. Returns YM_OK, YM_EDECLINED (none of the forms), YM_EPARSE (JSON
 * that does not parse, or rawmsg that is not JSON). */
#include "parse/parse_cef.h"

#include <jansson.h>
#include <string.h>

#include "parse/parse_ecs.h"
#include "parse/parse_syslog.h"
#include "parse/parse_vendor.h"

/* --- small jansson helpers ------------------------------------------------- */

/* obj["a"]["b"]["c"] for path "a.b.c"; NULL when absent. */
static json_t *jget(json_t *obj, const char *path)
{
    char key[64];
    while (obj && *path) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        if (n >= sizeof key)
            return NULL;
        memcpy(key, path, n);
        key[n] = 0;
        obj = json_is_object(obj) ? json_object_get(obj, key) : NULL;
        path += n + (dot ? 1 : 0);
    }
    return obj;
}

enum jconv { J_STR, J_INT, J_NUMSTR, J_LOWER, J_ANY, J_IP };

/* Adds the JSON value at path under name (id looked up), converted. */
static void jadd(struct ym_fields *f, json_t *root, const char *path, const char *name,
                 enum jconv conv)
{
    json_t *v = jget(root, path);
    if (!v || json_is_null(v))
        return;
    uint16_t id = parse_ecs_lookup(name, strlen(name));
    const char *nm = id == YM_FIELD_DYNAMIC ? name : parse_ecs_names[id];
    char buf[32];
    if (conv == J_ANY && (json_is_array(v) || json_is_object(v))) {
        char *text = json_dumps(v, JSON_COMPACT);
        if (text) {
            struct ym_field *e = ym_fields_add_copy(f, id, nm, text, strlen(text));
            if (e)
                e->type = YM_FT_JSON;
            free(text);
        }
        return;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t n = json_string_length(v);
        if (!n)
            return;
        if (conv == J_INT) {
            int64_t x;
            if (parse_vendor_i64(s, n, &x) == YM_OK)
                ym_fields_add_int(f, id, nm, x);
            return;
        }
        if (conv == J_IP && !parse_vendor_ip_family(s, n))
            return;
        struct ym_field *e = ym_fields_add_copy(f, id, nm, s, n);
        if (e && conv == J_LOWER)
            for (uint32_t i = 0; i < e->len; i++)
                if (e->str[i] >= 'A' && e->str[i] <= 'Z')
                    ((char *)e->str)[i] = (char)(e->str[i] + 32);
        return;
    }
    if (json_is_integer(v)) {
        if (conv == J_NUMSTR || conv == J_STR) {
            int n = snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
            ym_fields_add_copy(f, id, nm, buf, (size_t)n);
        } else {
            ym_fields_add_int(f, id, nm, json_integer_value(v));
        }
    } else if (json_is_real(v)) {
        ym_fields_add_float(f, id, nm, json_real_value(v));
    } else if (json_is_boolean(v)) {
        ym_fields_add_bool(f, id, nm, json_is_true(v));
    }
}

static int jtime(const struct parse_ctx *ctx, json_t *root, const char *path, int64_t *out_ns)
{
    json_t *v = jget(root, path);
    if (!json_is_string(v))
        return 0;
    return parse_vendor_time(json_string_value(v), json_string_length(v), ctx->timezone,
                             ctx->now_ns, out_ns) == YM_OK;
}

/* product may be JSON text about to be freed: always copied. */
static void add_vendor(struct ym_fields *f, const char *product)
{
    ecs_add(f, ECS_OBSERVER_VENDOR, "Fireeye", 7);
    ym_fields_add_copy(f, ECS_OBSERVER_PRODUCT, parse_ecs_name(ECS_OBSERVER_PRODUCT), product,
                       strlen(product));
}

/* --- NX eve records ---------------------------------------------------------- */

static const struct { const char *path, *name; enum jconv conv; } eve_map[] = {
    {"src_ip", "source.ip", J_STR}, {"src_ip", "source.address", J_STR},
    {"src_port", "source.port", J_INT}, {"dest_ip", "destination.ip", J_STR},
    {"dest_ip", "destination.address", J_STR}, {"dest_port", "destination.port", J_INT},
    {"proto", "network.transport", J_LOWER}, {"flow_id", "fireeye.nx.flow_id", J_INT},
    {"iface", "interface.name", J_STR}, {"in_iface", "interface.name", J_STR},
    {"flow.pkts_toserver", "source.packets", J_INT},
    {"flow.bytes_toserver", "source.bytes", J_INT},
    {"flow.pkts_toclient", "destination.packets", J_INT},
    {"flow.bytes_toclient", "destination.bytes", J_INT},
    {"flow.start", "fireeye.nx.flow.starttime", J_STR},
    {"flow.end", "fireeye.nx.flow.endtime", J_STR}, {"flow.age", "fireeye.nx.flow.age", J_INT},
    {"flow.state", "fireeye.nx.flow.state", J_STR},
    {"flow.reason", "fireeye.nx.flow.reason", J_STR},
    {"flow.alerted", "fireeye.nx.flow.alerted", J_ANY},
    {"tcp.tcp_flags", "fireeye.nx.tcp.tcp_flags", J_STR},
    {"tcp.state", "fireeye.nx.tcp.state", J_STR},
    {"tls.subject", "tls.client.subject", J_STR}, {"tls.issuerdn", "tls.client.issuer", J_STR},
    {"tls.ja3.hash", "tls.client.ja3", J_STR}, {"tls.ja3.string", "tls.client.ja3_string", J_STR},
    {"tls.ja3s.hash", "tls.server.ja3s", J_STR},
    {"tls.ja3s.string", "tls.server.ja3s_string", J_STR},
    {"tls.fingerprint", "tls.client.fingerprint", J_STR},
    {"tls.sni", "tls.client.server_name", J_STR}, {"tls.version", "tls.version", J_STR},
    {"tls.notbefore", "tls.client.not_before", J_STR},
    {"tls.notafter", "tls.client.not_after", J_STR},
    {"tls.client_ciphersuites", "tls.client.ciphersuites", J_ANY},
    {"tls.client_tls_exts", "tls.client.tls_exts", J_ANY},
    {"tls.server_ciphersuite", "tls.server.ciphersuite", J_INT},
    {"tls.server_tls_exts", "tls.server.tls_exts", J_ANY},
    {"tls.pubkeylength", "tls.public_keylength", J_INT},
    {"http.hostname", "url.domain", J_STR}, {"http.url", "url.path", J_STR},
    {"http.http_user_agent", "user_agent.original", J_STR},
    {"http.http_refer", "http.request.referrer", J_STR},
    {"http.http_method", "http.request.method", J_STR}, {"http.protocol", "http.version", J_STR},
    {"http.length", "http.response.bytes", J_INT},
    {"http.status", "http.response.status_code", J_INT},
    {"fileinfo.filename", "fireeye.nx.fileinfo.filename", J_STR},
    {"fileinfo.magic", "fireeye.nx.fileinfo.magic", J_STR},
    {"fileinfo.md5", "fireeye.nx.fileinfo.md5", J_STR},
    {"fileinfo.size", "fireeye.nx.fileinfo.size", J_INT},
    {"fileinfo.state", "fireeye.nx.fileinfo.state", J_STR},
    {"fileinfo.stored", "fireeye.nx.fileinfo.stored", J_ANY},
    {"dns.id", "dns.id", J_NUMSTR}, {"dns.rrname", "dns.question.name", J_STR},
    {"dns.rrtype", "dns.question.type", J_STR}, {"dns.type", "dns.type", J_STR},
    {"alert.signature", "rule.name", J_STR}, {"alert.signature_id", "rule.id", J_NUMSTR},
    {"alert.category", "rule.category", J_STR}, {"alert.severity", "event.severity", J_INT},
    {"alert.action", "event.action", J_STR},
};

static void map_eve(const struct parse_ctx *ctx, json_t *eve, json_t *outer, struct ym_record *rec)
{
    struct ym_fields *f = &rec->fields;
    add_vendor(f, "NX");
    int64_t t;
    if (jtime(ctx, eve, "timestamp", &t))
        rec->time_ns = t;
    for (size_t i = 0; i < sizeof eve_map / sizeof eve_map[0]; i++)
        jadd(f, eve, eve_map[i].path, eve_map[i].name, eve_map[i].conv);
    json_t *app = jget(eve, "app_proto");
    if (json_is_string(app) && strcmp(json_string_value(app), "tls"))
        jadd(f, eve, "app_proto", "network.protocol", J_LOWER);
    json_t *num = jget(eve, "proto_number");
    if (num)
        jadd(f, eve, "proto_number", "network.iana_number", J_NUMSTR);
    else if (json_is_string(jget(eve, "proto"))) {
        const char *p = json_string_value(jget(eve, "proto"));
        const char *iana = !strcasecmp(p, "tcp") ? "6" : !strcasecmp(p, "udp") ? "17"
                           : !strcasecmp(p, "icmp") ? "1" : NULL;
        if (iana)
            ecs_add(f, ECS_NETWORK_IANA_NUMBER, iana, strlen(iana));
    }
    json_t *type = jget(eve, "event_type");
    const char *et = json_is_string(type) ? json_string_value(type) : "";
    if (*et)
        ym_fields_add_copy(f, YM_FIELD_DYNAMIC, "fireeye.nx.event_type", et, strlen(et));
    if (!strcmp(et, "alert")) {
        ecs_add(f, ECS_EVENT_KIND, "alert", 5);
        ecs_add_array(f, ECS_EVENT_CATEGORY, "intrusion_detection", 19);
    } else if (!strcmp(et, "fileinfo")) {
        ecs_add_array(f, ECS_EVENT_CATEGORY, "file", 4);
    }
    ecs_add_array(f, ECS_EVENT_CATEGORY, "network", 7);
    json_t *act = jget(eve, "alert.action");
    if (!strcmp(et, "alert") && json_is_string(act))
        ecs_add_array(f, ECS_EVENT_TYPE, strcmp(json_string_value(act), "blocked") ? "allowed" : "denied",
                      strcmp(json_string_value(act), "blocked") ? 7 : 6);
    else
        ecs_add_array(f, ECS_EVENT_TYPE, "info", 4);
    jadd(f, outer, "deviceid", "observer.serial_number", J_NUMSTR);
    jadd(f, outer, "meta_cbname", "observer.hostname", J_STR);
    jadd(f, outer, "meta_sip4", "observer.ip", J_STR);
}

/* --- JSON alert notifications (NX / EX / CM) -------------------------------- */

static int severity_number(const char *s)
{
    if (!strcasecmp(s, "crit") || !strcasecmp(s, "critical"))
        return 9;
    if (!strcasecmp(s, "majr") || !strcasecmp(s, "major") || !strcasecmp(s, "high"))
        return 7;
    if (!strcasecmp(s, "minr") || !strcasecmp(s, "minor") || !strcasecmp(s, "medium"))
        return 5;
    if (!strcasecmp(s, "low"))
        return 3;
    return -1;
}

static void map_cnc(struct ym_fields *f, json_t *cnc)
{
    jadd(f, cnc, "address", "fireeye.cnc.host", J_STR);
    jadd(f, cnc, "address", "threat.indicator.domain", J_STR);
    jadd(f, cnc, "port", "fireeye.cnc.port", J_INT);
    jadd(f, cnc, "protocol", "fireeye.cnc.protocol", J_STR);
    jadd(f, cnc, "channel", "fireeye.cnc.channel", J_STR);
}

static void map_alert(const struct parse_ctx *ctx, json_t *root, struct ym_record *rec)
{
    struct ym_fields *f = &rec->fields;
    json_t *a = jget(root, "alert");
    json_t *product = jget(root, "product");
    add_vendor(f, json_is_string(product) ? json_string_value(product) : "NX");
    jadd(f, root, "appliance", "observer.hostname", J_STR);
    jadd(f, root, "appliance-id", "observer.serial_number", J_NUMSTR);
    jadd(f, root, "version", "observer.version", J_STR);
    ecs_add(f, ECS_EVENT_KIND, "alert", 5);
    ecs_add_array(f, ECS_EVENT_CATEGORY, "malware", 7);
    ecs_add_array(f, ECS_EVENT_CATEGORY, "intrusion_detection", 19);
    ecs_add_array(f, ECS_EVENT_CATEGORY, "network", 7);
    int64_t t;
    if (jtime(ctx, a, "occurred", &t))
        rec->time_ns = t;
    jadd(f, a, "id", "event.id", J_NUMSTR);
    jadd(f, a, "name", "event.action", J_STR);
    jadd(f, a, "name", "fireeye.alert.type", J_STR);
    jadd(f, a, "action", "fireeye.alert.action", J_STR);
    jadd(f, a, "alert-url", "event.url", J_STR);
    json_t *sev = jget(a, "severity");
    if (json_is_string(sev)) {
        jadd(f, a, "severity", "log.level", J_STR);
        int n = severity_number(json_string_value(sev));
        if (n > 0)
            ecs_add_int(f, ECS_EVENT_SEVERITY, n);
    }
    json_t *act = jget(a, "action");
    if (json_is_string(act))
        ecs_add_array(f, ECS_EVENT_TYPE, strstr(json_string_value(act), "block") ? "denied" : "allowed",
                      strstr(json_string_value(act), "block") ? 6 : 7);
    jadd(f, a, "src.ip", "source.ip", J_IP);
    jadd(f, a, "src.port", "source.port", J_INT);
    jadd(f, a, "src.mac", "source.mac", J_STR);
    jadd(f, a, "src.host", "source.domain", J_STR);
    jadd(f, a, "src.smtp-mail-from", "email.from.address", J_STR);
    jadd(f, a, "dst.ip", "destination.ip", J_IP);
    jadd(f, a, "dst.port", "destination.port", J_INT);
    jadd(f, a, "dst.mac", "destination.mac", J_STR);
    jadd(f, a, "dst.smtp-to", "email.to.address", J_STR);
    jadd(f, a, "smtp-message.subject", "email.subject", J_STR);
    jadd(f, a, "smtp-message.id", "email.message_id", J_STR);
    json_t *mal = jget(a, "explanation.malware-detected.malware");
    if (json_is_array(mal))
        mal = json_array_get(mal, 0);
    if (mal) {
        jadd(f, mal, "name", "rule.name", J_STR);
        jadd(f, mal, "name", "fireeye.malware.name", J_STR);
        jadd(f, mal, "md5sum", "file.hash.md5", J_STR);
        jadd(f, mal, "sha256", "file.hash.sha256", J_STR);
        jadd(f, mal, "original", "file.name", J_STR);
        jadd(f, mal, "url", "url.original", J_STR);
        jadd(f, mal, "stype", "fireeye.malware.stype", J_STR);
    }
    json_t *cnc = jget(a, "explanation.cnc-services.cnc-service");
    if (json_is_array(cnc))
        cnc = json_array_get(cnc, 0);
    if (cnc)
        map_cnc(f, cnc);
}

/* --- CEF / LEEF --------------------------------------------------------------- */

int parse_fireeye_is_vendor(const struct cef_text *vendor, const struct cef_text *product)
{
    (void)product;
    return vendor->len == 7 && !strncasecmp(vendor->p, "FireEye", 7);
}

static void add_text(struct ym_fields *f, const char *name, const struct cef_text *t)
{
    if (!t || !t->len)
        return;
    uint16_t id = parse_ecs_lookup(name, strlen(name));
    ym_fields_add(f, id, id == YM_FIELD_DYNAMIC ? name : parse_ecs_names[id], t->p, t->len);
}

void parse_fireeye_map_cef(const struct parse_ctx *ctx, const struct cef_event *ev,
                           struct ym_record *rec)
{
    struct ym_fields *f = &rec->fields;
    (void)ctx;
    ym_fields_del(f, "observer.vendor");
    ecs_add(f, ECS_OBSERVER_VENDOR, "Fireeye", 7);
    ecs_add(f, ECS_EVENT_KIND, "alert", 5);
    ecs_add_array(f, ECS_EVENT_CATEGORY, "intrusion_detection", 19);
    ecs_add_array(f, ECS_EVENT_CATEGORY, "network", 7);
    add_text(f, "fireeye.alert.type", &ev->name);
    const struct cef_text *sname = parse_cef_custom(ev, "sname");
    if (!sname)
        sname = parse_cef_get(ev, "sname");
    add_text(f, "rule.name", sname);
    add_text(f, "fireeye.malware.name", sname);
    const struct cef_text *cnc = parse_cef_get(ev, "cncHost");
    if (!cnc)
        cnc = parse_cef_custom(ev, "cncHost");
    /* A callback's destination is the command-and-control host. */
    if (!cnc && memmem(ev->name.p, ev->name.len, "callback", 8))
        cnc = parse_cef_get(ev, "dhost");
    add_text(f, "fireeye.cnc.host", cnc);
    add_text(f, "threat.indicator.domain", cnc);
    add_text(f, "fireeye.cnc.port", parse_cef_custom(ev, "cncPort"));
    add_text(f, "fireeye.cnc.port", parse_cef_get(ev, "cncPort"));
    add_text(f, "file.hash.md5", parse_cef_get(ev, "fileHash"));
    add_text(f, "file.hash.md5", parse_cef_get(ev, "md5sum"));
    add_text(f, "event.url", parse_cef_custom(ev, "link"));
    add_text(f, "event.url", parse_cef_get(ev, "link"));
    add_text(f, "fireeye.anomaly", parse_cef_custom(ev, "anomaly"));
    /* EX: mail sender and recipients */
    const char *p = ev->product.p;
    if (ev->product.len >= 2 && (!strncasecmp(p, "EX", 2) || !strncasecmp(p, "eMPS", 4))) {
        add_text(f, "email.from.address", parse_cef_get(ev, "suser"));
        add_text(f, "email.to.address", parse_cef_get(ev, "duser"));
        add_text(f, "email.subject", parse_cef_custom(ev, "subject"));
    }
    const struct cef_text *act = parse_cef_get(ev, "act");
    if (act && act->len)
        ecs_add_array(f, ECS_EVENT_TYPE, memmem(act->p, act->len, "block", 5) ? "denied" : "allowed",
                      memmem(act->p, act->len, "block", 5) ? 6 : 7);
}

/* --- decoder ------------------------------------------------------------------ */

static enum ym_status fireeye_decode(const struct parse_ctx *ctx,
                                     const struct parse_syslog_hdr *hdr, struct ym_record *rec)
{
    const char *s = rec->raw, *end = rec->raw + rec->raw_len;
    const char *brace = memchr(s, '{', rec->raw_len);
    const char *cef = memmem(s, rec->raw_len < 512 ? rec->raw_len : 512, "CEF:", 4);
    const char *leef = memmem(s, rec->raw_len < 512 ? rec->raw_len : 512, "LEEF:", 5);
    (void)hdr;
    if (cef && (!brace || cef < brace)) {
        struct cef_event ev;
        if (parse_cef_split(cef, (size_t)(end - cef), rec->fields.arena, &ev) != YM_OK)
            return YM_EDECLINED;
        parse_cef_map(ctx, &ev, rec);
        if (!parse_fireeye_is_vendor(&ev.vendor, &ev.product))
            parse_fireeye_map_cef(ctx, &ev, rec);
        return YM_OK;
    }
    if (leef && (!brace || leef < brace))
        return parse_decoder_leef.decode(ctx, hdr, rec);
    if (!brace)
        return YM_EDECLINED;
    json_error_t err;
    json_t *root = json_loadb(brace, (size_t)(end - brace), JSON_DISABLE_EOF_CHECK, &err);
    if (!json_is_object(root)) {
        json_decref(root);
        ecs_add(&rec->fields, ECS_ERROR_MESSAGE, "FireEye JSON does not parse", 27);
        return YM_EPARSE;
    }
    enum ym_status st = YM_OK;
    json_t *raw = json_object_get(root, "rawmsg");
    if (json_is_string(raw)) {
        json_t *eve = json_loadb(json_string_value(raw), json_string_length(raw), 0, &err);
        if (json_is_object(eve)) {
            map_eve(ctx, eve, root, rec);
        } else {
            add_vendor(&rec->fields, "NX");
            ecs_add(&rec->fields, ECS_ERROR_MESSAGE, "FireEye rawmsg is not JSON", 26);
            st = YM_EPARSE;
        }
        json_decref(eve);
    } else if (json_is_object(json_object_get(root, "alert"))) {
        map_alert(ctx, root, rec);
    } else {
        st = YM_EDECLINED;
    }
    json_decref(root);
    return st;
}

static int fireeye_sniff(const char *msg, size_t len)
{
    size_t n = len < 256 ? len : 256;
    return memmem(msg, n, "{\"rawmsg\":", 10) != NULL || memmem(msg, n, "|FireEye|", 9) != NULL ||
           (memmem(msg, n, "\"alert\"", 7) && memmem(msg, len, "\"appliance\"", 11));
}

const struct parse_decoder parse_decoder_fireeye = {
    .kind = "fireeye",
    .description = "FireEye NX/EX/CM alerts (JSON, CEF, LEEF)",
    .decode = fireeye_decode,
    .sniff = fireeye_sniff,
};
