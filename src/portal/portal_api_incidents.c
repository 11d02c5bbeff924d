/* portal_api_incidents: events, incidents (timeline, comments, status,
 * assignment) and suppressions, on the functions of state_incidents.h.
 *
 * The dispatcher has already decided access: req->tenant is the tenant
 * filter of list routes, and for {id} routes the object exists and the
 * caller may see it (req->object_id). What is left here is what a role
 * may do to an object it can see: customers comment only with visibility
 * customer, move status only to acknowledged, and never see internal
 * timeline entries. Writes pass the caller as the state_actor, so
 * state_incidents records them in the audit trail in the same
 * transaction. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ym_time.h"
#include "portal/portal_http.h"
#include "state/state_incidents.h"

#define LIST_DEFAULT 100
#define LIST_MAX 1000
#define COMMENT_MAX_BYTES 10000

/* ---- JSON ---- */

static json_t *ip_object(const char *ip)
{
    return json_pack("{s:s?}", "ip", ip && *ip ? ip : NULL);
}

json_t *portal_event_json(const struct state_event *ev)
{
    json_t *o = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:o, s:o, s:I, s:o, s:o, s:b}",
        "id", (json_int_t)ev->id, "tenant", ev->tenant, "rule_id", ev->rule_id, "title",
        ev->title, "level", ev->level, "severity", state_severity_name(ev->severity), "reason",
        ev->reason ? ev->reason : "", "device", ev->device ? ev->device : "", "source.ip",
        ev->source_ip && *ev->source_ip ? ev->source_ip : NULL, "destination.ip",
        ev->destination_ip && *ev->destination_ip ? ev->destination_ip : NULL, "source",
        ip_object(ev->source_ip), "destination", ip_object(ev->destination_ip), "count",
        (json_int_t)ev->count, "first_seen", portal_json_time(ev->first_ns), "last_seen",
        portal_json_time(ev->last_ns), "suppressed", ev->suppressed);
    if (o)
        json_object_set_new(o, "incident_id",
                            ev->incident_id ? json_integer(ev->incident_id) : json_null());
    return o;
}

json_t *portal_incident_json(const struct state_incident *inc)
{
    return json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:o, s:o, s:s, s:o, s:o, s:o, s:o, "
        "s:o, s:b, s:I}",
        "id", (json_int_t)inc->id, "tenant", inc->tenant, "title", inc->title, "severity",
        state_severity_name(inc->severity), "status", state_status_name(inc->status),
        "resolution", state_resolution_name(inc->resolution), "assignee",
        inc->assignee ? inc->assignee : "", "rule_id", inc->rule_id, "source.ip",
        inc->source_ip && *inc->source_ip ? inc->source_ip : NULL, "destination.ip",
        inc->destination_ip && *inc->destination_ip ? inc->destination_ip : NULL, "source",
        ip_object(inc->source_ip), "destination", ip_object(inc->destination_ip), "response",
        inc->response ? inc->response : "", "created", portal_json_time(inc->created_ns),
        "updated", portal_json_time(inc->updated_ns), "first_detection",
        portal_json_time(inc->first_detection_ns), "sla_due", portal_json_time(inc->sla_due_ns),
        "notified", portal_json_time(inc->notified_ns), "sla_breached", inc->sla_breached,
        "detections", (json_int_t)inc->detections);
}

static json_t *suppression_json(const struct state_suppression *s, int64_t now)
{
    int active = !s->deleted_ns && (!s->expires_ns || s->expires_ns > now);
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:I, s:b}", "id",
                     (json_int_t)s->id, "tenant", s->tenant, "rule_id", s->rule_id, "conditions",
                     s->conditions, "reason", s->reason, "author", s->author, "created",
                     portal_json_time(s->created_ns), "expires", portal_json_time(s->expires_ns),
                     "deleted", portal_json_time(s->deleted_ns), "hits", (json_int_t)s->hits,
                     "active", active);
}

