/* archive_day: one day file (DATA/archive/<tenant>/<YYYY-MM-DD>.db), the
 * pieces the writer, the readers and verify share: path and day names,
 * opening with the right pragmas and schema, the device dictionary, the
 * block hash, and listing the files of a data directory.
 *
 * Schema (format 1):
 *   meta(key TEXT PRIMARY KEY, value)    format, tenant, day, head_hash,
 *                                        head_blocks (chain head, for
 *                                        detecting removed last blocks)
 *   devices(id INTEGER PRIMARY KEY, name, kind, timezone)
 *   staging(id INTEGER PRIMARY KEY, first_seq, log_count, raw_bytes,
 *           first_ns, last_ns, data)     one row per durable commit
 *   blocks(id INTEGER PRIMARY KEY, first_seq, first_ns, last_ns,
 *          log_count, raw_bytes, codec, bloom, data, prev_hash, hash)
 * data blobs are archive_codec blobs, bloom blobs archive_bloom blobs.
 *
 * Block hash: SHA-256 over prev_hash (32 bytes), then id, first_seq,
 * first_ns, last_ns, log_count, raw_bytes, codec, bloom length as 8-byte
 * little-endian integers, the bloom, the data length (8 bytes LE) and the
 * data. The first block's prev_hash is SHA-256("yamori:<tenant>:<day>").
 *
 * Memory: the dictionary owns its strings (archive_day_dict_free); the
 * sqlite3 handle from archive_day_open is owned by the caller
 * (sqlite3_close). Thread-safe as far as the handles are not shared.
 * Errors: YM_EDB (SQLite), YM_EIO (files), YM_ENOTFOUND (no such file),
 * YM_EINVAL (bad names). */
#ifndef ARCHIVE_DAY_H
#define ARCHIVE_DAY_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ym_status.h"

#define ARCHIVE_DAY_FORMAT 1
#define ARCHIVE_HASH_BYTES 32
#define ARCHIVE_PATH_MAX 4096

/* archive_ref layout: day number since 1970-01-01 in the top 20 bits, the
 * log's sequence number within the day file (1, 2, ...) in the low 44. */
#define ARCHIVE_REF_SEQ_BITS 44
#define ARCHIVE_REF_SEQ_MASK ((1ull << ARCHIVE_REF_SEQ_BITS) - 1)

static inline uint64_t archive_day_ref(int64_t day, uint64_t seq)
{
    return ((uint64_t)day << ARCHIVE_REF_SEQ_BITS) | (seq & ARCHIVE_REF_SEQ_MASK);
}

int64_t archive_day_of_ns(int64_t t_ns); /* UTC day number; times before 1970 give 0 */
void archive_day_name(int64_t day, char out[16]);
/* "YYYY-MM-DD" -> day number; YM_EINVAL if malformed. */
enum ym_status archive_day_parse(const char *s, int64_t *day);
/* data_dir/archive/tenant[/day.db]; YM_EINVAL if it does not fit. */
enum ym_status archive_day_path(const char *data_dir, const char *tenant, int64_t day, char *out,
                                size_t out_len);

/* Opens a day file. writable: creates it (and its directory) with the
 * schema, WAL and synchronous=FULL; else read-only (YM_ENOTFOUND if it is
 * not there, or has no tables yet because the writer is creating it). Both
 * set a busy timeout for concurrent access. */
enum ym_status archive_day_open(const char *path, const char *tenant, int64_t day, int writable,
                                sqlite3 **out);

void archive_day_genesis(const char *tenant, int64_t day, uint8_t out[ARCHIVE_HASH_BYTES]);

struct archive_day_block_hdr {
    int64_t id;
    uint64_t first_seq;
    int64_t first_ns, last_ns;
    uint64_t log_count, raw_bytes;
    int64_t codec;
};
void archive_day_block_hash(const uint8_t prev[ARCHIVE_HASH_BYTES],
                            const struct archive_day_block_hdr *h, const void *bloom,
                            size_t bloom_len, const void *data, size_t data_len,
                            uint8_t out[ARCHIVE_HASH_BYTES]);

/* Device dictionary of one file. */
struct archive_day_device {
    uint32_t id;
    char *name, *kind, *timezone;
    const void *ptr; /* writer: the struct ym_device last mapped to it */
};
struct archive_day_dict {
    struct archive_day_device *v;
    size_t count, cap;
};
enum ym_status archive_day_dict_load(sqlite3 *db, struct archive_day_dict *d);
void archive_day_dict_free(struct archive_day_dict *d);
const struct archive_day_device *archive_day_dict_get(const struct archive_day_dict *d, uint32_t id);

/* Calls fn for each day file under data_dir (one tenant or all), days in
 * ascending order (descending if newest_first), tenants by name. fn
 * returns non-zero to stop. */
typedef int (*archive_day_file_fn)(void *arg, const char *tenant, int64_t day, const char *path);
enum ym_status archive_day_list(const char *data_dir, const char *tenant, int newest_first,
                                archive_day_file_fn fn, void *arg);

#endif
