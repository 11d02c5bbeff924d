/* Unit tests of the triage engine (triage/triage_engine.h) on synthetic
 * time against a real state.db: aggregation windows and keys, samples and
 * distinct values, incidents and their SLA, promotion by a callback after
 * an exploit, suppressions and per-tenant tuning, and bursts that stay a
 * few writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "core/ym_time.h"
#include "state/state_audit.h"
#include "state/state_db.h"
#include "state/state_incidents.h"
#include "state/state_notify.h"
#include "triage/triage_engine.h"
#include "triage_test.h"

#define T0 (1700000000LL * YM_NS_PER_S)
#define SEC YM_NS_PER_S
#define MIN (60 * YM_NS_PER_S)

struct fixture {
    char dir[64];
    struct state_db *db;
    struct triage_policy *policy;
    struct triage_engine *engine;
};

static void remove_store(const char *dir)
{
    const char *names[] = {"state.db", "state.db-wal", "state.db-shm"};
    for (size_t i = 0; i < 3; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

static struct fixture *setup_with(const char *policy_text)
{
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/ym-triage-test-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    assert_int_equal(state_db_open(f->dir, STATE_DB_WRITER, &f->db, NULL), YM_OK);
    if (policy_text) {
        char path[128];
        snprintf(path, sizeof path, "%s/policy.yaml", f->dir);
        FILE *fp = fopen(path, "w");
        assert_non_null(fp);
        fputs(policy_text, fp);
        fclose(fp);
        assert_int_equal(triage_policy_load(path, &f->policy, NULL), YM_OK);
        unlink(path);
    } else {
        assert_int_equal(triage_policy_load(NULL, &f->policy, NULL), YM_OK);
    }
    struct triage_engine_config c = {.policy = f->policy, .db = f->db};
    f->engine = triage_engine_create(&c);
    return f;
}

static int setup(void **state)
{
    *state = setup_with(NULL);
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    triage_engine_destroy(f->engine);
    triage_policy_free(f->policy);
    state_db_close(f->db);
    remove_store(f->dir);
    free(f);
    return 0;
}

static void add(struct fixture *f, struct triage_detection d, int64_t now_ns)
{
    assert_int_equal(triage_engine_add(f->engine, &d, 1, now_ns), YM_OK);
}

/* ---- collectors ---- */

struct evs {
    int count;
    uint64_t counts[16];
    int suppressed[16];
    int64_t incident[16], first[16], last[16], supp_id[16];
    enum state_severity sev[16];
    char rule[16][64], samples[16][1024], distinct[16][512], reason[16][512];
};

static int keep_ev(void *arg, const struct state_event *ev)
{
    struct evs *e = arg;
    if (e->count >= 16)
        return 1;
    int i = e->count++;
    e->counts[i] = ev->count;
    e->suppressed[i] = ev->suppressed;
    e->supp_id[i] = ev->suppression_id;
    e->incident[i] = ev->incident_id;
    e->first[i] = ev->first_ns;
    e->last[i] = ev->last_ns;
    e->sev[i] = ev->severity;
    snprintf(e->rule[i], sizeof e->rule[i], "%s", ev->rule_id);
    snprintf(e->samples[i], sizeof e->samples[i], "%s", ev->samples_json);
    snprintf(e->distinct[i], sizeof e->distinct[i], "%s", ev->distinct_json);
    snprintf(e->reason[i], sizeof e->reason[i], "%s", ev->reason);
    return 0;
}

/* Events oldest first (the store lists newest first). */
static struct evs events(struct fixture *f)
{
    struct evs newest = {0}, out = {0};
    struct state_event_filter flt = {.suppressed = -1};
    assert_int_equal(state_events_each(f->db, &flt, keep_ev, &newest, NULL), YM_OK);
    out.count = newest.count;
    for (int i = 0; i < newest.count; i++) {
        int k = newest.count - 1 - i;
#define CP(x) memcpy(&out.x[i], &newest.x[k], sizeof out.x[i])
        CP(counts); CP(suppressed); CP(supp_id); CP(incident); CP(first); CP(last); CP(sev);
        CP(rule); CP(samples); CP(distinct); CP(reason);
#undef CP
    }
    return out;
}

struct incs {
    int count;
    int64_t id[8], sla_due[8], first[8];
    enum state_severity sev[8];
    int breached[8];
    char title[8][256];
};

