/* RFC 6587 framing: octet counting and LF/NUL framing on one stream. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/ym_batch.h"
#include "intake/intake_frame.h"

#define MAX_MSGS 64
#define CONN_BUF (128u * 1024)

struct got {
    char *msg[MAX_MSGS];
    size_t len[MAX_MSGS];
    int truncated[MAX_MSGS];
    int count;
    int refuse_after; /* stop (back-pressure) once this many were taken; -1 = never */
};

static int collect(void *arg, const char *msg, size_t len, int truncated)
{
    struct got *g = arg;
    if (g->refuse_after >= 0 && g->count >= g->refuse_after)
        return 1;
    assert_true(g->count < MAX_MSGS);
    g->msg[g->count] = malloc(len + 1);
    memcpy(g->msg[g->count], msg, len);
    g->msg[g->count][len] = '\0';
    g->len[g->count] = len;
    g->truncated[g->count] = truncated;
    g->count++;
    return 0;
}

static void got_free(struct got *g)
{
    for (int i = 0; i < g->count; i++)
        free(g->msg[i]);
}

/* Feeds input in chunks of `chunk` bytes through a bounded buffer, as a
 * connection does, then signals eof. */
static void feed(struct got *g, const char *input, size_t len, size_t chunk)
{
    struct intake_frame f;
    intake_frame_init(&f);
    char *buf = malloc(CONN_BUF);
    size_t have = 0, off = 0;
    while (off < len) {
        size_t n = len - off < chunk ? len - off : chunk;
        if (n > CONN_BUF - have)
            n = CONN_BUF - have;
        memcpy(buf + have, input + off, n);
        have += n;
        off += n;
        size_t used = intake_frame_feed(&f, buf, have, 0, collect, g);
        memmove(buf, buf + used, have - used);
        have -= used;
    }
    size_t used = intake_frame_feed(&f, buf, have, 1, collect, g);
    assert_int_equal(used, have);
    free(buf);
}

static void octet_counted_frames_are_cut_by_their_count(void **state)
{
    (void)state;
    const char in[] = "10 <13>hello\n10 <13>world!";
    struct got g = {.refuse_after = -1};
    feed(&g, in, sizeof in - 1, 4096);
    assert_int_equal(g.count, 2);
    assert_string_equal(g.msg[0], "<13>hello"); /* trailing LF inside the count removed */
    assert_string_equal(g.msg[1], "<13>world!");
    got_free(&g);
}

static void newline_frames_end_at_lf_nul_or_crlf(void **state)
{
    (void)state;
    const char in[] = "<13>one\n<13>two\r\n<13>three\0<13>four\n\n\n";
    struct got g = {.refuse_after = -1};
    feed(&g, in, sizeof in - 1, 4096);
    assert_int_equal(g.count, 4);
    assert_string_equal(g.msg[0], "<13>one");
    assert_string_equal(g.msg[1], "<13>two");
    assert_string_equal(g.msg[2], "<13>three");
    assert_string_equal(g.msg[3], "<13>four");
    got_free(&g);
}

static void both_framings_mix_on_one_stream(void **state)
{
    (void)state;
    /* an octet-counted message may contain LF; a LF frame may start with digits */
    const char in[] = "14 <13>two\nlines!<13>lf frame\n2026 not counted\n8 <13>last";
    struct got g = {.refuse_after = -1};
    feed(&g, in, sizeof in - 1, 4096);
    assert_int_equal(g.count, 4);
    assert_string_equal(g.msg[0], "<13>two\nlines!");
    assert_string_equal(g.msg[1], "<13>lf frame");
    assert_string_equal(g.msg[2], "2026 not counted");
    assert_string_equal(g.msg[3], "<13>last");
    got_free(&g);
}

static void frames_split_across_reads_come_out_whole(void **state)
{
    (void)state;
    const char in[] = "14 <13>two\nlines!<13>lf frame\r\n123456789"
                      "\n8 <13>last<14>x\n";
    for (size_t chunk = 1; chunk < 12; chunk++) {
        struct got g = {.refuse_after = -1};
        feed(&g, in, sizeof in - 1, chunk);
        assert_int_equal(g.count, 5);
        assert_string_equal(g.msg[0], "<13>two\nlines!");
        assert_string_equal(g.msg[1], "<13>lf frame");
        assert_string_equal(g.msg[2], "123456789");
        assert_string_equal(g.msg[3], "<13>last");
        assert_string_equal(g.msg[4], "<14>x");
        got_free(&g);
    }
}

