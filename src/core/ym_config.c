/* ym_config: loader of yamori.yaml (libyaml document API).
 *
 * The file is loaded as one YAML document and walked key by key against the
 * tables below; every scalar is checked (ranges, names, addresses) and the
 * first problem is reported with the line it is on. Nothing is half-applied:
 * the struct is built aside and handed out only when the whole file is good. */
#include "core/ym_config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/ym_alloc.h"
#include "core/ym_device.h"
#include "core/ym_time.h"

static const char *const known_kinds[] = {"asa",  "ftd", "panos", "nsp",    "fireeye",
                                          "cef",  "leef", "json", "syslog", "auto", NULL};

/* ---- defaults ---- */

static void listen_set(struct ym_listen *l, int enabled, const char *host, const char *port)
{
    l->enabled = enabled;
    snprintf(l->host, sizeof l->host, "%s", host);
    snprintf(l->port, sizeof l->port, "%s", port);
}

struct ym_config *ym_config_default(void)
{
    struct ym_config *cfg = ym_xcalloc(1, sizeof *cfg);
    cfg->data_dir = ym_xstrdup("./var");
    listen_set(&cfg->syslog, 1, "127.0.0.1", "5514");
    listen_set(&cfg->relp, 1, "127.0.0.1", "2514");
    listen_set(&cfg->tls, 0, "127.0.0.1", "6514");
    listen_set(&cfg->http, 1, "127.0.0.1", "8443");
    cfg->tls_config.verify_clients = 0;
    cfg->retention_days = 90;
    cfg->udp_rcvbuf_bytes = 8 << 20;
    cfg->workers = 0;
    cfg->queue_batches = 32;
    cfg->flush_ms = 20;
    cfg->notify.starttls = YM_STARTTLS_REQUIRED;
    cfg->notify.from = ym_xstrdup("yamori@localhost");
    cfg->notify.retry_attempts = 5;
    cfg->notify.retry_first_delay_ms = 10000;
    cfg->notify.retry_max_delay_ms = 600000;
    cfg->portal.https = 1;
    cfg->portal.session_idle_minutes = 30;
    cfg->portal.session_max_hours = 12;
    return cfg;
}

/* Emergency and critical at once, the rest in the monthly report. */
static void tenant_notify_defaults(struct ym_tenant_config *t)
{
    t->notify_mode[0] = YM_NOTIFY_IMMEDIATE;
    t->notify_mode[1] = YM_NOTIFY_IMMEDIATE;
    t->notify_mode[2] = YM_NOTIFY_REPORT;
    t->notify_mode[3] = YM_NOTIFY_REPORT;
    t->digest_interval_minutes = 60;
}

static const char *const severity_names[YM_SEVERITY_COUNT] = {"emergency", "critical", "warning",
                                                              "informational"};

int ym_config_severity_index(const char *name)
{
    for (int i = 0; name && i < YM_SEVERITY_COUNT; i++)
        if (!strcmp(name, severity_names[i]))
            return i;
    return -1;
}

const char *ym_config_severity_name(int index)
{
    return index >= 0 && index < YM_SEVERITY_COUNT ? severity_names[index] : "?";
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void ym_config_free(struct ym_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->path);
    free(cfg->data_dir);
    free(cfg->tls_config.cert_file);
    free(cfg->tls_config.key_file);
    free(cfg->tls_config.ca_file);
    for (size_t i = 0; i < cfg->tenant_count; i++) {
        struct ym_tenant_config *t = &cfg->tenants[i];
        free(t->name);
        free(t->display_name);
        free(t->language);
        free(t->timezone);
        for (size_t c = 0; c < t->contact_count; c++) {
            free(t->contacts[c].email);
            free(t->contacts[c].webhook_url);
        }
        free(t->contacts);
    }
    free(cfg->notify.smtp_url);
    free(cfg->notify.username);
    free(cfg->notify.password);
    free(cfg->notify.from);
    free(cfg->notify.ca_file);
    free(cfg->notify.portal_url);
    free(cfg->tenants);
    for (size_t i = 0; i < cfg->device_count; i++) {
        struct ym_device_config *d = &cfg->devices[i];
        free(d->name);
        free(d->tenant);
        free(d->kind);
        free(d->timezone);
        free_strv(d->addresses, d->address_count);
        free_strv(d->hostnames, d->hostname_count);
    }
    free(cfg->devices);
    free_strv(cfg->rules.paths, cfg->rules.path_count);
    free(cfg->rules.logsources);
    free(cfg->rules.placeholders);
    free(cfg->rules.triage_policy);
    for (size_t i = 0; i < cfg->rules.threat_intel_count; i++) {
        struct ym_ti_list_config *l = &cfg->rules.threat_intel[i];
        free(l->name);
        free(l->path);
        free(l->tenant);
        free(l->format);
    }
    free(cfg->rules.threat_intel);
    free(cfg->portal.cert_file);
    free(cfg->portal.key_file);
    free(cfg->portal.web_dir);
    free(cfg);
}

void ym_config_set_data_dir(struct ym_config *cfg, const char *dir)
{
    free(cfg->data_dir);
    cfg->data_dir = ym_xstrdup(dir);
}

/* ---- small checks shared with the command line ---- */

static int port_ok(const char *p)
{
    size_t n = strlen(p);
    if (n == 0 || n > 5)
        return 0;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)p[i]))
            return 0;
        v = v * 10 + (p[i] - '0');
    }
    return v >= 1 && v <= 65535;
}

