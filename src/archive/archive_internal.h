/* archive_internal: the writer object (struct archive) and its open days,
 * shared by the two files that make up the writer (archive.h):
 * archive.c opens the store (recovering what a crash left staged), appends
 * with group commit, and opens, evicts and closes days; archive_maintain.c
 * seals blocks (in the commit path and in maintain), closes idle days and
 * applies retention. Only these files include it; everybody else uses
 * archive.h, whose invariants hold for both. The design of the writer is
 * described at the top of archive.c.
 *
 * Memory: struct archive owns its days (archive_free_day frees one), the
 * block in `sealing`, the job array and the buffers; archive_close frees
 * them all. Threads: everything here runs on the one writer thread that
 * owns the archive, except the functions handed to `helper` and `sealer`
 * (archive_async.h), which touch only what that header allows.
 * Errors: YM_EDB (SQLite; sets the error state), YM_ECORRUPT, YM_EFULL,
 * YM_EINVAL, as archive.h. */
#ifndef ARCHIVE_INTERNAL_H
#define ARCHIVE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "archive/archive.h"
#include "archive/archive_async.h"
#include "archive/archive_bloom.h"
#include "archive/archive_codec.h"
#include "archive/archive_day.h"
#include "core/ym_buf.h"
#include "core/ym_status.h"

#define MAX_OPEN_DAYS 32
#define RECENT_SLOTS 4096

struct day {
    char tenant[72];
    int64_t day;
    char path[ARCHIVE_PATH_MAX];
    sqlite3 *db;
    sqlite3_stmt *ins_stage, *ins_block, *del_stage, *ins_device, *set_meta;
    struct archive_day_dict dict;
    const struct ym_device *last_dev;
    uint32_t last_dev_id;

    /* staged logs (committed in staging rows, not yet in a block) */
    struct archive_codec_enc enc;
    struct archive_bloom bloom;
    uint64_t recent[RECENT_SLOTS]; /* token hashes already in bloom */
    uint64_t pending_first_seq;
    uint32_t pending_count; /* logs of the block being assembled (enc.count once split) */
    int64_t pending_min_ns, pending_max_ns;
    int64_t pending_since_ns; /* wall clock of the first staging; 0 = none */
    int64_t last_stage_id;

    uint64_t expect_tokens; /* distinct tokens expected in the next block; 0 = unknown */

    uint64_t next_seq;
    int64_t next_block_id;
    uint64_t blocks;
    uint8_t head[ARCHIVE_HASH_BYTES];
    int64_t last_used_ns;

    /* the commit being assembled */
    int in_group;
    struct archive_codec_mark mark;
    uint64_t group_first_seq;
    int64_t group_min_ns, group_max_ns;
};

/* One log of the commit being assembled (archive.c: only the write path
 * uses it). */
struct job;

/* A block being sealed: the staged logs of one day, moved out of the day
 * (which goes on staging new logs), compressed, filtered and hashed by the
 * sealer thread. The writer then lands it: block row in, its staging rows
 * out, in one transaction (the next commit of that day, or one of its
 * own). At most one at a time. */
struct sealing {
    struct day *d; /* NULL = none */
    struct archive_codec_enc enc;
    struct archive_bloom bloom;
    struct archive_day_block_hdr h;
    uint8_t prev[ARCHIVE_HASH_BYTES], hash[ARCHIVE_HASH_BYTES];
    int64_t last_stage_id; /* staging rows up to this id hold the block's logs */
    int level;
    struct ym_buf data, filter;
    uint64_t tokens_est;
    enum ym_status st;
};

struct archive {
    struct archive_options opt;
    char *data_dir;
    struct day *days[MAX_OPEN_DAYS];
    size_t day_count;
    int failed;
    int64_t last_retention_ns;
    struct ym_buf data_buf; /* a staging row's data */
    struct archive_writer_stats stats;

    /* the logs of the current commit (writer thread; the helper reads them
     * between a kick and its done) */
    struct job *jobs;
    size_t job_count, job_cap;

    /* helper: tokens of a commit's logs into the days' blooms while the
     * writer splits them into the encoders (disjoint parts of struct day);
     * sealer: seal_compute of the block in `sealing` */
    struct archive_async *helper;
    struct archive_async *sealer;
    struct sealing sealing;
};

/* ---- archive.c ---- */

/* Runs sql on db; logs a failure (rate-limited). Returns the SQLite code. */
int archive_exec(sqlite3 *db, const char *sql);
/* Frees an open day without sealing it (NULL is fine). */
void archive_free_day(struct day *d);
/* Seals (unless failed), checkpoints and closes a->days[i], and removes it
 * from a->days (the last day takes its place). */
void archive_drop_day(struct archive *a, size_t i);

/* ---- archive_maintain.c ---- */

/* Sealing a block in the commit path (see the definitions for more):
 * land_rows writes the sealed block into its day's open transaction
 * (returns 0 on failure) and land_done follows its commit; seal_land lands
 * it in a transaction of its own; seal_start hands the day's staged logs
 * to the sealer; seal_now does both and waits. */
int archive_maintain_land_rows(struct archive *a);
void archive_maintain_land_done(struct archive *a);
enum ym_status archive_maintain_seal_land(struct archive *a);
enum ym_status archive_maintain_seal_start(struct archive *a, struct day *d);
enum ym_status archive_maintain_seal_now(struct archive *a, struct day *d);

#endif