static int keep_inc(void *arg, const struct state_incident *inc)
{
    struct incs *s = arg;
    if (s->count >= 8)
        return 1;
    int i = s->count++;
    s->id[i] = inc->id;
    s->sla_due[i] = inc->sla_due_ns;
    s->first[i] = inc->first_detection_ns;
    s->sev[i] = inc->severity;
    s->breached[i] = inc->sla_breached;
    snprintf(s->title[i], sizeof s->title[i], "%s", inc->title);
    return 0;
}

static struct incs incidents(struct fixture *f)
{
    struct incs s = {0};
    assert_int_equal(state_incidents_each(f->db, NULL, keep_inc, &s, NULL), YM_OK);
    return s;
}

struct texts {
    int count;
    char v[16][512];
};

static int keep_tl(void *arg, const struct state_timeline_entry *e)
{
    struct texts *t = arg;
    if (t->count < 16)
        snprintf(t->v[t->count++], sizeof t->v[0], "%s: %s", state_timeline_kind_name(e->kind),
                 e->text);
    return 0;
}

static int keep_note(void *arg, const struct state_notification *n)
{
    struct texts *t = arg;
    if (t->count < 16)
        snprintf(t->v[t->count++], sizeof t->v[0], "%lld %s", (long long)n->incident_id,
                 n->reason);
    return 0;
}

static int count_change(void *arg, const struct state_change *c)
{
    int *n = arg;
    if (strcmp(c->kind, "event.new") == 0)
        n[0]++;
    else if (strcmp(c->kind, "event.update") == 0)
        n[1]++;
    return 0;
}

/* ---- detections of the scenario ---- */

#define ATTACKER "203.0.113.9"
#define SERVER "10.0.0.5"

static struct triage_detection sqli(int64_t t, const char *status)
{
    return det("r-sqli", DETECT_LEVEL_HIGH, "attack.initial_access,attack.t1190", t, "source.ip",
               ATTACKER, "destination.ip", SERVER, "event.action", "allowed",
               "http.response.status_code", status, "url.original", "/item?id=1' OR '1'='1", NULL);
}

static struct triage_detection scan(int64_t t, const char *src, const char *dst, const char *port)
{
    return det("r-scan", DETECT_LEVEL_MEDIUM, "attack.discovery", t, "source.ip", src,
               "destination.ip", dst, "destination.port", port, NULL);
}

/* ---- tests ---- */

static void detections_of_one_key_aggregate_while_the_window_slides(void **state)
{
    struct fixture *f = *state;
    /* every 9 minutes: each one inside the 10-minute window of the last */
    for (int i = 0; i < 4; i++)
        add(f, scan(T0 + i * 9 * MIN, ATTACKER, SERVER, "22"), T0 + i * 9 * MIN);
    /* 11 minutes of quiet: the window closed, a new event starts */
    add(f, scan(T0 + 27 * MIN + 11 * MIN, ATTACKER, SERVER, "22"), T0 + 38 * MIN);
    assert_int_equal(triage_engine_flush(f->engine, T0 + 39 * MIN), YM_OK);
    struct evs e = events(f);
    assert_int_equal(e.count, 2);
    assert_int_equal(e.counts[0], 4);
    assert_int_equal(e.first[0], T0);
    assert_int_equal(e.last[0], T0 + 27 * MIN);
    assert_int_equal(e.counts[1], 1);
    assert_int_equal(e.first[1], T0 + 38 * MIN);
    assert_int_equal(e.sev[0], STATE_SEV_WARNING); /* medium, no verdict */
    assert_int_equal(e.incident[0], 0);            /* warning: an event, not an incident */
}

