/* serve_pipeline: archive writer and parse workers of `yamori serve`
 * (DESIGN comment in serve_pipeline.h). */
#include "cli/serve_pipeline.h"

#include <pthread.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ym_alloc.h"
#include "core/ym_log.h"
#include "core/ym_time.h"
#include "detect/detect.h"
#include "enrich/enrich_ti.h"
#include "intake/intake.h"
#include "triage/triage.h"

#define WRITER_POP_MS 250
#define MAINTAIN_EVERY_NS YM_NS_PER_S
#define SHUTDOWN_COMMIT_TRIES 3

/* Per-minute count of one device. */
struct minute_slot {
    const struct ym_device *dev; /* NULL = empty slot */
    int64_t minute_ns;
    uint64_t logs;
    uint64_t parse_errors;
};

struct minute_table {
    struct minute_slot *slots;
    size_t cap; /* power of two */
    size_t count;
};

/* Latency histogram (microseconds): exact below 64 us, then 32 buckets per
 * power of two (about 3% wide) up to 2^40 us. */
#define LAT_EXACT 64
#define LAT_SUB_BITS 5
#define LAT_MAX_EXP 40
#define LAT_BUCKETS (LAT_EXACT + (LAT_MAX_EXP - 6 + 1) * (1 << LAT_SUB_BITS))

struct worker {
    pthread_t thread;
    struct serve_pipeline *p;
    struct detect_scratch *scratch; /* the worker's own, created on its first batch */
    /* Published by the worker after each batch, read by housekeeping. */
    _Atomic uint64_t parsed, parse_errors, unparsed, batches;
    _Atomic uint64_t detections, detections_lost, unmatched_logs, ti_logs;
    _Atomic uint64_t lat_max_us;
    _Atomic uint64_t lat_hist[LAT_BUCKETS]; /* written per detection (rare), not per log */
};

struct serve_pipeline {
    struct ym_batch_pool *pool;
    struct ym_queue *to_archive;
    struct ym_queue *to_parse;
    unsigned pool_max;

    /* Writer-thread state (no lock: only the writer touches these once it
     * runs). */
    struct archive *archive;
    struct archive_writer_stats archive_base; /* figures of archives closed by reopens */
    struct archive_options aopt;
    char *data_dir; /* aopt.data_dir points here */
    uint64_t *acks; /* SERVE_GROUP_MAX * YM_BATCH_MAX_RECORDS tokens */
    pthread_t writer;
    int writer_started;
    int gave_up; /* a group could not be committed during shutdown */
    atomic_int stopping;

    /* intake_lock guards intake: the writer acks through it, the main
     * thread clears it before intake_stop. */
    pthread_mutex_t intake_lock;
    struct intake *intake;

    /* lock guards minutes and the published writer figures below; taken by
     * the writer once per group and by housekeeping once a second. */
    pthread_mutex_t lock;
    struct minute_table minutes;
    struct archive_writer_stats pub_archive;
    uint64_t group_commits, commit_failures, archive_reopens, lost_logs;
    int archive_failing;

    struct worker *workers;
    int worker_count;
    struct serve_detect detect; /* borrowed; detect.rules NULL = parse only */
};

/* ---- per-minute counts (writer adds, housekeeping takes; lock held) ---- */

static size_t slot_hash(const struct ym_device *dev, int64_t minute_ns)
{
    uint64_t h = (uint64_t)(uintptr_t)dev * 0x9E3779B97F4A7C15ull;
    h ^= (uint64_t)(minute_ns / (60 * YM_NS_PER_S)) * 0xC2B2AE3D27D4EB4Full;
    return (size_t)(h ^ (h >> 29));
}

static struct minute_slot *minute_find(struct minute_table *t, const struct ym_device *dev,
                                       int64_t minute_ns)
{
    if (t->count * 2 >= t->cap) {
        struct minute_table bigger = {ym_xcalloc(t->cap ? t->cap * 2 : 256, sizeof *t->slots),
                                      t->cap ? t->cap * 2 : 256, 0};
        for (size_t i = 0; i < t->cap; i++)
            if (t->slots[i].dev)
                *minute_find(&bigger, t->slots[i].dev, t->slots[i].minute_ns) = t->slots[i];
        free(t->slots);
        *t = bigger;
    }
    size_t mask = t->cap - 1;
    for (size_t i = slot_hash(dev, minute_ns) & mask;; i = (i + 1) & mask) {
        struct minute_slot *s = &t->slots[i];
        if (!s->dev) {
            s->dev = dev;
            s->minute_ns = minute_ns;
            s->logs = 0;
            t->count++;
            return s;
        }
        if (s->dev == dev && s->minute_ns == minute_ns)
            return s;
    }
}

