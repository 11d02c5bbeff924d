/* Unit tests of parse_syslog: both header formats, the RFC 5424 examples,
 * device variants, malformed headers, year inference and zones, structured
 * data, and the generic `syslog` decoder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/ym_time.h"
#include "parse/parse_ecs.h"
#include "parse/parse_kv.h"
#include "parse/parse_syslog.h"

static int64_t T(const char *rfc3339)
{
    int64_t t = 0;
    assert_int_equal(ym_time_parse_arg(rfc3339, 0, &t), YM_OK);
    return t;
}

#define NOW T("2026-11-22T12:00:00Z")

static void assert_slice(struct parse_slice s, const char *want)
{
    if (!want) {
        assert_null(s.p);
        return;
    }
    assert_non_null(s.p);
    assert_int_equal(s.len, strlen(want));
    assert_memory_equal(s.p, want, s.len);
}

static struct parse_syslog_hdr split(const char *line, const char *tz, int64_t now, enum ym_status want)
{
    struct parse_syslog_hdr h;
    assert_int_equal(parse_syslog_header(line, strlen(line), tz, now, &h), want);
    return h;
}

static void test_3164_asa(void **state)
{
    (void)state;
    struct parse_syslog_hdr h =
        split("<134>Nov 22 10:00:00 fw01 %ASA-6-302013: Built inbound", NULL, NOW, YM_OK);
    assert_int_equal(h.pri, 134);
    assert_int_equal(h.version, 0);
    assert_slice(h.hostname, "fw01");
    assert_slice(h.timestamp, "Nov 22 10:00:00");
    assert_slice(h.appname, NULL);
    assert_slice(h.msg, "%ASA-6-302013: Built inbound");
    assert_int_equal(h.time_ns, T("2026-11-22T10:00:00Z"));
    assert_false(h.time_has_year);
    assert_false(h.time_has_offset);
}

static void test_3164_year_and_colon_host(void **state)
{
    (void)state;
    struct parse_syslog_hdr h =
        split("<166>Nov 22 2025 10:00:00 fw01 : %ASA-6-302013: Built", NULL, NOW, YM_OK);
    assert_slice(h.hostname, "fw01");
    assert_slice(h.msg, "%ASA-6-302013: Built");
    assert_true(h.time_has_year);
    assert_int_equal(h.time_ns, T("2025-11-22T10:00:00Z"));

    h = split("May  5 17:51:17 dev01: %FTD-6-302013: Built", NULL, NOW, YM_OK);
    assert_int_equal(h.pri, -1);
    assert_slice(h.hostname, "dev01");
    assert_slice(h.msg, "%FTD-6-302013: Built");
    assert_int_equal(h.time_ns, T("2026-05-05T17:51:17Z"));
}

static void test_3164_asa_without_host(void **state)
{
    (void)state;
    struct parse_syslog_hdr h = split("<166>Nov 22 2026 10:00:00: %ASA-6-106100: x", NULL, NOW, YM_OK);
    assert_slice(h.hostname, NULL);
    assert_slice(h.msg, "%ASA-6-106100: x");
    h = split("<166>Nov 22 10:00:00 %ASA-6-106100: x", NULL, NOW, YM_OK);
    assert_slice(h.hostname, NULL);
    assert_slice(h.msg, "%ASA-6-106100: x");
}

static void test_3164_tag_pid(void **state)
{
    (void)state;
    struct parse_syslog_hdr h =
        split("<38>Nov  2 09:01:02 web1 sshd[4321]: Accepted password for bob", NULL, NOW, YM_OK);
    assert_slice(h.hostname, "web1");
    assert_slice(h.appname, "sshd");
    assert_slice(h.procid, "4321");
    assert_slice(h.msg, "Accepted password for bob");
    assert_int_equal(h.time_ns, T("2026-11-02T09:01:02Z"));

    /* No hostname: the first token is already the tag. */
    h = split("<13>Nov 22 10:00:00 cron[7]: job done", NULL, NOW, YM_OK);
    assert_slice(h.hostname, NULL);
    assert_slice(h.appname, "cron");
    assert_slice(h.procid, "7");
    assert_slice(h.msg, "job done");

    /* A tag without pid; a CEF body is not a tag. */
    h = split("<13>Nov 22 10:00:00 nsp1 SyslogAlertForwarder: Attack x", NULL, NOW, YM_OK);
    assert_slice(h.appname, "SyslogAlertForwarder");
    assert_slice(h.msg, "Attack x");
    h = split("<13>Nov 22 10:00:00 cm1 CEF:0|FireEye|CMS|1|x|y|7|src=1.2.3.4", NULL, NOW, YM_OK);
    assert_slice(h.hostname, "cm1");
    assert_slice(h.appname, NULL);
    assert_slice(h.msg, "CEF:0|FireEye|CMS|1|x|y|7|src=1.2.3.4");
}

