/* portal_throttle: login throttling. Failed logins are counted per account
 * name and per client address inside a window (THROTTLE_WINDOW_NS). Once
 * an account has ACCOUNT_MAX_FAILURES, or an address ADDRESS_MAX_FAILURES,
 * further attempts are refused (429) without checking the password until
 * the window ends; a successful login clears its account's count. The
 * table is in memory (a restart forgets it) and bounded: THROTTLE_SLOTS
 * entries, an expired or else the oldest entry of a probe range replaced
 * first. Lock: throttle->lock, taken by any pool thread for a few
 * instructions. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ym_alloc.h"
#include "core/ym_time.h"
#include "portal/portal_internal.h"

#define THROTTLE_SLOTS 4096
#define THROTTLE_PROBES 16
#define THROTTLE_WINDOW_NS (15 * 60 * YM_NS_PER_S)
#define ACCOUNT_MAX_FAILURES PORTAL_THROTTLE_ACCOUNT_MAX
#define ADDRESS_MAX_FAILURES PORTAL_THROTTLE_ADDRESS_MAX

struct throttle_entry {
    char key[80]; /* "u:name" or "a:address"; "" = free */
    unsigned failures;
    int64_t window_start_ns;
};

struct portal_throttle {
    pthread_mutex_t lock;
    struct throttle_entry v[THROTTLE_SLOTS];
};

struct portal_throttle *portal_throttle_create(void)
{
    struct portal_throttle *t = ym_xcalloc(1, sizeof *t);
    pthread_mutex_init(&t->lock, NULL);
    return t;
}

void portal_throttle_destroy(struct portal_throttle *t)
{
    if (!t)
        return;
    pthread_mutex_destroy(&t->lock);
    free(t);
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* The entry of key, made if create (replacing a stale or the oldest
 * entry of its probe range). Called with the lock held. */
static struct throttle_entry *slot(struct portal_throttle *t, const char *key, int64_t now,
                                  int create)
{
    uint64_t h = fnv1a(key);
    struct throttle_entry *free_slot = NULL, *oldest = NULL;
    for (unsigned i = 0; i < THROTTLE_PROBES; i++) {
        struct throttle_entry *e = &t->v[(h + i) % THROTTLE_SLOTS];
        int stale = e->key[0] && now - e->window_start_ns > THROTTLE_WINDOW_NS;
        if (e->key[0] && !stale && strcmp(e->key, key) == 0)
            return e;
        if (!e->key[0] || stale) {
            if (!free_slot)
                free_slot = e;
        } else if (!oldest || e->window_start_ns < oldest->window_start_ns) {
            oldest = e;
        }
    }
    if (!create)
        return NULL;
    struct throttle_entry *victim = free_slot ? free_slot : oldest;
    snprintf(victim->key, sizeof victim->key, "%s", key);
    victim->failures = 0;
    victim->window_start_ns = now;
    return victim;
}

static void keys(const char *user, const char *address, char *ku, char *ka, size_t len)
{
    snprintf(ku, len, "u:%s", user);
    snprintf(ka, len, "a:%s", address);
}

int portal_throttle_blocked(struct portal_throttle *t, const char *user, const char *address,
                            int64_t now)
{
    char ku[80], ka[80];
    keys(user, address, ku, ka, sizeof ku);
    pthread_mutex_lock(&t->lock);
    struct throttle_entry *u = slot(t, ku, now, 0), *a = slot(t, ka, now, 0);
    int over = (u && u->failures >= ACCOUNT_MAX_FAILURES) ||
               (a && a->failures >= ADDRESS_MAX_FAILURES);
    pthread_mutex_unlock(&t->lock);
    return over;
}

void portal_throttle_failed(struct portal_throttle *t, const char *user, const char *address,
                            int64_t now)
{
    char ku[80], ka[80];
    keys(user, address, ku, ka, sizeof ku);
    pthread_mutex_lock(&t->lock);
    slot(t, ku, now, 1)->failures++;
    slot(t, ka, now, 1)->failures++;
    pthread_mutex_unlock(&t->lock);
}

void portal_throttle_clear(struct portal_throttle *t, const char *user, int64_t now)
{
    char ku[80];
    snprintf(ku, sizeof ku, "u:%s", user);
    pthread_mutex_lock(&t->lock);
    struct throttle_entry *u = slot(t, ku, now, 0);
    if (u)
        u->key[0] = '\0';
    pthread_mutex_unlock(&t->lock);
}