/* ---- object owners (the dispatcher's step 6) ---- */

struct owner {
    int64_t id;
    char *out;
    size_t len;
    int found;
};

static int owner_of_event(void *arg, const struct state_event *ev)
{
    struct owner *o = arg;
    snprintf(o->out, o->len, "%s", ev->tenant);
    o->found = 1;
    return 1;
}

static int owner_of_incident(void *arg, const struct state_incident *inc)
{
    struct owner *o = arg;
    snprintf(o->out, o->len, "%s", inc->tenant);
    o->found = 1;
    return 1;
}

static int owner_of_suppression(void *arg, const struct state_suppression *s)
{
    struct owner *o = arg;
    if (s->id != o->id)
        return 0;
    snprintf(o->out, o->len, "%s", s->tenant);
    o->found = 1;
    return 1;
}

enum ym_status portal_object_tenant(struct state_db *db, enum portal_scope scope, int64_t id,
                                    char *out, size_t len)
{
    struct owner o = {id, out, len, 0};
    enum ym_status st;
    switch (scope) {
    case PORTAL_SCOPE_EVENT: st = state_event_get(db, id, owner_of_event, &o); break;
    case PORTAL_SCOPE_INCIDENT: st = state_incident_get(db, id, owner_of_incident, &o); break;
    case PORTAL_SCOPE_SUPPRESSION:
        st = state_suppressions_each(db, NULL, 0, owner_of_suppression, &o);
        break;
    default: return YM_EINVAL;
    }
    if (st != YM_OK)
        return st;
    return o.found ? YM_OK : YM_ENOTFOUND;
}

/* ---- events ---- */

static int add_event(void *arg, const struct state_event *ev)
{
    json_array_append_new(arg, portal_event_json(ev));
    return 0;
}

void portal_api_events(struct portal_req *req, struct portal_resp *resp)
{
    long long limit, offset;
    int64_t from, to;
    if (portal_query_int(req, resp, "limit", 1, LIST_MAX, LIST_DEFAULT, &limit) ||
        portal_query_int(req, resp, "offset", 0, 1LL << 40, 0, &offset) ||
        portal_query_time(req, resp, "from", 0, &from) || portal_query_time(req, resp, "to", 0, &to))
        return;
    struct state_event_filter f = {.tenant = req->tenant, .from_ns = from, .to_ns = to,
                                   .suppressed = -1, .limit = (size_t)limit,
                                   .offset = (size_t)offset};
    json_t *list = json_array();
    /* No total: counting every event would read the whole table. */
    if (state_events_each(req->db, &f, add_event, list, NULL) != YM_OK) {
        json_decref(list);
        portal_reply_internal(resp, "events");
        return;
    }
    portal_reply_json(resp, 200, json_pack("{s:o}", "events", list));
}

/* The event with its samples ({"time","device","raw"}) and distinct values. */
static int event_detail(void *arg, const struct state_event *ev)
{
    json_t *o = portal_event_json(ev);
    json_t *samples = json_array();
    json_t *stored = json_loads(ev->samples_json ? ev->samples_json : "[]", 0, NULL);
    size_t i;
    json_t *s;
    json_array_foreach(stored, i, s)
    {
        json_t *raw = json_object_get(s, "text");
        if (!raw)
            raw = json_object_get(s, "raw");
        json_array_append_new(samples,
                              json_pack("{s:O?, s:O?, s:O?}", "time", json_object_get(s, "time"),
                                        "device", json_object_get(s, "device"), "raw", raw));
    }
    json_decref(stored);
    json_object_set_new(o, "samples", samples);
    json_t *distinct = json_loads(ev->distinct_json ? ev->distinct_json : "{}", 0, NULL);
    json_object_set_new(o, "distinct", json_is_object(distinct) ? distinct : json_object());
    if (distinct && !json_is_object(distinct))
        json_decref(distinct);
    *(json_t **)arg = o;
    return 1;
}

