/* Loading rule files: reports with file and line, multi-document files and
 * `action: global`, logsource mapping (inactive rules, field names),
 * correlations with synthetic time, and reload. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sched.h>
#include <stdatomic.h>

#include <cmocka.h>

#include <pthread.h>

#include "detect_test_util.h"
#include "enrich/enrich_ti.h"

static const char *mapping =
    "kinds: [asa, panos, web]\n"
    "fields:\n"
    "  src_ip: source.ip\n"
    "  dst_port: destination.port\n"
    "  c-uri: url.original\n"
    "logsources:\n"
    "  - {category: firewall, kinds: [asa, panos]}\n"
    "  - {product: cisco, service: asa, kinds: [asa]}\n"
    "  - {category: webserver, kinds: [web, panos]}\n";

struct env {
    struct tdir d;
    struct detect_set *set;
    struct detect_reports rep;
    struct ym_error err;
    enum ym_status st;
};

static void env_compile(struct env *e, int with_mapping)
{
    char mp[128];
    const char *paths[] = {e->d.path};
    snprintf(mp, sizeof(mp), "%s/logsources.yaml", e->d.path);
    if (with_mapping)
        tdir_write(&e->d, "logsources.yaml", mapping);
    struct detect_config cfg = {.rule_paths = paths, .rule_path_count = 1,
                                .logsources_path = with_mapping ? mp : NULL};
    memset(&e->err, 0, sizeof(e->err));
    e->st = detect_set_compile(&cfg, &e->set, &e->rep, &e->err);
}

static void env_fini(struct env *e)
{
    detect_set_unref(e->set);
    detect_reports_free(&e->rep);
    tdir_fini(&e->d);
}

static const struct detect_report *report_of(const struct env *e, const char *title)
{
    for (size_t i = 0; i < e->rep.count; i++)
        if (strcmp(e->rep.v[i].title, title) == 0)
            return &e->rep.v[i];
    fail_msg("no report for %s", title);
    return NULL;
}

static void bad_rules_are_reported_with_line_and_the_rest_load(void **st)
{
    struct env e = {0};
    tdir_init(&e.d);
    tdir_write(&e.d, "a.yml",
               "title: good\nid: g1\nlogsource: {category: firewall}\n"
               "detection:\n  sel:\n    a: 1\n  condition: sel\n"
               "---\n"
               "title: bad modifier\nid: b1\nlogsource: {category: firewall}\n"
               "detection:\n  sel:\n    a|frobnicate: 1\n  condition: sel\n"
               "---\n"
               "title: bad condition\nid: b2\nlogsource: {category: firewall}\n"
               "detection:\n  sel:\n    a: 1\n  condition: sel and nothere\n"
               "---\n"
               "id: b3\nlogsource: {category: firewall}\n"
               "detection:\n  sel:\n    a: 1\n  condition: sel\n");
    tdir_write(&e.d, "broken.yml", "title: x\n  detection: [\n");
    env_compile(&e, 0);
    assert_int_equal(e.st, YM_OK);
    assert_int_equal(detect_set_rule_count(e.set), 1);
    assert_int_equal(detect_reports_count(&e.rep, DETECT_RULE_OK), 1);
    assert_int_equal(detect_reports_count(&e.rep, DETECT_RULE_ERROR), 4);
    const struct detect_report *r = report_of(&e, "bad modifier");
    assert_int_equal(r->line, 14);
    assert_non_null(strstr(r->reason, "frobnicate"));
    r = report_of(&e, "bad condition");
    assert_int_equal(r->line, 23);
    assert_non_null(strstr(r->reason, "nothere"));
    int saw_broken = 0, saw_missing_title = 0;
    for (size_t i = 0; i < e.rep.count; i++) {
        if (strstr(e.rep.v[i].file, "broken.yml")) {
            saw_broken = 1;
            assert_int_equal(e.rep.v[i].line, 2);
        }
        if (strcmp(e.rep.v[i].id, "b3") == 0)
            saw_missing_title = strstr(e.rep.v[i].reason, "title") != NULL;
    }
    assert_true(saw_broken);
    assert_true(saw_missing_title);
    env_fini(&e);
}

static void global_action_is_merged_into_each_document(void **st)
{
    struct env e = {0};
    tdir_init(&e.d);
    tdir_write(&e.d, "c.yml",
               "action: global\ntitle: collection\nlogsource: {category: firewall}\n"
               "detection:\n  base:\n    event.action: deny\n  condition: base and sel\n"
               "---\nid: c1\ndetection:\n  sel:\n    destination.port: 22\n"
               "---\nid: c2\ndetection:\n  sel:\n    destination.port: 23\n");
    env_compile(&e, 0);
    assert_int_equal(detect_set_rule_count(e.set), 2);
    struct detect_scratch *s = detect_scratch_create(e.set);
    struct tlog t;
    tlog_init(&t, "");
    tlog_add(&t, "event.action", "deny");
    tlog_add(&t, "destination.port", "23");
    struct hits h = {0};
    assert_int_equal(detect_set_match(e.set, s, &t.rec, collect, &h), 1);
    assert_string_equal(h.ids[0], "c2");
    tlog_fini(&t);
    detect_scratch_destroy(s);
    env_fini(&e);
}

static void logsource_mapping_selects_kinds_and_field_names(void **st)
{
    struct env e = {0};
    tdir_init(&e.d);
    tdir_write(&e.d, "m.yml",
               "title: fw\nid: fw1\nlogsource: {category: firewall}\n"
               "detection:\n  sel:\n    src_ip: 10.0.0.1\n    dst_port: 22\n  condition: sel\n"
               "---\n"
               "title: asa only\nid: asa1\nlogsource: {product: cisco, service: asa}\n"
               "detection:\n  sel:\n    src_ip: 10.0.0.1\n  condition: sel\n"
               "---\n"
               "title: windows\nid: win1\nlogsource: {product: windows, category: process_creation}\n"
               "detection:\n  sel:\n    Image|endswith: '\\cmd.exe'\n  condition: sel\n");
    env_compile(&e, 1);
    assert_int_equal(e.st, YM_OK);
    assert_int_equal(report_of(&e, "windows")->status, DETECT_RULE_INACTIVE);
    assert_int_equal(detect_set_rule_count(e.set), 2);
    struct detect_scratch *s = detect_scratch_create(e.set);
    struct tlog t;
    tlog_init(&t, "");
    tlog_add(&t, "source.ip", "10.0.0.1");
    tlog_add(&t, "destination.port", "22");
    struct hits h = {0};
    tlog_kind(&t, "asa");
    assert_int_equal(detect_set_match(e.set, s, &t.rec, collect, &h), 2);
    memset(&h, 0, sizeof(h));
    tlog_kind(&t, "panos");
    assert_int_equal(detect_set_match(e.set, s, &t.rec, collect, &h), 1);
    assert_string_equal(h.ids[0], "fw1");
    memset(&h, 0, sizeof(h));
    tlog_kind(&t, "web");
    assert_int_equal(detect_set_match(e.set, s, &t.rec, collect, &h), 0);
    tlog_fini(&t);
    detect_scratch_destroy(s);
    env_fini(&e);
}

static int64_t T(int s) { return (int64_t)(1700000000 + s) * 1000000000LL; }

static int feed(struct detect_set *set, struct detect_scratch *s, struct hits *h, int at_s,
                const char *src, const char *dport)
{
    struct tlog t;
    tlog_init(&t, "");
    t.rec.time_ns = T(at_s);
    tlog_add(&t, "event.action", "deny");
    tlog_add(&t, "source.ip", src);
    tlog_add(&t, "destination.port", dport);
    int n = detect_set_match(set, s, &t.rec, collect, h);
    tlog_fini(&t);
    return n;
}

static void correlation_event_and_value_count_use_log_time(void **st)
{
    struct env e = {0};
    tdir_init(&e.d);
    tdir_write(&e.d, "base.yml",
               "title: deny\nid: deny1\nname: fw_deny\nlogsource: {category: firewall}\n"
               "detection:\n  sel:\n    event.action: deny\n  condition: sel\n");
    tdir_write(&e.d, "corr.yml",
               "title: many denies\nid: ec1\ncorrelation:\n  type: event_count\n  rules: [fw_deny]\n"
               "  group-by: [source.ip]\n  timespan: 10s\n  condition: {gte: 3}\n"
               "---\n"
               "title: port scan\nid: vc1\ncorrelation:\n  type: value_count\n  rules: [deny1]\n"
               "  group-by: [source.ip]\n  timespan: 60s\n  condition: {field: destination.port, gte: 4}\n");
    env_compile(&e, 0);
    assert_int_equal(detect_reports_count(&e.rep, DETECT_RULE_OK), 3);
    struct detect_scratch *s = detect_scratch_create(e.set);
    struct hits h = {0};
    /* the base rule feeds correlations only (generate: false) */
    assert_int_equal(feed(e.set, s, &h, 0, "1.1.1.1", "1"), 0);
    assert_int_equal(feed(e.set, s, &h, 20, "1.1.1.1", "1"), 0); /* first fell out of the window */
    assert_int_equal(feed(e.set, s, &h, 21, "2.2.2.2", "1"), 0); /* other group */
    assert_int_equal(feed(e.set, s, &h, 22, "1.1.1.1", "1"), 0);
    assert_int_equal(feed(e.set, s, &h, 23, "1.1.1.1", "2"), 1);
    assert_string_equal(h.ids[0], "ec1");
    assert_string_equal(h.group, "1.1.1.1");
    assert_int_equal(h.last_count, 3);
    /* distinct ports: 1, 2 so far for 1.1.1.1 within 60 s; 3 and 4 make 4 */
    memset(&h, 0, sizeof(h));
    assert_int_equal(feed(e.set, s, &h, 40, "1.1.1.1", "3"), 0);
    assert_int_equal(feed(e.set, s, &h, 50, "1.1.1.1", "3"), 0);
    assert_int_equal(feed(e.set, s, &h, 61, "1.1.1.1", "4"), 1); /* 3 events in 10 s: no */
    assert_string_equal(h.ids[0], "vc1");
    assert_int_equal(h.last_count, 4);
    detect_scratch_destroy(s);
    env_fini(&e);
}

