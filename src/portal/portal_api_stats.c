/* portal_api_stats: what the dashboard draws: tenants, devices and their
 * status, log and event counts per minute and per day, and the summary
 * (open incidents by severity and status, 24-hour counts, SLA breaches).
 *
 * Counts come from the per-minute table the server writes every second
 * (state_db_minutes_each) and from the incident store; req->tenant is the
 * tenant filter the dispatcher decided. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ym_alloc.h"
#include "core/ym_time.h"
#include "portal/portal_http.h"
#include "portal/portal_internal.h"
#include "state/state_incidents.h"

#define MINUTE_NS (60 * YM_NS_PER_S)
#define SILENT_AFTER_NS (10 * MINUTE_NS) /* a device with no log for this long is silent */
#define MAX_RANGE_NS (31 * YM_NS_PER_DAY)

void portal_api_tenants(struct portal_req *req, struct portal_resp *resp)
{
    json_t *list = json_array();
    for (size_t i = 0; i < req->cfg->tenant_count; i++) {
        const struct ym_tenant_config *t = &req->cfg->tenants[i];
        if (req->tenant && strcmp(req->tenant, t->name) != 0)
            continue;
        json_array_append_new(list, json_pack("{s:s, s:s}", "name", t->name, "display_name",
                                              t->display_name ? t->display_name : t->name));
    }
    portal_reply_json(resp, 200, json_pack("{s:o}", "tenants", list));
}

/* ---- devices ---- */

struct device_row {
    char tenant[72], name[136], kind[16];
    uint64_t logs, errors;
    int64_t last_minute_ns, ever_ns;
};

struct devices {
    struct device_row *v;
    size_t count, cap;
    const char *tenant;
};

static struct device_row *device_find(struct devices *d, const char *tenant, const char *name,
                                      int add)
{
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->v[i].tenant, tenant) == 0 && strcmp(d->v[i].name, name) == 0)
            return &d->v[i];
    if (!add)
        return NULL;
    if (d->count == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 32;
        d->v = ym_xrealloc(d->v, d->cap * sizeof *d->v);
    }
    struct device_row *r = &d->v[d->count++];
    memset(r, 0, sizeof *r);
    snprintf(r->tenant, sizeof r->tenant, "%s", tenant);
    snprintf(r->name, sizeof r->name, "%s", name);
    return r;
}

static int day_activity(void *arg, const struct state_db_activity *a)
{
    struct devices *d = arg;
    struct device_row *r = device_find(d, a->tenant, a->device, 1);
    r->logs = a->logs;
    r->errors = a->parse_errors;
    r->last_minute_ns = a->last_minute_ns;
    return 0;
}

static int ever_activity(void *arg, const struct state_db_activity *a)
{
    struct device_row *r = device_find(arg, a->tenant, a->device, 0);
    if (r)
        r->ever_ns = a->last_minute_ns;
    return 0;
}

void portal_api_devices(struct portal_req *req, struct portal_resp *resp)
{
    int64_t now = ym_time_now_ns();
    struct devices d = {.tenant = req->tenant};
    for (size_t i = 0; i < req->cfg->device_count; i++) {
        const struct ym_device_config *c = &req->cfg->devices[i];
        if (req->tenant && strcmp(req->tenant, c->tenant) != 0)
            continue;
        struct device_row *r = device_find(&d, c->tenant, c->name, 1);
        snprintf(r->kind, sizeof r->kind, "%s", c->kind ? c->kind : "auto");
    }
    enum ym_status st =
        state_db_activity_each(req->db, req->tenant, now - YM_NS_PER_DAY, 0, day_activity, &d);
    int unseen = 0;
    for (size_t i = 0; i < d.count; i++)
        unseen |= d.v[i].last_minute_ns == 0;
    if (st == YM_OK && unseen)
        st = state_db_activity_each(req->db, req->tenant, 0, now - YM_NS_PER_DAY, ever_activity,
                                    &d);
    if (st != YM_OK) {
        free(d.v);
        portal_reply_internal(resp, "devices");
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; i < d.count; i++) {
        const struct device_row *r = &d.v[i];
        int64_t last = r->last_minute_ns ? r->last_minute_ns : r->ever_ns; /* minute start */
        const char *status = !last                                   ? "never"
                             : now - last > SILENT_AFTER_NS           ? "silent"
                                                                      : "up";
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:s, s:s, s:o, s:I, s:I}", "tenant", r->tenant, "name",
                            r->name, "kind", r->kind[0] ? r->kind : "unknown", "status", status,
                            "last_seen", portal_json_time(last), "logs_24h", (json_int_t)r->logs,
                            "parse_errors_24h", (json_int_t)r->errors));
    }
    free(d.v);
    portal_reply_json(resp, 200, json_pack("{s:o}", "devices", list));
}

