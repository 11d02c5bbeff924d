/* notify_template: the words and bytes of a notification (see
 * notify_template.h). The two languages share one layout: a heading, the
 * facts of each incident as "label: value" lines, what to do, the link. */
#include "notify/notify_template.h"

#include <stdio.h>
#include <string.h>

#include "core/ym_time.h"

/* ---- the words ---- */

enum fact { F_SEVERITY, F_INCIDENT, F_TENANT, F_SOURCE, F_DESTINATION, F_FIRST, F_STATUS, F_COUNT };

struct lang {
    const char *severity[YM_SEVERITY_COUNT];
    const char *fact[F_COUNT];
    const char *what_to_do, *details, *unknown, *default_response, *open_incident;
    /* headings: %1 tenant display, %2 severity (or a count for digests) */
    const char *head_new, *head_promoted, *head_update, *head_test, *head_digest;
    const char *test_title, *test_response;
};

static const struct lang lang_en = {
    .severity = {"Emergency", "Critical", "Warning", "Informational"},
    .fact = {"Severity", "Incident", "Tenant", "Source", "Destination", "First detected", "Status"},
    .what_to_do = "What to do",
    .details = "Details",
    .unknown = "unknown",
    .default_response = "Our analysts are investigating. Please check the hosts named above and "
                        "tell the SOC if this activity is expected.",
    .open_incident = "Open the incident",
    .head_new = "yamori has opened a %2$s incident for %1$s.",
    .head_promoted = "An incident for %1$s has been raised to %2$s.",
    .head_update = "Update on a %2$s incident for %1$s.",
    .head_test = "This is a test notification from yamori for %1$s (severity %2$s). No incident "
                 "happened: it checks that messages reach you.",
    .head_digest = "Incidents for %1$s since the last digest: %2$s.",
    .test_title = "Test notification",
    .test_response = "Nothing: this message only checks that notifications reach you.",
};

static const struct lang lang_ja = {
    .severity = {"緊急", "重要", "警告", "情報"},
    .fact = {"重要度", "インシデント", "お客様", "送信元", "宛先", "初回検知", "状況"},
    .what_to_do = "対処のお願い",
    .details = "詳細",
    .unknown = "不明",
    .default_response = "当社のアナリストが調査中です。上記の機器をご確認のうえ、想定された通信の"
                        "場合は SOC までご連絡ください。",
    .open_incident = "インシデントを開く",
    .head_new = "%1$s 様の環境で重要度「%2$s」のインシデントを検知しました。",
    .head_promoted = "%1$s 様のインシデントの重要度を「%2$s」に引き上げました。",
    .head_update = "%1$s 様のインシデント（重要度「%2$s」）の更新です。",
    .head_test = "yamori から %1$s 様へのテスト通知です（重要度「%2$s」）。インシデントは発生して"
                 "いません。通知が届くことを確認するためのものです。",
    .head_digest = "%1$s 様の前回のダイジェスト以降のインシデント: %2$s 件。",
    .test_title = "テスト通知",
    .test_response = "対応は不要です。通知が届くことを確認するためのメッセージです。",
};

static const struct lang *lang_of(const char *language)
{
    return language && !strcmp(language, "ja") ? &lang_ja : &lang_en;
}

static int is_ja(const struct notify_message_in *in) { return lang_of(in->language) == &lang_ja; }

const char *notify_template_severity(const char *language, const char *severity)
{
    int i = ym_config_severity_index(severity);
    return i < 0 ? (severity ? severity : "") : lang_of(language)->severity[i];
}

static const char *or_empty(const char *s) { return s ? s : ""; }