static void default_key_is_rule_source_and_destination(void **state)
{
    struct fixture *f = *state;
    add(f, scan(T0, ATTACKER, SERVER, "22"), T0);
    add(f, scan(T0 + SEC, ATTACKER, "10.0.0.6", "22"), T0 + SEC);
    add(f, scan(T0 + 2 * SEC, "198.51.100.1", SERVER, "22"), T0 + 2 * SEC);
    add(f, scan(T0 + 3 * SEC, ATTACKER, SERVER, "23"), T0 + 3 * SEC); /* same key as the first */
    struct triage_detection other_rule = scan(T0 + 4 * SEC, ATTACKER, SERVER, "22");
    other_rule.rule_id = "r-sweep";
    add(f, other_rule, T0 + 4 * SEC);
    assert_int_equal(triage_engine_flush(f->engine, T0 + 5 * SEC), YM_OK);
    struct evs e = events(f);
    assert_int_equal(e.count, 4);
    /* by last detection: 10.0.0.6 (1 s), 198.51.100.1 (2 s), the first key (3 s), r-sweep */
    assert_int_equal(e.counts[2], 2);
    assert_int_equal(e.counts[0] + e.counts[1] + e.counts[3], 3);
    assert_string_equal(e.rule[3], "r-sweep");
    assert_string_equal(e.distinct[2],
                        "{\"source.ip\":[\"203.0.113.9\"],\"destination.ip\":[\"10.0.0.5\"],"
                        "\"destination.port\":[\"22\",\"23\"]}");
}

static void rule_aggregate_field_overrides_the_key(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < 30; i++) {
        char dst[32];
        snprintf(dst, sizeof dst, "10.0.1.%d", i);
        struct triage_detection d = scan(T0 + i * SEC, ATTACKER, dst, "445");
        d.agg_key = "source.ip";
        add(f, d, T0 + i * SEC);
    }
    assert_int_equal(triage_engine_flush(f->engine, T0 + MIN), YM_OK);
    struct evs e = events(f);
    assert_int_equal(e.count, 1);
    assert_int_equal(e.counts[0], 30);
    /* 20 distinct destinations kept, then "more"; 5 samples */
    assert_non_null(strstr(e.distinct[0], "\"10.0.1.19\"]"));
    assert_null(strstr(e.distinct[0], "10.0.1.20"));
    assert_non_null(strstr(e.distinct[0], "\"destination.ip.more\":true"));
    int samples = 0;
    for (const char *p = e.samples[0]; (p = strstr(p, "\"archive_ref\":7")); p++)
        samples++;
    assert_int_equal(samples, 5);
}

static void critical_event_opens_an_incident_with_sla_and_a_notification(void **state)
{
    struct fixture *f = *state;
    add(f, sqli(T0, "200"), T0 + 2 * SEC); /* answered 200: critical */
    add(f, sqli(T0 + SEC, "200"), T0 + 3 * SEC);
    struct incs s = incidents(f);
    assert_int_equal(s.count, 1);
    assert_int_equal(s.sev[0], STATE_SEV_CRITICAL);
    assert_int_equal(s.first[0], T0);
    assert_int_equal(s.sla_due[0], T0 + 15 * MIN);
    assert_string_equal(s.title[0], "r-sqli: 203.0.113.9 -> 10.0.0.5");
    struct texts notes = {0};
    assert_int_equal(state_notify_each(f->db, NULL, 0, keep_note, &notes), YM_OK);
    assert_int_equal(notes.count, 1);
    char want[64];
    snprintf(want, sizeof want, "%lld new", (long long)s.id[0]);
    assert_string_equal(notes.v[0], want);
    assert_int_equal(triage_engine_take_notifications(f->engine), 1);
    assert_int_equal(triage_engine_take_notifications(f->engine), 0);

    struct texts tl = {0};
    assert_int_equal(state_timeline_each(f->db, s.id[0], 1, keep_tl, &tl), YM_OK);
    assert_string_equal(tl.v[0], "detection: 1 detection of r-sqli; critical: rule level high; "
                                 "allowed by the device (allowed); the server answered HTTP "
                                 "200: the attack very likely worked");
    /* a 404 answer alone would have stayed a warning event */
    add(f, sqli(T0 + 2 * SEC, "404"), T0 + 4 * SEC);
    assert_int_equal(incidents(f).count, 1);

    /* not notified within 15 minutes: the breach is marked once */
    assert_int_equal(triage_engine_tick(f->engine, T0 + 14 * MIN), YM_OK);
    assert_int_equal(incidents(f).breached[0], 0);
    assert_int_equal(triage_engine_tick(f->engine, T0 + 16 * MIN), YM_OK);
    assert_int_equal(triage_engine_tick(f->engine, T0 + 17 * MIN), YM_OK);
    assert_int_equal(incidents(f).breached[0], 1);
    struct triage_engine_stats st;
    triage_engine_stats(f->engine, &st);
    assert_int_equal(st.sla_breaches, 1);
    assert_int_equal(st.incidents_created, 1);
    assert_int_equal(st.detections, 3);
}

