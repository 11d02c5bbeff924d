/* triage_engine: events, severity, promotion, suppression and incidents on
 * an explicit clock (see triage_engine.h for the flow and invariants).
 * This file holds the engine's life, its transactions, the open events
 * (hash by key, interned strings, writes), restore after a restart, adding
 * a detection and the tick; the incident side (settle: create, join,
 * promote; merges by key) is triage_incident.c and the exploit-callback
 * watches are triage_watch.c, on the struct of triage_engine_internal.h. */
#include "triage/triage_engine.h"
#include "triage/triage_engine_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ym_alloc.h"
#include "core/ym_buf.h"
#include "core/ym_log.h"
#include "core/ym_time.h"
#include "state/state_incidents.h"
#include "triage/triage_event.h"
#include "triage/triage_tuning.h"

/* Over max_open_events, the idlest written events are closed down to this
 * share of the bound (so that a flood does not close events every tick). */
#define EVICT_TO_PERCENT 80

/* ---- small helpers ---- */

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
    struct triage_intern *in = &e->strings;
    if (!s)
        s = "";
    if (in->count * 2 >= in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 256;
        char **v = ym_xcalloc(cap, sizeof *v);
        for (size_t i = 0; i < in->cap; i++)
            if (in->v[i]) {
                size_t k = triage_engine_hash(in->v[i]) & (cap - 1);
                while (v[k])
                    k = (k + 1) & (cap - 1);
                v[k] = in->v[i];
            }
        free(in->v);
        in->v = v;
        in->cap = cap;
    }
    size_t k = triage_engine_hash(s) & (in->cap - 1);
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

static void tev_free(struct triage_engine *e, struct triage_event *ev)
{
    triage_event_free(ev);
    e->open--;
}

struct triage_event *triage_engine_lookup(struct triage_engine *e, const char *key, uint64_t h)
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
    e->watches = ym_xcalloc(TRIAGE_WATCH_MAX, sizeof *e->watches);
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
    for (size_t i = 0; i < TRIAGE_WATCH_MAX; i++)
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

void triage_engine_touch_txn(struct triage_engine *e, struct triage_event *ev)
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
    triage_incident_merges_done(e, st == YM_OK);
    if (st == YM_OK)
        e->notes_ready += e->notes_txn;
    e->notes_txn = 0;
    triage_tuning_hits_done(&e->tuning, st == YM_OK);
    return st;
}

/* ---- writing an event ---- */

