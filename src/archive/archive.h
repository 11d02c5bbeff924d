/* archive: the raw log store. Every log is kept exactly as received, per
 * tenant and UTC day (by receive time), for retention_days (default 90).
 *
 * On disk (DESIGN.md "Data"): DATA/archive/<tenant>/<YYYY-MM-DD>.db, one
 * SQLite file per tenant and day. New logs are first committed durably to a
 * staging table (WAL, synchronous=FULL) -- that commit is what makes them
 * acknowledged. Staged logs are then sealed into compressed blocks (zstd),
 * each with its time range, a bloom filter of its tokens
 * (archive_token.h) and a SHA-256 chained over the previous block's hash
 * (tamper evidence; archive_verify). Readers see staged and sealed logs.
 * Retention deletes whole day files.
 *
 * Invariants:
 *  1. A log is acknowledged (rec->archive_ref set, archive_append_batch
 *     returned YM_OK) only after its row is in a committed, fsynced
 *     transaction.
 *  2. Sealing moves logs from staging into a block in one transaction: a
 *     crash leaves them in exactly one of the two.
 *  3. After a failed commit the writer enters an error state and refuses
 *     work (YM_EDB) until archive_close/archive_open.
 *
 * Threads: one writer (the archive thread of `yamori serve`) owns a struct
 * archive from archive_open; the archive runs two threads of its own for
 * it (archive_async.h: tokens into blooms during a commit, and sealing
 * blocks in the background), joined by archive_close. Any number of other processes or threads may
 * read the same directory at the same time with the reader functions, which
 * take only the data directory.
 * Memory: the batch stays owned by the caller; entries handed to a visitor
 * are borrowed until the visitor returns. */
#ifndef ARCHIVE_H
#define ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "core/ym_batch.h"
#include "core/ym_status.h"

struct archive;

struct archive_options {
    const char *data_dir;   /* files go to data_dir/archive/ */
    int retention_days;     /* days kept, counting today; default 90 */
    int zstd_level;         /* 0 = the archive's default */
    uint32_t block_logs;    /* seal when this many logs are staged; 0 = default */
    int seal_after_ms;      /* seal staged logs older than this; 0 = default */
};

/* ---- writer (one thread) ---- */
enum ym_status archive_open(const struct archive_options *opt, struct archive **out);
/* Seals what is staged, closes files. NULL is fine. */
void archive_close(struct archive *a);
/* Stores every record of the batch (tenant from rec->device->tenant, day
 * from rec->received_ns) and commits durably before returning; sets each
 * rec->archive_ref. On error nothing of the batch is acknowledged. */
enum ym_status archive_append_batch(struct archive *a, struct ym_batch *b);
/* Same for several batches in one durable commit (group commit: the writer
 * thread takes every batch waiting in its queue, up to a bound). */
enum ym_status archive_append_batches(struct archive *a, struct ym_batch *const *b, size_t count);
/* Periodic work, called about once a second by the writer thread: seals
 * staged logs into blocks when enough are staged or they are old enough,
 * and once an hour applies retention. Bounded work per call. */
enum ym_status archive_maintain(struct archive *a, int64_t now_ns);
/* Deletes days older than the retention; returns how many files went. */
enum ym_status archive_retention_run(struct archive *a, int64_t now_ns, unsigned *removed);

struct archive_writer_stats {
    uint64_t logs_committed;
    uint64_t bytes_raw;
    uint64_t commits;
    uint64_t blocks_sealed;
    uint64_t errors;
};
void archive_writer_stats(const struct archive *a, struct archive_writer_stats *out);

/* ---- readers (any thread or process) ---- */

/* One archived log, as handed to a visitor. */
struct archive_entry {
    const char *tenant;
    const char *device;   /* device name */
    const char *kind;     /* device kind when stored (asa, panos, ..., auto) */
    const char *timezone; /* device zone when stored ("" = UTC) */
    const char *peer;     /* sender address as text ("192.0.2.1"), "" if none */
    uint8_t transport;    /* enum ym_transport */
    int64_t received_ns;
    uint64_t ref;         /* archive_ref: stable reference to this log */
    const char *raw;      /* NUL-terminated; may contain other NULs: use raw_len */
    uint32_t raw_len;
};

/* Return 0 to go on, 1 to stop the scan. */
typedef int (*archive_visit_fn)(void *arg, const struct archive_entry *e);

struct archive_scan {
    const char *tenant;     /* NULL = every tenant */
    int64_t from_ns;        /* receive time >= from (0 = no bound) */
    int64_t to_ns;          /* receive time < to (0 = no bound) */
    /* Prune blocks: only blocks whose bloom may contain every one of these
     * tokens are read (tokens as produced by archive_token.h). */
    const char *const *tokens;
    size_t token_count;
    int newest_first;       /* 1 = days and blocks from newest to oldest */
};

struct archive_scan_stats {
    uint64_t files_opened;
    uint64_t blocks_total;   /* blocks in the time range */
    uint64_t blocks_read;    /* decompressed (bloom said maybe) */
    uint64_t staged_rows;    /* logs read from staging */
    uint64_t entries;        /* handed to the visitor */
};

enum ym_status archive_scan_run(const char *data_dir, const struct archive_scan *scan,
                                archive_visit_fn visit, void *arg, struct archive_scan_stats *stats);

/* archive_ref layout (64 bits): the UTC day number of the receive time
 * (days since 1970-01-01) in the top 20 bits, the log's sequence number in
 * its tenant-day file (1, 2, ... in commit order) in the low 44 bits. It
 * does not change when staged logs are sealed into a block. Calls visit
 * once with the log; YM_ENOTFOUND if the day file or the log is not there
 * (e.g. removed by retention). */
enum ym_status archive_get(const char *data_dir, const char *tenant, uint64_t ref,
                           archive_visit_fn visit, void *arg);

/* Usage of one tenant-day file, for `yamori stats`. */
struct archive_usage {
    char tenant[72];
    char day[16];        /* YYYY-MM-DD */
    uint64_t file_bytes; /* on disk, including the WAL */
    uint64_t raw_bytes;  /* bytes of the logs as received */
    uint64_t logs;
    uint64_t blocks;
};
typedef void (*archive_usage_fn)(void *arg, const struct archive_usage *u);
enum ym_status archive_usage_each(const char *data_dir, const char *tenant, archive_usage_fn fn,
                                  void *arg);

/* Verification of the hash chain (`yamori verify`). For each file checked
 * fn is called with ok=1, or ok=0 and the first broken block and why. */
struct archive_verify_result {
    char tenant[72];
    char day[16];
    int ok;
    uint64_t blocks_checked;
    int64_t bad_block;   /* block id of the first broken link, -1 if none */
    char reason[256];
};
typedef void (*archive_verify_fn)(void *arg, const struct archive_verify_result *r);
/* tenant/day NULL = all. Returns YM_ECORRUPT if any file failed. */
enum ym_status archive_verify_run(const char *data_dir, const char *tenant, const char *day,
                                  archive_verify_fn fn, void *arg);

#endif
