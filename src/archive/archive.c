/* archive: the writer side of the raw log store (see archive.h).
 *
 * DESIGN. One writer thread owns struct archive. For each tenant-day it
 * writes to, it keeps a struct day: the open SQLite file, the logs staged
 * but not yet sealed, already split into codec streams (archive_codec.h),
 * and the bloom filter of their tokens. A call to archive_append_batches:
 *
 *   records --split--> day->enc (writer), then --tokenize--> day->bloom (helper)
 *           --one staging row per day (fast zstd)--> COMMIT (fsync)  = ack
 *   enough staged (block_logs, sealed in the background) or old enough
 *   (seal_after_ms, in maintain):
 *           --block row (zstd level, bloom, hash) + DELETE staging--> COMMIT
 *
 * So each log is split and tokenized once; SQLite sees one row per commit
 * and one per block, never one per log. Two threads of the archive
 * (archive_async.h) take CPU work off the writer: the helper fills the
 * blooms while the writer commits (blooms are read only when sealing), and
 * the sealer compresses, filters and hashes a full block while the writer
 * goes on staging; the writer lands the block (block row in, staging rows
 * out) in the day's next commit, or in maintain. Readers decode staging
 * rows and blocks alike. On open, staging rows left by a crash are decoded
 * back into memory and sealed (invariant 2 means they are in staging or in
 * a block, never both).
 *
 * This file holds opening (with that recovery) and closing, the days and
 * the write path; sealing, archive_maintain and retention are in
 * archive_maintain.c, and struct archive with the functions both share in
 * archive_internal.h.
 *
 * Error state (invariant 3): after any failed commit `failed` is set and
 * every call returns YM_EDB until archive_close; close then only closes the
 * files (what was committed is on disk; what was not was never acked). */
#include "archive/archive.h"
#include "archive/archive_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive/archive_async.h"
#include "archive/archive_bloom.h"
#include "archive/archive_codec.h"
#include "archive/archive_day.h"
#include "archive/archive_token.h"
#include "core/ym_alloc.h"
#include "core/ym_buf.h"
#include "core/ym_log.h"
#include "core/ym_time.h"

#define DEFAULT_RETENTION_DAYS 90
#define DEFAULT_ZSTD_LEVEL 3
#define DEFAULT_BLOCK_LOGS 32768
#define DEFAULT_SEAL_AFTER_MS 30000
#define MAX_BLOCK_LOGS 65536
#define STAGING_ZSTD_LEVEL (-3)
/* The writer waits for the helper at the end of each commit, so it runs
 * at the writer's priority; the sealer has a block's time (block_logs
 * arriving) to finish, so it yields to the writer and intake when the
 * cores are busy. */
#define HELPER_NICE 0
#define SEALER_NICE 5
#define HELPER_MIN_LOGS 256 /* smaller commits are tokenized on the writer alone */

/* One log of the commit being assembled, with the day it goes to. */
struct job {
    struct day *d;
    struct archive_codec_rec r;
    int first_of_template; /* its template is new in the block: hash all its tokens */
};

static const struct ym_device no_device = {0, "", YM_TENANT_UNASSIGNED, "auto", "", 0};

static int tenant_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 64 || s[0] == '-' || s[0] == '_')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
              s[i] == '_'))
            return 0;
    return 1;
}

/* Most tokens of a block repeat (words of the message, common ports): a
 * direct-mapped cache of recent hashes skips their bloom update, which is
 * the costlier part (a cache line out of a large filter). */
static void token_to_bloom(void *arg, uint64_t h)
{
    struct day *d = arg;
    uint64_t *slot = &d->recent[h & (RECENT_SLOTS - 1)];
    if (*slot == h)
        return;
    *slot = h;
    archive_bloom_add(&d->bloom, h);
}

