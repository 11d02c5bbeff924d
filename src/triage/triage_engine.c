/* triage_engine: events, severity, promotion, suppression and incidents on
 * an explicit clock (see triage_engine.h for the flow and invariants). */
#include "triage/triage_engine.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ym_alloc.h"
#include "core/ym_buf.h"
#include "core/ym_log.h"
#include "core/ym_time.h"
#include "state/state_incidents.h"
#include "state/state_notify.h"
#include "triage/triage_event.h"
#include "triage/triage_tuning.h"

#define WATCH_MAX 4096
#define WATCH_BUCKETS 1024
/* Over max_open_events, the idlest written events are closed down to this
 * share of the bound (so that a flood does not close events every tick). */
#define EVICT_TO_PERCENT 80

/* An exploit that went through: watched for a callback. The ring of
 * watches is also chained by target (newest first, through seq numbers:
 * a chain ends at the first entry the ring has overwritten or dropped). */
struct watch {
    uint64_t seq;        /* 0 = empty slot */
    uint64_t prev;       /* the previous watch of the same target bucket, 0 = none */
    char tenant[64];
    char target[64], attacker[64];
    int64_t time_ns;
    char *key;           /* malloc'ed; freed when the slot is reused (4096 inline keys were 4 MiB) */
    char title[128];
};

/* Incidents by event key (a later event of the same key joins it). */
struct merge {
    char *key;
    int64_t incident_id;
    int64_t created_ns;
    enum state_severity sev;
    int in_txn;
};

/* Strings every event of a rule shares (tenant, rule id, title, level,
 * response, device), kept once: open addressing, never shrinks (bounded by
 * the rules, tenants and devices seen). */
struct intern {
    char **v;
    size_t cap, count;
};

struct triage_engine {
    struct triage_engine_config cfg;
    struct intern strings;
    const struct triage_policy *policy;
    struct triage_event **buckets;
    size_t bucket_count, open;
    struct triage_event *txn_list;
    struct triage_event *closed;     /* closed events waiting for their last write to commit */
    struct watch *watches;  /* ring: slot = seq % WATCH_MAX */
    uint64_t watch_first, watch_next; /* live seqs: first <= seq < next */
    uint64_t watch_head[WATCH_BUCKETS]; /* newest seq per target bucket */
    struct merge *merges;
    size_t merge_count, merge_cap;
    struct triage_tuning tuning;
    unsigned notes_txn, notes_ready;
    int64_t log_now_ns;     /* cfg.log_clock: the latest log time seen */
    int restored;           /* restore() ran */
    int64_t restore_ns;
    struct triage_engine_stats stats;
    uint64_t txn_incidents, txn_promoted; /* stats at the start of the transaction */
};

/* ---- small helpers ---- */

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* Appends s to out (len bytes so far), cut at max - 1 bytes. */
static void append(char *out, size_t *len, size_t max, const char *s)
{
    size_t n = strlen(s);
    if (n > max - 1 - *len)
        n = max - 1 - *len;
    memcpy(out + *len, s, n);
    *len += n;
    out[*len] = '\0';
}

/* The hash key of an event: tenant, stored key text, and the mute (kept
 * whole even when a huge key is cut). */
static void make_key(char out[TRIAGE_KEY_MAX], const char *tenant, const char *agg, int muted,
                     int64_t suppression_id)
{
    char mute[40] = "";
    if (muted)
        snprintf(mute, sizeof mute, "\x1fmuted:%lld", (long long)suppression_id);
    size_t len = 0, room = TRIAGE_KEY_MAX - strlen(mute);
    out[0] = '\0';
    append(out, &len, room, tenant);
    append(out, &len, room, "\x1f");
    append(out, &len, room, agg);
    append(out, &len, TRIAGE_KEY_MAX, mute);
}

