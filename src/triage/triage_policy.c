/* triage_policy: loading the triage policy and judging one detection (see
 * triage_policy.h and docs/triage.md for what each key means). */
#include "triage/triage_policy.h"

#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/ym_alloc.h"
#include "core/ym_net.h"
#include "core/ym_time.h"
#include "detect/detect_yaml.h"

#define MIN_NS (60 * YM_NS_PER_S)

/* ---- field conditions ---- */

/* "10.0.0.0/8" -> network; also a bare address (a /32 or /128). */
static int parse_cidr(const char *value, struct triage_cond *c)
{
    if (!ym_cidr_parse(value, strlen(value), c->net, &c->prefix))
        return 0;
    c->cidr = 1;
    return 1;
}

int triage_cidr_contains(const struct triage_cond *c, const char *addr)
{
    uint8_t a[16];
    return c->cidr && addr && ym_ip_parse(addr, strlen(addr), a) &&
           ym_cidr_contains(c->net, c->prefix, a);
}

/* Case-insensitive glob with '*'. */
static int glob_match(const char *pat, const char *s)
{
    const char *star = NULL, *retry = NULL;
    while (*s) {
        if (*pat == '*') {
            star = ++pat;
            retry = s;
        } else if (tolower((unsigned char)*pat) == tolower((unsigned char)*s)) {
            pat++;
            s++;
        } else if (star) {
            pat = star;
            s = ++retry;
        } else {
            return 0;
        }
    }
    while (*pat == '*')
        pat++;
    return *pat == '\0';
}

void triage_conds_free(struct triage_conds *c)
{
    for (size_t i = 0; i < c->count; i++) {
        free(c->v[i].field);
        free(c->v[i].value);
    }
    free(c->v);
    c->v = NULL;
    c->count = 0;
}

enum ym_status triage_conds_parse(const char *text, struct triage_conds *out, char *why,
                                  size_t why_len)
{
    memset(out, 0, sizeof *out);
    const char *p = text ? text : "";
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        size_t n = strcspn(p, " \t");
        const char *eq = memchr(p, '=', n);
        if (!eq || eq == p || (eq == p + 1 && p[0] == '!')) {
            snprintf(why, why_len, "'%.*s' is not field=value or field!=value", (int)n, p);
            triage_conds_free(out);
            return YM_EINVAL;
        }
        struct triage_cond c = {0};
        size_t flen = (size_t)(eq - p);
        if (eq[-1] == '!') {
            c.negate = 1;
            flen--;
        }
        c.field = ym_xmalloc(flen + 1);
        memcpy(c.field, p, flen);
        c.field[flen] = '\0';
        size_t vlen = n - (size_t)(eq + 1 - p);
        c.value = ym_xmalloc(vlen + 1);
        memcpy(c.value, eq + 1, vlen);
        c.value[vlen] = '\0';
        if (strchr(c.value, '/') && !strchr(c.value, '*'))
            parse_cidr(c.value, &c);
        out->v = ym_xrealloc(out->v, (out->count + 1) * sizeof *out->v);
        out->v[out->count++] = c;
        p += n;
    }
    return YM_OK;
}

static int cond_holds(const struct triage_cond *c, const struct triage_detection *d)
{
    const char *v = triage_detection_field(d, c->field);
    if (!v && strcmp(c->field, "rule.id") == 0)
        v = d->rule_id;
    if (!v && strcmp(c->field, "device") == 0)
        v = d->device;
    if (!v)
        return 0;
    if (c->cidr)
        return triage_cidr_contains(c, v);
    return glob_match(c->value, v);
}

int triage_conds_match(const struct triage_conds *c, const struct triage_detection *d)
{
    for (size_t i = 0; i < c->count; i++)
        if (cond_holds(&c->v[i], d) == c->v[i].negate)
            return 0;
    return 1;
}

/* ---- loading ---- */

int triage_parse_duration(const char *s, int64_t *out_ns)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v < 0 || v > 1e7)
        return -1;
    double unit = 1;
    if (*end == 's')
        end++;
    else if (*end == 'm')
        unit = 60, end++;
    else if (*end == 'h')
        unit = 3600, end++;
    else if (*end == 'd')
        unit = 86400, end++;
    if (*end)
        return -1;
    *out_ns = (int64_t)(v * unit * (double)YM_NS_PER_S);
    return 0;
}

