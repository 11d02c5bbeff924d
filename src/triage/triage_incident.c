/* triage_incident: the incident side of the triage engine (see
 * triage_engine.h for the flow): settle turns an event that earns it into
 * an incident, or joins it to an open incident of the same key (or to the
 * exploit's incident for a callback), and promotes an incident when its
 * event rises; each change is written with its timeline entry and
 * notification in the engine's open transaction. The merges by key (which
 * incident a later event of a key joins) live here too: made at
 * create_incident, forgotten when their transaction rolls back, when their
 * incident is closed or after the policy's merge_ns. SLA due times come
 * from the tenant's policy. */
#include "triage/triage_engine_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ym_alloc.h"
#include "core/ym_time.h"
#include "state/state_incidents.h"
#include "state/state_notify.h"

/* ---- merges by key ---- */

struct triage_merge *triage_incident_find_merge(struct triage_engine *e, const char *key)
{
    for (size_t i = 0; i < e->merge_count; i++)
        if (strcmp(e->merges[i].key, key) == 0)
            return &e->merges[i];
    return NULL;
}

void triage_incident_merges_done(struct triage_engine *e, int committed)
{
    for (size_t i = 0; i < e->merge_count;) {
        if (e->merges[i].in_txn && !committed) {
            free(e->merges[i].key);
            e->merges[i] = e->merges[--e->merge_count];
            continue;
        }
        e->merges[i++].in_txn = 0;
    }
}

void triage_incident_merges_expire(struct triage_engine *e, int64_t now_ns)
{
    for (size_t i = 0; i < e->merge_count;) {
        if (now_ns - e->merges[i].created_ns >= e->policy->merge_ns) {
            free(e->merges[i].key);
            e->merges[i] = e->merges[--e->merge_count];
            continue;
        }
        i++;
    }
}

/* ---- incidents ---- */

static int is_open(void *arg, const struct state_incident *inc)
{
    *(int *)arg = inc->status != STATE_STATUS_RESOLVED && inc->status != STATE_STATUS_CLOSED;
    return 0;
}

static int64_t sla_due(const struct triage_tenant_policy *tp, enum state_severity sev,
                       int64_t first_ns)
{
    return tp->sla_ns[sev] ? first_ns + tp->sla_ns[sev] : 0;
}

static enum ym_status promote(struct triage_engine *e, struct triage_event *ev, int64_t now_ns)
{
    const struct triage_tenant_policy *tp = triage_policy_tenant(e->policy, ev->tenant);
    enum ym_status st = state_incident_set_severity(e->cfg.db, ev->incident_id, ev->sev,
                                                    ev->reason,
                                                    sla_due(tp, ev->sev, ev->first_ns), NULL,
                                                    now_ns);
    if (st == YM_OK)
        st = state_notify_enqueue(e->cfg.db, ev->tenant, ev->incident_id, "promoted", now_ns,
                                  NULL);
    if (st == YM_OK) {
        ev->incident_sev = ev->sev;
        e->notes_txn++;
        e->stats.incidents_promoted++;
    }
    return st;
}

/* Joins ev to an existing incident (an open one of the same key, or the
 * exploit's incident for a callback). */
static enum ym_status join(struct triage_engine *e, struct triage_event *ev, int64_t incident_id,
                           enum state_severity isev, int64_t now_ns)
{
    triage_engine_touch_txn(e, ev);
    ev->incident_id = incident_id;
    ev->incident_sev = isev;
    enum ym_status st = triage_engine_write_event(e, ev, now_ns);
    char text[512];
    snprintf(text, sizeof text, "%s: %llu detection%s from %s to %s", ev->title,
             (unsigned long long)ev->count, ev->count == 1 ? "" : "s",
             *ev->src ? ev->src : "?", *ev->dst ? ev->dst : "?");
    if (st == YM_OK)
        st = state_incident_timeline_add(e->cfg.db, incident_id, STATE_TL_DETECTION,
                                         STATE_VIS_CUSTOMER, text, NULL, now_ns);
    if (st == YM_OK && ev->sev > isev)
        st = promote(e, ev, now_ns);
    return st;
}