static void correlation_temporal_ordered_needs_the_order(void **st)
{
    struct env e = {0};
    tdir_init(&e.d);
    tdir_write(&e.d, "r.yml",
               "title: fail\nid: f1\nlogsource: {category: firewall}\n"
               "detection:\n  sel:\n    event.outcome: failure\n  condition: sel\n"
               "---\n"
               "title: ok\nid: s1\nlogsource: {category: firewall}\n"
               "detection:\n  sel:\n    event.outcome: success\n  condition: sel\n"
               "---\n"
               "title: fail then success\nid: t1\ncorrelation:\n  type: temporal_ordered\n"
               "  rules: [f1, s1]\n  group-by: [user.name]\n  timespan: 5m\n");
    env_compile(&e, 0);
    assert_int_equal(detect_reports_count(&e.rep, DETECT_RULE_OK), 3);
    struct detect_scratch *s = detect_scratch_create(e.set);
    const struct { int at; const char *outcome; int want; } seq[] = {
        {0, "success", 0}, {10, "failure", 0}, {20, "success", 1}, /* in order */
        {400, "failure", 0}, {800, "success", 0},                 /* too far apart */
    };
    for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
        struct tlog t;
        tlog_init(&t, "");
        t.rec.time_ns = T(seq[i].at);
        tlog_add(&t, "event.outcome", seq[i].outcome);
        tlog_add(&t, "user.name", "bob");
        struct hits h = {0};
        assert_int_equal(detect_set_match(e.set, s, &t.rec, collect, &h), seq[i].want);
        tlog_fini(&t);
    }
    detect_scratch_destroy(s);
    env_fini(&e);
}