static int64_t minute_of(int64_t t_ns)
{
    const int64_t m = 60 * YM_NS_PER_S;
    int64_t q = t_ns / m;
    if (t_ns % m < 0)
        q--;
    return q * m;
}

static void count_minutes(struct serve_pipeline *p, struct ym_batch *const *g, size_t n)
{
    struct minute_slot *last = NULL;
    pthread_mutex_lock(&p->lock);
    for (size_t i = 0; i < n; i++) {
        for (uint32_t r = 0; r < g[i]->count; r++) {
            const struct ym_record *rec = &g[i]->recs[r];
            if (!rec->device)
                continue;
            int64_t minute = minute_of(rec->received_ns);
            /* Consecutive logs mostly share device and minute. */
            if (!last || last->dev != rec->device || last->minute_ns != minute)
                last = minute_find(&p->minutes, rec->device, minute);
            last->logs++;
        }
        last = NULL; /* a later find may have moved the table */
    }
    pthread_mutex_unlock(&p->lock);
}

/* Parse workers: logs no decoder fully read, per device and minute. Most
 * batches have none, and then the lock is not taken. */
static void count_parse_errors(struct serve_pipeline *p, const struct ym_batch *b)
{
    const uint16_t bad = YM_REC_PARSE_ERROR | YM_REC_UNPARSED;
    uint32_t r = 0;
    while (r < b->count && !(b->recs[r].flags & bad))
        r++;
    if (r == b->count)
        return;
    pthread_mutex_lock(&p->lock);
    for (; r < b->count; r++) {
        const struct ym_record *rec = &b->recs[r];
        if ((rec->flags & bad) && rec->device)
            minute_find(&p->minutes, rec->device, minute_of(rec->received_ns))->parse_errors++;
    }
    pthread_mutex_unlock(&p->lock);
}

void serve_pipeline_minutes_take(struct serve_pipeline *p, serve_minute_fn fn, void *arg)
{
    pthread_mutex_lock(&p->lock);
    struct minute_table t = p->minutes;
    memset(&p->minutes, 0, sizeof p->minutes);
    pthread_mutex_unlock(&p->lock);
    for (size_t i = 0; i < t.cap; i++)
        if (t.slots[i].dev && (t.slots[i].logs || t.slots[i].parse_errors))
            fn(arg, t.slots[i].dev, t.slots[i].minute_ns, t.slots[i].logs,
               t.slots[i].parse_errors);
    free(t.slots);
}

/* ---- archive writer ---- */

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void add_writer_stats(struct archive_writer_stats *to, const struct archive_writer_stats *s)
{
    to->logs_committed += s->logs_committed;
    to->bytes_raw += s->bytes_raw;
    to->commits += s->commits;
    to->blocks_sealed += s->blocks_sealed;
    to->errors += s->errors;
}

/* Publishes the archive's figures, added to those of archives closed
 * before (a reopen starts the archive's own counters from zero). */
static void publish_writer(struct serve_pipeline *p)
{
    struct archive_writer_stats ws = p->archive_base;
    if (p->archive) {
        struct archive_writer_stats cur;
        archive_writer_stats(p->archive, &cur);
        add_writer_stats(&ws, &cur);
    }
    pthread_mutex_lock(&p->lock);
    p->pub_archive = ws;
    pthread_mutex_unlock(&p->lock);
}

/* Closes the archive, keeping its figures in archive_base. */
static void close_archive(struct serve_pipeline *p)
{
    if (!p->archive)
        return;
    struct archive_writer_stats cur;
    archive_writer_stats(p->archive, &cur);
    archive_close(p->archive);
    p->archive = NULL;
    add_writer_stats(&p->archive_base, &cur);
    publish_writer(p);
}

/* Commits the group, retrying with a reopened archive until it works (or,
 * once stopping, a few times). Returns 1 if committed. */
