/* archive_maintain: sealing and upkeep of the writer's store (see
 * archive_internal.h): the sealer thread's work on a block, landing a
 * sealed block (in a day's next commit or in a transaction of its own),
 * archive_maintain (seals days whose staged logs are old enough, closes idle
 * days, runs retention hourly) and retention itself (removes the day files
 * older than retention_days). The flow is described at the top of
 * archive.c. */
#include "archive/archive_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "archive/archive_async.h"
#include "archive/archive_bloom.h"
#include "archive/archive_codec.h"
#include "archive/archive_day.h"
#include "core/ym_log.h"
#include "core/ym_time.h"

#define IDLE_CLOSE_NS (600 * YM_NS_PER_S)
#define RETENTION_EVERY_NS (3600 * YM_NS_PER_S)

/* Sealer thread: the block's data, bloom and hash. */
static void seal_compute(void *arg)
{
    struct sealing *s = arg;
    s->data.len = 0;
    s->filter.len = 0;
    s->st = archive_codec_enc_finish(&s->enc, NULL, s->level, &s->data);
    if (s->st != YM_OK)
        return;
    archive_bloom_seal(&s->bloom, &s->filter, &s->tokens_est);
    archive_day_block_hash(s->prev, &s->h, s->filter.data, s->filter.len, s->data.data,
                           s->data.len, s->hash);
}

