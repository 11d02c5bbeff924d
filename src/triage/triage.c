/* triage: the triage thread around the engine (see triage.h).
 *
 * DESIGN
 *   Threads: workers call triage_submit (any number at once); one triage
 *   thread owns the engine, its writer connection to state.db and the
 *   policy in use; the control thread calls create/start/reload/stop.
 *   Queue: bounded in batches (TRIAGE_QUEUE_BATCHES), and in what they
 *   hold: submit waits while the batches queued hold QUEUE_DETECTIONS
 *   detections or QUEUE_BYTES bytes (a batch always gets in when the queue
 *   is empty), which slows the workers (back-pressure, nothing dropped).
 *   Batches alone did not bound memory: 256 batches of 1024 detections
 *   with samples are hundreds of MiB.
 *   Order: the thread takes every batch waiting (up to TAKE_MAX), triages
 *   them in one transaction, frees them, ticks the engine about once a
 *   second (event writes, SLA marks), then calls the notify hook when
 *   notifications were committed.
 *   Shutdown: triage_stop closes the queue; the thread drains what is left,
 *   flushes every open event and exits; stop joins it.
 *   Reload: the control thread loads the new policy and leaves it in
 *   `next` (under lock); the thread swaps it in between batches and frees
 *   the old one, which only it uses. */
#include "triage/triage.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/ym_alloc.h"
#include "core/ym_log.h"
#include "core/ym_queue.h"
#include "core/ym_time.h"
#include "state/state_db.h"
#include "triage/triage_engine.h"
#include "triage/triage_policy.h"

#define TRIAGE_QUEUE_BATCHES 256
#define QUEUE_DETECTIONS 4096
#define QUEUE_BYTES (4u << 20)
#define TAKE_MAX 16

struct triage {
    char *policy_path;           /* NULL = built-in */
    struct triage_policy *policy; /* the thread's; swapped by the thread */
    struct state_db *db;
    struct triage_engine *engine;
    struct ym_queue *queue;
    pthread_t thread;
    int started;
    triage_notify_fn hook;
    void *hook_arg;
    /* lock guards next and snap; taken by the control thread (reload),
     * any thread (stats) and the triage thread (swap, snapshot). */
    pthread_mutex_t lock;
    struct triage_policy *next;
    struct triage_engine_stats snap;
    /* qlock guards what the queued batches hold (submit adds, the thread
     * subtracts once it took them); qcond wakes waiting submitters. */
    pthread_mutex_t qlock;
    pthread_cond_t qcond;
    size_t queued_dets, queued_bytes;
    int closed;
};

enum ym_status triage_create(const struct ym_config *cfg, const char *policy_path,
                             const char *data_dir, struct triage **out, struct ym_error *err)
{
    (void)cfg;
    *out = NULL;
    struct triage_policy *policy = NULL;
    enum ym_status st = triage_policy_load(policy_path, &policy, err);
    if (st != YM_OK)
        return st;
    struct state_db *db = NULL;
    st = state_db_open(data_dir, STATE_DB_WRITER, &db, err);
    if (st != YM_OK) {
        triage_policy_free(policy);
        return st;
    }
    struct triage *t = ym_xcalloc(1, sizeof *t);
    t->policy_path = policy_path ? ym_xstrdup(policy_path) : NULL;
    t->policy = policy;
    t->db = db;
    struct triage_engine_config ec = {.policy = policy, .db = db};
    t->engine = triage_engine_create(&ec);
    t->queue = ym_queue_create(TRIAGE_QUEUE_BATCHES);
    pthread_mutex_init(&t->lock, NULL);
    pthread_mutex_init(&t->qlock, NULL);
    pthread_cond_init(&t->qcond, NULL);
    *out = t;
    return YM_OK;
}

void triage_set_notify_hook(struct triage *t, triage_notify_fn fn, void *arg)
{
    t->hook = fn;
    t->hook_arg = arg;
}

static void swap_policy(struct triage *t)
{
    pthread_mutex_lock(&t->lock);
    struct triage_policy *next = t->next;
    t->next = NULL;
    pthread_mutex_unlock(&t->lock);
    if (!next)
        return;
    triage_engine_set_policy(t->engine, next);
    triage_policy_free(t->policy);
    t->policy = next;
    ym_log(YM_LOG_INFO, "triage: policy reloaded");
}

static void after_commit(struct triage *t)
{
    if (triage_engine_take_notifications(t->engine) && t->hook)
        t->hook(t->hook_arg);
    struct triage_engine_stats s;
    triage_engine_stats(t->engine, &s);
    pthread_mutex_lock(&t->lock);
    t->snap = s;
    pthread_mutex_unlock(&t->lock);
}

/* The thread took batches holding dets detections and bytes bytes. */
static void unqueue(struct triage *t, size_t dets, size_t bytes)
{
    pthread_mutex_lock(&t->qlock);
    t->queued_dets -= dets;
    t->queued_bytes -= bytes;
    pthread_cond_broadcast(&t->qcond);
    pthread_mutex_unlock(&t->qlock);
}

