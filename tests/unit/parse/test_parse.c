/* Unit tests of parse.c: the registry, dispatch by kind and by sniffing,
 * fallback to `syslog` when a decoder declines, parse-error marking, the
 * common fields, and parse_batch with devices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/ym_time.h"
#include "parse/parse.h"
#include "parse/parse_ecs.h"

static int64_t T(const char *rfc3339)
{
    int64_t t = 0;
    assert_int_equal(ym_time_parse_arg(rfc3339, 0, &t), YM_OK);
    return t;
}

#define NOW T("2026-11-22T12:00:00Z")

struct fixture {
    struct ym_arena arena;
    struct ym_record rec;
    struct parse_stats stats;
};

static int setup(void **state)
{
    static struct fixture fx;
    memset(&fx, 0, sizeof fx);
    ym_arena_init(&fx.arena, 1 << 16, 0);
    *state = &fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    ym_arena_fini(&fx->arena);
    return 0;
}

static struct ym_record *run(struct fixture *fx, const char *kind, const char *tz, const char *line)
{
    memset(&fx->rec, 0, sizeof fx->rec);
    fx->rec.raw = ym_arena_strndup(&fx->arena, line, strlen(line));
    fx->rec.raw_len = (uint32_t)strlen(line);
    fx->rec.received_ns = T("2026-11-22T11:59:59.5Z");
    ym_fields_init(&fx->rec.fields, &fx->arena);
    struct parse_ctx ctx = {kind, tz, NOW};
    parse_record(&ctx, &fx->rec, &fx->stats);
    return &fx->rec;
}

static void assert_field(const struct ym_record *r, const char *name, const char *want)
{
    const struct ym_field *x = ym_fields_get(&r->fields, name);
    if (!x)
        fail_msg("field %s missing", name);
    assert_int_equal(x->len, strlen(want));
    assert_memory_equal(x->str, want, x->len);
}

static void test_registry(void **state)
{
    (void)state;
    const char *kinds[] = {"syslog", "json", "asa", "ftd", "panos", "nsp", "fireeye", "cef", "leef"};
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        const struct parse_decoder *d = parse_decoder_find(kinds[i]);
        assert_non_null(d);
        assert_string_equal(d->kind, kinds[i]);
        assert_non_null(d->decode);
    }
    assert_null(parse_decoder_find("nope"));
    assert_null(parse_decoder_find(NULL));
    size_t n = 0;
    for (const struct parse_decoder *const *d = parse_decoders(); *d; d++)
        n++;
    assert_int_equal(n, 9);
    assert_string_equal(parse_detect_kind("<13>Nov 22 10:00:00 h {\"a\":1}", 29), "json");
    assert_string_equal(parse_detect_kind("hello", 5), "syslog");
}

static void test_syslog_common_fields(void **state)
{
    struct fixture *fx = *state;
    struct ym_record *r = run(fx, "syslog", "+09:00", "<38>Nov 22 10:00:00 web1 sshd[42]: login ok");
    assert_int_equal(r->flags, 0);
    assert_field(r, "@timestamp", "2026-11-22T01:00:00.000Z");
    assert_int_equal(r->time_ns, T("2026-11-22T01:00:00Z"));
    assert_field(r, "event.original", "<38>Nov 22 10:00:00 web1 sshd[42]: login ok");
    assert_field(r, "host.hostname", "web1");
    assert_field(r, "process.name", "sshd");
    assert_field(r, "message", "login ok");
    assert_int_equal(ym_fields_get(&r->fields, "log.syslog.priority")->num, 38);
    assert_int_equal(ym_fields_get(&r->fields, "log.syslog.facility.code")->num, 4);
    assert_int_equal(ym_fields_get(&r->fields, "log.syslog.severity.code")->num, 6);
    assert_int_equal(fx->stats.parsed, 1);
}

static void test_json_dispatch_and_auto(void **state)
{
    struct fixture *fx = *state;
    struct ym_record *r = run(fx, "json", NULL, "{\"source\":{\"ip\":\"10.0.0.1\"},\"n\":5}");
    assert_int_equal(r->flags, 0);
    assert_field(r, "source.ip", "10.0.0.1");
    assert_int_equal(ym_fields_get(&r->fields, "n")->num, 5);
    /* No time anywhere: the receive time. */
    assert_field(r, "@timestamp", "2026-11-22T11:59:59.500Z");

    r = run(fx, "auto", NULL, "<13>Nov 22 10:00:00 h {\"user\":{\"name\":\"bob\"}}");
    assert_field(r, "user.name", "bob");
    assert_field(r, "log.syslog.hostname", "h");
    assert_field(r, "@timestamp", "2026-11-22T10:00:00.000Z");
}

static void test_decline_falls_back_to_syslog(void **state)
{
    struct fixture *fx = *state;
    struct ym_record *r = run(fx, "json", NULL, "<13>Nov 22 10:00:00 h app: user=bob");
    assert_int_equal(r->flags, 0);
    assert_field(r, "host.hostname", "h");
    assert_field(r, "syslog.kv.user", "bob");
    assert_null(ym_fields_get(&r->fields, "error.message"));
    /* An unknown kind is read as syslog. */
    r = run(fx, "no-such-kind", NULL, "<13>Nov 22 10:00:00 h app: x");
    assert_field(r, "process.name", "app");
}

static void test_parse_error_is_marked(void **state)
{
    struct fixture *fx = *state;
    struct ym_record *r = run(fx, "json", NULL, "{\"a\":\"x\",\"b\":");
    assert_true(r->flags & YM_REC_PARSE_ERROR);
    assert_field(r, "a", "x");
    assert_non_null(ym_fields_get(&r->fields, "error.message"));
    assert_field(r, "event.original", "{\"a\":\"x\",\"b\":");
    assert_non_null(ym_fields_get(&r->fields, "@timestamp"));
    assert_int_equal(fx->stats.parse_errors, 1);
}