static void test_iso_timestamps(void **state)
{
    (void)state;
    struct parse_syslog_hdr h =
        split("2026-11-22T10:00:00.123456+09:00 host app[1]: msg", "Europe/Paris", NOW, YM_OK);
    assert_int_equal(h.time_ns, T("2026-11-22T01:00:00.123456Z"));
    assert_true(h.time_has_offset);
    assert_true(h.time_has_year);
    assert_slice(h.hostname, "host");
    assert_slice(h.appname, "app");

    h = split("<14>2026-11-22T10:00:00 host msg here", "+09:00", NOW, YM_OK);
    assert_int_equal(h.time_ns, T("2026-11-22T01:00:00Z"));
    assert_false(h.time_has_offset);
    assert_slice(h.msg, "msg here");
}

/* The four examples of RFC 5424 section 6.5. */
static void test_5424_rfc_examples(void **state)
{
    (void)state;
    struct parse_syslog_hdr h = split("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - "
                                      "\xEF\xBB\xBF'su root' failed for lonvick on /dev/pts/8",
                                      NULL, NOW, YM_OK);
    assert_int_equal(h.pri, 34);
    assert_int_equal(h.version, 1);
    assert_int_equal(h.time_ns, T("2003-10-11T22:14:15.003Z"));
    assert_slice(h.hostname, "mymachine.example.com");
    assert_slice(h.appname, "su");
    assert_slice(h.procid, NULL);
    assert_slice(h.msgid, "ID47");
    assert_slice(h.sd, NULL);
    assert_slice(h.msg, "'su root' failed for lonvick on /dev/pts/8");

    h = split("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make "
              "the do-nuts.",
              NULL, NOW, YM_OK);
    assert_int_equal(h.time_ns, T("2003-08-24T12:14:15.000003Z"));
    assert_slice(h.hostname, "192.0.2.1");
    assert_slice(h.procid, "8710");
    assert_slice(h.msgid, NULL);
    assert_slice(h.msg, "%% It's time to make the do-nuts.");

    h = split("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
              "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] "
              "\xEF\xBB\xBF" "An application event log entry...",
              NULL, NOW, YM_OK);
    assert_slice(h.sd, "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]");
    assert_slice(h.msg, "An application event log entry...");

    h = split("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
              "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
              "[examplePriority@32473 class=\"high\"]",
              NULL, NOW, YM_OK);
    assert_slice(h.sd, "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
                       "[examplePriority@32473 class=\"high\"]");
    assert_int_equal(h.msg.len, 0);
}

static void test_5424_nil_and_escapes(void **state)
{
    (void)state;
    struct parse_syslog_hdr h =
        split("<13>1 - - - - - [a@1 x=\"q\\\"]\\\\\"] body", NULL, NOW, YM_OK);
    assert_int_equal(h.time_ns, 0);
    assert_slice(h.timestamp, NULL);
    assert_slice(h.hostname, NULL);
    assert_slice(h.appname, NULL);
    assert_slice(h.sd, "[a@1 x=\"q\\\"]\\\\\"]");
    assert_slice(h.msg, "body");
}

