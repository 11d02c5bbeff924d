/* state_notify: the notification outbox and the record of every attempt.
 *
 * Whoever decides that a customer must hear about an incident (triage for
 * new and promoted incidents, an analyst with `yamori incidents notify`,
 * the digest scheduler) enqueues one notification, in the same transaction
 * as the change that caused it. The notify thread of `yamori serve` takes
 * due notifications, applies the tenant's notification policy (send now,
 * hold for an analyst's acknowledgement, add to a digest, report only),
 * sends to the tenant's contacts, records every attempt with the answer it
 * got, and retries with back-off. Because the outbox is in the store,
 * pending notifications survive a restart and a CLI process can enqueue
 * one that the server sends.
 *
 * Life of a notification (state column; the notify stage moves it):
 *
 *   enqueue ──▶ pending ──(policy: report only / no contact)──▶ skipped
 *                  │  ├──(needs an acknowledgement, incident still new)──▶ held
 *                  │  │        held ──(incident acknowledged: release_held)──▶ pending
 *                  │  ├──(digest mode)──▶ digest ──(a digest delivered)──▶ sent
 *                  │  └──(an attempt failed, attempts left)──▶ pending, next_ns later
 *                  ├──(every contact accepted)──▶ sent
 *                  └──(attempts used up)──▶ failed
 *
 * Digests are notifications with incident_id 0: one carries every
 * notification of its tenant waiting in state 'digest' created up to the
 * digest's own creation time.
 *
 * The notify stage also writes the incident's side of a notification
 * (timeline lines, notified_ns and the SLA verdict, status new/acknowledged
 * -> notified, an "incident.update" change): the same stage of the store,
 * so that notify does not wait on triage's module.
 *
 * Memory: strings passed in are copied; strings handed to visitors are
 * borrowed until the visitor returns. Threads: as state_db.h. Status
 * codes: YM_OK, YM_EDB, YM_EINVAL (reader connection asked to write),
 * YM_ENOTFOUND. */
#ifndef STATE_NOTIFY_H
#define STATE_NOTIFY_H

#include <stdint.h>

#include "core/ym_status.h"
#include "state/state_db.h"

/* ---- enqueue (triage, CLI, digest scheduler) ---- */

/* Adds a pending notification due at now_ns. incident_id 0 = a digest.
 * reason: "new", "promoted", "status", "manual", "digest", "test". *id may be NULL. */
enum ym_status state_notify_enqueue(struct state_db *db, const char *tenant, int64_t incident_id,
                                    const char *reason, int64_t now_ns, int64_t *id);

/* ---- read ---- */

struct state_notification {
    int64_t id;
    const char *tenant;
    int64_t incident_id; /* 0 = digest */
    const char *reason;
    const char *state;   /* pending|held|digest|sent|failed|skipped */
    int attempts;        /* rounds tried so far */
    int64_t created_ns, next_ns, done_ns; /* done_ns 0 = not done */
};
/* Return 0 to go on, 1 to stop. */
typedef int (*state_notification_fn)(void *arg, const struct state_notification *n);
/* Pending notifications with next_ns <= now_ns, earliest first, at most limit. */
enum ym_status state_notify_due_each(struct state_db *db, int64_t now_ns, unsigned limit,
                                     state_notification_fn fn, void *arg);
/* The earliest next_ns of a pending notification; 0 when none is pending. */
enum ym_status state_notify_next_due(struct state_db *db, int64_t *next_ns);
/* Every notification of tenant (NULL = all), newest first, at most limit (0 = all). */
enum ym_status state_notify_each(struct state_db *db, const char *tenant, unsigned limit,
                                 state_notification_fn fn, void *arg);

/* Rows copied out of a visit (a visitor must not run other statements on
 * the connection while the query runs): pass state_notification_list_add
 * as the visitor and the list as its arg; the list owns the copies. */
struct state_notification_list {
    struct state_notification *v;
    size_t count, cap;
};
int state_notification_list_add(void *list, const struct state_notification *n);
void state_notification_list_free(struct state_notification_list *l);