static int commit_group(struct serve_pipeline *p, struct ym_batch *const *g, size_t n)
{
    for (int tries = 1;; tries++) {
        enum ym_status st = p->archive ? archive_append_batches(p->archive, g, n) : YM_EDB;
        if (st == YM_OK) {
            pthread_mutex_lock(&p->lock);
            p->group_commits++;
            int was_failing = p->archive_failing;
            p->archive_failing = 0;
            pthread_mutex_unlock(&p->lock);
            if (was_failing)
                ym_log(YM_LOG_INFO, "archive: commits work again");
            return 1;
        }
        pthread_mutex_lock(&p->lock);
        p->commit_failures++;
        p->archive_failing = 1;
        pthread_mutex_unlock(&p->lock);
        YM_LOG_RATELIMITED(YM_LOG_ERROR,
                           "archive: commit of %zu batches failed (%s); holding them, reopening "
                           "the archive and retrying every second",
                           n, ym_status_str(st));
        /* Stopping: a few tries, and none more once a group was given up
         * (every queued group would otherwise wait its own tries). */
        if (atomic_load(&p->stopping) && (tries >= SHUTDOWN_COMMIT_TRIES || p->gave_up)) {
            p->gave_up = 1;
            uint64_t logs = 0;
            for (size_t i = 0; i < n; i++)
                logs += g[i]->count;
            pthread_mutex_lock(&p->lock);
            p->lost_logs += logs;
            pthread_mutex_unlock(&p->lock);
            ym_log(YM_LOG_ERROR,
                   "archive: shutting down with %llu logs whose commit failed: they may be "
                   "missing from the archive (RELP senders were not acknowledged and will "
                   "resend them)",
                   (unsigned long long)logs);
            return 0;
        }
        sleep_ms(1000);
        close_archive(p);
        if (archive_open(&p->aopt, &p->archive) != YM_OK)
            p->archive = NULL;
        pthread_mutex_lock(&p->lock);
        p->archive_reopens++;
        pthread_mutex_unlock(&p->lock);
    }
}

static void ack_group(struct serve_pipeline *p, struct ym_batch *const *g, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        for (uint32_t r = 0; r < g[i]->count; r++)
            if (g[i]->recs[r].ack)
                p->acks[count++] = g[i]->recs[r].ack;
    if (!count)
        return;
    pthread_mutex_lock(&p->intake_lock);
    if (p->intake)
        intake_ack(p->intake, p->acks, count);
    pthread_mutex_unlock(&p->intake_lock);
}

static void maybe_maintain(struct serve_pipeline *p, int64_t *last_mono_ns)
{
    int64_t now = ym_time_mono_ns();
    if (now - *last_mono_ns < MAINTAIN_EVERY_NS || !p->archive)
        return;
    *last_mono_ns = now;
    enum ym_status st = archive_maintain(p->archive, ym_time_now_ns());
    if (st != YM_OK)
        YM_LOG_RATELIMITED(YM_LOG_ERROR, "archive: maintenance failed: %s", ym_status_str(st));
    publish_writer(p);
}

static void *writer_main(void *arg)
{
    struct serve_pipeline *p = arg;
    struct ym_batch *group[SERVE_GROUP_MAX];
    int64_t last_maintain = ym_time_mono_ns();
    for (;;) {
        void *item;
        enum ym_status st = ym_queue_pop(p->to_archive, WRITER_POP_MS, &item);
        if (st == YM_ECLOSED)
            break;
        if (st != YM_OK) {
            maybe_maintain(p, &last_maintain);
            continue;
        }
        size_t n = 0;
        group[n++] = item;
        while (n < SERVE_GROUP_MAX && ym_queue_pop(p->to_archive, 0, &item) == YM_OK)
            group[n++] = item;
        if (commit_group(p, group, n)) {
            ack_group(p, group, n);
            count_minutes(p, group, n);
            publish_writer(p);
            for (size_t i = 0; i < n; i++)
                if (ym_queue_push(p->to_parse, group[i], -1) != YM_OK)
                    ym_batch_put(group[i]);
        } else {
            for (size_t i = 0; i < n; i++)
                ym_batch_put(group[i]);
        }
        maybe_maintain(p, &last_maintain);
    }
    ym_queue_close(p->to_parse);
    return NULL;
}

/* ---- parse workers ---- */

static unsigned lat_bucket(uint64_t us)
{
    if (us < LAT_EXACT)
        return (unsigned)us;
    if (us >= (1ull << LAT_MAX_EXP))
        us = (1ull << LAT_MAX_EXP) - 1;
    unsigned e = 63u - (unsigned)__builtin_clzll(us); /* 6..LAT_MAX_EXP-1 */
    unsigned sub = (unsigned)(us >> (e - LAT_SUB_BITS)) & ((1u << LAT_SUB_BITS) - 1);
    return LAT_EXACT + (e - 6) * (1u << LAT_SUB_BITS) + sub;
}

