/* archive_read: the reader side of the archive (scan, get, usage), usable
 * from any thread or process while the writer works (see archive.h).
 *
 * Each day file is read inside one read transaction, so a block sealed
 * meanwhile is seen either as staging rows or as the block, never twice.
 * Logs of a block or staging row are decoded into a small vector first so
 * they can be handed out in either order. */
#include "archive/archive.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "archive/archive_bloom.h"
#include "archive/archive_codec.h"
#include "archive/archive_day.h"
#include "archive/archive_token.h"
#include "core/ym_alloc.h"
#include "core/ym_buf.h"

/* Logs of one row, decoded. */
struct row_logs {
    struct archive_codec_rec *v;
    size_t *off; /* offset of each raw in text */
    size_t count, cap;
    struct ym_buf text;
};

static int collect(void *arg, const struct archive_codec_rec *r, uint32_t index)
{
    struct row_logs *rl = arg;
    if (rl->count == rl->cap) {
        rl->cap = rl->cap ? rl->cap * 2 : 1024;
        rl->v = ym_xrealloc(rl->v, rl->cap * sizeof(*rl->v));
        rl->off = ym_xrealloc(rl->off, rl->cap * sizeof(*rl->off));
    }
    rl->v[rl->count] = *r;
    rl->off[rl->count] = rl->text.len;
    ym_buf_add(&rl->text, r->raw, r->raw_len);
    ym_buf_addc(&rl->text, 0);
    rl->count++;
    return 0;
}

static void row_logs_free(struct row_logs *rl)
{
    free(rl->v);
    free(rl->off);
    ym_buf_free(&rl->text);
}

struct file_ctx {
    const struct archive_scan *scan;
    archive_visit_fn visit;
    void *arg;
    struct archive_scan_stats *stats;
    uint64_t *hashes;   /* of the required tokens that the blooms index */
    size_t hash_count;
    int64_t from_ns, to_ns;
    struct archive_codec_dec dec;
    struct row_logs rl;
    enum ym_status status;
    int stopped;
};

static void peer_text(const struct ym_peer *p, char out[INET6_ADDRSTRLEN])
{
    static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    out[0] = 0;
    if (p->family == AF_INET || (p->family == AF_INET6 && !memcmp(p->addr, v4mapped, 12)))
        inet_ntop(AF_INET, p->addr + 12, out, INET6_ADDRSTRLEN);
    else if (p->family == AF_INET6)
        inet_ntop(AF_INET6, p->addr, out, INET6_ADDRSTRLEN);
}

/* Hands the decoded logs of one row to the visitor; 1 = stop. */
static int visit_row(struct file_ctx *c, const char *tenant, int64_t day,
                     const struct archive_day_dict *dict, uint64_t first_seq, int64_t only_seq)
{
    struct row_logs *rl = &c->rl;
    for (size_t k = 0; k < rl->count; k++) {
        size_t i = c->scan && c->scan->newest_first ? rl->count - 1 - k : k;
        const struct archive_codec_rec *r = &rl->v[i];
        if (only_seq >= 0 && first_seq + i != (uint64_t)only_seq)
            continue;
        if (r->received_ns < c->from_ns || r->received_ns >= c->to_ns)
            continue;
        const struct archive_day_device *dev = archive_day_dict_get(dict, r->device_id);
        char peer[INET6_ADDRSTRLEN];
        peer_text(&r->peer, peer);
        struct archive_entry e = {
            .tenant = tenant,
            .device = dev ? dev->name : "",
            .kind = dev ? dev->kind : "",
            .timezone = dev ? dev->timezone : "",
            .peer = peer,
            .transport = r->transport,
            .received_ns = r->received_ns,
            .ref = archive_day_ref(day, first_seq + i),
            .raw = rl->text.data + rl->off[i],
            .raw_len = r->raw_len,
        };
        if (c->stats)
            c->stats->entries++;
        if (c->visit(c->arg, &e))
            return 1;
    }
    return 0;
}

static int decode_row(struct file_ctx *c, const void *blob, int len)
{
    c->rl.count = 0;
    c->rl.text.len = 0;
    if (archive_codec_decode(&c->dec, blob, (size_t)(len > 0 ? len : 0), collect, &c->rl, NULL) !=
        YM_OK) {
        c->status = YM_ECORRUPT;
        return -1;
    }
    return 0;
}

static int bloom_says_maybe(const struct file_ctx *c, const void *bloom, int len)
{
    for (size_t t = 0; t < c->hash_count; t++)
        if (!archive_bloom_may_contain(bloom, (size_t)(len > 0 ? len : 0), c->hashes[t]))
            return 0;
    return 1;
}