enum ym_status ym_config_parse_listen(const char *arg, struct ym_listen *l)
{
    if (!arg || !*arg)
        return YM_EINVAL;
    if (!strcmp(arg, "off") || !strcmp(arg, "false") || !strcmp(arg, "no")) {
        l->enabled = 0;
        return YM_OK;
    }
    char host[256];
    const char *port;
    if (arg[0] == '[') {
        const char *close = strchr(arg, ']');
        if (!close || close[1] != ':' || (size_t)(close - arg - 1) >= sizeof host || close == arg + 1)
            return YM_EINVAL;
        memcpy(host, arg + 1, (size_t)(close - arg - 1));
        host[close - arg - 1] = '\0';
        port = close + 2;
    } else {
        const char *colon = strrchr(arg, ':');
        if (!colon) {
            /* "PORT": keep the host already set (loopback by default). */
            snprintf(host, sizeof host, "%s", l->host[0] ? l->host : "127.0.0.1");
            port = arg;
        } else {
            size_t hl = (size_t)(colon - arg);
            if (memchr(arg, ':', hl))
                return YM_EINVAL; /* bare IPv6 needs brackets */
            if (hl >= sizeof host)
                return YM_EINVAL;
            if (hl == 0) {
                snprintf(host, sizeof host, "0.0.0.0"); /* ":PORT" = every address */
            } else {
                memcpy(host, arg, hl);
                host[hl] = '\0';
            }
            port = colon + 1;
        }
    }
    if (!port_ok(port))
        return YM_EINVAL;
    for (const char *h = host; *h; h++)
        if (isspace((unsigned char)*h) || *h == '/')
            return YM_EINVAL;
    snprintf(l->host, sizeof l->host, "%s", host);
    snprintf(l->port, sizeof l->port, "%s", port);
    l->enabled = 1;
    return YM_OK;
}

int ym_config_tenant_name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 64)
        return 0;
    if (!(islower((unsigned char)name[0]) || isdigit((unsigned char)name[0])))
        return 0;
    for (size_t i = 1; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!(islower(c) || isdigit(c) || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

const struct ym_tenant_config *ym_config_tenant(const struct ym_config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->tenant_count; i++)
        if (!strcmp(cfg->tenants[i].name, name))
            return &cfg->tenants[i];
    return NULL;
}

/* "192.0.2.1", "2001:db8::1", "198.51.100.0/24", "2001:db8::/32". */
static int address_ok(const char *s)
{
    char ip[64];
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    if (n == 0 || n >= sizeof ip)
        return 0;
    memcpy(ip, s, n);
    ip[n] = '\0';
    unsigned char buf[16];
    int max_bits;
    if (inet_pton(AF_INET, ip, buf) == 1)
        max_bits = 32;
    else if (inet_pton(AF_INET6, ip, buf) == 1)
        max_bits = 128;
    else
        return 0;
    if (!slash)
        return 1;
    const char *p = slash + 1;
    if (!*p || strlen(p) > 3)
        return 0;
    int bits = 0;
    for (; *p; p++) {
        if (!isdigit((unsigned char)*p))
            return 0;
        bits = bits * 10 + (*p - '0');
    }
    return bits <= max_bits;
}

/* Device names become part of archive rows and listings: printable, no
 * spaces or slashes, 1..128 bytes. */
static int device_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 128)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c == 0x7f || c == '/' || c == '\\')
            return 0;
    }
    return 1;
}

/* ---- the YAML walk ---- */

struct loader {
    yaml_document_t doc;
    const char *file;
    struct ym_error *err;
    struct ym_config *cfg;
    int tls_listen_off; /* listen.tls: off given explicitly */
};

static int line_of(const yaml_node_t *n) { return (int)n->start_mark.line + 1; }

__attribute__((format(printf, 3, 4))) static enum ym_status fail(struct loader *ld,
                                                                  const yaml_node_t *n,
                                                                  const char *fmt, ...)
{
    char reason[480];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    ym_error_set(ld->err, ld->file, n ? line_of(n) : 0, n ? (int)n->start_mark.column + 1 : 0,
                 "%s", reason);
    return YM_EINVAL;
}

static yaml_node_t *node(struct loader *ld, int id) { return yaml_document_get_node(&ld->doc, id); }

static const char *scalar(const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static enum ym_status get_str(struct loader *ld, const yaml_node_t *v, const char *key,
                              char **out)
{
    const char *s = scalar(v);
    if (!s)
        return fail(ld, v, "%s: expected a text value", key);
    if (strlen(s) != v->data.scalar.length)
        return fail(ld, v, "%s: NUL byte in value", key);
    free(*out);
    *out = ym_xstrdup(s);
    return YM_OK;
}

static enum ym_status get_nonempty(struct loader *ld, const yaml_node_t *v, const char *key,
                                   char **out)
{
    enum ym_status st = get_str(ld, v, key, out);
    if (st == YM_OK && !**out)
        return fail(ld, v, "%s: must not be empty", key);
    return st;
}

/* Integer in [min, max]; accepts the suffixes KiB, MiB, GiB when unit = 1. */
static enum ym_status get_int(struct loader *ld, const yaml_node_t *v, const char *key,
                              long long min, long long max, int sizes, long long *out)
{
    const char *s = scalar(v);
    if (!s || !*s)
        return fail(ld, v, "%s: expected a number", key);
    errno = 0;
    char *end;
    long long x = strtoll(s, &end, 10);
    if (end == s || errno == ERANGE || !isdigit((unsigned char)(s[0] == '-' ? s[1] : s[0])))
        return fail(ld, v, "%s: '%s' is not a number", key, s);
    long long mult = 1;
    if (*end) {
        if (sizes && !strcmp(end, "KiB"))
            mult = 1LL << 10;
        else if (sizes && !strcmp(end, "MiB"))
            mult = 1LL << 20;
        else if (sizes && !strcmp(end, "GiB"))
            mult = 1LL << 30;
        else
            return fail(ld, v, "%s: '%s' is not a number%s", key, s,
                        sizes ? " (suffixes: KiB, MiB, GiB)" : "");
    }
    if (x > max / mult || x < min / mult || x * mult < min || x * mult > max)
        return fail(ld, v, "%s: %s is out of range (%lld..%lld)", key, s, min, max);
    *out = x * mult;
    return YM_OK;
}

/* Walks a mapping: for each pair calls fn with the key and value nodes.
 * Duplicate keys are errors (the second would silently win otherwise). */
typedef enum ym_status (*pair_fn)(struct loader *ld, const char *key, yaml_node_t *k,
                                  yaml_node_t *v, void *arg);

static enum ym_status each_pair(struct loader *ld, yaml_node_t *map, const char *what, pair_fn fn,
                                void *arg)
{
    if (map->type != YAML_MAPPING_NODE)
        return fail(ld, map, "%s: expected a mapping (key: value lines)", what);
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(ld, p->key), *v = node(ld, p->value);
        const char *key = k ? scalar(k) : NULL;
        if (!key || !v)
            return fail(ld, k ? k : map, "%s: keys must be plain words", what);
        for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++) {
            const char *prev = scalar(node(ld, q->key));
            if (prev && !strcmp(prev, key))
                return fail(ld, k, "%s: key '%s' given twice", what, key);
        }
        enum ym_status st = fn(ld, key, k, v, arg);
        if (st != YM_OK)
            return st;
    }
    return YM_OK;
}

