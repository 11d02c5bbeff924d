/* Unit tests of the state store (state/state_db.h): schema creation,
 * counters, unknown senders across writer sessions, per-minute counts, and
 * a reader beside a writer. */
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
#include "state/state_db.h"

static int make_dir(void **state)
{
    char *dir = strdup("/tmp/ym-state-test-XXXXXX");
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

static void reader_before_any_writer_is_not_found(void **state)
{
    struct state_db *db = NULL;
    struct ym_error err = {0};
    assert_int_equal(state_db_open(*state, STATE_DB_READER, &db, &err), YM_ENOTFOUND);
    assert_null(db);
    assert_non_null(strstr(err.reason, "yamori serve"));
}

static void writer_creates_schema_at_current_version(void **state)
{
    struct state_db *db;
    struct ym_error err = {0};
    assert_int_equal(state_db_open(*state, STATE_DB_WRITER, &db, &err), YM_OK);
    assert_int_equal(state_db_schema_version(db), STATE_DB_SCHEMA_VERSION);
    state_db_close(db);
    /* Opening again migrates nothing and keeps the version. */
    assert_int_equal(state_db_open(*state, STATE_DB_WRITER, &db, &err), YM_OK);
    assert_int_equal(state_db_schema_version(db), STATE_DB_SCHEMA_VERSION);
    state_db_close(db);
}

struct seen {
    char names[8][64];
    uint64_t values[8];
    int count;
};

static int collect_counter(void *arg, const char *name, uint64_t value, int64_t updated_ns)
{
    struct seen *s = arg;
    if (s->count < 8) {
        snprintf(s->names[s->count], sizeof s->names[0], "%s", name);
        s->values[s->count++] = value;
    }
    return 0;
}

static void counters_are_replaced_and_listed_by_prefix(void **state)
{
    struct state_db *w, *r;
    assert_int_equal(state_db_open(*state, STATE_DB_WRITER, &w, NULL), YM_OK);
    assert_int_equal(state_db_begin(w), YM_OK);
    assert_int_equal(state_db_counter_set(w, "intake.received.udp", 5, 100), YM_OK);
    assert_int_equal(state_db_counter_set(w, "intake.received.tcp", 7, 100), YM_OK);
    assert_int_equal(state_db_counter_set(w, "parse.errors", 1, 100), YM_OK);
    assert_int_equal(state_db_commit(w), YM_OK);
    assert_int_equal(state_db_counter_set(w, "intake.received.udp", 9, 200), YM_OK);

    /* A reader sees the writer's committed values while the writer is open. */
    assert_int_equal(state_db_open(*state, STATE_DB_READER, &r, NULL), YM_OK);
    uint64_t v = 0;
    int64_t at = 0;
    assert_int_equal(state_db_counter_get(r, "intake.received.udp", &v, &at), YM_OK);
    assert_int_equal(v, 9);
    assert_int_equal(at, 200);
    assert_int_equal(state_db_counter_get(r, "no.such.counter", &v, NULL), YM_ENOTFOUND);

    struct seen s = {0};
    assert_int_equal(state_db_counters_each(r, "intake.", collect_counter, &s), YM_OK);
    assert_int_equal(s.count, 2);
    assert_string_equal(s.names[0], "intake.received.tcp");
    assert_string_equal(s.names[1], "intake.received.udp");
    assert_int_equal(s.values[1], 9);
    /* Readers cannot write. */
    assert_int_not_equal(state_db_counter_set(r, "x", 1, 1), YM_OK);
    state_db_close(r);
    state_db_close(w);
}

struct senders {
    char address[4][64];
    char hostname[4][64];
    uint64_t logs[4];
    int64_t first[4], last[4];
    int count;
};

static int collect_sender(void *arg, const struct state_db_unknown *u)
{
    struct senders *s = arg;
    if (s->count < 4) {
        snprintf(s->address[s->count], 64, "%s", u->address);
        snprintf(s->hostname[s->count], 64, "%s", u->hostname);
        s->logs[s->count] = u->logs;
        s->first[s->count] = u->first_seen_ns;
        s->last[s->count++] = u->last_seen_ns;
    }
    return 0;
}

static void unknown_sender_counts_add_up_across_sessions(void **state)
{
    struct state_db *w;
    assert_int_equal(state_db_open(*state, STATE_DB_WRITER, &w, NULL), YM_OK);
    struct state_db_unknown u = {"unassigned", "192.0.2.7", "192.0.2.7", "", 1000, 1000, 3};
    assert_int_equal(state_db_unknown_put(w, &u), YM_OK);
    /* The same session reports its running count again: replaced, not added. */
    u.logs = 10;
    u.last_seen_ns = 2000;
    u.hostname = "fw-lab";
    assert_int_equal(state_db_unknown_put(w, &u), YM_OK);
    state_db_close(w);

    /* A restart: intake counts from zero again; the store adds the sessions. */
    assert_int_equal(state_db_open(*state, STATE_DB_WRITER, &w, NULL), YM_OK);
    u.logs = 4;
    u.first_seen_ns = 5000; /* this run saw it first at 5000; the store keeps 1000 */
    u.last_seen_ns = 6000;
    u.hostname = "other-name";
    assert_int_equal(state_db_unknown_put(w, &u), YM_OK);
    struct state_db_unknown u2 = {"unassigned", "198.51.100.9", "198.51.100.9", "", 1500, 1500, 1};
    assert_int_equal(state_db_unknown_put(w, &u2), YM_OK);

    struct senders s = {0};
    assert_int_equal(state_db_unknown_each(w, collect_sender, &s), YM_OK);
    assert_int_equal(s.count, 2);
    /* Most recently seen first. */
    assert_string_equal(s.address[0], "192.0.2.7");
    assert_int_equal(s.logs[0], 14);
    assert_int_equal(s.first[0], 1000);
    assert_int_equal(s.last[0], 6000);
    assert_string_equal(s.hostname[0], "fw-lab");
    assert_string_equal(s.address[1], "198.51.100.9");
    assert_int_equal(s.logs[1], 1);
    state_db_close(w);
}

struct minutes {
    int64_t minute[8];
    char device[8][32];
    uint64_t logs[8];
    int count;
};

static int collect_minute(void *arg, const struct state_db_minute *m)
{
    struct minutes *s = arg;
    if (s->count < 8) {
        s->minute[s->count] = m->minute_ns;
        snprintf(s->device[s->count], 32, "%s", m->device);
        s->logs[s->count++] = m->logs;
    }
    return 0;
}

struct activity {
    char device[4][32];
    uint64_t logs[4];
    uint64_t parse_errors[4];
    int64_t first[4], last[4];
    int count;
};

static int collect_activity(void *arg, const struct state_db_activity *a)
{
    struct activity *s = arg;
    if (s->count < 4) {
        snprintf(s->device[s->count], 32, "%s", a->device);
        s->logs[s->count] = a->logs;
        s->parse_errors[s->count] = a->parse_errors;
        s->first[s->count] = a->first_minute_ns;
        s->last[s->count++] = a->last_minute_ns;
    }
    return 0;
}

static void minute_counts_add_within_the_minute(void **state)
{
    struct state_db *w;
    assert_int_equal(state_db_open(*state, STATE_DB_WRITER, &w, NULL), YM_OK);
    int64_t t0 = ym_time_days_from_civil(2026, 11, 22) * YM_NS_PER_DAY + 600 * YM_NS_PER_S;
    assert_int_equal(state_db_minute_add(w, t0 + 5 * YM_NS_PER_S, "acme", "fw1", 10, 1), YM_OK);
    assert_int_equal(state_db_minute_add(w, t0 + 59 * YM_NS_PER_S, "acme", "fw1", 5, 2), YM_OK);
    assert_int_equal(state_db_minute_add(w, t0 + 60 * YM_NS_PER_S, "acme", "fw1", 2, 0), YM_OK);
    assert_int_equal(state_db_minute_add(w, t0, "beta", "ids", 7, 0), YM_OK);

    struct minutes m = {0};
    assert_int_equal(state_db_minutes_each(w, "acme", 0, 0, collect_minute, &m), YM_OK);
    assert_int_equal(m.count, 2);
    assert_int_equal(m.minute[0], t0);
    assert_int_equal(m.logs[0], 15);
    assert_int_equal(m.minute[1], t0 + 60 * YM_NS_PER_S);
    assert_int_equal(m.logs[1], 2);

    struct minutes all = {0};
    assert_int_equal(state_db_minutes_each(w, NULL, t0, t0 + 60 * YM_NS_PER_S, collect_minute, &all),
                     YM_OK);
    assert_int_equal(all.count, 2);
    assert_string_equal(all.device[0], "fw1");
    assert_string_equal(all.device[1], "ids");

    struct activity acts = {0};
    assert_int_equal(state_db_activity_each(w, NULL, 0, 0, collect_activity, &acts), YM_OK);
    assert_int_equal(acts.count, 2);
    assert_string_equal(acts.device[0], "fw1");
    assert_int_equal(acts.logs[0], 17);
    assert_int_equal(acts.parse_errors[0], 3); /* logs no decoder fully read */
    assert_int_equal(acts.first[0], t0);
    assert_int_equal(acts.last[0], t0 + 60 * YM_NS_PER_S);
    assert_string_equal(acts.device[1], "ids");
    assert_int_equal(acts.logs[1], 7);
    struct activity recent = {0};
    assert_int_equal(state_db_activity_each(w, "acme", t0 + 60 * YM_NS_PER_S, 0, collect_activity,
                                            &recent),
                     YM_OK);
    assert_int_equal(recent.count, 1);
    assert_int_equal(recent.logs[0], 2);

    /* Pruning forgets the minutes before the bound, keeps the rest. */
    uint64_t removed = 0;
    assert_int_equal(state_db_minutes_prune(w, t0 + 60 * YM_NS_PER_S, &removed), YM_OK);
    assert_int_equal(removed, 2);
    struct minutes left = {0};
    assert_int_equal(state_db_minutes_each(w, NULL, 0, 0, collect_minute, &left), YM_OK);
    assert_int_equal(left.count, 1);
    assert_int_equal(left.logs[0], 2);
    state_db_close(w);
}

static void writer_in_missing_directory_fails_cleanly(void **state)
{
    struct state_db *db = NULL;
    struct ym_error err = {0};
    char path[512];
    snprintf(path, sizeof path, "%s/does/not/exist", (char *)*state);
    assert_int_not_equal(state_db_open(path, STATE_DB_WRITER, &db, &err), YM_OK);
    assert_null(db);
    assert_true(err.reason[0] != '\0');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(reader_before_any_writer_is_not_found, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(writer_creates_schema_at_current_version, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(counters_are_replaced_and_listed_by_prefix, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(unknown_sender_counts_add_up_across_sessions, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(minute_counts_add_within_the_minute, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(writer_in_missing_directory_fails_cleanly, make_dir, remove_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
