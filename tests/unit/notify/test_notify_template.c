/* Unit tests of the notification templates (notify/notify_template.h):
 * what the customer reads in English and Japanese, the mail's encoding
 * (RFC 2047 subject, base64 UTF-8 body), and the webhook payloads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/ym_time.h"
#include "notify/notify_template.h"

/* 2026-11-22T10:00:00Z */
#define T0 (INT64_C(1795341600) * YM_NS_PER_S)

static const struct notify_item sqli = {
    .id = 42,
    .title = "SQL injection answered 200 by web01",
    .severity = "critical",
    .status = "new",
    .rule_id = "web-sqli",
    .source_ip = "203.0.113.5",
    .destination_ip = "10.0.0.80",
    .response = "Take web01 off the network.",
    .first_detection_ns = T0,
};

static struct notify_message_in msg_of(const struct notify_item *it, const char *lang,
                                       const char *tz)
{
    return (struct notify_message_in){.language = lang, .tenant = "acme",
                                      .tenant_display = "ACME Corporation", .timezone = tz,
                                      .portal_url = "https://soc.example.com/", .reason = "new",
                                      .items = it, .item_count = 1};
}

static void render(const struct notify_message_in *in, struct ym_buf *subject, struct ym_buf *body)
{
    notify_template_render(in, subject, body);
    assert_non_null(subject->data);
    assert_non_null(body->data);
}

static void english_subject_names_severity_title_tenant_and_incident(void **state)
{
    struct notify_message_in in = msg_of(&sqli, "en", "");
    struct ym_buf s = YM_BUF_INIT, b = YM_BUF_INIT;
    render(&in, &s, &b);
    assert_string_equal(s.data,
                        "[yamori] Critical: SQL injection answered 200 by web01 (acme, incident #42)");
    assert_non_null(strstr(b.data, "Severity:       Critical\n"));
    assert_non_null(strstr(b.data, "Source:         203.0.113.5\n"));
    assert_non_null(strstr(b.data, "Destination:    10.0.0.80\n"));
    assert_non_null(strstr(b.data, "Tenant:         ACME Corporation (acme)\n"));
    assert_non_null(strstr(b.data, "First detected: 2026-11-22 10:00:00 +00:00\n"));
    assert_non_null(strstr(b.data, "What to do:\nTake web01 off the network.\n"));
    assert_non_null(strstr(b.data, "Details: https://soc.example.com/#/incidents/42\n"));
    ym_buf_free(&s);
    ym_buf_free(&b);
}

static void japanese_message_uses_japanese_words_and_the_tenant_zone(void **state)
{
    struct notify_message_in in = msg_of(&sqli, "ja", "Asia/Tokyo");
    struct ym_buf s = YM_BUF_INIT, b = YM_BUF_INIT;
    render(&in, &s, &b);
    assert_string_equal(s.data,
                        "[yamori] 【重要】SQL injection answered 200 by web01（acme、インシデント #42）");
    assert_non_null(strstr(b.data, "重要度：重要\n"));
    assert_non_null(strstr(b.data, "初回検知：2026-11-22 19:00:00 +09:00\n"));
    assert_non_null(strstr(b.data, "ACME Corporation 様"));
    assert_non_null(strstr(b.data, "対処のお願い："));
    ym_buf_free(&s);
    ym_buf_free(&b);
}

static void promoted_incident_says_it_was_raised(void **state)
{
    struct notify_message_in in = msg_of(&sqli, "en", "");
    in.reason = "promoted";
    struct ym_buf s = YM_BUF_INIT, b = YM_BUF_INIT;
    render(&in, &s, &b);
    assert_true(!strncmp(s.data, "[yamori] Raised to Critical: ", 29));
    assert_non_null(strstr(b.data, "has been raised to Critical"));
    ym_buf_free(&s);
    ym_buf_free(&b);
}

static void missing_response_gives_the_default_advice_and_no_link_without_portal(void **state)
{
    struct notify_item it = sqli;
    it.response = "";
    struct notify_message_in in = msg_of(&it, "en", "");
    in.portal_url = NULL;
    struct ym_buf s = YM_BUF_INIT, b = YM_BUF_INIT;
    render(&in, &s, &b);
    assert_non_null(strstr(b.data, "Our analysts are investigating"));
    assert_null(strstr(b.data, "https://"));
    ym_buf_free(&s);
    ym_buf_free(&b);
}