static enum ym_status on_listen(struct loader *ld, const char *key, yaml_node_t *k,
                                yaml_node_t *v, void *arg)
{
    struct ym_config *cfg = ld->cfg;
    struct ym_listen *l;
    if (!strcmp(key, "syslog"))
        l = &cfg->syslog;
    else if (!strcmp(key, "relp"))
        l = &cfg->relp;
    else if (!strcmp(key, "tls"))
        l = &cfg->tls;
    else if (!strcmp(key, "http"))
        l = &cfg->http;
    else
        return fail(ld, k, "listen: unknown key '%s' (known: syslog, relp, tls, http)", key);
    const char *s = scalar(v);
    if (!s || ym_config_parse_listen(s, l) != YM_OK)
        return fail(ld, v, "listen.%s: expected HOST:PORT, [IPv6]:PORT, :PORT or off", key);
    if (l == &cfg->tls)
        ld->tls_listen_off = !l->enabled;
    return YM_OK;
}

static enum ym_status on_tls(struct loader *ld, const char *key, yaml_node_t *k, yaml_node_t *v,
                             void *arg)
{
    struct ym_tls_config *t = &ld->cfg->tls_config;
    if (!strcmp(key, "cert_file"))
        return get_nonempty(ld, v, "tls.cert_file", &t->cert_file);
    if (!strcmp(key, "key_file"))
        return get_nonempty(ld, v, "tls.key_file", &t->key_file);
    if (!strcmp(key, "ca_file"))
        return get_nonempty(ld, v, "tls.ca_file", &t->ca_file);
    if (!strcmp(key, "verify_clients")) {
        const char *s = scalar(v);
        if (s && !strcmp(s, "none"))
            t->verify_clients = 0;
        else if (s && !strcmp(s, "optional"))
            t->verify_clients = 1;
        else if (s && !strcmp(s, "required"))
            t->verify_clients = 2;
        else
            return fail(ld, v, "tls.verify_clients: expected none, optional or required");
        return YM_OK;
    }
    return fail(ld, k, "tls: unknown key '%s' (known: cert_file, key_file, ca_file, verify_clients)",
                key);
}

/* ---- notifications: notify (top level) and the tenant keys ---- */

