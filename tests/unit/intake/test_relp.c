/* RELP frame parser and response window. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "intake/intake_relp.h"

static void open_syslog_close_frames_parse(void **state)
{
    (void)state;
    const char in[] = "1 open 86 relp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\ncommands=syslog\n"
                      "2 syslog 15 <13>hello world\n"
                      "3 close 0\n";
    struct intake_relp_frame fr;
    size_t len = 0, pos = 0;
    assert_int_equal(intake_relp_parse(in, sizeof in - 1, &fr, &len), YM_OK);
    assert_int_equal(len, 97); /* "1 open 86 " + 86 + LF */
    assert_int_equal(fr.txnr, 1);
    assert_true(intake_relp_is(&fr, "open"));
    assert_int_equal(fr.data_len, 86);
    pos += len;
    assert_int_equal(intake_relp_parse(in + pos, sizeof in - 1 - pos, &fr, &len), YM_OK);
    assert_int_equal(fr.txnr, 2);
    assert_true(intake_relp_is(&fr, "syslog"));
    assert_int_equal(fr.data_len, 15);
    assert_memory_equal(fr.data, "<13>hello world", 15);
    pos += len;
    assert_int_equal(intake_relp_parse(in + pos, sizeof in - 1 - pos, &fr, &len), YM_OK);
    assert_true(intake_relp_is(&fr, "close"));
    assert_int_equal(fr.data_len, 0);
    pos += len;
    assert_int_equal(pos, sizeof in - 1);
}

static void split_frame_asks_for_more_at_every_cut(void **state)
{
    (void)state;
    const char in[] = "42 syslog 5 a\nb c\n";
    struct intake_relp_frame fr;
    size_t len = 99;
    for (size_t cut = 0; cut < sizeof in - 1; cut++) {
        assert_int_equal(intake_relp_parse(in, cut, &fr, &len), YM_OK);
        assert_int_equal(len, 0);
    }
    assert_int_equal(intake_relp_parse(in, sizeof in - 1, &fr, &len), YM_OK);
    assert_int_equal(len, sizeof in - 1);
    assert_memory_equal(fr.data, "a\nb c", 5);
}

static void bad_frames_are_rejected(void **state)
{
    (void)state;
    const char *bad[] = {
        "x open 0\n",             /* txnr not a number */
        "1234567890 syslog 1 a\n", /* txnr too long */
        "1 sys!og 1 a\n",          /* command not letters */
        "1  syslog 1 a\n",         /* empty command */
        "1 syslog 3 abcd\n",       /* no trailer after DATALEN bytes */
        "1 syslog 999999999 ",     /* larger than we take */
        "1 syslog 3abc\n",         /* no space before data */
        "GET / HTTP/1.1\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct intake_relp_frame fr;
        size_t len = 0;
        assert_int_equal(intake_relp_parse(bad[i], strlen(bad[i]), &fr, &len), YM_EPARSE);
    }
}

static void responses_wait_for_acks_and_keep_order(void **state)
{
    (void)state;
    static struct intake_relp_window w;
    intake_relp_window_init(&w);
    char out[512];
    int closing = 0;
    assert_int_equal(intake_relp_window_push(&w, 1, INTAKE_RELP_RSP_OPEN, 1), YM_OK);
    assert_int_equal(intake_relp_window_push(&w, 2, INTAKE_RELP_RSP_OK, 0), YM_OK);
    assert_int_equal(intake_relp_window_push(&w, 3, INTAKE_RELP_RSP_OK, 0), YM_OK);
    assert_int_equal(intake_relp_window_push(&w, 4, INTAKE_RELP_RSP_CLOSE, 1), YM_OK);
    size_t n = intake_relp_window_drain(&w, out, sizeof out, &closing);
    out[n] = '\0';
    assert_string_equal(out, "1 rsp 58 200 OK\nrelp_version=0\nrelp_software=yamori\ncommands=syslog\n");
    assert_int_equal(intake_relp_window_ack(&w, 3), YM_OK);
    assert_int_equal(intake_relp_window_drain(&w, out, sizeof out, &closing), 0); /* 2 first */
    assert_int_equal(intake_relp_window_ack(&w, 9), YM_ENOTFOUND);
    assert_int_equal(intake_relp_window_ack(&w, 2), YM_OK);
    n = intake_relp_window_drain(&w, out, sizeof out, &closing);
    out[n] = '\0';
    assert_string_equal(out, "2 rsp 6 200 OK\n3 rsp 6 200 OK\n4 rsp 6 200 OK\n");
    assert_int_equal(closing, 1);
    assert_int_equal(w.count, 0);
}

static void window_is_bounded(void **state)
{
    (void)state;
    static struct intake_relp_window w;
    intake_relp_window_init(&w);
    for (uint32_t i = 1; i <= INTAKE_RELP_WINDOW; i++)
        assert_int_equal(intake_relp_window_push(&w, i, INTAKE_RELP_RSP_OK, 0), YM_OK);
    assert_true(intake_relp_window_full(&w));
    assert_int_equal(intake_relp_window_push(&w, 5000, INTAKE_RELP_RSP_OK, 0), YM_EFULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(open_syslog_close_frames_parse),
        cmocka_unit_test(split_frame_asks_for_more_at_every_cut),
        cmocka_unit_test(bad_frames_are_rejected),
        cmocka_unit_test(responses_wait_for_acks_and_keep_order),
        cmocka_unit_test(window_is_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
