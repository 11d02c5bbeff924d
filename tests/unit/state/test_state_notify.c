/* Unit tests of the notification outbox (state/state_notify.h): due
 * notifications in order, attempts and their timeline lines, the
 * incident's notified time and SLA verdict, held notifications released by
 * an acknowledgement, and the digest bookkeeping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/ym_time.h"
#include "state/state_audit.h"
#include "state/state_db.h"
#include "state/state_incidents.h"
#include "state/state_notify.h"

#define T0 (1700000000LL * YM_NS_PER_S)
#define MIN (60LL * YM_NS_PER_S)

static char *dir_of_last;

static int setup(void **state)
{
    char *dir = strdup("/tmp/ym-notify-state-test-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    struct state_db *db = NULL;
    if (state_db_open(dir, STATE_DB_WRITER, &db, NULL) != YM_OK)
        return -1;
    dir_of_last = dir;
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    state_db_close(*state);
    const char *names[] = {"state.db", "state.db-wal", "state.db-shm"};
    for (size_t i = 0; i < 3; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir_of_last, names[i]);
        unlink(path);
    }
    rmdir(dir_of_last);
    free(dir_of_last);
    return 0;
}

static int64_t incident(struct state_db *db, const char *tenant, enum state_severity sev,
                        int64_t due_ns)
{
    struct state_incident inc = {.tenant = tenant, .title = "t", .severity = sev,
                                 .assignee = "", .rule_id = "r", .source_ip = "192.0.2.1",
                                 .destination_ip = "10.0.0.1", .response = "",
                                 .first_detection_ns = T0, .sla_due_ns = due_ns};
    assert_int_equal(state_incident_create(db, &inc, "opened", T0), YM_OK);
    return inc.id;
}

/* ---- collectors ---- */

struct ids {
    int64_t v[16];
    char state[16][16];
    int count;
};

static int collect(void *arg, const struct state_notification *n)
{
    struct ids *l = arg;
    if (l->count < 16) {
        l->v[l->count] = n->id;
        snprintf(l->state[l->count], sizeof l->state[0], "%s", n->state);
        l->count++;
    }
    return 0;
}

struct inc_copy {
    char status[32];
    int64_t notified_ns;
    int count;
};

static int copy_incident(void *arg, const struct state_notify_incident *inc)
{
    struct inc_copy *c = arg;
    snprintf(c->status, sizeof c->status, "%s", inc->status);
    c->notified_ns = inc->notified_ns;
    c->count++;
    return 0;
}

struct lines {
    int notification_customer, notification_internal, status;
};

static int count_line(void *arg, const struct state_timeline_entry *e)
{
    struct lines *l = arg;
    if (e->kind == STATE_TL_NOTIFICATION && e->visibility == STATE_VIS_CUSTOMER)
        l->notification_customer++;
    if (e->kind == STATE_TL_NOTIFICATION && e->visibility == STATE_VIS_INTERNAL)
        l->notification_internal++;
    if (e->kind == STATE_TL_STATUS)
        l->status++;
    return 0;
}

/* ---- tests ---- */

static void due_notifications_come_earliest_first_and_only_when_due(void **state)
{
    struct state_db *db = *state;
    int64_t a, b;
    assert_int_equal(state_notify_enqueue(db, "acme", 1, "new", T0 + 2, &a), YM_OK);
    assert_int_equal(state_notify_enqueue(db, "acme", 2, "new", T0 + 1, &b), YM_OK);
    struct ids due = {0};
    assert_int_equal(state_notify_due_each(db, T0, 0, collect, &due), YM_OK);
    assert_int_equal(due.count, 0);
    assert_int_equal(state_notify_due_each(db, T0 + 5, 0, collect, &due), YM_OK);
    assert_int_equal(due.count, 2);
    assert_true(due.v[0] == b && due.v[1] == a);
    /* a retry later is not due now, and is the next one due */
    assert_int_equal(state_notify_set_state(db, b, "pending", 1, T0 + MIN, T0 + 5), YM_OK);
    assert_int_equal(state_notify_set_state(db, a, "sent", 1, T0 + 2, T0 + 5), YM_OK);
    memset(&due, 0, sizeof due);
    assert_int_equal(state_notify_due_each(db, T0 + 5, 0, collect, &due), YM_OK);
    assert_int_equal(due.count, 0);
    int64_t next;
    assert_int_equal(state_notify_next_due(db, &next), YM_OK);
    assert_true(next == T0 + MIN);
}

