/* detect_groups: the groups of one correlation rule, by group-by key.
 *
 * A port scan or a flood makes hundreds of thousands of groups a minute,
 * most of which see one or two events, so a group is small and lives in
 * the table itself: an open-addressing table (linear probing, at most half
 * full) of 48-byte slots. Keys are kept once in a byte slab and compared
 * exactly. A group's window (event times, and value hashes for
 * value_count) sits inline while it holds up to two times or one
 * time-and-value pair, and moves to one heap block beyond that.
 *
 * Bounds: at most DETECT_GROUPS_MAX groups (24 MiB of slots at most);
 * past DETECT_GROUPS_SWEEP, groups idle for longer than the rule's
 * timespan are dropped before new ones are made (not more than once a
 * second of log time once the table is past four times that), and a table
 * at its bound refuses new groups (the caller counts them).
 *
 * Pointers: a group pointer is valid until the next detect_groups_get or
 * detect_groups_sweep on the same table (both may move every group).
 * Not thread-safe: the caller holds the correlation's lock. */
#ifndef DETECT_GROUPS_H
#define DETECT_GROUPS_H

#include <stddef.h>
#include <stdint.h>

#define DETECT_GROUPS_SWEEP 65536
#define DETECT_GROUPS_MAX (4 * DETECT_GROUPS_SWEEP)

struct detect_group {
    uint64_t hash;      /* of the key; 0 = empty slot */
    int64_t last_ns;    /* latest event time seen */
    uint32_t first;     /* event_count: the live window is [first, count) */
    uint32_t count;
    uint32_t cap;       /* heap entries; 0 = inline */
    uint32_t key_off;   /* in the table's slab */
    uint32_t key_len;
    uint32_t pad_;
    union {
        int64_t inline_[2];
        int64_t *heap;  /* times[cap], then values[cap] when the table has values */
    } w;
};

struct detect_groups {
    struct detect_group *slots;
    size_t cap, count;     /* slots (a power of two, or 0), groups */
    char *keys;            /* slab of key bytes */
    size_t keys_len, keys_cap;
    int with_values;       /* windows hold a value per time (value_count) */
    size_t sweep_at;       /* count that makes the next sweep (0 = DETECT_GROUPS_SWEEP) */
    int64_t swept_ns;      /* log time of the last sweep */
};

/* FNV-1a, then a 64-bit finaliser so that the low bits (the slot) depend
 * on every byte; never 0 (0 marks an empty slot). Also what value_count
 * windows keep of each value. */
uint64_t detect_groups_hash(const char *s, size_t n);

void detect_groups_init(struct detect_groups *t, int with_values);
void detect_groups_free(struct detect_groups *t);

/* The group of key (made empty when new: count 0, last_ns 0); NULL when
 * the table is at its bound. Before making a group it may sweep groups
 * whose last event is older than now_ns - span_ns. */
struct detect_group *detect_groups_get(struct detect_groups *t, const char *key, size_t key_len,
                                       int64_t now_ns, int64_t span_ns);

/* Drops the groups whose last event is before cut_ns. */
void detect_groups_sweep(struct detect_groups *t, int64_t cut_ns);

/* The group's times (and values, with_values tables). */
static inline int64_t *detect_group_times(struct detect_group *g)
{
    return g->cap ? g->w.heap : g->w.inline_;
}
static inline uint64_t *detect_group_values(struct detect_group *g)
{
    return g->cap ? (uint64_t *)(g->w.heap + g->cap) : (uint64_t *)&g->w.inline_[1];
}
/* Entries the window can hold now. */
static inline uint32_t detect_group_room(const struct detect_groups *t,
                                         const struct detect_group *g)
{
    return g->cap ? g->cap : (t->with_values ? 1u : 2u);
}
/* Makes room for at least n entries (keeps the first `count` ones). */
void detect_group_reserve(struct detect_groups *t, struct detect_group *g, uint32_t n);

#endif