/* Largest value of bucket i (quantiles are reported conservatively). */
static uint64_t lat_bucket_top(unsigned i)
{
    if (i < LAT_EXACT)
        return i;
    unsigned e = 6 + (i - LAT_EXACT) / (1u << LAT_SUB_BITS);
    uint64_t sub = (i - LAT_EXACT) % (1u << LAT_SUB_BITS);
    uint64_t lo = ((1ull << LAT_SUB_BITS) + sub) << (e - LAT_SUB_BITS);
    return lo + (1ull << (e - LAT_SUB_BITS)) - 1;
}

/* What a worker's detect_hit_fn needs for one batch. */
struct hit_ctx {
    struct worker *w;
    struct triage *triage;   /* NULL = count only */
    struct triage_batch *tb; /* created at the batch's first hit */
    uint64_t hits, lost;
};

static void note_latency(struct worker *w, const struct ym_record *rec)
{
    int64_t d_ns = ym_time_now_ns() - rec->received_ns;
    uint64_t us = d_ns > 0 ? (uint64_t)d_ns / 1000 : 0;
    atomic_fetch_add_explicit(&w->lat_hist[lat_bucket(us)], 1, memory_order_relaxed);
    if (us > atomic_load_explicit(&w->lat_max_us, memory_order_relaxed))
        atomic_store_explicit(&w->lat_max_us, us, memory_order_relaxed);
}

static int on_hit(void *arg, const struct ym_record *rec, const struct detect_hit *hit)
{
    struct hit_ctx *c = arg;
    c->hits++;
    if (c->triage) {
        if (!c->tb)
            c->tb = triage_batch_create();
        if (triage_batch_add_hit(c->tb, rec, hit) != YM_OK)
            c->lost++;
    }
    note_latency(c->w, rec);
    return 0;
}

/* Hands the batch's detections to triage (which takes the batch). */
static void submit_hits(struct hit_ctx *c)
{
    if (!c->tb)
        return;
    if (!c->tb->count) {
        triage_batch_free(c->tb);
        return;
    }
    size_t n = c->tb->count;
    enum ym_status st = triage_submit(c->triage, c->tb);
    if (st != YM_OK) {
        c->lost += n;
        YM_LOG_RATELIMITED(YM_LOG_ERROR, "detect: triage did not take %zu detections (%s); "
                                         "counted as detect.detections_lost",
                           n, ym_status_str(st));
    }
}

/* Threat intel, then the rules, over one parsed batch. The set and the
 * snapshot are taken once for the whole batch. */
static void detect_batch(struct worker *w, struct ym_batch *b)
{
    const struct serve_detect *d = &w->p->detect;
    struct enrich_ti *ti = d->ti ? enrich_ti_live_acquire(d->ti) : NULL;
    if (ti && enrich_ti_indicator_count(ti)) {
        uint64_t touched = 0;
        for (uint32_t r = 0; r < b->count; r++)
            touched += enrich_ti_apply(ti, &b->recs[r]) > 0;
        if (touched)
            atomic_fetch_add_explicit(&w->ti_logs, touched, memory_order_relaxed);
    }
    struct detect_set *set = detect_live_acquire(d->rules);
    if (!w->scratch)
        w->scratch = detect_scratch_create(set);
    struct hit_ctx c = {.w = w, .triage = d->triage};
    int n = w->scratch ? detect_set_match_batch(set, w->scratch, b, on_hit, &c) : -1;
    detect_live_release(set);
    enrich_ti_live_release(ti);
    submit_hits(&c);
    if (c.lost) {
        atomic_fetch_add_explicit(&w->detections_lost, c.lost, memory_order_relaxed);
        YM_LOG_RATELIMITED(YM_LOG_ERROR, "detect: %llu detections did not reach triage "
                                         "(counted as detect.detections_lost)",
                           (unsigned long long)c.lost);
    }
    if (n < 0) {
        atomic_fetch_add_explicit(&w->unmatched_logs, b->count, memory_order_relaxed);
        YM_LOG_RATELIMITED(YM_LOG_ERROR,
                           "detect: out of memory for a worker's scratch: %u logs were archived "
                           "but not matched (counted as detect.unmatched_logs)",
                           b->count);
    }
    if (c.hits)
        atomic_fetch_add_explicit(&w->detections, c.hits, memory_order_relaxed);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct parse_stats stats = {0};
    uint64_t batches = 0;
    void *item;
    /* The archive writer is the one thread every log must pass through
     * before it is acknowledged; when the cores are busy it goes first.
     * Workers run a little nicer (Linux: per thread). Failure is harmless. */
    if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 5) != 0)
        ym_log(YM_LOG_DEBUG, "serve: could not lower a parse worker's priority");
    while (ym_queue_pop(w->p->to_parse, -1, &item) == YM_OK) {
        struct ym_batch *b = item;
        parse_batch(b, ym_time_now_ns(), &stats);
        count_parse_errors(w->p, b);
        if (w->p->detect.rules)
            detect_batch(w, b);
        ym_batch_put(b);
        batches++;
        atomic_store_explicit(&w->parsed, stats.parsed, memory_order_relaxed);
        atomic_store_explicit(&w->parse_errors, stats.parse_errors, memory_order_relaxed);
        atomic_store_explicit(&w->unparsed, stats.unparsed, memory_order_relaxed);
        atomic_store_explicit(&w->batches, batches, memory_order_relaxed);
    }
    return NULL;
}

