/* notify_template: what a notification says, in English or Japanese, and
 * the bytes that carry it: an RFC 5322 mail with a MIME UTF-8 body and an
 * RFC 2047 encoded subject, or a webhook payload (generic JSON, Slack,
 * Teams).
 *
 * A message is about one incident or, for a digest, several. It gives the
 * severity, the title, the tenant, source and destination, when the
 * incident was first detected (in the tenant's time zone), what to do (the
 * rule's recommended response), the incident id and a portal link.
 *
 * Pure functions: no I/O, any thread. Output goes into caller-owned
 * ym_bufs (appended). Inputs are borrowed for the call. */
#ifndef NOTIFY_TEMPLATE_H
#define NOTIFY_TEMPLATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/ym_buf.h"
#include "core/ym_config.h"

/* One incident as a message shows it. */
struct notify_item {
    int64_t id; /* 0 = a test message */
    const char *title, *severity, *status, *rule_id;
    const char *source_ip, *destination_ip; /* "" = unknown */
    const char *response;                   /* what to do; "" = the default advice */
    int64_t first_detection_ns;
};

struct notify_message_in {
    const char *language;       /* "en" or "ja" (anything else: en) */
    const char *tenant;         /* tenant name */
    const char *tenant_display; /* display name ("" = name) */
    const char *timezone;       /* "" = UTC, "+09:00", "Asia/Tokyo" */
    const char *portal_url;     /* NULL or "" = no links */
    const char *reason;         /* new|promoted|status|manual|digest|test */
    const struct notify_item *items;
    size_t item_count;          /* 1, or the incidents of a digest */
    int digest;                 /* 1 = a digest of item_count incidents */
};

/* Subject (one line, UTF-8) and plain text body (UTF-8, \n line ends). */
void notify_template_render(const struct notify_message_in *in, struct ym_buf *subject,
                            struct ym_buf *body);

/* Webhook payload (JSON) for a contact of format fmt. */
void notify_template_webhook(const struct notify_message_in *in, const char *subject,
                             const char *body, enum ym_webhook_format fmt, struct ym_buf *json);

/* The whole mail: headers (Subject encoded per RFC 2047 when not plain
 * ASCII), MIME text/plain UTF-8 body in base64, CRLF line ends. */
void notify_template_email(const char *from, const char *to, const char *subject,
                           const char *body, int64_t now_ns, const char *message_id,
                           struct ym_buf *mail);

/* ---- pieces, for tests ---- */

/* s as one header value: plain when printable ASCII, else RFC 2047
 * "=?UTF-8?B?...?=" words of at most 75 bytes, never splitting a UTF-8
 * character, folded with CRLF SP. */
void notify_template_header_encode(const char *s, struct ym_buf *out);
void notify_template_base64(const void *p, size_t n, struct ym_buf *out);
/* "2026-11-22 19:00:00 +09:00" in zone tz ("" = UTC). */
void notify_template_time(int64_t t_ns, const char *tz, struct ym_buf *out);
/* Severity as the customer reads it: "Critical", "重要". */
const char *notify_template_severity(const char *language, const char *severity);

#endif
