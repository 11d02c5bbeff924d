/* bench_archive: how fast the archive writer stores syslog lines (one
 * writer thread, plus the archive's own helper and sealer threads), and
 * how small they get.
 *
 * Usage: bench_archive LINES_FILE DATA_DIR [BATCHES_PER_COMMIT [BLOCK_LOGS [ZSTD_LEVEL]]]
 * Reads lines (one log per line), fills batches of 1024, hands them to
 * archive_append_batches BATCHES_PER_COMMIT at a time (each call is one
 * durable commit, as the writer thread does with the batches waiting in its
 * queue), then archive_close (seals the rest, checkpoints the WAL). Prints
 * lines/s, CPU seconds, peak RSS, bytes on disk, compression ratio and the
 * share of the bloom filters. */
#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "archive/archive.h"
#include "core/ym_time.h"

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

struct sizes {
    uint64_t file_bytes, raw_bytes, logs, blocks;
};

static void add_usage(void *arg, const struct archive_usage *u)
{
    struct sizes *s = arg;
    s->file_bytes += u->file_bytes;
    s->raw_bytes += u->raw_bytes;
    s->logs += u->logs;
    s->blocks += u->blocks;
}

/* bloom and data bytes of every day file under dir/archive/tenant */
static void blob_bytes(const char *dir, uint64_t *bloom, uint64_t *data)
{
    char tdir[4096];
    snprintf(tdir, sizeof(tdir), "%s/archive/bench", dir);
    DIR *dh = opendir(tdir);
    struct dirent *de;
    *bloom = *data = 0;
    while (dh && (de = readdir(dh)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n < 3 || strcmp(de->d_name + n - 3, ".db") != 0)
            continue;
        char path[8192];
        snprintf(path, sizeof(path), "%s/%s", tdir, de->d_name);
        sqlite3 *db;
        sqlite3_stmt *st;
        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
            sqlite3_prepare_v2(db, "SELECT sum(length(bloom)), sum(length(data)) FROM blocks", -1,
                               &st, NULL) == SQLITE_OK) {
            if (sqlite3_step(st) == SQLITE_ROW) {
                *bloom += (uint64_t)sqlite3_column_int64(st, 0);
                *data += (uint64_t)sqlite3_column_int64(st, 1);
            }
            sqlite3_finalize(st);
        }
        sqlite3_close(db);
    }
    if (dh)
        closedir(dh);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s LINES_FILE DATA_DIR [BATCHES_PER_COMMIT [BLOCK_LOGS [LEVEL]]]\n",
                argv[0]);
        return 2;
    }
    size_t group = argc > 3 ? strtoul(argv[3], NULL, 10) : 8;
    if (group < 1 || group > 64)
        group = 8;
    struct archive_options opt = {.data_dir = argv[2]};
    if (argc > 4)
        opt.block_logs = (uint32_t)strtoul(argv[4], NULL, 10);
    if (argc > 5)
        opt.zstd_level = (int)strtol(argv[5], NULL, 10);
    FILE *in = fopen(argv[1], "rb");
    if (!in) {
        perror(argv[1]);
        return 1;
    }
    struct ym_batch_pool *pool = ym_batch_pool_create((unsigned)group);
    static const struct ym_device dev = {1, "asa-edge-1", "bench", "asa", "", 1};
    struct archive *a = NULL;
    if (archive_open(&opt, &a) != YM_OK) {
        fprintf(stderr, "cannot open the archive in %s\n", argv[2]);
        return 1;
    }
    struct ym_batch *batches[64];
    size_t nb = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    uint64_t lines = 0;
    int64_t t0 = ym_time_now_ns();
    int64_t base_ns = t0 / YM_NS_PER_DAY * YM_NS_PER_DAY + YM_NS_PER_DAY / 2;
    double c0 = cpu_s();
    int64_t w0 = ym_time_mono_ns();
    struct ym_batch *b = NULL;
    for (;;) {
        len = getline(&line, &cap, in);
        if (len > 0 && line[len - 1] == '\n')
            len--;
        if (len >= 0) {
            if (!b && ym_batch_pool_get(pool, 0, &b) != YM_OK)
                return 1;
            struct ym_record *r = ym_batch_add(b, line, (size_t)len);
            r->received_ns = base_ns + (int64_t)lines * 1000; /* 1M lines/s */
            r->device = &dev;
            r->transport = YM_TR_TCP;
            r->peer.family = AF_INET;
            r->peer.addr[10] = r->peer.addr[11] = 0xff;
            r->peer.addr[12] = 127;
            r->peer.addr[15] = 1;
            r->peer.port = 51514;
            lines++;
            if (ym_batch_full(b)) {
                batches[nb++] = b;
                b = NULL;
            }
        }
        if (len < 0 && b) {
            batches[nb++] = b;
            b = NULL;
        }
        if (nb == group || (len < 0 && nb)) {
            if (archive_append_batches(a, batches, nb) != YM_OK) {
                fprintf(stderr, "append failed\n");
                return 1;
            }
            for (size_t i = 0; i < nb; i++)
                ym_batch_put(batches[i]);
            nb = 0;
        }
        if (len < 0)
            break;
    }
    archive_close(a);
    double wall = (double)(ym_time_mono_ns() - w0) / 1e9;
    double cpu = cpu_s() - c0;
    free(line);
    fclose(in);
    ym_batch_pool_destroy(pool);

    struct sizes s = {0};
    archive_usage_each(argv[2], "bench", add_usage, &s);
    uint64_t bloom, data;
    blob_bytes(argv[2], &bloom, &data);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("lines            %llu\n", (unsigned long long)lines);
    printf("batches/commit   %zu (batches of up to 1024 lines)\n", group);
    printf("wall seconds     %.2f\n", wall);
    printf("lines/s          %.0f (append + seal, wall; writer, helper and sealer threads)\n",
           lines / wall);
    printf("cpu seconds      %.2f (%.0f lines per cpu second, all threads)\n", cpu, lines / cpu);
    printf("peak rss         %.1f MiB\n", ru.ru_maxrss / 1024.0);
    printf("raw bytes        %llu\n", (unsigned long long)s.raw_bytes);
    printf("bytes on disk    %llu (%llu blocks)\n", (unsigned long long)s.file_bytes,
           (unsigned long long)s.blocks);
    printf("ratio            %.2f : 1\n", s.file_bytes ? (double)s.raw_bytes / s.file_bytes : 0.0);
    printf("bloom bytes      %llu (%.1f%% of disk)\n", (unsigned long long)bloom,
           s.file_bytes ? 100.0 * bloom / s.file_bytes : 0.0);
    printf("block data bytes %llu (%.1f%% of disk)\n", (unsigned long long)data,
           s.file_bytes ? 100.0 * data / s.file_bytes : 0.0);
    return s.logs == lines ? 0 : 1;
}
