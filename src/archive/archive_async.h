/* archive_async: one background thread that runs one function at a time
 * for the archive writer, so that the writer's CPU work (splitting logs
 * into codec streams, compressing blocks) can use a second core.
 *
 * The writer hands a function and its argument with archive_async_run and
 * later calls archive_async_wait; until then it must not touch what the
 * function works on. Completion orders memory: everything the function
 * wrote is visible to the writer after archive_async_wait (or after
 * archive_async_busy returned 0).
 * Threads: every call comes from the one thread that owns the object.
 * A NULL object (or one whose thread could not be started) runs the
 * function inline in archive_async_run, so callers need no second path.
 * Memory: the object owns its thread; archive_async_stop joins and frees. */
#ifndef ARCHIVE_ASYNC_H
#define ARCHIVE_ASYNC_H

typedef void (*archive_async_fn)(void *arg);

struct archive_async;

/* name: the thread's name (top -H, perf; at most 15 bytes). nice: its nice
 * value (0 = as the caller's; higher = yields to the writer when cores are
 * busy). NULL if no thread can be started (then runs are inline). */
struct archive_async *archive_async_start(const char *name, int nice);
/* Runs fn(arg) on the thread; waits for a previous run first. */
void archive_async_run(struct archive_async *w, archive_async_fn fn, void *arg);
/* 1 while the last run has not finished. */
int archive_async_busy(struct archive_async *w);
/* Waits until the last run has finished. */
void archive_async_wait(struct archive_async *w);
/* Waits, stops the thread, frees. NULL is fine. */
void archive_async_stop(struct archive_async *w);

#endif