/* ---- per minute ---- */

/* Counts per bucket (minute or day) over [from, to). */
struct buckets {
    int64_t from_ns, step_ns;
    size_t count;
    uint64_t *logs, *errors, *events, *incidents;
};

static void buckets_init(struct buckets *b, int64_t from, int64_t to, int64_t step)
{
    b->from_ns = from - from % step;
    b->step_ns = step;
    b->count = (size_t)((to - b->from_ns + step - 1) / step);
    b->logs = ym_xcalloc(b->count, sizeof *b->logs);
    b->errors = ym_xcalloc(b->count, sizeof *b->errors);
    b->events = ym_xcalloc(b->count, sizeof *b->events);
    b->incidents = ym_xcalloc(b->count, sizeof *b->incidents);
}

static void buckets_free(struct buckets *b)
{
    free(b->logs);
    free(b->errors);
    free(b->events);
    free(b->incidents);
}

static long bucket_of(const struct buckets *b, int64_t t)
{
    if (t < b->from_ns)
        return -1;
    int64_t i = (t - b->from_ns) / b->step_ns;
    return i < (int64_t)b->count ? (long)i : -1;
}

static int minute_into(void *arg, const struct state_db_minute *m)
{
    struct buckets *b = arg;
    long i = bucket_of(b, m->minute_ns);
    if (i >= 0) {
        b->logs[i] += m->logs;
        b->errors[i] += m->parse_errors;
    }
    return 0;
}

static int event_into(void *arg, const struct state_event *ev)
{
    struct buckets *b = arg;
    long i = bucket_of(b, ev->first_ns);
    if (i >= 0)
        b->events[i]++;
    return 0;
}

static int incident_into(void *arg, const struct state_incident *inc)
{
    struct buckets *b = arg;
    long i = bucket_of(b, inc->created_ns);
    if (i >= 0)
        b->incidents[i]++;
    return 0;
}

static enum ym_status fill(struct portal_req *req, struct buckets *b, int64_t from, int64_t to,
                           int with_incidents)
{
    enum ym_status st = state_db_minutes_each(req->db, req->tenant, b->from_ns, to, minute_into, b);
    struct state_event_filter ef = {.tenant = req->tenant, .from_ns = b->from_ns, .to_ns = to,
                                    .suppressed = 0};
    if (st == YM_OK)
        st = state_events_each(req->db, &ef, event_into, b, NULL);
    struct state_incident_filter inf = {.tenant = req->tenant, .from_ns = b->from_ns, .to_ns = to};
    if (st == YM_OK && with_incidents)
        st = state_incidents_each(req->db, &inf, incident_into, b, NULL);
    return st;
}

void portal_api_stats_minutes(struct portal_req *req, struct portal_resp *resp)
{
    int64_t now = ym_time_now_ns(), from, to;
    if (portal_query_time(req, resp, "from", now - YM_NS_PER_DAY, &from) ||
        portal_query_time(req, resp, "to", now, &to))
        return;
    if (to <= from || to - from > MAX_RANGE_NS) {
        portal_reply_error(resp, 400, "from/to: an interval of at most 31 days, from before to");
        return;
    }
    struct buckets b;
    buckets_init(&b, from, to, MINUTE_NS);
    if (fill(req, &b, from, to, 0) != YM_OK) {
        buckets_free(&b);
        portal_reply_internal(resp, "minute counts");
        return;
    }
    /* Only minutes with something in them: the page fills the gaps. */
    json_t *list = json_array();
    for (size_t i = 0; i < b.count; i++)
        if (b.logs[i] || b.errors[i] || b.events[i])
            json_array_append_new(
                list, json_pack("{s:o, s:I, s:I, s:I}", "t",
                                portal_json_time(b.from_ns + (int64_t)i * MINUTE_NS), "logs",
                                (json_int_t)b.logs[i], "parse_errors", (json_int_t)b.errors[i],
                                "events", (json_int_t)b.events[i]));
    buckets_free(&b);
    portal_reply_json(resp, 200, json_pack("{s:o}", "minutes", list));
}