static void reload_swaps_and_a_broken_set_keeps_the_old(void **st)
{
    struct env e = {0};
    tdir_init(&e.d);
    tdir_write(&e.d, "r.yml", "title: one\nid: one\nlogsource: {category: firewall}\n"
                              "detection:\n  sel:\n    a: 1\n  condition: sel\n");
    env_compile(&e, 0);
    struct detect_live *live = detect_live_create(e.set);
    e.set = NULL;
    struct detect_set *held = detect_live_acquire(live); /* a worker mid-batch */
    assert_non_null(detect_set_find(held, "one"));

    tdir_write(&e.d, "r.yml", "title: two\nid: two\nlogsource: {category: firewall}\n"
                              "detection:\n  sel:\n    a: 2\n  condition: sel\n");
    const char *paths[] = {e.d.path};
    struct detect_config cfg = {.rule_paths = paths, .rule_path_count = 1};
    struct ym_error err;
    assert_int_equal(detect_live_reload(live, &cfg, 0, NULL, &err), YM_OK);
    assert_int_equal(detect_live_generation(live), 1);
    /* the worker's set is still whole until it lets go */
    assert_non_null(detect_set_find(held, "one"));
    detect_live_release(held);
    struct detect_set *now = detect_live_acquire(live);
    assert_non_null(detect_set_find(now, "two"));
    detect_live_release(now);

    /* a typo: the running set stays */
    tdir_write(&e.d, "r.yml", "title: three\nid: three\nlogsource: {category: firewall}\n"
                              "detection:\n  sel:\n    a|nosuch: 2\n  condition: sel\n");
    assert_int_equal(detect_live_reload(live, &cfg, 0, NULL, &err), YM_EPARSE);
    assert_non_null(strstr(err.reason, "nosuch"));
    now = detect_live_acquire(live);
    assert_non_null(detect_set_find(now, "two"));
    detect_live_release(now);
    /* a missing mapping file fails the compile as a whole */
    cfg.logsources_path = "/nonexistent/logsources.yaml";
    assert_int_not_equal(detect_live_reload(live, &cfg, 1, NULL, &err), YM_OK);
    assert_int_equal(detect_live_generation(live), 1);
    detect_live_destroy(live);
    env_fini(&e);
}

