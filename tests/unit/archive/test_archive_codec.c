/* Unit tests of the archive codec (archive/archive_codec.h): any bytes
 * round-trip exactly, staging slices decode on their own, and damaged
 * blobs are refused, never crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "archive/archive_codec.h"

struct expect {
    struct archive_codec_rec *recs;
    uint32_t count;
    uint32_t seen;
};

static int check_rec(void *arg, const struct archive_codec_rec *r, uint32_t index)
{
    struct expect *x = arg;
    assert_true(index < x->count);
    const struct archive_codec_rec *w = &x->recs[index];
    assert_int_equal(r->raw_len, w->raw_len);
    assert_memory_equal(r->raw, w->raw, w->raw_len);
    assert_int_equal(r->raw[r->raw_len], 0);
    assert_int_equal(r->received_ns, w->received_ns);
    assert_int_equal(r->device_id, w->device_id);
    assert_int_equal(r->transport, w->transport);
    assert_int_equal(r->peer.family, w->peer.family);
    assert_int_equal(r->peer.port, w->peer.port);
    if (w->peer.family)
        assert_memory_equal(r->peer.addr, w->peer.addr, 16);
    x->seen++;
    return 0;
}

static void round_trip(struct archive_codec_rec *recs, uint32_t n, int level)
{
    struct archive_codec_enc e;
    struct archive_codec_dec d;
    struct ym_buf out = YM_BUF_INIT;
    archive_codec_enc_init(&e);
    archive_codec_dec_init(&d);
    for (uint32_t i = 0; i < n; i++)
        archive_codec_enc_add(&e, &recs[i]);
    assert_int_equal(archive_codec_enc_finish(&e, NULL, level, &out), YM_OK);
    uint32_t count;
    uint64_t raw;
    assert_int_equal(archive_codec_peek(out.data, out.len, &count, &raw), YM_OK);
    assert_int_equal(count, n);
    struct expect x = {recs, n, 0};
    assert_int_equal(archive_codec_decode(&d, out.data, out.len, check_rec, &x, NULL), YM_OK);
    assert_int_equal(x.seen, n);
    ym_buf_free(&out);
    archive_codec_enc_free(&e);
    archive_codec_dec_free(&d);
}

static struct archive_codec_rec rec_of(const char *raw, uint32_t len, int64_t ns)
{
    struct archive_codec_rec r = {.received_ns = ns, .device_id = 3, .transport = 2,
                                  .raw = raw, .raw_len = len};
    r.peer.family = AF_INET;
    r.peer.addr[10] = r.peer.addr[11] = 0xff;
    r.peer.addr[12] = 192;
    r.peer.addr[15] = 7;
    r.peer.port = 514;
    return r;
}

static void syslog_lines_round_trip(void **state)
{
    const char *lines[] = {
        "<166>Nov 22 2026 10:00:00 fw01 : %ASA-6-302013: Built inbound TCP connection 100001 "
        "for outside:192.0.2.5/4444 (192.0.2.5/4444) to inside:10.0.1.2/443 (10.0.1.2/443)",
        "007 0 00 0x0 18446744073709551615 99999999999999999999999 123456789012345678",
        "1234567890123456789 leading 0123 and 1000000000000000000",
        "",
        "no digits at all",
        "9",
        "[0x6c307511, 0x0] 0x00 0x0abc 0xABC 0x12345678901234567 0xffffffffffffffff 0x 0xg",
        "10:00:05 0:05:23 000 0001 00000000000000000009 12:00:0",
        "10 10 10 7 7 4444 a4444 4444/4444 1 2 3 4 5 6 7 8 9 11 12 13 14 15 16 17 18 4444 4444",
    };
    struct archive_codec_rec recs[9];
    int64_t ns = 1795000000000000000LL;
    for (int i = 0; i < 9; i++)
        recs[i] = rec_of(lines[i], (uint32_t)strlen(lines[i]), ns - i * 1000); /* time goes back */
    recs[2].peer.family = AF_INET6;
    memset(recs[2].peer.addr, 0x20, 16);
    recs[3].peer.family = 0;
    memset(&recs[3].peer, 0, sizeof(recs[3].peer));
    round_trip(recs, 9, 3);
    round_trip(recs, 9, 0);
}

static void control_bytes_and_invalid_utf8_round_trip(void **state)
{
    static const char raw[] = "a\0b\x01\x02\x03\x04\x05\xff\xfe\n\r\t12\0" "34\x01" "5\xc3\x28"
                              "0x\x03" "07\x04\x02" "12 12\x05\x01";
    struct archive_codec_rec r = rec_of(raw, sizeof(raw) - 1, 5);
    round_trip(&r, 1, 1);
}

/* Logs of one template with more numbers than the encoder keeps pending
 * at once, mixed with short ones, several times each. */