struct loader {
    const char *file;
    struct ym_error *err;
    int failed;
};

static int bad(struct loader *l, const struct detect_yaml_node *n, const char *fmt, const char *what)
{
    if (!l->failed)
        ym_error_set(l->err, l->file, n ? n->line : 0, 0, fmt, what);
    l->failed = 1;
    return -1;
}

static void get_duration(struct loader *l, const struct detect_yaml_node *map, const char *key,
                         int64_t *out)
{
    struct detect_yaml_node *n = detect_yaml_get(map, key);
    if (!n)
        return;
    if (n->type != DETECT_YAML_SCALAR || triage_parse_duration(n->str, out) != 0)
        bad(l, n, "%s: a duration like 10m, 90s, 2h or 1d", key);
}

static void get_uint(struct loader *l, const struct detect_yaml_node *map, const char *key,
                     unsigned max, unsigned *out)
{
    struct detect_yaml_node *n = detect_yaml_get(map, key);
    if (!n)
        return;
    char *end;
    errno = 0;
    unsigned long v = n->type == DETECT_YAML_SCALAR ? strtoul(n->str, &end, 10) : 0;
    if (n->type != DETECT_YAML_SCALAR || errno || *end || end == n->str || v > max) {
        bad(l, n, "%s: a small whole number", key);
        return;
    }
    *out = (unsigned)v;
}

static int sev_of(struct loader *l, const struct detect_yaml_node *n, enum state_severity *out)
{
    if (!n || n->type != DETECT_YAML_SCALAR || state_severity_parse(n->str, out) != 0)
        return bad(l, n, "%s: emergency, critical, warning or informational",
                   n && n->type == DETECT_YAML_SCALAR ? n->str : "severity");
    return 0;
}

