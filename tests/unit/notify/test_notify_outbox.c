/* Unit tests of the notify stage over a real state store, without a mail
 * server: the tenant's policy applied to outbox rows (report only, no
 * contact, held, digest), retries and giving up against a port where
 * nothing listens, the figures notify_stats reports, and the thread
 * woken by notify_kick. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/ym_alloc.h"
#include "core/ym_time.h"
#include "notify/notify.h"
#include "state/state_db.h"
#include "state/state_incidents.h"
#include "state/state_notify.h"

struct fixture {
    char dir[64];
    struct ym_config *cfg;
    struct state_db *db; /* the test's own writer, beside notify's */
};

static struct ym_tenant_config *add_tenant(struct ym_config *cfg, const char *name)
{
    cfg->tenants = ym_xrealloc(cfg->tenants, (cfg->tenant_count + 1) * sizeof *cfg->tenants);
    struct ym_tenant_config *t = &cfg->tenants[cfg->tenant_count++];
    memset(t, 0, sizeof *t);
    t->name = ym_xstrdup(name);
    t->display_name = ym_xstrdup(name);
    t->language = ym_xstrdup("en");
    t->timezone = ym_xstrdup("");
    t->notify_mode[0] = t->notify_mode[1] = YM_NOTIFY_IMMEDIATE;
    t->notify_mode[2] = t->notify_mode[3] = YM_NOTIFY_REPORT;
    t->digest_interval_minutes = 60;
    return t;
}

static void add_webhook(struct ym_tenant_config *t, const char *url)
{
    t->contacts = ym_xrealloc(t->contacts, (t->contact_count + 1) * sizeof *t->contacts);
    t->contacts[t->contact_count++] = (struct ym_contact_config){
        .webhook_url = ym_xstrdup(url), .format = YM_WEBHOOK_GENERIC, .severity_mask = 15};
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/ym-notify-outbox-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    f->cfg = ym_config_default();
    f->cfg->notify.retry_attempts = 2;
    f->cfg->notify.retry_first_delay_ms = 10;
    f->cfg->notify.retry_max_delay_ms = 10;
    struct ym_tenant_config *quiet = add_tenant(f->cfg, "quiet"); /* no contacts */
    quiet->notify_mode[2] = YM_NOTIFY_DIGEST;
    quiet->require_ack_mask = 1u << 0;
    /* port 1 on loopback: nothing listens, connections are refused at once */
    add_webhook(add_tenant(f->cfg, "unreachable"), "http://127.0.0.1:1/hook");
    if (state_db_open(f->dir, STATE_DB_WRITER, &f->db, NULL) != YM_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    state_db_close(f->db);
    ym_config_free(f->cfg);
    const char *names[] = {"state.db", "state.db-wal", "state.db-shm"};
    for (size_t i = 0; i < 3; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s/%s", f->dir, names[i]);
        unlink(path);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static int64_t incident_with_notification(struct fixture *f, const char *tenant,
                                          enum state_severity sev, int64_t *nid)
{
    int64_t now = ym_time_now_ns();
    struct state_incident inc = {.tenant = tenant, .title = "t", .severity = sev, .assignee = "",
                                 .rule_id = "r", .source_ip = "", .destination_ip = "",
                                 .response = "", .first_detection_ns = now};
    assert_int_equal(state_incident_create(f->db, &inc, "opened", now), YM_OK);
    assert_int_equal(state_notify_enqueue(f->db, tenant, inc.id, "new", now, nid), YM_OK);
    return inc.id;
}

struct row {
    char state[16];
    int attempts;
};

static int find_row(void *arg, const struct state_notification *n)
{
    struct row *r = arg;
    snprintf(r->state, sizeof r->state, "%s", n->state);
    r->attempts = n->attempts;
    return 1; /* newest only */
}

static struct row newest(struct fixture *f, const char *tenant)
{
    struct row r = {{0}, 0};
    assert_int_equal(state_notify_each(f->db, tenant, 1, find_row, &r), YM_OK);
    return r;
}

static void policy_decides_what_each_notification_becomes(void **state)
{
    struct fixture *f = *state;
    struct notify *n;
    assert_int_equal(notify_create(f->cfg, f->dir, &n, NULL), YM_OK);
    int64_t nid;
    incident_with_notification(f, "quiet", STATE_SEV_INFORMATIONAL, &nid); /* report only */
    assert_int_equal(notify_run_once(n, ym_time_now_ns(), NULL), YM_OK);
    assert_string_equal(newest(f, "quiet").state, "skipped");
    incident_with_notification(f, "quiet", STATE_SEV_WARNING, &nid); /* digest */
    assert_int_equal(notify_run_once(n, ym_time_now_ns(), NULL), YM_OK);
    assert_string_equal(newest(f, "quiet").state, "digest");
    incident_with_notification(f, "quiet", STATE_SEV_EMERGENCY, &nid); /* needs an ack */
    assert_int_equal(notify_run_once(n, ym_time_now_ns(), NULL), YM_OK);
    assert_string_equal(newest(f, "quiet").state, "held");
    incident_with_notification(f, "quiet", STATE_SEV_CRITICAL, &nid); /* nobody to tell */
    assert_int_equal(notify_run_once(n, ym_time_now_ns(), NULL), YM_OK);
    assert_string_equal(newest(f, "quiet").state, "skipped");
    struct notify_stats s;
    notify_stats(n, &s);
    assert_int_equal(s.skipped, 2);
    assert_int_equal(s.held, 1);
    assert_int_equal(s.sent, 0);
    notify_destroy(n);
}

static void unreachable_contact_is_retried_then_given_up(void **state)
{
    struct fixture *f = *state;
    struct notify *n;
    assert_int_equal(notify_create(f->cfg, f->dir, &n, NULL), YM_OK);
    int64_t nid;
    incident_with_notification(f, "unreachable", STATE_SEV_CRITICAL, &nid);
    assert_int_equal(notify_run_once(n, ym_time_now_ns(), NULL), YM_OK);
    struct row r = newest(f, "unreachable");
    assert_string_equal(r.state, "pending");
    assert_int_equal(r.attempts, 1);
    int64_t next = 0;
    assert_int_equal(notify_next_due(n, &next), YM_OK);
    assert_true(next > 0);
    /* the second attempt, once due (the clock is the caller's) */
    assert_int_equal(notify_run_once(n, next, NULL), YM_OK);
    r = newest(f, "unreachable");
    assert_string_equal(r.state, "failed");
    assert_int_equal(r.attempts, 2);
    struct notify_stats s;
    notify_stats(n, &s);
    assert_int_equal(s.failed_attempts, 2);
    assert_int_equal(s.gave_up, 1);
    notify_destroy(n);
}

static void kicked_thread_takes_the_notification(void **state)
{
    struct fixture *f = *state;
    struct notify *n;
    assert_int_equal(notify_create(f->cfg, f->dir, &n, NULL), YM_OK);
    assert_int_equal(notify_start(n), YM_OK);
    int64_t nid;
    incident_with_notification(f, "quiet", STATE_SEV_INFORMATIONAL, &nid);
    notify_kick(n);
    /* wait for the condition (bounded), never a fixed sleep */
    struct notify_stats s = {0};
    for (int i = 0; i < 500 && s.skipped == 0; i++) {
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
        notify_stats(n, &s);
    }
    assert_int_equal(s.skipped, 1);
    notify_stop(n);
    notify_destroy(n);
    assert_string_equal(newest(f, "quiet").state, "skipped");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(policy_decides_what_each_notification_becomes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(unreachable_contact_is_retried_then_given_up, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(kicked_thread_takes_the_notification, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
