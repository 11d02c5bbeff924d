/* ym_config_tenants: the lists of yamori.yaml: tenants (their notification
 * keys are in ym_config_notify.c), devices with their addresses and
 * hostnames, and the threat-intel lists of the rules section. Part of the
 * loader in ym_config.c; the interface is core/ym_config_load.h. Whether
 * each device's tenant exists is checked in ym_config.c, once the whole
 * file is read. */
#include "core/ym_config_load.h"

#include <string.h>

#include "core/ym_alloc.h"
#include "core/ym_device.h"
#include "core/ym_net.h"
#include "core/ym_time.h"

/* ---- tenants ---- */

static enum ym_status on_tenant(struct loader *ld, const char *key, yaml_node_t *k,
                                yaml_node_t *v, void *arg)
{
    struct ym_tenant_config *t = arg;
    if (!strcmp(key, "name")) {
        enum ym_status st = cfg_get_str(ld, v, "tenants.name", &t->name);
        if (st != YM_OK)
            return st;
        if (!ym_config_tenant_name_ok(t->name))
            return cfg_fail(ld, v,
                            "tenants.name: '%s' is not a valid tenant name (lower-case letters, "
                            "digits, '_' and '-', at most 64, starting with a letter or digit)",
                            t->name);
        if (!strcmp(t->name, YM_TENANT_UNASSIGNED))
            return cfg_fail(ld, v, "tenants.name: '%s' is reserved for unknown senders",
                            YM_TENANT_UNASSIGNED);
        return YM_OK;
    }
    if (!strcmp(key, "display_name"))
        return cfg_get_str(ld, v, "tenants.display_name", &t->display_name);
    enum ym_status st = cfg_tenant_notify_key(ld, key, v, t);
    if (st != YM_EDECLINED)
        return st;
    return cfg_fail(ld, k,
                    "tenants: unknown key '%s' (known: name, display_name, language, timezone, "
                    "contacts, notify, require_ack, digest_interval_minutes)",
                    key);
}

enum ym_status cfg_load_tenants(struct loader *ld, yaml_node_t *v)
{
    struct ym_config *cfg = ld->cfg;
    if (v->type == YAML_SCALAR_NODE && !*cfg_scalar(v))
        return YM_OK; /* "tenants:" with nothing under it */
    if (v->type != YAML_SEQUENCE_NODE)
        return cfg_fail(ld, v, "tenants: expected a list of tenants (lines starting with '- ')");
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++) {
        yaml_node_t *item = cfg_node(ld, *it);
        cfg->tenants = ym_xrealloc(cfg->tenants, (cfg->tenant_count + 1) * sizeof *cfg->tenants);
        struct ym_tenant_config *t = &cfg->tenants[cfg->tenant_count++];
        memset(t, 0, sizeof *t);
        cfg_tenant_notify_defaults(t);
        enum ym_status st = cfg_each_pair(ld, item, "tenants", on_tenant, t);
        if (st != YM_OK)
            return st;
        if (!t->name)
            return cfg_fail(ld, item, "tenants: a tenant needs a name");
        if (!t->display_name)
            t->display_name = ym_xstrdup(t->name);
        if (!t->language)
            t->language = ym_xstrdup("en");
        if (!t->timezone)
            t->timezone = ym_xstrdup("");
        for (size_t i = 0; i + 1 < cfg->tenant_count; i++)
            if (!strcmp(cfg->tenants[i].name, t->name))
                return cfg_fail(ld, item, "tenants: tenant '%s' is defined twice", t->name);
    }
    return YM_OK;
}

/* ---- devices ---- */

static const char *const known_kinds[] = {"asa",  "ftd", "panos", "nsp",    "fireeye",
                                          "cef",  "leef", "json", "syslog", "auto", NULL};

/* "192.0.2.1", "2001:db8::1", "198.51.100.0/24", "2001:db8::/32". */
static int address_ok(const char *s)
{
    uint8_t net[16];
    unsigned prefix;
    return ym_cidr_parse(s, strlen(s), net, &prefix) != 0;
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
        enum ym_status st = cfg_get_str(ld, v, "devices.name", &d->name);
        if (st == YM_OK && !device_name_ok(d->name))
            return cfg_fail(ld, v,
                            "devices.name: '%s' is not a valid device name (1..128 printable "
                            "characters without spaces or slashes)",
                            d->name);
        return st;
    }
    if (!strcmp(key, "tenant"))
        return cfg_get_nonempty(ld, v, "devices.tenant", &d->tenant);
    if (!strcmp(key, "kind")) {
        enum ym_status st = cfg_get_nonempty(ld, v, "devices.kind", &d->kind);
        if (st != YM_OK)
            return st;
        for (const char *const *kk = known_kinds; *kk; kk++)
            if (!strcmp(*kk, d->kind))
                return YM_OK;
        return cfg_fail(ld, v,
                        "devices.kind: unknown kind '%s' (known: asa, ftd, panos, nsp, fireeye, "
                        "cef, leef, json, syslog, auto)",
                        d->kind);
    }
    if (!strcmp(key, "timezone")) {
        enum ym_status st = cfg_get_str(ld, v, "devices.timezone", &d->timezone);
        int off;
        if (st == YM_OK && d->timezone[0] && ym_time_zone_offset(d->timezone, 0, &off) != YM_OK)
            return cfg_fail(ld, v,
                            "devices.timezone: '%s' is neither an offset like +09:00 nor a known "
                            "zone like Asia/Tokyo",
                            d->timezone);
        return st;
    }
    if (!strcmp(key, "addresses"))
        return cfg_get_strv(ld, v, "devices.addresses", &d->addresses, &d->address_count,
                            address_ok,
                            "an IP address or CIDR (192.0.2.10, 198.51.100.0/24, 2001:db8::/32)");
    if (!strcmp(key, "hostnames"))
        return cfg_get_strv(ld, v, "devices.hostnames", &d->hostnames, &d->hostname_count,
                            hostname_ok, "a syslog hostname (no spaces, at most 255 bytes)");
    return cfg_fail(ld, k,
                    "devices: unknown key '%s' (known: name, tenant, kind, timezone, addresses, "
                    "hostnames)",
                    key);
}

