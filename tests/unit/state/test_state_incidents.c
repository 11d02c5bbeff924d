/* Unit tests of events, incidents, timeline, suppressions and rule
 * overrides in the state store (state/state_incidents.h): what an analyst
 * or the portal would check — lists filtered and counted, the incident life
 * cycle refusing wrong moves with a reason, promotions and SLA breaches in
 * the timeline, every change in the change feed and analyst changes in the
 * audit trail. */
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

#define T0 (1700000000LL * YM_NS_PER_S)
#define MIN (60LL * YM_NS_PER_S)

static int make_dir(void **state)
{
    char *dir = strdup("/tmp/ym-incidents-test-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    struct state_db *db = NULL;
    if (state_db_open(dir, STATE_DB_WRITER, &db, NULL) != YM_OK)
        return -1;
    state_db_close(db);
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

static struct state_db *writer(void **state)
{
    struct state_db *db = NULL;
    assert_int_equal(state_db_open(*state, STATE_DB_WRITER, &db, NULL), YM_OK);
    return db;
}

/* ---- collectors ---- */

struct lines {
    char v[16][256];
    int count;
};

static void add_line(struct lines *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_line(struct lines *l, const char *fmt, ...)
{
    if (l->count >= 16)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->v[l->count++], sizeof l->v[0], fmt, ap);
    va_end(ap);
}

static int keep_event(void *arg, const struct state_event *ev)
{
    add_line(arg, "%s %s %s %llu s=%d i=%lld", ev->tenant, ev->rule_id,
             state_severity_name(ev->severity), (unsigned long long)ev->count, ev->suppressed,
             (long long)ev->incident_id);
    return 0;
}

static int keep_incident(void *arg, const struct state_incident *inc)
{
    add_line(arg, "%lld %s %s %s %s %s det=%llu", (long long)inc->id, inc->tenant,
             state_severity_name(inc->severity), state_status_name(inc->status),
             state_resolution_name(inc->resolution), inc->assignee,
             (unsigned long long)inc->detections);
    return 0;
}

static int copy_incident(void *arg, const struct state_incident *inc)
{
    struct state_incident *out = arg;
    *out = *inc;
    out->tenant = out->title = out->assignee = out->rule_id = "";
    out->source_ip = out->destination_ip = out->response = "";
    return 0;
}

static int keep_timeline(void *arg, const struct state_timeline_entry *e)
{
    add_line(arg, "%s %s %s: %s", state_timeline_kind_name(e->kind), e->actor,
             state_visibility_name(e->visibility), e->text);
    return 0;
}

static int keep_change(void *arg, const struct state_change *c)
{
    add_line(arg, "%s %lld", c->kind, (long long)c->ref);
    return 0;
}

static int keep_audit(void *arg, const struct state_audit_entry *e)
{
    add_line(arg, "%s %s %s %s", e->actor, e->action, e->object, e->detail);
    return 0;
}

static int64_t new_incident(struct state_db *db, const char *tenant, enum state_severity sev,
                            int64_t now_ns, int64_t sla_due_ns)
{
    struct state_incident inc = {.tenant = tenant, .title = "Web attack", .severity = sev,
                                 .rule_id = "r-web", .source_ip = "203.0.113.9",
                                 .destination_ip = "10.0.0.5", .response = "Patch the server",
                                 .first_detection_ns = now_ns, .sla_due_ns = sla_due_ns};
    assert_int_equal(state_incident_create(db, &inc, "web attack allowed by the firewall", now_ns),
                     YM_OK);
    assert_true(inc.id > 0);
    return inc.id;
}

/* ---- tests ---- */

static void events_insert_update_and_list_by_tenant_and_mute(void **state)
{
    struct state_db *db = writer(state);
    struct state_event ev = {.tenant = "acme", .rule_id = "r-scan", .title = "Port scan",
                             .level = "medium", .severity = STATE_SEV_WARNING,
                             .agg_key = "r-scan|1.2.3.4|", .source_ip = "1.2.3.4", .count = 1,
                             .first_ns = T0, .last_ns = T0, .window_end_ns = T0 + 10 * MIN};
    assert_int_equal(state_event_put(db, &ev), YM_OK);
    int64_t first = ev.id;
    ev.count = 250;
    ev.last_ns = T0 + MIN;
    assert_int_equal(state_event_put(db, &ev), YM_OK);
    assert_int_equal(ev.id, first);

    struct state_event muted = ev;
    muted.id = 0;
    muted.suppressed = 1;
    muted.suppression_id = 4;
    muted.count = 7;
    assert_int_equal(state_event_put(db, &muted), YM_OK);
    struct state_event other = ev;
    other.id = 0;
    other.tenant = "kumo";
    other.last_ns = T0 + 2 * MIN;
    assert_int_equal(state_event_put(db, &other), YM_OK);

    struct lines all = {0};
    uint64_t total = 0;
    assert_int_equal(state_events_each(db, NULL, keep_event, &all, &total), YM_OK);
    assert_int_equal(total, 3);
    assert_string_equal(all.v[0], "kumo r-scan warning 250 s=0 i=0");

    struct lines acme = {0};
    struct state_event_filter f = {.tenant = "acme", .suppressed = 0};
    assert_int_equal(state_events_each(db, &f, keep_event, &acme, &total), YM_OK);
    assert_int_equal(total, 1);
    assert_string_equal(acme.v[0], "acme r-scan warning 250 s=0 i=0");

    struct lines muted_only = {0};
    f.suppressed = 1;
    assert_int_equal(state_events_each(db, &f, keep_event, &muted_only, NULL), YM_OK);
    assert_int_equal(muted_only.count, 1);
    assert_string_equal(muted_only.v[0], "acme r-scan warning 7 s=1 i=0");

    struct lines paged = {0};
    struct state_event_filter page = {.suppressed = -1, .limit = 1, .offset = 1};
    assert_int_equal(state_events_each(db, &page, keep_event, &paged, &total), YM_OK);
    assert_int_equal(paged.count, 1);
    assert_int_equal(total, 3);

    struct lines changes = {0};
    assert_int_equal(state_changes_each(db, 0, 0, keep_change, &changes), YM_OK);
    assert_int_equal(changes.count, 4);
    char want[64];
    snprintf(want, sizeof want, "event.update %lld", (long long)first);
    assert_string_equal(changes.v[1], want);
    state_db_close(db);
}

static void incidents_list_filters_and_counts_linked_detections(void **state)
{
    struct state_db *db = writer(state);
    int64_t a = new_incident(db, "acme", STATE_SEV_CRITICAL, T0, T0 + 15 * MIN);
    int64_t b = new_incident(db, "acme", STATE_SEV_WARNING, T0 + MIN, 0);
    new_incident(db, "kumo", STATE_SEV_EMERGENCY, T0 + 2 * MIN, T0 + 17 * MIN);
    struct state_event ev = {.tenant = "acme", .rule_id = "r-web", .title = "t", .level = "high",
                             .agg_key = "k", .count = 40, .first_ns = T0, .last_ns = T0,
                             .window_end_ns = T0 + 10 * MIN};
    assert_int_equal(state_event_put(db, &ev), YM_OK);
    assert_int_equal(state_event_link(db, ev.id, a), YM_OK);
    ev.id = 0;
    ev.count = 2;
    ev.incident_id = a;
    assert_int_equal(state_event_put(db, &ev), YM_OK);

    struct lines crit = {0};
    uint64_t total = 0;
    struct state_incident_filter f = {
        .tenant = "acme",
        .severity_mask = (1u << STATE_SEV_CRITICAL) | (1u << STATE_SEV_EMERGENCY)};
    assert_int_equal(state_incidents_each(db, &f, keep_incident, &crit, &total), YM_OK);
    assert_int_equal(total, 1);
    char want[128];
    snprintf(want, sizeof want, "%lld acme critical new   det=42", (long long)a);
    assert_string_equal(crit.v[0], want);

    struct lines all = {0};
    assert_int_equal(state_incidents_each(db, NULL, keep_incident, &all, &total), YM_OK);
    assert_int_equal(total, 3);
    assert_int_equal(all.count, 3);

    assert_int_equal(state_incident_set_status(db, b, STATE_STATUS_ACKNOWLEDGED, STATE_RES_NONE,
                                               NULL, NULL, T0 + 3 * MIN, NULL),
                     YM_OK);
    struct lines acked = {0};
    struct state_incident_filter g = {.status_mask = 1u << STATE_STATUS_ACKNOWLEDGED, .limit = 5};
    assert_int_equal(state_incidents_each(db, &g, keep_incident, &acked, &total), YM_OK);
    assert_int_equal(total, 1);
    snprintf(want, sizeof want, "%lld acme warning acknowledged   det=0", (long long)b);
    assert_string_equal(acked.v[0], want);

    struct state_incident_summary sum;
    assert_int_equal(state_incidents_summary(db, "acme", &sum), YM_OK);
    assert_int_equal(sum.by[STATE_SEV_CRITICAL][STATE_STATUS_NEW], 1);
    assert_int_equal(sum.by[STATE_SEV_WARNING][STATE_STATUS_ACKNOWLEDGED], 1);
    assert_int_equal(sum.by[STATE_SEV_EMERGENCY][STATE_STATUS_NEW], 0);
    assert_int_equal(state_incident_get(db, 999, copy_incident, &(struct state_incident){0}),
                     YM_ENOTFOUND);
    state_db_close(db);
}

static void status_machine_refuses_wrong_moves_with_a_reason(void **state)
{
    struct state_db *db = writer(state);
    struct state_actor alice = {.name = "alice", .role = "analyst", .address = "cli"};
    int64_t id = new_incident(db, "acme", STATE_SEV_CRITICAL, T0, T0 + 15 * MIN);
    struct ym_error err = {0};
    int64_t t = T0;
#define MOVE(to, res) \
    state_incident_set_status(db, id, to, res, "note", &alice, t += MIN, &err)

    assert_int_equal(MOVE(STATE_STATUS_ACKNOWLEDGED, STATE_RES_NONE), YM_OK);
    assert_int_equal(MOVE(STATE_STATUS_ACKNOWLEDGED, STATE_RES_NONE), YM_EINVAL);
    assert_string_equal(err.reason, "the incident is already acknowledged");
    assert_int_equal(MOVE(STATE_STATUS_NEW, STATE_RES_NONE), YM_EINVAL);
    assert_string_equal(err.reason, "cannot go back from acknowledged to new");
    assert_int_equal(MOVE(STATE_STATUS_RESPONDING, STATE_RES_BENIGN), YM_EINVAL);
    assert_string_equal(err.reason, "a resolution goes only with resolved or closed, not responding");
    assert_int_equal(MOVE(STATE_STATUS_RESPONDING, STATE_RES_NONE), YM_OK);
    assert_int_equal(MOVE(STATE_STATUS_RESOLVED, STATE_RES_NONE), YM_EINVAL);
    assert_string_equal(err.reason,
                        "resolved needs a resolution: true_positive, false_positive or benign");
    assert_int_equal(MOVE(STATE_STATUS_RESOLVED, STATE_RES_TRUE_POSITIVE), YM_OK);
    assert_int_equal(MOVE(STATE_STATUS_RESPONDING, STATE_RES_NONE), YM_EINVAL);
    assert_string_equal(err.reason, "cannot go from resolved to responding: reopen it first");
    assert_int_equal(MOVE(STATE_STATUS_CLOSED, STATE_RES_NONE), YM_OK); /* keeps true_positive */

    struct state_incident inc;
    assert_int_equal(state_incident_get(db, id, copy_incident, &inc), YM_OK);
    assert_int_equal(inc.status, STATE_STATUS_CLOSED);
    assert_int_equal(inc.resolution, STATE_RES_TRUE_POSITIVE);

    assert_int_equal(MOVE(STATE_STATUS_ACKNOWLEDGED, STATE_RES_NONE), YM_EINVAL);
    assert_string_equal(err.reason, "cannot go from closed to acknowledged: reopen it first");
    assert_int_equal(state_incident_reopen(db, id, "customer saw it again", &alice, t += MIN, &err),
                     YM_OK);
    assert_int_equal(state_incident_get(db, id, copy_incident, &inc), YM_OK);
    assert_int_equal(inc.status, STATE_STATUS_ACKNOWLEDGED);
    assert_int_equal(inc.resolution, STATE_RES_NONE);
    assert_int_equal(state_incident_reopen(db, id, NULL, &alice, t += MIN, &err), YM_EINVAL);
    assert_string_equal(err.reason,
                        "only a resolved or closed incident can be reopened; this one is acknowledged");
    /* closing a false positive straight from an open status */
    assert_int_equal(MOVE(STATE_STATUS_CLOSED, STATE_RES_FALSE_POSITIVE), YM_OK);
#undef MOVE

    struct lines tl = {0};
    assert_int_equal(state_timeline_each(db, id, 1, keep_timeline, &tl), YM_OK);
    assert_int_equal(tl.count, 7);
    assert_string_equal(tl.v[0], "detection yamori customer: web attack allowed by the firewall");
    assert_string_equal(tl.v[1], "status alice customer: status new -> acknowledged: note");
    assert_string_equal(tl.v[3],
                        "status alice customer: status responding -> resolved true_positive: note");
    assert_string_equal(tl.v[5], "status alice customer: reopened: customer saw it again");

    struct lines audit = {0};
    assert_int_equal(state_audit_each(db, "acme", 0, 0, 0, keep_audit, &audit), YM_OK);
    assert_int_equal(audit.count, 6); /* accepted moves only, newest first */
    char want[128];
    snprintf(want, sizeof want, "alice incident.status incident:%lld new -> acknowledged",
             (long long)id);
    assert_string_equal(audit.v[5], want);
    state_db_close(db);
}

static void promotion_is_in_the_timeline_with_its_reason_and_new_sla(void **state)
{
    struct state_db *db = writer(state);
    int64_t id = new_incident(db, "acme", STATE_SEV_WARNING, T0, 0);
    assert_int_equal(state_incident_set_severity(db, id, STATE_SEV_CRITICAL,
                                                 "10.0.0.5 connected back to 203.0.113.9",
                                                 T0 + 15 * MIN, NULL, T0 + MIN),
                     YM_OK);
    struct state_incident inc;
    assert_int_equal(state_incident_get(db, id, copy_incident, &inc), YM_OK);
    assert_int_equal(inc.severity, STATE_SEV_CRITICAL);
    assert_int_equal(inc.sla_due_ns, T0 + 15 * MIN);
    /* same severity: nothing written */
    assert_int_equal(state_incident_set_severity(db, id, STATE_SEV_CRITICAL, "again", 0, NULL,
                                                 T0 + 2 * MIN),
                     YM_OK);
    struct lines tl = {0};
    assert_int_equal(state_timeline_each(db, id, 0, keep_timeline, &tl), YM_OK);
    assert_int_equal(tl.count, 2);
    assert_string_equal(tl.v[1], "promotion yamori customer: promoted warning to critical: "
                                 "10.0.0.5 connected back to 203.0.113.9");
    /* the server's own change is not an analyst action: no audit entry */
    struct lines audit = {0};
    assert_int_equal(state_audit_each(db, NULL, 0, 0, 0, keep_audit, &audit), YM_OK);
    assert_int_equal(audit.count, 0);
    state_db_close(db);
}

static void sla_breach_is_marked_once_and_notification_stops_the_clock(void **state)
{
    struct state_db *db = writer(state);
    int64_t late = new_incident(db, "acme", STATE_SEV_CRITICAL, T0, T0 + 15 * MIN);
    int64_t told = new_incident(db, "acme", STATE_SEV_EMERGENCY, T0, T0 + 15 * MIN);
    new_incident(db, "acme", STATE_SEV_WARNING, T0, 0); /* no SLA */
    assert_int_equal(state_incident_notified(db, told, "mail to soc@acme accepted", T0 + 2 * MIN),
                     YM_OK);
    uint64_t marked = 9;
    assert_int_equal(state_incidents_mark_sla(db, T0 + 14 * MIN, &marked), YM_OK);
    assert_int_equal(marked, 0);
    assert_int_equal(state_incidents_mark_sla(db, T0 + 16 * MIN, &marked), YM_OK);
    assert_int_equal(marked, 1);
    assert_int_equal(state_incidents_mark_sla(db, T0 + 17 * MIN, &marked), YM_OK);
    assert_int_equal(marked, 0);

    struct state_incident inc;
    assert_int_equal(state_incident_get(db, late, copy_incident, &inc), YM_OK);
    assert_int_equal(inc.sla_breached, 1);
    assert_int_equal(state_incident_get(db, told, copy_incident, &inc), YM_OK);
    assert_int_equal(inc.sla_breached, 0);
    assert_int_equal(inc.status, STATE_STATUS_NOTIFIED);
    assert_int_equal(inc.notified_ns, T0 + 2 * MIN);
    /* a second notification keeps the first time */
    assert_int_equal(state_incident_notified(db, told, "webhook accepted", T0 + 3 * MIN), YM_OK);
    assert_int_equal(state_incident_get(db, told, copy_incident, &inc), YM_OK);
    assert_int_equal(inc.notified_ns, T0 + 2 * MIN);

    struct lines tl = {0};
    assert_int_equal(state_timeline_each(db, late, 1, keep_timeline, &tl), YM_OK);
    assert_int_equal(tl.count, 2);
    assert_string_equal(tl.v[1], "action yamori internal: SLA breached: the customer was not "
                                 "notified by 2023-11-14T22:28:20.000Z");
    struct state_incident_summary sum;
    assert_int_equal(state_incidents_summary(db, NULL, &sum), YM_OK);
    assert_int_equal(sum.sla_breached, 1);

    /* an analyst who phoned the customer moves it to notified: the clock stops */
    int64_t phoned = new_incident(db, "acme", STATE_SEV_CRITICAL, T0, T0 + 15 * MIN);
    struct state_actor alice = {.name = "alice"};
    assert_int_equal(state_incident_set_status(db, phoned, STATE_STATUS_NOTIFIED, STATE_RES_NONE,
                                               "phoned the customer", &alice, T0 + 5 * MIN, NULL),
                     YM_OK);
    assert_int_equal(state_incidents_mark_sla(db, T0 + 20 * MIN, &marked), YM_OK);
    assert_int_equal(marked, 0);
    assert_int_equal(state_incident_get(db, phoned, copy_incident, &inc), YM_OK);
    assert_int_equal(inc.notified_ns, T0 + 5 * MIN);
    state_db_close(db);
}

static void internal_comments_are_hidden_from_the_customer_view(void **state)
{
    struct state_db *db = writer(state);
    struct state_actor bob = {.name = "bob", .role = "analyst", .address = "cli"};
    int64_t id = new_incident(db, "acme", STATE_SEV_CRITICAL, T0, 0);
    int64_t entry = 0;
    assert_int_equal(state_incident_comment(db, id, STATE_VIS_INTERNAL, "looks like the pentest",
                                            &bob, T0 + MIN, &entry),
                     YM_OK);
    assert_true(entry > 0);
    assert_int_equal(state_incident_comment(db, id, STATE_VIS_CUSTOMER, "Please patch", &bob,
                                            T0 + 2 * MIN, NULL),
                     YM_OK);
    assert_int_equal(state_incident_comment(db, id, STATE_VIS_CUSTOMER, "", &bob, T0, NULL),
                     YM_EINVAL);
    assert_int_equal(state_incident_assign(db, id, "bob", &bob, T0 + 3 * MIN), YM_OK);

    struct lines customer = {0}, analyst = {0};
    assert_int_equal(state_timeline_each(db, id, 0, keep_timeline, &customer), YM_OK);
    assert_int_equal(state_timeline_each(db, id, 1, keep_timeline, &analyst), YM_OK);
    assert_int_equal(customer.count, 2);
    assert_string_equal(customer.v[1], "comment bob customer: Please patch");
    assert_int_equal(analyst.count, 4);
    assert_string_equal(analyst.v[3], "action bob internal: assigned to bob");

    struct lines changes = {0};
    assert_int_equal(state_changes_each(db, 0, 0, keep_change, &changes), YM_OK);
    char want[64];
    snprintf(want, sizeof want, "incident.comment %lld", (long long)id);
    assert_string_equal(changes.v[1], want);
    state_db_close(db);
}

static int keep_suppression(void *arg, const struct state_suppression *s)
{
    add_line(arg, "%lld %s %s [%s] %s by %s hits=%llu", (long long)s->id, s->tenant, s->rule_id,
             s->conditions, s->reason, s->author, (unsigned long long)s->hits);
    return 0;
}

static void suppressions_expire_delete_and_count_hits(void **state)
{
    struct state_db *db = writer(state);
    struct state_actor carol = {.name = "carol", .role = "analyst", .address = "cli"};
    int64_t gen0 = -1, gen1 = -1;
    assert_int_equal(state_tuning_generation(db, &gen0), YM_OK);
    struct state_suppression s = {.tenant = "acme", .rule_id = "r-scan",
                                  .conditions = "source.ip=10.9.0.0/16",
                                  .reason = "the customer's vulnerability scanner"};
    assert_int_equal(state_suppression_add(db, &s, &carol, T0), YM_OK);
    struct state_suppression brief = {.tenant = "acme", .conditions = "destination.port=8443",
                                      .reason = "maintenance", .expires_ns = T0 + 60 * MIN};
    assert_int_equal(state_suppression_add(db, &brief, &carol, T0), YM_OK);
    struct state_suppression bad = {.tenant = "acme", .reason = ""};
    assert_int_equal(state_suppression_add(db, &bad, &carol, T0), YM_EINVAL);
    assert_int_equal(state_tuning_generation(db, &gen1), YM_OK);
    assert_true(gen1 > gen0);

    assert_int_equal(state_suppression_hits_add(db, s.id, 12), YM_OK);
    struct lines now = {0}, later = {0}, ever = {0};
    assert_int_equal(state_suppressions_each(db, "acme", T0 + MIN, keep_suppression, &now), YM_OK);
    assert_int_equal(now.count, 2);
    char want[200];
    snprintf(want, sizeof want,
             "%lld acme r-scan [source.ip=10.9.0.0/16] the customer's vulnerability scanner by "
             "carol hits=12",
             (long long)s.id);
    assert_string_equal(now.v[0], want);
    assert_int_equal(state_suppressions_each(db, "acme", T0 + 61 * MIN, keep_suppression, &later),
                     YM_OK);
    assert_int_equal(later.count, 1);

    assert_int_equal(state_suppression_delete(db, s.id, &carol, T0 + 2 * MIN), YM_OK);
    assert_int_equal(state_suppression_delete(db, s.id, &carol, T0 + 2 * MIN), YM_ENOTFOUND);
    assert_int_equal(state_suppressions_each(db, NULL, 0, keep_suppression, &ever), YM_OK);
    assert_int_equal(ever.count, 2); /* deleted ones stay for the record */

    struct lines audit = {0};
    assert_int_equal(state_audit_each(db, "acme", 0, 0, 0, keep_audit, &audit), YM_OK);
    assert_int_equal(audit.count, 3);
    assert_non_null(strstr(audit.v[0], "carol suppression.delete"));
    state_db_close(db);
}

static int keep_override(void *arg, const struct state_rule_override *o)
{
    add_line(arg, "%s %s %d %llu %s", o->tenant, o->rule_id, o->enabled,
             (unsigned long long)o->threshold, o->author);
    return 0;
}

static void rule_overrides_replace_and_delete(void **state)
{
    struct state_db *db = writer(state);
    struct state_actor dave = {.name = "dave", .role = "analyst", .address = "cli"};
    struct state_rule_override o = {.tenant = "acme", .rule_id = "r-scan", .enabled = 0};
    assert_int_equal(state_rule_override_set(db, &o, &dave, T0), YM_OK);
    o.enabled = 1;
    o.threshold = 5;
    assert_int_equal(state_rule_override_set(db, &o, &dave, T0 + MIN), YM_OK);
    struct state_rule_override k = {.tenant = "kumo", .rule_id = "r-web", .enabled = 0};
    assert_int_equal(state_rule_override_set(db, &k, &dave, T0), YM_OK);

    struct lines acme = {0};
    assert_int_equal(state_rule_overrides_each(db, "acme", keep_override, &acme), YM_OK);
    assert_int_equal(acme.count, 1);
    assert_string_equal(acme.v[0], "acme r-scan 1 5 dave");
    assert_int_equal(state_rule_override_delete(db, "acme", "r-scan", &dave, T0 + 2 * MIN), YM_OK);
    assert_int_equal(state_rule_override_delete(db, "acme", "r-scan", &dave, T0 + 2 * MIN),
                     YM_ENOTFOUND);
    struct lines all = {0};
    assert_int_equal(state_rule_overrides_each(db, NULL, keep_override, &all), YM_OK);
    assert_int_equal(all.count, 1);
    assert_string_equal(all.v[0], "kumo r-web 0 0 dave");
    state_db_close(db);
}

static void reader_cannot_change_incidents(void **state)
{
    struct state_db *w = writer(state);
    int64_t id = new_incident(w, "acme", STATE_SEV_CRITICAL, T0, 0);
    struct state_db *r = NULL;
    assert_int_equal(state_db_open(*state, STATE_DB_READER, &r, NULL), YM_OK);
    struct state_actor eve = {.name = "eve"};
    assert_int_equal(state_incident_comment(r, id, STATE_VIS_CUSTOMER, "hi", &eve, T0, NULL),
                     YM_EINVAL);
    assert_int_equal(state_incident_set_status(r, id, STATE_STATUS_ACKNOWLEDGED, STATE_RES_NONE,
                                               NULL, &eve, T0, NULL),
                     YM_EINVAL);
    struct lines seen = {0};
    assert_int_equal(state_incidents_each(r, NULL, keep_incident, &seen, NULL), YM_OK);
    assert_int_equal(seen.count, 1);
    state_db_close(r);
    state_db_close(w);
}

static void names_round_trip(void **state)
{
    (void)state;
    enum state_severity sev;
    assert_int_equal(state_severity_parse("Critical", &sev), 0);
    assert_int_equal(sev, STATE_SEV_CRITICAL);
    assert_int_equal(state_severity_parse("severe", &sev), -1);
    enum state_resolution res;
    assert_int_equal(state_resolution_parse("false_positive", &res), 0);
    assert_string_equal(state_resolution_name(res), "false_positive");
    enum state_status st;
    assert_int_equal(state_status_parse("responding", &st), 0);
    assert_string_equal(state_status_name(st), "responding");
    assert_string_equal(state_timeline_kind_name(STATE_TL_NOTIFICATION), "notification");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(events_insert_update_and_list_by_tenant_and_mute, make_dir,
                                        remove_dir),
        cmocka_unit_test_setup_teardown(incidents_list_filters_and_counts_linked_detections,
                                        make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(status_machine_refuses_wrong_moves_with_a_reason, make_dir,
                                        remove_dir),
        cmocka_unit_test_setup_teardown(promotion_is_in_the_timeline_with_its_reason_and_new_sla,
                                        make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(sla_breach_is_marked_once_and_notification_stops_the_clock,
                                        make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(internal_comments_are_hidden_from_the_customer_view,
                                        make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(suppressions_expire_delete_and_count_hits, make_dir,
                                        remove_dir),
        cmocka_unit_test_setup_teardown(rule_overrides_replace_and_delete, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(reader_cannot_change_incidents, make_dir, remove_dir),
        cmocka_unit_test(names_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
