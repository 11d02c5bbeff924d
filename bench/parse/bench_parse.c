/* bench_parse: lines per second per core of each decoder, on one thread.
 *
 * Usage: bench_parse [--lines N] KIND=SRC[,SRC...] [KIND=SRC...]
 *   SRC is a directory (every *.log in it) or a file of sample lines.
 * For each KIND the sample lines are turned into a pool of up to 65536
 * variants (every dotted-quad address gets its last octet shifted, every
 * "/port" its value) and the pool is cycled until N lines (default
 * 1,000,000) went through parse_record, in batches of YM_BATCH_MAX_RECORDS
 * like `yamori serve` does. Prints, per kind: lines/s per core (thread CPU
 * time) for parse_record alone and with the batch fill (copying the raw
 * line in), CPU and wall seconds, parse errors and unparsed lines; at the
 * end the peak RSS.
 * Speed figures only; nothing is asserted. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "core/ym_batch.h"
#include "core/ym_buf.h"
#include "core/ym_device.h"
#include "core/ym_time.h"
#include "parse/parse.h"

#define POOL_MAX 65536
#ifndef BENCH_BATCH
#define BENCH_BATCH YM_BATCH_MAX_RECORDS
#endif

struct pool {
    char **line;
    size_t *len;
    size_t count;
    size_t cap;
};

static void pool_add(struct pool *p, const char *s, size_t n)
{
    if (p->count == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 256;
        p->line = realloc(p->line, p->cap * sizeof *p->line);
        p->len = realloc(p->len, p->cap * sizeof *p->len);
        if (!p->line || !p->len) {
            fprintf(stderr, "bench_parse: out of memory\n");
            exit(1);
        }
    }
    char *c = malloc(n + 1);
    if (!c) {
        fprintf(stderr, "bench_parse: out of memory\n");
        exit(1);
    }
    memcpy(c, s, n);
    c[n] = 0;
    p->line[p->count] = c;
    p->len[p->count++] = n;
}

static void load_file(struct pool *p, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "bench_parse: cannot open %s\n", path);
        return;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    while ((got = getline(&line, &cap, f)) >= 0 && p->count < POOL_MAX) {
        size_t n = (size_t)got;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        if (n)
            pool_add(p, line, n);
    }
    free(line);
    fclose(f);
}

static void load_src(struct pool *p, const char *src)
{
    DIR *d = opendir(src);
    if (!d) {
        load_file(p, src);
        return;
    }
    struct dirent *e;
    char path[4096];
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n > 4 && strcmp(e->d_name + n - 4, ".log") == 0) {
            snprintf(path, sizeof path, "%s/%s", src, e->d_name);
            load_file(p, path);
        }
    }
    closedir(d);
}

static unsigned long digits_value(const char *s, size_t n)
{
    unsigned long v = 0;
    for (size_t i = 0; i < n && i < 9; i++)
        v = v * 10 + (unsigned long)(s[i] - '0');
    return v;
}

/* A copy of s with every IPv4 address's last octet and every "/port"
 * shifted by k, so that repeated lines do not repeat exactly. */
static void vary(const char *s, size_t n, unsigned k, struct ym_buf *out)
{
    out->len = 0;
    size_t i = 0;
    while (i < n) {
        /* a.b.c.d: copy a.b.c. then rewrite d */
        size_t j = i, dots = 0;
        while (j < n && ((s[j] >= '0' && s[j] <= '9') || s[j] == '.')) {
            dots += s[j] == '.';
            j++;
        }
        if (j > i && dots == 3 && (i == 0 || !(s[i - 1] >= '0' && s[i - 1] <= '9'))) {
            size_t last = j;
            while (last > i && s[last - 1] != '.')
                last--;
            ym_buf_add(out, s + i, last - i);
            unsigned v = (unsigned)digits_value(s + last, j - last);
            ym_buf_printf(out, "%u", (v + k) % 254 + 1);
            i = j;
            continue;
        }
        if (s[i] == '/' && i + 1 < n && s[i + 1] >= '1' && s[i + 1] <= '9') {
            size_t e = i + 1;
            while (e < n && s[e] >= '0' && s[e] <= '9')
                e++;
            unsigned v = (unsigned)digits_value(s + i + 1, e - i - 1);
            ym_buf_printf(out, "/%u", (v + k * 7) % 64511 + 1024);
            i = e;
            continue;
        }
        if (j > i) {
            ym_buf_add(out, s + i, j - i);
            i = j;
        } else {
            ym_buf_add(out, s + i, 1);
            i++;
        }
    }
}

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU time of this thread: the machine may be shared, and "per core" means
 * per second of one core's time. */