static void test_unparsed_is_kept(void **state)
{
    struct fixture *fx = *state;
    struct ym_record *r = run(fx, "syslog", NULL, "just some words");
    assert_true(r->flags & YM_REC_UNPARSED);
    assert_field(r, "message", "just some words");
    assert_field(r, "event.original", "just some words");
    assert_field(r, "@timestamp", "2026-11-22T11:59:59.500Z");
    assert_int_equal(fx->stats.unparsed, 1);
}

static void test_batch_uses_device(void **state)
{
    (void)state;
    struct ym_batch_pool *pool = ym_batch_pool_create(1);
    struct ym_batch *b;
    assert_int_equal(ym_batch_pool_get(pool, 0, &b), YM_OK);
    struct ym_device dev = {1, "fw-tokyo", "acme", "syslog", "Asia/Tokyo", 1};
    const char *line = "<13>Nov 22 10:00:00 h m";
    struct ym_record *r = ym_batch_add(b, line, strlen(line));
    r->device = &dev;
    struct ym_record *r2 = ym_batch_add(b, "{\"k\":\"v\"}", 9);
    r2->device = NULL; /* auto */
    struct parse_stats st = {0};
    parse_batch(b, NOW, &st);
    assert_int_equal(r->time_ns, T("2026-11-22T01:00:00Z"));
    assert_field(r, "observer.name", "fw-tokyo");
    assert_field(r2, "k", "v");
    assert_int_equal(st.parsed, 2);
    ym_batch_put(b);
    ym_batch_pool_destroy(pool);
}

/* An auto device takes the kind its first logs show, and keeps it: after
 * 20 ASA lines, a CEF line from it is read as a device of kind asa reads
 * it (declined, generic syslog), not handed to the cef decoder. */
static void test_auto_device_learns_its_kind(void **state)
{
    (void)state;
    struct ym_batch_pool *pool = ym_batch_pool_create(1);
    struct ym_batch *b;
    assert_int_equal(ym_batch_pool_get(pool, 0, &b), YM_OK);
    static struct ym_device learner = {77, "fw-unknown", "unassigned", "auto", "", 0};
    static struct ym_device mixed = {78, "relay", "unassigned", "auto", "", 0};
    const char *asa = "<164>Nov 22 2026 10:00:00 fw : %ASA-4-106023: Deny tcp src outside:198.51.100.7/4444"
                      " dst inside:10.0.0.5/443 by access-group \"acl\" [0x0, 0x0]";
    for (int i = 0; i < 20; i++) {
        struct ym_record *r = ym_batch_add(b, asa, strlen(asa));
        r->device = &learner;
        /* The relay alternates formats: nobody wins, it stays sniffed. */
        const char *other = i % 2 ? asa : "<13>Nov 22 10:00:00 h app: plain text";
        r = ym_batch_add(b, other, strlen(other));
        r->device = &mixed;
    }
    /* A CEF line, which sniffing alone would give to the cef decoder. */
    const char *plain = "<13>Nov 22 10:00:00 h CEF:0|Security|threatmanager|1.0|100|worm stopped|10|src=10.0.0.1";
    struct ym_record *late = ym_batch_add(b, plain, strlen(plain));
    late->device = &learner;
    struct ym_record *relay_asa = ym_batch_add(b, asa, strlen(asa));
    relay_asa->device = &mixed;
    struct parse_stats st = {0};
    parse_batch(b, NOW, &st);
    assert_field(&b->recs[0], "observer.product", "asa");
    assert_field(&b->recs[38], "event.code", "106023");
    /* Learned kind asa: the CEF line is declined by asa and read as plain
     * syslog, as for a device configured with kind asa. */
    assert_null(ym_fields_get(&late->fields, "observer.vendor"));
    assert_null(ym_fields_get(&late->fields, "observer.product"));
    /* The mixed relay is still sniffed per log: its ASA line is ASA. */
    assert_field(relay_asa, "observer.product", "asa");
    assert_int_equal(st.parse_errors, 0);
    ym_batch_put(b);
    ym_batch_pool_destroy(pool);
}

/* A batch arena that runs out leaves the fields partial: the log is flagged
 * and counted as a parse error, never silently short. */
static void test_full_arena_is_flagged(void **state)
{
    (void)state;
    struct ym_arena small;
    ym_arena_init(&small, 2048, 2048);
    char line[4096];
    size_t n = (size_t)snprintf(line, sizeof line, "<13>Nov 22 10:00:00 h app:");
    for (int k = 0; k < 80 && n + 16 < sizeof line; k++)
        n += (size_t)snprintf(line + n, sizeof line - n, " key%02d=v", k);
    struct ym_record rec;
    memset(&rec, 0, sizeof rec);
    rec.raw = line;
    rec.raw_len = (uint32_t)n;
    ym_fields_init(&rec.fields, &small);
    struct parse_stats st = {0};
    struct parse_ctx ctx = {"syslog", NULL, NOW};
    parse_record(&ctx, &rec, &st);
    assert_true(rec.flags & YM_REC_PARSE_ERROR);
    assert_int_equal(st.parse_errors, 1);
    assert_int_equal(st.parsed, 0);
    ym_arena_fini(&small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test_setup_teardown(test_syslog_common_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_dispatch_and_auto, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decline_falls_back_to_syslog, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_error_is_marked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unparsed_is_kept, setup, teardown),
        cmocka_unit_test(test_batch_uses_device),
        cmocka_unit_test(test_auto_device_learns_its_kind),
        cmocka_unit_test(test_full_arena_is_flagged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