static void callback_after_an_exploit_promotes_the_incident_with_its_reason(void **state)
{
    teardown(state);
    struct fixture *f = setup_with("tenants:\n  acme:\n    incident_min: warning\n");
    *state = f;
    add(f, scan(T0, ATTACKER, SERVER, "80"), T0);            /* recon: warning */
    add(f, sqli(T0 + MIN, "500"), T0 + MIN);                  /* exploit allowed: warning */
    struct incs s = incidents(f);
    assert_int_equal(s.count, 2);
    int64_t exploit_incident = s.id[0]; /* newest first */
    assert_int_equal(s.sev[0], STATE_SEV_WARNING);
    assert_int_equal(s.sla_due[0], 0); /* no SLA for a warning */

    /* four minutes later the server connects back to the attacker */
    struct triage_detection back = det("r-outbound", DETECT_LEVEL_LOW, "attack.t1571",
                                       T0 + 5 * MIN, "source.ip", SERVER, "destination.ip",
                                       ATTACKER, "destination.port", "4444", NULL);
    add(f, back, T0 + 5 * MIN);
    s = incidents(f);
    assert_int_equal(s.count, 2); /* the callback joined the exploit's incident */
    assert_int_equal(s.id[0], exploit_incident);
    assert_int_equal(s.sev[0], STATE_SEV_CRITICAL);
    assert_int_equal(s.sla_due[0], T0 + MIN + 15 * MIN); /* from the first detection */

    struct texts tl = {0};
    assert_int_equal(state_timeline_each(f->db, exploit_incident, 1, keep_tl, &tl), YM_OK);
    assert_int_equal(tl.count, 3);
    assert_string_equal(tl.v[1], "promotion: promoted warning to critical: 10.0.0.5 connected to "
                                 "203.0.113.9 4 min after r-sqli (r-outbound): the exploit very "
                                 "likely worked");
    assert_non_null(strstr(tl.v[2], "detection: r-outbound: 1 detection from 10.0.0.5 to "
                                    "203.0.113.9"));
    struct evs e = events(f);
    assert_int_equal(e.count, 3);
    assert_int_equal(e.incident[2], exploit_incident); /* the callback event is linked */
    struct texts notes = {0};
    assert_int_equal(state_notify_each(f->db, NULL, 0, keep_note, &notes), YM_OK);
    char want[64];
    snprintf(want, sizeof want, "%lld promoted", (long long)exploit_incident);
    assert_string_equal(notes.v[0], want);
    struct triage_engine_stats st;
    triage_engine_stats(f->engine, &st);
    assert_int_equal(st.incidents_promoted, 1);
}

static void callback_opens_the_incident_when_the_exploit_was_only_an_event(void **state)
{
    struct fixture *f = *state; /* default policy: warnings stay events */
    add(f, sqli(T0, "500"), T0);
    assert_int_equal(incidents(f).count, 0);
    struct triage_detection ti = det("r-ti-out", DETECT_LEVEL_HIGH, "attack.t1071", T0 + 10 * MIN,
                                     "source.ip", SERVER, "destination.ip", "198.51.100.66",
                                     "threat.indicator.type", "ipv4-addr", NULL);
    add(f, ti, T0 + 10 * MIN);
    struct incs s = incidents(f);
    assert_int_equal(s.count, 1);
    assert_int_equal(s.sev[0], STATE_SEV_CRITICAL);
    assert_string_equal(s.title[0], "r-sqli: 203.0.113.9 -> 10.0.0.5");
    struct evs e = events(f);
    assert_int_equal(e.incident[0], s.id[0]);
    assert_int_equal(e.incident[1], s.id[0]);
    /* past the window (30 min) the same would be unrelated */
    add(f, sqli(T0 + 20 * MIN, "500"), T0 + 20 * MIN);
    struct triage_detection late = ti;
    late.time_ns = T0 + 60 * MIN;
    late.rule_id = "r-ti-late";
    add(f, late, T0 + 60 * MIN);
    assert_int_equal(incidents(f).count, 1);
}