static void first_accepted_message_stops_the_clock_once(void **state)
{
    struct state_db *db = *state;
    int64_t id = incident(db, "acme", STATE_SEV_CRITICAL, T0 + 15 * MIN);
    int64_t nid;
    assert_int_equal(state_notify_enqueue(db, "acme", id, "new", T0, &nid), YM_OK);
    struct state_notify_attempt fail = {.notification_id = nid, .time_ns = T0 + MIN,
                                        .channel = "webhook", .target = "http://h", .ok = 0,
                                        .answer = "HTTP/1.1 500 Internal Server Error"};
    struct state_notify_attempt ok = {.notification_id = nid, .time_ns = T0 + MIN,
                                      .channel = "email", .target = "a@b.c", .ok = 1,
                                      .answer = "250 OK"};
    assert_int_equal(state_notify_attempt_add(db, &fail, id, "acme"), YM_OK);
    assert_int_equal(state_notify_attempt_add(db, &ok, id, "acme"), YM_OK);
    int done = 0;
    assert_int_equal(state_notify_target_done(db, nid, "a@b.c", &done), YM_OK);
    assert_true(done);
    assert_int_equal(state_notify_target_done(db, nid, "http://h", &done), YM_OK);
    assert_false(done);

    int first = 0, breached = 1;
    assert_int_equal(state_notify_incident_notified(db, id, T0 + MIN, &first, &breached), YM_OK);
    assert_true(first);
    assert_false(breached);
    assert_int_equal(state_notify_incident_notified(db, id, T0 + 2 * MIN, &first, NULL), YM_OK);
    assert_false(first);
    struct inc_copy c = {0};
    assert_int_equal(state_notify_incident_get(db, id, copy_incident, &c), YM_OK);
    assert_string_equal(c.status, "notified");
    assert_true(c.notified_ns == T0 + MIN);
    struct lines l = {0};
    assert_int_equal(state_timeline_each(db, id, 1, count_line, &l), YM_OK);
    assert_int_equal(l.notification_customer, 1);
    assert_int_equal(l.notification_internal, 1);
    assert_int_equal(l.status, 1);
    assert_int_equal(state_notify_incident_get(db, id + 100, copy_incident, &c), YM_ENOTFOUND);
}

static void late_message_breaches_the_sla(void **state)
{
    struct state_db *db = *state;
    int64_t id = incident(db, "acme", STATE_SEV_EMERGENCY, T0 + 15 * MIN);
    int first = 0, breached = 0;
    assert_int_equal(state_notify_incident_notified(db, id, T0 + 16 * MIN, &first, &breached),
                     YM_OK);
    assert_true(first);
    assert_true(breached);
}

static void held_notification_waits_for_the_acknowledgement(void **state)
{
    struct state_db *db = *state;
    int64_t id = incident(db, "acme", STATE_SEV_EMERGENCY, 0);
    int64_t nid;
    assert_int_equal(state_notify_enqueue(db, "acme", id, "new", T0, &nid), YM_OK);
    assert_int_equal(state_notify_set_state(db, nid, "held", 0, T0, T0), YM_OK);
    unsigned released = 9;
    assert_int_equal(state_notify_release_held(db, T0 + MIN, &released), YM_OK);
    assert_int_equal(released, 0);
    struct state_actor who = {.name = "analyst1", .role = "analyst", .address = "cli"};
    assert_int_equal(state_incident_set_status(db, id, STATE_STATUS_ACKNOWLEDGED, STATE_RES_NONE,
                                               "", &who, T0 + 2 * MIN, NULL),
                     YM_OK);
    assert_int_equal(state_notify_release_held(db, T0 + 3 * MIN, &released), YM_OK);
    assert_int_equal(released, 1);
    struct ids due = {0};
    assert_int_equal(state_notify_due_each(db, T0 + 3 * MIN, 0, collect, &due), YM_OK);
    assert_int_equal(due.count, 1);
    assert_true(due.v[0] == nid);
}

