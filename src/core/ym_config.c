/* ym_config: loader of yamori.yaml (libyaml document API).
 *
 * The file is loaded as one YAML document and walked key by key against the
 * tables below; every scalar is checked (ranges, names, addresses) and the
 * first problem is reported with the line it is on. Nothing is half-applied:
 * the struct is built aside and handed out only when the whole file is good.
 *
 * This file holds the defaults, free, the lookups, the command-line checks,
 * the small sections (listen, tls, rules, portal), the top level and the
 * checks that need the whole file. The walk is shared through
 * core/ym_config_load.h: YAML helpers in ym_config_yaml.c, notifications in
 * ym_config_notify.c, tenants, devices and threat-intel lists in
 * ym_config_tenants.c. */
#include "core/ym_config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/ym_alloc.h"
#include "core/ym_config_load.h"

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

/* ---- the YAML walk: the small sections and the top level ---- */

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
        return cfg_fail(ld, k, "listen: unknown key '%s' (known: syslog, relp, tls, http)", key);
    const char *s = cfg_scalar(v);
    if (!s || ym_config_parse_listen(s, l) != YM_OK)
        return cfg_fail(ld, v, "listen.%s: expected HOST:PORT, [IPv6]:PORT, :PORT or off", key);
    if (l == &cfg->tls)
        ld->tls_listen_off = !l->enabled;
    return YM_OK;
}

static enum ym_status on_tls(struct loader *ld, const char *key, yaml_node_t *k, yaml_node_t *v,
                             void *arg)
{
    struct ym_tls_config *t = &ld->cfg->tls_config;
    if (!strcmp(key, "cert_file"))
        return cfg_get_nonempty(ld, v, "tls.cert_file", &t->cert_file);
    if (!strcmp(key, "key_file"))
        return cfg_get_nonempty(ld, v, "tls.key_file", &t->key_file);
    if (!strcmp(key, "ca_file"))
        return cfg_get_nonempty(ld, v, "tls.ca_file", &t->ca_file);
    if (!strcmp(key, "verify_clients")) {
        const char *s = cfg_scalar(v);
        if (s && !strcmp(s, "none"))
            t->verify_clients = 0;
        else if (s && !strcmp(s, "optional"))
            t->verify_clients = 1;
        else if (s && !strcmp(s, "required"))
            t->verify_clients = 2;
        else
            return cfg_fail(ld, v, "tls.verify_clients: expected none, optional or required");
        return YM_OK;
    }
    return cfg_fail(ld, k,
                    "tls: unknown key '%s' (known: cert_file, key_file, ca_file, verify_clients)",
                    key);
}

static int any_text(const char *s) { return s != NULL; }

static enum ym_status on_rules(struct loader *ld, const char *key, yaml_node_t *k, yaml_node_t *v,
                               void *arg)
{
    struct ym_rules_config *r = &ld->cfg->rules;
    (void)arg;
    if (!strcmp(key, "paths"))
        return cfg_get_strv(ld, v, "rules.paths", &r->paths, &r->path_count, any_text,
                            "a rule file or directory");
    if (!strcmp(key, "logsources"))
        return cfg_get_nonempty(ld, v, "rules.logsources", &r->logsources);
    if (!strcmp(key, "placeholders"))
        return cfg_get_nonempty(ld, v, "rules.placeholders", &r->placeholders);
    if (!strcmp(key, "triage_policy"))
        return cfg_get_nonempty(ld, v, "rules.triage_policy", &r->triage_policy);
    if (!strcmp(key, "threat_intel"))
        return cfg_load_ti_lists(ld, v);
    return cfg_fail(ld, k,
                    "rules: unknown key '%s' (known: paths, logsources, placeholders, "
                    "triage_policy, threat_intel)",
                    key);
}

