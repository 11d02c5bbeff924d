/* notify_policy: the decisions of notification, apart from the sending:
 * what a tenant's policy does with a notification (send now, hold for an
 * acknowledgement, wait for the digest, keep for the monthly report), who
 * receives it, when a failed one is tried again, and when a digest period
 * starts.
 *
 * Pure functions of the configuration and their arguments; any thread. */
#ifndef NOTIFY_POLICY_H
#define NOTIFY_POLICY_H

#include <stdint.h>

#include "core/ym_config.h"

enum notify_decision {
    NOTIFY_SEND = 0, /* to the contacts, now */
    NOTIFY_HOLD,     /* until an analyst acknowledges the incident */
    NOTIFY_DIGEST,   /* in the tenant's next digest */
    NOTIFY_REPORT,   /* no message: the monthly report shows it */
    NOTIFY_CLOSED,   /* no message: resolved or closed before it went out */
};

/* What to do with a notification of reason ("new", "promoted", "manual",
 * ...) about an incident of severity (index) and status. An analyst's
 * "manual" notification and a "test" are always sent; an automatic one
 * about an incident already resolved or closed (a false positive found
 * while its message was held) is not. */
enum notify_decision notify_policy_decide(const struct ym_notify_config *nc,
                                          const struct ym_tenant_config *t, int severity,
                                          const char *status, const char *reason);

/* 1 if contact c receives messages about severities in mask. */
int notify_policy_contact_wants(const struct ym_contact_config *c, unsigned severity_mask);

/* Delay before try number attempt+1 after attempt failed ones (attempt >=
 * 1): first_delay_ms doubled each time, at most max_delay_ms. */
int64_t notify_policy_backoff_ms(const struct ym_notify_config *nc, int attempt);

/* Start of the digest period holding now_ns: periods are
 * interval_minutes long, counted from the Unix epoch (UTC). */
int64_t notify_policy_digest_period_ns(int interval_minutes, int64_t now_ns);

#endif