static enum ym_status get_bool(struct loader *ld, const yaml_node_t *v, const char *key, int *out)
{
    const char *s = scalar(v);
    if (s && (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on")))
        *out = 1;
    else if (s && (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off")))
        *out = 0;
    else
        return fail(ld, v, "%s: expected true or false", key);
    return YM_OK;
}

/* scheme://host..., no spaces or control bytes. */
static int url_ok(const char *s, const char *const *schemes)
{
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f)
            return 0;
    for (; *schemes; schemes++) {
        size_t n = strlen(*schemes);
        if (!strncmp(s, *schemes, n) && s[n] && s[n] != '/' && s[n] != ':')
            return 1;
    }
    return 0;
}

/* local@domain, printable, no spaces or angle brackets (it goes into
 * SMTP commands and headers). */
static int email_ok(const char *s)
{
    size_t n = strlen(s);
    const char *at = strchr(s, '@');
    if (n < 3 || n > 254 || !at || at == s || !at[1] || strchr(at + 1, '@'))
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == ',' || c == '"')
            return 0;
    }
    return 1;
}

/* [emergency, critical] (or one name) -> bits. */
static enum ym_status get_severities(struct loader *ld, yaml_node_t *v, const char *key,
                                     unsigned *mask)
{
    *mask = 0;
    yaml_node_item_t one, *start = &one, *top = &one + 1;
    if (v->type == YAML_SEQUENCE_NODE) {
        start = v->data.sequence.items.start;
        top = v->data.sequence.items.top;
    } else if (v->type != YAML_SCALAR_NODE) {
        return fail(ld, v, "%s: expected a list of severities", key);
    }
    for (yaml_node_item_t *it = start; it < top; it++) {
        yaml_node_t *item = it == &one ? v : node(ld, *it);
        int i = item ? ym_config_severity_index(scalar(item)) : -1;
        if (i < 0)
            return fail(ld, item ? item : v,
                        "%s: expected emergency, critical, warning or informational", key);
        *mask |= 1u << i;
    }
    return YM_OK;
}

static enum ym_status read_password_file(struct loader *ld, const yaml_node_t *v, char **out)
{
    const char *path = scalar(v);
    if (!path || !*path)
        return fail(ld, v, "notify.smtp.password_file: expected a file name");
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(ld, v, "notify.smtp.password_file: cannot open %s: %s", path, strerror(errno));
    char buf[512];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0'; /* first line */
    if (!buf[0] || strlen(buf) != strcspn(buf, "\r\n"))
        return fail(ld, v, "notify.smtp.password_file: %s holds no password", path);
    free(*out);
    *out = ym_xstrdup(buf);
    return YM_OK;
}

static enum ym_status on_smtp(struct loader *ld, const char *key, yaml_node_t *k, yaml_node_t *v,
                              void *arg)
{
    struct ym_notify_config *n = &ld->cfg->notify;
    static const char *const schemes[] = {"smtp://", "smtps://", NULL};
    if (!strcmp(key, "url")) {
        enum ym_status st = get_nonempty(ld, v, "notify.smtp.url", &n->smtp_url);
        if (st == YM_OK && !url_ok(n->smtp_url, schemes))
            return fail(ld, v, "notify.smtp.url: expected smtp://HOST[:PORT] or smtps://HOST[:PORT]");
        return st;
    }
    if (!strcmp(key, "starttls")) {
        const char *s = scalar(v);
        if (s && !strcmp(s, "required"))
            n->starttls = YM_STARTTLS_REQUIRED;
        else if (s && !strcmp(s, "optional"))
            n->starttls = YM_STARTTLS_OPTIONAL;
        else if (s && !strcmp(s, "off"))
            n->starttls = YM_STARTTLS_OFF;
        else
            return fail(ld, v, "notify.smtp.starttls: expected required, optional or off");
        return YM_OK;
    }
    if (!strcmp(key, "username"))
        return get_nonempty(ld, v, "notify.smtp.username", &n->username);
    if (!strcmp(key, "password"))
        return get_nonempty(ld, v, "notify.smtp.password", &n->password);
    if (!strcmp(key, "password_file"))
        return read_password_file(ld, v, &n->password);
    if (!strcmp(key, "from")) {
        enum ym_status st = get_nonempty(ld, v, "notify.smtp.from", &n->from);
        if (st == YM_OK && !email_ok(n->from))
            return fail(ld, v, "notify.smtp.from: '%s' is not an email address", n->from);
        return st;
    }
    return fail(ld, k,
                "notify.smtp: unknown key '%s' (known: url, starttls, username, password, "
                "password_file, from)",
                key);
}

static enum ym_status on_retry(struct loader *ld, const char *key, yaml_node_t *k, yaml_node_t *v,
                               void *arg)
{
    struct ym_notify_config *n = &ld->cfg->notify;
    long long x;
    enum ym_status st;
    if (!strcmp(key, "attempts")) {
        if ((st = get_int(ld, v, "notify.retry.attempts", 1, 100, 0, &x)) == YM_OK)
            n->retry_attempts = (int)x;
        return st;
    }
    if (!strcmp(key, "first_delay_ms")) {
        if ((st = get_int(ld, v, "notify.retry.first_delay_ms", 10, 86400000, 0, &x)) == YM_OK)
            n->retry_first_delay_ms = (int)x;
        return st;
    }
    if (!strcmp(key, "max_delay_ms")) {
        if ((st = get_int(ld, v, "notify.retry.max_delay_ms", 10, 86400000, 0, &x)) == YM_OK)
            n->retry_max_delay_ms = (int)x;
        return st;
    }
    return fail(ld, k, "notify.retry: unknown key '%s' (known: attempts, first_delay_ms, "
                       "max_delay_ms)", key);
}

static enum ym_status on_notify(struct loader *ld, const char *key, yaml_node_t *k, yaml_node_t *v,
                                void *arg)
{
    struct ym_notify_config *n = &ld->cfg->notify;
    static const char *const schemes[] = {"http://", "https://", NULL};
    if (!strcmp(key, "smtp"))
        return each_pair(ld, v, "notify.smtp", on_smtp, NULL);
    if (!strcmp(key, "retry"))
        return each_pair(ld, v, "notify.retry", on_retry, NULL);
    if (!strcmp(key, "hold_for_ack"))
        return get_bool(ld, v, "notify.hold_for_ack", &n->hold_for_ack);
    if (!strcmp(key, "ca_file"))
        return get_nonempty(ld, v, "notify.ca_file", &n->ca_file);
    if (!strcmp(key, "portal_url")) {
        enum ym_status st = get_nonempty(ld, v, "notify.portal_url", &n->portal_url);
        if (st == YM_OK && !url_ok(n->portal_url, schemes))
            return fail(ld, v, "notify.portal_url: expected http://... or https://...");
        return st;
    }
    return fail(ld, k,
                "notify: unknown key '%s' (known: smtp, retry, hold_for_ack, ca_file, portal_url)",
                key);
}

static enum ym_status on_contact(struct loader *ld, const char *key, yaml_node_t *k,
                                 yaml_node_t *v, void *arg)
{
    struct ym_contact_config *c = arg;
    static const char *const schemes[] = {"http://", "https://", NULL};
    if (!strcmp(key, "email")) {
        enum ym_status st = get_nonempty(ld, v, "contacts.email", &c->email);
        if (st == YM_OK && !email_ok(c->email))
            return fail(ld, v, "contacts.email: '%s' is not an email address", c->email);
        return st;
    }
    if (!strcmp(key, "webhook")) {
        enum ym_status st = get_nonempty(ld, v, "contacts.webhook", &c->webhook_url);
        if (st == YM_OK && !url_ok(c->webhook_url, schemes))
            return fail(ld, v, "contacts.webhook: expected http://... or https://...");
        return st;
    }
    if (!strcmp(key, "format")) {
        const char *s = scalar(v);
        if (s && !strcmp(s, "generic"))
            c->format = YM_WEBHOOK_GENERIC;
        else if (s && !strcmp(s, "slack"))
            c->format = YM_WEBHOOK_SLACK;
        else if (s && !strcmp(s, "teams"))
            c->format = YM_WEBHOOK_TEAMS;
        else
            return fail(ld, v, "contacts.format: expected generic, slack or teams");
        return YM_OK;
    }
    if (!strcmp(key, "severities"))
        return get_severities(ld, v, "contacts.severities", &c->severity_mask);
    return fail(ld, k, "contacts: unknown key '%s' (known: email, webhook, format, severities)",
                key);
}

static enum ym_status load_contacts(struct loader *ld, yaml_node_t *v, struct ym_tenant_config *t)
{
    if (v->type != YAML_SEQUENCE_NODE)
        return fail(ld, v, "contacts: expected a list (lines starting with '- ')");
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++) {
        yaml_node_t *item = node(ld, *it);
        if (!item)
            return fail(ld, v, "contacts: expected a contact");
        t->contacts = ym_xrealloc(t->contacts, (t->contact_count + 1) * sizeof *t->contacts);
        struct ym_contact_config *c = &t->contacts[t->contact_count++];
        memset(c, 0, sizeof *c);
        c->severity_mask = (1u << YM_SEVERITY_COUNT) - 1;
        enum ym_status st = each_pair(ld, item, "contacts", on_contact, c);
        if (st != YM_OK)
            return st;
        if (!c->email == !c->webhook_url)
            return fail(ld, item, "contacts: a contact has either email or webhook");
    }
    return YM_OK;
}

