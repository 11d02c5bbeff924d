/* notify: tells customers. Takes due notifications from the outbox in the
 * state store (state_notify.h), decides per the tenant's notification
 * policy, renders the message (English or Japanese template), and sends it
 * by email over SMTP (STARTTLS, AUTH) and to webhooks (generic JSON, Slack,
 * Teams) through libcurl, with retries and back-off. Every attempt and its
 * answer is recorded on the incident (timeline) and in the outbox; the
 * first accepted notification stops the incident's SLA clock.
 *
 * One notify thread per `yamori serve`, with its own state connection. It
 * polls the outbox at least once a second and at once when kicked.
 *
 * Threads: create/start/stop/destroy on the control thread; notify_kick
 * and notify_stats from any thread. The config passed to notify_create is
 * borrowed: it must outlive the struct notify.
 * Status codes: YM_OK, YM_EINVAL (bad notification config: err says
 * where), YM_EDB. */
#ifndef NOTIFY_H
#define NOTIFY_H

#include <stdint.h>

#include "core/ym_config.h"
#include "core/ym_status.h"

struct notify;

enum ym_status notify_create(const struct ym_config *cfg, const char *data_dir,
                             struct notify **out, struct ym_error *err);
enum ym_status notify_start(struct notify *n);
/* Wakes the thread: something was just enqueued. Any thread; cheap. */
void notify_kick(void *n);
/* Abandons a transfer under way (recorded as a failed attempt, retried
 * after the next start) and joins the thread. */
void notify_stop(struct notify *n);
void notify_destroy(struct notify *n); /* NULL is fine */

struct notify_stats {
    uint64_t sent, failed_attempts, gave_up, held, skipped;
    int64_t last_latency_ns; /* incident first detection -> accepted, last one */
    int64_t max_latency_ns;  /* the longest so far */
    uint64_t sla_breaches;   /* incidents notified after their SLA deadline */
};
void notify_stats(struct notify *n, struct notify_stats *out);

/* ---- without the thread (`yamori notify send-pending`, tests) ---- */

/* One round on the caller's thread: releases held notifications whose
 * incident was acknowledged, starts digests that are due, and handles
 * every notification due at now_ns (*handled counts them; may be NULL).
 * Not while the thread runs. */
enum ym_status notify_run_once(struct notify *n, int64_t now_ns, unsigned *handled);
/* When the next pending notification is due (0 = none pending). */
enum ym_status notify_next_due(struct notify *n, int64_t *next_ns);

/* `yamori notify test`: a test message to each contact of tenant that
 * receives severity, one attempt each, recorded nowhere; fn hears every
 * answer. YM_ENOTFOUND: no such tenant; *contacts = how many were tried. */
typedef void (*notify_test_fn)(void *arg, const char *channel, const char *target, int ok,
                               const char *answer);
enum ym_status notify_test(const struct ym_config *cfg, const char *tenant, const char *severity,
                           notify_test_fn fn, void *arg, unsigned *contacts);

#endif