enum ym_status triage_engine_write_event(struct triage_engine *e, struct triage_event *ev,
                                         int64_t now_ns)
{
    triage_engine_touch_txn(e, ev);
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

/* A new open event under key (hash h), its shared strings interned and
 * its own copied (NULL reads as ""), linked into the table. */
static struct triage_event *add_event(struct triage_engine *e, const char *key, uint64_t h,
                                      const char *tenant, const char *rule_id, const char *title,
                                      const char *level, const char *response,
                                      const char *device, const char *src, const char *dst,
                                      const char *agg_text)
{
    struct triage_event *ev = ym_xcalloc(1, sizeof *ev);
    ev->hash = h;
    ev->key = ym_xstrdup(key);
    ev->tenant = intern(e, tenant);
    ev->rule_id = intern(e, rule_id);
    ev->title = intern(e, title);
    ev->level = intern(e, level);
    ev->response = intern(e, response);
    ev->device = intern(e, device);
    ev->src = dup_or_empty(src);
    ev->dst = dup_or_empty(dst);
    ev->agg_text = dup_or_empty(agg_text);
    ev->threshold = 1;
    if (e->open + 1 > e->bucket_count)
        grow(e);
    size_t b = h & (e->bucket_count - 1);
    ev->next = e->buckets[b];
    e->buckets[b] = ev;
    e->open++;
    return ev;
}

/* ---- after a restart ---- */

static int restore_event(void *arg, const struct state_event *se)
{
    struct triage_engine *e = arg;
    char key[TRIAGE_KEY_MAX];
    make_key(key, se->tenant, se->agg_key, se->suppressed, se->suppression_id);
    uint64_t h = triage_engine_hash(key);
    if (triage_engine_lookup(e, key, h))
        return 0;
    struct triage_event *ev =
        add_event(e, key, h, se->tenant, se->rule_id, se->title, se->level, "", se->device,
                  se->source_ip, se->destination_ip, se->agg_key);
    ev->sev = ev->initial_sev = ev->incident_sev = se->severity;
    set_reason(ev, "%s", se->reason ? se->reason : "");
    ev->count = se->count;
    ev->suppressed = se->suppressed;
    ev->suppression_id = se->suppression_id;
    ev->first_ns = se->first_ns;
    ev->last_ns = se->last_ns;
    ev->window_end_ns = se->window_end_ns;
    ev->touched_ns = ev->written_ns = e->restore_ns;
    ev->id = se->id;
    ev->incident_id = se->incident_id;
    triage_event_load(e->policy, ev, se->distinct_json, se->samples_json);
    return 0;
}

static int restore_merge(void *arg, const struct state_event *se)
{
    struct triage_engine *e = arg;
    char key[TRIAGE_KEY_MAX];
    if (!se->incident_id || se->suppressed)
        return 0;
    make_key(key, se->tenant, se->agg_key, 0, 0);
    if (triage_incident_find_merge(e, key))
        return 0;
    if (e->merge_count == e->merge_cap) {
        e->merge_cap = e->merge_cap ? e->merge_cap * 2 : 64;
        e->merges = ym_xrealloc(e->merges, e->merge_cap * sizeof *e->merges);
    }
    e->merges[e->merge_count++] = (struct triage_merge){.key = ym_xstrdup(key),
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
    struct triage_event *ev = add_event(
        e, key, h, d->tenant, d->rule_id, d->rule_title, detect_level_name(d->level),
        d->rule_response, d->device, triage_detection_field(d, "source.ip"),
        triage_detection_field(d, "destination.ip"), agg_text);
    set_reason(ev, "%s", "");
    ev->first_ns = ev->last_ns = d->time_ns;
    e->stats.events_opened++;
    return ev;
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
                         triage_engine_field(d, kf.names[i]));
    char key[TRIAGE_KEY_MAX], plain_key[TRIAGE_KEY_MAX];
    make_key(plain_key, d->tenant, agg, 0, 0);
    make_key(key, d->tenant, agg, muted, s ? s->id : 0);
    uint64_t h = triage_engine_hash(key);

    struct triage_event *ev = triage_engine_lookup(e, key, h);
    if (ev && (d->time_ns >= ev->window_end_ns || d->time_ns - ev->first_ns >= p->window_max_ns)) {
        /* the window closed: this detection starts the next event; the old
         * one is freed once its last write is committed */
        enum ym_status st = ev->dirty ? triage_engine_write_event(e, ev, now_ns) : YM_OK;
        if (st != YM_OK)
            return st;
        triage_engine_touch_txn(e, ev);
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
    triage_engine_touch_txn(e, ev);
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
        return fresh ? triage_engine_write_event(e, ev, now_ns) : YM_OK;
    }
    if (fresh) {
        ev->sev = ev->initial_sev = j.severity;
        set_reason(ev, "%s", j.reason);
    } else {
        raise_sev(ev, j.severity, j.reason);
    }
    /* one watch per exploit event and minute keeps the list short in a burst */
    if (j.exploit && (!ev->watched_ns || d->time_ns - ev->watched_ns >= 60 * YM_NS_PER_S)) {
        triage_watch_add(e, d, plain_key);
        ev->watched_ns = d->time_ns;
    }
    enum ym_status st = YM_OK;
    const struct triage_watch *w = triage_watch_callback(e, d, &j, plain_key);
    if (w) {
        char why[512];
        long long mins = (long long)((d->time_ns - w->time_ns) / (60 * YM_NS_PER_S));
        const char *dst = triage_engine_field(d, "destination.ip");
        snprintf(why, sizeof why, "%s connected to %s %lld min after %s (%s): the exploit very "
                 "likely worked",
                 w->target, *dst ? dst : "?", mins, w->title, d->rule_title);
        struct triage_event *x = triage_engine_lookup(e, w->key, triage_engine_hash(w->key));
        if (x) {
            triage_engine_touch_txn(e, x);
            enum state_severity to = p->success_severity > x->sev ? p->success_severity : x->sev;
            raise_sev(x, to, why);
            st = triage_incident_settle(e, x, d->received_ns, now_ns);
            if (st == YM_OK && x->dirty)
                st = triage_engine_write_event(e, x, now_ns);
        }
        if (!ev->link_key || strcmp(ev->link_key, w->key) != 0) {
            free(ev->link_key);
            ev->link_key = ym_xstrdup(w->key);
        }
        if (ev->sev < p->success_severity)
            raise_sev(ev, p->success_severity, why);
    }
    if (st == YM_OK && fresh)
        st = triage_engine_write_event(e, ev, now_ns);
    if (st == YM_OK)
        st = triage_incident_settle(e, ev, d->received_ns, now_ns);
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
            enum ym_status st = triage_engine_write_event(e, ev, now_ns);
            if (st != YM_OK)
                return st;
        }
    for (size_t i = 0; i < e->bucket_count; i++)
        for (struct triage_event *ev = e->buckets[i]; ev; ev = ev->next) {
            if (!ev->dirty || (!all && now_ns - ev->written_ns < e->cfg.flush_interval_ns))
                continue;
            enum ym_status st = triage_incident_settle(e, ev, 0, now_ns);
            if (st == YM_OK && ev->dirty)
                st = triage_engine_write_event(e, ev, now_ns);
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
    triage_watch_expire(e, now_ns);
    triage_incident_merges_expire(e, now_ns);
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
