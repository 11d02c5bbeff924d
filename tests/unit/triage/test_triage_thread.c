/* Unit tests of the triage hand-off and thread (triage/triage.h): what a
 * worker copies out of a log, and detections submitted from two threads
 * all reaching the store (nothing dropped), with the notify hook called
 * after an incident was committed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>

#include <cmocka.h>

#include "core/ym_time.h"
#include "state/state_db.h"
#include "state/state_incidents.h"
#include "triage/triage.h"

static const char *const tags[] = {"attack.initial_access", "attack.t1190"};
static const char *const custom_keys[] = {"response", "aggregate"};
static const char *const custom_values[] = {"Patch it", "source.ip"};
static const char *const rule_fields[] = {"url.original"};

static const struct detect_rule_meta rule = {
    .id = "r-sqli", .title = "SQL injection", .level = DETECT_LEVEL_HIGH,
    .response = "Patch it", .tags = tags, .tag_count = 2, .fields = rule_fields,
    .field_count = 1, .custom_keys = custom_keys, .custom_values = custom_values,
    .custom_count = 2,
};
static const struct ym_device device = {.name = "web1", .tenant = "acme", .kind = "json"};

/* A parsed log as the workers hold it. */
static void make_record(struct ym_record *rec, struct ym_arena *a, const char *status)
{
    memset(rec, 0, sizeof *rec);
    static const char raw[] = "GET /item?id=1%27%20OR%201=1 200";
    rec->raw = raw;
    rec->raw_len = sizeof raw - 1;
    rec->device = &device;
    rec->received_ns = ym_time_now_ns();
    rec->time_ns = 1700000000LL * YM_NS_PER_S;
    rec->archive_ref = 42;
    ym_fields_init(&rec->fields, a);
    ym_fields_add(&rec->fields, YM_FIELD_DYNAMIC, "source.ip", "203.0.113.9", 11);
    ym_fields_add(&rec->fields, YM_FIELD_DYNAMIC, "destination.ip", "10.0.0.5", 8);
    ym_fields_add_int(&rec->fields, YM_FIELD_DYNAMIC, "http.response.status_code",
                      strtol(status, NULL, 10));
    ym_fields_add(&rec->fields, YM_FIELD_DYNAMIC, "url.original", "/item?id=1' OR 1=1", 18);
    struct ym_field *t1 = ym_fields_add(&rec->fields, YM_FIELD_DYNAMIC, "event.type", "access", 6);
    struct ym_field *t2 = ym_fields_add(&rec->fields, YM_FIELD_DYNAMIC, "event.type", "allowed", 7);
    t1->flags = t2->flags = YM_FF_ARRAY;
}

static void worker_copy_keeps_rule_key_evidence_and_sample(void **state)
{
    (void)state;
    struct ym_arena a;
    ym_arena_init(&a, 4096, 0);
    struct ym_record rec;
    make_record(&rec, &a, "200");
    const char *matched[] = {"url.original"};
    struct detect_hit hit = {.rule = &rule, .fields = matched, .field_count = 1,
                             .time_ns = rec.time_ns, .group = "", .count = 1};
    struct triage_batch *tb = triage_batch_create();
    assert_int_equal(triage_batch_add_hit(tb, &rec, &hit), YM_OK);
    ym_arena_fini(&a); /* the log batch goes back to its pool: nothing may point into it */
    assert_int_equal(tb->count, 1);
    const struct triage_detection *d = &tb->v[0];
    assert_string_equal(d->rule_id, "r-sqli");
    assert_string_equal(d->agg_key, "source.ip");
    assert_string_equal(d->tags, "attack.initial_access,attack.t1190");
    assert_string_equal(d->rule_response, "Patch it");
    assert_string_equal(d->tenant, "acme");
    assert_string_equal(d->device, "web1");
    assert_int_equal(d->archive_ref, 42);
    assert_string_equal(d->sample, "GET /item?id=1%27%20OR%201=1 200");
    assert_string_equal(triage_detection_field(d, "source.ip"), "203.0.113.9");
    assert_string_equal(triage_detection_field(d, "http.response.status_code"), "200");
    assert_string_equal(triage_detection_field(d, "event.type"), "access,allowed");
    assert_string_equal(triage_detection_field(d, "url.original"), "/item?id=1' OR 1=1");
    assert_null(triage_detection_field(d, "user.name"));
    assert_string_equal(d->matched[0], "url.original");
    triage_batch_free(tb);
}

struct submitter {
    struct triage *t;
    int batches, per_batch;
};

