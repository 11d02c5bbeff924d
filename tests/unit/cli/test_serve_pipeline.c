/* Unit tests of the serve pipeline (cli/serve_pipeline.h) with a real
 * archive in a temp directory and no intake: every batch pushed is
 * committed, parsed and returned to the pool; per-minute counts add up;
 * shutdown drains what is queued. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/serve_pipeline.h"
#include "core/ym_config.h"
#include "core/ym_time.h"

static const struct ym_device dev_a = {1, "fw-a", "acme", "syslog", "", 1};
static const struct ym_device dev_b = {2, "fw-b", "beta", "syslog", "", 1};

struct minute_sum {
    uint64_t a, b, other;
    int64_t minute;
};

static void sum_minutes(void *arg, const struct ym_device *dev, int64_t minute_ns, uint64_t logs,
                        uint64_t parse_errors)
{
    struct minute_sum *s = arg;
    if (dev == &dev_a)
        s->a += logs;
    else if (dev == &dev_b)
        s->b += logs;
    else
        s->other += logs;
    s->minute = minute_ns;
}

static void fill(struct ym_batch *b, int n, int64_t t_ns)
{
    for (int i = 0; i < n; i++) {
        char line[128];
        int len = snprintf(line, sizeof line, "<13>Nov 22 10:00:00 host app: pipeline line %d", i);
        struct ym_record *r = ym_batch_add(b, line, (size_t)len);
        assert_non_null(r);
        r->received_ns = t_ns;
        r->transport = YM_TR_TCP;
        r->device = (i % 3 == 0) ? &dev_b : &dev_a;
    }
}

static void pipeline_commits_parses_and_counts_every_log(void **state)
{
    char dir[] = "/tmp/ym-pipeline-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct ym_config *cfg = ym_config_default();
    ym_config_set_data_dir(cfg, dir);
    cfg->queue_batches = 8;
    struct serve_pipeline *p = NULL;
    struct ym_error err = {0};
    assert_int_equal(serve_pipeline_create(cfg, &p, &err), YM_OK);
    assert_int_equal(serve_pipeline_start(p, NULL, 2), YM_OK);

    /* 40 batches through a pool of 8: only works if batches come back. */
    int64_t t = ym_time_now_ns();
    const int batches = 40, per_batch = 300;
    for (int i = 0; i < batches; i++) {
        struct ym_batch *b;
        assert_int_equal(ym_batch_pool_get(serve_pipeline_pool(p), 10000, &b), YM_OK);
        fill(b, per_batch, t);
        assert_int_equal(ym_queue_push(serve_pipeline_intake_queue(p), b, -1), YM_OK);
    }
    serve_pipeline_stop(p);

    struct serve_pipeline_stats st;
    serve_pipeline_stats(p, &st);
    const uint64_t total = (uint64_t)batches * per_batch;
    assert_int_equal(st.archive.logs_committed, total);
    assert_true(st.group_commits >= 1 && st.group_commits <= (uint64_t)batches);
    assert_int_equal(st.commit_failures, 0);
    assert_int_equal(st.lost_logs, 0);
    assert_int_equal(st.parse.parsed + st.parse.parse_errors + st.parse.unparsed, total);
    assert_int_equal(st.parse_batches, batches);
    assert_int_equal(st.batches_in_use, 0);
    assert_int_equal(st.batches_max, 8);
    assert_int_equal(st.workers, 2);

    struct minute_sum sum = {0};
    serve_pipeline_minutes_take(p, sum_minutes, &sum);
    assert_int_equal(sum.a + sum.b, total);
    assert_int_equal(sum.b, (uint64_t)batches * (per_batch / 3));
    assert_int_equal(sum.other, 0);
    assert_int_equal(sum.minute % (60 * YM_NS_PER_S), 0);
    assert_true(sum.minute <= t && t - sum.minute < 60 * YM_NS_PER_S);
    /* Taken counts are gone. */
    struct minute_sum again = {0};
    serve_pipeline_minutes_take(p, sum_minutes, &again);
    assert_int_equal(again.a + again.b, 0);

    serve_pipeline_destroy(p);
    ym_config_free(cfg);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pipeline_commits_parses_and_counts_every_log),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