static void many_rules_one_scan_finds_the_right_one(void **st)
{
    struct env e = {0};
    tdir_init(&e.d);
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    for (int i = 0; i < 500; i++)
        fprintf(m, "%stitle: r%d\nid: r%d\nlogsource: {category: webserver}\ndetection:\n"
                   "  sel:\n    url.original|contains: '/path%d/'\n  condition: sel\n",
                i ? "---\n" : "", i, i, i);
    fclose(m);
    tdir_write(&e.d, "many.yml", text);
    free(text);
    env_compile(&e, 0);
    assert_int_equal(detect_set_rule_count(e.set), 500);
    assert_int_equal(detect_set_field_db_count(e.set), 1);
    struct detect_scratch *s = detect_scratch_create(e.set);
    struct tlog t;
    tlog_init(&t, "");
    tlog_add(&t, "url.original", "/a/path417/x");
    struct hits h = {0};
    assert_int_equal(detect_set_match(e.set, s, &t.rec, collect, &h), 1);
    assert_string_equal(h.ids[0], "r417");
    tlog_fini(&t);
    detect_scratch_destroy(s);
    env_fini(&e);
}

static void repo_rule_pack_loads_without_errors(void **st)
{
    const char *src = getenv("YM_SRC");
    if (!src)
        src = ".";
    char rules[512], ls[512], ph[512];
    snprintf(rules, sizeof(rules), "%s/rules", src);
    snprintf(ls, sizeof(ls), "%s/rules/logsources.yaml", src);
    snprintf(ph, sizeof(ph), "%s/rules/placeholders.yaml", src);
    if (access(ls, R_OK) != 0)
        fail_msg("rule pack not found under %s (set YM_SRC)", rules);
    const char *paths[] = {rules};
    struct detect_config cfg = {.rule_paths = paths, .rule_path_count = 1,
                                .logsources_path = ls, .placeholders_path = ph};
    struct detect_set *set = NULL;
    struct detect_reports rep = {0};
    struct ym_error err;
    assert_int_equal(detect_set_compile(&cfg, &set, &rep, &err), YM_OK);
    for (size_t i = 0; i < rep.count; i++)
        if (rep.v[i].status != DETECT_RULE_OK)
            fail_msg("%s:%d %s: %s %s", rep.v[i].file, rep.v[i].line, rep.v[i].id,
                     detect_rule_status_name(rep.v[i].status), rep.v[i].reason);
    assert_true(rep.count >= 40);
    for (size_t i = 0; i < detect_set_rule_count(set); i++) {
        const struct detect_rule_meta *m = detect_set_rule(set, i);
        if (!m->response[0] || !m->description[0] || !m->falsepositive_count)
            fail_msg("%s lacks response, description or falsepositives", m->id);
    }
    detect_reports_free(&rep);
    detect_set_unref(set);
}