/* ---- life cycle ---- */

enum ym_status serve_pipeline_create(const struct ym_config *cfg, struct serve_pipeline **out,
                                     struct ym_error *err)
{
    struct serve_pipeline *p = ym_xcalloc(1, sizeof *p);
    p->pool_max = cfg->queue_batches ? cfg->queue_batches : 32;
    p->data_dir = ym_xstrdup(cfg->data_dir);
    p->aopt.data_dir = p->data_dir;
    p->aopt.retention_days = cfg->retention_days;
    enum ym_status st = archive_open(&p->aopt, &p->archive);
    if (st != YM_OK) {
        ym_error_set(err, p->data_dir, 0, 0, "cannot open the archive in %s/archive: %s",
                     p->data_dir, ym_status_str(st));
        free(p->data_dir);
        free(p);
        return st;
    }
    p->pool = ym_batch_pool_create(p->pool_max);
    /* Each queue can hold every batch of the pool: pushes block only when
     * the pool itself is exhausted, which is the back-pressure point. */
    p->to_archive = ym_queue_create(p->pool_max);
    p->to_parse = ym_queue_create(p->pool_max);
    p->acks = ym_xcalloc((size_t)SERVE_GROUP_MAX * YM_BATCH_MAX_RECORDS, sizeof *p->acks);
    pthread_mutex_init(&p->intake_lock, NULL);
    pthread_mutex_init(&p->lock, NULL);
    publish_writer(p);
    *out = p;
    return YM_OK;
}

void serve_pipeline_set_detect(struct serve_pipeline *p, const struct serve_detect *d)
{
    p->detect = *d;
}

struct ym_batch_pool *serve_pipeline_pool(struct serve_pipeline *p) { return p->pool; }
struct ym_queue *serve_pipeline_intake_queue(struct serve_pipeline *p) { return p->to_archive; }

enum ym_status serve_pipeline_start(struct serve_pipeline *p, struct intake *in, int workers)
{
    p->intake = in;
    if (workers < 1)
        workers = 1;
    p->workers = ym_xcalloc((size_t)workers, sizeof *p->workers);
    if (pthread_create(&p->writer, NULL, writer_main, p) != 0)
        return YM_EIO;
    pthread_setname_np(p->writer, "ym-archive");
    p->writer_started = 1;
    for (int i = 0; i < workers; i++) {
        p->workers[i].p = p;
        if (pthread_create(&p->workers[i].thread, NULL, worker_main, &p->workers[i]) != 0)
            return YM_EIO;
        char name[32]; /* the kernel keeps 15 bytes */
        snprintf(name, sizeof name, "ym-parse-%d", i);
        name[15] = 0;
        pthread_setname_np(p->workers[i].thread, name);
        p->worker_count++;
    }
    return YM_OK;
}

void serve_pipeline_detach_intake(struct serve_pipeline *p)
{
    pthread_mutex_lock(&p->intake_lock);
    p->intake = NULL;
    pthread_mutex_unlock(&p->intake_lock);
}