/* A scalar or a sequence of scalars into a string list. */
static char **str_list(struct loader *l, const struct detect_yaml_node *n, size_t *count)
{
    *count = 0;
    if (!n)
        return NULL;
    if (n->type == DETECT_YAML_SCALAR) {
        char **v = ym_xmalloc(sizeof *v);
        v[0] = ym_xstrdup(n->str);
        *count = 1;
        return v;
    }
    if (n->type != DETECT_YAML_SEQ) {
        bad(l, n, "%s", "expected a list");
        return NULL;
    }
    char **v = ym_xcalloc(n->count ? n->count : 1, sizeof *v);
    for (size_t i = 0; i < n->count; i++) {
        if (n->items[i]->type != DETECT_YAML_SCALAR) {
            bad(l, n->items[i], "%s", "expected a list of words");
            continue;
        }
        v[(*count)++] = ym_xstrdup(n->items[i]->str);
    }
    return v;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* A list of fixed-size field names (key, distinct). */
static void field_list(struct loader *l, const struct detect_yaml_node *n, char **dst,
                       unsigned max, unsigned *count)
{
    if (!n)
        return;
    size_t c;
    char **v = str_list(l, n, &c);
    if (c > max)
        bad(l, n, "%s", "too many fields");
    for (unsigned i = 0; i < *count; i++)
        free(dst[i]);
    *count = 0;
    for (size_t i = 0; i < c; i++) {
        if (i < max)
            dst[(*count)++] = v[i];
        else
            free(v[i]);
    }
    free(v);
}

static struct triage_conds *cond_list(struct loader *l, const struct detect_yaml_node *n,
                                      size_t *count)
{
    size_t c;
    char **v = str_list(l, n, &c);
    struct triage_conds *out = ym_xcalloc(c ? c : 1, sizeof *out);
    for (size_t i = 0; i < c; i++) {
        char why[256];
        if (triage_conds_parse(v[i], &out[i], why, sizeof why) != YM_OK)
            bad(l, n, "%s", why);
    }
    free_list(v, c);
    *count = c;
    return out;
}

static void replace_conds(struct triage_conds **dst, size_t *dst_count, struct triage_conds *src,
                          size_t src_count)
{
    for (size_t i = 0; i < *dst_count; i++)
        triage_conds_free(&(*dst)[i]);
    free(*dst);
    *dst = src;
    *dst_count = src_count;
}

static void replace_list(char ***dst, size_t *dst_count, char **src, size_t src_count)
{
    free_list(*dst, *dst_count);
    *dst = src;
    *dst_count = src_count;
}

static void tenant_values(struct loader *l, const struct detect_yaml_node *map,
                          struct triage_tenant_policy *t)
{
    struct detect_yaml_node *n = detect_yaml_get(map, "incident_min");
    if (n)
        sev_of(l, n, &t->incident_min);
    struct detect_yaml_node *sla = detect_yaml_get(map, "sla");
    if (sla && sla->type != DETECT_YAML_MAP) {
        bad(l, sla, "%s", "sla: a map of severity: duration");
        return;
    }
    for (size_t i = 0; sla && i < sla->count; i++) {
        enum state_severity s;
        if (sev_of(l, sla->keys[i], &s) != 0)
            continue;
        if (detect_yaml_is_null(sla->items[i]) || strcmp(sla->items[i]->str, "none") == 0)
            t->sla_ns[s] = 0;
        else if (sla->items[i]->type != DETECT_YAML_SCALAR ||
                 triage_parse_duration(sla->items[i]->str, &t->sla_ns[s]) != 0)
            bad(l, sla->items[i], "%s", "sla: a duration like 15m, or none");
    }
}

static void set_defaults(struct triage_policy *p)
{
    static const char *const distinct[] = {"source.ip", "destination.ip", "destination.port",
                                           "url.original", "user.name"};
    static const char *const blocked[] = {
        "event.type=*denied*", "nsp.blocked=true", "event.action=deny*", "event.action=drop*",
        "event.action=block*", "event.action=reset*", "event.action=reject*",
        "event.action=prevent*", "event.action=quarantine*", "event.action=sinkhole"};
    static const char *const allowed[] = {
        "event.type=*allowed*", "event.action=allow*", "event.action=permit*",
        "event.action=alert*",  "event.action=accept*", "event.action=pass*"};
    static const char *const web[] = {"attack.t1190", "attack.t1059", "attack.t1505.003",
                                      "attack.t1083", "attack.t1189"};
    static const char *const exploit[] = {"attack.initial_access", "attack.execution",
                                          "attack.t1190"};
    static const char *const callback[] = {"attack.command_and_control"};

    p->path = ym_xstrdup("");
    p->window_ns = 10 * MIN_NS;
    p->window_max_ns = 24 * 60 * MIN_NS;
    p->samples = 5;
    for (unsigned i = 0; i < 5; i++)
        p->distinct[i] = ym_xstrdup(distinct[i]);
    p->distinct_count = 5;
    p->distinct_values = 20;
    p->key[0] = ym_xstrdup("source.ip");
    p->key[1] = ym_xstrdup("destination.ip");
    p->key_count = 2;
    p->level_severity[0] = STATE_SEV_INFORMATIONAL; /* informational */
    p->level_severity[1] = STATE_SEV_INFORMATIONAL; /* low */
    p->level_severity[2] = STATE_SEV_WARNING;       /* medium */
    p->level_severity[3] = STATE_SEV_WARNING;       /* high */
    p->level_severity[4] = STATE_SEV_CRITICAL;      /* critical */
    p->blocked_count = sizeof blocked / sizeof blocked[0];
    p->blocked = ym_xcalloc(p->blocked_count, sizeof *p->blocked);
    char why[128];
    for (size_t i = 0; i < p->blocked_count; i++)
        triage_conds_parse(blocked[i], &p->blocked[i], why, sizeof why);
    p->allowed_count = sizeof allowed / sizeof allowed[0];
    p->allowed = ym_xcalloc(p->allowed_count, sizeof *p->allowed);
    for (size_t i = 0; i < p->allowed_count; i++)
        triage_conds_parse(allowed[i], &p->allowed[i], why, sizeof why);
    p->blocked_max = STATE_SEV_WARNING;
#define COPY_LIST(dst, n, src)                                                                 \
    do {                                                                                       \
        n = sizeof src / sizeof src[0];                                                        \
        dst = ym_xcalloc(n, sizeof *dst);                                                      \
        for (size_t i_ = 0; i_ < n; i_++)                                                      \
            dst[i_] = ym_xstrdup(src[i_]);                                                     \
    } while (0)
    COPY_LIST(p->web_tags, p->web_tag_count, web);
    COPY_LIST(p->exploit_tags, p->exploit_tag_count, exploit);
    COPY_LIST(p->callback_tags, p->callback_tag_count, callback);
#undef COPY_LIST
    p->web_status_min = 200;
    p->web_status_max = 299;
    p->callback_min_level = DETECT_LEVEL_HIGH;
    p->callback_window_ns = 30 * MIN_NS;
    p->success_severity = STATE_SEV_CRITICAL;
    p->defaults.incident_min = STATE_SEV_CRITICAL;
    p->defaults.sla_ns[STATE_SEV_EMERGENCY] = 15 * MIN_NS;
    p->defaults.sla_ns[STATE_SEV_CRITICAL] = 15 * MIN_NS;
    p->merge_ns = 24 * 60 * MIN_NS;
}

static void load_severity(struct loader *l, struct triage_policy *p,
                          const struct detect_yaml_node *sev)
{
    struct detect_yaml_node *levels = detect_yaml_get(sev, "levels");
    static const char *const names[] = {"informational", "low", "medium", "high", "critical"};
    for (unsigned i = 0; levels && i < 5; i++) {
        struct detect_yaml_node *n = detect_yaml_get(levels, names[i]);
        if (n)
            sev_of(l, n, &p->level_severity[i]);
    }
    struct detect_yaml_node *verdict = detect_yaml_get(sev, "verdict");
    struct detect_yaml_node *n;
    size_t c;
    if ((n = detect_yaml_get(verdict, "blocked"))) {
        struct triage_conds *v = cond_list(l, n, &c);
        replace_conds(&p->blocked, &p->blocked_count, v, c);
    }
    if ((n = detect_yaml_get(verdict, "allowed"))) {
        struct triage_conds *v = cond_list(l, n, &c);
        replace_conds(&p->allowed, &p->allowed_count, v, c);
    }
    if ((n = detect_yaml_get(verdict, "blocked_max")))
        sev_of(l, n, &p->blocked_max);
    struct detect_yaml_node *ev = detect_yaml_get(sev, "success");
    if ((n = detect_yaml_get(ev, "severity")))
        sev_of(l, n, &p->success_severity);
    struct detect_yaml_node *web = detect_yaml_get(ev, "web");
    if ((n = detect_yaml_get(web, "tags"))) {
        char **v = str_list(l, n, &c);
        replace_list(&p->web_tags, &p->web_tag_count, v, c);
    }
    const char *st = detect_yaml_get_str(web, "http_status");
    if (st && sscanf(st, "%d-%d", &p->web_status_min, &p->web_status_max) != 2)
        bad(l, detect_yaml_get(web, "http_status"), "%s", "http_status: a range like 200-299");
    struct detect_yaml_node *cb = detect_yaml_get(ev, "callback");
    if ((n = detect_yaml_get(cb, "exploit_tags"))) {
        char **v = str_list(l, n, &c);
        replace_list(&p->exploit_tags, &p->exploit_tag_count, v, c);
    }
    if ((n = detect_yaml_get(cb, "callback_tags"))) {
        char **v = str_list(l, n, &c);
        replace_list(&p->callback_tags, &p->callback_tag_count, v, c);
    }
    get_duration(l, cb, "window", &p->callback_window_ns);
    const char *lv = detect_yaml_get_str(cb, "min_level");
    if (lv) {
        int found = -1;
        for (int i = 0; i < 5; i++)
            if (strcasecmp(lv, names[i]) == 0)
                found = i;
        if (found < 0)
            bad(l, detect_yaml_get(cb, "min_level"), "%s", "min_level: a Sigma level");
        else
            p->callback_min_level = found;
    }
}

static void load_assets(struct loader *l, struct triage_policy *p, const struct detect_yaml_node *n)
{
    if (!n)
        return;
    if (n->type != DETECT_YAML_SEQ) {
        bad(l, n, "%s", "assets: a list");
        return;
    }
    p->assets = ym_xcalloc(n->count ? n->count : 1, sizeof *p->assets);
    for (size_t i = 0; i < n->count; i++) {
        const struct detect_yaml_node *a = n->items[i];
        struct triage_asset *as = &p->assets[p->asset_count++];
        const char *name = detect_yaml_get_str(a, "name");
        as->name = ym_xstrdup(name ? name : "");
        const char *tenant = detect_yaml_get_str(a, "tenant");
        as->tenant = ym_xstrdup(tenant ? tenant : "");
        const char *crit = detect_yaml_get_str(a, "criticality");
        as->critical = crit && strcasecmp(crit, "critical") == 0;
        const char *vul = detect_yaml_get_str(a, "vulnerable");
        as->vulnerable = vul && (strcasecmp(vul, "true") == 0 || strcasecmp(vul, "yes") == 0);
        size_t c;
        char **nets = str_list(l, detect_yaml_get(a, "networks"), &c);
        as->nets = ym_xcalloc(c ? c : 1, sizeof *as->nets);
        for (size_t k = 0; k < c; k++) {
            if (!parse_cidr(nets[k], &as->nets[as->net_count]))
                bad(l, a, "%s: not an address or network", nets[k]);
            else
                as->net_count++;
        }
        free_list(nets, c);
    }
}

static void load_rules(struct loader *l, struct triage_policy *p, const struct detect_yaml_node *n)
{
    if (!n)
        return;
    if (n->type != DETECT_YAML_MAP) {
        bad(l, n, "%s", "rules: a map of rule id: settings");
        return;
    }
    p->rules = ym_xcalloc(n->count ? n->count : 1, sizeof *p->rules);
    for (size_t i = 0; i < n->count; i++) {
        struct triage_rule_policy *r = &p->rules[p->rule_count++];
        r->rule_id = ym_xstrdup(n->keys[i]->str);
        r->severity = -1;
        field_list(l, detect_yaml_get(n->items[i], "aggregate"), r->key, TRIAGE_KEY_MAX_FIELDS,
                   &r->key_count);
        struct detect_yaml_node *s = detect_yaml_get(n->items[i], "severity");
        enum state_severity sev;
        if (s && sev_of(l, s, &sev) == 0)
            r->severity = (int)sev;
    }
}

static void load_tenants(struct loader *l, struct triage_policy *p,
                         const struct detect_yaml_node *n)
{
    if (!n)
        return;
    if (n->type != DETECT_YAML_MAP) {
        bad(l, n, "%s", "tenants: a map of tenant: settings");
        return;
    }
    p->tenants = ym_xcalloc(n->count ? n->count : 1, sizeof *p->tenants);
    for (size_t i = 0; i < n->count; i++) {
        struct triage_tenant_policy *t = &p->tenants[p->tenant_count++];
        *t = p->defaults;
        t->tenant = ym_xstrdup(n->keys[i]->str);
        tenant_values(l, n->items[i], t);
    }
}

static void load_doc(struct loader *l, struct triage_policy *p, const struct detect_yaml_node *root)
{
    if (root->type != DETECT_YAML_MAP) {
        bad(l, root, "%s", "the policy is a map (see rules/triage.yaml)");
        return;
    }
    const struct detect_yaml_node *ev = detect_yaml_get(root, "events");
    get_duration(l, ev, "window", &p->window_ns);
    get_duration(l, ev, "window_max", &p->window_max_ns);
    get_uint(l, ev, "samples", 50, &p->samples);
    get_uint(l, ev, "distinct_values", 1000, &p->distinct_values);
    field_list(l, detect_yaml_get(ev, "distinct"), p->distinct, TRIAGE_DISTINCT_MAX_FIELDS,
               &p->distinct_count);
    field_list(l, detect_yaml_get(ev, "aggregate"), p->key, TRIAGE_KEY_MAX_FIELDS, &p->key_count);
    if (p->window_ns <= 0)
        bad(l, ev, "%s", "events.window must be more than 0");
    load_rules(l, p, detect_yaml_get(root, "rules"));
    const struct detect_yaml_node *sev = detect_yaml_get(root, "severity");
    if (sev)
        load_severity(l, p, sev);
    load_assets(l, p, detect_yaml_get(root, "assets"));
    const struct detect_yaml_node *inc = detect_yaml_get(root, "incidents");
    if (inc) {
        tenant_values(l, inc, &p->defaults);
        get_duration(l, inc, "merge_window", &p->merge_ns);
    }
    load_tenants(l, p, detect_yaml_get(root, "tenants"));
}

enum ym_status triage_policy_load(const char *path, struct triage_policy **out,
                                  struct ym_error *err)
{
    struct ym_error scratch;
    if (!err)
        err = &scratch;
    struct triage_policy *p = ym_xcalloc(1, sizeof *p);
    set_defaults(p);
    *out = NULL;
    if (!path) {
        *out = p;
        return YM_OK;
    }
    struct detect_yaml_docs docs = {0};
    enum ym_status st = detect_yaml_load_file(path, &docs, err);
    if (st != YM_OK) {
        triage_policy_free(p);
        return st;
    }
    free(p->path);
    p->path = ym_xstrdup(path);
    struct loader l = {.file = path, .err = err};
    for (size_t i = 0; i < docs.count; i++)
        if (docs.v[i])
            load_doc(&l, p, docs.v[i]);
    detect_yaml_docs_free(&docs);
    if (l.failed) {
        triage_policy_free(p);
        return YM_EINVAL;
    }
    *out = p;
    return YM_OK;
}

void triage_policy_free(struct triage_policy *p)
{
    if (!p)
        return;
    free(p->path);
    for (unsigned i = 0; i < p->distinct_count; i++)
        free(p->distinct[i]);
    for (unsigned i = 0; i < p->key_count; i++)
        free(p->key[i]);
    for (size_t i = 0; i < p->rule_count; i++) {
        free(p->rules[i].rule_id);
        for (unsigned k = 0; k < p->rules[i].key_count; k++)
            free(p->rules[i].key[k]);
    }
    free(p->rules);
    replace_conds(&p->blocked, &p->blocked_count, NULL, 0);
    replace_conds(&p->allowed, &p->allowed_count, NULL, 0);
    free_list(p->web_tags, p->web_tag_count);
    free_list(p->exploit_tags, p->exploit_tag_count);
    free_list(p->callback_tags, p->callback_tag_count);
    for (size_t i = 0; i < p->asset_count; i++) {
        free(p->assets[i].name);
        free(p->assets[i].tenant);
        free(p->assets[i].nets);
    }
    free(p->assets);
    for (size_t i = 0; i < p->tenant_count; i++)
        free(p->tenants[i].tenant);
    free(p->tenants);
    free(p);
}

/* ---- use ---- */

const struct triage_tenant_policy *triage_policy_tenant(const struct triage_policy *p,
                                                        const char *tenant)
{
    for (size_t i = 0; tenant && i < p->tenant_count; i++)
        if (strcmp(p->tenants[i].tenant, tenant) == 0)
            return &p->tenants[i];
    return &p->defaults;
}

static const struct triage_rule_policy *rule_policy(const struct triage_policy *p,
                                                    const char *rule_id)
{
    for (size_t i = 0; i < p->rule_count; i++)
        if (strcmp(p->rules[i].rule_id, rule_id) == 0)
            return &p->rules[i];
    return NULL;
}

unsigned triage_policy_key(const struct triage_policy *p, const struct triage_detection *d,
                           struct triage_key_fields *out)
{
    out->count = 0;
    if (d->agg_key && *d->agg_key) {
        snprintf(out->buf, sizeof out->buf, "%s", d->agg_key);
        for (char *s = out->buf; *s && out->count < TRIAGE_KEY_MAX_FIELDS;) {
            while (*s == ',' || *s == ' ')
                *s++ = '\0';
            size_t n = strcspn(s, ", ");
            if (n)
                out->names[out->count++] = s;
            s += n;
        }
        if (out->count)
            return out->count;
    }
    const struct triage_rule_policy *r = rule_policy(p, d->rule_id);
    char *const *key = r && r->key_count ? r->key : p->key;
    unsigned n = r && r->key_count ? r->key_count : p->key_count;
    for (unsigned i = 0; i < n; i++)
        out->names[i] = key[i];
    out->count = n;
    return n;
}

int triage_tags_any(const char *rule_tags, char *const *tags, size_t count)
{
    if (!rule_tags)
        return 0;
    for (size_t i = 0; i < count; i++) {
        size_t n = strlen(tags[i]);
        for (const char *p = rule_tags; *p;) {
            size_t len = strcspn(p, ",");
            if (len == n && strncasecmp(p, tags[i], n) == 0)
                return 1;
            p += len;
            if (*p == ',')
                p++;
        }
    }
    return 0;
}

const struct triage_asset *triage_policy_asset(const struct triage_policy *p, const char *tenant,
                                               const char *addr)
{
    if (!addr || !*addr)
        return NULL;
    for (size_t i = 0; i < p->asset_count; i++)
        if (!*p->assets[i].tenant || (tenant && strcmp(p->assets[i].tenant, tenant) == 0))
            for (size_t k = 0; k < p->assets[i].net_count; k++)
                if (triage_cidr_contains(&p->assets[i].nets[k], addr))
                    return &p->assets[i];
    return NULL;
}

static int any_conds(const struct triage_conds *v, size_t n, const struct triage_detection *d)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].count && triage_conds_match(&v[i], d))
            return 1;
    return 0;
}

