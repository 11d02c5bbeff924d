/* Unit tests of the core modules: ym_arena, ym_queue, ym_batch (pool and
 * back-pressure), ym_time, ym_buf (JSON escaping) and ym_fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include <cmocka.h>

#include "core/ym_arena.h"
#include "core/ym_batch.h"
#include "core/ym_buf.h"
#include "core/ym_fields.h"
#include "core/ym_queue.h"
#include "core/ym_time.h"

/* ---- ym_arena ---- */

static void arena_allocations_are_aligned_and_distinct(void **state)
{
    struct ym_arena a;
    ym_arena_init(&a, 1024, 0);
    char *p = ym_arena_alloc(&a, 3);
    char *q = ym_arena_alloc(&a, 5);
    assert_non_null(p);
    assert_non_null(q);
    assert_int_equal((uintptr_t)p % 8, 0);
    assert_int_equal((uintptr_t)q % 8, 0);
    assert_true(q >= p + 3);
    /* Larger than a chunk: still served. */
    char *big = ym_arena_alloc(&a, 5000);
    assert_non_null(big);
    memset(big, 'x', 5000);
    char *s = ym_arena_strndup(&a, "hello world", 5);
    assert_string_equal(s, "hello");
    char *f = ym_arena_printf(&a, "%s-%d", "n", 42);
    assert_string_equal(f, "n-42");
    /* Longer than printf's stack buffer. */
    char longs[600];
    memset(longs, 'y', sizeof longs - 1);
    longs[sizeof longs - 1] = '\0';
    char *g = ym_arena_printf(&a, "<%s>", longs);
    assert_int_equal(strlen(g), sizeof longs + 1);
    assert_int_equal(g[0], '<');
    assert_int_equal(g[sizeof longs], '>');
    ym_arena_fini(&a);
}

static void arena_limit_returns_null_instead_of_growing(void **state)
{
    struct ym_arena a;
    ym_arena_init(&a, 256, 1000);
    assert_non_null(ym_arena_alloc(&a, 800));
    assert_null(ym_arena_alloc(&a, 300));
    assert_non_null(ym_arena_alloc(&a, 100));
    /* A size that would wrap around when rounded up is refused. */
    assert_null(ym_arena_alloc(&a, SIZE_MAX));
    assert_null(ym_arena_alloc(&a, SIZE_MAX - 3));
    ym_arena_reset(&a);
    assert_int_equal(a.used_bytes, 0);
    assert_non_null(ym_arena_alloc(&a, 900));
    ym_arena_fini(&a);

    struct ym_arena u;
    ym_arena_init(&u, 0, 0); /* unlimited */
    assert_null(ym_arena_alloc(&u, SIZE_MAX - 3));
    ym_arena_fini(&u);
}

static void arena_reset_reuses_memory(void **state)
{
    struct ym_arena a;
    ym_arena_init(&a, 4096, 0);
    char *first = ym_arena_alloc(&a, 16);
    for (int i = 0; i < 100; i++)
        assert_non_null(ym_arena_alloc(&a, 1000));
    ym_arena_reset(&a);
    assert_int_equal(a.used_bytes, 0);
    char *again = ym_arena_alloc(&a, 16);
    assert_non_null(again);
    (void)first;
    ym_arena_fini(&a);
}

/* ---- ym_queue ---- */

static void queue_is_fifo_and_bounded(void **state)
{
    struct ym_queue *q = ym_queue_create(2);
    int a = 1, b = 2, c = 3;
    void *out;
    assert_int_equal(ym_queue_capacity(q), 2);
    assert_int_equal(ym_queue_push(q, &a, 0), YM_OK);
    assert_int_equal(ym_queue_try_push(q, &b), YM_OK);
    assert_int_equal(ym_queue_try_push(q, &c), YM_EFULL);
    assert_int_equal(ym_queue_push(q, &c, 10), YM_ETIMEOUT);
    assert_int_equal(ym_queue_len(q), 2);
    assert_int_equal(ym_queue_pop(q, 0, &out), YM_OK);
    assert_ptr_equal(out, &a);
    assert_int_equal(ym_queue_push(q, &c, 0), YM_OK);
    assert_int_equal(ym_queue_pop(q, 0, &out), YM_OK);
    assert_ptr_equal(out, &b);
    assert_int_equal(ym_queue_pop(q, 0, &out), YM_OK);
    assert_ptr_equal(out, &c);
    assert_int_equal(ym_queue_pop(q, 0, &out), YM_ETIMEOUT);
    assert_int_equal(ym_queue_pop(q, 10, &out), YM_ETIMEOUT);
    ym_queue_destroy(q);
}