static const char *intern(struct triage_engine *e, const char *s)
{
    struct intern *in = &e->strings;
    if (!s)
        s = "";
    if (in->count * 2 >= in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 256;
        char **v = ym_xcalloc(cap, sizeof *v);
        for (size_t i = 0; i < in->cap; i++)
            if (in->v[i]) {
                size_t k = fnv(in->v[i]) & (cap - 1);
                while (v[k])
                    k = (k + 1) & (cap - 1);
                v[k] = in->v[i];
            }
        free(in->v);
        in->v = v;
        in->cap = cap;
    }
    size_t k = fnv(s) & (in->cap - 1);
    for (; in->v[k]; k = (k + 1) & (in->cap - 1))
        if (strcmp(in->v[k], s) == 0)
            return in->v[k];
    in->v[k] = ym_xstrdup(s);
    in->count++;
    return in->v[k];
}

static void set_reason(struct triage_event *ev, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_reason(struct triage_event *ev, const char *fmt, ...)
{
    char buf[TRIAGE_REASON_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (ev->reason && strcmp(ev->reason, buf) == 0)
        return;
    free(ev->reason);
    ev->reason = ym_xstrdup(buf);
}

static char *dup_or_empty(const char *s) { return ym_xstrdup(s ? s : ""); }

static const char *field(const struct triage_detection *d, const char *name)
{
    const char *v = triage_detection_field(d, name);
    return v ? v : "";
}

static void tev_free(struct triage_engine *e, struct triage_event *ev)
{
    triage_event_free(ev);
    e->open--;
}

static struct triage_event *lookup(struct triage_engine *e, const char *key, uint64_t h)
{
    for (struct triage_event *ev = e->buckets[h & (e->bucket_count - 1)]; ev; ev = ev->next)
        if (ev->hash == h && strcmp(ev->key, key) == 0)
            return ev;
    return NULL;
}

static void unlink_event(struct triage_engine *e, struct triage_event *ev)
{
    struct triage_event **pp = &e->buckets[ev->hash & (e->bucket_count - 1)];
    while (*pp && *pp != ev)
        pp = &(*pp)->next;
    if (*pp)
        *pp = ev->next;
}

static void grow(struct triage_engine *e)
{
    size_t n = e->bucket_count * 2;
    struct triage_event **b = ym_xcalloc(n, sizeof *b);
    for (size_t i = 0; i < e->bucket_count; i++)
        for (struct triage_event *ev = e->buckets[i], *next; ev; ev = next) {
            next = ev->next;
            ev->next = b[ev->hash & (n - 1)];
            b[ev->hash & (n - 1)] = ev;
        }
    free(e->buckets);
    e->buckets = b;
    e->bucket_count = n;
}

/* ---- create / destroy ---- */

struct triage_engine *triage_engine_create(const struct triage_engine_config *cfg)
{
    struct triage_engine *e = ym_xcalloc(1, sizeof *e);
    e->cfg = *cfg;
    if (!e->cfg.max_open_events)
        e->cfg.max_open_events = TRIAGE_OPEN_EVENTS;
    if (!e->cfg.flush_interval_ns)
        e->cfg.flush_interval_ns = YM_NS_PER_S;
    e->policy = cfg->policy;
    e->bucket_count = 1024;
    e->buckets = ym_xcalloc(e->bucket_count, sizeof *e->buckets);
    e->watches = ym_xcalloc(WATCH_MAX, sizeof *e->watches);
    e->watch_first = e->watch_next = 1;
    return e;
}

void triage_engine_destroy(struct triage_engine *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->bucket_count; i++)
        for (struct triage_event *ev = e->buckets[i], *next; ev; ev = next) {
            next = ev->next;
            tev_free(e, ev);
        }
    for (struct triage_event *ev = e->closed, *next; ev; ev = next) {
        next = ev->next;
        tev_free(e, ev);
    }
    free(e->buckets);
    for (size_t i = 0; i < WATCH_MAX; i++)
        free(e->watches[i].key);
    free(e->watches);
    for (size_t i = 0; i < e->strings.cap; i++)
        free(e->strings.v[i]);
    free(e->strings.v);
    for (size_t i = 0; i < e->merge_count; i++)
        free(e->merges[i].key);
    free(e->merges);
    triage_tuning_fini(&e->tuning);
    free(e);
}

void triage_engine_set_policy(struct triage_engine *e, const struct triage_policy *p)
{
    e->policy = p;
}

unsigned triage_engine_take_notifications(struct triage_engine *e)
{
    unsigned n = e->notes_ready;
    e->notes_ready = 0;
    return n;
}

void triage_engine_stats(const struct triage_engine *e, struct triage_engine_stats *out)
{
    *out = e->stats;
    out->events_open = e->open;
}

/* ---- transactions (invariant 2) ---- */

static void touch_txn(struct triage_engine *e, struct triage_event *ev)
{
    if (ev->in_txn)
        return;
    ev->in_txn = 1;
    ev->snap_id = ev->id;
    ev->snap_incident = ev->incident_id;
    ev->snap_isev = ev->incident_sev;
    ev->txn_next = e->txn_list;
    e->txn_list = ev;
}

static enum ym_status txn_begin(struct triage_engine *e)
{
    e->txn_incidents = e->stats.incidents_created;
    e->txn_promoted = e->stats.incidents_promoted;
    e->txn_list = NULL;
    e->notes_txn = 0;
    return state_db_begin(e->cfg.db);
}

static enum ym_status txn_end(struct triage_engine *e, enum ym_status st)
{
    if (st == YM_OK)
        st = state_db_commit(e->cfg.db);
    if (st != YM_OK) {
        state_db_rollback(e->cfg.db);
        e->stats.store_failures++;
        /* they did not happen; the next tick makes them again */
        e->stats.incidents_created = e->txn_incidents;
        e->stats.incidents_promoted = e->txn_promoted;
    }
    for (struct triage_event *ev = e->txn_list; ev; ev = ev->txn_next) {
        ev->in_txn = 0;
        if (st != YM_OK) {
            ev->id = ev->snap_id;
            ev->incident_id = ev->snap_incident;
            ev->incident_sev = ev->snap_isev;
            ev->dirty = 1;
        }
    }
    e->txn_list = NULL;
    for (struct triage_event **pp = &e->closed; *pp;) {
        struct triage_event *ev = *pp;
        if (!ev->dirty) {
            *pp = ev->next;
            tev_free(e, ev);
        } else {
            pp = &ev->next;
        }
    }
    for (size_t i = 0; i < e->merge_count;) {
        if (e->merges[i].in_txn && st != YM_OK) {
            free(e->merges[i].key);
            e->merges[i] = e->merges[--e->merge_count];
            continue;
        }
        e->merges[i++].in_txn = 0;
    }
    if (st == YM_OK)
        e->notes_ready += e->notes_txn;
    e->notes_txn = 0;
    triage_tuning_hits_done(&e->tuning, st == YM_OK);
    return st;
}

/* ---- writing an event ---- */

static enum ym_status write_event(struct triage_engine *e, struct triage_event *ev, int64_t now_ns)
{
    touch_txn(e, ev);
    struct ym_buf dj = YM_BUF_INIT, sj = YM_BUF_INIT;
    triage_event_json(e->policy, ev, &dj, &sj);
    struct state_event se = {
        .id = ev->id, .tenant = ev->tenant, .rule_id = ev->rule_id, .title = ev->title,
        .level = ev->level, .severity = ev->sev, .reason = ev->reason, .agg_key = ev->agg_text,
        .device = ev->device, .source_ip = ev->src, .destination_ip = ev->dst,
        .count = ev->count, .suppressed = ev->suppressed, .suppression_id = ev->suppression_id,
        .first_ns = ev->first_ns, .last_ns = ev->last_ns, .window_end_ns = ev->window_end_ns,
        .incident_id = ev->incident_id, .distinct_json = dj.data, .samples_json = sj.data,
    };
    enum ym_status st = state_event_put(e->cfg.db, &se);
    ym_buf_free(&dj);
    ym_buf_free(&sj);
    if (st == YM_OK) {
        ev->id = se.id;
        ev->dirty = 0;
        ev->written_ns = now_ns;
    }
    return st;
}

/* ---- incidents ---- */

static struct merge *find_merge(struct triage_engine *e, const char *key)
{
    for (size_t i = 0; i < e->merge_count; i++)
        if (strcmp(e->merges[i].key, key) == 0)
            return &e->merges[i];
    return NULL;
}

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
    touch_txn(e, ev);
    ev->incident_id = incident_id;
    ev->incident_sev = isev;
    enum ym_status st = write_event(e, ev, now_ns);
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
    touch_txn(e, ev);
    enum ym_status st = state_incident_create(e->cfg.db, &inc, why, now_ns);
    if (st != YM_OK)
        return st;
    ev->incident_id = inc.id;
    ev->incident_sev = ev->sev;
    if ((st = write_event(e, ev, now_ns)) != YM_OK)
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
    e->merges[e->merge_count++] = (struct merge){.key = ym_xstrdup(ev->key),
                                                 .incident_id = inc.id, .created_ns = now_ns,
                                                 .sev = ev->sev, .in_txn = 1};
    return YM_OK;
}