/* Appends s with control characters as spaces (one-line values). */
static void add_line(struct ym_buf *b, const char *s)
{
    for (; s && *s; s++)
        ym_buf_addc(b, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

/* Appends at most max bytes of s, cut at a UTF-8 character boundary. */
static void add_cut(struct ym_buf *b, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    ym_buf_add(b, s, n);
}

/* ---- times ---- */

void notify_template_time(int64_t t_ns, const char *tz, struct ym_buf *out)
{
    int64_t t_s = t_ns / YM_NS_PER_S - (t_ns % YM_NS_PER_S < 0);
    int off = 0;
    if (tz && *tz) {
        /* The offset is asked for a local wall time: guess it from UTC,
         * then ask again at the guessed local time (right around changes). */
        if (ym_time_zone_offset(tz, t_s, &off) != YM_OK ||
            ym_time_zone_offset(tz, t_s + off, &off) != YM_OK)
            off = 0;
    }
    int64_t local = t_s + off;
    int64_t days = local / 86400 - (local % 86400 < 0);
    int64_t sec = local - days * 86400;
    int64_t y;
    unsigned m, d;
    ym_time_civil_from_days(days, &y, &m, &d);
    int a = off < 0 ? -off : off;
    ym_buf_printf(out, "%04lld-%02u-%02u %02d:%02d:%02d %c%02d:%02d", (long long)y, m, d,
                  (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60), off < 0 ? '-' : '+',
                  a / 3600, a / 60 % 60);
}

/* ---- subject and body ---- */

static void add_url(struct ym_buf *b, const struct notify_message_in *in, int64_t id)
{
    size_t n = strlen(in->portal_url);
    while (n > 0 && in->portal_url[n - 1] == '/')
        n--;
    ym_buf_add(b, in->portal_url, n);
    ym_buf_printf(b, "/#/incidents/%lld", (long long)id);
}

static int has_url(const struct notify_message_in *in, const struct notify_item *it)
{
    return in->portal_url && in->portal_url[0] && it->id > 0;
}

static const char *display(const struct notify_message_in *in)
{
    return in->tenant_display && in->tenant_display[0] ? in->tenant_display : or_empty(in->tenant);
}

/* The value of fact f of item it (appended to b). */
static void fact_value(const struct notify_message_in *in, const struct notify_item *it,
                       enum fact f, struct ym_buf *b)
{
    const struct lang *L = lang_of(in->language);
    switch (f) {
    case F_SEVERITY:
        ym_buf_adds(b, notify_template_severity(in->language, it->severity));
        break;
    case F_INCIDENT:
        if (it->id > 0)
            ym_buf_printf(b, "#%lld ", (long long)it->id);
        add_line(b, it->id > 0 ? it->title : L->test_title);
        break;
    case F_TENANT:
        add_line(b, display(in));
        if (strcmp(display(in), or_empty(in->tenant)))
            ym_buf_printf(b, " (%s)", or_empty(in->tenant));
        break;
    case F_SOURCE:
        add_line(b, it->source_ip && *it->source_ip ? it->source_ip : L->unknown);
        break;
    case F_DESTINATION:
        add_line(b, it->destination_ip && *it->destination_ip ? it->destination_ip : L->unknown);
        break;
    case F_FIRST:
        if (it->first_detection_ns)
            notify_template_time(it->first_detection_ns, in->timezone, b);
        else
            ym_buf_adds(b, L->unknown);
        break;
    case F_STATUS:
        add_line(b, it->status && *it->status ? it->status : L->unknown);
        break;
    case F_COUNT:
        break;
    }
}

/* A test message has no source, destination or status. */
static int fact_shown(const struct notify_item *it, int f)
{
    return it->id > 0 || (f != F_SOURCE && f != F_DESTINATION && f != F_STATUS);
}

static const char *response_of(const struct lang *L, const struct notify_item *it)
{
    if (it->id <= 0)
        return L->test_response;
    return it->response && *it->response ? it->response : L->default_response;
}

static void heading(const struct notify_message_in *in, struct ym_buf *b)
{
    const struct lang *L = lang_of(in->language);
    const char *r = or_empty(in->reason);
    const char *fmt = in->digest                    ? L->head_digest
                      : !strcmp(r, "test")          ? L->head_test
                      : !strcmp(r, "promoted")      ? L->head_promoted
                      : !strcmp(r, "new")           ? L->head_new
                                                    : L->head_update;
    char count[32];
    snprintf(count, sizeof count, "%zu", in->item_count);
    const char *sev = in->digest ? count
                      : in->item_count ? notify_template_severity(in->language, in->items[0].severity)
                                       : "";
    /* Positional %1$s/%2$s: the languages put the words in different orders. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    ym_buf_printf(b, fmt, display(in), sev);
#pragma GCC diagnostic pop
}

void notify_template_render(const struct notify_message_in *in, struct ym_buf *subject,
                            struct ym_buf *body)
{
    const struct lang *L = lang_of(in->language);
    int ja = is_ja(in);
    const struct notify_item *first = in->item_count ? &in->items[0] : NULL;
    const char *r = or_empty(in->reason);

    /* Subject */
    ym_buf_adds(subject, "[yamori] ");
    if (in->digest) {
        if (ja)
            ym_buf_printf(subject, "【ダイジェスト】インシデント %zu 件（", in->item_count);
        else
            ym_buf_printf(subject, "Digest: %zu incident%s (", in->item_count,
                          in->item_count == 1 ? "" : "s");
        add_line(subject, in->tenant);
        ym_buf_adds(subject, ja ? "）" : ")");
    } else if (first) {
        const char *sev = notify_template_severity(in->language, first->severity);
        if (!strcmp(r, "test")) {
            ym_buf_printf(subject, ja ? "【テスト】%s（" : "%s (", L->test_title);
            add_line(subject, in->tenant);
            ym_buf_printf(subject, ja ? "、%s）" : ", %s)", sev);
        } else {
            if (!strcmp(r, "promoted"))
                ym_buf_printf(subject, ja ? "【%sに引き上げ】" : "Raised to %s: ", sev);
            else
                ym_buf_printf(subject, ja ? "【%s】" : "%s: ", sev);
            struct ym_buf title = YM_BUF_INIT;
            add_line(&title, first->title);
            add_cut(subject, title.data ? title.data : "", 200);
            ym_buf_free(&title);
            ym_buf_adds(subject, ja ? "（" : " (");
            add_line(subject, in->tenant);
            ym_buf_printf(subject, ja ? "、インシデント #%lld）" : ", incident #%lld)",
                          (long long)first->id);
        }
    }

    /* Body */
    heading(in, body);
    ym_buf_adds(body, "\n");
    for (size_t i = 0; i < in->item_count; i++) {
        const struct notify_item *it = &in->items[i];
        ym_buf_adds(body, "\n");
        for (int f = 0; f < F_COUNT; f++) {
            if (f == F_TENANT && i > 0)
                continue;
            if (!fact_shown(it, f))
                continue;
            if (ja) {
                ym_buf_printf(body, "%s：", L->fact[f]);
            } else {
                ym_buf_printf(body, "%s:", L->fact[f]);
                for (size_t pad = strlen(L->fact[f]) + 1; pad < 16; pad++)
                    ym_buf_addc(body, ' ');
            }
            fact_value(in, it, (enum fact)f, body);
            ym_buf_adds(body, "\n");
        }
        if (!in->digest) {
            ym_buf_printf(body, "\n%s%s\n", L->what_to_do, ja ? "：" : ":");
            ym_buf_adds(body, response_of(L, it));
            ym_buf_adds(body, "\n");
        }
        if (has_url(in, it)) {
            ym_buf_printf(body, "%s%s", L->details, ja ? "：" : ": ");
            add_url(body, in, it->id);
            ym_buf_adds(body, "\n");
        }
    }
    ym_buf_adds(body, ja ? "\n-- \nyamori セキュリティ監視\n" : "\n-- \nyamori security monitoring\n");
}

/* ---- webhooks ---- */

static void json_kv(struct ym_buf *b, const char *key, const char *value, int comma)
{
    if (comma)
        ym_buf_addc(b, ',');
    ym_buf_json_qstr(b, key, strlen(key));
    ym_buf_addc(b, ':');
    ym_buf_json_qstr(b, or_empty(value), strlen(or_empty(value)));
}

static const char *theme_color(const char *severity)
{
    static const char *const colors[YM_SEVERITY_COUNT] = {"8B0000", "D70000", "FFA500", "2F80ED"};
    int i = ym_config_severity_index(severity);
    return i < 0 ? "808080" : colors[i];
}

static void generic(const struct notify_message_in *in, const char *subject, const char *body,
                    struct ym_buf *j)
{
    const char *type = in->digest ? "digest" : !strcmp(or_empty(in->reason), "test") ? "test"
                                                                                     : "incident";
    ym_buf_addc(j, '{');
    json_kv(j, "source", "yamori", 0);
    json_kv(j, "type", type, 1);
    json_kv(j, "reason", in->reason, 1);
    json_kv(j, "tenant", in->tenant, 1);
    json_kv(j, "language", is_ja(in) ? "ja" : "en", 1);
    json_kv(j, "subject", subject, 1);
    json_kv(j, "text", body, 1);
    ym_buf_adds(j, ",\"incidents\":[");
    for (size_t i = 0; i < in->item_count; i++) {
        const struct notify_item *it = &in->items[i];
        char when[40] = "";
        if (it->first_detection_ns)
            ym_time_format_rfc3339(it->first_detection_ns, when, sizeof when);
        ym_buf_printf(j, "%s{\"id\":%lld", i ? "," : "", (long long)it->id);
        json_kv(j, "severity", it->severity, 1);
        json_kv(j, "title", it->title, 1);
        json_kv(j, "status", it->status, 1);
        json_kv(j, "rule", it->rule_id, 1);
        json_kv(j, "source.ip", it->source_ip, 1);
        json_kv(j, "destination.ip", it->destination_ip, 1);
        json_kv(j, "first_detection", when, 1);
        json_kv(j, "response", it->response, 1);
        if (has_url(in, it)) {
            struct ym_buf u = YM_BUF_INIT;
            add_url(&u, in, it->id);
            json_kv(j, "url", u.data, 1);
            ym_buf_free(&u);
        }
        ym_buf_addc(j, '}');
    }
    ym_buf_adds(j, "]}");
}

/* Slack mrkdwn: &, < and > are the only characters to escape. */
static void slack_escape(struct ym_buf *b, const char *s, size_t max)
{
    struct ym_buf t = YM_BUF_INIT;
    for (; *s; s++) {
        if (*s == '&')
            ym_buf_adds(&t, "&amp;");
        else if (*s == '<')
            ym_buf_adds(&t, "&lt;");
        else if (*s == '>')
            ym_buf_adds(&t, "&gt;");
        else
            ym_buf_addc(&t, *s);
    }
    add_cut(b, t.data ? t.data : "", max);
    ym_buf_free(&t);
}

static void slack(const struct notify_message_in *in, const char *subject, const char *body,
                  struct ym_buf *j)
{
    struct ym_buf s = YM_BUF_INIT;
    ym_buf_addc(j, '{');
    /* text: the notification's fallback (and what older clients show). */
    slack_escape(&s, subject, 3000);
    json_kv(j, "text", s.data, 0);
    ym_buf_adds(j, ",\"blocks\":[{\"type\":\"header\",\"text\":{\"type\":\"plain_text\",");
    ym_buf_clear(&s);
    add_cut(&s, subject, 150); /* Slack's limit for a header */
    json_kv(j, "text", s.data, 0);
    ym_buf_adds(j, "}},{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",");
    ym_buf_clear(&s);
    slack_escape(&s, body, 2900); /* a section holds 3000 */
    json_kv(j, "text", s.data, 0);
    ym_buf_adds(j, "}}");
    if (in->item_count == 1 && has_url(in, &in->items[0])) {
        ym_buf_clear(&s);
        add_url(&s, in, in->items[0].id);
        ym_buf_adds(j, ",{\"type\":\"actions\",\"elements\":[{\"type\":\"button\",\"text\":"
                       "{\"type\":\"plain_text\",");
        json_kv(j, "text", lang_of(in->language)->open_incident, 0);
        ym_buf_adds(j, "},");
        json_kv(j, "url", s.data, 0);
        ym_buf_adds(j, "}]}");
    }
    ym_buf_adds(j, "]}");
    ym_buf_free(&s);
}

/* Office 365 connector card (MessageCard), which Teams incoming webhooks
 * and Power Automate's "post to a channel" accept. */
static void teams(const struct notify_message_in *in, const char *subject, struct ym_buf *j)
{
    const struct lang *L = lang_of(in->language);
    struct ym_buf s = YM_BUF_INIT;
    ym_buf_adds(j, "{\"@type\":\"MessageCard\",\"@context\":\"https://schema.org/extensions\"");
    json_kv(j, "summary", subject, 1);
    json_kv(j, "themeColor", theme_color(in->item_count ? in->items[0].severity : ""), 1);
    json_kv(j, "title", subject, 1);
    heading(in, &s);
    json_kv(j, "text", s.data, 1);
    ym_buf_adds(j, ",\"sections\":[");
    for (size_t i = 0; i < in->item_count; i++) {
        const struct notify_item *it = &in->items[i];
        ym_buf_adds(j, i ? ",{\"facts\":[" : "{\"facts\":[");
        for (int f = 0, n = 0; f < F_COUNT; f++) {
            if (!fact_shown(it, f))
                continue;
            ym_buf_clear(&s);
            fact_value(in, it, (enum fact)f, &s);
            ym_buf_adds(j, n++ ? ",{" : "{");
            json_kv(j, "name", L->fact[f], 0);
            json_kv(j, "value", s.data, 1);
            ym_buf_addc(j, '}');
        }
        ym_buf_addc(j, ']');
        if (!in->digest) {
            ym_buf_clear(&s);
            ym_buf_printf(&s, "**%s**\n\n%s", L->what_to_do, response_of(L, it));
            json_kv(j, "text", s.data, 1);
        }
        ym_buf_addc(j, '}');
    }
    ym_buf_addc(j, ']');
    if (in->item_count == 1 && has_url(in, &in->items[0])) {
        ym_buf_clear(&s);
        add_url(&s, in, in->items[0].id);
        ym_buf_adds(j, ",\"potentialAction\":[{\"@type\":\"OpenUri\"");
        json_kv(j, "name", L->open_incident, 1);
        ym_buf_adds(j, ",\"targets\":[{\"os\":\"default\"");
        json_kv(j, "uri", s.data, 1);
        ym_buf_adds(j, "}]}]");
    }
    ym_buf_addc(j, '}');
    ym_buf_free(&s);
}

void notify_template_webhook(const struct notify_message_in *in, const char *subject,
                             const char *body, enum ym_webhook_format fmt, struct ym_buf *json)
{
    switch (fmt) {
    case YM_WEBHOOK_SLACK:
        slack(in, subject, body, json);
        break;
    case YM_WEBHOOK_TEAMS:
        teams(in, subject, json);
        break;
    case YM_WEBHOOK_GENERIC:
    default:
        generic(in, subject, body, json);
        break;
    }
}

/* ---- mail ---- */

void notify_template_base64(const void *p, size_t n, struct ym_buf *out)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *s = p;
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8 | s[i + 2];
        char q[4] = {tab[v >> 18], tab[v >> 12 & 63], tab[v >> 6 & 63], tab[v & 63]};
        ym_buf_add(out, q, 4);
    }
    if (n - i == 1) {
        unsigned v = (unsigned)s[i] << 16;
        char q[4] = {tab[v >> 18], tab[v >> 12 & 63], '=', '='};
        ym_buf_add(out, q, 4);
    } else if (n - i == 2) {
        unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8;
        char q[4] = {tab[v >> 18], tab[v >> 12 & 63], tab[v >> 6 & 63], '='};
        ym_buf_add(out, q, 4);
    }
}

void notify_template_header_encode(const char *s, struct ym_buf *out)
{
    size_t n = strlen(s);
    int plain = n <= 900;
    for (size_t i = 0; plain && i < n; i++)
        plain = (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f;
    if (plain) {
        ym_buf_add(out, s, n);
        return;
    }
    /* 45 bytes -> 60 base64 characters; with "=?UTF-8?B?" and "?=" a word
     * is 72 bytes, under RFC 2047's 75. */
    size_t i = 0;
    while (i < n) {
        size_t take = n - i > 45 ? 45 : n - i;
        while (i + take < n && take > 1 && ((unsigned char)s[i + take] & 0xC0) == 0x80)
            take--;
        if (i)
            ym_buf_adds(out, "\r\n ");
        ym_buf_adds(out, "=?UTF-8?B?");
        notify_template_base64(s + i, take, out);
        ym_buf_adds(out, "?=");
        i += take;
    }
}

static void rfc5322_date(int64_t now_ns, struct ym_buf *out)
{
    static const char *const wd[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int64_t t = now_ns / YM_NS_PER_S;
    int64_t days = t / 86400 - (t % 86400 < 0);
    int64_t sec = t - days * 86400;
    int64_t y;
    unsigned m, d;
    ym_time_civil_from_days(days, &y, &m, &d);
    ym_buf_printf(out, "%s, %u %s %04lld %02d:%02d:%02d +0000", wd[((days % 7) + 7) % 7], d,
                  mon[(m - 1) % 12], (long long)y, (int)(sec / 3600), (int)(sec / 60 % 60),
                  (int)(sec % 60));
}

void notify_template_email(const char *from, const char *to, const char *subject,
                           const char *body, int64_t now_ns, const char *message_id,
                           struct ym_buf *mail)
{
    ym_buf_printf(mail, "From: yamori <%s>\r\nTo: <%s>\r\nSubject: ", from, to);
    notify_template_header_encode(subject, mail);
    ym_buf_adds(mail, "\r\nDate: ");
    rfc5322_date(now_ns, mail);
    ym_buf_printf(mail,
                  "\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\n"
                  "Content-Type: text/plain; charset=UTF-8\r\n"
                  "Content-Transfer-Encoding: base64\r\nAuto-Submitted: auto-generated\r\n\r\n",
                  message_id);
    /* Text is canonical with CRLF line ends before it is encoded. */
    struct ym_buf crlf = YM_BUF_INIT, b64 = YM_BUF_INIT;
    for (const char *p = body; *p; p++) {
        if (*p == '\n' && (p == body || p[-1] != '\r'))
            ym_buf_addc(&crlf, '\r');
        ym_buf_addc(&crlf, *p);
    }
    notify_template_base64(crlf.data ? crlf.data : "", crlf.len, &b64);
    for (size_t i = 0; i < b64.len; i += 76) {
        ym_buf_add(mail, b64.data + i, b64.len - i > 76 ? 76 : b64.len - i);
        ym_buf_adds(mail, "\r\n");
    }
    ym_buf_free(&crlf);
    ym_buf_free(&b64);
}