static void queue_close_drains_then_reports_closed(void **state)
{
    struct ym_queue *q = ym_queue_create(4);
    int a = 1, b = 2;
    void *out;
    assert_int_equal(ym_queue_push(q, &a, -1), YM_OK);
    assert_int_equal(ym_queue_push(q, &b, -1), YM_OK);
    ym_queue_close(q);
    assert_int_equal(ym_queue_push(q, &a, -1), YM_ECLOSED);
    assert_int_equal(ym_queue_pop(q, -1, &out), YM_OK);
    assert_ptr_equal(out, &a);
    assert_int_equal(ym_queue_pop(q, -1, &out), YM_OK);
    assert_ptr_equal(out, &b);
    assert_int_equal(ym_queue_pop(q, -1, &out), YM_ECLOSED);
    assert_int_equal(ym_queue_pop(q, 100, &out), YM_ECLOSED);
    ym_queue_destroy(q);
}

static void *close_later(void *arg)
{
    struct ym_queue *q = arg;
    /* The waiter below blocks forever unless close wakes it. */
    ym_queue_close(q);
    return NULL;
}

static void queue_close_wakes_a_blocked_pop(void **state)
{
    struct ym_queue *q = ym_queue_create(1);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, close_later, q), 0);
    void *out;
    assert_int_equal(ym_queue_pop(q, -1, &out), YM_ECLOSED);
    pthread_join(t, NULL);
    ym_queue_destroy(q);
}

struct producer {
    struct ym_queue *q;
    int n;
};

static void *produce(void *arg)
{
    struct producer *p = arg;
    for (intptr_t i = 1; i <= p->n; i++)
        if (ym_queue_push(p->q, (void *)i, -1) != YM_OK)
            break;
    return NULL;
}

static void queue_carries_every_item_between_threads(void **state)
{
    struct ym_queue *q = ym_queue_create(3);
    struct producer p = {q, 10000};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, produce, &p), 0);
    intptr_t expect = 1;
    for (int i = 0; i < p.n; i++) {
        void *out;
        assert_int_equal(ym_queue_pop(q, -1, &out), YM_OK);
        assert_int_equal((intptr_t)out, expect++);
    }
    pthread_join(t, NULL);
    ym_queue_destroy(q);
}

/* ---- ym_batch ---- */

static void batch_pool_pushes_back_when_exhausted(void **state)
{
    struct ym_batch_pool *pool = ym_batch_pool_create(2);
    struct ym_batch *a, *b, *c;
    assert_int_equal(ym_batch_pool_get(pool, 0, &a), YM_OK);
    assert_int_equal(ym_batch_pool_get(pool, 0, &b), YM_OK);
    assert_int_equal(ym_batch_pool_in_use(pool), 2);
    assert_int_equal(ym_batch_pool_get(pool, 0, &c), YM_ETIMEOUT);
    assert_int_equal(ym_batch_pool_get(pool, 20, &c), YM_ETIMEOUT);
    /* A second holder keeps the batch out of the pool. */
    ym_batch_ref(a);
    ym_batch_put(a);
    assert_int_equal(ym_batch_pool_in_use(pool), 2);
    ym_batch_put(a);
    assert_int_equal(ym_batch_pool_in_use(pool), 1);
    assert_int_equal(ym_batch_pool_get(pool, 0, &c), YM_OK);
    assert_int_equal(c->count, 0);
    assert_int_equal(atomic_load(&c->refs), 1);
    ym_batch_put(b);
    ym_batch_put(c);
    ym_batch_put(NULL);
    assert_int_equal(ym_batch_pool_in_use(pool), 0);
    ym_batch_pool_destroy(pool);
}

