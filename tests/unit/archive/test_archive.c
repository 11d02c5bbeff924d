/* Unit tests of the archive store (archive/archive.h): what is appended is
 * found again in order, pruning by time and bloom, staged logs visible
 * before sealing, nothing committed lost after SIGKILL, tampering named by
 * verify, retention and usage. Each test works in its own temp directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cmocka.h>

#include "archive/archive.h"
#include "core/ym_time.h"

/* Midnight UTC of today (so that retention keeps what the tests write) and
 * its file name. */
static int64_t DAY0_NS;
static char day0[16];

static const struct ym_device dev_fw = {1, "fw01", "acme", "asa", "+09:00", 1};
static const struct ym_device dev_other = {2, "px", "beta", "syslog", "", 1};

struct fixture {
    char dir[64];
    struct ym_batch_pool *pool;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/ym-archive-test-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    f->pool = ym_batch_pool_create(4);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    ym_batch_pool_destroy(f->pool);
    free(f);
    return 0;
}

static struct archive *open_store(struct fixture *f, uint32_t block_logs)
{
    struct archive_options opt = {.data_dir = f->dir, .block_logs = block_logs};
    struct archive *a = NULL;
    assert_int_equal(archive_open(&opt, &a), YM_OK);
    return a;
}

static void line_of(char *out, size_t n, int i)
{
    snprintf(out, n, "<166>Nov 22 2025 10:00:00 fw01 : %%ASA-6-302013: Built inbound TCP "
             "connection %d for outside:192.0.2.%d/%d to inside:10.0.%d.%d/443",
             100000 + i, i % 250, 1024 + i, i / 250, i % 250);
}

/* Appends lines [from, to) of line_of(), one second apart from DAY0+1h. */
static void append_lines(struct fixture *f, struct archive *a, const struct ym_device *dev,
                         int from, int to)
{
    while (from < to) {
        struct ym_batch *b;
        assert_int_equal(ym_batch_pool_get(f->pool, 0, &b), YM_OK);
        for (; from < to && b->count < 100; from++) {
            char line[256];
            line_of(line, sizeof(line), from);
            struct ym_record *r = ym_batch_add(b, line, strlen(line));
            assert_non_null(r);
            r->received_ns = DAY0_NS + 3600 * YM_NS_PER_S + (int64_t)from * YM_NS_PER_S;
            r->device = dev;
            r->transport = YM_TR_TCP;
            r->peer.family = AF_INET;
            r->peer.addr[10] = r->peer.addr[11] = 0xff;
            r->peer.addr[12] = 192;
            r->peer.addr[15] = 10;
            r->peer.port = 40000;
        }
        assert_int_equal(archive_append_batch(a, b), YM_OK);
        for (uint32_t i = 0; i < b->count; i++)
            assert_true(b->recs[i].archive_ref != 0);
        ym_batch_put(b);
    }
}

struct seen {
    int count;
    int next; /* expected line number */
    int step;
    int64_t last_ns;
    uint64_t last_ref;
};

static int check_next(void *arg, const struct archive_entry *e)
{
    struct seen *s = arg;
    char line[256];
    line_of(line, sizeof(line), s->next);
    assert_int_equal(e->raw_len, strlen(line));
    assert_memory_equal(e->raw, line, e->raw_len);
    assert_string_equal(e->tenant, "acme");
    assert_string_equal(e->device, "fw01");
    assert_string_equal(e->kind, "asa");
    assert_string_equal(e->timezone, "+09:00");
    assert_string_equal(e->peer, "192.0.0.10");
    assert_int_equal(e->transport, YM_TR_TCP);
    s->last_ref = e->ref;
    s->next += s->step;
    s->count++;
    return 0;
}