static enum ym_status on_tenant_notify(struct loader *ld, const char *key, yaml_node_t *k,
                                       yaml_node_t *v, void *arg)
{
    struct ym_tenant_config *t = arg;
    int i = ym_config_severity_index(key);
    if (i < 0)
        return fail(ld, k, "tenants.notify: unknown severity '%s' (known: emergency, critical, "
                           "warning, informational)", key);
    const char *s = scalar(v);
    if (s && !strcmp(s, "immediate"))
        t->notify_mode[i] = YM_NOTIFY_IMMEDIATE;
    else if (s && !strcmp(s, "digest"))
        t->notify_mode[i] = YM_NOTIFY_DIGEST;
    else if (s && !strcmp(s, "report"))
        t->notify_mode[i] = YM_NOTIFY_REPORT;
    else
        return fail(ld, v, "tenants.notify.%s: expected immediate, digest or report", key);
    return YM_OK;
}

/* The tenant keys of notifications; YM_EDECLINED when key is not one. */
static enum ym_status tenant_notify_key(struct loader *ld, const char *key, yaml_node_t *v,
                                        struct ym_tenant_config *t)
{
    if (!strcmp(key, "language")) {
        const char *s = scalar(v);
        if (!s || (strcmp(s, "en") && strcmp(s, "ja")))
            return fail(ld, v, "tenants.language: expected en or ja");
        return get_str(ld, v, "tenants.language", &t->language);
    }
    if (!strcmp(key, "timezone")) {
        enum ym_status st = get_str(ld, v, "tenants.timezone", &t->timezone);
        int off;
        if (st == YM_OK && t->timezone[0] && ym_time_zone_offset(t->timezone, 0, &off) != YM_OK)
            return fail(ld, v, "tenants.timezone: '%s' is neither an offset like +09:00 nor a "
                               "known zone like Asia/Tokyo", t->timezone);
        return st;
    }
    if (!strcmp(key, "contacts"))
        return load_contacts(ld, v, t);
    if (!strcmp(key, "notify"))
        return each_pair(ld, v, "tenants.notify", on_tenant_notify, t);
    if (!strcmp(key, "require_ack"))
        return get_severities(ld, v, "tenants.require_ack", &t->require_ack_mask);
    if (!strcmp(key, "digest_interval_minutes")) {
        long long x;
        enum ym_status st = get_int(ld, v, "tenants.digest_interval_minutes", 1, 44640, 0, &x);
        if (st == YM_OK)
            t->digest_interval_minutes = (int)x;
        return st;
    }
    return YM_EDECLINED;
}

static enum ym_status on_tenant(struct loader *ld, const char *key, yaml_node_t *k,
                                yaml_node_t *v, void *arg)
{
    struct ym_tenant_config *t = arg;
    if (!strcmp(key, "name")) {
        enum ym_status st = get_str(ld, v, "tenants.name", &t->name);
        if (st != YM_OK)
            return st;
        if (!ym_config_tenant_name_ok(t->name))
            return fail(ld, v,
                        "tenants.name: '%s' is not a valid tenant name (lower-case letters, "
                        "digits, '_' and '-', at most 64, starting with a letter or digit)",
                        t->name);
        if (!strcmp(t->name, YM_TENANT_UNASSIGNED))
            return fail(ld, v, "tenants.name: '%s' is reserved for unknown senders",
                        YM_TENANT_UNASSIGNED);
        return YM_OK;
    }
    if (!strcmp(key, "display_name"))
        return get_str(ld, v, "tenants.display_name", &t->display_name);
    enum ym_status st = tenant_notify_key(ld, key, v, t);
    if (st != YM_EDECLINED)
        return st;
    return fail(ld, k,
                "tenants: unknown key '%s' (known: name, display_name, language, timezone, "
                "contacts, notify, require_ack, digest_interval_minutes)",
                key);
}

static enum ym_status add_strv(struct loader *ld, yaml_node_t *item, const char *key, char ***out,
                               size_t *count, int (*check)(const char *), const char *expected)
{
    const char *s = scalar(item);
    if (!s || !*s)
        return fail(ld, item, "%s: expected %s", key, expected);
    if (!check(s))
        return fail(ld, item, "%s: '%s' is not %s", key, s, expected);
    *out = ym_xrealloc(*out, (*count + 1) * sizeof **out);
    (*out)[(*count)++] = ym_xstrdup(s);
    return YM_OK;
}