static void suppressed_detections_are_counted_not_raised(void **state)
{
    struct fixture *f = *state;
    struct state_actor carol = {.name = "carol", .role = "analyst", .address = "cli"};
    struct state_suppression sup = {.tenant = "acme", .rule_id = "r-sqli",
                                    .conditions = "source.ip=203.0.113.0/24",
                                    .reason = "the customer's pentest"};
    assert_int_equal(state_suppression_add(f->db, &sup, &carol, T0), YM_OK);
    for (int i = 0; i < 3; i++)
        add(f, sqli(T0 + i * SEC, "200"), T0 + i * SEC);
    struct triage_detection other = sqli(T0 + 5 * SEC, "200");
    other.fields[0].value = "198.51.100.1"; /* outside the suppression */
    add(f, other, T0 + 5 * SEC);
    assert_int_equal(triage_engine_flush(f->engine, T0 + 10 * SEC), YM_OK);

    struct evs e = events(f);
    assert_int_equal(e.count, 2);
    assert_int_equal(e.suppressed[0], 1);
    assert_int_equal(e.supp_id[0], sup.id);
    assert_int_equal(e.counts[0], 3);
    assert_int_equal(e.incident[0], 0);
    assert_non_null(strstr(e.reason[0], "muted by suppression"));
    assert_int_equal(e.suppressed[1], 0);
    assert_true(e.incident[1] > 0);
    assert_int_equal(incidents(f).count, 1);

    struct state_event_filter muted = {.suppressed = 1};
    uint64_t total = 0;
    struct evs found = {0};
    assert_int_equal(state_events_each(f->db, &muted, keep_ev, &found, &total), YM_OK);
    assert_int_equal(total, 1);
    struct triage_engine_stats st;
    triage_engine_stats(f->engine, &st);
    assert_int_equal(st.suppressed, 3);
}

static int keep_hits(void *arg, const struct state_suppression *s)
{
    *(uint64_t *)arg = s->hits;
    return 0;
}

static void suppression_added_later_applies_after_a_tick_and_counts_hits(void **state)
{
    struct fixture *f = *state;
    add(f, sqli(T0, "200"), T0);
    assert_int_equal(incidents(f).count, 1);
    struct state_suppression sup = {.tenant = "acme", .conditions = "url.original=*OR*",
                                    .reason = "noise", .expires_ns = T0 + 30 * MIN};
    assert_int_equal(state_suppression_add(f->db, &sup, NULL, T0 + SEC), YM_OK);
    assert_int_equal(triage_engine_tick(f->engine, T0 + 2 * SEC), YM_OK);
    struct triage_detection d = sqli(T0 + 3 * SEC, "200");
    d.fields[1].value = "10.0.0.77";
    add(f, d, T0 + 3 * SEC);
    add(f, d, T0 + 4 * SEC);
    assert_int_equal(incidents(f).count, 1);
    assert_int_equal(triage_engine_tick(f->engine, T0 + 10 * SEC), YM_OK);
    uint64_t hits = 0;
    assert_int_equal(state_suppressions_each(f->db, "acme", 0, keep_hits, &hits), YM_OK);
    assert_int_equal(hits, 2);
    /* expired: no longer muted */
    assert_int_equal(triage_engine_tick(f->engine, T0 + 31 * MIN), YM_OK);
    d.time_ns = T0 + 31 * MIN;
    d.fields[1].value = "10.0.0.78";
    add(f, d, T0 + 31 * MIN);
    assert_int_equal(incidents(f).count, 2);
}

/* The portal changes tuning on its own connection, then a log arrives: its
 * detection must see the change whether or not a tick ran in between
 * (before, the engine re-read tuning only at the tick, and a detection
 * less than a second after a suppression escaped it, or one after its
 * deletion was still muted: the flaky attack in test_portal_api). */
