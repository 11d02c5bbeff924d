/* search_run: runs a parsed query over the archive -- the engine behind
 * `yamori search` now and the portal's search API later.
 *
 * It hands the query's required words and the time range to
 * archive_scan_run (so blocks whose bloom filter lacks a word, or whose
 * time range is outside, are never decompressed), evaluates the query on
 * every log the scan yields, and passes each match to a callback, up to a
 * limit. It prints nothing. When a term needs ECS fields, or the caller
 * asks for them, the raw line is parsed again with parse_record() -- with
 * the kind and time zone the archive stored for it -- into one arena that
 * is reset per log, so no memory is allocated per line once warm.
 *
 * Memory: entry and fields handed to the callback are borrowed until it
 * returns. Threads: one search per call; concurrent calls are independent
 * (each has its own arena). The archive may be written meanwhile.
 * Status: whatever archive_scan_run returns (YM_EIO, YM_EDB, ...). */
#ifndef SEARCH_RUN_H
#define SEARCH_RUN_H

#include <stdint.h>

#include "archive/archive.h"
#include "core/ym_fields.h"
#include "core/ym_status.h"
#include "search/search_query.h"

struct search_run_options {
    const char *data_dir;
    const char *tenant;  /* NULL = every tenant */
    int64_t from_ns;     /* received >= from; 0 = no bound */
    int64_t to_ns;       /* received < to; 0 = no bound */
    uint64_t limit;      /* stop after this many matches; 0 = no limit */
    int newest_first;    /* newest days and blocks first */
    int want_fields;     /* parse every match and pass its fields to the callback */
    int skip_bloom;      /* test hook: read every block (to compare pruned and full scans) */
};

struct search_run_stats {
    struct archive_scan_stats scan; /* files, blocks total / read, entries */
    uint64_t examined;              /* logs the query was evaluated on */
    uint64_t parsed;                /* logs parsed again for their fields */
    uint64_t matched;               /* logs handed to the callback */
    int limit_reached;              /* 1 if the search stopped at the limit */
    int64_t elapsed_ns;
};

/* A match: fields is NULL unless want_fields was set or the query needed
 * them. Return 0 to go on, 1 to stop the search. */
typedef int (*search_hit_fn)(void *arg, const struct archive_entry *e, const struct ym_fields *fields);

enum ym_status search_run_execute(const struct search_query *q, const struct search_run_options *opt,
                                  search_hit_fn fn, void *arg, struct search_run_stats *stats);

#endif