/* A list of values; a single value may be written without brackets. */
static enum ym_status get_strv(struct loader *ld, yaml_node_t *v, const char *key, char ***out,
                               size_t *count, int (*check)(const char *), const char *expected)
{
    if (v->type == YAML_SCALAR_NODE)
        return add_strv(ld, v, key, out, count, check, expected);
    if (v->type != YAML_SEQUENCE_NODE)
        return fail(ld, v, "%s: expected a list", key);
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++) {
        yaml_node_t *item = node(ld, *it);
        if (!item)
            return fail(ld, v, "%s: expected %s", key, expected);
        enum ym_status st = add_strv(ld, item, key, out, count, check, expected);
        if (st != YM_OK)
            return st;
    }
    return YM_OK;
}

static int hostname_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 255)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
            return 0;
    return 1;
}

static enum ym_status on_device(struct loader *ld, const char *key, yaml_node_t *k,
                                yaml_node_t *v, void *arg)
{
    struct ym_device_config *d = arg;
    if (!strcmp(key, "name")) {
        enum ym_status st = get_str(ld, v, "devices.name", &d->name);
        if (st == YM_OK && !device_name_ok(d->name))
            return fail(ld, v,
                        "devices.name: '%s' is not a valid device name (1..128 printable "
                        "characters without spaces or slashes)",
                        d->name);
        return st;
    }
    if (!strcmp(key, "tenant"))
        return get_nonempty(ld, v, "devices.tenant", &d->tenant);
    if (!strcmp(key, "kind")) {
        enum ym_status st = get_nonempty(ld, v, "devices.kind", &d->kind);
        if (st != YM_OK)
            return st;
        for (const char *const *kk = known_kinds; *kk; kk++)
            if (!strcmp(*kk, d->kind))
                return YM_OK;
        return fail(ld, v,
                    "devices.kind: unknown kind '%s' (known: asa, ftd, panos, nsp, fireeye, cef, "
                    "leef, json, syslog, auto)",
                    d->kind);
    }
    if (!strcmp(key, "timezone")) {
        enum ym_status st = get_str(ld, v, "devices.timezone", &d->timezone);
        int off;
        if (st == YM_OK && d->timezone[0] && ym_time_zone_offset(d->timezone, 0, &off) != YM_OK)
            return fail(ld, v,
                        "devices.timezone: '%s' is neither an offset like +09:00 nor a known "
                        "zone like Asia/Tokyo",
                        d->timezone);
        return st;
    }
    if (!strcmp(key, "addresses"))
        return get_strv(ld, v, "devices.addresses", &d->addresses, &d->address_count, address_ok,
                        "an IP address or CIDR (192.0.2.10, 198.51.100.0/24, 2001:db8::/32)");
    if (!strcmp(key, "hostnames"))
        return get_strv(ld, v, "devices.hostnames", &d->hostnames, &d->hostname_count,
                        hostname_ok, "a syslog hostname (no spaces, at most 255 bytes)");
    return fail(ld, k,
                "devices: unknown key '%s' (known: name, tenant, kind, timezone, addresses, "
                "hostnames)",
                key);
}

static enum ym_status load_tenants(struct loader *ld, yaml_node_t *v)
{
    struct ym_config *cfg = ld->cfg;
    if (v->type == YAML_SCALAR_NODE && !*scalar(v))
        return YM_OK; /* "tenants:" with nothing under it */
    if (v->type != YAML_SEQUENCE_NODE)
        return fail(ld, v, "tenants: expected a list of tenants (lines starting with '- ')");
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++) {
        yaml_node_t *item = node(ld, *it);
        cfg->tenants = ym_xrealloc(cfg->tenants, (cfg->tenant_count + 1) * sizeof *cfg->tenants);
        struct ym_tenant_config *t = &cfg->tenants[cfg->tenant_count++];
        memset(t, 0, sizeof *t);
        tenant_notify_defaults(t);
        enum ym_status st = each_pair(ld, item, "tenants", on_tenant, t);
        if (st != YM_OK)
            return st;
        if (!t->name)
            return fail(ld, item, "tenants: a tenant needs a name");
        if (!t->display_name)
            t->display_name = ym_xstrdup(t->name);
        if (!t->language)
            t->language = ym_xstrdup("en");
        if (!t->timezone)
            t->timezone = ym_xstrdup("");
        for (size_t i = 0; i + 1 < cfg->tenant_count; i++)
            if (!strcmp(cfg->tenants[i].name, t->name))
                return fail(ld, item, "tenants: tenant '%s' is defined twice", t->name);
    }
    return YM_OK;
}

static enum ym_status load_devices(struct loader *ld, yaml_node_t *v)
{
    struct ym_config *cfg = ld->cfg;
    if (v->type == YAML_SCALAR_NODE && !*scalar(v))
        return YM_OK;
    if (v->type != YAML_SEQUENCE_NODE)
        return fail(ld, v, "devices: expected a list of devices (lines starting with '- ')");
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++) {
        yaml_node_t *item = node(ld, *it);
        cfg->devices = ym_xrealloc(cfg->devices, (cfg->device_count + 1) * sizeof *cfg->devices);
        struct ym_device_config *d = &cfg->devices[cfg->device_count++];
        memset(d, 0, sizeof *d);
        enum ym_status st = each_pair(ld, item, "devices", on_device, d);
        if (st != YM_OK)
            return st;
        if (!d->name)
            return fail(ld, item, "devices: a device needs a name");
        if (!d->tenant)
            return fail(ld, item, "devices: device '%s' needs a tenant", d->name);
        if (!d->kind)
            d->kind = ym_xstrdup("auto");
        if (!d->timezone)
            d->timezone = ym_xstrdup("");
        if (d->address_count == 0 && d->hostname_count == 0)
            return fail(ld, item,
                        "devices: device '%s' needs addresses or hostnames (how else would its "
                        "logs be recognised?)",
                        d->name);
        /* Tenants may be listed after devices: the tenant check runs at the end. */
        for (size_t i = 0; i + 1 < cfg->device_count; i++)
            if (!strcmp(cfg->devices[i].name, d->name) && !strcmp(cfg->devices[i].tenant, d->tenant))
                return fail(ld, item, "devices: device '%s' of tenant '%s' is defined twice",
                            d->name, d->tenant);
    }
    return YM_OK;
}

