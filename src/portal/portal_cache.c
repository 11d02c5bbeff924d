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
 * No stampede: when an answer only aged (same generation), the first
 * caller computes the new one while the others are served the aged one
 * (for at most CACHE_COMPUTE_NS), so a busy dashboard never computes one
 * answer many times at once.
 *
 * Bounded: CACHE_SLOTS entries of at most CACHE_MAX_BODY bytes, replaced
 * by hash slot. Lock: cache->lock, any pool thread, held only to copy. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ym_alloc.h"
#include "core/ym_time.h"
#include "portal/portal_internal.h"

#define CACHE_SLOTS 256
#define CACHE_MAX_BODY (256 * 1024)
#define CACHE_COMPUTE_NS (10 * YM_NS_PER_S)

struct cache_entry {
    char *key;
    char *body;
    size_t len;
    int64_t expires_mono_ns;
    int64_t computing_since_ns; /* 0 = nobody is computing a fresh answer */
    uint64_t generation;        /* of the state the answer was computed from */
};

struct portal_cache {
    pthread_mutex_t lock;
    uint64_t generation; /* under lock */
    struct cache_entry v[CACHE_SLOTS];
};

struct portal_cache *portal_cache_create(void)
{
    struct portal_cache *c = ym_xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
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

char *portal_cache_get(struct portal_cache *c, const char *key, size_t *len, uint64_t *generation)
{
    int64_t now = ym_time_mono_ns();
    char *copy = NULL;
    pthread_mutex_lock(&c->lock);
    *generation = c->generation;
    struct cache_entry *e = &c->v[slot_of(key)];
    if (e->key && strcmp(e->key, key) == 0 && e->body && e->generation == c->generation) {
        int fresh = now < e->expires_mono_ns;
        int other_computes = e->computing_since_ns && now - e->computing_since_ns < CACHE_COMPUTE_NS;
        if (fresh || other_computes) {
            copy = ym_xmalloc(e->len + 1);
            memcpy(copy, e->body, e->len + 1);
            *len = e->len;
        } else {
            e->computing_since_ns = now; /* this caller computes */
        }
    }
    pthread_mutex_unlock(&c->lock);
    return copy;
}

void portal_cache_put(struct portal_cache *c, const char *key, const char *body, size_t len,
                      int ttl_ms, uint64_t generation)
{
    if (len > CACHE_MAX_BODY || ttl_ms <= 0)
        return;
    char *k = ym_xstrdup(key);
    char *b = ym_xmalloc(len + 1);
    memcpy(b, body, len);
    b[len] = '\0';
    pthread_mutex_lock(&c->lock);
    struct cache_entry *e = &c->v[slot_of(key)];
    char *old_key = e->key, *old_body = e->body;
    e->key = k;
    e->body = b;
    e->len = len;
    e->expires_mono_ns = ym_time_mono_ns() + (int64_t)ttl_ms * 1000000;
    e->computing_since_ns = 0;
    e->generation = generation;
    pthread_mutex_unlock(&c->lock);
    free(old_key);
    free(old_body);
}