void portal_api_event(struct portal_req *req, struct portal_resp *resp)
{
    json_t *o = NULL;
    if (state_event_get(req->db, req->object_id, event_detail, &o) != YM_OK || !o) {
        json_decref(o);
        portal_reply_error(resp, 404, "no such object");
        return;
    }
    portal_reply_json(resp, 200, o);
}

/* ---- incidents ---- */

static int add_incident(void *arg, const struct state_incident *inc)
{
    json_array_append_new(arg, portal_incident_json(inc));
    return 0;
}

/* "new,acknowledged" or "open" into a status mask; -1 if a name is bad. */
static int parse_mask(const char *s, int statuses, unsigned *mask)
{
    *mask = 0;
    while (s && *s) {
        char word[32];
        size_t n = strcspn(s, ",");
        if (n == 0 || n >= sizeof word)
            return -1;
        memcpy(word, s, n);
        word[n] = '\0';
        if (statuses && strcmp(word, "open") == 0) {
            *mask |= STATE_STATUS_OPEN_MASK;
        } else if (statuses) {
            enum state_status st;
            if (state_status_parse(word, &st) != 0)
                return -1;
            *mask |= 1u << st;
        } else {
            enum state_severity sev;
            if (state_severity_parse(word, &sev) != 0)
                return -1;
            *mask |= 1u << sev;
        }
        s += n;
        if (*s == ',')
            s++;
    }
    return 0;
}

void portal_api_incidents(struct portal_req *req, struct portal_resp *resp)
{
    long long limit, offset;
    if (portal_query_int(req, resp, "limit", 1, LIST_MAX, LIST_DEFAULT, &limit) ||
        portal_query_int(req, resp, "offset", 0, 1LL << 40, 0, &offset))
        return;
    struct state_incident_filter f = {.tenant = req->tenant, .limit = (size_t)limit,
                                      .offset = (size_t)offset};
    if (parse_mask(portal_query(req, "status"), 1, &f.status_mask) != 0) {
        portal_reply_error(resp, 400, "status: expected open or names of statuses, comma-separated");
        return;
    }
    if (parse_mask(portal_query(req, "severity"), 0, &f.severity_mask) != 0) {
        portal_reply_error(resp, 400, "severity: expected emergency, critical, warning, "
                                      "informational, comma-separated");
        return;
    }
    json_t *list = json_array();
    uint64_t total = 0;
    if (state_incidents_each(req->db, &f, add_incident, list, &total) != YM_OK) {
        json_decref(list);
        portal_reply_internal(resp, "incidents");
        return;
    }
    portal_reply_json(resp, 200,
                      json_pack("{s:o, s:I}", "incidents", list, "total", (json_int_t)total));
}

static int got_incident(void *arg, const struct state_incident *inc)
{
    *(json_t **)arg = portal_incident_json(inc);
    return 1;
}

static int add_timeline(void *arg, const struct state_timeline_entry *e)
{
    json_array_append_new(arg, json_pack("{s:I, s:o, s:s, s:s, s:s, s:s}", "id", (json_int_t)e->id,
                                         "time", portal_json_time(e->time_ns), "kind",
                                         state_timeline_kind_name(e->kind), "actor", e->actor,
                                         "visibility", state_visibility_name(e->visibility),
                                         "text", e->text));
    return 0;
}

/* The incident as the caller may see it, with timeline and events. */
static json_t *incident_detail(struct portal_req *req)
{
    json_t *o = NULL;
    if (state_incident_get(req->db, req->object_id, got_incident, &o) != YM_OK || !o) {
        json_decref(o);
        return NULL;
    }
    int internal = req->who->user.role >= STATE_ROLE_ANALYST;
    json_t *timeline = json_array(), *events = json_array();
    struct state_event_filter f = {.incident_id = req->object_id, .suppressed = -1,
                                   .limit = LIST_MAX};
    if (state_timeline_each(req->db, req->object_id, internal, add_timeline, timeline) != YM_OK ||
        state_events_each(req->db, &f, add_event, events, NULL) != YM_OK) {
        json_decref(timeline);
        json_decref(events);
        json_decref(o);
        return NULL;
    }
    json_object_set_new(o, "timeline", timeline);
    json_object_set_new(o, "events", events);
    return o;
}