static void a_tuning_change_applies_to_the_next_detection_without_a_tick(void **state)
{
    struct fixture *f = *state;
    struct state_db *portal = NULL;
    assert_int_equal(state_db_open(f->dir, STATE_DB_WRITER, &portal, NULL), YM_OK);
    add(f, sqli(T0, "200"), T0); /* tuning read once: nothing */
    assert_int_equal(incidents(f).count, 1);
    struct state_suppression sup = {.tenant = "acme", .rule_id = "r-sqli", .reason = "pentest"};
    assert_int_equal(state_suppression_add(portal, &sup, NULL, T0 + SEC), YM_OK);
    struct triage_detection d = sqli(T0 + 2 * SEC, "200");
    d.fields[1].value = "10.0.0.77";
    add(f, d, T0 + 2 * SEC);
    assert_int_equal(incidents(f).count, 1);
    struct evs e = events(f);
    assert_int_equal(e.count, 2);
    assert_int_equal(e.suppressed[1], 1);
    assert_int_equal(e.supp_id[1], sup.id);

    assert_int_equal(state_suppression_delete(portal, sup.id, NULL, T0 + 3 * SEC), YM_OK);
    d.time_ns = T0 + 4 * SEC;
    d.fields[1].value = "10.0.0.78";
    add(f, d, T0 + 4 * SEC);
    assert_int_equal(incidents(f).count, 2);

    struct state_rule_override off = {.tenant = "acme", .rule_id = "r-sqli", .enabled = 0};
    assert_int_equal(state_rule_override_set(portal, &off, NULL, T0 + 5 * SEC), YM_OK);
    d.time_ns = T0 + 6 * SEC;
    d.fields[1].value = "10.0.0.79";
    add(f, d, T0 + 6 * SEC);
    assert_int_equal(incidents(f).count, 2);
    state_db_close(portal);
}

static void disabled_rule_is_muted_and_threshold_delays_the_incident(void **state)
{
    struct fixture *f = *state;
    struct state_rule_override off = {.tenant = "acme", .rule_id = "r-sqli", .enabled = 0};
    assert_int_equal(state_rule_override_set(f->db, &off, NULL, T0), YM_OK);
    struct state_rule_override three = {.tenant = "acme", .rule_id = "r-jndi", .enabled = 1,
                                        .threshold = 3};
    assert_int_equal(state_rule_override_set(f->db, &three, NULL, T0), YM_OK);
    add(f, sqli(T0, "200"), T0);
    struct triage_detection jndi = det("r-jndi", DETECT_LEVEL_CRITICAL, "attack.t1190", T0,
                                       "source.ip", ATTACKER, "destination.ip", SERVER, NULL);
    add(f, jndi, T0);
    add(f, jndi, T0 + SEC);
    assert_int_equal(incidents(f).count, 0);
    add(f, jndi, T0 + 2 * SEC);
    struct incs s = incidents(f);
    assert_int_equal(s.count, 1);
    assert_int_equal(s.sev[0], STATE_SEV_CRITICAL);
    assert_int_equal(triage_engine_flush(f->engine, T0 + 3 * SEC), YM_OK);
    struct evs e = events(f);
    assert_int_equal(e.count, 2);
    assert_string_equal(e.rule[0], "r-sqli");
    assert_int_equal(e.suppressed[0], 1);
    assert_non_null(strstr(e.reason[0], "rule disabled for tenant acme"));
    assert_int_equal(e.counts[1], 3);
}

static void a_burst_of_detections_is_a_few_writes(void **state)
{
    struct fixture *f = *state;
    static struct triage_detection burst[5000];
    for (int i = 0; i < 5000; i++) {
        char port[8];
        snprintf(port, sizeof port, "%d", i % 50);
        burst[i] = scan(T0 + i * (SEC / 1000), ATTACKER, SERVER, "1");
        burst[i].fields[2].value = i % 2 ? "22" : "23";
    }
    assert_int_equal(triage_engine_add(f->engine, burst, 2500, T0 + 3 * SEC), YM_OK);
    assert_int_equal(triage_engine_add(f->engine, burst + 2500, 2500, T0 + 3 * SEC + 100000),
                     YM_OK);
    assert_int_equal(triage_engine_tick(f->engine, T0 + 4 * SEC + 200000), YM_OK);
    int changes[2] = {0, 0};
    assert_int_equal(state_changes_each(f->db, 0, 0, count_change, changes), YM_OK);
    assert_int_equal(changes[0], 1); /* one event.new */
    assert_int_equal(changes[1], 1); /* one event.update at the tick */
    struct evs e = events(f);
    assert_int_equal(e.count, 1);
    assert_int_equal(e.counts[0], 5000);
}