static void title_with_line_breaks_cannot_add_mail_headers(void **state)
{
    struct notify_item it = sqli;
    it.title = "evil\r\nBcc: victim@example.com";
    struct notify_message_in in = msg_of(&it, "en", "");
    struct ym_buf s = YM_BUF_INIT, b = YM_BUF_INIT, mail = YM_BUF_INIT;
    render(&in, &s, &b);
    assert_null(strpbrk(s.data, "\r\n"));
    notify_template_email("soc@example.com", "alice@example.com", s.data, b.data, T0, "m@x",
                          &mail);
    assert_null(strstr(mail.data, "\r\nBcc:"));
    ym_buf_free(&s);
    ym_buf_free(&b);
    ym_buf_free(&mail);
}

static void digest_counts_its_incidents(void **state)
{
    struct notify_item two[2] = {sqli, sqli};
    two[0].severity = "warning";
    two[1].severity = "informational";
    two[1].id = 43;
    struct notify_message_in in = msg_of(two, "en", "");
    in.items = two;
    in.item_count = 2;
    in.digest = 1;
    in.reason = "digest";
    struct ym_buf s = YM_BUF_INIT, b = YM_BUF_INIT;
    render(&in, &s, &b);
    assert_string_equal(s.data, "[yamori] Digest: 2 incidents (acme)");
    assert_non_null(strstr(b.data, "#42 "));
    assert_non_null(strstr(b.data, "#43 "));
    assert_non_null(strstr(b.data, "Warning"));
    assert_non_null(strstr(b.data, "Informational"));
    ym_buf_free(&s);
    ym_buf_free(&b);
}

/* ---- encodings ---- */

static int b64val(char c)
{
    const char *tab = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = strchr(tab, c);
    return c && p ? (int)(p - tab) : -1;
}

/* Decodes base64 text (no line breaks) into out; returns the length. */
static size_t unbase64(const char *s, size_t n, char *out)
{
    size_t o = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n && s[i] != '='; i++) {
        int v = b64val(s[i]);
        assert_true(v >= 0);
        acc = acc << 6 | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (char)(acc >> bits & 0xFF);
        }
    }
    return o;
}

static int utf8_whole(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (!len || i + len > n)
            return 0;
        i += len;
    }
    return 1;
}

static void base64_matches_rfc4648_vectors(void **state)
{
    const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    const char *want[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (int i = 0; i < 7; i++) {
        struct ym_buf b = YM_BUF_INIT;
        notify_template_base64(in[i], strlen(in[i]), &b);
        assert_string_equal(b.data ? b.data : "", want[i]);
        ym_buf_free(&b);
    }
}

static void ascii_subject_stays_plain(void **state)
{
    struct ym_buf b = YM_BUF_INIT;
    notify_template_header_encode("[yamori] Critical: x", &b);
    assert_string_equal(b.data, "[yamori] Critical: x");
    ym_buf_free(&b);
}

static void japanese_subject_becomes_short_encoded_words_of_whole_characters(void **state)
{
    const char *subject = "[yamori] 【重要】Webサーバへの SQL インジェクション成功（tokyo、インシデント #2）";
    struct ym_buf b = YM_BUF_INIT, back = YM_BUF_INIT;
    notify_template_header_encode(subject, &b);
    const char *p = b.data;
    int words = 0;
    while (*p) {
        const char *end = strstr(p, "?=");
        assert_true(!strncmp(p, "=?UTF-8?B?", 10));
        assert_non_null(end);
        assert_true(end + 2 - p <= 75); /* RFC 2047 section 2 */
        char raw[128];
        size_t n = unbase64(p + 10, (size_t)(end - p - 10), raw);
        assert_true(utf8_whole(raw, n));
        ym_buf_add(&back, raw, n);
        words++;
        p = end + 2;
        if (*p) {
            assert_true(!strncmp(p, "\r\n ", 3)); /* folded */
            p += 3;
        }
    }
    assert_true(words > 1);
    assert_string_equal(back.data, subject);
    ym_buf_free(&b);
    ym_buf_free(&back);
}

static void mail_has_headers_and_a_base64_utf8_body_with_crlf(void **state)
{
    struct ym_buf mail = YM_BUF_INIT;
    notify_template_email("soc@example.com", "alice@example.com", "件名", "一行目\n二行目\n", T0,
                          "id1@example.com", &mail);
    assert_true(!strncmp(mail.data, "From: yamori <soc@example.com>\r\nTo: <alice@example.com>\r\n",
                         56));
    assert_non_null(strstr(mail.data, "\r\nSubject: =?UTF-8?B?"));
    assert_non_null(strstr(mail.data, "\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\n"));
    assert_non_null(strstr(mail.data, "\r\nMessage-ID: <id1@example.com>\r\n"));
    assert_non_null(strstr(mail.data, "Content-Type: text/plain; charset=UTF-8\r\n"));
    const char *body = strstr(mail.data, "\r\n\r\n");
    assert_non_null(body);
    body += 4;
    char raw[256];
    size_t n = unbase64(body, strcspn(body, "\r"), raw);
    raw[n] = '\0';
    assert_string_equal(raw, "一行目\r\n二行目\r\n");
    ym_buf_free(&mail);
}

/* ---- webhooks ---- */

static json_t *payload(enum ym_webhook_format fmt, const char *lang)
{
    struct notify_message_in in = msg_of(&sqli, lang, "");
    struct ym_buf s = YM_BUF_INIT, b = YM_BUF_INIT, j = YM_BUF_INIT;
    render(&in, &s, &b);
    notify_template_webhook(&in, s.data, b.data, fmt, &j);
    json_error_t err;
    json_t *root = json_loads(j.data, 0, &err);
    if (!root)
        fail_msg("invalid JSON (%s): %s", err.text, j.data);
    ym_buf_free(&s);
    ym_buf_free(&b);
    ym_buf_free(&j);
    return root;
}

static void generic_webhook_carries_the_incident_fields(void **state)
{
    json_t *r = payload(YM_WEBHOOK_GENERIC, "en");
    assert_string_equal(json_string_value(json_object_get(r, "type")), "incident");
    assert_string_equal(json_string_value(json_object_get(r, "tenant")), "acme");
    json_t *i = json_array_get(json_object_get(r, "incidents"), 0);
    assert_int_equal(json_integer_value(json_object_get(i, "id")), 42);
    assert_string_equal(json_string_value(json_object_get(i, "severity")), "critical");
    assert_string_equal(json_string_value(json_object_get(i, "source.ip")), "203.0.113.5");
    assert_string_equal(json_string_value(json_object_get(i, "first_detection")),
                        "2026-11-22T10:00:00.000Z");
    assert_string_equal(json_string_value(json_object_get(i, "url")),
                        "https://soc.example.com/#/incidents/42");
    json_decref(r);
}

static void slack_webhook_has_text_and_blocks(void **state)
{
    json_t *r = payload(YM_WEBHOOK_SLACK, "ja");
    assert_non_null(strstr(json_string_value(json_object_get(r, "text")), "【重要】"));
    json_t *blocks = json_object_get(r, "blocks");
    assert_true(json_array_size(blocks) >= 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(blocks, 0), "type")),
                        "header");
    const char *section = json_string_value(
        json_object_get(json_object_get(json_array_get(blocks, 1), "text"), "text"));
    assert_non_null(strstr(section, "送信元：203.0.113.5"));
    json_decref(r);
}

