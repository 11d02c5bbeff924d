/* serve_stages: the rule set, threat-intel lists, triage and notify threads
 * of `yamori serve` and their reload (DESIGN comment in serve_stages.h). */
#include "cli/serve_stages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_rules.h"
#include "cli/serve_pipeline.h"
#include "core/ym_alloc.h"
#include "core/ym_log.h"
#include "detect/detect.h"
#include "enrich/enrich_ti.h"
#include "notify/notify.h"
#include "triage/triage.h"

#define CMD "serve"

struct serve_stages {
    struct cli_rules_source src; /* what the running set was compiled from */
    struct detect_live *rules;   /* NULL = detection off (no rule directory) */
    struct enrich_ti_live *ti;   /* empty when no lists are configured; NULL with detection off */
    struct triage *triage;       /* NULL with detection off */
    struct notify *notify;       /* sends what triage (or an analyst) puts in the outbox */
    int triage_started, notify_started;
    char off_reason[512];        /* why detection is off */
    size_t rule_errors;          /* rules in error in the running set's load */
    size_t rules_inactive, rules_unsupported;
    size_t ti_lists, ti_indicators, ti_skipped;
    uint64_t reloads, reload_failures;
    int last_reload_failed;
};

static enum enrich_ti_format ti_format(const char *f)
{
    if (!f || !strcmp(f, "auto"))
        return ENRICH_TI_AUTO;
    if (!strcmp(f, "text"))
        return ENRICH_TI_TEXT;
    if (!strcmp(f, "csv"))
        return ENRICH_TI_CSV;
    return ENRICH_TI_STIX;
}

/* The config's lists as enrich_ti wants them (pointing into cfg). */
static struct enrich_ti_list_config *ti_lists(const struct ym_config *cfg)
{
    size_t n = cfg->rules.threat_intel_count;
    struct enrich_ti_list_config *v = ym_xcalloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        const struct ym_ti_list_config *l = &cfg->rules.threat_intel[i];
        v[i] = (struct enrich_ti_list_config){l->name, l->path, l->tenant, l->confidence,
                                              ti_format(l->format)};
    }
    return v;
}

/* Prints the reports worth a look (errors, unsupported) and counts them. */
static void print_reports(struct serve_stages *s, const struct detect_reports *rep,
                          const char *when)
{
    for (size_t i = 0; i < rep->count; i++) {
        const struct detect_report *r = &rep->v[i];
        if (r->status != DETECT_RULE_ERROR && r->status != DETECT_RULE_UNSUPPORTED)
            continue;
        if (when)
            ym_log(YM_LOG_WARN, "%s: rules: %s:%d: %s: %s", when, r->file, r->line,
                   detect_rule_status_name(r->status), r->reason);
        else
            fprintf(stderr, "yamori serve: rules: %s:%d: %s: %s\n", r->file, r->line,
                    detect_rule_status_name(r->status), r->reason);
    }
    s->rule_errors = detect_reports_count(rep, DETECT_RULE_ERROR);
    s->rules_inactive = detect_reports_count(rep, DETECT_RULE_INACTIVE);
    s->rules_unsupported = detect_reports_count(rep, DETECT_RULE_UNSUPPORTED);
}

/* "file:line: reason"; out needs ERR_TEXT bytes to hold any error whole. */
#define ERR_TEXT (sizeof(((struct ym_error *)0)->file) + sizeof(((struct ym_error *)0)->reason) + 16)

static void describe_error(const struct ym_error *err, char *out, size_t len)
{
    if (err->line)
        snprintf(out, len, "%s:%d: %s", err->file, err->line, err->reason);
    else
        snprintf(out, len, "%s%s%s", err->file, err->file[0] ? ": " : "", err->reason);
}