/* Writes the computed block into the open transaction of its day. */
int archive_maintain_land_rows(struct archive *a)
{
    struct sealing *s = &a->sealing;
    struct day *d = s->d;
    sqlite3_stmt *b = d->ins_block;
    sqlite3_reset(b);
    sqlite3_bind_int64(b, 1, s->h.id);
    sqlite3_bind_int64(b, 2, (sqlite3_int64)s->h.first_seq);
    sqlite3_bind_int64(b, 3, s->h.first_ns);
    sqlite3_bind_int64(b, 4, s->h.last_ns);
    sqlite3_bind_int64(b, 5, (sqlite3_int64)s->h.log_count);
    sqlite3_bind_int64(b, 6, (sqlite3_int64)s->h.raw_bytes);
    sqlite3_bind_int64(b, 7, s->h.codec);
    sqlite3_bind_blob(b, 8, s->filter.data, (int)s->filter.len, SQLITE_STATIC);
    sqlite3_bind_blob(b, 9, s->data.data, (int)s->data.len, SQLITE_STATIC);
    sqlite3_bind_blob(b, 10, s->prev, ARCHIVE_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_blob(b, 11, s->hash, ARCHIVE_HASH_BYTES, SQLITE_STATIC);
    int ok = s->st == YM_OK && sqlite3_step(b) == SQLITE_DONE;
    sqlite3_reset(b);
    sqlite3_clear_bindings(b);
    if (ok) {
        sqlite3_reset(d->del_stage);
        sqlite3_bind_int64(d->del_stage, 1, s->last_stage_id);
        ok = sqlite3_step(d->del_stage) == SQLITE_DONE;
    }
    if (ok) {
        sqlite3_reset(d->set_meta);
        sqlite3_bind_text(d->set_meta, 1, "head_hash", -1, SQLITE_STATIC);
        sqlite3_bind_blob(d->set_meta, 2, s->hash, ARCHIVE_HASH_BYTES, SQLITE_STATIC);
        ok = sqlite3_step(d->set_meta) == SQLITE_DONE;
        sqlite3_reset(d->set_meta);
        sqlite3_bind_text(d->set_meta, 1, "head_blocks", -1, SQLITE_STATIC);
        sqlite3_bind_int64(d->set_meta, 2, (sqlite3_int64)d->blocks + 1);
        ok = ok && sqlite3_step(d->set_meta) == SQLITE_DONE;
        sqlite3_reset(d->set_meta);
    }
    return ok;
}

/* After the transaction holding land_rows committed. */
void archive_maintain_land_done(struct archive *a)
{
    struct sealing *s = &a->sealing;
    struct day *d = s->d;
    memcpy(d->head, s->hash, ARCHIVE_HASH_BYTES);
    d->next_block_id++;
    d->blocks++;
    /* the next blocks of this day will likely see as many distinct tokens:
     * size their filters for them, with a margin (unknown if sealed early) */
    uint64_t logs = s->h.log_count;
    d->expect_tokens = logs >= a->opt.block_logs / 4
                           ? s->tokens_est * a->opt.block_logs / logs * 17 / 16 + 64
                           : 0;
    s->d = NULL;
    a->stats.blocks_sealed++;
}

/* Waits for the block being sealed, if any, and lands it in a transaction
 * of its own. Once the writer failed, drops it instead (its logs stay in
 * staging, where the next open finds them). */
enum ym_status archive_maintain_seal_land(struct archive *a)
{
    struct sealing *s = &a->sealing;
    if (!s->d)
        return YM_OK;
    archive_async_wait(a->sealer);
    if (a->failed) {
        s->d = NULL;
        return YM_EDB;
    }
    struct day *d = s->d;
    int ok = archive_exec(d->db, "BEGIN IMMEDIATE") == SQLITE_OK &&
             archive_maintain_land_rows(a) && archive_exec(d->db, "COMMIT") == SQLITE_OK;
    if (!ok) {
        ym_log(YM_LOG_ERROR, "archive: %s: sealing a block failed: %s", d->path,
               s->st != YM_OK ? ym_status_str(s->st) : sqlite3_errmsg(d->db));
        sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
        s->d = NULL;
        a->failed = 1;
        a->stats.errors++;
        return YM_EDB;
    }
    archive_maintain_land_done(a);
    a->stats.commits++;
    return YM_OK;
}

/* Moves the day's staged logs into a new block, sealed in the background
 * (the block before is landed first). */
enum ym_status archive_maintain_seal_start(struct archive *a, struct day *d)
{
    enum ym_status st = archive_maintain_seal_land(a);
    if (st != YM_OK || d->enc.count == 0)
        return st;
    struct sealing *s = &a->sealing;
    archive_codec_enc_reset(&s->enc);
    struct archive_codec_enc e = d->enc;
    d->enc = s->enc;
    s->enc = e;
    /* each zstd context stays with its level (the block level's is larger) */
    void *cctx = d->enc.cctx;
    d->enc.cctx = s->enc.cctx;
    s->enc.cctx = cctx;
    struct archive_bloom f = d->bloom;
    d->bloom = s->bloom;
    s->bloom = f;
    archive_bloom_clear(&d->bloom, d->expect_tokens);
    memset(d->recent, 0, sizeof(d->recent));
    s->h = (struct archive_day_block_hdr){
        .id = d->next_block_id,
        .first_seq = d->pending_first_seq,
        .first_ns = d->pending_min_ns,
        .last_ns = d->pending_max_ns,
        .log_count = s->enc.count,
        .raw_bytes = s->enc.raw_bytes,
        .codec = ARCHIVE_CODEC_VERSION,
    };
    memcpy(s->prev, d->head, ARCHIVE_HASH_BYTES);
    s->last_stage_id = d->last_stage_id;
    s->level = a->opt.zstd_level;
    s->d = d;
    d->pending_count = 0;
    d->pending_since_ns = 0;
    archive_async_run(a->sealer, seal_compute, s);
    return YM_OK;
}

/* Seals the day's staged logs and waits until the block is landed. */
enum ym_status archive_maintain_seal_now(struct archive *a, struct day *d)
{
    enum ym_status st = archive_maintain_seal_start(a, d);
    return st == YM_OK ? archive_maintain_seal_land(a) : st;
}

enum ym_status archive_maintain(struct archive *a, int64_t now_ns)
{
    if (!a)
        return YM_EINVAL;
    if (a->failed)
        return YM_EDB;
    int64_t seal_ns = (int64_t)a->opt.seal_after_ms * 1000000;
    enum ym_status st = archive_maintain_seal_land(a);
    if (st != YM_OK)
        return st;
    for (size_t i = 0; i < a->day_count;) {
        struct day *d = a->days[i];
        if (d->enc.count && now_ns - d->pending_since_ns >= seal_ns &&
            (st = archive_maintain_seal_now(a, d)) != YM_OK)
            return st;
        if (!d->enc.count && now_ns - d->last_used_ns >= IDLE_CLOSE_NS) {
            archive_drop_day(a, i);
            continue;
        }
        i++;
    }
    if (now_ns - a->last_retention_ns >= RETENTION_EVERY_NS) {
        unsigned removed;
        a->last_retention_ns = now_ns;
        return archive_retention_run(a, now_ns, &removed);
    }
    return YM_OK;
}

struct retention {
    struct archive *a;
    int64_t cutoff_day;
    unsigned removed;
};

static int expire_file(void *arg, const char *tenant, int64_t day, const char *path)
{
    struct retention *r = arg;
    if (day >= r->cutoff_day)
        return 0;
    for (size_t i = 0; i < r->a->day_count; i++)
        if (r->a->days[i]->day == day && strcmp(r->a->days[i]->tenant, tenant) == 0) {
            if (r->a->sealing.d == r->a->days[i])
                archive_maintain_seal_land(r->a);
            archive_free_day(r->a->days[i]);
            r->a->days[i] = r->a->days[--r->a->day_count];
            break;
        }
    char side[ARCHIVE_PATH_MAX + 8];
    snprintf(side, sizeof(side), "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", path);
    unlink(side);
    if (unlink(path) == 0) {
        r->removed++;
        ym_log(YM_LOG_INFO, "archive: retention removed %s", path);
    } else if (errno != ENOENT) {
        ym_log(YM_LOG_WARN, "archive: cannot remove %s: %s", path, strerror(errno));
    }
    return 0;
}

enum ym_status archive_retention_run(struct archive *a, int64_t now_ns, unsigned *removed)
{
    if (!a)
        return YM_EINVAL;
    struct retention r = {a, archive_day_of_ns(now_ns) - a->opt.retention_days + 1, 0};
    enum ym_status st = archive_day_list(a->data_dir, NULL, 0, expire_file, &r);
    if (removed)
        *removed = r.removed;
    return st;
}