static enum ym_status on_portal(struct loader *ld, const char *key, yaml_node_t *k, yaml_node_t *v,
                               void *arg)
{
    struct ym_portal_config *p = &ld->cfg->portal;
    long long x;
    enum ym_status st;
    if (!strcmp(key, "cert_file"))
        return cfg_get_nonempty(ld, v, "portal.cert_file", &p->cert_file);
    if (!strcmp(key, "key_file"))
        return cfg_get_nonempty(ld, v, "portal.key_file", &p->key_file);
    if (!strcmp(key, "web_dir"))
        return cfg_get_nonempty(ld, v, "portal.web_dir", &p->web_dir);
    if (!strcmp(key, "https"))
        return cfg_get_bool(ld, v, "portal.https", &p->https);
    if (!strcmp(key, "session_idle_minutes")) {
        if ((st = cfg_get_int(ld, v, "portal.session_idle_minutes", 1, 1440, 0, &x)) == YM_OK)
            p->session_idle_minutes = (int)x;
        return st;
    }
    if (!strcmp(key, "session_max_hours")) {
        if ((st = cfg_get_int(ld, v, "portal.session_max_hours", 1, 720, 0, &x)) == YM_OK)
            p->session_max_hours = (int)x;
        return st;
    }
    return cfg_fail(ld, k,
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
        return cfg_get_nonempty(ld, v, "data_dir", &cfg->data_dir);
    if (!strcmp(key, "listen"))
        return cfg_each_pair(ld, v, "listen", on_listen, NULL);
    if (!strcmp(key, "tls"))
        return cfg_each_pair(ld, v, "tls", on_tls, NULL);
    if (!strcmp(key, "retention_days")) {
        if ((st = cfg_get_int(ld, v, key, 1, 36600, 0, &x)) == YM_OK)
            cfg->retention_days = (int)x;
        return st;
    }
    if (!strcmp(key, "udp_rcvbuf_bytes")) {
        if ((st = cfg_get_int(ld, v, key, 0, 1LL << 30, 1, &x)) == YM_OK)
            cfg->udp_rcvbuf_bytes = (int)x;
        return st;
    }
    if (!strcmp(key, "workers")) {
        if ((st = cfg_get_int(ld, v, key, 0, 256, 0, &x)) == YM_OK)
            cfg->workers = (int)x;
        return st;
    }
    if (!strcmp(key, "queue_batches")) {
        if ((st = cfg_get_int(ld, v, key, 4, 4096, 0, &x)) == YM_OK)
            cfg->queue_batches = (unsigned)x;
        return st;
    }
    if (!strcmp(key, "flush_ms")) {
        if ((st = cfg_get_int(ld, v, key, 1, 10000, 0, &x)) == YM_OK)
            cfg->flush_ms = (int)x;
        return st;
    }
    if (!strcmp(key, "tenants"))
        return cfg_load_tenants(ld, v);
    if (!strcmp(key, "devices"))
        return cfg_load_devices(ld, v);
    if (!strcmp(key, "notify"))
        return cfg_each_pair(ld, v, "notify", cfg_on_notify, NULL);
    if (!strcmp(key, "rules"))
        return cfg_each_pair(ld, v, "rules", on_rules, NULL);
    if (!strcmp(key, "portal"))
        return cfg_each_pair(ld, v, "portal", on_portal, NULL);
    return cfg_fail(ld, k,
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
            return cfg_fail(ld, root,
                            "devices: device '%s' names tenant '%s', which is not in tenants",
                            d->name, d->tenant);
    }
    struct ym_tls_config *t = &cfg->tls_config;
    if (t->cert_file && !t->key_file)
        return cfg_fail(ld, root, "tls: cert_file is set but key_file is missing");
    if (t->key_file && !t->cert_file)
        return cfg_fail(ld, root, "tls: key_file is set but cert_file is missing");
    if (t->verify_clients && !t->ca_file)
        return cfg_fail(ld, root,
                        "tls: verify_clients needs ca_file (the CA of client certificates)");
    if (cfg->notify.retry_max_delay_ms < cfg->notify.retry_first_delay_ms)
        return cfg_fail(ld, root, "notify.retry: max_delay_ms is below first_delay_ms");
    if (cfg->notify.username && !cfg->notify.password)
        return cfg_fail(ld, root, "notify.smtp: username needs password or password_file");
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
    if (root && !(root->type == YAML_SCALAR_NODE && !*cfg_scalar(root)))
        st = cfg_each_pair(&ld, root, "top level", on_top, NULL);
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
