/* notify: the notify thread and the handling of one notification (see
 * notify.h).
 *
 * DESIGN. One thread, one state writer connection of its own. Each round:
 *   1. held notifications whose incident an analyst acknowledged become
 *      pending (state_notify_release_held);
 *   2. every tenant with notifications waiting for a digest gets a digest
 *      notification once per digest period;
 *   3. every pending notification due now is handled: the tenant's policy
 *      decides (send, hold, digest, report only), the message is rendered
 *      in the tenant's language and sent to each contact that has not
 *      accepted it yet, each attempt is recorded with its answer, and the
 *      notification is settled (sent), retried later (back-off) or given
 *      up (failed).
 * Then the thread sleeps until the next notification is due, at most one
 * second, or until notify_kick. Nothing is kept in memory between rounds:
 * the outbox in the store is the queue, so a restart loses nothing and a
 * CLI process can enqueue what the server sends.
 *
 * Shutdown: notify_stop sets `stopping` and `cancel` and wakes the thread;
 * a transfer under way is abandoned within a fraction of a second (a
 * server that does not answer cannot hold up a restart), recorded as a
 * failed attempt, and the thread exits; what is left pending stays in the
 * outbox and is sent after the next start.
 *
 * Invariants:
 *   1. A contact that accepted a notification is never sent it again (a
 *      retry goes only to the contacts that failed).
 *   2. Every attempt is recorded before the notification's state moves.
 *   3. The first accepted message stops the incident's SLA clock. */
#include "notify/notify.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ym_alloc.h"
#include "core/ym_buf.h"
#include "core/ym_log.h"
#include "core/ym_time.h"
#include "notify/notify_policy.h"
#include "notify/notify_send.h"
#include "notify/notify_template.h"
#include "state/state_notify.h"

#define ROUND_LIMIT 64          /* notifications handled per query */
#define POLL_NS YM_NS_PER_S     /* longest sleep between rounds */

struct notify {
    const struct ym_config *cfg; /* borrowed */
    struct state_db *db;         /* the notify thread's (or the CLI's) writer */
    pthread_t thread;
    int started;
    /* mu guards kicked, stopping and stats; any thread. */
    pthread_mutex_t mu;
    pthread_cond_t cond;
    int kicked, stopping;
    struct notify_stats stats;
    atomic_int cancel; /* set by notify_stop: abandon the transfer under way */
    struct notify_sender *sender; /* connections of the thread (or the CLI) */
};

/* ---- incidents as messages show them (owned copies) ---- */

struct item_list {
    struct notify_item *v;
    size_t count, cap;
};

static char *dup(const char *s) { return ym_xstrdup(s ? s : ""); }

static int collect_item(void *arg, const struct state_notify_incident *inc)
{
    struct item_list *l = arg;
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = ym_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    struct notify_item *it = &l->v[l->count++];
    *it = (struct notify_item){
        .id = inc->id,
        .title = dup(inc->title),
        .severity = dup(inc->severity),
        .status = dup(inc->status),
        .rule_id = dup(inc->rule_id),
        .source_ip = dup(inc->source_ip),
        .destination_ip = dup(inc->destination_ip),
        .response = dup(inc->response),
        .first_detection_ns = inc->first_detection_ns,
    };
    return 0;
}

