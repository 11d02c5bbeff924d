/* archive_async: a background thread for the archive writer (see
 * archive_async.h). A mutex and two condition variables; `gen` counts runs
 * handed over, `done` the runs finished. */
#include "archive/archive_async.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/ym_alloc.h"

struct archive_async {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t go, finished;
    uint64_t gen, done;
    archive_async_fn fn;
    void *arg;
    int quit;
    int nice;
};

static void *async_main(void *arg)
{
    struct archive_async *w = arg;
    /* Linux: per thread. Failure only costs speed. */
    if (w->nice)
        (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), w->nice);
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (w->done == w->gen && !w->quit)
            pthread_cond_wait(&w->go, &w->lock);
        if (w->done == w->gen)
            break; /* quit, nothing pending */
        archive_async_fn fn = w->fn;
        void *fn_arg = w->arg;
        pthread_mutex_unlock(&w->lock);
        fn(fn_arg);
        pthread_mutex_lock(&w->lock);
        w->done++;
        pthread_cond_signal(&w->finished);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

struct archive_async *archive_async_start(const char *name, int nice)
{
    struct archive_async *w = ym_xcalloc(1, sizeof(*w));
    w->nice = nice;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->go, NULL);
    pthread_cond_init(&w->finished, NULL);
    if (pthread_create(&w->thread, NULL, async_main, w) != 0) {
        pthread_mutex_destroy(&w->lock);
        pthread_cond_destroy(&w->go);
        pthread_cond_destroy(&w->finished);
        free(w);
        return NULL;
    }
    pthread_setname_np(w->thread, name);
    return w;
}

void archive_async_wait(struct archive_async *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    while (w->done != w->gen)
        pthread_cond_wait(&w->finished, &w->lock);
    pthread_mutex_unlock(&w->lock);
}

void archive_async_run(struct archive_async *w, archive_async_fn fn, void *arg)
{
    if (!w) {
        fn(arg);
        return;
    }
    pthread_mutex_lock(&w->lock);
    while (w->done != w->gen)
        pthread_cond_wait(&w->finished, &w->lock);
    w->fn = fn;
    w->arg = arg;
    w->gen++;
    pthread_cond_signal(&w->go);
    pthread_mutex_unlock(&w->lock);
}

int archive_async_busy(struct archive_async *w)
{
    if (!w)
        return 0;
    pthread_mutex_lock(&w->lock);
    int busy = w->done != w->gen;
    pthread_mutex_unlock(&w->lock);
    return busy;
}

void archive_async_stop(struct archive_async *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->quit = 1;
    pthread_cond_signal(&w->go);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->go);
    pthread_cond_destroy(&w->finished);
    free(w);
}