static int scan_blocks(struct file_ctx *c, sqlite3 *db, const char *tenant, int64_t day,
                       const struct archive_day_dict *dict)
{
    sqlite3_stmt *st = NULL;
    const char *sql = c->scan->newest_first
                          ? "SELECT first_seq, bloom, data FROM blocks WHERE last_ns >= ?1 AND"
                            " first_ns < ?2 ORDER BY id DESC"
                          : "SELECT first_seq, bloom, data FROM blocks WHERE last_ns >= ?1 AND"
                            " first_ns < ?2 ORDER BY id";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        c->status = YM_EDB;
        return -1;
    }
    sqlite3_bind_int64(st, 1, c->from_ns);
    sqlite3_bind_int64(st, 2, c->to_ns);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (c->stats)
            c->stats->blocks_total++;
        if (!bloom_says_maybe(c, sqlite3_column_blob(st, 1), sqlite3_column_bytes(st, 1)))
            continue;
        if (c->stats)
            c->stats->blocks_read++;
        if (decode_row(c, sqlite3_column_blob(st, 2), sqlite3_column_bytes(st, 2)) != 0) {
            stop = -1;
            break;
        }
        if (visit_row(c, tenant, day, dict, (uint64_t)sqlite3_column_int64(st, 0), -1))
            stop = 1;
    }
    if (!stop && rc != SQLITE_DONE) {
        c->status = YM_EDB;
        stop = -1;
    }
    sqlite3_finalize(st);
    return stop;
}

static int scan_staging(struct file_ctx *c, sqlite3 *db, const char *tenant, int64_t day,
                        const struct archive_day_dict *dict)
{
    sqlite3_stmt *st = NULL;
    const char *sql = c->scan->newest_first
                          ? "SELECT first_seq, data FROM staging WHERE last_ns >= ?1 AND"
                            " first_ns < ?2 ORDER BY id DESC"
                          : "SELECT first_seq, data FROM staging WHERE last_ns >= ?1 AND"
                            " first_ns < ?2 ORDER BY id";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        c->status = YM_EDB;
        return -1;
    }
    sqlite3_bind_int64(st, 1, c->from_ns);
    sqlite3_bind_int64(st, 2, c->to_ns);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (decode_row(c, sqlite3_column_blob(st, 1), sqlite3_column_bytes(st, 1)) != 0) {
            stop = -1;
            break;
        }
        if (c->stats)
            c->stats->staged_rows += c->rl.count;
        if (visit_row(c, tenant, day, dict, (uint64_t)sqlite3_column_int64(st, 0), -1))
            stop = 1;
    }
    if (!stop && rc != SQLITE_DONE) {
        c->status = YM_EDB;
        stop = -1;
    }
    sqlite3_finalize(st);
    return stop;
}

static int scan_file(void *arg, const char *tenant, int64_t day, const char *path)
{
    struct file_ctx *c = arg;
    if (day < archive_day_of_ns(c->from_ns) ||
        (c->to_ns != INT64_MAX && day > archive_day_of_ns(c->to_ns - 1)))
        return 0;
    sqlite3 *db = NULL;
    if (archive_day_open(path, tenant, day, 0, &db) != YM_OK)
        return 0; /* removed by retention meanwhile */
    if (c->stats)
        c->stats->files_opened++;
    struct archive_day_dict dict = {0};
    int stop = 0;
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
        archive_day_dict_load(db, &dict) != YM_OK) {
        c->status = YM_EDB;
        stop = 1;
    } else if (c->scan->newest_first) {
        stop = scan_staging(c, db, tenant, day, &dict);
        if (!stop)
            stop = scan_blocks(c, db, tenant, day, &dict);
    } else {
        stop = scan_blocks(c, db, tenant, day, &dict);
        if (!stop)
            stop = scan_staging(c, db, tenant, day, &dict);
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    archive_day_dict_free(&dict);
    sqlite3_close(db);
    if (stop > 0)
        c->stopped = 1;
    return stop != 0;
}

enum ym_status archive_scan_run(const char *data_dir, const struct archive_scan *scan,
                                archive_visit_fn visit, void *arg, struct archive_scan_stats *stats)
{
    if (!data_dir || !scan || !visit || (scan->token_count && !scan->tokens))
        return YM_EINVAL;
    if (stats)
        memset(stats, 0, sizeof(*stats));
    struct file_ctx c = {.scan = scan, .visit = visit, .arg = arg, .stats = stats};
    c.from_ns = scan->from_ns > 0 ? scan->from_ns : INT64_MIN;
    c.to_ns = scan->to_ns > 0 ? scan->to_ns : INT64_MAX;
    if (scan->token_count) {
        c.hashes = ym_xcalloc(scan->token_count, sizeof(uint64_t));
        for (size_t i = 0; i < scan->token_count; i++) {
            size_t len = strlen(scan->tokens[i]);
            if (archive_token_indexed(scan->tokens[i], len))
                c.hashes[c.hash_count++] = archive_token_hash(scan->tokens[i], len);
        }
    }
    archive_codec_dec_init(&c.dec);
    enum ym_status st = archive_day_list(data_dir, scan->tenant, scan->newest_first, scan_file, &c);
    archive_codec_dec_free(&c.dec);
    row_logs_free(&c.rl);
    free(c.hashes);
    if (st != YM_OK)
        return st;
    return c.status;
}