struct state_notify_attempt {
    int64_t notification_id;
    int64_t time_ns;
    const char *channel; /* email|webhook|slack|teams */
    const char *target;  /* address or URL */
    int ok;              /* 1 = accepted by the server */
    const char *answer;  /* "250 2.0.0 OK", "HTTP/1.1 500 Internal Server Error", curl error */
};
typedef int (*state_notify_attempt_fn)(void *arg, const struct state_notify_attempt *a);
/* Attempts of one notification, oldest first. */
enum ym_status state_notify_attempts_each(struct state_db *db, int64_t notification_id,
                                          state_notify_attempt_fn fn, void *arg);

/* An incident as a notification shows it. */
struct state_notify_incident {
    int64_t id;
    const char *tenant, *title, *severity, *status, *rule_id;
    const char *source_ip, *destination_ip, *response;
    int64_t created_ns, first_detection_ns;
    int64_t sla_due_ns, notified_ns; /* 0 = none */
};
typedef int (*state_notify_incident_fn)(void *arg, const struct state_notify_incident *inc);
/* One incident; YM_ENOTFOUND if there is none with that id. */
enum ym_status state_notify_incident_get(struct state_db *db, int64_t incident_id,
                                         state_notify_incident_fn fn, void *arg);
/* Incidents of tenant whose notifications wait for a digest (state
 * 'digest', created_ns <= up_to_ns) and that the customer has not heard
 * about otherwise (a promotion may have told them at once), oldest first,
 * each once. */
enum ym_status state_notify_digest_incidents(struct state_db *db, const char *tenant,
                                             int64_t up_to_ns, state_notify_incident_fn fn,
                                             void *arg);

/* ---- the notify thread's writes ---- */

/* Records an attempt, and (incident_id != 0) a 'notification' line on the
 * incident's timeline: internal for a failure, customer-visible for a
 * delivered notice. */
enum ym_status state_notify_attempt_add(struct state_db *db, const struct state_notify_attempt *a,
                                        int64_t incident_id, const char *tenant);
/* 1 if target already accepted this notification (a retry skips it). */
enum ym_status state_notify_target_done(struct state_db *db, int64_t notification_id,
                                        const char *target, int *done);
/* Moves a notification to state (see the drawing) with its attempt count;
 * next_ns is when a pending one is due again; final states set done_ns. */
enum ym_status state_notify_set_state(struct state_db *db, int64_t id, const char *state,
                                      int attempts, int64_t next_ns, int64_t now_ns);
/* A line on the incident's timeline, kind 'notification'. visibility:
 * "customer" or "internal". */
enum ym_status state_notify_timeline_add(struct state_db *db, int64_t incident_id,
                                         const char *tenant, int64_t now_ns,
                                         const char *visibility, const char *text);
/* The customer was told at now_ns: the first time sets notified_ns, judges
 * the SLA (breached when after sla_due_ns) and moves status new or
 * acknowledged to notified (with a 'status' timeline line); every time adds
 * an "incident.update" change. *first and *breached may be NULL. */
enum ym_status state_notify_incident_notified(struct state_db *db, int64_t incident_id,
                                              int64_t now_ns, int *first, int *breached);
/* Held notifications whose incident an analyst acknowledged (status is no
 * longer 'new') become pending, due at now_ns. */
enum ym_status state_notify_release_held(struct state_db *db, int64_t now_ns, unsigned *released);
/* Tenant's notifications waiting for a digest created up to up_to_ns
 * become sent (the digest carrying them was delivered). */
enum ym_status state_notify_digest_done(struct state_db *db, const char *tenant, int64_t up_to_ns,
                                        int64_t now_ns);
/* Whether tenant needs a digest now: notifications wait in state 'digest'
 * from before period_start_ns and no digest was created since then. */
enum ym_status state_notify_digest_needed(struct state_db *db, const char *tenant,
                                          int64_t period_start_ns, int *needed);

#endif