static void items_free(struct item_list *l)
{
    for (size_t i = 0; i < l->count; i++) {
        struct notify_item *it = &l->v[i];
        free((char *)it->title);
        free((char *)it->severity);
        free((char *)it->status);
        free((char *)it->rule_id);
        free((char *)it->source_ip);
        free((char *)it->destination_ip);
        free((char *)it->response);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* ---- delivery to the contacts ---- */

struct round {
    unsigned tried, accepted, failed, already; /* contacts */
    int cancelled; /* notify_stop cut the round short */
};

static const char *channel_of(const struct ym_contact_config *c)
{
    if (c->email)
        return "email";
    return c->format == YM_WEBHOOK_SLACK ? "slack" : c->format == YM_WEBHOOK_TEAMS ? "teams"
                                                                                  : "webhook";
}

/* Sends msg to one contact; the answer in ans. */
static void send_one(struct notify_sender *s, const struct ym_notify_config *nc,
                     const struct ym_contact_config *c, const struct notify_message_in *msg,
                     const char *subject, const char *body, const char *message_id,
                     struct notify_answer *ans)
{
    struct ym_buf out = YM_BUF_INIT;
    if (c->email) {
        notify_template_email(nc->from ? nc->from : "yamori@localhost", c->email, subject, body,
                              ym_time_now_ns(), message_id, &out);
        notify_send_email(s, nc, c->email, out.data, out.len, ans);
    } else {
        notify_template_webhook(msg, subject, body, c->format, &out);
        notify_send_webhook(s, nc, c->webhook_url, out.data, out.len, ans);
    }
    ym_buf_free(&out);
}

static void message_id(char *buf, size_t cap, const struct ym_notify_config *nc, int64_t id,
                       int attempt)
{
    const char *at = nc->from ? strchr(nc->from, '@') : NULL;
    snprintf(buf, cap, "yamori.%lld.%d.%lld@%s", (long long)id, attempt,
             (long long)ym_time_now_ns(), at ? at + 1 : "localhost");
}

/* One round of a notification to the contacts of t that want severities in
 * mask, skipping those that accepted it already (invariant 1). */
static enum ym_status deliver(struct notify *n, const struct ym_tenant_config *t,
                              const struct notify_message_in *msg, unsigned mask, int64_t nid,
                              int64_t incident_id, int attempt, struct round *r)
{
    const struct ym_notify_config *nc = &n->cfg->notify;
    struct ym_buf subject = YM_BUF_INIT, body = YM_BUF_INIT;
    notify_template_render(msg, &subject, &body);
    char mid[256];
    message_id(mid, sizeof mid, nc, nid, attempt);
    enum ym_status st = YM_OK;
    memset(r, 0, sizeof *r);
    for (size_t i = 0; i < t->contact_count && st == YM_OK; i++) {
        const struct ym_contact_config *c = &t->contacts[i];
        if (!notify_policy_contact_wants(c, mask))
            continue;
        const char *target = c->email ? c->email : c->webhook_url;
        int done = 0;
        if ((st = state_notify_target_done(n->db, nid, target, &done)) != YM_OK)
            break;
        if (done) {
            r->already++;
            continue;
        }
        struct notify_answer ans;
        send_one(n->sender, nc, c, msg, subject.data, body.data, mid, &ans);
        r->tried++;
        struct state_notify_attempt a = {.notification_id = nid,
                                         .time_ns = ym_time_now_ns(),
                                         .channel = channel_of(c),
                                         .target = target,
                                         .ok = ans.ok,
                                         .answer = ans.text};
        st = state_notify_attempt_add(n->db, &a, incident_id, t->name);
        if (ans.ok) {
            r->accepted++;
        } else if (atomic_load(&n->cancel)) {
            r->cancelled = 1;
            break;
        } else {
            r->failed++;
            ym_log(YM_LOG_WARN, "notify: notification %lld to %s: %s", (long long)nid, target,
                   ans.text);
        }
    }
    pthread_mutex_lock(&n->mu);
    n->stats.failed_attempts += r->failed;
    pthread_mutex_unlock(&n->mu);
    ym_buf_free(&subject);
    ym_buf_free(&body);
    return st;
}

/* The customer heard about incident it at now_ns. */
static enum ym_status told(struct notify *n, const struct notify_item *it, int64_t now_ns)
{
    int first = 0, breached = 0;
    enum ym_status st = state_notify_incident_notified(n->db, it->id, now_ns, &first, &breached);
    if (st != YM_OK || !first)
        return st;
    int64_t latency = it->first_detection_ns ? now_ns - it->first_detection_ns : 0;
    pthread_mutex_lock(&n->mu);
    n->stats.last_latency_ns = latency;
    if (latency > n->stats.max_latency_ns)
        n->stats.max_latency_ns = latency;
    n->stats.sla_breaches += (uint64_t)breached;
    pthread_mutex_unlock(&n->mu);
    return YM_OK;
}

/* After a round: sent, retried later, or given up. A round cut short by
 * notify_stop does not count: it is due again at the next start. */
static enum ym_status settle(struct notify *n, const struct state_notification *row,
                             const struct round *r, int attempt, int64_t now_ns, int *sent)
{
    const struct ym_notify_config *nc = &n->cfg->notify;
    *sent = 0;
    if (r->cancelled)
        return state_notify_set_state(n->db, row->id, "pending", row->attempts, now_ns, now_ns);
    *sent = r->failed == 0;
    if (r->failed == 0) {
        pthread_mutex_lock(&n->mu);
        n->stats.sent++;
        pthread_mutex_unlock(&n->mu);
        return state_notify_set_state(n->db, row->id, "sent", attempt, row->next_ns, now_ns);
    }
    if (attempt >= nc->retry_attempts) {
        pthread_mutex_lock(&n->mu);
        n->stats.gave_up++;
        pthread_mutex_unlock(&n->mu);
        ym_log(YM_LOG_ERROR, "notify: notification %lld of tenant %s: gave up after %d attempts",
               (long long)row->id, row->tenant, attempt);
        enum ym_status st = state_notify_set_state(n->db, row->id, "failed", attempt, row->next_ns,
                                                   now_ns);
        if (st == YM_OK && row->incident_id) {
            char text[160];
            snprintf(text, sizeof text, "Notification gave up after %d attempts", attempt);
            st = state_notify_timeline_add(n->db, row->incident_id, row->tenant, now_ns,
                                           "internal", text);
        }
        return st;
    }
    int64_t next = ym_time_now_ns() + notify_policy_backoff_ms(nc, attempt) * 1000000LL;
    return state_notify_set_state(n->db, row->id, "pending", attempt, next, now_ns);
}

/* A notification that will send nothing: skipped, with the reason on the
 * incident's timeline. */
static enum ym_status skip(struct notify *n, const struct state_notification *row, int64_t now_ns,
                           const char *why)
{
    pthread_mutex_lock(&n->mu);
    n->stats.skipped++;
    pthread_mutex_unlock(&n->mu);
    enum ym_status st = state_notify_set_state(n->db, row->id, "skipped", row->attempts,
                                               row->next_ns, now_ns);
    if (st == YM_OK && row->incident_id)
        st = state_notify_timeline_add(n->db, row->incident_id, row->tenant, now_ns, "internal",
                                       why);
    return st;
}

static void message_for(const struct ym_config *cfg, const struct ym_tenant_config *t,
                        const char *reason, const struct item_list *l, int digest,
                        struct notify_message_in *msg)
{
    *msg = (struct notify_message_in){
        .language = t->language,
        .tenant = t->name,
        .tenant_display = t->display_name,
        .timezone = t->timezone,
        .portal_url = cfg->notify.portal_url,
        .reason = reason,
        .items = l->v,
        .item_count = l->count,
        .digest = digest,
    };
}

static enum ym_status handle_incident(struct notify *n, const struct ym_tenant_config *t,
                                      const struct state_notification *row, int64_t now_ns)
{
    struct item_list l = {0};
    enum ym_status st = state_notify_incident_get(n->db, row->incident_id, collect_item, &l);
    if (st == YM_ENOTFOUND)
        return skip(n, row, now_ns, "no such incident");
    if (st != YM_OK)
        return st;
    const struct notify_item *it = &l.v[0];
    int sev = ym_config_severity_index(it->severity);
    char why[200];
    switch (notify_policy_decide(&n->cfg->notify, t, sev, it->status, row->reason)) {
    case NOTIFY_REPORT:
        snprintf(why, sizeof why, "No message: tenant policy keeps %s incidents for the monthly "
                 "report", it->severity);
        st = skip(n, row, now_ns, why);
        goto out;
    case NOTIFY_CLOSED:
        snprintf(why, sizeof why, "No message: the incident was %s before it was sent", it->status);
        st = skip(n, row, now_ns, why);
        goto out;
    case NOTIFY_DIGEST:
        st = state_notify_set_state(n->db, row->id, "digest", row->attempts, row->next_ns, now_ns);
        if (st == YM_OK)
            st = state_notify_timeline_add(n->db, row->incident_id, row->tenant, now_ns,
                                           "internal", "Notification waits for the tenant's digest");
        goto out;
    case NOTIFY_HOLD:
        pthread_mutex_lock(&n->mu);
        n->stats.held++;
        pthread_mutex_unlock(&n->mu);
        st = state_notify_set_state(n->db, row->id, "held", row->attempts, row->next_ns, now_ns);
        if (st == YM_OK)
            st = state_notify_timeline_add(n->db, row->incident_id, row->tenant, now_ns,
                                           "internal",
                                           "Notification held until an analyst acknowledges the "
                                           "incident");
        goto out;
    case NOTIFY_SEND:
        break;
    }
    unsigned mask = sev >= 0 ? 1u << sev : (1u << YM_SEVERITY_COUNT) - 1;
    struct notify_message_in msg;
    message_for(n->cfg, t, row->reason, &l, 0, &msg);
    struct round r;
    int attempt = row->attempts + 1;
    if ((st = deliver(n, t, &msg, mask, row->id, row->incident_id, attempt, &r)) != YM_OK)
        goto out;
    if (r.tried == 0 && r.already == 0) {
        snprintf(why, sizeof why, "No message: tenant %s has no contact for %s incidents", t->name,
                 it->severity);
        st = skip(n, row, now_ns, why);
        goto out;
    }
    int64_t at = ym_time_now_ns();
    if (r.accepted && (st = told(n, it, at)) != YM_OK)
        goto out;
    int sent;
    st = settle(n, row, &r, attempt, at, &sent);
out:
    items_free(&l);
    return st;
}

static enum ym_status handle_digest(struct notify *n, const struct ym_tenant_config *t,
                                    const struct state_notification *row, int64_t now_ns)
{
    struct item_list l = {0};
    enum ym_status st =
        state_notify_digest_incidents(n->db, t->name, row->created_ns, collect_item, &l);
    if (st != YM_OK)
        return st;
    if (l.count == 0) {
        /* Everything waiting was told otherwise already. */
        items_free(&l);
        st = state_notify_digest_done(n->db, t->name, row->created_ns, now_ns);
        return st == YM_OK ? skip(n, row, now_ns, "") : st;
    }
    unsigned mask = 0;
    for (size_t i = 0; i < l.count; i++) {
        int sev = ym_config_severity_index(l.v[i].severity);
        mask |= sev >= 0 ? 1u << sev : 0;
    }
    struct notify_message_in msg;
    message_for(n->cfg, t, "digest", &l, 1, &msg);
    struct round r;
    int attempt = row->attempts + 1;
    if ((st = deliver(n, t, &msg, mask, row->id, 0, attempt, &r)) != YM_OK)
        goto out;
    if (r.tried == 0 && r.already == 0) {
        /* Nobody receives these severities: they stay for the report. */
        st = state_notify_digest_done(n->db, t->name, row->created_ns, now_ns);
        if (st == YM_OK)
            st = skip(n, row, now_ns, "");
        goto out;
    }
    int64_t at = ym_time_now_ns();
    for (size_t i = 0; r.accepted && i < l.count && st == YM_OK; i++) {
        char text[160];
        snprintf(text, sizeof text, "Told in digest notification %lld", (long long)row->id);
        st = state_notify_timeline_add(n->db, l.v[i].id, t->name, at, "customer", text);
        if (st == YM_OK)
            st = told(n, &l.v[i], at);
    }
    int sent = 0;
    if (st == YM_OK)
        st = settle(n, row, &r, attempt, at, &sent);
    /* Carried incidents are done once every contact has the digest; if it
     * is given up they wait for the next one. */
    if (st == YM_OK && sent)
        st = state_notify_digest_done(n->db, t->name, row->created_ns, at);
out:
    items_free(&l);
    return st;
}

static enum ym_status handle_row(struct notify *n, const struct state_notification *row,
                                 int64_t now_ns)
{
    const struct ym_tenant_config *t = ym_config_tenant(n->cfg, row->tenant);
    if (!t)
        return skip(n, row, now_ns, "No message: the tenant is not in the configuration");
    if (row->incident_id)
        return handle_incident(n, t, row, now_ns);
    return handle_digest(n, t, row, now_ns);
}

static enum ym_status start_digests(struct notify *n, int64_t now_ns, unsigned *started)
{
    *started = 0;
    for (size_t i = 0; i < n->cfg->tenant_count; i++) {
        const struct ym_tenant_config *t = &n->cfg->tenants[i];
        int any = 0;
        for (int s = 0; s < YM_SEVERITY_COUNT; s++)
            any |= t->notify_mode[s] == YM_NOTIFY_DIGEST;
        if (!any)
            continue;
        int needed = 0;
        int64_t period = notify_policy_digest_period_ns(t->digest_interval_minutes, now_ns);
        enum ym_status st = state_notify_digest_needed(n->db, t->name, period, &needed);
        if (st == YM_OK && needed) {
            st = state_notify_enqueue(n->db, t->name, 0, "digest", now_ns, NULL);
            (*started)++;
        }
        if (st != YM_OK)
            return st;
    }
    return YM_OK;
}

/* Handles every notification due at now_ns. */
static enum ym_status handle_due(struct notify *n, int64_t now_ns, unsigned *count)
{
    enum ym_status st = YM_OK;
    while (st == YM_OK) {
        /* rows first: handling one writes on the same connection */
        struct state_notification_list due = {0};
        st = state_notify_due_each(n->db, now_ns, ROUND_LIMIT, state_notification_list_add, &due);
        size_t got = due.count;
        for (size_t i = 0; st == YM_OK && i < due.count; i++, (*count)++)
            st = handle_row(n, &due.v[i], now_ns);
        state_notification_list_free(&due);
        pthread_mutex_lock(&n->mu);
        int stopping = n->stopping;
        pthread_mutex_unlock(&n->mu);
        if (got < ROUND_LIMIT || stopping)
            break;
    }
    return st;
}

enum ym_status notify_run_once(struct notify *n, int64_t now_ns, unsigned *handled)
{
    unsigned count = 0, released = 0, digests = 0;
    enum ym_status st = state_notify_release_held(n->db, now_ns, &released);
    if (st == YM_OK)
        st = start_digests(n, now_ns, &digests);
    if (st == YM_OK)
        st = handle_due(n, now_ns, &count);
    /* What was just handled may have been the last one a digest waited
     * for: start it in the same round rather than the next. */
    if (st == YM_OK)
        st = start_digests(n, now_ns, &digests);
    if (st == YM_OK && digests)
        st = handle_due(n, now_ns, &count);
    if (handled)
        *handled = count;
    return st;
}

enum ym_status notify_next_due(struct notify *n, int64_t *next_ns)
{
    return state_notify_next_due(n->db, next_ns);
}

/* ---- the thread ---- */

static void *notify_main(void *arg)
{
    struct notify *n = arg;
    for (;;) {
        pthread_mutex_lock(&n->mu);
        int stopping = n->stopping;
        n->kicked = 0;
        pthread_mutex_unlock(&n->mu);
        if (stopping)
            break;
        int64_t now = ym_time_now_ns();
        enum ym_status st = notify_run_once(n, now, NULL);
        if (st != YM_OK)
            YM_LOG_RATELIMITED(YM_LOG_ERROR, "notify: round failed: %s (retrying)",
                               ym_status_str(st));
        int64_t next = 0, wait_ns = POLL_NS;
        if (st == YM_OK && state_notify_next_due(n->db, &next) == YM_OK && next) {
            int64_t d = next - ym_time_now_ns();
            wait_ns = d < 0 ? 0 : d < POLL_NS ? d : POLL_NS;
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        int64_t ns = until.tv_nsec + wait_ns;
        until.tv_sec += ns / YM_NS_PER_S;
        until.tv_nsec = ns % YM_NS_PER_S;
        pthread_mutex_lock(&n->mu);
        while (!n->kicked && !n->stopping && wait_ns > 0)
            if (pthread_cond_timedwait(&n->cond, &n->mu, &until))
                break;
        pthread_mutex_unlock(&n->mu);
    }
    return NULL;
}

enum ym_status notify_create(const struct ym_config *cfg, const char *data_dir,
                             struct notify **out, struct ym_error *err)
{
    notify_send_global_init();
    struct notify *n = ym_xcalloc(1, sizeof *n);
    n->cfg = cfg;
    enum ym_status st = state_db_open(data_dir, STATE_DB_WRITER, &n->db, err);
    if (st != YM_OK) {
        free(n);
        return st;
    }
    pthread_mutex_init(&n->mu, NULL);
    pthread_cond_init(&n->cond, NULL);
    n->sender = notify_sender_create(&n->cancel);
    for (size_t i = 0; i < cfg->tenant_count; i++)
        for (size_t c = 0; c < cfg->tenants[i].contact_count; c++)
            if (cfg->tenants[i].contacts[c].email && !cfg->notify.smtp_url) {
                ym_log(YM_LOG_WARN,
                       "notify: tenant %s has email contacts but notify.smtp.url is not set: "
                       "their mail will fail",
                       cfg->tenants[i].name);
                break;
            }
    *out = n;
    return YM_OK;
}

enum ym_status notify_start(struct notify *n)
{
    if (pthread_create(&n->thread, NULL, notify_main, n) != 0)
        return YM_EIO;
    pthread_setname_np(n->thread, "ym-notify");
    n->started = 1;
    return YM_OK;
}

void notify_kick(void *arg)
{
    struct notify *n = arg;
    if (!n)
        return;
    pthread_mutex_lock(&n->mu);
    n->kicked = 1;
    pthread_cond_signal(&n->cond);
    pthread_mutex_unlock(&n->mu);
}

void notify_stop(struct notify *n)
{
    if (!n || !n->started)
        return;
    pthread_mutex_lock(&n->mu);
    n->stopping = 1;
    pthread_cond_signal(&n->cond);
    pthread_mutex_unlock(&n->mu);
    atomic_store(&n->cancel, 1);
    pthread_join(n->thread, NULL);
    n->started = 0;
}

void notify_destroy(struct notify *n)
{
    if (!n)
        return;
    notify_stop(n);
    state_db_close(n->db);
    notify_sender_destroy(n->sender);
    pthread_cond_destroy(&n->cond);
    pthread_mutex_destroy(&n->mu);
    free(n);
}

void notify_stats(struct notify *n, struct notify_stats *out)
{
    pthread_mutex_lock(&n->mu);
    *out = n->stats;
    pthread_mutex_unlock(&n->mu);
}

/* ---- test messages ---- */

enum ym_status notify_test(const struct ym_config *cfg, const char *tenant, const char *severity,
                           notify_test_fn fn, void *arg, unsigned *contacts)
{
    notify_send_global_init();
    *contacts = 0;
    const struct ym_tenant_config *t = ym_config_tenant(cfg, tenant);
    if (!t)
        return YM_ENOTFOUND;
    int sev = ym_config_severity_index(severity);
    if (sev < 0)
        return YM_EINVAL;
    struct notify_item it = {.id = 0, .title = "", .severity = severity, .status = "",
                             .rule_id = "", .source_ip = "", .destination_ip = "",
                             .response = "", .first_detection_ns = ym_time_now_ns()};
    struct item_list l = {.v = &it, .count = 1};
    struct notify_message_in msg;
    message_for(cfg, t, "test", &l, 0, &msg);
    struct ym_buf subject = YM_BUF_INIT, body = YM_BUF_INIT;
    notify_template_render(&msg, &subject, &body);
    char mid[256];
    message_id(mid, sizeof mid, &cfg->notify, 0, 1);
    struct notify_sender *sender = notify_sender_create(NULL);
    for (size_t i = 0; i < t->contact_count; i++) {
        const struct ym_contact_config *c = &t->contacts[i];
        if (!notify_policy_contact_wants(c, 1u << sev))
            continue;
        struct notify_answer ans;
        send_one(sender, &cfg->notify, c, &msg, subject.data, body.data, mid, &ans);
        (*contacts)++;
        fn(arg, channel_of(c), c->email ? c->email : c->webhook_url, ans.ok, ans.text);
    }
    notify_sender_destroy(sender);
    ym_buf_free(&subject);
    ym_buf_free(&body);
    return YM_OK;
}
