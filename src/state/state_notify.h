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
 * Memory: strings passed in are copied; strings handed to visitors are
 * borrowed until the visitor returns. Threads: as state_db.h. Status
 * codes: YM_OK, YM_EDB, YM_EINVAL (reader connection), YM_ENOTFOUND. */
#ifndef STATE_NOTIFY_H
#define STATE_NOTIFY_H

#include <stdint.h>

#include "core/ym_status.h"
#include "state/state_db.h"

/* Adds a pending notification due at now_ns. incident_id 0 = a digest.
 * reason: "new", "promoted", "status", "manual", "digest". *id may be NULL. */
enum ym_status state_notify_enqueue(struct state_db *db, const char *tenant, int64_t incident_id,
                                    const char *reason, int64_t now_ns, int64_t *id);

#endif
