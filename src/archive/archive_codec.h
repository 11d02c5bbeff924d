/* archive_codec: how a run of logs is encoded in a block or staging row.
 *
 * Logs are split into four streams, each compressed with zstd on its own:
 *  - templates: each distinct template once, in order of first use. A
 *    log's template is its bytes with every decimal number replaced by the
 *    marker 0x01; 0x00 ends it; literal bytes 0x00 to 0x05 are escaped as
 *    0x02 followed by the byte. Other markers: 0x03 hex
 *    digits after "0x" (lower case, no leading zero), 0x04 + digit count
 *    for a zero-padded decimal ("05"), 0x05 + k for a decimal >= 100 equal
 *    to the k-th previous decimal of the log (the "(ip/port)" that repeats
 *    "ip/port"), stored as no number at all. Numbers of more than 18 digits
 *    stay as text, so every log round-trips byte for byte.
 *  - template ids: per log, varint index into the templates above. Syslog
 *    of one device repeats a few hundred templates, so this is mostly
 *    a byte per log.
 *  - numbers: the replaced numbers as LEB128 varints in columns: a number
 *    goes to the column picked by a hash of the template bytes before it
 *    in its word, or of the word before if it starts one (at most
 *    ARCHIVE_CODEC_CTX bytes), so
 *    the values of one field ("outside:#.#.#.", "/#") sit together whatever
 *    the message type. Stream: varint column count, each column's byte
 *    length, then the columns.
 *  - meta: per log, zigzag varint of the receive time minus the previous
 *    log's, varint file-local device id, transport byte, peer family byte
 *    (0, AF_INET, AF_INET6), 4 or 16 address bytes, varint port.
 *
 * Blob layout (ARCHIVE_CODEC_VERSION 1):
 *   u8 version, varint count, varint zigzag base_ns (time the first delta
 *   is taken from), varint raw_bytes, then for each stream (templates, ids,
 *   numbers, meta): varint plain_len, varint stored_len (0 = stored as is,
 *   plain_len bytes follow; else a zstd frame of stored_len bytes).
 *
 * The encoder is incremental: logs are added as they arrive and any range
 * since a mark can be compressed (a staging row) as well as the whole
 * (a block), so each log is split once.
 * Memory: the encoder owns its buffers (archive_codec_enc_free); decoded
 * logs handed to the callback are borrowed from the decoder's scratch until
 * the callback returns. Not thread-safe per object; distinct objects may be
 * used by distinct threads. Errors: YM_ECORRUPT (blob malformed),
 * YM_ENOMEM (zstd failed to compress). */
#ifndef ARCHIVE_CODEC_H
#define ARCHIVE_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "core/ym_batch.h"
#include "core/ym_buf.h"
#include "core/ym_status.h"

#define ARCHIVE_CODEC_VERSION 1

struct archive_codec_rec {
    int64_t received_ns;
    uint32_t device_id; /* dictionary id within the day file */
    uint8_t transport;
    struct ym_peer peer;
    const char *raw; /* decode: NUL-terminated in scratch */
    uint32_t raw_len;
};

#define ARCHIVE_CODEC_COLUMNS 256
#define ARCHIVE_CODEC_CTX 24

struct archive_codec_enc {
    struct ym_buf tmpl;     /* distinct templates, each ending in 0x00 */
    struct ym_buf tmpl_off; /* uint32 start of each distinct template */
    struct ym_buf ids;      /* uint32 template of each log */
    struct ym_buf tcols;    /* per template: number count, column of each number */
    struct ym_buf tcol_off; /* uint32 start of each template's entry in tcols */
    uint64_t *ht_hash;      /* template hash table (open addressing) */
    uint32_t *ht_id;
    size_t ht_cap;
    struct ym_buf local;    /* finish: global -> blob template id */
    struct ym_buf meta;
    struct ym_buf cols[ARCHIVE_CODEC_COLUMNS];
    void *cctx; /* ZSTD_CCtx, reused across calls */
    int64_t last_ns;
    uint32_t count;
    uint64_t raw_bytes;
};

/* Position in an encoder, to compress only what was added after it. */
struct archive_codec_mark {
    size_t meta;
    size_t cols[ARCHIVE_CODEC_COLUMNS];
    uint32_t count;
    int64_t base_ns;
    uint64_t raw_bytes;
};

struct archive_codec_dec {
    struct ym_buf tmpl, ids, nums, meta, line, tmpl_off;
};

/* ---- encode ---- */
void archive_codec_enc_init(struct archive_codec_enc *e);
void archive_codec_enc_free(struct archive_codec_enc *e);
void archive_codec_enc_reset(struct archive_codec_enc *e);
/* Returns 1 if the log's template is new in the encoder (since init or
 * reset), else 0. */
int archive_codec_enc_add(struct archive_codec_enc *e, const struct archive_codec_rec *r);
void archive_codec_enc_mark(const struct archive_codec_enc *e, struct archive_codec_mark *m);
/* Appends to out the blob of the logs added since `from` (NULL = all).
 * level 0 stores the streams uncompressed; else zstd level (negative
 * levels are zstd's fast modes). */
enum ym_status archive_codec_enc_finish(struct archive_codec_enc *e,
                                        const struct archive_codec_mark *from, int level,
                                        struct ym_buf *out);

/* ---- decode ---- */
/* Return 0 to go on, non-zero to stop. index counts from 0 in the blob. */
typedef int (*archive_codec_rec_fn)(void *arg, const struct archive_codec_rec *r, uint32_t index);
void archive_codec_dec_init(struct archive_codec_dec *d);
void archive_codec_dec_free(struct archive_codec_dec *d);
/* Reads the header only: count and raw bytes. */
enum ym_status archive_codec_peek(const void *blob, size_t len, uint32_t *count, uint64_t *raw_bytes);
/* Calls fn for each log; *stopped = 1 if fn stopped it (may be NULL). */
enum ym_status archive_codec_decode(struct archive_codec_dec *d, const void *blob, size_t len,
                                    archive_codec_rec_fn fn, void *arg, int *stopped);

#endif