void portal_api_incident(struct portal_req *req, struct portal_resp *resp)
{
    json_t *o = incident_detail(req);
    if (!o) {
        portal_reply_internal(resp, "incident");
        return;
    }
    portal_reply_json(resp, 200, o);
}

static struct state_actor actor_of(const struct portal_req *req)
{
    return (struct state_actor){req->who->user.name, state_role_name(req->who->user.role),
                                req->address};
}

void portal_api_incident_comment(struct portal_req *req, struct portal_resp *resp)
{
    const char *text = portal_body_str(req, "text");
    const char *vis_name = portal_body_str(req, "visibility");
    if (!text || !*text || strlen(text) > COMMENT_MAX_BYTES) {
        portal_reply_error(resp, 400, "text: 1 to %d bytes", COMMENT_MAX_BYTES);
        return;
    }
    enum state_visibility vis = STATE_VIS_CUSTOMER;
    if (req->who->user.role >= STATE_ROLE_ANALYST && vis_name &&
        state_visibility_parse(vis_name, &vis) != 0) {
        portal_reply_error(resp, 400, "visibility: expected customer or internal");
        return;
    }
    struct state_actor actor = actor_of(req);
    int64_t entry = 0;
    if (state_incident_comment(req->db, req->object_id, vis, text, &actor, ym_time_now_ns(),
                               &entry) != YM_OK) {
        portal_reply_internal(resp, "comment");
        return;
    }
    portal_reply_json(resp, 201, json_pack("{s:I, s:s}", "id", (json_int_t)entry, "visibility",
                                           state_visibility_name(vis)));
}

void portal_api_incident_status(struct portal_req *req, struct portal_resp *resp)
{
    const char *to_name = portal_body_str(req, "status");
    const char *res_name = portal_body_str(req, "resolution");
    const char *note = portal_body_str(req, "note");
    int customer = req->who->user.role == STATE_ROLE_CUSTOMER;
    enum state_status to;
    int reopen = to_name && strcmp(to_name, "reopen") == 0;
    if (!to_name || (!reopen && state_status_parse(to_name, &to) != 0)) {
        portal_reply_error(resp, 400, "status: expected new, acknowledged, notified, responding, "
                                      "resolved, closed or reopen");
        return;
    }
    if (customer && (reopen || to != STATE_STATUS_ACKNOWLEDGED)) {
        portal_reply_error(resp, 403, "customers may only acknowledge an incident");
        return;
    }
    enum state_resolution res = STATE_RES_NONE;
    if (res_name && *res_name && (customer || state_resolution_parse(res_name, &res) != 0)) {
        portal_reply_error(resp, 400, "resolution: expected true_positive, false_positive or benign");
        return;
    }
    struct state_actor actor = actor_of(req);
    struct ym_error err = {0};
    enum ym_status st =
        reopen ? state_incident_reopen(req->db, req->object_id, note, &actor, ym_time_now_ns(), &err)
               : state_incident_set_status(req->db, req->object_id, to, res, note, &actor,
                                           ym_time_now_ns(), &err);
    if (st == YM_EINVAL) {
        portal_reply_error(resp, 409, "%s", err.reason[0] ? err.reason : "refused status change");
        return;
    }
    if (st != YM_OK) {
        portal_reply_internal(resp, "status change");
        return;
    }
    json_t *o = incident_detail(req);
    if (!o)
        portal_reply_internal(resp, "incident");
    else
        portal_reply_json(resp, 200, o);
}