static void oversize_lf_message_is_cut_and_the_rest_skipped(void **state)
{
    (void)state;
    size_t big = YM_LOG_MAX_BYTES + 5000;
    char *in = malloc(big + 32);
    memset(in, 'A', big);
    in[big] = '\n';
    memcpy(in + big + 1, "<13>next\n", 9);
    struct got g = {.refuse_after = -1};
    feed(&g, in, big + 10, 7000);
    assert_int_equal(g.count, 2);
    assert_int_equal(g.len[0], YM_LOG_MAX_BYTES);
    assert_true(g.truncated[0]);
    assert_string_equal(g.msg[1], "<13>next");
    assert_false(g.truncated[1]);
    got_free(&g);
    free(in);
}

static void oversize_octet_counted_message_is_cut_and_the_rest_skipped(void **state)
{
    (void)state;
    size_t body = YM_LOG_MAX_BYTES + 70000;
    char *in = malloc(body + 64);
    int h = snprintf(in, 32, "%zu ", body);
    in[h] = '<';
    memset(in + h + 1, 'B', body - 1);
    memcpy(in + h + body, "<13>after\n", 10);
    struct got g = {.refuse_after = -1};
    feed(&g, in, (size_t)h + body + 10, 50000);
    assert_int_equal(g.count, 2);
    assert_int_equal(g.len[0], YM_LOG_MAX_BYTES);
    assert_true(g.truncated[0]);
    assert_string_equal(g.msg[1], "<13>after");
    got_free(&g);
    free(in);
}

static void garbage_and_utf8_bytes_are_kept_as_sent(void **state)
{
    (void)state;
    const char in[] = "<13>caf\xc3\xa9 \xff\xfe\x01\x7f bytes\n\xe6\x97\xa5\xe6\x9c\xac\n";
    struct got g = {.refuse_after = -1};
    feed(&g, in, sizeof in - 1, 3);
    assert_int_equal(g.count, 2);
    assert_memory_equal(g.msg[0], "<13>caf\xc3\xa9 \xff\xfe\x01\x7f bytes", 20);
    assert_string_equal(g.msg[1], "\xe6\x97\xa5\xe6\x9c\xac");
    got_free(&g);
}

static void last_line_without_newline_is_delivered_at_eof(void **state)
{
    (void)state;
    const char in[] = "<13>a\n<13>no newline";
    struct got g = {.refuse_after = -1};
    feed(&g, in, sizeof in - 1, 4096);
    assert_int_equal(g.count, 2);
    assert_string_equal(g.msg[1], "<13>no newline");
    got_free(&g);
}

static void octet_counted_message_cut_by_close_is_kept_and_counted(void **state)
{
    (void)state;
    const char in[] = "40 <13>only part";
    struct intake_frame f;
    intake_frame_init(&f);
    struct got g = {.refuse_after = -1};
    assert_int_equal(intake_frame_feed(&f, in, sizeof in - 1, 0, collect, &g), 0);
    assert_int_equal(intake_frame_feed(&f, in, sizeof in - 1, 1, collect, &g), sizeof in - 1);
    assert_int_equal(g.count, 1);
    assert_string_equal(g.msg[0], "<13>only part");
    assert_int_equal(f.incomplete, 1);
    got_free(&g);
}

static void refused_message_is_offered_again(void **state)
{
    (void)state;
    const char in[] = "<13>a\n<13>b\n<13>c\n";
    struct intake_frame f;
    intake_frame_init(&f);
    struct got g = {.refuse_after = 1};
    size_t used = intake_frame_feed(&f, in, sizeof in - 1, 0, collect, &g);
    assert_int_equal(g.count, 1);
    assert_int_equal(used, 6); /* "<13>a\n" only */
    g.refuse_after = -1;
    used += intake_frame_feed(&f, in + used, sizeof in - 1 - used, 0, collect, &g);
    assert_int_equal(g.count, 3);
    assert_string_equal(g.msg[1], "<13>b");
    assert_int_equal(used, sizeof in - 1);
    got_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(octet_counted_frames_are_cut_by_their_count),
        cmocka_unit_test(newline_frames_end_at_lf_nul_or_crlf),
        cmocka_unit_test(both_framings_mix_on_one_stream),
        cmocka_unit_test(frames_split_across_reads_come_out_whole),
        cmocka_unit_test(oversize_lf_message_is_cut_and_the_rest_skipped),
        cmocka_unit_test(oversize_octet_counted_message_is_cut_and_the_rest_skipped),
        cmocka_unit_test(garbage_and_utf8_bytes_are_kept_as_sent),
        cmocka_unit_test(last_line_without_newline_is_delivered_at_eof),
        cmocka_unit_test(octet_counted_message_cut_by_close_is_kept_and_counted),
        cmocka_unit_test(refused_message_is_offered_again),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
