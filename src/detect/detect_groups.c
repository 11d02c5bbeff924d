/* detect_groups: open-addressing table of correlation groups (see
 * detect_groups.h). */
#include "detect/detect_groups.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/ym_alloc.h"
#include "core/ym_time.h"

#define MIN_SLOTS 1024
#define HUGE_BYTES (2u << 20)

/* Slot arrays of 2 MiB and more are mapped on their own and asked for huge
 * pages: lookups land on random slots, and with 4 KiB pages nearly every
 * one also missed the TLB. Zeroed either way. */
static struct detect_group *slots_alloc(size_t cap)
{
    size_t bytes = cap * sizeof(struct detect_group);
    if (bytes < HUGE_BYTES)
        return ym_xcalloc(cap, sizeof(struct detect_group));
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return ym_xcalloc(cap, sizeof(struct detect_group));
    (void)madvise(p, bytes, MADV_HUGEPAGE); /* a hint: failure costs only speed */
    return p;
}

static void slots_free(struct detect_group *slots, size_t cap)
{
    size_t bytes = cap * sizeof(struct detect_group);
    if (!slots)
        return;
    if (bytes < HUGE_BYTES)
        free(slots);
    else
        munmap(slots, bytes);
}

uint64_t detect_groups_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h ? h : 1;
}

void detect_groups_init(struct detect_groups *t, int with_values)
{
    memset(t, 0, sizeof *t);
    t->with_values = with_values;
}

static void group_drop(struct detect_group *g)
{
    if (g->cap)
        free(g->w.heap);
}

void detect_groups_free(struct detect_groups *t)
{
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].hash)
            group_drop(&t->slots[i]);
    slots_free(t->slots, t->cap);
    free(t->keys);
    detect_groups_init(t, t->with_values);
}

/* Puts g (not in the table) into slots; the table has room. */
static void place(struct detect_group *slots, size_t cap, const struct detect_group *g)
{
    size_t i = (size_t)g->hash & (cap - 1);
    while (slots[i].hash)
        i = (i + 1) & (cap - 1);
    slots[i] = *g;
}

static void resize(struct detect_groups *t, size_t cap)
{
    struct detect_group *slots = slots_alloc(cap);
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].hash)
            place(slots, cap, &t->slots[i]);
    slots_free(t->slots, t->cap);
    t->slots = slots;
    t->cap = cap;
}

static size_t slots_for(size_t groups)
{
    size_t cap = MIN_SLOTS;
    while (cap < 2 * groups)
        cap *= 2;
    return cap;
}

void detect_groups_sweep(struct detect_groups *t, int64_t cut_ns)
{
    size_t live = 0, live_keys = 0;
    for (size_t i = 0; i < t->cap; i++) {
        struct detect_group *g = &t->slots[i];
        if (!g->hash)
            continue;
        if (g->last_ns < cut_ns) {
            group_drop(g);
            g->hash = 0;
        } else {
            live++;
            live_keys += g->key_len;
        }
    }
    /* rebuild: the slots at a size for what is left, the keys compacted */
    size_t cap = slots_for(live);
    struct detect_group *slots = slots_alloc(cap);
    size_t keys_cap = live_keys ? live_keys : 1;
    char *keys = ym_xmalloc(keys_cap);
    size_t keys_len = 0;
    for (size_t i = 0; i < t->cap; i++) {
        struct detect_group g = t->slots[i];
        if (!g.hash)
            continue;
        memcpy(keys + keys_len, t->keys + g.key_off, g.key_len);
        g.key_off = (uint32_t)keys_len;
        keys_len += g.key_len;
        place(slots, cap, &g);
    }
    slots_free(t->slots, t->cap);
    free(t->keys);
    t->slots = slots;
    t->cap = cap;
    t->keys = keys;
    t->keys_len = keys_len;
    t->keys_cap = keys_cap;
    t->count = live;
}

/* A sweep that frees little is not repeated before the table grew by half
 * again (one sweep per new group would cost O(groups) each); at four
 * times the sweep size, at most once a second of log time. */
static void maybe_sweep(struct detect_groups *t, int64_t now_ns, int64_t span_ns)
{
    size_t at = t->sweep_at ? t->sweep_at : DETECT_GROUPS_SWEEP;
    if (t->count < at || (t->count >= DETECT_GROUPS_MAX && now_ns - t->swept_ns < YM_NS_PER_S))
        return;
    detect_groups_sweep(t, now_ns - span_ns);
    t->swept_ns = now_ns;
    t->sweep_at = t->count + t->count / 2;
    if (t->sweep_at < DETECT_GROUPS_SWEEP)
        t->sweep_at = DETECT_GROUPS_SWEEP;
    if (t->sweep_at > DETECT_GROUPS_MAX)
        t->sweep_at = DETECT_GROUPS_MAX;
}

struct detect_group *detect_groups_get(struct detect_groups *t, const char *key, size_t key_len,
                                       int64_t now_ns, int64_t span_ns)
{
    uint64_t h = detect_groups_hash(key, key_len);
    if (!t->keys) {
        t->keys_cap = 4096;
        t->keys = ym_xmalloc(t->keys_cap);
    }
    if (t->cap) {
        for (size_t i = (size_t)h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
            struct detect_group *g = &t->slots[i];
            if (!g->hash)
                break;
            if (g->hash == h && g->key_len == key_len &&
                memcmp(t->keys + g->key_off, key, key_len) == 0)
                return g;
        }
    }
    maybe_sweep(t, now_ns, span_ns);
    if (t->count >= DETECT_GROUPS_MAX || key_len > UINT32_MAX / 2 ||
        t->keys_len + key_len > UINT32_MAX)
        return NULL;
    if (2 * (t->count + 1) > t->cap)
        resize(t, slots_for(t->count + 1));
    if (t->keys_len + key_len > t->keys_cap) {
        size_t kc = t->keys_cap ? t->keys_cap : 4096;
        while (kc < t->keys_len + key_len)
            kc *= 2;
        t->keys = ym_xrealloc(t->keys, kc);
        t->keys_cap = kc;
    }
    memcpy(t->keys + t->keys_len, key, key_len);
    struct detect_group g = {
        .hash = h, .key_off = (uint32_t)t->keys_len, .key_len = (uint32_t)key_len};
    t->keys_len += key_len;
    size_t i = (size_t)h & (t->cap - 1);
    while (t->slots[i].hash)
        i = (i + 1) & (t->cap - 1);
    t->slots[i] = g;
    t->count++;
    return &t->slots[i];
}

void detect_group_reserve(struct detect_groups *t, struct detect_group *g, uint32_t n)
{
    uint32_t room = detect_group_room(t, g);
    if (n <= room)
        return;
    uint32_t cap = room * 2 > 4 ? room * 2 : 4;
    while (cap < n)
        cap *= 2;
    size_t per = t->with_values ? 2 : 1;
    int64_t *heap = ym_xmalloc((size_t)cap * per * sizeof *heap);
    memcpy(heap, detect_group_times(g), g->count * sizeof *heap);
    if (t->with_values)
        memcpy(heap + cap, detect_group_values(g), g->count * sizeof *heap);
    if (g->cap)
        free(g->w.heap);
    g->w.heap = heap;
    g->cap = cap;
}
