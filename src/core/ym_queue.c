#include "core/ym_queue.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "core/ym_alloc.h"

struct ym_queue {
    pthread_mutex_t lock; /* guards everything below */
    pthread_cond_t not_empty;
    pthread_cond_t not_full;
    void **items;
    size_t cap, head, len;
    int closed;
};

struct ym_queue *ym_queue_create(size_t capacity)
{
    struct ym_queue *q = ym_xcalloc(1, sizeof *q);
    q->cap = capacity ? capacity : 1;
    q->items = ym_xcalloc(q->cap, sizeof *q->items);
    pthread_mutex_init(&q->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&q->not_empty, &ca);
    pthread_cond_init(&q->not_full, &ca);
    pthread_condattr_destroy(&ca);
    return q;
}

void ym_queue_destroy(struct ym_queue *q)
{
    if (!q)
        return;
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->not_empty);
    pthread_cond_destroy(&q->not_full);
    free(q->items);
    free(q);
}

static void deadline_in(struct timespec *ts, int ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* Waits on cond with q->lock held; returns 0 on timeout. */
static int wait_cond(struct ym_queue *q, pthread_cond_t *cond, int timeout_ms,
                     const struct timespec *deadline)
{
    if (timeout_ms == 0)
        return 0;
    if (timeout_ms < 0) {
        pthread_cond_wait(cond, &q->lock);
        return 1;
    }
    return pthread_cond_timedwait(cond, &q->lock, deadline) != ETIMEDOUT;
}

enum ym_status ym_queue_push(struct ym_queue *q, void *item, int timeout_ms)
{
    struct timespec deadline;
    if (timeout_ms > 0)
        deadline_in(&deadline, timeout_ms);
    pthread_mutex_lock(&q->lock);
    while (!q->closed && q->len == q->cap) {
        if (!wait_cond(q, &q->not_full, timeout_ms, &deadline) && q->len == q->cap) {
            pthread_mutex_unlock(&q->lock);
            return timeout_ms == 0 ? YM_EFULL : YM_ETIMEOUT;
        }
    }
    if (q->closed) {
        pthread_mutex_unlock(&q->lock);
        return YM_ECLOSED;
    }
    q->items[(q->head + q->len) % q->cap] = item;
    q->len++;
    pthread_cond_signal(&q->not_empty);
    pthread_mutex_unlock(&q->lock);
    return YM_OK;
}

enum ym_status ym_queue_try_push(struct ym_queue *q, void *item)
{
    return ym_queue_push(q, item, 0);
}

enum ym_status ym_queue_pop(struct ym_queue *q, int timeout_ms, void **item)
{
    struct timespec deadline;
    if (timeout_ms > 0)
        deadline_in(&deadline, timeout_ms);
    pthread_mutex_lock(&q->lock);
    while (q->len == 0) {
        if (q->closed) {
            pthread_mutex_unlock(&q->lock);
            return YM_ECLOSED;
        }
        if (!wait_cond(q, &q->not_empty, timeout_ms, &deadline) && q->len == 0) {
            pthread_mutex_unlock(&q->lock);
            return YM_ETIMEOUT;
        }
    }
    *item = q->items[q->head];
    q->head = (q->head + 1) % q->cap;
    q->len--;
    pthread_cond_signal(&q->not_full);
    pthread_mutex_unlock(&q->lock);
    return YM_OK;
}

void ym_queue_close(struct ym_queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->closed = 1;
    pthread_cond_broadcast(&q->not_empty);
    pthread_cond_broadcast(&q->not_full);
    pthread_mutex_unlock(&q->lock);
}

size_t ym_queue_len(struct ym_queue *q)
{
    pthread_mutex_lock(&q->lock);
    size_t n = q->len;
    pthread_mutex_unlock(&q->lock);
    return n;
}

size_t ym_queue_capacity(struct ym_queue *q) { return q->cap; }
