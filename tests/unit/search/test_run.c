/* Unit tests of search_run over a real archive in a temp directory: what
 * a search finds, that blooms and time ranges prune blocks without losing
 * matches, limits, tenants, and the re-parsed fields of matches. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "archive/archive.h"
#include "core/ym_batch.h"
#include "core/ym_time.h"
#include "search/search_run.h"

#define LINES 2000
#define BLOCK_LOGS 250

static const struct ym_device dev_fw = {1, "fw01", "acme", "asa", "", 1};
static const struct ym_device dev_px = {2, "px", "beta", "syslog", "", 1};

struct fixture {
    char dir[64];
    int64_t day0_ns; /* midnight UTC today */
};

/* Line i: a denied connection from 198.51.(i/250).(i%250), so each block
 * of 250 holds its own /24. */
static void line_of(char *out, size_t n, int i)
{
    snprintf(out, n,
             "<164>Nov 22 2026 10:00:00 fw01 : %%ASA-4-106023: Deny tcp src outside:198.51.%d.%d/%d "
             "dst inside:10.0.3.4/443 by access-group \"outside_in\" [0x0, 0x0]",
             i / 250, i % 250, 1024 + i);
}

static int64_t time_of(const struct fixture *f, int i)
{
    return f->day0_ns + 3600 * YM_NS_PER_S + (int64_t)i * YM_NS_PER_S;
}

static void append(struct fixture *f, struct archive *a, struct ym_batch_pool *pool,
                   const struct ym_device *dev, int from, int to)
{
    while (from < to) {
        struct ym_batch *b;
        assert_int_equal(ym_batch_pool_get(pool, 0, &b), YM_OK);
        for (; from < to && b->count < 100; from++) {
            char line[300];
            line_of(line, sizeof line, from);
            struct ym_record *r = ym_batch_add(b, line, strlen(line));
            assert_non_null(r);
            r->received_ns = time_of(f, from);
            r->device = dev;
            r->transport = YM_TR_UDP;
            r->peer.family = AF_INET;
            r->peer.addr[10] = r->peer.addr[11] = 0xff;
            r->peer.addr[12] = 192;
            r->peer.addr[15] = 10;
        }
        assert_int_equal(archive_append_batch(a, b), YM_OK);
        ym_batch_put(b);
    }
}

static int setup(void **state)
{
    static struct fixture f;
    snprintf(f.dir, sizeof f.dir, "/tmp/ym-search-test-XXXXXX");
    if (!mkdtemp(f.dir))
        return -1;
    int64_t now = ym_time_now_ns();
    f.day0_ns = now - now % YM_NS_PER_DAY;
    struct ym_batch_pool *pool = ym_batch_pool_create(2);
    struct archive_options opt = {.data_dir = f.dir, .block_logs = BLOCK_LOGS};
    struct archive *a = NULL;
    if (archive_open(&opt, &a) != YM_OK)
        return -1;
    append(&f, a, pool, &dev_fw, 0, LINES);
    append(&f, a, pool, &dev_px, 0, 10);
    archive_close(a); /* seals what is staged */
    ym_batch_pool_destroy(pool);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    return system(cmd) == 0 ? 0 : -1;
}

struct hits {
    int count;
    int with_fields;
    char first_raw[300];
    char first_json_ip[64];
};

static int on_hit(void *arg, const struct archive_entry *e, const struct ym_fields *fields)
{
    struct hits *h = arg;
    if (h->count == 0) {
        size_t n = e->raw_len < sizeof h->first_raw - 1 ? e->raw_len : sizeof h->first_raw - 1;
        memcpy(h->first_raw, e->raw, n);
        h->first_raw[n] = '\0';
        const struct ym_field *ip = fields ? ym_fields_get(fields, "source.ip") : NULL;
        if (ip)
            snprintf(h->first_json_ip, sizeof h->first_json_ip, "%.*s", (int)ip->len, ip->str);
    }
    if (fields)
        h->with_fields++;
    h->count++;
    return 0;
}

static struct search_run_stats run(struct fixture *f, const char *query, struct search_run_options *opt,
                                   struct hits *h)
{
    struct search_query *q = NULL;
    struct ym_error err = {0};
    if (search_query_parse(query, strlen(query), &q, &err) != YM_OK)
        fail_msg("query %s: %s", query, err.reason);
    struct search_run_options def = {0};
    if (!opt)
        opt = &def;
    opt->data_dir = f->dir;
    struct search_run_stats st;
    memset(h, 0, sizeof *h);
    assert_int_equal(search_run_execute(q, opt, on_hit, h, &st), YM_OK);
    search_query_destroy(q);
    assert_int_equal(st.matched, (uint64_t)h->count);
    return st;
}