static void a_later_event_of_the_same_key_joins_the_open_incident(void **state)
{
    struct fixture *f = *state;
    add(f, sqli(T0, "200"), T0);
    add(f, sqli(T0 + 30 * MIN, "200"), T0 + 30 * MIN); /* new event: the window closed */
    assert_int_equal(triage_engine_flush(f->engine, T0 + 31 * MIN), YM_OK);
    struct evs e = events(f);
    assert_int_equal(e.count, 2);
    assert_int_equal(incidents(f).count, 1);
    assert_int_equal(e.incident[0], e.incident[1]);
    /* once the incident is closed, the next event opens a new one */
    struct state_actor a = {.name = "alice"};
    assert_int_equal(state_incident_set_status(f->db, e.incident[0], STATE_STATUS_CLOSED,
                                               STATE_RES_BENIGN, NULL, &a, T0 + 32 * MIN, NULL),
                     YM_OK);
    add(f, sqli(T0 + 60 * MIN, "200"), T0 + 60 * MIN);
    assert_int_equal(incidents(f).count, 2);
}

static void a_restarted_engine_continues_the_open_event_and_its_incident(void **state)
{
    struct fixture *f = *state;
    add(f, sqli(T0, "200"), T0);
    assert_int_equal(triage_engine_flush(f->engine, T0 + SEC), YM_OK);
    triage_engine_destroy(f->engine); /* serve stops; a new one starts */
    struct triage_engine_config c = {.policy = f->policy, .db = f->db};
    f->engine = triage_engine_create(&c);
    struct triage_detection again = sqli(T0 + MIN, "200");
    again.fields[4].value = "/item?id=9";
    add(f, again, T0 + MIN);
    assert_int_equal(triage_engine_flush(f->engine, T0 + MIN + SEC), YM_OK);
    struct evs e = events(f);
    assert_int_equal(e.count, 1);
    assert_int_equal(e.counts[0], 2);
    assert_non_null(strstr(e.distinct[0], "\"/item?id=1' OR '1'='1\",\"/item?id=9\""));
    assert_non_null(strstr(e.samples[0], "\"archive_ref\":7"));
    assert_int_equal(incidents(f).count, 1);
    struct texts notes = {0};
    assert_int_equal(state_notify_each(f->db, NULL, 0, keep_note, &notes), YM_OK);
    assert_int_equal(notes.count, 1);
    /* after the window, a new event joins the same (open) incident */
    triage_engine_destroy(f->engine);
    f->engine = triage_engine_create(&c);
    add(f, sqli(T0 + 40 * MIN, "200"), T0 + 40 * MIN);
    assert_int_equal(incidents(f).count, 1);
    assert_int_equal(events(f).count, 2);
}