int serve_stages_create(const char *rules_flag, const struct ym_config *cfg,
                        struct serve_stages **out)
{
    struct serve_stages *s = ym_xcalloc(1, sizeof *s);
    *out = s;
    struct ym_error nerr = {0};
    /* Notifications run with or without detection (analysts notify too). */
    if (notify_create(cfg, cfg->data_dir, &s->notify, &nerr) != YM_OK) {
        char why[ERR_TEXT];
        describe_error(&nerr, why, sizeof why);
        return cli_error(CMD, "notifications: %s", why);
    }
    if (rules_flag && !strcmp(rules_flag, "off")) {
        snprintf(s->off_reason, sizeof s->off_reason, "--rules off");
        return CLI_OK;
    }
    if (cli_rules_source_resolve(rules_flag, cfg, &s->src, s->off_reason, sizeof s->off_reason) !=
        CLI_OK) {
        ym_log(YM_LOG_WARN, "serve: detection is off: %s", s->off_reason);
        return CLI_OK;
    }
    struct detect_config dc;
    cli_rules_source_detect_config(&s->src, &dc);
    struct detect_reports rep = {0};
    struct detect_set *set = NULL;
    struct ym_error err = {0};
    if (detect_set_compile(&dc, &set, &rep, &err) != YM_OK) {
        char why[ERR_TEXT];
        describe_error(&err, why, sizeof why);
        detect_reports_free(&rep);
        return cli_error(CMD, "rules from %s cannot be compiled: %s", s->src.paths[0], why);
    }
    print_reports(s, &rep, NULL);
    detect_reports_free(&rep);
    s->rules = detect_live_create(set);

    s->ti_lists = cfg->rules.threat_intel_count;
    struct enrich_ti *ti = NULL;
    if (s->ti_lists) {
        struct enrich_ti_list_config *lists = ti_lists(cfg);
        enum ym_status st = enrich_ti_load(lists, s->ti_lists, &ti, &s->ti_skipped, &err);
        free(lists);
        if (st != YM_OK) {
            char why[ERR_TEXT];
            describe_error(&err, why, sizeof why);
            return cli_error(CMD, "threat-intel lists cannot be loaded: %s", why);
        }
        s->ti_indicators = enrich_ti_indicator_count(ti);
    }
    /* The swap exists even without lists, so that a reload can add some. */
    s->ti = enrich_ti_live_create(ti);

    if (triage_create(cfg, s->src.triage_policy, cfg->data_dir, &s->triage, &err) != YM_OK) {
        char why[ERR_TEXT];
        describe_error(&err, why, sizeof why);
        return cli_error(CMD, "triage policy %s: %s",
                         s->src.triage_policy ? s->src.triage_policy : "(built-in)", why);
    }
    return CLI_OK;
}

void serve_stages_attach(struct serve_stages *s, struct serve_pipeline *p)
{
    struct serve_detect d = {.rules = s->rules, .ti = s->ti, .triage = s->triage};
    serve_pipeline_set_detect(p, &d);
}

int serve_stages_start(struct serve_stages *s)
{
    if (notify_start(s->notify) != YM_OK)
        return cli_error(CMD, "cannot start the notify thread");
    s->notify_started = 1;
    if (!s->triage)
        return CLI_OK;
    /* Mail leaves as soon as triage has committed the incident. */
    triage_set_notify_hook(s->triage, notify_kick, s->notify);
    if (triage_start(s->triage) != YM_OK)
        return cli_error(CMD, "cannot start the triage thread");
    s->triage_started = 1;
    return CLI_OK;
}

void serve_stages_stop(struct serve_stages *s)
{
    if (!s)
        return;
    if (s->triage_started) {
        triage_stop(s->triage); /* its last kick may still reach notify */
        s->triage_started = 0;
    }
    if (s->notify_started) {
        notify_stop(s->notify);
        s->notify_started = 0;
    }
}

void serve_stages_save_source(struct serve_stages *s, const char *data_dir)
{
    if (s->rules && cli_rules_source_save(&s->src, data_dir) != CLI_OK)
        ym_log(YM_LOG_WARN, "serve: cannot write %s/serve.rules (yamori rules reload will check "
                            "the default rules instead)", data_dir);
}

static size_t active_rules(struct serve_stages *s)
{
    struct detect_set *set = detect_live_acquire(s->rules);
    size_t n = detect_set_rule_count(set);
    detect_live_release(set);
    return n;
}