void portal_api_incident_assign(struct portal_req *req, struct portal_resp *resp)
{
    const char *who = portal_body_str(req, "assignee");
    if (!who) {
        portal_reply_error(resp, 400, "expected {\"assignee\": \"name\"} (\"\" = nobody)");
        return;
    }
    if (*who) {
        struct state_user u;
        if (state_users_get(req->db, who, &u) != YM_OK || u.role < STATE_ROLE_ANALYST) {
            portal_reply_error(resp, 400, "assignee: no analyst or admin named '%s'", who);
            return;
        }
    }
    struct state_actor actor = actor_of(req);
    if (state_incident_assign(req->db, req->object_id, who, &actor, ym_time_now_ns()) != YM_OK) {
        portal_reply_internal(resp, "assign");
        return;
    }
    json_t *o = incident_detail(req);
    if (!o)
        portal_reply_internal(resp, "incident");
    else
        portal_reply_json(resp, 200, o);
}

/* ---- suppressions ---- */

struct supp_list {
    json_t *list;
    int64_t now;
};

static int add_suppression(void *arg, const struct state_suppression *s)
{
    struct supp_list *l = arg;
    json_array_append_new(l->list, suppression_json(s, l->now));
    return 0;
}

void portal_api_suppressions(struct portal_req *req, struct portal_resp *resp)
{
    struct supp_list l = {json_array(), ym_time_now_ns()};
    if (state_suppressions_each(req->db, req->tenant, 0, add_suppression, &l) != YM_OK) {
        json_decref(l.list);
        portal_reply_internal(resp, "suppressions");
        return;
    }
    portal_reply_json(resp, 200, json_pack("{s:o}", "suppressions", l.list));
}

void portal_api_suppression_add(struct portal_req *req, struct portal_resp *resp)
{
    const char *tenant = portal_body_str(req, "tenant");
    const char *reason = portal_body_str(req, "reason");
    const char *expires = portal_body_str(req, "expires");
    if (!portal_tenant_known(req, tenant)) {
        portal_reply_error(resp, 400, "tenant: not a configured tenant");
        return;
    }
    if (!reason || !*reason) {
        portal_reply_error(resp, 400, "reason: say why detections are muted");
        return;
    }
    int64_t now = ym_time_now_ns(), exp = 0;
    if (expires && *expires && ym_time_parse_arg(expires, now, &exp) != YM_OK) {
        portal_reply_error(resp, 400, "expires: expected an RFC 3339 time or a date");
        return;
    }
    const char *rule = portal_body_str(req, "rule_id");
    const char *cond = portal_body_str(req, "conditions");
    struct state_suppression s = {.tenant = tenant, .rule_id = rule ? rule : "",
                                  .conditions = cond ? cond : "", .reason = reason,
                                  .author = req->who->user.name, .expires_ns = exp};
    struct state_actor actor = actor_of(req);
    enum ym_status st = state_suppression_add(req->db, &s, &actor, now);
    if (st == YM_EINVAL) {
        portal_reply_error(resp, 400, "conditions: not understood (see docs/triage.md)");
        return;
    }
    if (st != YM_OK) {
        portal_reply_internal(resp, "add suppression");
        return;
    }
    s.created_ns = now;
    portal_reply_json(resp, 201, suppression_json(&s, now));
}

void portal_api_suppression_del(struct portal_req *req, struct portal_resp *resp)
{
    struct state_actor actor = actor_of(req);
    enum ym_status st =
        state_suppression_delete(req->db, req->object_id, &actor, ym_time_now_ns());
    if (st == YM_ENOTFOUND) {
        portal_reply_error(resp, 404, "no such object");
        return;
    }
    if (st != YM_OK) {
        portal_reply_internal(resp, "delete suppression");
        return;
    }
    portal_reply_json(resp, 200, json_pack("{s:I, s:b}", "id", (json_int_t)req->object_id,
                                           "deleted", 1));
}