static void test_malformed(void **state)
{
    (void)state;
    const char *bad[] = {"",  "<",   "<999>x", "<13", "<13>1 ", "<13>1",
                         "Nov", "Nov 99 10:00:00 x", "<1a>Nov 22 10:00:00 h m"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct parse_syslog_hdr h;
        parse_syslog_header(bad[i], strlen(bad[i]), NULL, NOW, &h);
        assert_non_null(h.msg.p);
        assert_true(h.msg.p >= bad[i] && h.msg.p + h.msg.len <= bad[i] + strlen(bad[i]));
    }
    /* No header at all: the message is the whole line. */
    const char *pan = "1,2012/04/10 04:39:55,001606001116,TRAFFIC,start";
    struct parse_syslog_hdr h = split(pan, NULL, NOW, YM_EDECLINED);
    assert_slice(h.msg, pan);
    assert_int_equal(h.pri, -1);
    /* A PRI alone is a header whose message is the rest. */
    h = split("<13>just text", NULL, NOW, YM_OK);
    assert_slice(h.msg, "just text");
    /* Broken structured data: the rest is the message, no crash. */
    h = split("<13>1 2026-11-22T10:00:00Z h a - - [unterminated x=\"1\" rest", NULL, NOW, YM_OK);
    assert_slice(h.sd, NULL);
    /* BOM before everything. */
    h = split("\xEF\xBB\xBF<13>Nov 22 10:00:00 h1 m", NULL, NOW, YM_OK);
    assert_int_equal(h.pri, 13);
    assert_slice(h.hostname, "h1");
}

/* Lenient forms seen from real senders (and accepted by jc, rsyslog). */
static void test_lenient_forms(void **state)
{
    (void)state;
    struct parse_syslog_hdr h =
        split("1 2003-10-11T22:14:15.003Z mymachine su - ID47 - msg", NULL, NOW, YM_OK);
    assert_int_equal(h.pri, -1);
    assert_int_equal(h.version, 1);
    assert_slice(h.appname, "su");
    assert_slice(h.msgid, "ID47");
    assert_slice(h.msg, "msg");

    h = split("2003-10-11T22:14:15.003Z mymachine evntslog - ID47 [a@1 b=\"c\"]", NULL, NOW, YM_OK);
    assert_int_equal(h.version, 0);
    assert_slice(h.hostname, "mymachine");
    assert_slice(h.appname, "evntslog");
    assert_slice(h.msgid, "ID47");
    assert_slice(h.sd, "[a@1 b=\"c\"]");

    h = split("<1>12 - mymachine - - ID47 - asd", NULL, NOW, YM_OK);
    assert_int_equal(h.version, 12);
    assert_int_equal(h.time_ns, 0);
    assert_slice(h.hostname, "mymachine");
    assert_slice(h.msg, "asd");

    h = split("Mar  8 09:01:07 avas sshd(pam_unix)[21839]: session opened", NULL, NOW, YM_OK);
    assert_slice(h.appname, "sshd");
    assert_slice(h.procid, "21839");
    assert_slice(h.msg, "session opened");

    h = split("Mar  8 15:18:40 127:0:ab::1 sshd: unauthorized request", NULL, NOW, YM_OK);
    assert_slice(h.hostname, "127:0:ab::1");
    assert_slice(h.appname, "sshd");

    h = split("Mar  8 15:18:40 avas: last message repeated 11 times", NULL, NOW, YM_OK);
    assert_slice(h.hostname, "avas");
    assert_slice(h.appname, NULL);
    assert_slice(h.msg, "last message repeated 11 times");
}