void portal_api_stats_days(struct portal_req *req, struct portal_resp *resp)
{
    long long days;
    if (portal_query_int(req, resp, "days", 1, 366, 30, &days))
        return;
    int64_t now = ym_time_now_ns();
    int64_t today = now - now % YM_NS_PER_DAY;
    int64_t from = today - (days - 1) * YM_NS_PER_DAY, to = today + YM_NS_PER_DAY;
    struct buckets b;
    buckets_init(&b, from, to, YM_NS_PER_DAY);
    if (fill(req, &b, from, to, 1) != YM_OK) {
        buckets_free(&b);
        portal_reply_internal(resp, "day counts");
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; i < b.count; i++) {
        char day[16];
        ym_time_format_day(b.from_ns + (int64_t)i * YM_NS_PER_DAY, day, sizeof day);
        json_array_append_new(list, json_pack("{s:s, s:I, s:I, s:I}", "t", day, "logs",
                                              (json_int_t)b.logs[i], "events",
                                              (json_int_t)b.events[i], "incidents",
                                              (json_int_t)b.incidents[i]));
    }
    buckets_free(&b);
    portal_reply_json(resp, 200, json_pack("{s:o}", "days", list));
}

/* ---- summary ---- */

static int sum_logs(void *arg, const struct state_db_minute *m)
{
    *(uint64_t *)arg += m->logs;
    return 0;
}

static int count_nothing(void *arg, const struct state_event *ev) { return 1; }

static int count_breach(void *arg, const struct state_incident *inc)
{
    if (inc->sla_breached)
        (*(uint64_t *)arg)++;
    return 0;
}

/* Events of the last 24 hours: counting them reads every such event, so
 * the count is shared for EVENTS_24H_MS (it only ages: a count, not a
 * state a page acts on), while the rest of the summary follows changes. */
#define EVENTS_24H_MS 5000
static enum ym_status events_24h(struct portal_req *req, const struct state_event_filter *ef,
                                 uint64_t *events)
{
    char key[128];
    snprintf(key, sizeof key, "events_24h|%s", req->tenant ? req->tenant : "*");
    size_t len;
    uint64_t gen;
    char *text = portal_cache_get(req->portal->cache, key, 1, &len, &gen);
    if (text) {
        *events = strtoull(text, NULL, 10);
        free(text);
        return YM_OK;
    }
    enum ym_status st = state_events_each(req->db, ef, count_nothing, NULL, events);
    char num[32];
    int n = snprintf(num, sizeof num, "%llu", (unsigned long long)*events);
    portal_cache_put(req->portal->cache, key, st == YM_OK ? num : NULL, (size_t)n, EVENTS_24H_MS,
                     gen);
    return st;
}

void portal_api_stats_summary(struct portal_req *req, struct portal_resp *resp)
{
    int64_t now = ym_time_now_ns();
    struct state_incident_summary s;
    uint64_t logs = 0, events = 0, breaches = 0;
    struct state_event_filter ef = {.tenant = req->tenant, .from_ns = now - YM_NS_PER_DAY,
                                    .suppressed = 0, .limit = 1};
    struct state_incident_filter inf = {.tenant = req->tenant,
                                        .from_ns = now - 30 * YM_NS_PER_DAY};
    if (state_incidents_summary(req->db, req->tenant, &s) != YM_OK ||
        state_db_minutes_each(req->db, req->tenant, now - YM_NS_PER_DAY, 0, sum_logs, &logs) !=
            YM_OK ||
        events_24h(req, &ef, &events) != YM_OK ||
        state_incidents_each(req->db, &inf, count_breach, &breaches, NULL) != YM_OK) {
        portal_reply_internal(resp, "summary");
        return;
    }
    json_t *open = json_object(), *by_status = json_object();
    for (int sev = STATE_SEV_COUNT - 1; sev >= 0; sev--) {
        uint64_t n = 0;
        for (int st = 0; st < STATE_STATUS_COUNT; st++)
            if (STATE_STATUS_OPEN_MASK & (1u << st))
                n += s.by[sev][st];
        json_object_set_new(open, state_severity_name((enum state_severity)sev),
                            json_integer((json_int_t)n));
    }
    for (int st = 0; st < STATE_STATUS_COUNT; st++) {
        uint64_t n = 0;
        for (int sev = 0; sev < STATE_SEV_COUNT; sev++)
            n += s.by[sev][st];
        json_object_set_new(by_status, state_status_name((enum state_status)st),
                            json_integer((json_int_t)n));
    }
    portal_reply_json(resp, 200,
                      json_pack("{s:o, s:o, s:I, s:I, s:I}", "open_incidents", open, "by_status",
                                by_status, "logs_24h", (json_int_t)logs, "events_24h",
                                (json_int_t)events, "sla_breaches_30d", (json_int_t)breaches));
}
