/* notify_policy: decisions of notification (see notify_policy.h). */
#include "notify/notify_policy.h"

#include <string.h>

#include "core/ym_time.h"

enum notify_decision notify_policy_decide(const struct ym_notify_config *nc,
                                          const struct ym_tenant_config *t, int severity,
                                          const char *status, const char *reason)
{
    if (reason && (!strcmp(reason, "manual") || !strcmp(reason, "test")))
        return NOTIFY_SEND;
    if (status && (!strcmp(status, "resolved") || !strcmp(status, "closed")))
        return NOTIFY_CLOSED;
    if (severity < 0 || severity >= YM_SEVERITY_COUNT)
        return NOTIFY_SEND; /* an unknown severity is told, not hidden */
    switch (t->notify_mode[severity]) {
    case YM_NOTIFY_REPORT:
        return NOTIFY_REPORT;
    case YM_NOTIFY_DIGEST:
        return NOTIFY_DIGEST;
    case YM_NOTIFY_IMMEDIATE:
        break;
    }
    int needs_ack = nc->hold_for_ack || (t->require_ack_mask & (1u << severity));
    if (needs_ack && status && !strcmp(status, "new"))
        return NOTIFY_HOLD;
    return NOTIFY_SEND;
}

int notify_policy_contact_wants(const struct ym_contact_config *c, unsigned severity_mask)
{
    return (c->severity_mask & severity_mask) != 0;
}

int64_t notify_policy_backoff_ms(const struct ym_notify_config *nc, int attempt)
{
    int64_t d = nc->retry_first_delay_ms > 0 ? nc->retry_first_delay_ms : 1;
    int64_t max = nc->retry_max_delay_ms > d ? nc->retry_max_delay_ms : d;
    for (int i = 1; i < attempt && d < max; i++)
        d *= 2;
    return d < max ? d : max;
}

int64_t notify_policy_digest_period_ns(int interval_minutes, int64_t now_ns)
{
    int64_t len = (int64_t)(interval_minutes > 0 ? interval_minutes : 60) * 60 * YM_NS_PER_S;
    int64_t q = now_ns / len - (now_ns % len < 0);
    return q * len;
}