static void test_year_inference(void **state)
{
    (void)state;
    /* Just after New Year, a December log belongs to last year. */
    struct parse_syslog_hdr h =
        split("<13>Dec 31 23:59:00 h m", NULL, T("2027-01-01T00:30:00Z"), YM_OK);
    assert_int_equal(h.time_ns, T("2026-12-31T23:59:00Z"));
    /* A device clock slightly ahead across New Year: next year. */
    h = split("<13>Jan  1 00:10:00 h m", NULL, T("2026-12-31T23:00:00Z"), YM_OK);
    assert_int_equal(h.time_ns, T("2027-01-01T00:10:00Z"));
    /* Tomorrow is allowed (a day of skew), the day after is last year. */
    h = split("<13>Nov 23 11:00:00 h m", NULL, NOW, YM_OK);
    assert_int_equal(h.time_ns, T("2026-11-23T11:00:00Z"));
    h = split("<13>Nov 24 13:00:00 h m", NULL, NOW, YM_OK);
    assert_int_equal(h.time_ns, T("2025-11-24T13:00:00Z"));
    /* Feb 29 goes to the last leap year. */
    h = split("<13>Feb 29 10:00:00 h m", NULL, T("2027-03-01T00:00:00Z"), YM_OK);
    assert_int_equal(h.time_ns, T("2024-02-29T10:00:00Z"));
}

static void test_zones(void **state)
{
    (void)state;
    struct parse_syslog_hdr h = split("<13>Nov 22 10:00:00 h m", "+09:00", NOW, YM_OK);
    assert_int_equal(h.time_ns, T("2026-11-22T01:00:00Z"));
    h = split("<13>Nov 22 10:00:00 h m", "-0500", NOW, YM_OK);
    assert_int_equal(h.time_ns, T("2026-11-22T15:00:00Z"));
    /* Named zone with daylight saving time. */
    h = split("<13>Jul  1 12:00:00 h m", "Europe/Paris", NOW, YM_OK);
    assert_int_equal(h.time_ns, T("2026-07-01T10:00:00Z"));
    h = split("<13>Jan  1 12:00:00 h m", "Europe/Paris", NOW, YM_OK);
    assert_int_equal(h.time_ns, T("2026-01-01T11:00:00Z"));
    /* An explicit offset wins over the device zone. */
    h = split("<13>1 2026-11-22T10:00:00+02:00 h a - - - m", "Asia/Tokyo", NOW, YM_OK);
    assert_int_equal(h.time_ns, T("2026-11-22T08:00:00Z"));
}

struct sd_seen {
    char text[512];
    size_t len;
};

static void on_param(void *arg, struct parse_slice id, struct parse_slice name, struct parse_slice value)
{
    struct sd_seen *s = arg;
    char v[128];
    size_t n = parse_syslog_sd_unescape(value, v);
    int w = snprintf(s->text + s->len, sizeof s->text - s->len, "%.*s/%.*s=%.*s;", (int)id.len, id.p,
                     (int)name.len, name.p, (int)n, v);
    s->len += (size_t)w;
}

static void test_sd_each(void **state)
{
    (void)state;
    const char *sd = "[a@1 x=\"q\\\"]\\\\\" y=\"\"][b z=\"c\\]d\"]";
    struct parse_slice s = {sd, (uint32_t)strlen(sd)};
    struct sd_seen seen = {{0}, 0};
    assert_int_equal(parse_syslog_sd_each(s, on_param, &seen), YM_OK);
    assert_string_equal(seen.text, "a@1/x=q\"]\\;a@1/y=;b/z=c]d;");

    const char *bad[] = {"[a x=1]", "[a x=\"1]", "a", "[]", "[a x]"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct parse_slice b = {bad[i], (uint32_t)strlen(bad[i])};
        struct sd_seen ignored = {{0}, 0};
        assert_int_equal(parse_syslog_sd_each(b, on_param, &ignored), YM_EPARSE);
    }
}

static const struct ym_field *get(const struct ym_fields *f, const char *name)
{
    return ym_fields_get(f, name);
}

static void assert_field(const struct ym_fields *f, const char *name, const char *want)
{
    const struct ym_field *x = get(f, name);
    assert_non_null(x);
    assert_int_equal(x->len, strlen(want));
    assert_memory_equal(x->str, want, x->len);
}