static void *submit_many(void *arg)
{
    struct submitter *s = arg;
    struct ym_arena a;
    ym_arena_init(&a, 4096, 0);
    struct ym_record rec;
    make_record(&rec, &a, "200");
    struct detect_hit hit = {.rule = &rule, .time_ns = rec.time_ns, .group = "", .count = 1};
    for (int b = 0; b < s->batches; b++) {
        struct triage_batch *tb = triage_batch_create();
        for (int i = 0; i < s->per_batch; i++)
            if (triage_batch_add_hit(tb, &rec, &hit) != YM_OK)
                abort();
        if (triage_submit(s->t, tb) != YM_OK)
            abort();
    }
    ym_arena_fini(&a);
    return NULL;
}

static int hooked;
static void hook(void *arg)
{
    (void)arg;
    __atomic_add_fetch(&hooked, 1, __ATOMIC_SEQ_CST);
}

static int sum_counts(void *arg, const struct state_event *ev)
{
    *(uint64_t *)arg += ev->count;
    return 0;
}

static void every_submitted_detection_reaches_the_store(void **state)
{
    (void)state;
    char dir[] = "/tmp/ym-triage-thread-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct triage *t = NULL;
    struct ym_error err = {0};
    assert_int_equal(triage_create(NULL, NULL, dir, &t, &err), YM_OK);
    assert_int_equal(triage_reload_policy(t, &err), YM_OK); /* built-in: reloads too */
    triage_set_notify_hook(t, hook, NULL);
    assert_int_equal(triage_start(t), YM_OK);
    struct submitter s = {.t = t, .batches = 300, .per_batch = 50};
    pthread_t a, b;
    pthread_create(&a, NULL, submit_many, &s);
    pthread_create(&b, NULL, submit_many, &s);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    triage_stop(t);
    struct triage_stats st;
    triage_stats(t, &st);
    assert_int_equal(st.detections, 2 * 300 * 50);
    assert_int_equal(st.incidents_created, 1); /* one key, answered 200: critical */
    assert_int_equal(st.store_failures, 0);
    assert_true(hooked >= 1);
    assert_int_equal(triage_submit(t, triage_batch_create()), YM_OK); /* empty: nothing to do */
    struct triage_batch *late = triage_batch_create();
    struct ym_arena ar;
    ym_arena_init(&ar, 4096, 0);
    struct ym_record rec;
    make_record(&rec, &ar, "200");
    struct detect_hit hit = {.rule = &rule, .time_ns = rec.time_ns, .group = "", .count = 1};
    assert_int_equal(triage_batch_add_hit(late, &rec, &hit), YM_OK);
    ym_arena_fini(&ar);
    assert_int_equal(triage_submit(t, late), YM_ECLOSED);
    triage_destroy(t);

    struct state_db *db = NULL;
    assert_int_equal(state_db_open(dir, STATE_DB_READER, &db, NULL), YM_OK);
    uint64_t total = 0;
    assert_int_equal(state_events_each(db, NULL, sum_counts, &total, NULL), YM_OK);
    assert_int_equal(total, 2 * 300 * 50);
    state_db_close(db);
    const char *names[] = {"state.db", "state.db-wal", "state.db-shm"};
    for (size_t i = 0; i < 3; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

static void a_broken_policy_reload_keeps_the_running_one(void **state)
{
    (void)state;
    char dir[] = "/tmp/ym-triage-reload-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/triage.yaml", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("events:\n  window: 5m\n", fp);
    fclose(fp);
    struct triage *t = NULL;
    struct ym_error err = {0};
    assert_int_equal(triage_create(NULL, path, dir, &t, &err), YM_OK);
    assert_int_equal(triage_start(t), YM_OK);
    fp = fopen(path, "w");
    fputs("events:\n  window: later\n", fp);
    fclose(fp);
    assert_int_equal(triage_reload_policy(t, &err), YM_EINVAL);
    assert_int_equal(err.line, 2);
    fp = fopen(path, "w");
    fputs("events:\n  window: 20m\n", fp);
    fclose(fp);
    assert_int_equal(triage_reload_policy(t, &err), YM_OK);
    triage_destroy(t);
    const char *names[] = {"triage.yaml", "state.db", "state.db-wal", "state.db-shm"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(worker_copy_keeps_rule_key_evidence_and_sample),
        cmocka_unit_test(every_submitted_detection_reaches_the_store),
        cmocka_unit_test(a_broken_policy_reload_keeps_the_running_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