enum ym_status archive_get(const char *data_dir, const char *tenant, uint64_t ref,
                           archive_visit_fn visit, void *arg)
{
    if (!data_dir || !tenant || !visit || ref == 0)
        return YM_EINVAL;
    int64_t day = (int64_t)(ref >> ARCHIVE_REF_SEQ_BITS);
    int64_t seq = (int64_t)(ref & ARCHIVE_REF_SEQ_MASK);
    char path[ARCHIVE_PATH_MAX];
    sqlite3 *db = NULL;
    if (archive_day_path(data_dir, tenant, day, path, sizeof(path)) != YM_OK)
        return YM_EINVAL;
    enum ym_status st = archive_day_open(path, tenant, day, 0, &db);
    if (st != YM_OK)
        return st;
    struct archive_scan scan = {0};
    struct file_ctx c = {.scan = &scan, .visit = visit, .arg = arg};
    c.from_ns = INT64_MIN;
    c.to_ns = INT64_MAX;
    archive_codec_dec_init(&c.dec);
    struct archive_day_dict dict = {0};
    sqlite3_stmt *q = NULL;
    st = YM_ENOTFOUND;
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
        archive_day_dict_load(db, &dict) != YM_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT first_seq, data FROM blocks WHERE first_seq <= ?1 AND"
                           " first_seq + log_count > ?1 UNION ALL SELECT first_seq, data FROM"
                           " staging WHERE first_seq <= ?1 AND first_seq + log_count > ?1 LIMIT 1",
                           -1, &q, NULL) != SQLITE_OK) {
        st = YM_EDB;
    } else {
        sqlite3_bind_int64(q, 1, seq);
        if (sqlite3_step(q) == SQLITE_ROW) {
            if (decode_row(&c, sqlite3_column_blob(q, 1), sqlite3_column_bytes(q, 1)) != 0)
                st = YM_ECORRUPT;
            else {
                visit_row(&c, tenant, day, &dict, (uint64_t)sqlite3_column_int64(q, 0), seq);
                st = YM_OK;
            }
        }
    }
    sqlite3_finalize(q);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    archive_day_dict_free(&dict);
    archive_codec_dec_free(&c.dec);
    row_logs_free(&c.rl);
    return st;
}

struct usage_ctx {
    archive_usage_fn fn;
    void *arg;
    enum ym_status status;
};

static uint64_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (uint64_t)sb.st_size : 0;
}

static int usage_file(void *arg, const char *tenant, int64_t day, const char *path)
{
    struct usage_ctx *u = arg;
    struct archive_usage r = {0};
    char wal[ARCHIVE_PATH_MAX + 8];
    snprintf(r.tenant, sizeof(r.tenant), "%s", tenant);
    archive_day_name(day, r.day);
    snprintf(wal, sizeof(wal), "%s-wal", path);
    r.file_bytes = file_size(path) + file_size(wal);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    if (archive_day_open(path, tenant, day, 0, &db) != YM_OK)
        return 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT (SELECT count(*) FROM blocks),"
                           " (SELECT coalesce(sum(log_count),0) FROM blocks),"
                           " (SELECT coalesce(sum(raw_bytes),0) FROM blocks),"
                           " (SELECT coalesce(sum(log_count),0) FROM staging),"
                           " (SELECT coalesce(sum(raw_bytes),0) FROM staging)",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        r.blocks = (uint64_t)sqlite3_column_int64(st, 0);
        r.logs = (uint64_t)(sqlite3_column_int64(st, 1) + sqlite3_column_int64(st, 3));
        r.raw_bytes = (uint64_t)(sqlite3_column_int64(st, 2) + sqlite3_column_int64(st, 4));
    } else {
        u->status = YM_EDB;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    u->fn(u->arg, &r);
    return 0;
}

enum ym_status archive_usage_each(const char *data_dir, const char *tenant, archive_usage_fn fn,
                                  void *arg)
{
    if (!data_dir || !fn)
        return YM_EINVAL;
    struct usage_ctx u = {fn, arg, YM_OK};
    enum ym_status st = archive_day_list(data_dir, tenant, 0, usage_file, &u);
    return st != YM_OK ? st : u.status;
}