static void test_decoder(void **state)
{
    (void)state;
    struct ym_arena arena;
    ym_arena_init(&arena, 1 << 16, 0);
    struct ym_record rec;
    memset(&rec, 0, sizeof rec);
    const char *line = "<165>1 2003-10-11T22:14:15.003Z mymachine evntslog 77 ID47 "
                       "[exampleSDID@32473 iut=\"3\" note=\"a\\\"b\"] user=alice action=\"log in\" ok";
    rec.raw = line;
    rec.raw_len = (uint32_t)strlen(line);
    ym_fields_init(&rec.fields, &arena);
    struct parse_syslog_hdr h;
    parse_syslog_header(line, strlen(line), NULL, NOW, &h);
    struct parse_ctx ctx = {"syslog", NULL, NOW};
    assert_int_equal(parse_syslog_decode(&ctx, &h, &rec), YM_OK);
    assert_field(&rec.fields, "host.hostname", "mymachine");
    assert_field(&rec.fields, "process.name", "evntslog");
    assert_int_equal(get(&rec.fields, "process.pid")->num, 77);
    assert_field(&rec.fields, "event.code", "ID47");
    assert_field(&rec.fields, "syslog.sd.exampleSDID@32473.iut", "3");
    assert_field(&rec.fields, "syslog.sd.exampleSDID@32473.note", "a\"b");
    assert_field(&rec.fields, "syslog.kv.user", "alice");
    assert_field(&rec.fields, "syslog.kv.action", "log in");
    assert_field(&rec.fields, "message", "user=alice action=\"log in\" ok");

    /* Neither header nor pairs: not ours. */
    ym_fields_clear(&rec.fields);
    const char *plain = "hello world";
    parse_syslog_header(plain, strlen(plain), NULL, NOW, &h);
    assert_int_equal(parse_syslog_decode(&ctx, &h, &rec), YM_EDECLINED);
    ym_arena_fini(&arena);
}

struct kv_seen {
    char text[512];
    size_t len;
};

static int on_kv(void *arg, const struct parse_kv_pair *kv)
{
    struct kv_seen *s = arg;
    int w = snprintf(s->text + s->len, sizeof s->text - s->len, "%.*s=%.*s%s|", (int)kv->key_len,
                     kv->key, (int)kv->val_len, kv->val, kv->quoted ? "(q)" : "");
    s->len += (size_t)w;
    return 0;
}

static const char *kv(const char *s, int style)
{
    static struct kv_seen seen;
    memset(&seen, 0, sizeof seen);
    parse_kv_each(s, strlen(s), style, on_kv, &seen);
    return seen.text;
}

static void test_kv(void **state)
{
    (void)state;
    assert_string_equal(kv("src=10.0.0.1, dst=10.0.0.2 act=allow", PARSE_KV_EQUALS),
                        "src=10.0.0.1|dst=10.0.0.2|act=allow|");
    assert_string_equal(kv("word a=\"x \\\" y\" b='z' c=", PARSE_KV_EQUALS),
                        "a=x \\\" y(q)|b=z(q)|c=|");
    assert_string_equal(kv("msg=Port scan seen act=blocked src=1.2.3.4",
                           PARSE_KV_EQUALS | PARSE_KV_VALUE_SPACES),
                        "msg=Port scan seen|act=blocked|src=1.2.3.4|");
    assert_string_equal(kv("SrcIP: 10.0.0.1, DstPort: 443, Attack Name: a, b, User: ",
                           PARSE_KV_COLON),
                        "SrcIP=10.0.0.1|DstPort=443|Attack Name=a, b|User=|");
    assert_string_equal(kv("no pairs here", PARSE_KV_EQUALS), "");
    char out[16];
    assert_int_equal(parse_kv_unescape("a\\\"b\\\\", 6, out), 4);
    assert_memory_equal(out, "a\"b\\", 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_3164_asa),
        cmocka_unit_test(test_3164_year_and_colon_host),
        cmocka_unit_test(test_3164_asa_without_host),
        cmocka_unit_test(test_3164_tag_pid),
        cmocka_unit_test(test_iso_timestamps),
        cmocka_unit_test(test_5424_rfc_examples),
        cmocka_unit_test(test_5424_nil_and_escapes),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_lenient_forms),
        cmocka_unit_test(test_year_inference),
        cmocka_unit_test(test_zones),
        cmocka_unit_test(test_sd_each),
        cmocka_unit_test(test_decoder),
        cmocka_unit_test(test_kv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
