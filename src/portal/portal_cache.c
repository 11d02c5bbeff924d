/* portal_cache: answers of the dashboard's aggregate routes (summary, per
 * minute, per day, devices), shared for a moment by every caller with the
 * same route, tenant filter and query. Fifty analysts watching the same
 * dashboard then cost one computation per period, not fifty; live changes
 * reach the pages through the event stream meanwhile.
 *
 * Isolation: the key holds the effective tenant filter the dispatcher
 * decided (never the raw parameter), so a customer can only ever be
 * served an answer computed for its own tenant. Access checks run before
 * the cache is consulted, for every request.
 *
 * Never older than a change: the cache has a generation, bumped whenever
 * the state changes (portal_cache_bump: by the dispatcher after every
 * successful write, and by the event-stream hub before it announces
 * changes it read from the change feed). An answer computed under an older
 * generation is never served, so a page that re-reads after a write or
 * after a stream message sees the change.
 *
 * No stampede: one caller computes an answer while the others either are
 * served the aged one (it only aged: same generation) or wait for the new
 * one (the state changed), for at most CACHE_COMPUTE_NS; so a busy
 * dashboard never computes one answer many times at once.
 *
 * Bounded: CACHE_SLOTS entries of at most CACHE_MAX_BODY bytes, replaced
 * by hash slot. Lock: cache->lock, any pool thread, held only to copy. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ym_alloc.h"
#include "core/ym_time.h"
#include "portal/portal_internal.h"

#define CACHE_SLOTS 256
#define CACHE_MAX_BODY (256 * 1024)
#define CACHE_COMPUTE_NS (2 * YM_NS_PER_S)

struct cache_entry {
    char *key;
    char *body;
    size_t len;
    int64_t expires_mono_ns;
    int64_t computing_since_ns; /* 0 = nobody is computing a fresh answer */
    uint64_t generation;        /* of the state the answer was computed from */
    uint64_t computing_generation;
};

struct portal_cache {
    pthread_mutex_t lock;
    pthread_cond_t done; /* an answer was put (or given up) */
    uint64_t generation; /* under lock */
    struct cache_entry v[CACHE_SLOTS];
};

struct portal_cache *portal_cache_create(void)
{
    struct portal_cache *c = ym_xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->done, NULL);
    return c;
}

void portal_cache_destroy(struct portal_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        free(c->v[i].key);
        free(c->v[i].body);
    }
    pthread_cond_destroy(&c->done);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static size_t slot_of(const char *key)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char *s = key; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (size_t)(h % CACHE_SLOTS);
}

void portal_cache_bump(struct portal_cache *c)
{
    pthread_mutex_lock(&c->lock);
    c->generation++;
    pthread_mutex_unlock(&c->lock);
}

char *portal_cache_get(struct portal_cache *c, const char *key, int loose, size_t *len,
                       uint64_t *generation)
{
    char *copy = NULL;
    pthread_mutex_lock(&c->lock);
    struct cache_entry *e = &c->v[slot_of(key)];
    for (;;) {
        int64_t now = ym_time_mono_ns();
        uint64_t gen = loose ? 0 : c->generation;
        *generation = gen;
        int same = e->key && strcmp(e->key, key) == 0;
        int computing = same && e->computing_since_ns && now - e->computing_since_ns < CACHE_COMPUTE_NS;
        if (same && e->body && e->generation == gen) {
            if (now < e->expires_mono_ns || computing) {
                copy = ym_xmalloc(e->len + 1);
                memcpy(copy, e->body, e->len + 1);
                *len = e->len;
                break;
            }
        } else if (computing && e->computing_generation == gen) {
            /* Someone computes this generation's answer: wait for it
             * rather than compute it again (bounded by CACHE_COMPUTE_NS). */
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += 50 * 1000000L;
            until.tv_sec += until.tv_nsec / 1000000000L;
            until.tv_nsec %= 1000000000L;
            pthread_cond_timedwait(&c->done, &c->lock, &until);
            continue;
        } else if (!same) {
            free(e->key);
            free(e->body);
            *e = (struct cache_entry){.key = ym_xstrdup(key)};
        }
        e->computing_since_ns = now; /* this caller computes */
        e->computing_generation = gen;
        break;
    }
    pthread_mutex_unlock(&c->lock);
    return copy;
}

void portal_cache_put(struct portal_cache *c, const char *key, const char *body, size_t len,
                      int ttl_ms, uint64_t generation)
{
    int keep = body && len <= CACHE_MAX_BODY && ttl_ms > 0;
    char *b = NULL;
    if (keep) {
        b = ym_xmalloc(len + 1);
        memcpy(b, body, len);
        b[len] = '\0';
    }
    pthread_mutex_lock(&c->lock);
    struct cache_entry *e = &c->v[slot_of(key)];
    char *old_body = NULL;
    if (e->key && strcmp(e->key, key) == 0) {
        e->computing_since_ns = 0;
        if (keep) {
            old_body = e->body;
            e->body = b;
            b = NULL;
            e->len = len;
            e->expires_mono_ns = ym_time_mono_ns() + (int64_t)ttl_ms * 1000000;
            e->generation = generation;
        }
    }
    pthread_cond_broadcast(&c->done);
    pthread_mutex_unlock(&c->lock);
    free(old_body);
    free(b);
}