/* Appends "; text" to the reason. */
static void because(struct triage_judgement *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void because(struct triage_judgement *j, const char *fmt, ...)
{
    size_t len = strlen(j->reason);
    if (len + 3 >= sizeof j->reason)
        return;
    if (len) {
        memcpy(j->reason + len, "; ", 3);
        len += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->reason + len, sizeof j->reason - len, fmt, ap);
    va_end(ap);
}

void triage_policy_judge(const struct triage_policy *p, const struct triage_detection *d,
                         struct triage_judgement *j)
{
    memset(j, 0, sizeof *j);
    unsigned level = (unsigned)d->level < 5 ? (unsigned)d->level : 0;
    const struct triage_rule_policy *r = rule_policy(p, d->rule_id);
    enum state_severity sev = p->level_severity[level];
    if (r && r->severity >= 0) {
        sev = (enum state_severity)r->severity;
        because(j, "the policy sets this rule to %s", state_severity_name(sev));
    } else {
        because(j, "rule level %s", detect_level_name(d->level));
    }
    if (any_conds(p->blocked, p->blocked_count, d))
        j->verdict = TRIAGE_VERDICT_BLOCKED;
    else if (any_conds(p->allowed, p->allowed_count, d))
        j->verdict = TRIAGE_VERDICT_ALLOWED;
    const char *action = triage_detection_field(d, "event.action");
    const char *src = triage_detection_field(d, "source.ip");
    const char *dst = triage_detection_field(d, "destination.ip");
    int level_ok = (int)level >= p->callback_min_level;
    j->exploit = triage_tags_any(d->tags, p->exploit_tags, p->exploit_tag_count) &&
                 j->verdict != TRIAGE_VERDICT_BLOCKED && dst && src;
    j->callback = triage_tags_any(d->tags, p->callback_tags, p->callback_tag_count) &&
                  j->verdict != TRIAGE_VERDICT_BLOCKED && level_ok;

    if (j->verdict == TRIAGE_VERDICT_BLOCKED) {
        because(j, "blocked by the device%s%s%s", action ? " (" : "", action ? action : "",
                action ? ")" : "");
        if (sev > p->blocked_max)
            sev = p->blocked_max;
        j->severity = sev;
        return;
    }
    if (j->verdict == TRIAGE_VERDICT_ALLOWED)
        because(j, "allowed by the device%s%s%s", action ? " (" : "", action ? action : "",
                action ? ")" : "");
    const char *status = triage_detection_field(d, "http.response.status_code");
    if (status && triage_tags_any(d->tags, p->web_tags, p->web_tag_count)) {
        char *end;
        long code = strtol(status, &end, 10);
        if (end != status && code >= p->web_status_min && code <= p->web_status_max) {
            j->success = 1;
            because(j, "the server answered HTTP %ld: the attack very likely worked", code);
        }
    }
    if (j->callback) {
        j->success = 1;
        because(j, "a callback from %s%s%s", src ? src : "an internal host",
                dst ? " to " : "", dst ? dst : "");
    }
    if (j->success) {
        enum state_severity to = p->success_severity;
        if (sev >= STATE_SEV_CRITICAL && to < STATE_SEV_EMERGENCY)
            to = (enum state_severity)(sev + 1);
        if (to > sev)
            sev = to;
    }
    const char *target = j->callback ? src : dst;
    const struct triage_asset *a = triage_policy_asset(p, d->tenant, target);
    if (a && sev >= STATE_SEV_WARNING) {
        if (a->vulnerable && sev < STATE_SEV_CRITICAL) {
            sev = STATE_SEV_CRITICAL;
            because(j, "target %s (%s) is known vulnerable", target, a->name);
        }
        if (a->critical && sev < STATE_SEV_EMERGENCY) {
            sev = (enum state_severity)(sev + 1);
            because(j, "target %s (%s) is a critical asset", target, a->name);
        }
    }
    j->severity = sev;
}
