/* Unit tests of the audit trail and the change feed (state/state_audit.h):
 * entries come back newest first and filtered by tenant and time; a reader
 * cannot write; the change feed hands out what came after a sequence
 * number, in order, also to a second connection (another process). */
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

static int make_dir(void **state)
{
    char *dir = strdup("/tmp/ym-audit-test-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    *state = dir;
    return 0;
}

static int remove_dir(void **state)
{
    char *dir = *state;
    const char *names[] = {"state.db", "state.db-wal", "state.db-shm"};
    for (size_t i = 0; i < 3; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
    free(dir);
    return 0;
}

struct seen {
    char what[8][64];
    int64_t seq[8];
    int count;
};

static int keep_audit(void *arg, const struct state_audit_entry *e)
{
    struct seen *s = arg;
    if (s->count < 8)
        snprintf(s->what[s->count++], sizeof s->what[0], "%s %s %s", e->actor, e->action,
                 e->object);
    return 0;
}

static void audit_lists_newest_first_by_tenant_and_time(void **state)
{
    struct state_db *db = NULL;
    assert_int_equal(state_db_open(*state, STATE_DB_WRITER, &db, NULL), YM_OK);
    int64_t t0 = 1700000000 * YM_NS_PER_S;
    struct state_audit_entry a = {.time_ns = t0, .actor = "alice", .role = "analyst",
                                  .tenant = "acme", .action = "incident.status",
                                  .object = "incident:1", .detail = "new -> acknowledged",
                                  .address = "cli"};
    assert_int_equal(state_audit_add(db, &a), YM_OK);
    a.time_ns = t0 + YM_NS_PER_S;
    a.tenant = "kumo";
    a.object = "incident:2";
    assert_int_equal(state_audit_add(db, &a), YM_OK);
    a.time_ns = t0 + 2 * YM_NS_PER_S;
    a.tenant = "acme";
    a.actor = "bob";
    a.action = "incident.comment";
    a.object = "incident:1";
    a.detail = NULL; /* stored as "" */
    assert_int_equal(state_audit_add(db, &a), YM_OK);

    struct seen all = {0};
    assert_int_equal(state_audit_each(db, NULL, 0, 0, 0, keep_audit, &all), YM_OK);
    assert_int_equal(all.count, 3);
    assert_string_equal(all.what[0], "bob incident.comment incident:1");
    assert_string_equal(all.what[2], "alice incident.status incident:1");

    struct seen acme = {0};
    assert_int_equal(state_audit_each(db, "acme", 0, 0, 0, keep_audit, &acme), YM_OK);
    assert_int_equal(acme.count, 2);

    struct seen window = {0};
    assert_int_equal(state_audit_each(db, NULL, t0 + YM_NS_PER_S, t0 + 2 * YM_NS_PER_S, 0,
                                      keep_audit, &window),
                     YM_OK);
    assert_int_equal(window.count, 1);
    assert_string_equal(window.what[0], "alice incident.status incident:2");

    struct seen one = {0};
    assert_int_equal(state_audit_each(db, NULL, 0, 0, 1, keep_audit, &one), YM_OK);
    assert_int_equal(one.count, 1);
    state_db_close(db);
}

static void reader_cannot_write_audit_or_changes(void **state)
{
    struct state_db *w = NULL, *r = NULL;
    assert_int_equal(state_db_open(*state, STATE_DB_WRITER, &w, NULL), YM_OK);
    assert_int_equal(state_db_open(*state, STATE_DB_READER, &r, NULL), YM_OK);
    struct state_audit_entry a = {.actor = "mallory", .action = "user.add"};
    assert_int_equal(state_audit_add(r, &a), YM_EINVAL);
    assert_int_equal(state_change_add(r, "acme", "incident.new", 1, 0), YM_EINVAL);
    struct seen none = {0};
    assert_int_equal(state_audit_each(r, NULL, 0, 0, 0, keep_audit, &none), YM_OK);
    assert_int_equal(none.count, 0);
    state_db_close(r);
    state_db_close(w);
}

static int keep_change(void *arg, const struct state_change *c)
{
    struct seen *s = arg;
    if (s->count < 8) {
        s->seq[s->count] = c->seq;
        snprintf(s->what[s->count++], sizeof s->what[0], "%s %s %lld", c->tenant, c->kind,
                 (long long)c->ref);
    }
    return 0;
}

static void change_feed_resumes_after_a_sequence_number(void **state)
{
    struct state_db *w = NULL, *r = NULL;
    assert_int_equal(state_db_open(*state, STATE_DB_WRITER, &w, NULL), YM_OK);
    int64_t last = -1;
    assert_int_equal(state_changes_last(w, &last), YM_OK);
    assert_int_equal(last, 0);
    assert_int_equal(state_change_add(w, "acme", "event.new", 7, 0), YM_OK);
    assert_int_equal(state_change_add(w, "acme", "incident.new", 3, 0), YM_OK);

    assert_int_equal(state_db_open(*state, STATE_DB_READER, &r, NULL), YM_OK);
    struct seen first = {0};
    assert_int_equal(state_changes_each(r, 0, 0, keep_change, &first), YM_OK);
    assert_int_equal(first.count, 2);
    assert_string_equal(first.what[0], "acme event.new 7");
    assert_string_equal(first.what[1], "acme incident.new 3");
    assert_true(first.seq[0] < first.seq[1]);

    assert_int_equal(state_change_add(w, "kumo", "incident.update", 3, 0), YM_OK);
    struct seen next = {0};
    assert_int_equal(state_changes_each(r, first.seq[1], 0, keep_change, &next), YM_OK);
    assert_int_equal(next.count, 1);
    assert_string_equal(next.what[0], "kumo incident.update 3");
    assert_int_equal(state_changes_last(r, &last), YM_OK);
    assert_int_equal(last, next.seq[0]);

    /* Pruning forgets old changes but never reuses their numbers. */
    assert_int_equal(state_changes_prune(w, ym_time_now_ns() + YM_NS_PER_S), YM_OK);
    assert_int_equal(state_change_add(w, "acme", "event.update", 7, 0), YM_OK);
    struct seen after = {0};
    assert_int_equal(state_changes_each(r, 0, 0, keep_change, &after), YM_OK);
    assert_int_equal(after.count, 1);
    assert_true(after.seq[0] > next.seq[0]);
    state_db_close(r);
    state_db_close(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(audit_lists_newest_first_by_tenant_and_time, make_dir,
                                        remove_dir),
        cmocka_unit_test_setup_teardown(reader_cannot_write_audit_or_changes, make_dir,
                                        remove_dir),
        cmocka_unit_test_setup_teardown(change_feed_resumes_after_a_sequence_number, make_dir,
                                        remove_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
