/* serve_pipeline: the threads of `yamori serve` behind intake: the archive
 * writer and the parse workers, and the queues and batch pool between them.
 *
 * DESIGN (threads, queues, order, shutdown):
 *
 *   intake ──▶ [archive queue] ──▶ archive writer ──▶ [parse queue] ──▶ parse workers (N)
 *   (epoll)                        group commit,                        parse_batch, then
 *                                  intake_ack, per-minute counts        ym_batch_put
 *
 *  - One archive writer thread owns the struct archive. It pops a batch,
 *    takes every batch already waiting (up to SERVE_GROUP_MAX) and stores
 *    them with archive_append_batches, one durable commit for the group.
 *    Only then does it hand the RELP ack tokens to intake_ack (invariant:
 *    acknowledged means committed) and push the batches to the parse queue.
 *    About once a second it calls archive_maintain (sealing, retention).
 *  - If a commit fails the archive is in its error state: the writer keeps
 *    the group, reopens the archive and retries once a second. Meanwhile the
 *    queues fill and intake pushes back on senders (UDP drops are counted);
 *    nothing is thrown away while the server runs.
 *  - N parse workers pop batches, parse them, and return them to the pool.
 *    Each keeps its own counters and publishes them after every batch.
 *    With a detect stage set (serve_pipeline_set_detect), a worker then,
 *    per batch: takes the current threat-intel snapshot and rule set (one
 *    acquire each, never per log), writes threat-intel hits into the logs
 *    (enrich_ti_apply), runs detect_set_match_batch with its own scratch,
 *    copies each detection into a triage batch (triage_batch_add_hit) and
 *    submits that once (triage_submit; it waits when triage is behind, so
 *    a detection is never dropped for being one too many). A reload swaps
 *    the set between two batches: every log is matched by exactly one set.
 *  - The main thread (housekeeping) reads counters with serve_pipeline_stats
 *    and takes the per-minute counts with serve_pipeline_minutes_take.
 *  - Shutdown, in this order: serve_pipeline_detach_intake (no more acks to
 *    an intake going away), intake_stop (pushes its last partial batch),
 *    serve_pipeline_stop (closes the archive queue; the writer drains it,
 *    closes the parse queue; the workers drain that; the archive is closed),
 *    serve_pipeline_destroy.
 *
 * Memory: the pipeline owns the pool, both queues and the archive. Device
 * pointers in the per-minute counts are borrowed from intake_devices, which
 * must outlive the pipeline. Functions are main-thread only except
 * serve_pipeline_stats and serve_pipeline_minutes_take (any thread). */
#ifndef SERVE_PIPELINE_H
#define SERVE_PIPELINE_H

#include <stdint.h>

#include "archive/archive.h"
#include "core/ym_batch.h"
#include "core/ym_config.h"
#include "core/ym_device.h"
#include "core/ym_queue.h"
#include "core/ym_status.h"
#include "parse/parse.h"

struct detect_live;
struct enrich_ti_live;
struct intake;
struct serve_pipeline;
struct triage;

/* Batches per group commit. A durable commit costs an fsync (several ms on
 * virtual disks); at 600k logs/s a group of 16 means ~40 fsyncs a second.
 * Half of the default pool (32) leaves intake room to fill while the writer
 * syncs (bench/ingest: 16 of 32 was as fast as 32 of 32, and 32 of 64). */
#define SERVE_GROUP_MAX 16

/* Creates pool and queues and opens the archive (errors: the archive's,
 * with err->reason saying which directory). No thread runs yet. */
enum ym_status serve_pipeline_create(const struct ym_config *cfg, struct serve_pipeline **out,
                                     struct ym_error *err);
struct ym_batch_pool *serve_pipeline_pool(struct serve_pipeline *p);
struct ym_queue *serve_pipeline_intake_queue(struct serve_pipeline *p); /* intake's `out` */

/* The detect stage of the workers. Everything is borrowed and must outlive
 * serve_pipeline_stop. rules NULL = parse only; ti NULL = no threat-intel
 * lists; triage NULL = detections are counted, not handed on. Call before
 * serve_pipeline_start. */
struct serve_detect {
    struct detect_live *rules;
    struct enrich_ti_live *ti;
    struct triage *triage;
};
void serve_pipeline_set_detect(struct serve_pipeline *p, const struct serve_detect *d);

/* Starts the writer and `workers` parse threads; acks go to in. */
enum ym_status serve_pipeline_start(struct serve_pipeline *p, struct intake *in, int workers);
void serve_pipeline_detach_intake(struct serve_pipeline *p);
/* Drains both queues, joins the threads and closes the archive. */
void serve_pipeline_stop(struct serve_pipeline *p);
void serve_pipeline_destroy(struct serve_pipeline *p); /* NULL is fine */

struct serve_pipeline_stats {
    struct archive_writer_stats archive; /* as last published by the writer */
    struct parse_stats parse;            /* summed over workers */
    uint64_t parse_batches;
    uint64_t group_commits;              /* archive_append_batches calls that succeeded */
    uint64_t commit_failures;            /* ... that failed (retried) */
    uint64_t archive_reopens;
    uint64_t lost_logs;                  /* given up at shutdown after failed commits */
    int archive_failing;                 /* 1 while the archive refuses commits */
    uint64_t archive_queue_len, archive_queue_capacity;
    uint64_t parse_queue_len, parse_queue_capacity;
    uint64_t batches_in_use, batches_max;
    int workers;
    /* detect stage, summed over workers */
    uint64_t detections;       /* rule hits (each one handed to triage when it runs) */
    uint64_t detections_lost;  /* hits triage could not take (arena limit, triage stopped) */
    uint64_t unmatched_logs;   /* logs not matched: the worker's scratch could not grow */
    uint64_t ti_logs;          /* logs a threat-intel list touched */
    /* log received by intake -> detection handed on, over every detection
     * so far (0 when none): microseconds, from a log-scale histogram */
    uint64_t detect_latency_p50_us, detect_latency_p99_us, detect_latency_max_us;
};
void serve_pipeline_stats(struct serve_pipeline *p, struct serve_pipeline_stats *out);

/* Per-minute log counts per device since the last take; each (device,
 * minute) is handed to fn once and forgotten. */
/* logs: archived in that minute; parse_errors: of the logs received in that
 * minute, those no decoder fully read (YM_REC_PARSE_ERROR or UNPARSED). */
typedef void (*serve_minute_fn)(void *arg, const struct ym_device *dev, int64_t minute_ns,
                                uint64_t logs, uint64_t parse_errors);
void serve_pipeline_minutes_take(struct serve_pipeline *p, serve_minute_fn fn, void *arg);

#endif