static enum ym_status create_incident(struct triage_engine *e, struct triage_event *ev,
                                      int64_t received_ns, int64_t now_ns)
{
    const struct triage_tenant_policy *tp = triage_policy_tenant(e->policy, ev->tenant);
    char title[512], why[1024];
    if (*ev->src && *ev->dst)
        snprintf(title, sizeof title, "%s: %s -> %s", ev->title, ev->src, ev->dst);
    else
        snprintf(title, sizeof title, "%s%s%s", ev->title, *ev->src || *ev->dst ? ": " : "",
                 *ev->src ? ev->src : ev->dst);
    snprintf(why, sizeof why, "%llu detection%s of %s; %s: %s", (unsigned long long)ev->count,
             ev->count == 1 ? "" : "s", ev->title, state_severity_name(ev->sev), ev->reason);
    struct state_incident inc = {
        .tenant = ev->tenant, .title = title, .severity = ev->sev, .rule_id = ev->rule_id,
        .source_ip = ev->src, .destination_ip = ev->dst, .response = ev->response,
        .first_detection_ns = ev->first_ns, .sla_due_ns = sla_due(tp, ev->sev, ev->first_ns),
    };
    triage_engine_touch_txn(e, ev);
    enum ym_status st = state_incident_create(e->cfg.db, &inc, why, now_ns);
    if (st != YM_OK)
        return st;
    ev->incident_id = inc.id;
    ev->incident_sev = ev->sev;
    if ((st = triage_engine_write_event(e, ev, now_ns)) != YM_OK)
        return st;
    if (ev->sev > ev->initial_sev) { /* a later detection made the event an incident */
        snprintf(why, sizeof why, "promoted %s to %s: %s", state_severity_name(ev->initial_sev),
                 state_severity_name(ev->sev), ev->reason);
        st = state_incident_timeline_add(e->cfg.db, inc.id, STATE_TL_PROMOTION,
                                         STATE_VIS_CUSTOMER, why, NULL, now_ns);
        if (st != YM_OK)
            return st;
        e->stats.incidents_promoted++;
    }
    if ((st = state_notify_enqueue(e->cfg.db, ev->tenant, inc.id, "new", now_ns, NULL)) != YM_OK)
        return st;
    e->notes_txn++;
    e->stats.incidents_created++;
    if (received_ns)
        e->stats.last_incident_latency_ns = ym_time_now_ns() - received_ns;
    if (e->merge_count == e->merge_cap) {
        e->merge_cap = e->merge_cap ? e->merge_cap * 2 : 64;
        e->merges = ym_xrealloc(e->merges, e->merge_cap * sizeof *e->merges);
    }
    e->merges[e->merge_count++] = (struct triage_merge){.key = ym_xstrdup(ev->key),
                                                        .incident_id = inc.id,
                                                        .created_ns = now_ns, .sev = ev->sev,
                                                        .in_txn = 1};
    return YM_OK;
}

/* Makes the store agree with what the event now is: an incident when it
 * earns one, a promotion when it rose. */
enum ym_status triage_incident_settle(struct triage_engine *e, struct triage_event *ev,
                                      int64_t received_ns, int64_t now_ns)
{
    if (ev->suppressed)
        return YM_OK;
    if (ev->incident_id)
        return ev->sev > ev->incident_sev ? promote(e, ev, now_ns) : YM_OK;
    const struct triage_tenant_policy *tp = triage_policy_tenant(e->policy, ev->tenant);
    if (ev->link_key) {
        struct triage_event *x =
            triage_engine_lookup(e, ev->link_key, triage_engine_hash(ev->link_key));
        struct triage_merge *m = x ? NULL : triage_incident_find_merge(e, ev->link_key);
        if (x && x->incident_id)
            return join(e, ev, x->incident_id, x->incident_sev, now_ns);
        if (m)
            return join(e, ev, m->incident_id, m->sev, now_ns);
    }
    if (ev->sev < tp->incident_min || ev->count < ev->threshold)
        return YM_OK;
    struct triage_merge *m = triage_incident_find_merge(e, ev->key);
    if (m && now_ns - m->created_ns < e->policy->merge_ns) {
        int open = 0;
        enum ym_status st = state_incident_get(e->cfg.db, m->incident_id, is_open, &open);
        if (st != YM_OK && st != YM_ENOTFOUND)
            return st;
        if (open)
            return join(e, ev, m->incident_id, m->sev, now_ns);
    }
    if (m) { /* closed or too old: forget it */
        free(m->key);
        *m = e->merges[--e->merge_count];
    }
    return create_incident(e, ev, received_ns, now_ns);
}
