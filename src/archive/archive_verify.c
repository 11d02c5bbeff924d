/* archive_verify: recomputes the hash chain of day files (`yamori verify`).
 *
 * For each block in id order it checks, and reports the first failure of:
 *  - prev_hash equals the hash of the block before (or the day's genesis
 *    hash for the first): fails when a block was deleted, inserted or
 *    moved, or when its prev_hash was edited;
 *  - first_seq follows the previous block's logs: a block missing before;
 *  - SHA-256 over prev_hash, header fields, bloom and data equals the
 *    stored hash: fails when a byte of data or bloom or a header field
 *    (time range, counts, codec) was changed.
 * Then the chain head kept in meta (head_hash, head_blocks) must name the
 * last block: fails when the last blocks were removed.
 * A reader: any thread or process, while the writer works. */
#include "archive/archive.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "archive/archive_day.h"

struct verify_ctx {
    const char *day_filter;
    archive_verify_fn fn;
    void *arg;
    int failed;
    enum ym_status status;
};

static void hex8(const uint8_t *h, char out[17])
{
    for (int i = 0; i < 8; i++)
        snprintf(out + 2 * i, 3, "%02x", h[i]);
}

static void check_file(sqlite3 *db, const char *tenant, int64_t day,
                       struct archive_verify_result *r)
{
    uint8_t prev[ARCHIVE_HASH_BYTES];
    archive_day_genesis(tenant, day, prev);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT id, first_seq, first_ns, last_ns, log_count, raw_bytes, codec,"
                           " bloom, data, prev_hash, hash FROM blocks ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK) {
        r->ok = 0;
        snprintf(r->reason, sizeof(r->reason), "not a day file: %s", sqlite3_errmsg(db));
        return;
    }
    uint64_t expect_seq = 1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct archive_day_block_hdr h = {
            .id = sqlite3_column_int64(st, 0),
            .first_seq = (uint64_t)sqlite3_column_int64(st, 1),
            .first_ns = sqlite3_column_int64(st, 2),
            .last_ns = sqlite3_column_int64(st, 3),
            .log_count = (uint64_t)sqlite3_column_int64(st, 4),
            .raw_bytes = (uint64_t)sqlite3_column_int64(st, 5),
            .codec = sqlite3_column_int64(st, 6),
        };
        const void *bloom = sqlite3_column_blob(st, 7);
        size_t bloom_len = (size_t)sqlite3_column_bytes(st, 7);
        const void *data = sqlite3_column_blob(st, 8);
        size_t data_len = (size_t)sqlite3_column_bytes(st, 8);
        const void *stored_prev = sqlite3_column_blob(st, 9);
        int prev_len = sqlite3_column_bytes(st, 9);
        const uint8_t *stored = sqlite3_column_blob(st, 10);
        int hash_len = sqlite3_column_bytes(st, 10);
        r->bad_block = h.id;
        if (prev_len != ARCHIVE_HASH_BYTES || memcmp(stored_prev, prev, ARCHIVE_HASH_BYTES) != 0) {
            snprintf(r->reason, sizeof(r->reason),
                     "previous-hash link broken: a block before it was removed, inserted or"
                     " reordered, or its prev_hash was edited");
            r->ok = 0;
            break;
        }
        if (h.first_seq != expect_seq) {
            snprintf(r->reason, sizeof(r->reason),
                     "starts at log %llu but the chain so far ends at log %llu",
                     (unsigned long long)h.first_seq, (unsigned long long)expect_seq - 1);
            r->ok = 0;
            break;
        }
        uint8_t calc[ARCHIVE_HASH_BYTES];
        archive_day_block_hash(prev, &h, bloom ? bloom : "", bloom_len, data ? data : "",
                               data_len, calc);
        if (hash_len != ARCHIVE_HASH_BYTES || memcmp(stored, calc, ARCHIVE_HASH_BYTES) != 0) {
            char want[17] = "", got[17];
            if (hash_len == ARCHIVE_HASH_BYTES)
                hex8(stored, want);
            hex8(calc, got);
            snprintf(r->reason, sizeof(r->reason),
                     "content does not match its hash (data, bloom or a header field was"
                     " altered): stored %s..., computed %s...",
                     want, got);
            r->ok = 0;
            break;
        }
        memcpy(prev, stored, ARCHIVE_HASH_BYTES);
        expect_seq = h.first_seq + h.log_count;
        r->blocks_checked++;
    }
    if (r->ok && rc != SQLITE_DONE) {
        r->ok = 0;
        snprintf(r->reason, sizeof(r->reason), "cannot read blocks: %s", sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
    if (!r->ok)
        return;
    r->bad_block = -1;
    /* the head in meta catches removal of the newest blocks */
    if (sqlite3_prepare_v2(db,
                           "SELECT (SELECT value FROM meta WHERE key='head_hash'),"
                           " (SELECT value FROM meta WHERE key='head_blocks')",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        int head_null = sqlite3_column_type(st, 0) == SQLITE_NULL;
        uint64_t head_blocks = (uint64_t)sqlite3_column_int64(st, 1);
        if (head_null && r->blocks_checked > 0) {
            r->ok = 0;
            snprintf(r->reason, sizeof(r->reason), "chain head missing from meta");
        } else if (!head_null &&
                   (head_blocks != r->blocks_checked || sqlite3_column_bytes(st, 0) != 32 ||
                    memcmp(sqlite3_column_blob(st, 0), prev, ARCHIVE_HASH_BYTES) != 0)) {
            r->ok = 0;
            snprintf(r->reason, sizeof(r->reason),
                     "chain head in meta names block %llu but the file ends at block %llu:"
                     " newest blocks were removed or meta was edited",
                     (unsigned long long)head_blocks, (unsigned long long)r->blocks_checked);
        }
    }
    sqlite3_finalize(st);
}

static int verify_file(void *arg, const char *tenant, int64_t day, const char *path)
{
    struct verify_ctx *c = arg;
    struct archive_verify_result r = {0};
    snprintf(r.tenant, sizeof(r.tenant), "%s", tenant);
    archive_day_name(day, r.day);
    if (c->day_filter && strcmp(c->day_filter, r.day) != 0)
        return 0;
    r.ok = 1;
    r.bad_block = -1;
    sqlite3 *db = NULL;
    enum ym_status st = archive_day_open(path, tenant, day, 0, &db);
    if (st == YM_ENOTFOUND) {
        /* removed by retention, or being created this instant: fine; but a
         * file without tables that has been there a while was emptied */
        struct stat sb;
        if (stat(path, &sb) != 0 || time(NULL) - sb.st_mtime < 60)
            return 0;
        st = YM_ECORRUPT;
    }
    if (st != YM_OK) {
        r.ok = 0;
        snprintf(r.reason, sizeof(r.reason), "%s %s",
                 st == YM_ECORRUPT ? "no archive tables (file emptied?):" : "cannot open", path);
    } else {
        /* one snapshot for the blocks and the head */
        sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
        check_file(db, tenant, day, &r);
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    }
    sqlite3_close(db);
    if (!r.ok)
        c->failed = 1;
    if (c->fn)
        c->fn(c->arg, &r);
    return 0;
}

enum ym_status archive_verify_run(const char *data_dir, const char *tenant, const char *day,
                                  archive_verify_fn fn, void *arg)
{
    if (!data_dir)
        return YM_EINVAL;
    struct verify_ctx c = {day, fn, arg, 0, YM_OK};
    enum ym_status st = archive_day_list(data_dir, tenant, 0, verify_file, &c);
    if (st != YM_OK)
        return st;
    return c.failed ? YM_ECORRUPT : YM_OK;
}