/* Counts one more staged log of the day: its sequence number and time. */
static void day_note(struct day *d, int64_t received_ns)
{
    if (d->pending_count == 0) {
        d->pending_min_ns = d->pending_max_ns = received_ns;
        d->pending_first_seq = d->next_seq;
    }
    if (received_ns < d->pending_min_ns)
        d->pending_min_ns = received_ns;
    if (received_ns > d->pending_max_ns)
        d->pending_max_ns = received_ns;
    d->pending_count++;
    d->next_seq++;
}

/* Adds one log to the day's staged set (memory only). */
static void day_add(struct day *d, const struct archive_codec_rec *r)
{
    day_note(d, r->received_ns);
    archive_codec_enc_add(&d->enc, r);
    archive_token_hash_each(r->raw, r->raw_len, token_to_bloom, d);
}

int archive_exec(sqlite3 *db, const char *sql)
{
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        YM_LOG_RATELIMITED(YM_LOG_ERROR, "archive: %s: %s", sql, sqlite3_errmsg(db));
    return rc;
}

static int load_rec(void *arg, const struct archive_codec_rec *r, uint32_t index)
{
    day_add(arg, r);
    return 0;
}

/* Reads chain head, sequence and staged rows of a freshly opened file. */
static enum ym_status day_recover(struct day *d)
{
    sqlite3_stmt *st = NULL;
    enum ym_status res = YM_OK;
    archive_day_genesis(d->tenant, d->day, d->head);
    d->next_block_id = 1;
    d->next_seq = 1;
    if (sqlite3_prepare_v2(d->db,
                           "SELECT id, hash, first_seq + log_count, (SELECT count(*) FROM blocks)"
                           " FROM blocks ORDER BY id DESC LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return YM_EDB;
    if (sqlite3_step(st) == SQLITE_ROW) {
        d->next_block_id = sqlite3_column_int64(st, 0) + 1;
        if (sqlite3_column_bytes(st, 1) == ARCHIVE_HASH_BYTES)
            memcpy(d->head, sqlite3_column_blob(st, 1), ARCHIVE_HASH_BYTES);
        d->next_seq = (uint64_t)sqlite3_column_int64(st, 2);
        d->blocks = (uint64_t)sqlite3_column_int64(st, 3);
    }
    sqlite3_finalize(st);

    struct archive_codec_dec dec;
    archive_codec_dec_init(&dec);
    if (sqlite3_prepare_v2(d->db, "SELECT id, first_seq, data FROM staging ORDER BY id", -1, &st,
                           NULL) != SQLITE_OK) {
        archive_codec_dec_free(&dec);
        return YM_EDB;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        uint64_t first_seq = (uint64_t)sqlite3_column_int64(st, 1);
        if (first_seq != d->next_seq)
            ym_log(YM_LOG_WARN, "archive: %s: staging row %lld starts at log %llu, expected %llu",
                   d->path, (long long)sqlite3_column_int64(st, 0), (unsigned long long)first_seq,
                   (unsigned long long)d->next_seq);
        if (d->enc.count == 0)
            d->next_seq = first_seq;
        if (archive_codec_decode(&dec, sqlite3_column_blob(st, 2),
                                 (size_t)sqlite3_column_bytes(st, 2), load_rec, d,
                                 NULL) != YM_OK) {
            ym_log(YM_LOG_ERROR, "archive: %s: staging row %lld cannot be decoded", d->path,
                   (long long)sqlite3_column_int64(st, 0));
            res = YM_ECORRUPT;
            break;
        }
        d->last_stage_id = sqlite3_column_int64(st, 0);
    }
    if (res == YM_OK && rc != SQLITE_DONE)
        res = YM_EDB;
    sqlite3_finalize(st);
    archive_codec_dec_free(&dec);
    return res;
}

void archive_free_day(struct day *d)
{
    if (!d)
        return;
    sqlite3_finalize(d->ins_stage);
    sqlite3_finalize(d->ins_block);
    sqlite3_finalize(d->del_stage);
    sqlite3_finalize(d->ins_device);
    sqlite3_finalize(d->set_meta);
    sqlite3_close(d->db);
    archive_day_dict_free(&d->dict);
    archive_codec_enc_free(&d->enc);
    archive_bloom_free(&d->bloom);
    free(d);
}

static enum ym_status day_open(struct archive *a, const char *tenant, int64_t day, struct day **out)
{
    struct day *d = ym_xcalloc(1, sizeof(*d));
    snprintf(d->tenant, sizeof(d->tenant), "%s", tenant);
    d->day = day;
    archive_codec_enc_init(&d->enc);
    archive_bloom_init(&d->bloom, (size_t)a->opt.block_logs * 8);
    enum ym_status st = archive_day_path(a->data_dir, tenant, day, d->path, sizeof(d->path));
    if (st == YM_OK)
        st = archive_day_open(d->path, tenant, day, 1, &d->db);
    if (st == YM_OK &&
        (sqlite3_prepare_v2(d->db,
                            "INSERT INTO staging(first_seq, log_count, raw_bytes, first_ns, last_ns,"
                            " data) VALUES(?,?,?,?,?,?)",
                            -1, &d->ins_stage, NULL) != SQLITE_OK ||
         sqlite3_prepare_v2(d->db,
                            "INSERT INTO blocks(id, first_seq, first_ns, last_ns, log_count,"
                            " raw_bytes, codec, bloom, data, prev_hash, hash)"
                            " VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                            -1, &d->ins_block, NULL) != SQLITE_OK ||
         sqlite3_prepare_v2(d->db, "DELETE FROM staging WHERE id <= ?", -1, &d->del_stage,
                            NULL) != SQLITE_OK ||
         sqlite3_prepare_v2(d->db,
                            "INSERT INTO devices(id, name, kind, timezone) VALUES(?,?,?,?)", -1,
                            &d->ins_device, NULL) != SQLITE_OK ||
         sqlite3_prepare_v2(d->db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?,?)", -1,
                            &d->set_meta, NULL) != SQLITE_OK))
        st = YM_EDB;
    if (st == YM_OK)
        st = archive_day_dict_load(d->db, &d->dict);
    if (st == YM_OK)
        st = day_recover(d);
    if (st != YM_OK) {
        archive_free_day(d);
        return st;
    }
    *out = d;
    return YM_OK;
}

/* Seals (unless failed), checkpoints and closes one day. */
static void day_close(struct archive *a, struct day *d)
{
    if (!a->failed && archive_maintain_seal_now(a, d) == YM_OK) {
        sqlite3_exec(d->db, "PRAGMA incremental_vacuum", NULL, NULL, NULL);
        sqlite3_exec(d->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    }
    if (a->sealing.d == d)
        archive_maintain_seal_land(a); /* failed: waits for the sealer and drops the block */
    archive_free_day(d);
}

void archive_drop_day(struct archive *a, size_t i)
{
    day_close(a, a->days[i]);
    a->days[i] = a->days[--a->day_count];
}

static enum ym_status day_get(struct archive *a, const char *tenant, int64_t day, int64_t now_ns,
                              struct day **out)
{
    for (size_t i = 0; i < a->day_count; i++) {
        struct day *d = a->days[i];
        if (d->day == day && strcmp(d->tenant, tenant) == 0) {
            d->last_used_ns = now_ns;
            *out = d;
            return YM_OK;
        }
    }
    if (a->day_count == MAX_OPEN_DAYS) {
        /* evict the least recently used day that is not part of this commit */
        size_t victim = MAX_OPEN_DAYS;
        for (size_t i = 0; i < a->day_count; i++)
            if (!a->days[i]->in_group &&
                (victim == MAX_OPEN_DAYS || a->days[i]->last_used_ns < a->days[victim]->last_used_ns))
                victim = i;
        if (victim == MAX_OPEN_DAYS)
            return YM_EFULL;
        archive_drop_day(a, victim);
    }
    struct day *d;
    enum ym_status st = day_open(a, tenant, day, &d);
    if (st != YM_OK)
        return st;
    d->last_used_ns = now_ns;
    a->days[a->day_count++] = d;
    *out = d;
    return YM_OK;
}

static enum ym_status device_id(struct day *d, const struct ym_device *dev, uint32_t *out)
{
    if (dev == d->last_dev && d->last_dev_id) {
        *out = d->last_dev_id;
        return YM_OK;
    }
    const char *tz = dev->timezone ? dev->timezone : "";
    const char *kind = dev->kind ? dev->kind : "";
    const char *name = dev->name ? dev->name : "";
    struct archive_day_device *found = NULL;
    for (size_t i = 0; i < d->dict.count && !found; i++)
        if (d->dict.v[i].ptr == dev)
            found = &d->dict.v[i];
    for (size_t i = 0; i < d->dict.count && !found; i++) {
        struct archive_day_device *e = &d->dict.v[i];
        if (strcmp(e->name, name) == 0 && strcmp(e->kind, kind) == 0 && strcmp(e->timezone, tz) == 0)
            found = e;
    }
    if (!found) {
        uint32_t id = (uint32_t)d->dict.count + 1;
        sqlite3_stmt *s = d->ins_device;
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, tz, -1, SQLITE_STATIC);
        int rc = sqlite3_step(s);
        sqlite3_reset(s);
        if (rc != SQLITE_DONE)
            return YM_EDB;
        if (d->dict.count == d->dict.cap) {
            d->dict.cap = d->dict.cap ? d->dict.cap * 2 : 16;
            d->dict.v = ym_xrealloc(d->dict.v, d->dict.cap * sizeof(*d->dict.v));
        }
        found = &d->dict.v[d->dict.count++];
        found->id = id;
        found->name = ym_xstrdup(name);
        found->kind = ym_xstrdup(kind);
        found->timezone = ym_xstrdup(tz);
    }
    found->ptr = dev;
    d->last_dev = dev;
    d->last_dev_id = found->id;
    *out = found->id;
    return YM_OK;
}

static enum ym_status stage_commit(struct archive *a, struct day *d)
{
    a->data_buf.len = 0;
    enum ym_status st =
        archive_codec_enc_finish(&d->enc, &d->mark, STAGING_ZSTD_LEVEL, &a->data_buf);
    if (st != YM_OK)
        return st;
    sqlite3_stmt *s = d->ins_stage;
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, (sqlite3_int64)d->group_first_seq);
    sqlite3_bind_int64(s, 2, d->enc.count - d->mark.count);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)(d->enc.raw_bytes - d->mark.raw_bytes));
    sqlite3_bind_int64(s, 4, d->group_min_ns);
    sqlite3_bind_int64(s, 5, d->group_max_ns);
    sqlite3_bind_blob(s, 6, a->data_buf.data, (int)a->data_buf.len, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE || archive_exec(d->db, "COMMIT") != SQLITE_OK) {
        ym_log(YM_LOG_ERROR, "archive: %s: commit failed: %s", d->path, sqlite3_errmsg(d->db));
        return YM_EDB;
    }
    d->last_stage_id = sqlite3_last_insert_rowid(d->db);
    return YM_OK;
}