static void batch_add_copies_truncates_and_fills(void **state)
{
    struct ym_batch_pool *pool = ym_batch_pool_create(1);
    struct ym_batch *b;
    assert_int_equal(ym_batch_pool_get(pool, 0, &b), YM_OK);
    char line[] = "<13>Nov 22 10:00:00 host app: hi";
    struct ym_record *r = ym_batch_add(b, line, strlen(line));
    assert_non_null(r);
    line[0] = 'X'; /* the batch holds its own copy */
    assert_string_equal(r->raw, "<13>Nov 22 10:00:00 host app: hi");
    assert_int_equal(r->raw_len, strlen(line));
    assert_int_equal(r->flags, 0);
    assert_int_equal(r->fields.count, 0);
    assert_true(b->created_ns > 0);

    char *huge = malloc(YM_LOG_MAX_BYTES + 100);
    memset(huge, 'a', YM_LOG_MAX_BYTES + 100);
    struct ym_record *t = ym_batch_add(b, huge, YM_LOG_MAX_BYTES + 100);
    assert_non_null(t);
    assert_int_equal(t->raw_len, YM_LOG_MAX_BYTES);
    assert_true(t->flags & YM_REC_TRUNCATED);
    assert_int_equal(t->raw[YM_LOG_MAX_BYTES], '\0');
    free(huge);

    /* Fill to the record limit: then add refuses and full says so. */
    while (!ym_batch_full(b))
        assert_non_null(ym_batch_add(b, "x", 1));
    uint32_t n = b->count;
    if (n >= YM_BATCH_MAX_RECORDS)
        assert_null(ym_batch_add(b, "x", 1));
    ym_batch_put(b);
    ym_batch_pool_destroy(pool);
}

static void batch_arena_full_is_reported_not_overrun(void **state)
{
    struct ym_batch_pool *pool = ym_batch_pool_create(1);
    struct ym_batch *b;
    assert_int_equal(ym_batch_pool_get(pool, 0, &b), YM_OK);
    char *big = malloc(YM_LOG_MAX_BYTES);
    memset(big, 'b', YM_LOG_MAX_BYTES);
    int added = 0;
    while (ym_batch_add(b, big, YM_LOG_MAX_BYTES))
        added++;
    /* The arena's hard limit / 64 KiB logs fit (less chunk slack), then add
     * says no; intake would have called the batch full long before. */
    const int fit = (int)(YM_BATCH_ARENA_BYTES / YM_LOG_MAX_BYTES);
    assert_true(added > fit - fit / 8 && added < fit);
    assert_true(ym_batch_full(b));
    free(big);
    ym_batch_put(b);
    ym_batch_pool_destroy(pool);
    assert_string_equal(ym_transport_name(YM_TR_RELP), "relp");
    assert_string_equal(ym_transport_name((enum ym_transport)99), "none");
}

/* ---- ym_time ---- */

