/* triage_watch: the exploit-callback watches of the triage engine (see
 * triage_engine.h for the flow). An exploit detection that went through is
 * put on a ring of TRIAGE_WATCH_MAX watches, chained by target; a later
 * detection from that target back to the attacker (or a callback or
 * threat-intel hit from it) within the policy's callback window finds its
 * watch, and the engine promotes the exploit's event and links the
 * callback's event to its incident. Watches older than the window are
 * dropped at the tick; when the ring is full the oldest goes. */
#include "triage/triage_engine_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ym_alloc.h"

void triage_watch_add(struct triage_engine *e, const struct triage_detection *d, const char *key)
{
    if (e->watch_next - e->watch_first == TRIAGE_WATCH_MAX)
        e->watch_first++; /* the oldest goes */
    uint64_t seq = e->watch_next++;
    struct triage_watch *w = &e->watches[seq % TRIAGE_WATCH_MAX];
    const char *target = triage_engine_field(d, "destination.ip");
    size_t b = triage_engine_hash(target) & (TRIAGE_WATCH_BUCKETS - 1);
    w->seq = seq;
    w->prev = e->watch_head[b];
    e->watch_head[b] = seq;
    snprintf(w->tenant, sizeof w->tenant, "%s", d->tenant);
    snprintf(w->target, sizeof w->target, "%s", target);
    snprintf(w->attacker, sizeof w->attacker, "%s", triage_engine_field(d, "source.ip"));
    free(w->key);
    w->key = ym_xstrdup(key);
    snprintf(w->title, sizeof w->title, "%s", d->rule_title ? d->rule_title : "");
    w->time_ns = d->time_ns;
}

/* A detection from an exploited target back to its attacker (or any
 * callback or threat-intel hit from it) within the window: the exploit
 * worked. Returns the watch, or NULL. */
const struct triage_watch *triage_watch_callback(struct triage_engine *e,
                                                 const struct triage_detection *d,
                                                 const struct triage_judgement *j,
                                                 const char *key)
{
    const char *src = triage_engine_field(d, "source.ip");
    const char *dst = triage_engine_field(d, "destination.ip");
    int ti = *triage_engine_field(d, "threat.indicator.type") != '\0';
    if (!*src)
        return NULL;
    uint64_t seq = e->watch_head[triage_engine_hash(src) & (TRIAGE_WATCH_BUCKETS - 1)];
    while (seq >= e->watch_first && seq < e->watch_next) {
        const struct triage_watch *w = &e->watches[seq % TRIAGE_WATCH_MAX];
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

void triage_watch_expire(struct triage_engine *e, int64_t now_ns)
{
    while (e->watch_first < e->watch_next) {
        const struct triage_watch *w = &e->watches[e->watch_first % TRIAGE_WATCH_MAX];
        if (now_ns - w->time_ns <= e->policy->callback_window_ns)
            break;
        e->watch_first++;
    }
}