static void unsupported_and_duplicate_rules_are_told_apart(void **st)
{
    struct env e = {0};
    tdir_init(&e.d);
    tdir_write(&e.d, "u.yml",
               "title: time modifier\nid: u1\nlogsource: {category: firewall}\n"
               "detection:\n  sel:\n    '@timestamp|hour': 3\n  condition: sel\n"
               "---\n"
               "title: sigma1 aggregation\nid: u2\nlogsource: {category: firewall}\n"
               "detection:\n  sel:\n    a: 1\n  condition: sel | count() by src_ip > 10\n"
               "---\n"
               "title: value sum\nid: u3\ncorrelation: {type: value_sum, rules: [x], timespan: 1h}\n"
               "---\n"
               "title: dup\nid: u1\nlogsource: {category: firewall}\n"
               "detection:\n  sel:\n    a: 1\n  condition: sel\n"
               "---\n"
               "title: first ok\nid: ok1\nlogsource: {category: firewall}\n"
               "detection:\n  sel:\n    a: 1\n  condition: sel\n"
               "---\n"
               "title: dup of ok\nid: ok1\nlogsource: {category: firewall}\n"
               "detection:\n  sel:\n    a: 2\n  condition: sel\n"
               "---\n"
               "title: windows\nid: w1\nname: win_rule\nlogsource: {product: windows}\n"
               "detection:\n  sel:\n    Image: x\n  condition: sel\n"
               "---\n"
               "title: corr of windows\nid: cw\ncorrelation: {type: event_count, rules: [win_rule], group-by: [a], timespan: 1h, condition: {gte: 2}}\n"
               "---\n"
               "title: corr of nothing\nid: cn\ncorrelation: {type: event_count, rules: [nosuch], group-by: [a], timespan: 1h, condition: {gte: 2}}\n");
    env_compile(&e, 1);
    assert_int_equal(report_of(&e, "time modifier")->status, DETECT_RULE_UNSUPPORTED);
    assert_int_equal(report_of(&e, "sigma1 aggregation")->status, DETECT_RULE_UNSUPPORTED);
    assert_int_equal(report_of(&e, "value sum")->status, DETECT_RULE_UNSUPPORTED);
    assert_int_equal(report_of(&e, "first ok")->status, DETECT_RULE_OK);
    const struct detect_report *d = report_of(&e, "dup of ok");
    assert_int_equal(d->status, DETECT_RULE_ERROR);
    assert_non_null(strstr(d->reason, "duplicate id"));
    assert_int_equal(report_of(&e, "windows")->status, DETECT_RULE_INACTIVE);
    assert_int_equal(report_of(&e, "corr of windows")->status, DETECT_RULE_INACTIVE);
    assert_int_equal(report_of(&e, "corr of nothing")->status, DETECT_RULE_ERROR);
    env_fini(&e);
}

/* A worker matches logs batch by batch while the control thread reloads the
 * set many times: every log is matched by exactly one whole set. */
struct load_worker {
    struct detect_live *live;
    atomic_int stop;
    unsigned long logs, hits, batches;
};

static void *worker_main(void *arg)
{
    struct load_worker *w = arg;
    struct detect_scratch *s = NULL;
    while (!atomic_load(&w->stop)) {
        struct detect_set *set = detect_live_acquire(w->live);
        if (!s)
            s = detect_scratch_create(set);
        for (int i = 0; i < 64; i++) {
            struct tlog t;
            tlog_init(&t, "");
            tlog_add(&t, "event.action", "deny");
            struct hits h = {0};
            int n = detect_set_match(set, s, &t.rec, collect, &h);
            w->hits += (unsigned long)(n > 0 ? n : 0);
            w->logs++;
            tlog_fini(&t);
        }
        w->batches++;
        detect_live_release(set);
    }
    detect_scratch_destroy(s);
    return NULL;
}