static int any_text(const char *s) { return s != NULL; }

static enum ym_status on_ti_list(struct loader *ld, const char *key, yaml_node_t *k,
                                 yaml_node_t *v, void *arg)
{
    struct ym_ti_list_config *l = arg;
    long long x;
    enum ym_status st;
    if (!strcmp(key, "name"))
        return get_nonempty(ld, v, "rules.threat_intel.name", &l->name);
    if (!strcmp(key, "path"))
        return get_nonempty(ld, v, "rules.threat_intel.path", &l->path);
    if (!strcmp(key, "tenant")) {
        if ((st = get_nonempty(ld, v, "rules.threat_intel.tenant", &l->tenant)) == YM_OK &&
            !ym_config_tenant_name_ok(l->tenant))
            return fail(ld, v, "rules.threat_intel.tenant: '%s' is not a tenant name", l->tenant);
        return st;
    }
    if (!strcmp(key, "confidence")) {
        if ((st = get_int(ld, v, "rules.threat_intel.confidence", 0, 100, 0, &x)) == YM_OK)
            l->confidence = (int)x;
        return st;
    }
    if (!strcmp(key, "format")) {
        if ((st = get_nonempty(ld, v, "rules.threat_intel.format", &l->format)) != YM_OK)
            return st;
        if (strcmp(l->format, "auto") && strcmp(l->format, "text") && strcmp(l->format, "csv") &&
            strcmp(l->format, "stix"))
            return fail(ld, v, "rules.threat_intel.format: '%s' is not auto, text, csv or stix",
                        l->format);
        return YM_OK;
    }
    return fail(ld, k,
                "rules.threat_intel: unknown key '%s' (known: name, path, tenant, confidence, "
                "format)",
                key);
}

static enum ym_status load_ti_lists(struct loader *ld, yaml_node_t *v)
{
    struct ym_rules_config *r = &ld->cfg->rules;
    if (v->type == YAML_SCALAR_NODE && !*scalar(v))
        return YM_OK;
    if (v->type != YAML_SEQUENCE_NODE)
        return fail(ld, v, "rules.threat_intel: expected a list of lists (lines starting with '- ')");
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++) {
        yaml_node_t *item = node(ld, *it);
        r->threat_intel =
            ym_xrealloc(r->threat_intel, (r->threat_intel_count + 1) * sizeof *r->threat_intel);
        struct ym_ti_list_config *l = &r->threat_intel[r->threat_intel_count++];
        memset(l, 0, sizeof *l);
        l->confidence = 50;
        enum ym_status st = item ? each_pair(ld, item, "rules.threat_intel", on_ti_list, l)
                                 : fail(ld, v, "rules.threat_intel: expected a mapping");
        if (st != YM_OK)
            return st;
        if (!l->path)
            return fail(ld, item, "rules.threat_intel: a list needs a path");
        if (!l->name) {
            const char *slash = strrchr(l->path, '/');
            l->name = ym_xstrdup(slash ? slash + 1 : l->path);
        }
        if (!l->format)
            l->format = ym_xstrdup("auto");
    }
    return YM_OK;
}

static enum ym_status on_rules(struct loader *ld, const char *key, yaml_node_t *k, yaml_node_t *v,
                               void *arg)
{
    struct ym_rules_config *r = &ld->cfg->rules;
    (void)arg;
    if (!strcmp(key, "paths"))
        return get_strv(ld, v, "rules.paths", &r->paths, &r->path_count, any_text,
                        "a rule file or directory");
    if (!strcmp(key, "logsources"))
        return get_nonempty(ld, v, "rules.logsources", &r->logsources);
    if (!strcmp(key, "placeholders"))
        return get_nonempty(ld, v, "rules.placeholders", &r->placeholders);
    if (!strcmp(key, "triage_policy"))
        return get_nonempty(ld, v, "rules.triage_policy", &r->triage_policy);
    if (!strcmp(key, "threat_intel"))
        return load_ti_lists(ld, v);
    return fail(ld, k,
                "rules: unknown key '%s' (known: paths, logsources, placeholders, triage_policy, "
                "threat_intel)",
                key);
}

static enum ym_status on_portal(struct loader *ld, const char *key, yaml_node_t *k, yaml_node_t *v,
                               void *arg)
{
    struct ym_portal_config *p = &ld->cfg->portal;
    long long x;
    enum ym_status st;
    if (!strcmp(key, "cert_file"))
        return get_nonempty(ld, v, "portal.cert_file", &p->cert_file);
    if (!strcmp(key, "key_file"))
        return get_nonempty(ld, v, "portal.key_file", &p->key_file);
    if (!strcmp(key, "web_dir"))
        return get_nonempty(ld, v, "portal.web_dir", &p->web_dir);
    if (!strcmp(key, "https"))
        return get_bool(ld, v, "portal.https", &p->https);
    if (!strcmp(key, "session_idle_minutes")) {
        if ((st = get_int(ld, v, "portal.session_idle_minutes", 1, 1440, 0, &x)) == YM_OK)
            p->session_idle_minutes = (int)x;
        return st;
    }
    if (!strcmp(key, "session_max_hours")) {
        if ((st = get_int(ld, v, "portal.session_max_hours", 1, 720, 0, &x)) == YM_OK)
            p->session_max_hours = (int)x;
        return st;
    }
    return fail(ld, k,
                "portal: unknown key '%s' (known: cert_file, key_file, https, "
                "session_idle_minutes, session_max_hours, web_dir)",
                key);
}