static void civil_dates_round_trip(void **state)
{
    assert_int_equal(ym_time_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(ym_time_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(ym_time_days_from_civil(1969, 12, 31), -1);
    for (int64_t d = -800000; d < 800000; d += 997) {
        int64_t y;
        unsigned m, dd;
        ym_time_civil_from_days(d, &y, &m, &dd);
        assert_int_equal(ym_time_days_from_civil(y, m, dd), d);
    }
    int64_t y;
    unsigned m, d;
    ym_time_civil_from_days(ym_time_days_from_civil(2024, 2, 29), &y, &m, &d);
    assert_int_equal(y, 2024);
    assert_int_equal(m, 2);
    assert_int_equal(d, 29);
}

static void times_format_as_rfc3339(void **state)
{
    char out[64];
    int64_t t = (ym_time_days_from_civil(2026, 11, 22) * 86400 + 10 * 3600) * YM_NS_PER_S +
                123456789;
    assert_int_equal(ym_time_format_rfc3339(t, out, sizeof out), 24);
    assert_string_equal(out, "2026-11-22T10:00:00.123Z");
    ym_time_format_rfc3339_offset(t, 9 * 3600, out, sizeof out);
    assert_string_equal(out, "2026-11-22T19:00:00.123+09:00");
    ym_time_format_rfc3339_offset(t, -(5 * 3600 + 30 * 60), out, sizeof out);
    assert_string_equal(out, "2026-11-22T04:30:00.123-05:30");
    ym_time_format_day(t, out, sizeof out);
    assert_string_equal(out, "2026-11-22");
    /* Before the epoch: floor, not truncation. */
    ym_time_format_rfc3339(-1, out, sizeof out);
    assert_string_equal(out, "1969-12-31T23:59:59.999Z");
    ym_time_format_day(-1, out, sizeof out);
    assert_string_equal(out, "1969-12-31");
    /* A short buffer: the result says what was written, not what would have been. */
    char small[8];
    size_t n = ym_time_format_rfc3339(t, small, sizeof small);
    assert_true(n < sizeof small);
    assert_int_equal(strlen(small), n);
}

static void time_arguments_parse(void **state)
{
    int64_t now = 1763805600LL * YM_NS_PER_S; /* 2025-11-22T10:00:00Z */
    int64_t t;
    assert_int_equal(ym_time_parse_arg("2026-11-22T10:00:00Z", now, &t), YM_OK);
    char out[64];
    ym_time_format_rfc3339(t, out, sizeof out);
    assert_string_equal(out, "2026-11-22T10:00:00.000Z");
    assert_int_equal(ym_time_parse_arg("2026-11-22T19:00:00.5+09:00", now, &t), YM_OK);
    ym_time_format_rfc3339(t, out, sizeof out);
    assert_string_equal(out, "2026-11-22T10:00:00.500Z");
    assert_int_equal(ym_time_parse_arg("2026-11-22", now, &t), YM_OK);
    assert_int_equal(t, ym_time_days_from_civil(2026, 11, 22) * YM_NS_PER_DAY);
    assert_int_equal(ym_time_parse_arg("now", now, &t), YM_OK);
    assert_int_equal(t, now);
    assert_int_equal(ym_time_parse_arg("-15m", now, &t), YM_OK);
    assert_int_equal(t, now - 900 * YM_NS_PER_S);
    assert_int_equal(ym_time_parse_arg("-7d", now, &t), YM_OK);
    assert_int_equal(t, now - 7 * 86400 * YM_NS_PER_S);

    static const char *const bad[] = {
        "", "yesterday", "2026-13-01", "2026-11-32", "2026-02-30", "2025-02-29",
        "2026-11-22T25:00:00Z", "2026-11-22T10:00:00+15:00", "2026-11-22X", "-15", "-15w",
        "-99999999999999999999d", "-9999999999999d", "2526-01-01T00:00:00Z", "1500-01-01",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (ym_time_parse_arg(bad[i], now, &t) != YM_EINVAL) {
            print_error("accepted bad time '%s'\n", bad[i]);
            fail();
        }
    }
    /* Leap day in a leap year is fine. */
    assert_int_equal(ym_time_parse_arg("2024-02-29", now, &t), YM_OK);
}

static void zone_offsets(void **state)
{
    int off;
    assert_int_equal(ym_time_parse_offset("+09:00", &off), YM_OK);
    assert_int_equal(off, 9 * 3600);
    assert_int_equal(ym_time_parse_offset("-0530", &off), YM_OK);
    assert_int_equal(off, -(5 * 3600 + 30 * 60));
    assert_int_equal(ym_time_parse_offset("+01", &off), YM_OK);
    assert_int_equal(off, 3600);
    assert_int_equal(ym_time_parse_offset("Z", &off), YM_OK);
    assert_int_equal(off, 0);
    assert_int_equal(ym_time_parse_offset("UTC", &off), YM_OK);
    assert_int_equal(ym_time_parse_offset("+9", &off), YM_EINVAL);
    assert_int_equal(ym_time_parse_offset("+09:60", &off), YM_EINVAL);
    assert_int_equal(ym_time_parse_offset("Tokyo", &off), YM_EINVAL);

    assert_int_equal(ym_time_zone_offset("", 0, &off), YM_OK);
    assert_int_equal(off, 0);
    assert_int_equal(ym_time_zone_offset("-03:00", 0, &off), YM_OK);
    assert_int_equal(off, -3 * 3600);
    assert_int_equal(ym_time_zone_offset("Asia/Tokyo", 1763805600, &off), YM_OK);
    assert_int_equal(off, 9 * 3600);
    /* Paris: +01:00 in January, +02:00 in July (daylight saving). */
    int64_t jan = ym_time_days_from_civil(2026, 1, 15) * 86400 + 12 * 3600;
    int64_t jul = ym_time_days_from_civil(2026, 7, 15) * 86400 + 12 * 3600;
    assert_int_equal(ym_time_zone_offset("Europe/Paris", jan, &off), YM_OK);
    assert_int_equal(off, 3600);
    assert_int_equal(ym_time_zone_offset("Europe/Paris", jul, &off), YM_OK);
    assert_int_equal(off, 7200);
    assert_int_equal(ym_time_zone_offset("Mars/Olympus", jan, &off), YM_EINVAL);
    assert_int_equal(ym_time_zone_offset("../../etc/passwd", jan, &off), YM_EINVAL);
    /* Two zones whose names share a long prefix must not share a cache entry. */
    char a[200], b[200];
    memset(a, 'x', 100);
    memcpy(a + 100, "/A", 3);
    memset(b, 'x', 100);
    memcpy(b + 100, "/B", 3);
    assert_int_equal(ym_time_zone_offset(a, jan, &off), YM_EINVAL);
    assert_int_equal(ym_time_zone_offset(b, jan, &off), YM_EINVAL);
}

/* ---- ym_buf ---- */

static void json_escapes_quotes_and_control_bytes(void **state)
{
    struct ym_buf b = YM_BUF_INIT;
    const char in[] = "a\"b\\c\n\r\t\x01\x1f\x7f";
    ym_buf_json_qstr(&b, in, sizeof in - 1);
    assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u001f\x7f\"");
    ym_buf_clear(&b);
    /* An embedded NUL is data, not the end. */
    ym_buf_json_str(&b, "a\0b", 3);
    assert_string_equal(b.data, "a\\u0000b");
    ym_buf_free(&b);
}

static void json_keeps_valid_utf8_and_marks_invalid_bytes(void **state)
{
    struct ym_buf b = YM_BUF_INIT;
    /* "東京" (valid, 3 bytes each) and U+1F600 (4 bytes) pass through. */
    const char ok[] = "\xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x98\x80";
    ym_buf_json_str(&b, ok, sizeof ok - 1);
    assert_string_equal(b.data, ok);
    struct {
        const char *in;
        size_t len;
        const char *out;
    } cases[] = {
        {"\xff", 1, "\\u00ff"},                    /* never valid */
        {"\xc3", 1, "\\u00c3"},                    /* truncated 2-byte sequence */
        {"\xc3(", 2, "\\u00c3("},                  /* bad continuation */
        {"\xc0\xaf", 2, "\\u00c0\\u00af"},         /* overlong '/' */
        {"\xed\xa0\x80", 3, "\\u00ed\\u00a0\\u0080"}, /* UTF-16 surrogate */
        {"\xf4\x90\x80\x80", 4, "\\u00f4\\u0090\\u0080\\u0080"}, /* above U+10FFFF */
        {"a\xe6\x9d", 3, "a\\u00e6\\u009d"},       /* cut at the end */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ym_buf_clear(&b);
        ym_buf_json_str(&b, cases[i].in, cases[i].len);
        assert_string_equal(b.data, cases[i].out);
    }
    ym_buf_free(&b);
}

static void buf_grows_and_formats(void **state)
{
    struct ym_buf b = YM_BUF_INIT;
    for (int i = 0; i < 1000; i++)
        ym_buf_printf(&b, "%d,", i);
    assert_int_equal(strncmp(b.data, "0,1,2,", 6), 0);
    assert_int_equal(b.data[b.len], '\0');
    assert_int_equal(strlen(b.data), b.len);
    ym_buf_clear(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    ym_buf_adds(&b, "ab");
    ym_buf_addc(&b, 'c');
    ym_buf_add(&b, "d", 0);
    assert_string_equal(b.data, "abc");
    ym_buf_free(&b);
    ym_buf_free(&b); /* twice is harmless */
}

/* ---- ym_fields ---- */

static void fields_add_get_and_delete(void **state)
{
    struct ym_arena a;
    ym_arena_init(&a, 4096, 0);
    struct ym_fields f;
    ym_fields_init(&f, &a);
    const char raw[] = "src=192.0.2.1";
    assert_non_null(ym_fields_add(&f, 1, "source.ip", raw + 4, 9));
    char tmp[] = "deny";
    assert_non_null(ym_fields_add_copy(&f, YM_FIELD_DYNAMIC, "vendor.action", tmp, 4));
    tmp[0] = 'X'; /* the copy is the arena's */
    assert_non_null(ym_fields_add_int(&f, 2, "source.port", 51234));
    assert_non_null(ym_fields_add_float(&f, YM_FIELD_DYNAMIC, "x.ratio", 0.5));
    assert_non_null(ym_fields_add_bool(&f, YM_FIELD_DYNAMIC, "x.flag", 7));
    /* Past the first capacity: the list grows and keeps every entry. */
    for (int i = 0; i < 100; i++)
        assert_non_null(ym_fields_add_int(&f, YM_FIELD_DYNAMIC, "x.n", i));
    assert_int_equal(f.count, 105);

    const struct ym_field *ip = ym_fields_get_id(&f, 1);
    assert_non_null(ip);
    assert_int_equal(ip->len, 9);
    assert_memory_equal(ip->str, "192.0.2.1", 9);
    const struct ym_field *act = ym_fields_get(&f, "vendor.action");
    assert_non_null(act);
    assert_memory_equal(act->str, "deny", 4);
    assert_int_equal(ym_fields_get_id(&f, 2)->num, 51234);
    assert_int_equal(ym_fields_get_id(&f, 2)->type, YM_FT_INT);
    assert_true(ym_fields_get(&f, "x.ratio")->dbl == 0.5);
    assert_int_equal(ym_fields_get(&f, "x.flag")->num, 1);
    assert_null(ym_fields_get(&f, "nope"));
    assert_null(ym_fields_get_id(&f, 3));

    ym_fields_del(&f, "x.n");
    assert_int_equal(f.count, 5);
    assert_null(ym_fields_get(&f, "x.n"));
    assert_non_null(ym_fields_get(&f, "x.flag"));
    ym_fields_clear(&f);
    assert_int_equal(f.count, 0);
    ym_arena_fini(&a);
}

static void fields_report_a_full_arena(void **state)
{
    struct ym_arena a;
    ym_arena_init(&a, 256, 2048);
    struct ym_fields f;
    ym_fields_init(&f, &a);
    int added = 0;
    while (ym_fields_add(&f, 1, "a", "v", 1) && added < 10000)
        added++;
    assert_true(added > 0 && added < 10000);
    /* What was added before the arena filled is intact. */
    assert_int_equal(f.count, (uint32_t)added);
    assert_memory_equal(f.v[added - 1].str, "v", 1);
    ym_arena_fini(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arena_allocations_are_aligned_and_distinct),
        cmocka_unit_test(arena_limit_returns_null_instead_of_growing),
        cmocka_unit_test(arena_reset_reuses_memory),
        cmocka_unit_test(queue_is_fifo_and_bounded),
        cmocka_unit_test(queue_close_drains_then_reports_closed),
        cmocka_unit_test(queue_close_wakes_a_blocked_pop),
        cmocka_unit_test(queue_carries_every_item_between_threads),
        cmocka_unit_test(batch_pool_pushes_back_when_exhausted),
        cmocka_unit_test(batch_add_copies_truncates_and_fills),
        cmocka_unit_test(batch_arena_full_is_reported_not_overrun),
        cmocka_unit_test(civil_dates_round_trip),
        cmocka_unit_test(times_format_as_rfc3339),
        cmocka_unit_test(time_arguments_parse),
        cmocka_unit_test(zone_offsets),
        cmocka_unit_test(json_escapes_quotes_and_control_bytes),
        cmocka_unit_test(json_keeps_valid_utf8_and_marks_invalid_bytes),
        cmocka_unit_test(buf_grows_and_formats),
        cmocka_unit_test(fields_add_get_and_delete),
        cmocka_unit_test(fields_report_a_full_arena),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