static void appended_logs_come_back_in_order(void **state)
{
    struct fixture *f = *state;
    struct archive *a = open_store(f, 256);
    append_lines(f, a, &dev_fw, 0, 1000);
    archive_close(a);

    struct archive_scan scan = {.tenant = "acme"};
    struct seen s = {.step = 1};
    struct archive_scan_stats st;
    assert_int_equal(archive_scan_run(f->dir, &scan, check_next, &s, &st), YM_OK);
    assert_int_equal(s.count, 1000);
    assert_int_equal(st.entries, 1000);
    assert_int_equal(st.staged_rows, 0); /* close sealed everything */
    assert_true(st.blocks_total >= 4);

    scan.newest_first = 1;
    struct seen back = {.next = 999, .step = -1};
    assert_int_equal(archive_scan_run(f->dir, &scan, check_next, &back, NULL), YM_OK);
    assert_int_equal(back.count, 1000);
}

struct find {
    const char *needle;
    int found;
};

static int find_line(void *arg, const struct archive_entry *e)
{
    struct find *f = arg;
    if (memmem(e->raw, e->raw_len, f->needle, strlen(f->needle)))
        f->found++;
    return 0;
}

static void time_range_and_tokens_prune_blocks(void **state)
{
    struct fixture *f = *state;
    struct archive *a = open_store(f, 100);
    append_lines(f, a, &dev_fw, 0, 1000);
    archive_close(a);

    /* lines 300..399 by time: only blocks overlapping that hour range */
    struct archive_scan scan = {.tenant = "acme"};
    scan.from_ns = DAY0_NS + 3600 * YM_NS_PER_S + 300 * YM_NS_PER_S;
    scan.to_ns = scan.from_ns + 100 * YM_NS_PER_S;
    struct seen s = {.next = 300, .step = 1};
    struct archive_scan_stats st;
    assert_int_equal(archive_scan_run(f->dir, &scan, check_next, &s, &st), YM_OK);
    assert_int_equal(s.count, 100);
    assert_true(st.blocks_total <= 2);

    /* connection 100777 is in one block only (line 777), but bare numbers
     * are not in the blooms (archive_token_indexed): every block is read,
     * and the line is still found. */
    const char *tokens[] = {"100777"};
    struct archive_scan by_token = {.tokens = tokens, .token_count = 1};
    struct find want = {.needle = "connection 100777 "};
    assert_int_equal(archive_scan_run(f->dir, &by_token, find_line, &want, &st), YM_OK);
    assert_int_equal(want.found, 1);
    assert_int_equal(st.blocks_total, 10);
    assert_int_equal(st.blocks_read, st.blocks_total);

    /* an address as one token, in any case, with a word */
    const char *ip[] = {"10.0.3.27", "INBOUND"};
    by_token.tokens = ip;
    by_token.token_count = 2;
    struct find want_ip = {.needle = "inside:10.0.3.27/443"};
    assert_int_equal(archive_scan_run(f->dir, &by_token, find_line, &want_ip, &st), YM_OK);
    assert_int_equal(want_ip.found, 1);
    assert_true(st.blocks_read >= 1 && st.blocks_read < st.blocks_total);

    /* a token nowhere reads nothing (or a false positive now and then) */
    const char *none[] = {"198.51.100.99"};
    by_token.tokens = none;
    by_token.token_count = 1;
    assert_int_equal(archive_scan_run(f->dir, &by_token, find_line, &want_ip, &st), YM_OK);
    assert_true(st.blocks_read <= 1);
}

static int count_entries(void *arg, const struct archive_entry *e)
{
    (*(int *)arg)++;
    return 0;
}

static void staged_logs_are_visible_before_sealing(void **state)
{
    struct fixture *f = *state;
    struct archive *a = open_store(f, 10000);
    append_lines(f, a, &dev_fw, 0, 250);
    struct archive_scan scan = {0};
    struct archive_scan_stats st;
    struct seen s = {.step = 1};
    assert_int_equal(archive_scan_run(f->dir, &scan, check_next, &s, &st), YM_OK);
    assert_int_equal(s.count, 250);
    assert_int_equal(st.staged_rows, 250);
    assert_int_equal(st.blocks_total, 0);

    /* the ref of a staged log stays valid once it is sealed */
    uint64_t ref = s.last_ref;
    assert_int_equal(archive_maintain(a, ym_time_now_ns() + 3600 * YM_NS_PER_S), YM_OK);
    struct archive_writer_stats ws;
    archive_writer_stats(a, &ws);
    assert_int_equal(ws.blocks_sealed, 1);
    assert_int_equal(ws.logs_committed, 250);
    struct seen one = {.next = 249, .step = 1};
    assert_int_equal(archive_get(f->dir, "acme", ref, check_next, &one), YM_OK);
    assert_int_equal(one.count, 1);
    archive_close(a);
}