static enum ym_status on_top(struct loader *ld, const char *key, yaml_node_t *k, yaml_node_t *v,
                             void *arg)
{
    struct ym_config *cfg = ld->cfg;
    long long x;
    enum ym_status st;
    if (!strcmp(key, "data_dir"))
        return get_nonempty(ld, v, "data_dir", &cfg->data_dir);
    if (!strcmp(key, "listen"))
        return each_pair(ld, v, "listen", on_listen, NULL);
    if (!strcmp(key, "tls"))
        return each_pair(ld, v, "tls", on_tls, NULL);
    if (!strcmp(key, "retention_days")) {
        if ((st = get_int(ld, v, key, 1, 36600, 0, &x)) == YM_OK)
            cfg->retention_days = (int)x;
        return st;
    }
    if (!strcmp(key, "udp_rcvbuf_bytes")) {
        if ((st = get_int(ld, v, key, 0, 1LL << 30, 1, &x)) == YM_OK)
            cfg->udp_rcvbuf_bytes = (int)x;
        return st;
    }
    if (!strcmp(key, "workers")) {
        if ((st = get_int(ld, v, key, 0, 256, 0, &x)) == YM_OK)
            cfg->workers = (int)x;
        return st;
    }
    if (!strcmp(key, "queue_batches")) {
        if ((st = get_int(ld, v, key, 4, 4096, 0, &x)) == YM_OK)
            cfg->queue_batches = (unsigned)x;
        return st;
    }
    if (!strcmp(key, "flush_ms")) {
        if ((st = get_int(ld, v, key, 1, 10000, 0, &x)) == YM_OK)
            cfg->flush_ms = (int)x;
        return st;
    }
    if (!strcmp(key, "tenants"))
        return load_tenants(ld, v);
    if (!strcmp(key, "devices"))
        return load_devices(ld, v);
    if (!strcmp(key, "notify"))
        return each_pair(ld, v, "notify", on_notify, NULL);
    if (!strcmp(key, "rules"))
        return each_pair(ld, v, "rules", on_rules, NULL);
    if (!strcmp(key, "portal"))
        return each_pair(ld, v, "portal", on_portal, NULL);
    return fail(ld, k,
                "unknown key '%s' (known: data_dir, listen, tls, retention_days, "
                "udp_rcvbuf_bytes, workers, queue_batches, flush_ms, tenants, devices, notify, "
                "rules, portal)",
                key);
}

/* Checks that need the whole file: device tenants exist, TLS is complete. */
static enum ym_status check_whole(struct loader *ld, yaml_node_t *root)
{
    struct ym_config *cfg = ld->cfg;
    for (size_t i = 0; i < cfg->device_count; i++) {
        const struct ym_device_config *d = &cfg->devices[i];
        if (!ym_config_tenant(cfg, d->tenant))
            return fail(ld, root, "devices: device '%s' names tenant '%s', which is not in tenants",
                        d->name, d->tenant);
    }
    struct ym_tls_config *t = &cfg->tls_config;
    if (t->cert_file && !t->key_file)
        return fail(ld, root, "tls: cert_file is set but key_file is missing");
    if (t->key_file && !t->cert_file)
        return fail(ld, root, "tls: key_file is set but cert_file is missing");
    if (t->verify_clients && !t->ca_file)
        return fail(ld, root, "tls: verify_clients needs ca_file (the CA of client certificates)");
    if (cfg->notify.retry_max_delay_ms < cfg->notify.retry_first_delay_ms)
        return fail(ld, root, "notify.retry: max_delay_ms is below first_delay_ms");
    if (cfg->notify.username && !cfg->notify.password)
        return fail(ld, root, "notify.smtp: username needs password or password_file");
    /* The TLS listener runs only with a certificate (issue 2: TLS 6514
     * only when a certificate is configured). */
    cfg->tls.enabled = t->cert_file && !ld->tls_listen_off;
    return YM_OK;
}

enum ym_status ym_config_load(const char *path, struct ym_config **out, struct ym_error *err)
{
    struct ym_error scratch;
    if (!err)
        err = &scratch;
    memset(err, 0, sizeof *err);
    FILE *f = fopen(path, "rb");
    if (!f) {
        ym_error_set(err, path, 0, 0, "cannot open: %s", strerror(errno));
        return YM_EIO;
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        fclose(f);
        ym_error_set(err, path, 0, 0, "out of memory");
        return YM_ENOMEM;
    }
    yaml_parser_set_input_file(&parser, f);
    struct loader ld = {.file = path, .err = err};
    if (!yaml_parser_load(&parser, &ld.doc)) {
        ym_error_set(err, path, (int)parser.problem_mark.line + 1,
                     (int)parser.problem_mark.column + 1, "YAML: %s%s%s",
                     parser.problem ? parser.problem : "syntax error",
                     parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        fclose(f);
        return YM_EPARSE;
    }
    yaml_parser_delete(&parser);
    fclose(f);

    ld.cfg = ym_config_default();
    ld.cfg->path = ym_xstrdup(path);
    enum ym_status st = YM_OK;
    yaml_node_t *root = yaml_document_get_root_node(&ld.doc);
    if (root && !(root->type == YAML_SCALAR_NODE && !*scalar(root)))
        st = each_pair(&ld, root, "top level", on_top, NULL);
    if (st == YM_OK)
        st = check_whole(&ld, root);
    yaml_document_delete(&ld.doc);
    if (st != YM_OK) {
        ym_config_free(ld.cfg);
        return st;
    }
    *out = ld.cfg;
    return YM_OK;
}