/* Runs SQL on the store from the side, as another process could. */
static void side_sql(struct fixture *f, const char *sql)
{
    char path[128];
    snprintf(path, sizeof path, "%s/state.db", f->dir);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void a_failed_transaction_is_written_again_at_the_next_tick(void **state)
{
    struct fixture *f = *state;
    side_sql(f, "CREATE TRIGGER no_incidents BEFORE INSERT ON incidents "
                "BEGIN SELECT RAISE(ABORT, 'disk says no'); END;");
    struct triage_detection d = sqli(T0, "200");
    assert_int_equal(triage_engine_add(f->engine, &d, 1, T0), YM_EDB);
    assert_int_equal(events(f).count, 0); /* rolled back as a whole */
    assert_int_equal(incidents(f).count, 0);
    struct triage_engine_stats st;
    triage_engine_stats(f->engine, &st);
    assert_int_equal(st.store_failures, 1);
    assert_int_equal(st.incidents_created, 0);
    assert_int_equal(triage_engine_take_notifications(f->engine), 0);

    side_sql(f, "DROP TRIGGER no_incidents;");
    assert_int_equal(triage_engine_tick(f->engine, T0 + 2 * SEC), YM_OK);
    struct evs e = events(f);
    assert_int_equal(e.count, 1);
    assert_int_equal(e.counts[0], 1);
    struct incs s = incidents(f);
    assert_int_equal(s.count, 1);
    assert_int_equal(e.incident[0], s.id[0]);
    assert_int_equal(triage_engine_take_notifications(f->engine), 1);
    triage_engine_stats(f->engine, &st);
    assert_int_equal(st.incidents_created, 1);
}

static void among_many_exploits_the_callback_promotes_its_own(void **state)
{
    struct fixture *f = *state;
    static char att[200][32], tgt[200][32];
    for (int i = 0; i < 200; i++) {
        snprintf(att[i], sizeof att[i], "198.51.100.%d", i);
        snprintf(tgt[i], sizeof tgt[i], "10.0.%d.%d", i / 100, i % 100);
        struct triage_detection x = sqli(T0 + i * SEC, "500");
        x.fields[0].value = att[i];
        x.fields[1].value = tgt[i];
        add(f, x, T0 + i * SEC);
    }
    struct triage_detection back = det("r-outbound", DETECT_LEVEL_LOW, "", T0 + 5 * MIN,
                                       "source.ip", tgt[137], "destination.ip", att[137], NULL);
    add(f, back, T0 + 5 * MIN);
    struct incs s = incidents(f);
    assert_int_equal(s.count, 1);
    assert_string_equal(s.title[0], "r-sqli: 198.51.100.137 -> 10.0.1.37");
    /* a connection from that target to an address it was not attacked by, no callback */
    struct triage_detection other = back;
    other.fields[0].value = tgt[12];
    other.fields[1].value = "192.0.2.1";
    other.rule_id = "r-other";
    add(f, other, T0 + 6 * MIN);
    assert_int_equal(incidents(f).count, 1);
}

static void a_reloaded_policy_with_larger_limits_applies_to_open_events(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < 6; i++)
        add(f, scan(T0 + i * SEC, ATTACKER, SERVER, "22"), T0 + i * SEC);
    /* the thread swaps the policy between batches: same open event, more room */
    struct fixture *g = setup_with("events:\n  samples: 8\n  distinct_values: 30\n"
                                   "  distinct: [destination.port]\n");
    triage_engine_set_policy(f->engine, g->policy);
    static char ports[30][8];
    for (int i = 0; i < 30; i++) {
        snprintf(ports[i], sizeof ports[i], "%d", 1000 + i);
        add(f, scan(T0 + (10 + i) * SEC, ATTACKER, SERVER, ports[i]), T0 + (10 + i) * SEC);
    }
    assert_int_equal(triage_engine_flush(f->engine, T0 + MIN), YM_OK);
    struct evs e = events(f);
    assert_int_equal(e.count, 1);
    assert_int_equal(e.counts[0], 36);
    int samples = 0;
    for (const char *p = e.samples[0]; (p = strstr(p, "\"archive_ref\"")); p++)
        samples++;
    assert_int_equal(samples, 8);
    assert_non_null(strstr(e.distinct[0], "\"1028\""));
    assert_null(strstr(e.distinct[0], "\"1029\"")); /* 22 + 29 values = 30 */
    /* values keep their field's name across the reload (a new list, in another order) */
    assert_non_null(strstr(e.distinct[0], "\"source.ip\":[\"203.0.113.9\"]"));
    assert_non_null(strstr(e.distinct[0], "\"destination.port\":[\"22\",\"1000\""));
    triage_engine_set_policy(f->engine, f->policy);
    void *gs = g;
    teardown(&gs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(detections_of_one_key_aggregate_while_the_window_slides,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(default_key_is_rule_source_and_destination, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(rule_aggregate_field_overrides_the_key, setup, teardown),
        cmocka_unit_test_setup_teardown(
            critical_event_opens_an_incident_with_sla_and_a_notification, setup, teardown),
        cmocka_unit_test_setup_teardown(
            callback_after_an_exploit_promotes_the_incident_with_its_reason, setup, teardown),
        cmocka_unit_test_setup_teardown(
            callback_opens_the_incident_when_the_exploit_was_only_an_event, setup, teardown),
        cmocka_unit_test_setup_teardown(suppressed_detections_are_counted_not_raised, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            suppression_added_later_applies_after_a_tick_and_counts_hits, setup, teardown),
        cmocka_unit_test_setup_teardown(
            a_tuning_change_applies_to_the_next_detection_without_a_tick, setup, teardown),
        cmocka_unit_test_setup_teardown(
            disabled_rule_is_muted_and_threshold_delays_the_incident, setup, teardown),
        cmocka_unit_test_setup_teardown(a_burst_of_detections_is_a_few_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(a_later_event_of_the_same_key_joins_the_open_incident,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            a_restarted_engine_continues_the_open_event_and_its_incident, setup, teardown),
        cmocka_unit_test_setup_teardown(a_failed_transaction_is_written_again_at_the_next_tick,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(among_many_exploits_the_callback_promotes_its_own, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            a_reloaded_policy_with_larger_limits_applies_to_open_events, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