void serve_stages_banner(const struct serve_stages *s_, FILE *out)
{
    struct serve_stages *s = (struct serve_stages *)s_;
    if (!s->rules) {
        fprintf(out, "yamori serve: detection off: %s\n", s->off_reason);
        return;
    }
    fprintf(out, "yamori serve: rules from %s (%s): %zu active, %zu inactive, %zu unsupported, "
                 "%zu in error%s\n",
            s->src.paths[0], s->src.origin, active_rules(s), s->rules_inactive,
            s->rules_unsupported, s->rule_errors, s->rule_errors ? " (listed above)" : "");
    for (size_t i = 1; i < s->src.path_count; i++)
        fprintf(out, "yamori serve: rules also from %s\n", s->src.paths[i]);
    if (s->ti_lists)
        fprintf(out, "yamori serve: threat intel: %zu list%s, %zu indicator%s (%zu lines skipped)\n",
                s->ti_lists, s->ti_lists == 1 ? "" : "s", s->ti_indicators,
                s->ti_indicators == 1 ? "" : "s", s->ti_skipped);
    fprintf(out, "yamori serve: triage policy %s\n",
            s->src.triage_policy ? s->src.triage_policy : "built-in (no triage.yaml beside the rules)");
}

/* Recompiles the rules; 0 when the new set runs. */
static int reload_rules(struct serve_stages *s, const char *rules_flag,
                        const struct ym_config *cfg, const char *data_dir)
{
    struct cli_rules_source src;
    char why[512];
    if (cli_rules_source_resolve(rules_flag, cfg, &src, why, sizeof why) != CLI_OK) {
        ym_log(YM_LOG_ERROR, "SIGHUP: rules not reloaded: %s; the running set stays", why);
        return -1;
    }
    struct detect_config dc;
    cli_rules_source_detect_config(&src, &dc);
    struct detect_reports rep = {0};
    struct ym_error err = {0};
    size_t errors_before = s->rule_errors;
    enum ym_status st = detect_live_reload(s->rules, &dc, 0, &rep, &err);
    if (st != YM_OK) {
        /* Say which rules are broken, but keep the running set's figures. */
        for (size_t i = 0; i < rep.count; i++)
            if (rep.v[i].status == DETECT_RULE_ERROR)
                ym_log(YM_LOG_ERROR, "SIGHUP: rules: %s:%d: error: %s", rep.v[i].file,
                       rep.v[i].line, rep.v[i].reason);
        char e[ERR_TEXT];
        describe_error(&err, e, sizeof e);
        ym_log(YM_LOG_ERROR, "SIGHUP: rules not reloaded: %s; the running set (generation %llu) "
                             "stays",
               e, (unsigned long long)detect_live_generation(s->rules));
        detect_reports_free(&rep);
        cli_rules_source_free(&src);
        s->rule_errors = errors_before;
        return -1;
    }
    print_reports(s, &rep, "SIGHUP");
    detect_reports_free(&rep);
    cli_rules_source_free(&s->src);
    s->src = src;
    serve_stages_save_source(s, data_dir);
    ym_log(YM_LOG_INFO, "SIGHUP: rules reloaded from %s: generation %llu, %zu active, %zu in error",
           s->src.paths[0], (unsigned long long)detect_live_generation(s->rules), active_rules(s),
           s->rule_errors);
    return 0;
}

/* Reloads the lists; 0 when the new snapshot runs. */
static int reload_ti(struct serve_stages *s, const struct ym_config *cfg)
{
    size_t n = cfg->rules.threat_intel_count;
    if (!n && !s->ti_lists)
        return 0;
    struct enrich_ti_list_config *lists = ti_lists(cfg);
    size_t skipped = 0;
    struct ym_error err = {0};
    enum ym_status st = enrich_ti_live_reload(s->ti, lists, n, &skipped, &err);
    free(lists);
    if (st != YM_OK) {
        char e[ERR_TEXT];
        describe_error(&err, e, sizeof e);
        ym_log(YM_LOG_ERROR, "SIGHUP: threat-intel lists not reloaded: %s; the running ones stay",
               e);
        return -1;
    }
    struct enrich_ti *ti = enrich_ti_live_acquire(s->ti);
    s->ti_indicators = ti ? enrich_ti_indicator_count(ti) : 0;
    enrich_ti_live_release(ti);
    s->ti_lists = n;
    s->ti_skipped = skipped;
    ym_log(YM_LOG_INFO, "SIGHUP: threat intel reloaded: %zu list%s, %zu indicators", n,
           n == 1 ? "" : "s", s->ti_indicators);
    return 0;
}

