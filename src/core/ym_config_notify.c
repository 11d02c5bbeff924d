/* ym_config_notify: the notification keys of yamori.yaml, the top-level
 * notify section (smtp, retry, hold_for_ack, ca_file, portal_url) and the
 * keys a tenant has for them (language, timezone, contacts, notify,
 * require_ack, digest_interval_minutes), with the tenant defaults. Part of
 * the loader in ym_config.c; the interface is core/ym_config_load.h. */
#include "core/ym_config_load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ym_alloc.h"
#include "core/ym_time.h"

/* Emergency and critical at once, the rest in the monthly report. */
void cfg_tenant_notify_defaults(struct ym_tenant_config *t)
{
    t->notify_mode[0] = YM_NOTIFY_IMMEDIATE;
    t->notify_mode[1] = YM_NOTIFY_IMMEDIATE;
    t->notify_mode[2] = YM_NOTIFY_REPORT;
    t->notify_mode[3] = YM_NOTIFY_REPORT;
    t->digest_interval_minutes = 60;
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
        return cfg_fail(ld, v, "%s: expected a list of severities", key);
    }
    for (yaml_node_item_t *it = start; it < top; it++) {
        yaml_node_t *item = it == &one ? v : cfg_node(ld, *it);
        int i = item ? ym_config_severity_index(cfg_scalar(item)) : -1;
        if (i < 0)
            return cfg_fail(ld, item ? item : v,
                            "%s: expected emergency, critical, warning or informational", key);
        *mask |= 1u << i;
    }
    return YM_OK;
}

static enum ym_status read_password_file(struct loader *ld, const yaml_node_t *v, char **out)
{
    const char *path = cfg_scalar(v);
    if (!path || !*path)
        return cfg_fail(ld, v, "notify.smtp.password_file: expected a file name");
    FILE *f = fopen(path, "rb");
    if (!f)
        return cfg_fail(ld, v, "notify.smtp.password_file: cannot open %s: %s", path,
                        strerror(errno));
    char buf[512];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0'; /* first line */
    if (!buf[0] || strlen(buf) != strcspn(buf, "\r\n"))
        return cfg_fail(ld, v, "notify.smtp.password_file: %s holds no password", path);
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
        enum ym_status st = cfg_get_nonempty(ld, v, "notify.smtp.url", &n->smtp_url);
        if (st == YM_OK && !url_ok(n->smtp_url, schemes))
            return cfg_fail(ld, v,
                            "notify.smtp.url: expected smtp://HOST[:PORT] or smtps://HOST[:PORT]");
        return st;
    }
    if (!strcmp(key, "starttls")) {
        const char *s = cfg_scalar(v);
        if (s && !strcmp(s, "required"))
            n->starttls = YM_STARTTLS_REQUIRED;
        else if (s && !strcmp(s, "optional"))
            n->starttls = YM_STARTTLS_OPTIONAL;
        else if (s && !strcmp(s, "off"))
            n->starttls = YM_STARTTLS_OFF;
        else
            return cfg_fail(ld, v, "notify.smtp.starttls: expected required, optional or off");
        return YM_OK;
    }
    if (!strcmp(key, "username"))
        return cfg_get_nonempty(ld, v, "notify.smtp.username", &n->username);
    if (!strcmp(key, "password"))
        return cfg_get_nonempty(ld, v, "notify.smtp.password", &n->password);
    if (!strcmp(key, "password_file"))
        return read_password_file(ld, v, &n->password);
    if (!strcmp(key, "from")) {
        enum ym_status st = cfg_get_nonempty(ld, v, "notify.smtp.from", &n->from);
        if (st == YM_OK && !email_ok(n->from))
            return cfg_fail(ld, v, "notify.smtp.from: '%s' is not an email address", n->from);
        return st;
    }
    return cfg_fail(ld, k,
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
        if ((st = cfg_get_int(ld, v, "notify.retry.attempts", 1, 100, 0, &x)) == YM_OK)
            n->retry_attempts = (int)x;
        return st;
    }
    if (!strcmp(key, "first_delay_ms")) {
        if ((st = cfg_get_int(ld, v, "notify.retry.first_delay_ms", 10, 86400000, 0, &x)) == YM_OK)
            n->retry_first_delay_ms = (int)x;
        return st;
    }
    if (!strcmp(key, "max_delay_ms")) {
        if ((st = cfg_get_int(ld, v, "notify.retry.max_delay_ms", 10, 86400000, 0, &x)) == YM_OK)
            n->retry_max_delay_ms = (int)x;
        return st;
    }
    return cfg_fail(ld, k, "notify.retry: unknown key '%s' (known: attempts, first_delay_ms, "
                       "max_delay_ms)", key);
}

enum ym_status cfg_on_notify(struct loader *ld, const char *key, yaml_node_t *k, yaml_node_t *v,
                             void *arg)
{
    struct ym_notify_config *n = &ld->cfg->notify;
    static const char *const schemes[] = {"http://", "https://", NULL};
    if (!strcmp(key, "smtp"))
        return cfg_each_pair(ld, v, "notify.smtp", on_smtp, NULL);
    if (!strcmp(key, "retry"))
        return cfg_each_pair(ld, v, "notify.retry", on_retry, NULL);
    if (!strcmp(key, "hold_for_ack"))
        return cfg_get_bool(ld, v, "notify.hold_for_ack", &n->hold_for_ack);
    if (!strcmp(key, "ca_file"))
        return cfg_get_nonempty(ld, v, "notify.ca_file", &n->ca_file);
    if (!strcmp(key, "portal_url")) {
        enum ym_status st = cfg_get_nonempty(ld, v, "notify.portal_url", &n->portal_url);
        if (st == YM_OK && !url_ok(n->portal_url, schemes))
            return cfg_fail(ld, v, "notify.portal_url: expected http://... or https://...");
        return st;
    }
    return cfg_fail(ld, k,
                    "notify: unknown key '%s' (known: smtp, retry, hold_for_ack, ca_file, "
                    "portal_url)",
                    key);
}