/* Helper thread: the tokens of the commit's logs into their days' blooms.
 * The tokens without a digit are the same in every log of a template
 * (archive_token_hash_varying): hashed once per template and block. */
static void bloom_jobs(void *arg)
{
    struct archive *a = arg;
    for (size_t i = 0; i < a->job_count; i++) {
        const struct job *j = &a->jobs[i];
        if (j->first_of_template)
            archive_token_hash_each(j->r.raw, j->r.raw_len, token_to_bloom, j->d);
        else
            archive_token_hash_varying(j->r.raw, j->r.raw_len, token_to_bloom, j->d);
    }
}

enum ym_status archive_append_batches(struct archive *a, struct ym_batch *const *b, size_t count)
{
    if (!a)
        return YM_EINVAL;
    if (a->failed)
        return YM_EDB;
    int64_t now_ns = ym_time_now_ns();
    struct day *group[MAX_OPEN_DAYS];
    size_t ngroup = 0;
    struct day *d = NULL;
    enum ym_status st = YM_OK;
    uint64_t logs = 0, raw = 0;

    for (size_t bi = 0; bi < count && st == YM_OK; bi++) {
        for (uint32_t ri = 0; ri < b[bi]->count && st == YM_OK; ri++) {
            struct ym_record *rec = &b[bi]->recs[ri];
            const struct ym_device *dev = rec->device ? rec->device : &no_device;
            const char *tenant = tenant_ok(dev->tenant) ? dev->tenant : YM_TENANT_UNASSIGNED;
            int64_t day = archive_day_of_ns(rec->received_ns);
            if (!d || d->day != day || strcmp(d->tenant, tenant) != 0) {
                st = day_get(a, tenant, day, now_ns, &d);
                if (st != YM_OK)
                    break;
                if (!d->in_group) {
                    if (ngroup == MAX_OPEN_DAYS) {
                        st = YM_EFULL;
                        break;
                    }
                    if (archive_exec(d->db, "BEGIN IMMEDIATE") != SQLITE_OK) {
                        st = YM_EDB;
                        break;
                    }
                    d->in_group = 1;
                    archive_codec_enc_mark(&d->enc, &d->mark);
                    d->group_first_seq = d->next_seq;
                    d->group_min_ns = d->group_max_ns = rec->received_ns;
                    group[ngroup++] = d;
                }
            }
            struct archive_codec_rec r = {
                .received_ns = rec->received_ns,
                .transport = rec->transport,
                .peer = rec->peer,
                .raw = rec->raw ? rec->raw : "",
                .raw_len = rec->raw ? rec->raw_len : 0,
            };
            st = device_id(d, dev, &r.device_id);
            if (st != YM_OK)
                break;
            if (rec->received_ns < d->group_min_ns)
                d->group_min_ns = rec->received_ns;
            if (rec->received_ns > d->group_max_ns)
                d->group_max_ns = rec->received_ns;
            rec->archive_ref = archive_day_ref(day, d->next_seq);
            day_note(d, rec->received_ns);
            if (a->job_count == a->job_cap) {
                a->job_cap = a->job_cap ? 2 * a->job_cap : 4096;
                a->jobs = ym_xrealloc(a->jobs, a->job_cap * sizeof(*a->jobs));
            }
            a->jobs[a->job_count++] = (struct job){d, r, 0};
            logs++;
            raw += r.raw_len;
        }
    }
    if (st == YM_OK) {
        for (size_t i = 0; i < a->job_count; i++)
            a->jobs[i].first_of_template = archive_codec_enc_add(&a->jobs[i].d->enc, &a->jobs[i].r);
        /* Blooms are read only when a block is sealed: the helper fills
         * them (a disjoint part of struct day) while this thread commits. */
        archive_async_run(a->job_count >= HELPER_MIN_LOGS ? a->helper : NULL, bloom_jobs, a);
    }
    for (size_t i = 0; i < ngroup && st == YM_OK; i++) {
        /* a block of this day sealed meanwhile lands in the same commit */
        int land = a->sealing.d == group[i] && !archive_async_busy(a->sealer);
        if (land && !archive_maintain_land_rows(a))
            st = YM_EDB;
        if (st == YM_OK)
            st = stage_commit(a, group[i]);
        if (land && st == YM_OK)
            archive_maintain_land_done(a);
    }
    /* the records (and the days' blooms) are the caller's again after this */
    archive_async_wait(a->helper);
    a->job_count = 0;
    if (st != YM_OK) {
        for (size_t i = 0; i < ngroup; i++)
            sqlite3_exec(group[i]->db, "ROLLBACK", NULL, NULL, NULL);
        for (size_t bi = 0; bi < count; bi++)
            for (uint32_t ri = 0; ri < b[bi]->count; ri++)
                b[bi]->recs[ri].archive_ref = 0;
        a->failed = 1;
        a->stats.errors++;
        return st == YM_EFULL || st == YM_EINVAL ? st : YM_EDB;
    }
    a->stats.logs_committed += logs;
    a->stats.bytes_raw += raw;
    a->stats.commits += ngroup;
    for (size_t i = 0; i < ngroup; i++) {
        struct day *g = group[i];
        g->in_group = 0;
        if (!g->pending_since_ns)
            g->pending_since_ns = now_ns;
        /* A failed seal sets the error state, which the next call reports;
         * this commit stands (its logs are durable in staging, and an
         * error here would make the caller store them a second time). */
        if (g->enc.count >= a->opt.block_logs && !a->failed)
            (void)archive_maintain_seal_start(a, g);
    }
    return YM_OK;
}