void serve_stages_reload(struct serve_stages *s, const char *rules_flag,
                         const struct ym_config *cfg, const char *data_dir)
{
    if (!s->rules) {
        ym_log(YM_LOG_INFO, "SIGHUP: detection is off (%s); restart yamori serve to start it",
               s->off_reason);
        return;
    }
    int failed = reload_rules(s, rules_flag, cfg, data_dir) != 0;
    failed |= reload_ti(s, cfg) != 0;
    struct ym_error err = {0};
    if (triage_reload_policy(s->triage, &err) != YM_OK) {
        char e[ERR_TEXT];
        describe_error(&err, e, sizeof e);
        ym_log(YM_LOG_ERROR, "SIGHUP: triage policy not reloaded: %s; the running one stays", e);
        failed = 1;
    } else {
        ym_log(YM_LOG_INFO, "SIGHUP: triage policy reloaded");
    }
    s->reloads++;
    s->reload_failures += (uint64_t)failed;
    s->last_reload_failed = failed;
}

void serve_stages_counters(struct serve_stages *s, serve_counter_fn fn, void *arg)
{
    struct notify_stats ns;
    notify_stats(s->notify, &ns);
    fn(arg, "notify.sent", ns.sent);
    fn(arg, "notify.failed_attempts", ns.failed_attempts);
    fn(arg, "notify.gave_up", ns.gave_up);
    fn(arg, "notify.held", ns.held);
    fn(arg, "notify.skipped", ns.skipped);
    fn(arg, "notify.sla_breaches", ns.sla_breaches);
    fn(arg, "notify.last_latency_ms",
       ns.last_latency_ns > 0 ? (uint64_t)ns.last_latency_ns / 1000000 : 0);
    fn(arg, "notify.max_latency_ms",
       ns.max_latency_ns > 0 ? (uint64_t)ns.max_latency_ns / 1000000 : 0);
    fn(arg, "detect.enabled", s->rules != NULL);
    if (!s->rules)
        return;
    fn(arg, "detect.generation", detect_live_generation(s->rules));
    fn(arg, "detect.rules_active", active_rules(s));
    fn(arg, "detect.rules_inactive", s->rules_inactive);
    fn(arg, "detect.rules_unsupported", s->rules_unsupported);
    fn(arg, "detect.rule_errors", s->rule_errors);
    fn(arg, "detect.reloads", s->reloads);
    fn(arg, "detect.reload_failures", s->reload_failures);
    fn(arg, "detect.reload_failed", (uint64_t)s->last_reload_failed);
    fn(arg, "detect.ti_lists", s->ti_lists);
    fn(arg, "detect.ti_indicators", s->ti_indicators);
    struct detect_set *set = detect_live_acquire(s->rules);
    struct detect_stats ds;
    detect_set_stats(set, &ds);
    detect_live_release(set);
    fn(arg, "detect.corr_groups_dropped", ds.corr_groups_dropped);
    fn(arg, "detect.corr_events_capped", ds.corr_events_capped);
    struct triage_stats ts;
    triage_stats(s->triage, &ts);
    fn(arg, "triage.detections", ts.detections);
    fn(arg, "triage.suppressed", ts.suppressed);
    fn(arg, "triage.events_opened", ts.events_opened);
    fn(arg, "triage.incidents_created", ts.incidents_created);
    fn(arg, "triage.incidents_promoted", ts.incidents_promoted);
    fn(arg, "triage.sla_breaches", ts.sla_breaches);
    fn(arg, "triage.store_failures", ts.store_failures);
    fn(arg, "triage.last_incident_latency_us",
       ts.last_incident_latency_ns > 0 ? (uint64_t)ts.last_incident_latency_ns / 1000 : 0);
    fn(arg, "queue.triage.len", ts.queue_len);
    fn(arg, "queue.triage.capacity", ts.queue_capacity);
}

void serve_stages_destroy(struct serve_stages *s)
{
    if (!s)
        return;
    serve_stages_stop(s);
    triage_destroy(s->triage);
    notify_destroy(s->notify);
    detect_live_destroy(s->rules);
    enrich_ti_live_destroy(s->ti);
    cli_rules_source_free(&s->src);
    free(s);
}