/* Makes the store agree with what the event now is: an incident when it
 * earns one, a promotion when it rose. */
static enum ym_status settle(struct triage_engine *e, struct triage_event *ev, int64_t received_ns,
                             int64_t now_ns)
{
    if (ev->suppressed)
        return YM_OK;
    if (ev->incident_id)
        return ev->sev > ev->incident_sev ? promote(e, ev, now_ns) : YM_OK;
    const struct triage_tenant_policy *tp = triage_policy_tenant(e->policy, ev->tenant);
    if (ev->link_key) {
        struct triage_event *x = lookup(e, ev->link_key, fnv(ev->link_key));
        struct merge *m = x ? NULL : find_merge(e, ev->link_key);
        if (x && x->incident_id)
            return join(e, ev, x->incident_id, x->incident_sev, now_ns);
        if (m)
            return join(e, ev, m->incident_id, m->sev, now_ns);
    }
    if (ev->sev < tp->incident_min || ev->count < ev->threshold)
        return YM_OK;
    struct merge *m = find_merge(e, ev->key);
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

/* ---- after a restart ---- */

static int restore_event(void *arg, const struct state_event *se)
{
    struct triage_engine *e = arg;
    char key[TRIAGE_KEY_MAX];
    make_key(key, se->tenant, se->agg_key, se->suppressed, se->suppression_id);
    uint64_t h = fnv(key);
    if (lookup(e, key, h))
        return 0;
    struct triage_event *ev = ym_xcalloc(1, sizeof *ev);
    ev->hash = h;
    ev->key = ym_xstrdup(key);
    ev->tenant = intern(e, se->tenant);
    ev->rule_id = intern(e, se->rule_id);
    ev->title = intern(e, se->title);
    ev->level = intern(e, se->level);
    ev->response = intern(e, "");
    ev->device = intern(e, se->device);
    ev->src = ym_xstrdup(se->source_ip);
    ev->dst = ym_xstrdup(se->destination_ip);
    ev->agg_text = ym_xstrdup(se->agg_key);
    ev->sev = ev->initial_sev = ev->incident_sev = se->severity;
    set_reason(ev, "%s", se->reason ? se->reason : "");
    ev->count = se->count;
    ev->threshold = 1;
    ev->suppressed = se->suppressed;
    ev->suppression_id = se->suppression_id;
    ev->first_ns = se->first_ns;
    ev->last_ns = se->last_ns;
    ev->window_end_ns = se->window_end_ns;
    ev->touched_ns = ev->written_ns = e->restore_ns;
    ev->id = se->id;
    ev->incident_id = se->incident_id;
    triage_event_load(e->policy, ev, se->distinct_json, se->samples_json);
    if (e->open + 1 > e->bucket_count)
        grow(e);
    ev->next = e->buckets[h & (e->bucket_count - 1)];
    e->buckets[h & (e->bucket_count - 1)] = ev;
    e->open++;
    return 0;
}

static int restore_merge(void *arg, const struct state_event *se)
{
    struct triage_engine *e = arg;
    char key[TRIAGE_KEY_MAX];
    if (!se->incident_id || se->suppressed)
        return 0;
    make_key(key, se->tenant, se->agg_key, 0, 0);
    if (find_merge(e, key))
        return 0;
    if (e->merge_count == e->merge_cap) {
        e->merge_cap = e->merge_cap ? e->merge_cap * 2 : 64;
        e->merges = ym_xrealloc(e->merges, e->merge_cap * sizeof *e->merges);
    }
    e->merges[e->merge_count++] = (struct merge){.key = ym_xstrdup(key),
                                                 .incident_id = se->incident_id,
                                                 .created_ns = se->first_ns,
                                                 .sev = se->severity};
    return 0;
}

/* The events still open and the incidents later events would join, as a
 * previous run of the engine left them in the store (invariant 3). */
static enum ym_status restore(struct triage_engine *e, int64_t now_ns)
{
    e->restored = 1;
    e->restore_ns = now_ns;
    struct state_event_filter open = {.open_at_ns = now_ns, .suppressed = -1,
                                      .limit = e->cfg.max_open_events};
    enum ym_status st = state_events_each(e->cfg.db, &open, restore_event, e, NULL);
    struct state_event_filter recent = {.from_ns = now_ns - e->policy->merge_ns,
                                        .suppressed = 0, .limit = 10000};
    if (st == YM_OK)
        st = state_events_each(e->cfg.db, &recent, restore_merge, e, NULL);
    return st;
}

/* ---- adding a detection ---- */

static struct triage_event *open_event(struct triage_engine *e, const char *key, uint64_t h,
                              const struct triage_detection *d, const char *agg_text)
{
    struct triage_event *ev = ym_xcalloc(1, sizeof *ev);
    ev->hash = h;
    ev->key = ym_xstrdup(key);
    ev->tenant = intern(e, d->tenant);
    ev->rule_id = intern(e, d->rule_id);
    ev->title = intern(e, d->rule_title);
    ev->level = intern(e, detect_level_name(d->level));
    ev->response = intern(e, d->rule_response);
    ev->device = intern(e, d->device);
    set_reason(ev, "%s", "");
    ev->src = dup_or_empty(triage_detection_field(d, "source.ip"));
    ev->dst = dup_or_empty(triage_detection_field(d, "destination.ip"));
    ev->agg_text = ym_xstrdup(agg_text);
    ev->first_ns = ev->last_ns = d->time_ns;
    ev->threshold = 1;
    if (e->open + 1 > e->bucket_count)
        grow(e);
    size_t b = h & (e->bucket_count - 1);
    ev->next = e->buckets[b];
    e->buckets[b] = ev;
    e->open++;
    e->stats.events_opened++;
    return ev;
}

static void watch_add(struct triage_engine *e, const struct triage_detection *d, const char *key)
{
    if (e->watch_next - e->watch_first == WATCH_MAX)
        e->watch_first++; /* the oldest goes */
    uint64_t seq = e->watch_next++;
    struct watch *w = &e->watches[seq % WATCH_MAX];
    const char *target = field(d, "destination.ip");
    size_t b = fnv(target) & (WATCH_BUCKETS - 1);
    w->seq = seq;
    w->prev = e->watch_head[b];
    e->watch_head[b] = seq;
    snprintf(w->tenant, sizeof w->tenant, "%s", d->tenant);
    snprintf(w->target, sizeof w->target, "%s", target);
    snprintf(w->attacker, sizeof w->attacker, "%s", field(d, "source.ip"));
    free(w->key);
    w->key = ym_xstrdup(key);
    snprintf(w->title, sizeof w->title, "%s", d->rule_title ? d->rule_title : "");
    w->time_ns = d->time_ns;
}

/* A detection from an exploited target back to its attacker (or any
 * callback or threat-intel hit from it) within the window: the exploit
 * worked. Returns the watch, or NULL. */
static const struct watch *callback_of(struct triage_engine *e, const struct triage_detection *d,
                                       const struct triage_judgement *j, const char *key)
{
    const char *src = field(d, "source.ip"), *dst = field(d, "destination.ip");
    int ti = *field(d, "threat.indicator.type") != '\0';
    if (!*src)
        return NULL;
    uint64_t seq = e->watch_head[fnv(src) & (WATCH_BUCKETS - 1)];
    while (seq >= e->watch_first && seq < e->watch_next) {
        const struct watch *w = &e->watches[seq % WATCH_MAX];
        if (w->seq != seq)
            break;
        seq = w->prev;
        if (strcmp(w->target, src) != 0 || strcmp(w->tenant, d->tenant) != 0 ||
            strcmp(w->key, key) == 0)
            continue;
        if (d->time_ns < w->time_ns || d->time_ns - w->time_ns > e->policy->callback_window_ns)
            continue;
        if (strcmp(w->attacker, dst) == 0 || j->callback || ti)
            return w;
    }
    return NULL;
}

static void raise_sev(struct triage_event *ev, enum state_severity sev, const char *reason)
{
    if (sev <= ev->sev)
        return;
    ev->sev = sev;
    set_reason(ev, "%s", reason);
    ev->dirty = 1;
}

static enum ym_status add_one(struct triage_engine *e, const struct triage_detection *d,
                              int64_t now_ns)
{
    const struct triage_policy *p = e->policy;
    e->stats.detections++;
    const struct triage_override *o = triage_tuning_override(&e->tuning, d);
    struct triage_supp *s =
        o && !o->enabled ? NULL : triage_tuning_suppression(&e->tuning, d, now_ns);
    int muted = (o && !o->enabled) || s;

    /* key: tenant, then the stored key text (rule and the key fields'
     * values), then the mute: restore() rebuilds it from a stored event */
    struct triage_key_fields kf;
    triage_policy_key(p, d, &kf);
    char agg[TRIAGE_KEY_MAX];
    int alen = snprintf(agg, sizeof agg, "%s", d->rule_id);
    for (unsigned i = 0; i < kf.count && alen > 0 && (size_t)alen < sizeof agg; i++)
        alen += snprintf(agg + alen, sizeof agg - (size_t)alen, " %s=%s", kf.names[i],
                         field(d, kf.names[i]));
    char key[TRIAGE_KEY_MAX], plain_key[TRIAGE_KEY_MAX];
    make_key(plain_key, d->tenant, agg, 0, 0);
    make_key(key, d->tenant, agg, muted, s ? s->id : 0);
    uint64_t h = fnv(key);

    struct triage_event *ev = lookup(e, key, h);
    if (ev && (d->time_ns >= ev->window_end_ns || d->time_ns - ev->first_ns >= p->window_max_ns)) {
        /* the window closed: this detection starts the next event; the old
         * one is freed once its last write is committed */
        enum ym_status st = ev->dirty ? write_event(e, ev, now_ns) : YM_OK;
        if (st != YM_OK)
            return st;
        touch_txn(e, ev);
        unlink_event(e, ev);
        ev->closed = 1;
        ev->next = e->closed;
        e->closed = ev;
        ev = NULL;
    }
    int fresh = ev == NULL;
    if (fresh) {
        ev = open_event(e, key, h, d, agg);
        if (o && o->threshold > 1)
            ev->threshold = o->threshold;
        if (muted) {
            ev->suppressed = 1;
            ev->suppression_id = s ? s->id : 0;
        }
    }
    touch_txn(e, ev);
    ev->count++;
    if (d->time_ns < ev->first_ns)
        ev->first_ns = d->time_ns;
    if (d->time_ns > ev->last_ns)
        ev->last_ns = d->time_ns;
    if (d->time_ns + p->window_ns > ev->window_end_ns)
        ev->window_end_ns = d->time_ns + p->window_ns;
    ev->touched_ns = now_ns;
    ev->dirty = 1;
    triage_event_keep(e->policy, ev, d);

    struct triage_judgement j;
    triage_policy_judge(p, d, &j);
    if (muted) {
        e->stats.suppressed++;
        if (s)
            s->pending_hits++;
        if (fresh) {
            ev->sev = j.severity;
            if (s)
                set_reason(ev, "muted by suppression %lld; %.400s",
                         (long long)s->id, j.reason);
            else
                set_reason(ev, "rule disabled for tenant %.60s; %.400s",
                         d->tenant, j.reason);
        }
        return fresh ? write_event(e, ev, now_ns) : YM_OK;
    }
    if (fresh) {
        ev->sev = ev->initial_sev = j.severity;
        set_reason(ev, "%s", j.reason);
    } else {
        raise_sev(ev, j.severity, j.reason);
    }
    /* one watch per exploit event and minute keeps the list short in a burst */
    if (j.exploit && (!ev->watched_ns || d->time_ns - ev->watched_ns >= 60 * YM_NS_PER_S)) {
        watch_add(e, d, plain_key);
        ev->watched_ns = d->time_ns;
    }
    enum ym_status st = YM_OK;
    const struct watch *w = callback_of(e, d, &j, plain_key);
    if (w) {
        char why[512];
        long long mins = (long long)((d->time_ns - w->time_ns) / (60 * YM_NS_PER_S));
        snprintf(why, sizeof why, "%s connected to %s %lld min after %s (%s): the exploit very "
                 "likely worked",
                 w->target, *field(d, "destination.ip") ? field(d, "destination.ip") : "?", mins,
                 w->title, d->rule_title);
        struct triage_event *x = lookup(e, w->key, fnv(w->key));
        if (x) {
            touch_txn(e, x);
            enum state_severity to = p->success_severity > x->sev ? p->success_severity : x->sev;
            raise_sev(x, to, why);
            st = settle(e, x, d->received_ns, now_ns);
            if (st == YM_OK && x->dirty)
                st = write_event(e, x, now_ns);
        }
        if (!ev->link_key || strcmp(ev->link_key, w->key) != 0) {
            free(ev->link_key);
            ev->link_key = ym_xstrdup(w->key);
        }
        if (ev->sev < p->success_severity)
            raise_sev(ev, p->success_severity, why);
    }
    if (st == YM_OK && fresh)
        st = write_event(e, ev, now_ns);
    if (st == YM_OK)
        st = settle(e, ev, d->received_ns, now_ns);
    return st;
}

enum ym_status triage_engine_add(struct triage_engine *e, const struct triage_detection *d,
                                 size_t count, int64_t now_ns)
{
    enum ym_status st = txn_begin(e);
    if (st != YM_OK) {
        e->stats.store_failures++;
        return st;
    }
    /* every transaction: a suppression or override committed before these
     * detections were taken applies to them (read in this transaction's
     * snapshot; one generation number unless it changed). Re-reading only
     * at the tick left up to a second in which a detection could miss a
     * suppression made before its log arrived, or hit one just deleted. */
    st = triage_tuning_refresh(&e->tuning, e->cfg.db, now_ns);
    if (st == YM_OK && !e->restored && !e->cfg.log_clock)
        st = restore(e, now_ns);
    for (size_t i = 0; i < count && st == YM_OK; i++) {
        int64_t now = now_ns;
        if (e->cfg.log_clock) { /* replay: the clock is the latest log time seen */
            if (d[i].time_ns > e->log_now_ns)
                e->log_now_ns = d[i].time_ns;
            now = e->log_now_ns;
        }
        st = add_one(e, &d[i], now);
    }
    return txn_end(e, st);
}

/* ---- tick ---- */

static enum ym_status flush_events(struct triage_engine *e, int64_t now_ns, int all)
{
    for (struct triage_event *ev = e->closed; ev; ev = ev->next)
        if (ev->dirty) {
            enum ym_status st = write_event(e, ev, now_ns);
            if (st != YM_OK)
                return st;
        }
    for (size_t i = 0; i < e->bucket_count; i++)
        for (struct triage_event *ev = e->buckets[i]; ev; ev = ev->next) {
            if (!ev->dirty || (!all && now_ns - ev->written_ns < e->cfg.flush_interval_ns))
                continue;
            enum ym_status st = settle(e, ev, 0, now_ns);
            if (st == YM_OK && ev->dirty)
                st = write_event(e, ev, now_ns);
            if (st != YM_OK)
                return st;
        }
    return YM_OK;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Closes the written events last touched at or before cut_ns. */
static void close_touched(struct triage_engine *e, int64_t cut_ns)
{
    for (size_t i = 0; i < e->bucket_count; i++)
        for (struct triage_event **pp = &e->buckets[i]; *pp;) {
            struct triage_event *ev = *pp;
            if (!ev->dirty && ev->touched_ns <= cut_ns) {
                *pp = ev->next;
                tev_free(e, ev);
            } else {
                pp = &ev->next;
            }
        }
}

/* Closes events idle for a window (written already); beyond
 * max_open_events, also the idlest written ones, down to
 * EVICT_TO_PERCENT of the bound (the busiest stay: a flood's event keeps
 * aggregating). A closed event is in the store; a later detection of its
 * key opens a new one. */
static void close_idle(struct triage_engine *e, int64_t now_ns)
{
    close_touched(e, now_ns - e->policy->window_ns);
    if (e->open > e->cfg.max_open_events) {
        size_t n = 0, keep = e->cfg.max_open_events * EVICT_TO_PERCENT / 100;
        int64_t *t = ym_xmalloc(e->open * sizeof *t);
        for (size_t i = 0; i < e->bucket_count; i++)
            for (struct triage_event *ev = e->buckets[i]; ev; ev = ev->next)
                if (!ev->dirty)
                    t[n++] = ev->touched_ns;
        if (n) {
            size_t drop = e->open - keep < n ? e->open - keep : n;
            qsort(t, n, sizeof *t, cmp_i64);
            close_touched(e, t[drop - 1]);
        }
        free(t);
    }
    while (e->watch_first < e->watch_next) {
        const struct watch *w = &e->watches[e->watch_first % WATCH_MAX];
        if (now_ns - w->time_ns <= e->policy->callback_window_ns)
            break;
        e->watch_first++;
    }
    for (size_t i = 0; i < e->merge_count;) {
        if (now_ns - e->merges[i].created_ns >= e->policy->merge_ns) {
            free(e->merges[i].key);
            e->merges[i] = e->merges[--e->merge_count];
            continue;
        }
        i++;
    }
}

static enum ym_status tick(struct triage_engine *e, int64_t now_ns, int all)
{
    enum ym_status st = txn_begin(e);
    if (st != YM_OK) {
        e->stats.store_failures++;
        return st;
    }
    st = flush_events(e, now_ns, all);
    if (st == YM_OK)
        st = triage_tuning_flush_hits(&e->tuning, e->cfg.db);
    if (st == YM_OK)
        st = triage_tuning_refresh(&e->tuning, e->cfg.db, now_ns);
    uint64_t marked = 0;
    if (st == YM_OK && !e->cfg.no_sla_marks)
        st = state_incidents_mark_sla(e->cfg.db, now_ns, &marked);
    st = txn_end(e, st);
    if (st == YM_OK) {
        e->stats.sla_breaches += marked;
        close_idle(e, now_ns);
    }
    return st;
}

enum ym_status triage_engine_tick(struct triage_engine *e, int64_t now_ns)
{
    return tick(e, now_ns, 0);
}

enum ym_status triage_engine_flush(struct triage_engine *e, int64_t now_ns)
{
    return tick(e, now_ns, 1);
}