static double cpu_s(void) { return clock_s(CLOCK_THREAD_CPUTIME_ID); }
static double wall_s(void) { return clock_s(CLOCK_MONOTONIC); }

static int run_kind(const char *kind, char *srcs, uint64_t lines)
{
    struct pool samples = {0};
    for (char *src = srcs; src && *src;) {
        char *comma = strchr(src, ',');
        if (comma)
            *comma = 0;
        load_src(&samples, src);
        src = comma ? comma + 1 : NULL;
    }
    if (!samples.count) {
        fprintf(stderr, "bench_parse: no sample lines for %s\n", kind);
        return 1;
    }
    /* the pool: samples, then shifted variants, up to POOL_MAX lines */
    struct pool pool = {0};
    struct ym_buf b = YM_BUF_INIT;
    for (unsigned k = 0; pool.count < POOL_MAX && k < 4096; k++) {
        for (size_t i = 0; i < samples.count && pool.count < POOL_MAX; i++) {
            vary(samples.line[i], samples.len[i], k, &b);
            pool_add(&pool, b.data, b.len);
        }
    }
    ym_buf_free(&b);

    struct ym_device dev = {.name = "bench", .kind = kind, .timezone = ""};
    struct ym_batch_pool *bp = ym_batch_pool_create(1);
    struct ym_batch *batch = NULL;
    if (!bp || ym_batch_pool_get(bp, 0, &batch) != YM_OK) {
        fprintf(stderr, "bench_parse: no batch\n");
        return 1;
    }
    struct parse_stats stats = {0};
    int64_t now_ns = ym_time_now_ns();
    struct parse_ctx ctx = {.kind = kind, .timezone = "", .now_ns = now_ns};
    double parse_s = 0;
    double t0 = cpu_s(), w0 = wall_s();
    uint64_t done = 0;
    size_t next = 0;
    while (done < lines) {
        batch->count = 0;
        ym_arena_reset(&batch->arena);
        while (done < lines && !ym_batch_full(batch) && batch->count < BENCH_BATCH) {
            struct ym_record *r = ym_batch_add(batch, pool.line[next], pool.len[next]);
            if (!r)
                break;
            r->device = &dev;
            r->received_ns = now_ns;
            if (++next == pool.count)
                next = 0;
            done++;
        }
        double p0 = cpu_s();
        for (uint32_t i = 0; i < batch->count; i++)
            parse_record(&ctx, &batch->recs[i], &stats);
        parse_s += cpu_s() - p0;
    }
    double total_s = cpu_s() - t0, total_wall_s = wall_s() - w0;
    printf("%-8s %llu lines (%zu samples, %zu variants)  parse_record: %.0f lines/s/core  "
           "with batch fill: %.0f lines/s/core  (cpu %.2f s, wall %.2f s)  parse_errors %llu  "
           "unparsed %llu\n",
           kind, (unsigned long long)done, samples.count, pool.count, done / parse_s,
           done / total_s, total_s, total_wall_s, (unsigned long long)stats.parse_errors,
           (unsigned long long)stats.unparsed);
    ym_batch_put(batch);
    ym_batch_pool_destroy(bp);
    for (size_t i = 0; i < pool.count; i++)
        free(pool.line[i]);
    for (size_t i = 0; i < samples.count; i++)
        free(samples.line[i]);
    free(pool.line);
    free(pool.len);
    free(samples.line);
    free(samples.len);
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t lines = 1000000;
    int rc = 0, ran = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--lines") == 0 && i + 1 < argc) {
            lines = strtoull(argv[++i], NULL, 10);
            continue;
        }
        char *eq = strchr(argv[i], '=');
        if (!eq) {
            fprintf(stderr, "usage: bench_parse [--lines N] KIND=SRC[,SRC...] ...\n");
            return 2;
        }
        *eq = 0;
        if (!parse_decoder_find(argv[i])) {
            fprintf(stderr, "bench_parse: unknown kind %s\n", argv[i]);
            rc = 1;
            continue;
        }
        rc |= run_kind(argv[i], eq + 1, lines);
        ran++;
    }
    if (!ran) {
        fprintf(stderr, "usage: bench_parse [--lines N] KIND=SRC[,SRC...] ...\n");
        return 2;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS %ld KiB\n", ru.ru_maxrss);
    return rc;
}