static int count_incident(void *arg, const struct state_notify_incident *inc)
{
    (*(int *)arg)++;
    return 0;
}

static void digest_carries_what_waited_before_its_period(void **state)
{
    struct state_db *db = *state;
    int64_t i1 = incident(db, "acme", STATE_SEV_WARNING, 0);
    int64_t i2 = incident(db, "acme", STATE_SEV_INFORMATIONAL, 0);
    int64_t n1, n2;
    assert_int_equal(state_notify_enqueue(db, "acme", i1, "new", T0, &n1), YM_OK);
    assert_int_equal(state_notify_enqueue(db, "acme", i2, "new", T0 + 70 * MIN, &n2), YM_OK);
    assert_int_equal(state_notify_set_state(db, n1, "digest", 0, T0, T0), YM_OK);
    assert_int_equal(state_notify_set_state(db, n2, "digest", 0, T0, T0 + 70 * MIN), YM_OK);
    int needed = 0;
    /* period starting at T0: nothing waited from before it */
    assert_int_equal(state_notify_digest_needed(db, "acme", T0, &needed), YM_OK);
    assert_false(needed);
    assert_int_equal(state_notify_digest_needed(db, "acme", T0 + 60 * MIN, &needed), YM_OK);
    assert_true(needed);
    assert_int_equal(state_notify_digest_needed(db, "other", T0 + 60 * MIN, &needed), YM_OK);
    assert_false(needed);
    int64_t d;
    assert_int_equal(state_notify_enqueue(db, "acme", 0, "digest", T0 + 75 * MIN, &d), YM_OK);
    /* one digest per period */
    assert_int_equal(state_notify_digest_needed(db, "acme", T0 + 60 * MIN, &needed), YM_OK);
    assert_false(needed);
    int count = 0;
    assert_int_equal(
        state_notify_digest_incidents(db, "acme", T0 + 75 * MIN, count_incident, &count), YM_OK);
    assert_int_equal(count, 2);
    /* told otherwise meanwhile (a promotion sent at once): not repeated */
    assert_int_equal(state_notify_incident_notified(db, i2, T0 + 74 * MIN, NULL, NULL), YM_OK);
    count = 0;
    assert_int_equal(
        state_notify_digest_incidents(db, "acme", T0 + 75 * MIN, count_incident, &count), YM_OK);
    assert_int_equal(count, 1);
    assert_int_equal(state_notify_digest_done(db, "acme", T0 + 75 * MIN, T0 + 76 * MIN), YM_OK);
    count = 0;
    assert_int_equal(
        state_notify_digest_incidents(db, "acme", T0 + 75 * MIN, count_incident, &count), YM_OK);
    assert_int_equal(count, 0);
    struct ids all = {0};
    assert_int_equal(state_notify_each(db, "acme", 0, collect, &all), YM_OK);
    assert_int_equal(all.count, 3);
    assert_string_equal(all.state[1], "sent"); /* newest first: d, n2, n1 */
    assert_string_equal(all.state[2], "sent");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(due_notifications_come_earliest_first_and_only_when_due,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(first_accepted_message_stops_the_clock_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(late_message_breaches_the_sla, setup, teardown),
        cmocka_unit_test_setup_teardown(held_notification_waits_for_the_acknowledgement, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(digest_carries_what_waited_before_its_period, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