static void many_numbers_per_template_round_trip(void **state)
{
    (void)state;
    enum { LOGS = 60 };
    static char bufs[LOGS][512];
    struct archive_codec_rec recs[LOGS];
    for (int i = 0; i < LOGS; i++) {
        size_t len = 0;
        int numbers = i % 3 == 0 ? 5 : i % 3 == 1 ? 31 + i % 5 : 70;
        for (int k = 0; k < numbers; k++)
            len += (size_t)snprintf(bufs[i] + len, sizeof(bufs[i]) - len, "f%d=%d ", k % 7,
                                    (i * 37 + k * 11) % 1000);
        recs[i] = rec_of(bufs[i], (uint32_t)len, 1795000000000000000LL + i);
    }
    round_trip(recs, LOGS, 3);
    round_trip(recs, LOGS, 0);
}

static void random_bytes_round_trip(void **state)
{
    srand(7);
    enum { N = 300 };
    struct archive_codec_rec recs[N];
    char *bufs[N];
    for (int i = 0; i < N; i++) {
        uint32_t len = (uint32_t)(rand() % 600);
        bufs[i] = malloc(len + 1);
        for (uint32_t j = 0; j < len; j++) {
            int k = rand() % 4;
            bufs[i][j] = (char)(k == 0 ? '0' + rand() % 10 : k == 1 ? rand() % 4 : rand() % 256);
        }
        recs[i] = rec_of(bufs[i], len, (int64_t)rand() * 1000);
        recs[i].device_id = (uint32_t)rand();
    }
    round_trip(recs, N, 3);
    for (int i = 0; i < N; i++)
        free(bufs[i]);
}

static void long_lines_round_trip(void **state)
{
    uint32_t len = 64 * 1024 + 17;
    char *big = malloc(len);
    for (uint32_t i = 0; i < len; i++)
        big[i] = (char)(i % 7 == 0 ? '0' + i % 10 : 'a' + i % 26);
    struct archive_codec_rec recs[2] = {rec_of(big, len, 1), rec_of(big, 65536, 2)};
    round_trip(recs, 2, 3);
    free(big);
}

static void slice_since_mark_decodes_alone(void **state)
{
    struct archive_codec_enc e;
    struct archive_codec_dec d;
    struct archive_codec_mark m;
    struct ym_buf out = YM_BUF_INIT;
    archive_codec_enc_init(&e);
    archive_codec_dec_init(&d);
    struct archive_codec_rec first = rec_of("first 1", 7, 1000);
    struct archive_codec_rec rest[2] = {rec_of("second 22", 9, 2000), rec_of("third 333", 9, 1500)};
    archive_codec_enc_add(&e, &first);
    archive_codec_enc_mark(&e, &m);
    archive_codec_enc_add(&e, &rest[0]);
    archive_codec_enc_add(&e, &rest[1]);
    assert_int_equal(archive_codec_enc_finish(&e, &m, 1, &out), YM_OK);
    struct expect x = {rest, 2, 0};
    assert_int_equal(archive_codec_decode(&d, out.data, out.len, check_rec, &x, NULL), YM_OK);
    assert_int_equal(x.seen, 2);
    ym_buf_free(&out);
    archive_codec_enc_free(&e);
    archive_codec_dec_free(&d);
}

static int count_only(void *arg, const struct archive_codec_rec *r, uint32_t index)
{
    (*(int *)arg)++;
    return 0;
}

static void damaged_blobs_are_refused(void **state)
{
    struct archive_codec_enc e;
    struct archive_codec_dec d;
    struct ym_buf out = YM_BUF_INIT;
    archive_codec_enc_init(&e);
    archive_codec_dec_init(&d);
    struct archive_codec_rec r = rec_of("deny tcp 10.0.0.1/443", 21, 9);
    archive_codec_enc_add(&e, &r);
    assert_int_equal(archive_codec_enc_finish(&e, NULL, 0, &out), YM_OK);
    int n = 0;
    /* every truncation is refused */
    for (size_t cut = 0; cut < out.len; cut++)
        assert_int_equal(archive_codec_decode(&d, out.data, cut, count_only, &n, NULL), YM_ECORRUPT);
    /* an unknown version is refused */
    out.data[0] = 99;
    assert_int_equal(archive_codec_decode(&d, out.data, out.len, count_only, &n, NULL), YM_ECORRUPT);
    ym_buf_free(&out);
    archive_codec_enc_free(&e);
    archive_codec_dec_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(syslog_lines_round_trip),
        cmocka_unit_test(control_bytes_and_invalid_utf8_round_trip),
        cmocka_unit_test(many_numbers_per_template_round_trip),
        cmocka_unit_test(random_bytes_round_trip),
        cmocka_unit_test(long_lines_round_trip),
        cmocka_unit_test(slice_since_mark_decodes_alone),
        cmocka_unit_test(damaged_blobs_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
