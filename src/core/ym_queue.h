/* ym_queue: bounded multi-producer multi-consumer queue of pointers.
 *
 * Used between pipeline threads for batches (and for acknowledgement
 * tokens). Capacity is fixed at creation: ym_queue_push waits (back-
 * pressure), ym_queue_try_push fails with YM_EFULL (for callers that must
 * not block, like the UDP reader, which counts the drop). After
 * ym_queue_close, pushes fail with YM_ECLOSED and pops drain what is left,
 * then return YM_ECLOSED. Items are transferred: the queue never frees
 * them. Thread-safe. */
#ifndef YM_QUEUE_H
#define YM_QUEUE_H

#include <stddef.h>

#include "core/ym_status.h"

struct ym_queue;

struct ym_queue *ym_queue_create(size_t capacity);
void ym_queue_destroy(struct ym_queue *q);

/* timeout_ms: 0 = don't wait, < 0 = forever. */
enum ym_status ym_queue_push(struct ym_queue *q, void *item, int timeout_ms);
enum ym_status ym_queue_try_push(struct ym_queue *q, void *item);
enum ym_status ym_queue_pop(struct ym_queue *q, int timeout_ms, void **item);
void ym_queue_close(struct ym_queue *q);
size_t ym_queue_len(struct ym_queue *q);
size_t ym_queue_capacity(struct ym_queue *q);

#endif
