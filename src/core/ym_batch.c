#include "core/ym_batch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ym_alloc.h"
#include "core/ym_time.h"

struct ym_batch_pool {
    pthread_mutex_t lock; /* guards free_list, in_use, created */
    pthread_cond_t freed;
    struct ym_batch *free_list;
    unsigned max_batches;
    unsigned created;
    unsigned in_use;
};

const char *ym_transport_name(enum ym_transport t)
{
    switch (t) {
    case YM_TR_UDP: return "udp";
    case YM_TR_TCP: return "tcp";
    case YM_TR_TLS: return "tls";
    case YM_TR_RELP: return "relp";
    case YM_TR_FILE: return "file";
    case YM_TR_NONE: break;
    }
    return "none";
}

struct ym_batch_pool *ym_batch_pool_create(unsigned max_batches)
{
    struct ym_batch_pool *p = ym_xcalloc(1, sizeof *p);
    pthread_mutex_init(&p->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p->freed, &ca);
    pthread_condattr_destroy(&ca);
    p->max_batches = max_batches ? max_batches : 1;
    return p;
}

void ym_batch_pool_destroy(struct ym_batch_pool *p)
{
    if (!p)
        return;
    struct ym_batch *b = p->free_list;
    while (b) {
        struct ym_batch *next = b->next_free;
        ym_arena_fini(&b->arena);
        free(b->recs);
        free(b);
        b = next;
    }
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->freed);
    free(p);
}

enum ym_status ym_batch_pool_get(struct ym_batch_pool *p, int timeout_ms, struct ym_batch **out)
{
    struct timespec deadline;
    if (timeout_ms > 0) {
        clock_gettime(CLOCK_MONOTONIC, &deadline);
        deadline.tv_sec += timeout_ms / 1000;
        deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000L;
        }
    }
    pthread_mutex_lock(&p->lock);
    struct ym_batch *b = NULL;
    for (;;) {
        if (p->free_list) {
            b = p->free_list;
            p->free_list = b->next_free;
            break;
        }
        if (p->created < p->max_batches) {
            p->created++;
            break;
        }
        if (timeout_ms == 0) {
            pthread_mutex_unlock(&p->lock);
            return YM_ETIMEOUT;
        }
        if (timeout_ms < 0) {
            pthread_cond_wait(&p->freed, &p->lock);
        } else if (pthread_cond_timedwait(&p->freed, &p->lock, &deadline) == ETIMEDOUT) {
            pthread_mutex_unlock(&p->lock);
            return YM_ETIMEOUT;
        }
    }
    p->in_use++;
    pthread_mutex_unlock(&p->lock);
    if (!b) {
        b = ym_xcalloc(1, sizeof *b);
        b->recs = ym_xcalloc(YM_BATCH_MAX_RECORDS, sizeof *b->recs);
        ym_arena_init(&b->arena, 1u << 20, YM_BATCH_ARENA_BYTES);
        b->pool = p;
    }
    b->count = 0;
    b->created_ns = 0;
    atomic_store(&b->refs, 1);
    *out = b;
    return YM_OK;
}

unsigned ym_batch_pool_in_use(struct ym_batch_pool *p)
{
    pthread_mutex_lock(&p->lock);
    unsigned n = p->in_use;
    pthread_mutex_unlock(&p->lock);
    return n;
}

void ym_batch_ref(struct ym_batch *b) { atomic_fetch_add(&b->refs, 1); }

void ym_batch_put(struct ym_batch *b)
{
    if (!b || atomic_fetch_sub(&b->refs, 1) != 1)
        return;
    struct ym_batch_pool *p = b->pool;
    ym_arena_reset(&b->arena);
    b->count = 0;
    pthread_mutex_lock(&p->lock);
    b->next_free = p->free_list;
    p->free_list = b;
    p->in_use--;
    pthread_cond_signal(&p->freed);
    pthread_mutex_unlock(&p->lock);
}

struct ym_record *ym_batch_add(struct ym_batch *b, const char *raw, size_t len)
{
    if (b->count >= YM_BATCH_MAX_RECORDS)
        return NULL;
    uint16_t flags = 0;
    if (len > YM_LOG_MAX_BYTES) {
        len = YM_LOG_MAX_BYTES;
        flags |= YM_REC_TRUNCATED;
    }
    char *copy = ym_arena_strndup(&b->arena, raw, len);
    if (!copy)
        return NULL;
    if (b->count == 0)
        b->created_ns = ym_time_mono_ns();
    struct ym_record *r = &b->recs[b->count++];
    memset(r, 0, sizeof *r);
    r->raw = copy;
    r->raw_len = (uint32_t)len;
    r->flags = flags;
    ym_fields_init(&r->fields, &b->arena);
    return r;
}
