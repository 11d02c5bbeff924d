/* parse: the parse stage. Turns each log of a batch into ECS fields with the
 * decoder of its device's kind, and never loses a log it cannot read.
 *
 * Decoders (parse_<kind>.c) share one signature, parse_decode_fn. Each
 * receives the whole raw log and the syslog header already split off
 * (struct parse_syslog_hdr from parse_syslog.h), adds fields to rec->fields
 * (values borrowed from rec->raw or allocated in the fields' arena) and
 * returns:
 *   YM_OK        it understood the log;
 *   YM_EDECLINED not its format: nothing added that must be kept (dispatch
 *                rolls the field list back and tries the next decoder);
 *   YM_EPARSE    its format but broken: fields added so far are kept,
 *                error.message says what was wrong, the log is flagged
 *                YM_REC_PARSE_ERROR and counted.
 * Decoders allocate nothing outside the arena and keep no state between
 * logs, so any number of worker threads may run them at once; counters live
 * in the caller's struct parse_stats (one per thread, summed by health).
 *
 * Every parsed log gets, whatever the decoder: @timestamp (device time, else
 * receive time), event.original (the raw log), observer.* from the device
 * when the decoder did not set them, log.syslog.* from the header. */
#ifndef PARSE_H
#define PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "core/ym_batch.h"
#include "core/ym_status.h"

struct parse_syslog_hdr; /* parse/parse_syslog.h */

/* How to read one log: the device's kind and time zone, and "now" for
 * inferring a missing year (times are placed so as not to be in the future). */
struct parse_ctx {
    const char *kind;     /* decoder name, or "auto" */
    const char *timezone; /* "" or NULL = UTC */
    int64_t now_ns;       /* reference for year inference; 0 = take the clock */
};

typedef enum ym_status (*parse_decode_fn)(const struct parse_ctx *ctx,
                                          const struct parse_syslog_hdr *hdr,
                                          struct ym_record *rec);

struct parse_decoder {
    const char *kind;        /* "asa" */
    const char *description; /* "Cisco ASA (%ASA-n-NNNNNN)" */
    parse_decode_fn decode;
    /* Cheap test on the header-less message for auto-detection: 1 if this
     * decoder very likely owns it. NULL = never auto-selected. */
    int (*sniff)(const char *msg, size_t len);
};

/* Per-thread counters; add them up for health and stats. */
struct parse_stats {
    uint64_t parsed;       /* a decoder understood the log */
    uint64_t parse_errors; /* YM_EPARSE: kept with error.message */
    uint64_t unparsed;     /* no decoder took it: kept raw */
};

/* The decoders, one per kind; each defined in its parse_<kind>.c. */
extern const struct parse_decoder parse_decoder_syslog;  /* parse_syslog.c */
extern const struct parse_decoder parse_decoder_json;    /* parse_json.c */
extern const struct parse_decoder parse_decoder_asa;     /* parse_asa.c */
extern const struct parse_decoder parse_decoder_ftd;     /* parse_ftd.c */
extern const struct parse_decoder parse_decoder_panos;   /* parse_panos.c */
extern const struct parse_decoder parse_decoder_nsp;     /* parse_nsp.c */
extern const struct parse_decoder parse_decoder_fireeye; /* parse_fireeye.c */
extern const struct parse_decoder parse_decoder_cef;     /* parse_cef.c */
extern const struct parse_decoder parse_decoder_leef;    /* parse_leef.c */

/* The registry of decoders (static table in parse.c), NULL-terminated. */
const struct parse_decoder *const *parse_decoders(void);
const struct parse_decoder *parse_decoder_find(const char *kind);

/* Parses one record in place (see above). Never fails: a log nobody reads
 * still gets the common fields and YM_REC_UNPARSED. */
void parse_record(const struct parse_ctx *ctx, struct ym_record *rec, struct parse_stats *stats);
/* Parses every record of the batch with its device's kind and zone. A
 * device of kind "auto" gets its kind from its first logs (the first 16
 * are sniffed; a decoder that claims 12 of them becomes the device's kind
 * for the rest of the run, and says so in the log); a device no decoder
 * wins stays sniffed log by log. Thread-safe (lock-free table). */
void parse_batch(struct ym_batch *batch, int64_t now_ns, struct parse_stats *stats);

/* Auto-detection: the kind whose sniff() claims this message, else "syslog". */
const char *parse_detect_kind(const char *raw, size_t len);

#endif
