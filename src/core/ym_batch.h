/* ym_batch: the unit of work that travels between pipeline stages.
 *
 * A batch holds up to YM_BATCH_MAX_RECORDS logs and one arena that every
 * stage allocates into (raw bytes, parsed fields, detections). Batches come
 * from a bounded pool: when all are in flight, ym_batch_pool_get blocks or
 * fails, which is how a slow stage pushes back on intake.
 *
 * Ownership: whoever holds a batch owns it. A stage hands a batch on by
 * pushing it on a queue and never touches it again. A batch can be held by
 * more than one consumer with ym_batch_ref; the last ym_batch_put returns
 * it (arena reset) to its pool.
 * Thread safety: pool functions and ref/put are thread-safe; the batch's
 * contents are not (one holder writes at a time). */
#ifndef YM_BATCH_H
#define YM_BATCH_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "core/ym_arena.h"
#include "core/ym_device.h"
#include "core/ym_fields.h"
#include "core/ym_status.h"

#define YM_BATCH_MAX_RECORDS 1024
/* Raw bytes intake puts in one batch at most (1024 logs of ~2 KiB, or 32 of
 * 64 KiB); the arena may grow to YM_BATCH_ARENA_BYTES so that the later
 * stages (parsed fields, detections) always have room beside the raw logs.
 * Arena chunks are taken lazily, so a batch of short logs stays small. */
#define YM_BATCH_RAW_BYTES (2u << 20)
#define YM_BATCH_ARENA_BYTES (16u << 20)
#define YM_LOG_MAX_BYTES (64u * 1024)   /* longest log we keep whole */

enum ym_transport {
    YM_TR_NONE = 0,
    YM_TR_UDP,
    YM_TR_TCP,
    YM_TR_TLS,
    YM_TR_RELP,
    YM_TR_FILE, /* yamori parse / tests */
};
const char *ym_transport_name(enum ym_transport t);

enum {
    YM_REC_PARSE_ERROR = 1u << 0, /* a decoder claimed the log but could not read all of it */
    YM_REC_UNPARSED = 1u << 1,    /* no decoder understood it: kept raw only */
    YM_REC_TRUNCATED = 1u << 2,   /* longer than YM_LOG_MAX_BYTES; the rest was cut */
};

/* Sender address (IPv4 as v4-mapped IPv6). */
struct ym_peer {
    uint8_t addr[16];
    uint16_t port;
    uint8_t family; /* AF_INET, AF_INET6, 0 = none */
};

struct ym_record {
    int64_t received_ns;             /* wall clock when intake took it */
    int64_t time_ns;                 /* event time (header or body); 0 = unknown yet */
    const char *raw;                 /* the log as received, NUL-terminated, in the arena */
    uint32_t raw_len;                /* bytes of raw, without the NUL */
    uint16_t flags;                  /* YM_REC_* */
    uint8_t transport;               /* enum ym_transport */
    uint8_t pad_;
    const struct ym_device *device;  /* never NULL once intake has looked it up */
    struct ym_peer peer;
    uint64_t ack;                    /* intake's ack token (RELP); 0 = nothing to acknowledge */
    uint64_t archive_ref;            /* where the archive keeps it; 0 = not archived */
    struct ym_fields fields;         /* parsed ECS fields; empty until the parse stage */
};

struct ym_batch_pool;

struct ym_batch {
    struct ym_arena arena;
    struct ym_record *recs; /* YM_BATCH_MAX_RECORDS slots */
    uint32_t count;
    atomic_int refs;
    int64_t created_ns; /* monotonic time of the first record, for flush deadlines */
    struct ym_batch_pool *pool;
    struct ym_batch *next_free;
};

/* Pool of at most max_batches batches (each up to YM_BATCH_ARENA_BYTES). */
struct ym_batch_pool *ym_batch_pool_create(unsigned max_batches);
void ym_batch_pool_destroy(struct ym_batch_pool *pool); /* all batches must be back */
/* Waits up to timeout_ms (0 = don't wait, <0 = forever) for a free batch.
 * Returns YM_ETIMEOUT if none came free. The batch is empty, refs = 1. */
enum ym_status ym_batch_pool_get(struct ym_batch_pool *pool, int timeout_ms, struct ym_batch **out);
unsigned ym_batch_pool_in_use(struct ym_batch_pool *pool);

void ym_batch_ref(struct ym_batch *b);
void ym_batch_put(struct ym_batch *b); /* drops one reference; NULL is fine */

/* Appends a record copying `len` bytes of raw text (cut at YM_LOG_MAX_BYTES,
 * flagged TRUNCATED). Returns NULL when the batch is full (records or
 * arena): the caller hands the batch on and starts a new one. */
struct ym_record *ym_batch_add(struct ym_batch *b, const char *raw, size_t len);
static inline int ym_batch_full(const struct ym_batch *b)
{
    return b->count >= YM_BATCH_MAX_RECORDS ||
           b->arena.used_bytes + YM_LOG_MAX_BYTES + 4096 > YM_BATCH_RAW_BYTES;
}

#endif