static void one_address_reads_only_the_blocks_that_may_hold_it(void **state)
{
    struct fixture *f = *state;
    struct hits h;
    struct search_run_stats st = run(f, "198.51.3.7", NULL, &h);
    assert_int_equal(h.count, 1);
    char want[300];
    line_of(want, sizeof want, 3 * 250 + 7);
    assert_string_equal(h.first_raw, want);
    assert_true(st.scan.blocks_total >= LINES / BLOCK_LOGS);
    /* One block holds the address; a bloom false positive may add one. */
    assert_true(st.scan.blocks_read >= 1 && st.scan.blocks_read <= 2);
    assert_int_equal(st.parsed, 0);
}

static void field_terms_parse_the_line_again(void **state)
{
    struct fixture *f = *state;
    struct hits h;
    struct search_run_stats st = run(f, "source.ip:198.51.3.0/24", NULL, &h);
    assert_int_equal(h.count, 250);
    assert_true(st.parsed >= 250);
    st = run(f, "source.ip:198.51.5.9 destination.port:443", NULL, &h);
    assert_int_equal(h.count, 1);
    assert_true(st.scan.blocks_read <= 2);
    st = run(f, "event.action:* tenant:beta", NULL, &h);
    /* tenant:beta is checked first: only beta's 10 logs are parsed, not acme's 2000. */
    assert_int_equal(st.parsed, 10);
}

static void pruned_and_full_scans_find_the_same_logs(void **state)
{
    struct fixture *f = *state;
    static const char *const queries[] = {
        "198.51.3.7", "\"Deny tcp src outside:198.51.1.\"", "%ASA-4-106023 198.51.7.249",
        "source.ip:198.51.0.0", "(198.51.2.1 OR 198.51.2.2) deny", "DENY outside_in 10.0.3.4",
    };
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        struct hits pruned, full;
        struct search_run_options o1 = {0}, o2 = {.skip_bloom = 1};
        struct search_run_stats s1 = run(f, queries[i], &o1, &pruned);
        struct search_run_stats s2 = run(f, queries[i], &o2, &full);
        if (pruned.count != full.count || pruned.count == 0)
            fail_msg("%s: %d with bloom, %d without", queries[i], pruned.count, full.count);
        assert_true(s1.scan.blocks_read <= s2.scan.blocks_read);
    }
}

static void limit_stops_the_search(void **state)
{
    struct fixture *f = *state;
    struct hits h;
    struct search_run_options o = {.limit = 10};
    struct search_run_stats st = run(f, "deny", &o, &h);
    assert_int_equal(h.count, 10);
    assert_true(st.limit_reached);
    o.limit = 0;
    st = run(f, "deny", &o, &h);
    assert_int_equal(h.count, LINES + 10);
    assert_false(st.limit_reached);
}

static void time_range_and_tenant_select_logs(void **state)
{
    struct fixture *f = *state;
    struct hits h;
    struct search_run_options o = {.from_ns = time_of(f, 100), .to_ns = time_of(f, 300)};
    run(f, "deny", &o, &h);
    /* Lines 100..299 of fw01 and none of px (its 10 lines are at 0..9). */
    assert_int_equal(h.count, 200);
    struct search_run_options t = {.tenant = "beta"};
    run(f, "*", &t, &h);
    assert_int_equal(h.count, 10);
    run(f, "tenant:beta OR device:px", NULL, &h);
    assert_int_equal(h.count, 10);
    run(f, "peer:192.0.0.0/24 transport:udp kind:asa", NULL, &h);
    assert_int_equal(h.count, LINES);
}

static void matches_carry_their_fields_when_asked(void **state)
{
    struct fixture *f = *state;
    struct hits h;
    struct search_run_options o = {.want_fields = 1};
    run(f, "198.51.4.4", &o, &h);
    assert_int_equal(h.count, 1);
    assert_int_equal(h.with_fields, 1);
    assert_string_equal(h.first_json_ip, "198.51.4.4");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_address_reads_only_the_blocks_that_may_hold_it),
        cmocka_unit_test(field_terms_parse_the_line_again),
        cmocka_unit_test(pruned_and_full_scans_find_the_same_logs),
        cmocka_unit_test(limit_stops_the_search),
        cmocka_unit_test(time_range_and_tenant_select_logs),
        cmocka_unit_test(matches_carry_their_fields_when_asked),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