/* Fills one batch with lines [from, from + n) of line_of() from dev. */
static struct ym_batch *batch_of(struct fixture *f, const struct ym_device *dev, int from, int n)
{
    struct ym_batch *b;
    assert_int_equal(ym_batch_pool_get(f->pool, 0, &b), YM_OK);
    for (int i = from; i < from + n; i++) {
        char line[256];
        line_of(line, sizeof(line), i);
        struct ym_record *r = ym_batch_add(b, line, strlen(line));
        assert_non_null(r);
        r->received_ns = DAY0_NS + 3600 * YM_NS_PER_S + (int64_t)i * YM_NS_PER_S;
        r->device = dev;
        r->transport = YM_TR_TCP;
        r->peer.family = AF_INET;
        r->peer.addr[10] = r->peer.addr[11] = 0xff;
        r->peer.addr[12] = 192;
        r->peer.addr[15] = 10;
        r->peer.port = 40000;
    }
    return b;
}

/* Commits large enough for the writer's helper thread, two tenants in each,
 * and blocks sealed in the background while later commits go on: every log
 * is found once, in order, before and after close, and the chain verifies. */
static void group_commits_with_background_sealing_keep_every_log(void **state)
{
    struct fixture *f = *state;
    struct archive *a = open_store(f, 300);
    const unsigned per_tenant = 3000;
    for (int from = 0; from < (int)per_tenant; from += 200) {
        struct ym_batch *g[4] = {batch_of(f, &dev_fw, from, 100), batch_of(f, &dev_other, from, 100),
                                 batch_of(f, &dev_fw, from + 100, 100),
                                 batch_of(f, &dev_other, from + 100, 100)};
        assert_int_equal(archive_append_batches(a, g, 4), YM_OK);
        for (int k = 0; k < 4; k++) {
            for (uint32_t i = 0; i < g[k]->count; i++)
                assert_true(g[k]->recs[i].archive_ref != 0);
            ym_batch_put(g[k]);
        }
    }
    /* while open: sealed, in flight or staged, each log is seen once */
    struct archive_scan scan = {.tenant = "acme"};
    struct seen s = {.step = 1};
    assert_int_equal(archive_scan_run(f->dir, &scan, check_next, &s, NULL), YM_OK);
    assert_int_equal(s.count, per_tenant);
    archive_close(a);

    struct archive_scan_stats st;
    struct seen again = {.step = 1};
    assert_int_equal(archive_scan_run(f->dir, &scan, check_next, &again, &st), YM_OK);
    assert_int_equal(again.count, per_tenant);
    assert_int_equal(st.staged_rows, 0);
    /* a block is sealed once a commit brings its day to 300 logs or more */
    assert_true(st.blocks_total >= per_tenant / 400 && st.blocks_total <= per_tenant / 300);
    int beta = 0;
    struct archive_scan other = {.tenant = "beta"};
    assert_int_equal(archive_scan_run(f->dir, &other, count_entries, &beta, NULL), YM_OK);
    assert_int_equal(beta, per_tenant);
    /* the blooms were filled by the helper: an address prunes blocks */
    const char *ip[] = {"10.0.7.27"};
    struct archive_scan by_token = {.tenant = "acme", .tokens = ip, .token_count = 1};
    struct find want = {.needle = "inside:10.0.7.27/443"};
    assert_int_equal(archive_scan_run(f->dir, &by_token, find_line, &want, &st), YM_OK);
    assert_int_equal(want.found, 1);
    assert_true(st.blocks_read >= 1 && st.blocks_read < st.blocks_total);
    assert_int_equal(archive_verify_run(f->dir, NULL, NULL, NULL, NULL), YM_OK);
}