static void teams_webhook_is_a_message_card_with_facts(void **state)
{
    json_t *r = payload(YM_WEBHOOK_TEAMS, "en");
    assert_string_equal(json_string_value(json_object_get(r, "@type")), "MessageCard");
    assert_string_equal(json_string_value(json_object_get(r, "themeColor")), "D70000");
    json_t *facts = json_object_get(json_array_get(json_object_get(r, "sections"), 0), "facts");
    int seen = 0;
    for (size_t i = 0; i < json_array_size(facts); i++) {
        json_t *f = json_array_get(facts, i);
        if (!strcmp(json_string_value(json_object_get(f, "name")), "Destination")) {
            assert_string_equal(json_string_value(json_object_get(f, "value")), "10.0.0.80");
            seen = 1;
        }
    }
    assert_true(seen);
    json_t *act = json_array_get(json_object_get(r, "potentialAction"), 0);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(json_object_get(act, "targets"), 0), "uri")),
        "https://soc.example.com/#/incidents/42");
    json_decref(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(english_subject_names_severity_title_tenant_and_incident),
        cmocka_unit_test(japanese_message_uses_japanese_words_and_the_tenant_zone),
        cmocka_unit_test(promoted_incident_says_it_was_raised),
        cmocka_unit_test(missing_response_gives_the_default_advice_and_no_link_without_portal),
        cmocka_unit_test(title_with_line_breaks_cannot_add_mail_headers),
        cmocka_unit_test(digest_counts_its_incidents),
        cmocka_unit_test(base64_matches_rfc4648_vectors),
        cmocka_unit_test(ascii_subject_stays_plain),
        cmocka_unit_test(japanese_subject_becomes_short_encoded_words_of_whole_characters),
        cmocka_unit_test(mail_has_headers_and_a_base64_utf8_body_with_crlf),
        cmocka_unit_test(generic_webhook_carries_the_incident_fields),
        cmocka_unit_test(slack_webhook_has_text_and_blocks),
        cmocka_unit_test(teams_webhook_is_a_message_card_with_facts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
