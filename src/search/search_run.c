#include "search/search_run.h"

#include <arpa/inet.h>
#include <string.h>

#include "core/ym_batch.h"
#include "core/ym_device.h"
#include "core/ym_time.h"
#include "parse/parse.h"
#include "search/search_eval.h"

/* Room for the fields of the longest log (64 KiB) without a second chunk. */
#define SEARCH_ARENA_CHUNK_BYTES (256u * 1024)
#define SEARCH_ARENA_LIMIT_BYTES (16u << 20)

struct run {
    const struct search_query *q;
    const struct search_run_options *opt;
    search_hit_fn fn;
    void *arg;
    struct search_run_stats *stats;
    /* The current log, parsed on demand. */
    const struct archive_entry *entry;
    int parsed;            /* 1 once fields hold the current log's */
    int have_fields;       /* parse succeeded in getting fields */
    struct ym_arena arena; /* reset per log */
    struct ym_device dev;
    struct ym_record rec;
    struct parse_stats parse_stats;
};

static const struct ym_fields *fields_of_entry(void *arg)
{
    struct run *r = arg;
    if (r->parsed)
        return r->have_fields ? &r->rec.fields : NULL;
    r->parsed = 1;
    const struct archive_entry *e = r->entry;
    ym_arena_reset(&r->arena);
    r->dev = (struct ym_device){
        .name = e->device ? e->device : "",
        .tenant = e->tenant ? e->tenant : "",
        .kind = e->kind && *e->kind ? e->kind : "auto",
        .timezone = e->timezone ? e->timezone : "",
        .configured = 1,
    };
    memset(&r->rec, 0, sizeof r->rec);
    r->rec.received_ns = e->received_ns;
    r->rec.raw = e->raw ? e->raw : "";
    r->rec.raw_len = e->raw ? e->raw_len : 0;
    r->rec.transport = e->transport;
    r->rec.device = &r->dev;
    r->rec.archive_ref = e->ref;
    if (e->peer && *e->peer && search_query_parse_ip(e->peer, strlen(e->peer), r->rec.peer.addr))
        r->rec.peer.family = strchr(e->peer, ':') ? AF_INET6 : AF_INET;
    ym_fields_init(&r->rec.fields, &r->arena);
    /* The log was received at received_ns: a time without a year belongs
     * to the year that puts it at or before then. */
    struct parse_ctx ctx = {.kind = r->dev.kind, .timezone = r->dev.timezone, .now_ns = e->received_ns};
    parse_record(&ctx, &r->rec, &r->parse_stats);
    r->stats->parsed++;
    r->have_fields = 1;
    return &r->rec.fields;
}

static int visit(void *arg, const struct archive_entry *e)
{
    struct run *r = arg;
    r->entry = e;
    r->parsed = 0;
    r->have_fields = 0;
    r->stats->examined++;
    struct search_eval_ctx ctx = {e, fields_of_entry, r};
    if (!search_eval_match(r->q, &ctx))
        return 0;
    const struct ym_fields *f = NULL;
    if (r->opt->want_fields || r->parsed)
        f = fields_of_entry(r);
    r->stats->matched++;
    if (r->fn && r->fn(r->arg, e, f))
        return 1;
    if (r->opt->limit && r->stats->matched >= r->opt->limit) {
        r->stats->limit_reached = 1;
        return 1;
    }
    return 0;
}

enum ym_status search_run_execute(const struct search_query *q, const struct search_run_options *opt,
                                  search_hit_fn fn, void *arg, struct search_run_stats *stats)
{
    struct search_run_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    if (!q || !opt || !opt->data_dir)
        return YM_EINVAL;
    int64_t start_ns = ym_time_mono_ns();
    struct run r = {.q = q, .opt = opt, .fn = fn, .arg = arg, .stats = stats};
    ym_arena_init(&r.arena, SEARCH_ARENA_CHUNK_BYTES, SEARCH_ARENA_LIMIT_BYTES);
    struct archive_scan scan = {
        .tenant = opt->tenant,
        .from_ns = opt->from_ns,
        .to_ns = opt->to_ns,
        .tokens = opt->skip_bloom ? NULL : q->tokens,
        .token_count = opt->skip_bloom ? 0 : q->token_count,
        .newest_first = opt->newest_first,
    };
    enum ym_status st = archive_scan_run(opt->data_dir, &scan, visit, &r, &stats->scan);
    ym_arena_fini(&r.arena);
    stats->elapsed_ns = ym_time_mono_ns() - start_ns;
    return st;
}
