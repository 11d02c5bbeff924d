/* ym_arena: bump allocator for one unit of work (a batch, a query).
 *
 * Memory comes in chunks; nothing is freed on its own; ym_arena_reset()
 * keeps the first chunk and keeps the other standard-size chunks as spares
 * for the next round (oversized one-off blocks are freed), so a reused
 * arena stops allocating (and page-faulting) once warm. ym_arena_alloc
 * returns NULL when the arena's byte limit would be exceeded (the caller
 * turns that into back-pressure or a counted drop); a limit of 0 means
 * unlimited. Not thread-safe: an arena
 * belongs to whoever holds the batch. */
#ifndef YM_ARENA_H
#define YM_ARENA_H

#include <stddef.h>

struct ym_arena_chunk;

struct ym_arena {
    struct ym_arena_chunk *head; /* current chunk (newest) */
    size_t chunk_bytes;          /* default chunk size */
    size_t used_bytes;           /* total handed out since reset */
    size_t limit_bytes;          /* 0 = unlimited */
    struct ym_arena_chunk *spare; /* chunks kept by ym_arena_reset for reuse */
};

void ym_arena_init(struct ym_arena *a, size_t chunk_bytes, size_t limit_bytes);
void ym_arena_fini(struct ym_arena *a);
void ym_arena_reset(struct ym_arena *a);

/* 8-byte aligned; NULL when over the limit or out of memory. */
void *ym_arena_alloc(struct ym_arena *a, size_t n);
/* Copies n bytes and adds a NUL (not counted in n). */
char *ym_arena_strndup(struct ym_arena *a, const char *s, size_t n);
char *ym_arena_printf(struct ym_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