static void reload_under_load_loses_no_log(void **st)
{
    struct env e = {0};
    tdir_init(&e.d);
    tdir_write(&e.d, "r.yml", "title: deny\nid: d0\nlogsource: {category: firewall}\n"
                              "detection:\n  sel:\n    event.action: deny\n  condition: sel\n");
    env_compile(&e, 0);
    struct load_worker w = {.live = detect_live_create(e.set)};
    e.set = NULL;
    atomic_init(&w.stop, 0);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, worker_main, &w), 0);
    const char *paths[] = {e.d.path};
    struct detect_config cfg = {.rule_paths = paths, .rule_path_count = 1};
    for (int i = 1; i <= 20; i++) {
        char text[256];
        snprintf(text, sizeof(text), "title: deny %d\nid: d%d\nlogsource: {category: firewall}\n"
                 "detection:\n  sel:\n    event.action|contains: den\n  condition: sel\n", i, i);
        tdir_write(&e.d, "r.yml", text);
        struct ym_error err;
        assert_int_equal(detect_live_reload(w.live, &cfg, 0, NULL, &err), YM_OK);
    }
    while (w.batches < 40)
        sched_yield();
    atomic_store(&w.stop, 1);
    pthread_join(th, NULL);
    assert_int_equal(detect_live_generation(w.live), 20);
    assert_true(w.logs > 0);
    assert_int_equal(w.hits, w.logs); /* one detection per log, none lost, none doubled */
    struct detect_set *now = detect_live_acquire(w.live);
    assert_non_null(detect_set_find(now, "d20"));
    detect_live_release(now);
    detect_live_destroy(w.live);
    env_fini(&e);
}

static void threat_intel_hit_fires_the_pack_rule(void **st)
{
    const char *src = getenv("YM_SRC");
    if (!src)
        src = ".";
    char rules[512], ls[512], ph[512], list[128];
    snprintf(rules, sizeof(rules), "%s/rules/network", src);
    snprintf(ls, sizeof(ls), "%s/rules/logsources.yaml", src);
    snprintf(ph, sizeof(ph), "%s/rules/placeholders.yaml", src);
    struct tdir d;
    tdir_init(&d);
    tdir_write(&d, "c2.txt", "198.51.100.66\n");
    snprintf(list, sizeof(list), "%s/c2.txt", d.path);
    struct enrich_ti_list_config lc = {.name = "c2 list", .path = list, .confidence = 80};
    struct enrich_ti *ti = NULL;
    struct ym_error err;
    assert_int_equal(enrich_ti_load(&lc, 1, &ti, NULL, &err), YM_OK);
    const char *paths[] = {rules};
    struct detect_config cfg = {.rule_paths = paths, .rule_path_count = 1,
                                .logsources_path = ls, .placeholders_path = ph};
    struct detect_set *set = NULL;
    assert_int_equal(detect_set_compile(&cfg, &set, NULL, &err), YM_OK);
    struct detect_scratch *s = detect_scratch_create(set);
    struct tlog t;
    tlog_init(&t, "");
    tlog_kind(&t, "asa");
    tlog_add(&t, "source.ip", "10.1.1.5");
    tlog_add(&t, "destination.ip", "198.51.100.66");
    tlog_add(&t, "network.direction", "outbound");
    assert_int_equal(enrich_ti_apply(ti, &t.rec), 1);
    struct hits h = {0};
    assert_int_equal(detect_set_match(set, s, &t.rec, collect, &h), 1);
    const struct detect_rule_meta *m = detect_set_find(set, h.ids[0]);
    assert_string_equal(m->title, "Outbound connection to a threat-intelligence address");
    tlog_fini(&t);
    detect_scratch_destroy(s);
    detect_set_unref(set);
    enrich_ti_unref(ti);
    tdir_fini(&d);
}