static enum ym_status on_contact(struct loader *ld, const char *key, yaml_node_t *k,
                                 yaml_node_t *v, void *arg)
{
    struct ym_contact_config *c = arg;
    static const char *const schemes[] = {"http://", "https://", NULL};
    if (!strcmp(key, "email")) {
        enum ym_status st = cfg_get_nonempty(ld, v, "contacts.email", &c->email);
        if (st == YM_OK && !email_ok(c->email))
            return cfg_fail(ld, v, "contacts.email: '%s' is not an email address", c->email);
        return st;
    }
    if (!strcmp(key, "webhook")) {
        enum ym_status st = cfg_get_nonempty(ld, v, "contacts.webhook", &c->webhook_url);
        if (st == YM_OK && !url_ok(c->webhook_url, schemes))
            return cfg_fail(ld, v, "contacts.webhook: expected http://... or https://...");
        return st;
    }
    if (!strcmp(key, "format")) {
        const char *s = cfg_scalar(v);
        if (s && !strcmp(s, "generic"))
            c->format = YM_WEBHOOK_GENERIC;
        else if (s && !strcmp(s, "slack"))
            c->format = YM_WEBHOOK_SLACK;
        else if (s && !strcmp(s, "teams"))
            c->format = YM_WEBHOOK_TEAMS;
        else
            return cfg_fail(ld, v, "contacts.format: expected generic, slack or teams");
        return YM_OK;
    }
    if (!strcmp(key, "severities"))
        return get_severities(ld, v, "contacts.severities", &c->severity_mask);
    return cfg_fail(ld, k, "contacts: unknown key '%s' (known: email, webhook, format, severities)",
                    key);
}

static enum ym_status load_contacts(struct loader *ld, yaml_node_t *v, struct ym_tenant_config *t)
{
    if (v->type != YAML_SEQUENCE_NODE)
        return cfg_fail(ld, v, "contacts: expected a list (lines starting with '- ')");
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++) {
        yaml_node_t *item = cfg_node(ld, *it);
        if (!item)
            return cfg_fail(ld, v, "contacts: expected a contact");
        t->contacts = ym_xrealloc(t->contacts, (t->contact_count + 1) * sizeof *t->contacts);
        struct ym_contact_config *c = &t->contacts[t->contact_count++];
        memset(c, 0, sizeof *c);
        c->severity_mask = (1u << YM_SEVERITY_COUNT) - 1;
        enum ym_status st = cfg_each_pair(ld, item, "contacts", on_contact, c);
        if (st != YM_OK)
            return st;
        if (!c->email == !c->webhook_url)
            return cfg_fail(ld, item, "contacts: a contact has either email or webhook");
    }
    return YM_OK;
}

static enum ym_status on_tenant_notify(struct loader *ld, const char *key, yaml_node_t *k,
                                       yaml_node_t *v, void *arg)
{
    struct ym_tenant_config *t = arg;
    int i = ym_config_severity_index(key);
    if (i < 0)
        return cfg_fail(ld, k, "tenants.notify: unknown severity '%s' (known: emergency, critical, "
                           "warning, informational)", key);
    const char *s = cfg_scalar(v);
    if (s && !strcmp(s, "immediate"))
        t->notify_mode[i] = YM_NOTIFY_IMMEDIATE;
    else if (s && !strcmp(s, "digest"))
        t->notify_mode[i] = YM_NOTIFY_DIGEST;
    else if (s && !strcmp(s, "report"))
        t->notify_mode[i] = YM_NOTIFY_REPORT;
    else
        return cfg_fail(ld, v, "tenants.notify.%s: expected immediate, digest or report", key);
    return YM_OK;
}

/* The tenant keys of notifications; YM_EDECLINED when key is not one. */
enum ym_status cfg_tenant_notify_key(struct loader *ld, const char *key, yaml_node_t *v,
                                     struct ym_tenant_config *t)
{
    if (!strcmp(key, "language")) {
        const char *s = cfg_scalar(v);
        if (!s || (strcmp(s, "en") && strcmp(s, "ja")))
            return cfg_fail(ld, v, "tenants.language: expected en or ja");
        return cfg_get_str(ld, v, "tenants.language", &t->language);
    }
    if (!strcmp(key, "timezone")) {
        enum ym_status st = cfg_get_str(ld, v, "tenants.timezone", &t->timezone);
        int off;
        if (st == YM_OK && t->timezone[0] && ym_time_zone_offset(t->timezone, 0, &off) != YM_OK)
            return cfg_fail(ld, v, "tenants.timezone: '%s' is neither an offset like +09:00 nor a "
                               "known zone like Asia/Tokyo", t->timezone);
        return st;
    }
    if (!strcmp(key, "contacts"))
        return load_contacts(ld, v, t);
    if (!strcmp(key, "notify"))
        return cfg_each_pair(ld, v, "tenants.notify", on_tenant_notify, t);
    if (!strcmp(key, "require_ack"))
        return get_severities(ld, v, "tenants.require_ack", &t->require_ack_mask);
    if (!strcmp(key, "digest_interval_minutes")) {
        long long x;
        enum ym_status st = cfg_get_int(ld, v, "tenants.digest_interval_minutes", 1, 44640, 0, &x);
        if (st == YM_OK)
            t->digest_interval_minutes = (int)x;
        return st;
    }
    return YM_EDECLINED;
}