enum ym_status cfg_load_devices(struct loader *ld, yaml_node_t *v)
{
    struct ym_config *cfg = ld->cfg;
    if (v->type == YAML_SCALAR_NODE && !*cfg_scalar(v))
        return YM_OK;
    if (v->type != YAML_SEQUENCE_NODE)
        return cfg_fail(ld, v, "devices: expected a list of devices (lines starting with '- ')");
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++) {
        yaml_node_t *item = cfg_node(ld, *it);
        cfg->devices = ym_xrealloc(cfg->devices, (cfg->device_count + 1) * sizeof *cfg->devices);
        struct ym_device_config *d = &cfg->devices[cfg->device_count++];
        memset(d, 0, sizeof *d);
        enum ym_status st = cfg_each_pair(ld, item, "devices", on_device, d);
        if (st != YM_OK)
            return st;
        if (!d->name)
            return cfg_fail(ld, item, "devices: a device needs a name");
        if (!d->tenant)
            return cfg_fail(ld, item, "devices: device '%s' needs a tenant", d->name);
        if (!d->kind)
            d->kind = ym_xstrdup("auto");
        if (!d->timezone)
            d->timezone = ym_xstrdup("");
        if (d->address_count == 0 && d->hostname_count == 0)
            return cfg_fail(ld, item,
                            "devices: device '%s' needs addresses or hostnames (how else would its "
                            "logs be recognised?)",
                            d->name);
        /* Tenants may be listed after devices: the tenant check runs at the end. */
        for (size_t i = 0; i + 1 < cfg->device_count; i++)
            if (!strcmp(cfg->devices[i].name, d->name) && !strcmp(cfg->devices[i].tenant, d->tenant))
                return cfg_fail(ld, item, "devices: device '%s' of tenant '%s' is defined twice",
                                d->name, d->tenant);
    }
    return YM_OK;
}

/* ---- threat-intel lists (rules.threat_intel) ---- */

static enum ym_status on_ti_list(struct loader *ld, const char *key, yaml_node_t *k,
                                 yaml_node_t *v, void *arg)
{
    struct ym_ti_list_config *l = arg;
    long long x;
    enum ym_status st;
    if (!strcmp(key, "name"))
        return cfg_get_nonempty(ld, v, "rules.threat_intel.name", &l->name);
    if (!strcmp(key, "path"))
        return cfg_get_nonempty(ld, v, "rules.threat_intel.path", &l->path);
    if (!strcmp(key, "tenant")) {
        if ((st = cfg_get_nonempty(ld, v, "rules.threat_intel.tenant", &l->tenant)) == YM_OK &&
            !ym_config_tenant_name_ok(l->tenant))
            return cfg_fail(ld, v, "rules.threat_intel.tenant: '%s' is not a tenant name",
                            l->tenant);
        return st;
    }
    if (!strcmp(key, "confidence")) {
        if ((st = cfg_get_int(ld, v, "rules.threat_intel.confidence", 0, 100, 0, &x)) == YM_OK)
            l->confidence = (int)x;
        return st;
    }
    if (!strcmp(key, "format")) {
        if ((st = cfg_get_nonempty(ld, v, "rules.threat_intel.format", &l->format)) != YM_OK)
            return st;
        if (strcmp(l->format, "auto") && strcmp(l->format, "text") && strcmp(l->format, "csv") &&
            strcmp(l->format, "stix"))
            return cfg_fail(ld, v, "rules.threat_intel.format: '%s' is not auto, text, csv or stix",
                            l->format);
        return YM_OK;
    }
    return cfg_fail(ld, k,
                    "rules.threat_intel: unknown key '%s' (known: name, path, tenant, confidence, "
                    "format)",
                    key);
}

enum ym_status cfg_load_ti_lists(struct loader *ld, yaml_node_t *v)
{
    struct ym_rules_config *r = &ld->cfg->rules;
    if (v->type == YAML_SCALAR_NODE && !*cfg_scalar(v))
        return YM_OK;
    if (v->type != YAML_SEQUENCE_NODE)
        return cfg_fail(ld, v,
                        "rules.threat_intel: expected a list of lists (lines starting with '- ')");
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++) {
        yaml_node_t *item = cfg_node(ld, *it);
        r->threat_intel =
            ym_xrealloc(r->threat_intel, (r->threat_intel_count + 1) * sizeof *r->threat_intel);
        struct ym_ti_list_config *l = &r->threat_intel[r->threat_intel_count++];
        memset(l, 0, sizeof *l);
        l->confidence = 50;
        enum ym_status st = item ? cfg_each_pair(ld, item, "rules.threat_intel", on_ti_list, l)
                                 : cfg_fail(ld, v, "rules.threat_intel: expected a mapping");
        if (st != YM_OK)
            return st;
        if (!l->path)
            return cfg_fail(ld, item, "rules.threat_intel: a list needs a path");
        if (!l->name) {
            const char *slash = strrchr(l->path, '/');
            l->name = ym_xstrdup(slash ? slash + 1 : l->path);
        }
        if (!l->format)
            l->format = ym_xstrdup("auto");
    }
    return YM_OK;
}