static void sigmahq_style_rules_load(void **st)
{
    const char *src = getenv("YM_SRC");
    if (!src)
        src = ".";
    char dir[512], ls[512];
    snprintf(dir, sizeof(dir), "%s/tests/unit/detect/sigmahq", src);
    snprintf(ls, sizeof(ls), "%s/rules/logsources.yaml", src);
    const char *paths[] = {dir};
    struct detect_config cfg = {.rule_paths = paths, .rule_path_count = 1, .logsources_path = ls,
                                .include_inactive = 1};
    struct detect_set *set = NULL;
    struct detect_reports rep = {0};
    struct ym_error err;
    assert_int_equal(detect_set_compile(&cfg, &set, &rep, &err), YM_OK);
    assert_int_equal(rep.count, 10);
    for (size_t i = 0; i < rep.count; i++) {
        enum detect_rule_status want = strcmp(rep.v[i].title, "Old Style Aggregation") == 0
                                           ? DETECT_RULE_UNSUPPORTED
                                       : strstr(rep.v[i].title, "Proxy") || strstr(rep.v[i].title, "DNS") ||
                                               strstr(rep.v[i].title, "Webshell")
                                           ? DETECT_RULE_OK
                                           : DETECT_RULE_INACTIVE;
        if (rep.v[i].status != want)
            fail_msg("%s: %s (%s)", rep.v[i].title, detect_rule_status_name(rep.v[i].status), rep.v[i].reason);
    }
    /* inactive rules were compiled too (include_inactive): one fires */
    struct detect_scratch *s = detect_scratch_create(set);
    struct tlog t;
    tlog_init(&t, "");
    tlog_add(&t, "Image", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe");
    tlog_add(&t, "CommandLine", "powershell.exe -e JABjAGwAaQBlAG4AdAA=");
    struct hits h = {0};
    assert_int_equal(detect_set_match(set, s, &t.rec, collect, &h), 1);
    assert_string_equal(h.ids[0], "ca2092a1-c273-4878-9b4b-0d60115bf5ea");
    tlog_fini(&t);
    detect_scratch_destroy(s);
    detect_reports_free(&rep);
    detect_set_unref(set);
}

static int corr_log(struct detect_set *set, struct detect_scratch *s, int at_s, const char *outcome,
                    const char *user_field, const char *user, struct hits *h)
{
    struct tlog t;
    tlog_init(&t, "");
    t.rec.time_ns = T(at_s);
    tlog_add(&t, "event.outcome", outcome);
    tlog_add(&t, user_field, user);
    int n = detect_set_match(set, s, &t.rec, collect, h);
    tlog_fini(&t);
    return n;
}

static void correlation_temporal_with_aliases_and_ranges(void **st)
{
    struct env e = {0};
    tdir_init(&e.d);
    tdir_write(&e.d, "r.yml",
               "title: vpn fail\nid: a1\nname: vpn_fail\nlogsource: {category: firewall}\n"
               "detection:\n  sel:\n    event.outcome: failure\n  condition: sel\n"
               "---\n"
               "title: admin ok\nid: a2\nname: admin_ok\nlogsource: {category: firewall}\n"
               "detection:\n  sel:\n    event.outcome: success\n  condition: sel\n"
               "---\n"
               "title: both within 1m\nid: tc\ncorrelation:\n  type: temporal\n  rules: [vpn_fail, admin_ok]\n"
               "  group-by: [account]\n  timespan: 1m\n"
               "  aliases:\n    account:\n      vpn_fail: source.user.name\n      admin_ok: user.name\n"
               "---\n"
               "title: 2 to 3 failures\nid: rc\ngenerate: true\ncorrelation:\n  type: event_count\n  rules: [vpn_fail]\n"
               "  group-by: [source.user.name]\n  timespan: 1h\n  condition: {gte: 2, lte: 3}\n");
    env_compile(&e, 0);
    assert_int_equal(detect_reports_count(&e.rep, DETECT_RULE_OK), 4);
    struct detect_scratch *s = detect_scratch_create(e.set);
    struct hits h = {0};
    /* generate: true on rc keeps vpn_fail's own detections */
    assert_int_equal(corr_log(e.set, s, 0, "failure", "source.user.name", "eve", &h), 1);
    assert_string_equal(h.ids[0], "a1");
    /* success for another user: no temporal match (aliases keep users apart) */
    memset(&h, 0, sizeof(h));
    assert_int_equal(corr_log(e.set, s, 10, "success", "user.name", "bob", &h), 0);
    /* success for eve in either order within 1 minute: temporal fires */
    memset(&h, 0, sizeof(h));
    assert_int_equal(corr_log(e.set, s, 30, "success", "user.name", "eve", &h), 1);
    assert_string_equal(h.ids[0], "tc");
    assert_string_equal(h.group, "eve");
    /* second failure of eve: vpn_fail itself and the 2..3 range fires */
    memset(&h, 0, sizeof(h));
    assert_int_equal(corr_log(e.set, s, 40, "failure", "source.user.name", "eve", &h), 2);
    assert_string_equal(h.ids[1], "rc");
    detect_scratch_destroy(s);
    env_fini(&e);
}

static void metadata_fields_related_and_custom_attributes(void **st)
{
    struct env e = {0};
    tdir_init(&e.d);
    tdir_write(&e.d, "m.yml",
               "title: meta\nid: m1\nstatus: test\nauthor: SOC team\nlevel: critical\n"
               "description: what it finds\nreferences: [https://example.org/a, https://example.org/b]\n"
               "tags: [attack.t1046]\nfields: [source.ip, destination.port]\n"
               "related:\n  - {id: old-1, type: obsolete}\n"
               "falsepositives: [scanners]\nresponse: block the source\nteam: blue\n"
               "logsource: {category: firewall}\n"
               "detection:\n  sel:\n    a: 1\n  condition: sel\n");
    env_compile(&e, 0);
    const struct detect_rule_meta *m = detect_set_find(e.set, "m1");
    assert_non_null(m);
    assert_string_equal(m->title, "meta");
    assert_string_equal(m->status, "test");
    assert_string_equal(m->author, "SOC team");
    assert_int_equal(m->level, DETECT_LEVEL_CRITICAL);
    assert_string_equal(detect_level_name(m->level), "critical");
    assert_string_equal(m->description, "what it finds");
    assert_int_equal(m->reference_count, 2);
    assert_string_equal(m->references[1], "https://example.org/b");
    assert_int_equal(m->tag_count, 1);
    assert_int_equal(m->field_count, 2);
    assert_string_equal(m->fields[1], "destination.port");
    assert_int_equal(m->related_count, 1);
    assert_string_equal(m->related[0].id, "old-1");
    assert_string_equal(m->related[0].type, "obsolete");
    assert_int_equal(m->falsepositive_count, 1);
    assert_string_equal(m->response, "block the source");
    assert_int_equal(m->custom_count, 2);
    assert_string_equal(m->custom_keys[0], "response");
    assert_string_equal(m->custom_keys[1], "team");
    assert_string_equal(m->custom_values[1], "blue");
    env_fini(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_rules_are_reported_with_line_and_the_rest_load),
        cmocka_unit_test(global_action_is_merged_into_each_document),
        cmocka_unit_test(logsource_mapping_selects_kinds_and_field_names),
        cmocka_unit_test(correlation_event_and_value_count_use_log_time),
        cmocka_unit_test(correlation_temporal_ordered_needs_the_order),
        cmocka_unit_test(reload_swaps_and_a_broken_set_keeps_the_old),
        cmocka_unit_test(many_rules_one_scan_finds_the_right_one),
        cmocka_unit_test(repo_rule_pack_loads_without_errors),
        cmocka_unit_test(unsupported_and_duplicate_rules_are_told_apart),
        cmocka_unit_test(reload_under_load_loses_no_log),
        cmocka_unit_test(threat_intel_hit_fires_the_pack_rule),
        cmocka_unit_test(sigmahq_style_rules_load),
        cmocka_unit_test(correlation_temporal_with_aliases_and_ranges),
        cmocka_unit_test(metadata_fields_related_and_custom_attributes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