static void committed_logs_survive_sigkill(void **state)
{
    struct fixture *f = *state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        struct archive *a = open_store(f, 100000);
        append_lines(f, a, &dev_fw, 0, 700);
        if (write(fds[1], "x", 1) != 1)
            _exit(2);
        for (;;)
            pause(); /* killed here, nothing sealed */
    }
    close(fds[1]);
    char c;
    assert_int_equal(read(fds[0], &c, 1), 1);
    close(fds[0]);
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);

    struct archive *a = open_store(f, 100000); /* recovers and seals */
    append_lines(f, a, &dev_fw, 700, 800);
    archive_close(a);
    struct archive_scan scan = {0};
    struct seen s = {.step = 1};
    struct archive_scan_stats st;
    assert_int_equal(archive_scan_run(f->dir, &scan, check_next, &s, &st), YM_OK);
    assert_int_equal(s.count, 800);
    assert_int_equal(st.staged_rows, 0);
    assert_int_equal(archive_verify_run(f->dir, NULL, NULL, NULL, NULL), YM_OK);
}

struct verdicts {
    int files, bad;
    int64_t bad_block;
    char reason[256];
};

static void note_verdict(void *arg, const struct archive_verify_result *r)
{
    struct verdicts *v = arg;
    v->files++;
    if (!r->ok) {
        v->bad++;
        v->bad_block = r->bad_block;
        snprintf(v->reason, sizeof(v->reason), "%s", r->reason);
        assert_string_equal(r->tenant, "acme");
        assert_string_equal(r->day, day0);
    }
}

static void day_file(struct fixture *f, char *path, size_t n)
{
    snprintf(path, n, "%s/archive/acme/%s.db", f->dir, day0);
}

