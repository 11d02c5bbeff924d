/* notify_send: one delivery attempt through libcurl: a mail to one
 * address over SMTP (smtp:// with STARTTLS required, optional or off;
 * smtps://; AUTH when a username is configured), or a JSON POST to one
 * webhook URL. The answer is what the server said last: the SMTP reply
 * line ("250 2.0.0 Ok: queued"), the HTTP status line ("HTTP/1.1 500
 * Internal Server Error"), or curl's error with the server's last line.
 *
 * A sender keeps its connections between messages: one SMTP session
 * carries the next mail without a new TLS handshake and login, and
 * webhooks keep their HTTP connection alive. One sender per thread.
 *
 * Blocking (bounded by connect and transfer timeouts). Any thread, after
 * notify_send_global_init (which create/CLI call on the main thread before
 * threads start). Inputs are borrowed for the call. */
#ifndef NOTIFY_SEND_H
#define NOTIFY_SEND_H

#include <stdatomic.h>
#include <stddef.h>

#include "core/ym_config.h"

#define NOTIFY_CONNECT_TIMEOUT_MS 10000
#define NOTIFY_TRANSFER_TIMEOUT_MS 30000

struct notify_answer {
    int ok;          /* 1 = the server accepted the message */
    char text[400];  /* the answer as recorded on the attempt */
};

/* curl_global_init, once per process. */
void notify_send_global_init(void);

struct notify_sender;

/* cancel (borrowed, may be NULL): when it becomes non-zero the transfer
 * under way stops within a fraction of a second and the answer says so
 * (the server is shutting down). */
struct notify_sender *notify_sender_create(const atomic_int *cancel);
void notify_sender_destroy(struct notify_sender *s); /* NULL is fine; closes connections */

/* mail: the whole message (notify_template_email). */
void notify_send_email(struct notify_sender *s, const struct ym_notify_config *nc, const char *to,
                       const char *mail, size_t mail_len, struct notify_answer *ans);
void notify_send_webhook(struct notify_sender *s, const struct ym_notify_config *nc,
                         const char *url, const char *json, size_t json_len,
                         struct notify_answer *ans);

#endif