enum ym_status archive_append_batch(struct archive *a, struct ym_batch *b)
{
    return archive_append_batches(a, &b, 1);
}

/* Seals what earlier runs left staged (crash recovery), so that the store
 * needs no repair by hand. Today's file stays open. */
static int recover_file(void *arg, const char *tenant, int64_t day, const char *path)
{
    struct archive *a = arg;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int staged = 0;
    if (archive_day_open(path, tenant, day, 0, &db) == YM_OK &&
        sqlite3_prepare_v2(db, "SELECT count(*) FROM staging", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        staged = sqlite3_column_int(st, 0) > 0;
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (!staged)
        return 0;
    struct day *d;
    if (day_get(a, tenant, day, ym_time_now_ns(), &d) != YM_OK ||
        archive_maintain_seal_now(a, d) != YM_OK) {
        ym_log(YM_LOG_ERROR, "archive: cannot recover staged logs of %s", path);
        return 0;
    }
    ym_log(YM_LOG_INFO, "archive: %s: sealed logs staged before the last stop", path);
    return 0;
}

enum ym_status archive_open(const struct archive_options *opt, struct archive **out)
{
    if (!opt || !opt->data_dir || !out)
        return YM_EINVAL;
    struct archive *a = ym_xcalloc(1, sizeof(*a));
    a->opt = *opt;
    a->data_dir = ym_xstrdup(opt->data_dir);
    a->opt.data_dir = a->data_dir;
    if (a->opt.retention_days <= 0)
        a->opt.retention_days = DEFAULT_RETENTION_DAYS;
    if (a->opt.zstd_level <= 0)
        a->opt.zstd_level = DEFAULT_ZSTD_LEVEL;
    if (a->opt.block_logs == 0)
        a->opt.block_logs = DEFAULT_BLOCK_LOGS;
    if (a->opt.block_logs > MAX_BLOCK_LOGS)
        a->opt.block_logs = MAX_BLOCK_LOGS;
    if (a->opt.seal_after_ms <= 0)
        a->opt.seal_after_ms = DEFAULT_SEAL_AFTER_MS;
    /* without threads (creation failed) the writer does the work alone */
    a->helper = archive_async_start("ym-bloom", HELPER_NICE);
    a->sealer = archive_async_start("ym-seal", SEALER_NICE);
    archive_codec_enc_init(&a->sealing.enc);
    archive_bloom_init(&a->sealing.bloom, (size_t)a->opt.block_logs * 8);
    enum ym_status st = archive_day_list(a->data_dir, NULL, 0, recover_file, a);
    if (st == YM_OK && a->failed)
        st = YM_EDB;
    if (st != YM_OK) {
        archive_close(a);
        return st;
    }
    *out = a;
    return YM_OK;
}

void archive_close(struct archive *a)
{
    if (!a)
        return;
    while (a->day_count)
        archive_drop_day(a, a->day_count - 1);
    archive_maintain_seal_land(a);
    archive_async_stop(a->helper);
    archive_async_stop(a->sealer);
    archive_codec_enc_free(&a->sealing.enc);
    archive_bloom_free(&a->sealing.bloom);
    ym_buf_free(&a->sealing.data);
    ym_buf_free(&a->sealing.filter);
    free(a->jobs);
    ym_buf_free(&a->data_buf);
    free(a->data_dir);
    free(a);
}

void archive_writer_stats(const struct archive *a, struct archive_writer_stats *out)
{
    if (a)
        *out = a->stats;
    else
        memset(out, 0, sizeof(*out));
}