void serve_pipeline_stop(struct serve_pipeline *p)
{
    atomic_store(&p->stopping, 1);
    ym_queue_close(p->to_archive);
    if (p->writer_started) {
        pthread_join(p->writer, NULL);
        p->writer_started = 0;
    } else {
        ym_queue_close(p->to_parse);
    }
    for (int i = 0; i < p->worker_count; i++) {
        pthread_join(p->workers[i].thread, NULL);
        detect_scratch_destroy(p->workers[i].scratch);
        p->workers[i].scratch = NULL;
    }
    close_archive(p);
    /* Anything still queued (only if a thread failed to start) goes back. */
    void *item;
    while (ym_queue_pop(p->to_archive, 0, &item) == YM_OK)
        ym_batch_put(item);
    while (ym_queue_pop(p->to_parse, 0, &item) == YM_OK)
        ym_batch_put(item);
}

void serve_pipeline_destroy(struct serve_pipeline *p)
{
    if (!p)
        return;
    archive_close(p->archive);
    ym_queue_destroy(p->to_archive);
    ym_queue_destroy(p->to_parse);
    ym_batch_pool_destroy(p->pool);
    pthread_mutex_destroy(&p->intake_lock);
    pthread_mutex_destroy(&p->lock);
    free(p->minutes.slots);
    free(p->workers);
    free(p->acks);
    free(p->data_dir);
    free(p);
}

/* p50 and p99 of the detection latency over every worker's histogram. */
static void latency_quantiles(struct serve_pipeline *p, struct serve_pipeline_stats *out)
{
    uint64_t *sum = ym_xcalloc(LAT_BUCKETS, sizeof *sum);
    uint64_t total = 0;
    for (int i = 0; i < p->worker_count; i++)
        for (unsigned k = 0; k < LAT_BUCKETS; k++) {
            uint64_t v = atomic_load_explicit(&p->workers[i].lat_hist[k], memory_order_relaxed);
            sum[k] += v;
            total += v;
        }
    if (total) {
        uint64_t want50 = (total + 1) / 2, want99 = (total * 99 + 99) / 100, seen = 0;
        int have50 = 0;
        for (unsigned k = 0; k < LAT_BUCKETS; k++) {
            seen += sum[k];
            if (!have50 && seen >= want50) {
                out->detect_latency_p50_us = lat_bucket_top(k);
                have50 = 1;
            }
            if (seen >= want99) {
                out->detect_latency_p99_us = lat_bucket_top(k);
                break;
            }
        }
    }
    free(sum);
}

void serve_pipeline_stats(struct serve_pipeline *p, struct serve_pipeline_stats *out)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&p->lock);
    out->archive = p->pub_archive;
    out->group_commits = p->group_commits;
    out->commit_failures = p->commit_failures;
    out->archive_reopens = p->archive_reopens;
    out->lost_logs = p->lost_logs;
    out->archive_failing = p->archive_failing;
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->worker_count; i++) {
        struct worker *w = &p->workers[i];
        out->parse.parsed += atomic_load_explicit(&w->parsed, memory_order_relaxed);
        out->parse.parse_errors += atomic_load_explicit(&w->parse_errors, memory_order_relaxed);
        out->parse.unparsed += atomic_load_explicit(&w->unparsed, memory_order_relaxed);
        out->parse_batches += atomic_load_explicit(&w->batches, memory_order_relaxed);
        out->detections += atomic_load_explicit(&w->detections, memory_order_relaxed);
        out->detections_lost += atomic_load_explicit(&w->detections_lost, memory_order_relaxed);
        out->unmatched_logs += atomic_load_explicit(&w->unmatched_logs, memory_order_relaxed);
        out->ti_logs += atomic_load_explicit(&w->ti_logs, memory_order_relaxed);
        uint64_t mx = atomic_load_explicit(&w->lat_max_us, memory_order_relaxed);
        if (mx > out->detect_latency_max_us)
            out->detect_latency_max_us = mx;
    }
    latency_quantiles(p, out);
    /* A bucket's top can pass the largest value seen. */
    if (out->detect_latency_p50_us > out->detect_latency_max_us)
        out->detect_latency_p50_us = out->detect_latency_max_us;
    if (out->detect_latency_p99_us > out->detect_latency_max_us)
        out->detect_latency_p99_us = out->detect_latency_max_us;
    out->workers = p->worker_count;
    out->archive_queue_len = ym_queue_len(p->to_archive);
    out->archive_queue_capacity = ym_queue_capacity(p->to_archive);
    out->parse_queue_len = ym_queue_len(p->to_parse);
    out->parse_queue_capacity = ym_queue_capacity(p->to_parse);
    out->batches_in_use = ym_batch_pool_in_use(p->pool);
    out->batches_max = p->pool_max;
}