static void edit_file(struct fixture *f, const char *sql)
{
    char path[256];
    day_file(f, path, sizeof(path));
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void verify_names_the_block_with_a_flipped_byte(void **state)
{
    struct fixture *f = *state;
    struct archive *a = open_store(f, 100);
    append_lines(f, a, &dev_fw, 0, 500);
    archive_close(a);
    struct verdicts v = {0};
    assert_int_equal(archive_verify_run(f->dir, "acme", day0, note_verdict, &v), YM_OK);
    assert_int_equal(v.files, 1);
    assert_int_equal(v.bad, 0);

    /* flip one byte in the middle of block 3's data */
    char path[256];
    day_file(f, path, sizeof(path));
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_blob *blob;
    assert_int_equal(sqlite3_blob_open(db, "main", "blocks", "data", 3, 1, &blob), SQLITE_OK);
    int len = sqlite3_blob_bytes(blob);
    unsigned char byte;
    assert_int_equal(sqlite3_blob_read(blob, &byte, 1, len / 2), SQLITE_OK);
    byte ^= 0x01;
    assert_int_equal(sqlite3_blob_write(blob, &byte, 1, len / 2), SQLITE_OK);
    sqlite3_blob_close(blob);
    sqlite3_close(db);

    memset(&v, 0, sizeof(v));
    assert_int_equal(archive_verify_run(f->dir, NULL, NULL, note_verdict, &v), YM_ECORRUPT);
    assert_int_equal(v.bad, 1);
    assert_int_equal(v.bad_block, 3);
    assert_non_null(strstr(v.reason, "hash"));
}

static void verify_detects_edits_deletions_and_reordering(void **state)
{
    struct fixture *f = *state;
    struct archive *a = open_store(f, 100);
    append_lines(f, a, &dev_fw, 0, 500);
    archive_close(a);
    struct verdicts v = {0};

    edit_file(f, "UPDATE blocks SET last_ns = last_ns + 1 WHERE id = 2");
    assert_int_equal(archive_verify_run(f->dir, NULL, NULL, note_verdict, &v), YM_ECORRUPT);
    assert_int_equal(v.bad_block, 2);
    edit_file(f, "UPDATE blocks SET last_ns = last_ns - 1 WHERE id = 2");

    memset(&v, 0, sizeof(v));
    edit_file(f, "UPDATE blocks SET bloom = zeroblob(length(bloom)) WHERE id = 4");
    assert_int_equal(archive_verify_run(f->dir, NULL, NULL, note_verdict, &v), YM_ECORRUPT);
    assert_int_equal(v.bad_block, 4);

    memset(&v, 0, sizeof(v));
    edit_file(f, "DELETE FROM blocks WHERE id = 2");
    assert_int_equal(archive_verify_run(f->dir, NULL, NULL, note_verdict, &v), YM_ECORRUPT);
    assert_int_equal(v.bad_block, 3);

    memset(&v, 0, sizeof(v));
    edit_file(f, "DELETE FROM blocks WHERE id >= 2");
    assert_int_equal(archive_verify_run(f->dir, NULL, NULL, note_verdict, &v), YM_ECORRUPT);
    assert_non_null(strstr(v.reason, "head"));
}

static void verify_detects_swapped_blocks(void **state)
{
    struct fixture *f = *state;
    struct archive *a = open_store(f, 100);
    append_lines(f, a, &dev_fw, 0, 300);
    archive_close(a);
    edit_file(f, "UPDATE blocks SET id = id + 100 WHERE id IN (1, 2);"
                 "UPDATE blocks SET id = 2 WHERE id = 101; UPDATE blocks SET id = 1 WHERE id = 102");
    struct verdicts v = {0};
    assert_int_equal(archive_verify_run(f->dir, NULL, NULL, note_verdict, &v), YM_ECORRUPT);
    assert_int_equal(v.bad_block, 1);
}

static void retention_removes_old_days(void **state)
{
    struct fixture *f = *state;
    struct archive_options opt = {.data_dir = f->dir, .retention_days = 3};
    struct archive *a = NULL;
    assert_int_equal(archive_open(&opt, &a), YM_OK);
    append_lines(f, a, &dev_fw, 0, 10); /* day 0 */
    for (int d = 1; d <= 4; d++) {
        struct ym_batch *b;
        assert_int_equal(ym_batch_pool_get(f->pool, 0, &b), YM_OK);
        struct ym_record *r = ym_batch_add(b, "later day", 9);
        r->received_ns = DAY0_NS + d * YM_NS_PER_DAY + 5;
        r->device = &dev_fw;
        assert_int_equal(archive_append_batch(a, b), YM_OK);
        ym_batch_put(b);
    }
    unsigned removed = 0;
    /* "now" is day 4: days 2, 3, 4 are kept */
    assert_int_equal(archive_retention_run(a, DAY0_NS + 4 * YM_NS_PER_DAY + 100, &removed), YM_OK);
    assert_int_equal(removed, 2);
    archive_close(a);
    char path[256];
    struct stat sb;
    day_file(f, path, sizeof(path));
    assert_int_not_equal(stat(path, &sb), 0);
    snprintf(path, sizeof(path), "%s/archive/acme/%s.db-wal", f->dir, day0);
    assert_int_not_equal(stat(path, &sb), 0);
    char day2[16];
    ym_time_format_day(DAY0_NS + 2 * YM_NS_PER_DAY, day2, sizeof(day2));
    snprintf(path, sizeof(path), "%s/archive/acme/%s.db", f->dir, day2);
    assert_int_equal(stat(path, &sb), 0);
    int n = 0;
    struct archive_scan scan = {0};
    assert_int_equal(archive_scan_run(f->dir, &scan, count_entries, &n, NULL), YM_OK);
    assert_int_equal(n, 3);
}

struct usage_rows {
    int rows;
    struct archive_usage acme, beta;
};

static void note_usage(void *arg, const struct archive_usage *u)
{
    struct usage_rows *r = arg;
    r->rows++;
    if (strcmp(u->tenant, "acme") == 0)
        r->acme = *u;
    else
        r->beta = *u;
}

static void usage_counts_logs_bytes_and_blocks(void **state)
{
    struct fixture *f = *state;
    struct archive *a = open_store(f, 100);
    append_lines(f, a, &dev_fw, 0, 250);
    append_lines(f, a, &dev_other, 0, 30);
    /* a block sealed in the background lands with the day's next commit
     * or the writer's periodic work, whichever comes first */
    assert_int_equal(archive_maintain(a, ym_time_now_ns()), YM_OK);
    uint64_t raw = 0;
    for (int i = 0; i < 250; i++) {
        char line[256];
        line_of(line, sizeof(line), i);
        raw += strlen(line);
    }
    struct usage_rows u = {0};
    assert_int_equal(archive_usage_each(f->dir, NULL, note_usage, &u), YM_OK);
    assert_int_equal(u.rows, 2);
    assert_int_equal(u.acme.logs, 250);
    assert_int_equal(u.acme.blocks, 2); /* 200 sealed, 50 staged */
    assert_int_equal(u.acme.raw_bytes, raw);
    assert_string_equal(u.acme.day, day0);
    assert_true(u.acme.file_bytes > 0);
    assert_int_equal(u.beta.logs, 30);
    assert_int_equal(u.beta.blocks, 0);
    archive_close(a);
    memset(&u, 0, sizeof(u));
    assert_int_equal(archive_usage_each(f->dir, "beta", note_usage, &u), YM_OK);
    assert_int_equal(u.rows, 1);
    assert_int_equal(u.beta.blocks, 1);
}

static enum ym_status append_one(struct fixture *f, struct archive *a, const struct ym_device *dev)
{
    struct ym_batch *b;
    assert_int_equal(ym_batch_pool_get(f->pool, 0, &b), YM_OK);
    struct ym_record *r = ym_batch_add(b, "one line", 8);
    r->received_ns = DAY0_NS + 5;
    r->device = dev;
    enum ym_status st = archive_append_batch(a, b);
    if (st != YM_OK)
        assert_true(r->archive_ref == 0); /* not acknowledged */
    ym_batch_put(b);
    return st;
}

static void failed_write_stops_the_writer_until_reopened(void **state)
{
    struct fixture *f = *state;
    struct archive *a = open_store(f, 100);
    assert_int_equal(append_one(f, a, &dev_other), YM_OK);
    /* a directory where acme's day file should go: it cannot be written */
    char path[256];
    snprintf(path, sizeof(path), "%s/archive/acme", f->dir);
    assert_int_equal(mkdir(path, 0700), 0);
    day_file(f, path, sizeof(path));
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_not_equal(append_one(f, a, &dev_fw), YM_OK);
    /* the error state refuses everything, even a tenant that worked */
    assert_int_equal(append_one(f, a, &dev_other), YM_EDB);
    assert_int_equal(archive_maintain(a, ym_time_now_ns()), YM_EDB);
    struct archive_writer_stats ws;
    archive_writer_stats(a, &ws);
    assert_true(ws.errors >= 1);
    archive_close(a);
    assert_int_equal(rmdir(path), 0);
    a = open_store(f, 100);
    assert_int_equal(append_one(f, a, &dev_fw), YM_OK);
    archive_close(a);
    int n = 0;
    struct archive_scan scan = {0};
    assert_int_equal(archive_scan_run(f->dir, &scan, count_entries, &n, NULL), YM_OK);
    assert_int_equal(n, 2);
}

int main(void)
{
    DAY0_NS = ym_time_now_ns() / YM_NS_PER_DAY * YM_NS_PER_DAY;
    ym_time_format_day(DAY0_NS, day0, sizeof(day0));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(appended_logs_come_back_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(time_range_and_tokens_prune_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(staged_logs_are_visible_before_sealing, setup, teardown),
        cmocka_unit_test_setup_teardown(group_commits_with_background_sealing_keep_every_log, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(committed_logs_survive_sigkill, setup, teardown),
        cmocka_unit_test_setup_teardown(verify_names_the_block_with_a_flipped_byte, setup, teardown),
        cmocka_unit_test_setup_teardown(verify_detects_edits_deletions_and_reordering, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(verify_detects_swapped_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(retention_removes_old_days, setup, teardown),
        cmocka_unit_test_setup_teardown(usage_counts_logs_bytes_and_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(failed_write_stops_the_writer_until_reopened, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
