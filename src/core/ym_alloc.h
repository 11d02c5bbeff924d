/* ym_alloc: control-plane allocation that logs and aborts on failure.
 *
 * For small, long-lived allocations (config, rule sets, handles). The data
 * plane uses arenas (ym_arena.h) and bounded queues instead, so that memory
 * pressure becomes back-pressure, not an abort. Memory returned is owned by
 * the caller and released with free(). Thread-safe. */
#ifndef YM_ALLOC_H
#define YM_ALLOC_H

#include <stddef.h>

void *ym_xmalloc(size_t n);
void *ym_xcalloc(size_t count, size_t size);
void *ym_xrealloc(void *p, size_t n);
char *ym_xstrdup(const char *s);
char *ym_xstrndup(const char *s, size_t n);
char *ym_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
