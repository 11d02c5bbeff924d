#include "core/ym_arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ym_arena_chunk {
    struct ym_arena_chunk *next;
    size_t size; /* usable bytes in data[] */
    size_t used;
    _Alignas(16) unsigned char data[];
};

void ym_arena_init(struct ym_arena *a, size_t chunk_bytes, size_t limit_bytes)
{
    a->head = NULL;
    a->chunk_bytes = chunk_bytes ? chunk_bytes : 64 * 1024;
    a->used_bytes = 0;
    a->limit_bytes = limit_bytes;
    a->spare = NULL;
}

void ym_arena_fini(struct ym_arena *a)
{
    struct ym_arena_chunk *c = a->head;
    while (c) {
        struct ym_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->used_bytes = 0;
    c = a->spare;
    while (c) {
        struct ym_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->spare = NULL;
}

void ym_arena_reset(struct ym_arena *a)
{
    /* Keep the oldest chunk (the last in the list): it is the base size. */
    struct ym_arena_chunk *c = a->head, *keep = NULL;
    while (c) {
        struct ym_arena_chunk *next = c->next;
        if (next == NULL) {
            keep = c;
        } else if (c->size == a->chunk_bytes) {
            /* Standard chunks are kept for the next round: allocating
             * them anew costs a page fault per 4 KiB. */
            c->next = a->spare;
            a->spare = c;
        } else {
            free(c);
        }
        c = next;
    }
    if (keep) {
        keep->used = 0;
        keep->next = NULL;
    }
    a->head = keep;
    a->used_bytes = 0;
}

void *ym_arena_alloc(struct ym_arena *a, size_t n)
{
    /* Refuse sizes that would wrap when rounded up or when the chunk
     * header is added (they would otherwise "succeed" with a tiny block). */
    if (n > SIZE_MAX / 2)
        return NULL;
    size_t need = (n + 7) & ~(size_t)7;
    if (a->limit_bytes && a->used_bytes + need > a->limit_bytes)
        return NULL;
    struct ym_arena_chunk *c = a->head;
    if (!c || c->size - c->used < need) {
        size_t size = a->chunk_bytes;
        if (size < need)
            size = need;
        struct ym_arena_chunk *nc;
        if (size == a->chunk_bytes && a->spare) {
            nc = a->spare;
            a->spare = nc->next;
        } else {
            nc = malloc(sizeof *nc + size);
        }
        if (!nc)
            return NULL;
        nc->size = size;
        nc->used = 0;
        if (c && c->size - c->used >= 256 && need > a->chunk_bytes / 2) {
            /* A big one-off block: put it behind the current chunk so the
             * current chunk's free space is not wasted. */
            nc->next = c->next;
            c->next = nc;
            nc->used = need;
            a->used_bytes += need;
            return nc->data;
        }
        nc->next = c;
        a->head = nc;
        c = nc;
    }
    void *p = c->data + c->used;
    c->used += need;
    a->used_bytes += need;
    return p;
}

char *ym_arena_strndup(struct ym_arena *a, const char *s, size_t n)
{
    char *p = ym_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *ym_arena_printf(struct ym_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = ym_arena_alloc(a, (size_t)n + 1);
    if (!p)
        return NULL;
    if ((size_t)n < sizeof tmp) {
        memcpy(p, tmp, (size_t)n + 1);
    } else {
        va_start(ap, fmt);
        vsnprintf(p, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    return p;
}