static void *run(void *arg)
{
    struct triage *t = arg;
    struct triage_batch *taken[TAKE_MAX];
    struct triage_detection *all = NULL;
    size_t all_cap = 0;
    int64_t last_tick = ym_time_mono_ns();
    for (;;) {
        void *item = NULL;
        enum ym_status st = ym_queue_pop(t->queue, 200, &item);
        if (st == YM_ECLOSED)
            break;
        swap_policy(t);
        size_t n = 0, dets = 0;
        if (st == YM_OK) {
            taken[n++] = item;
            while (n < TAKE_MAX && ym_queue_pop(t->queue, 0, &item) == YM_OK)
                taken[n++] = item;
        }
        size_t bytes = 0;
        for (size_t i = 0; i < n; i++) {
            dets += taken[i]->count;
            bytes += triage_batch_bytes(taken[i]);
        }
        if (n)
            unqueue(t, dets, bytes);
        if (dets > all_cap) {
            all_cap = dets * 2;
            all = ym_xrealloc(all, all_cap * sizeof *all);
        }
        dets = 0;
        for (size_t i = 0; i < n; i++) {
            memcpy(all + dets, taken[i]->v, taken[i]->count * sizeof *all);
            dets += taken[i]->count;
        }
        int64_t now = ym_time_now_ns();
        if (dets && triage_engine_add(t->engine, all, dets, now) != YM_OK)
            YM_LOG_RATELIMITED(YM_LOG_ERROR, "triage: %zu detections not stored yet (state "
                                             "store); their events are written again at the "
                                             "next tick", dets);
        for (size_t i = 0; i < n; i++)
            triage_batch_free(taken[i]);
        int64_t mono = ym_time_mono_ns();
        if (mono - last_tick >= YM_NS_PER_S) {
            triage_engine_tick(t->engine, now);
            last_tick = mono;
        }
        after_commit(t);
    }
    triage_engine_flush(t->engine, ym_time_now_ns());
    after_commit(t);
    free(all);
    return NULL;
}

enum ym_status triage_start(struct triage *t)
{
    if (t->started)
        return YM_OK;
    if (pthread_create(&t->thread, NULL, run, t) != 0)
        return YM_EIO;
    pthread_setname_np(t->thread, "ym-triage");
    t->started = 1;
    return YM_OK;
}

enum ym_status triage_submit(struct triage *t, struct triage_batch *tb)
{
    if (!tb)
        return YM_OK;
    if (tb->count == 0) {
        triage_batch_free(tb);
        return YM_OK;
    }
    size_t dets = tb->count, bytes = triage_batch_bytes(tb);
    pthread_mutex_lock(&t->qlock);
    while (!t->closed && t->queued_dets &&
           (t->queued_dets + dets > QUEUE_DETECTIONS || t->queued_bytes + bytes > QUEUE_BYTES))
        pthread_cond_wait(&t->qcond, &t->qlock);
    int closed = t->closed;
    if (!closed) {
        t->queued_dets += dets;
        t->queued_bytes += bytes;
    }
    pthread_mutex_unlock(&t->qlock);
    if (closed) {
        triage_batch_free(tb);
        return YM_ECLOSED;
    }
    enum ym_status st = ym_queue_push(t->queue, tb, -1);
    if (st != YM_OK) {
        unqueue(t, dets, bytes);
        triage_batch_free(tb);
    }
    return st;
}

enum ym_status triage_reload_policy(struct triage *t, struct ym_error *err)
{
    struct triage_policy *p = NULL;
    enum ym_status st = triage_policy_load(t->policy_path, &p, err);
    if (st != YM_OK)
        return st;
    pthread_mutex_lock(&t->lock);
    struct triage_policy *old = t->next;
    t->next = p;
    pthread_mutex_unlock(&t->lock);
    triage_policy_free(old); /* a reload nobody took yet */
    if (!t->started)
        swap_policy(t);
    return YM_OK;
}

void triage_stop(struct triage *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&t->qlock);
    t->closed = 1;
    pthread_cond_broadcast(&t->qcond);
    pthread_mutex_unlock(&t->qlock);
    ym_queue_close(t->queue);
    if (t->started) {
        pthread_join(t->thread, NULL);
        t->started = 0;
    } else {
        void *item;
        while (ym_queue_pop(t->queue, 0, &item) == YM_OK)
            triage_batch_free(item);
    }
}

void triage_destroy(struct triage *t)
{
    if (!t)
        return;
    triage_stop(t);
    triage_engine_destroy(t->engine);
    triage_policy_free(t->policy);
    triage_policy_free(t->next);
    state_db_close(t->db);
    ym_queue_destroy(t->queue);
    pthread_mutex_destroy(&t->lock);
    pthread_mutex_destroy(&t->qlock);
    pthread_cond_destroy(&t->qcond);
    free(t->policy_path);
    free(t);
}

void triage_stats(struct triage *t, struct triage_stats *out)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&t->lock);
    struct triage_engine_stats s = t->snap;
    pthread_mutex_unlock(&t->lock);
    out->detections = s.detections;
    out->suppressed = s.suppressed;
    out->events_opened = s.events_opened;
    out->incidents_created = s.incidents_created;
    out->incidents_promoted = s.incidents_promoted;
    out->sla_breaches = s.sla_breaches;
    out->store_failures = s.store_failures;
    out->last_incident_latency_ns = s.last_incident_latency_ns;
    out->queue_len = ym_queue_len(t->queue);
    out->queue_capacity = ym_queue_capacity(t->queue);
}
