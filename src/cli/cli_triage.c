/* cli_triage: `yamori triage replay`: runs a log file through parse,
 * threat intel, the rules and triage into DATA/state.db, with each log's
 * own time as the clock, as if `yamori serve` had received the file. For
 * analysts trying a triage policy or rule change on real logs, and for the
 * tests of the incident commands. SLA breaches are not marked (a replay
 * notifies nobody); everything else is what serve would store.
 *
 *   yamori triage replay LOGFILE [--kind K] [--tenant T] [--device NAME]
 *          [--tz ZONE] [--rules DIR] [--policy FILE] [--data DIR] [--config FILE]
 *   yamori triage check [POLICY_FILE]     load a policy, say what is wrong
 *
 * Main thread only. Exit: 0 ok, 1 failure (store, rules, policy, file),
 * 2 usage. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/cli_rules.h"
#include "core/ym_batch.h"
#include "core/ym_time.h"
#include "detect/detect.h"
#include "enrich/enrich_ti.h"
#include "parse/parse.h"
#include "state/state_db.h"
#include "triage/triage.h"
#include "triage/triage_engine.h"
#include "triage/triage_policy.h"

#define CMD "triage"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: yamori triage replay LOGFILE [--kind K] [--tenant T] [--device NAME] [--tz ZONE]\n"
            "                            [--rules DIR] [--policy FILE] [--data DIR] [--config FILE]\n"
            "       yamori triage check [POLICY_FILE]\n"
            "\n"
            "check loads a triage policy (default: rules/triage.yaml as serve finds it) and\n"
            "says what is wrong with it (file:line: reason), or prints its main settings.\n"
            "\n"
            "Runs LOGFILE (one log per line, '-' = stdin) through parsing, threat intel, the\n"
            "rules and triage, and stores the events and incidents in DATA/state.db as\n"
            "`yamori serve` would, using each log's own time as the clock (aggregation windows,\n"
            "callbacks after exploits). Use it to try a triage policy or a rule on real logs,\n"
            "then look with `yamori incidents list`. SLA breaches are not marked and no\n"
            "notification leaves (incidents are queued for notification like in serve: use a\n"
            "separate --data directory to keep them away from a running server).\n"
            "\n"
            "  --kind K       device kind of the logs (asa, ftd, panos, nsp, fireeye, cef, leef,\n"
            "                 json, syslog, auto; default auto)\n"
            "  --tenant T     tenant the logs belong to (default replay)\n"
            "  --device NAME  device name (default replay)\n"
            "  --tz ZONE      time zone of timestamps without one (default UTC)\n"
            "  --rules DIR    rule directory (default: as serve finds it)\n"
            "  --policy FILE  triage policy (default: triage.yaml beside the rules, else built-in)\n"
            "  --data DIR     data directory (default: from the config, else ./var)\n"
            "  --config FILE  configuration (default: ./yamori.yaml if present)\n"
            "  --help         this text\n");
}

struct replay {
    struct triage_batch *tb;
    uint64_t lost;
};

static int on_hit(void *arg, const struct ym_record *rec, const struct detect_hit *hit)
{
    struct replay *r = arg;
    if (triage_batch_add_hit(r->tb, rec, hit) != YM_OK)
        r->lost++;
    return 0;
}

struct stages {
    struct detect_set *set;
    struct detect_scratch *scratch;
    struct enrich_ti *ti;
    struct triage_engine *engine;
    struct replay hits;
    struct parse_stats ps;
    uint64_t logs, detections;
    int64_t clock_ns, last_tick_ns;
    enum ym_status failed;
};

/* Parse, enrich and match the batch, then triage its detections in one
 * transaction with the batch's latest log time as the clock (windows and
 * callbacks use each detection's own time); a tick each second of log
 * time writes the events that changed. */
static void run_batch(struct stages *s, struct ym_batch *b)
{
    parse_batch(b, 0, &s->ps);
    s->hits.tb = triage_batch_create();
    for (uint32_t i = 0; i < b->count; i++) {
        struct ym_record *rec = &b->recs[i];
        if (s->ti)
            enrich_ti_apply(s->ti, rec);
        detect_set_match(s->set, s->scratch, rec, on_hit, &s->hits);
        int64_t t = rec->time_ns ? rec->time_ns : rec->received_ns;
        if (t > s->clock_ns)
            s->clock_ns = t;
    }
    if (s->hits.tb->count) {
        s->detections += s->hits.tb->count;
        if (triage_engine_add(s->engine, s->hits.tb->v, s->hits.tb->count, s->clock_ns) != YM_OK)
            s->failed = YM_EDB;
    }
    triage_batch_free(s->hits.tb);
    s->hits.tb = NULL;
    if (s->clock_ns - s->last_tick_ns >= YM_NS_PER_S) {
        if (triage_engine_tick(s->engine, s->clock_ns) != YM_OK)
            s->failed = YM_EDB;
        s->last_tick_ns = s->clock_ns;
    }
    b->count = 0;
    ym_arena_reset(&b->arena);
}

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

static int load_ti(const struct ym_config *cfg, struct enrich_ti **out)
{
    size_t n = cfg->rules.threat_intel_count;
    *out = NULL;
    if (!n)
        return CLI_OK;
    struct enrich_ti_list_config *v = calloc(n, sizeof *v);
    if (!v)
        return cli_error(CMD, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const struct ym_ti_list_config *l = &cfg->rules.threat_intel[i];
        v[i] = (struct enrich_ti_list_config){l->name, l->path, l->tenant, l->confidence,
                                              ti_format(l->format)};
    }
    struct ym_error err = {0};
    enum ym_status st = enrich_ti_load(v, n, out, NULL, &err);
    free(v);
    if (st != YM_OK)
        return cli_error(CMD, "threat intel: %s%s%s", err.file, err.file[0] ? ": " : "",
                         err.reason);
    return CLI_OK;
}

static int replay_file(const char *path, const struct ym_device *dev, struct stages *s)
{
    FILE *in = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!in)
        return cli_error(CMD, "cannot open %s: %s", path, strerror(errno));
    struct ym_batch_pool *pool = ym_batch_pool_create(1);
    struct ym_batch *b = NULL;
    if (!pool || ym_batch_pool_get(pool, 0, &b) != YM_OK) {
        if (in != stdin)
            fclose(in);
        ym_batch_pool_destroy(pool);
        return cli_error(CMD, "out of memory");
    }
    int rc = CLI_OK;
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    unsigned long lineno = 0;
    int64_t now = ym_time_now_ns();
    while ((got = getline(&line, &cap, in)) >= 0) {
        lineno++;
        size_t n = (size_t)got;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        if (n == 0)
            continue;
        if (ym_batch_full(b))
            run_batch(s, b);
        struct ym_record *r = ym_batch_add(b, line, n);
        if (!r) {
            run_batch(s, b);
            if (!(r = ym_batch_add(b, line, n))) {
                rc = cli_error(CMD, "cannot hold line %lu (%zu bytes)", lineno, n);
                break;
            }
        }
        r->device = dev;
        r->transport = YM_TR_FILE;
        r->received_ns = now;
        s->logs++;
    }
    if (rc == CLI_OK)
        run_batch(s, b);
    if (rc == CLI_OK && ferror(in))
        rc = cli_error(CMD, "read failed on %s: %s", path, strerror(errno));
    free(line);
    if (in != stdin)
        fclose(in);
    ym_batch_put(b);
    ym_batch_pool_destroy(pool);
    return rc;
}

static int cmd_replay(int argc, char **argv)
{
    static const struct option lopts[] = {
        {"kind", required_argument, NULL, 'k'},   {"tenant", required_argument, NULL, 't'},
        {"device", required_argument, NULL, 'D'}, {"tz", required_argument, NULL, 'z'},
        {"rules", required_argument, NULL, 'r'},  {"policy", required_argument, NULL, 'p'},
        {"data", required_argument, NULL, 'd'},   {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *kind = "auto", *tenant = "replay", *device = "replay", *tz = "";
    const char *rules = NULL, *policy_path = NULL, *data = NULL, *config = NULL;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", lopts, NULL)) != -1) {
        switch (c) {
        case 'k': kind = optarg; break;
        case 't': tenant = optarg; break;
        case 'D': device = optarg; break;
        case 'z': tz = optarg; break;
        case 'r': rules = optarg; break;
        case 'p': policy_path = optarg; break;
        case 'd': data = optarg; break;
        case 'c': config = optarg; break;
        case 'h': usage(stdout); return CLI_OK;
        case ':': return cli_usage_error(CMD, "option %s needs a value", argv[optind - 1]);
        default: return cli_usage_error(CMD, "unknown option '%s' (see --help)", argv[optind - 1]);
        }
    }
    if (optind >= argc || strcmp(argv[optind], "replay") != 0)
        return cli_usage_error(CMD, "which command? replay or check (see --help)");
    if (argc - optind != 2)
        return cli_usage_error(CMD, "replay needs one LOGFILE (see --help)");
    const char *path = argv[optind + 1];
    if (strcmp(kind, "auto") && !parse_decoder_find(kind))
        return cli_usage_error(CMD, "unknown kind '%s' (see yamori parse --help)", kind);
    if (!*tenant)
        return cli_usage_error(CMD, "--tenant needs a name");

    struct ym_config *cfg = cli_load_config(config, data);
    if (!cfg)
        return CLI_FAIL;
    struct cli_rules_source src = {0};
    char why[512];
    struct stages s = {0};
    struct triage_policy *policy = NULL;
    struct state_db *db = NULL;
    struct ym_error err = {0};
    int rc = cli_rules_source_resolve(rules, cfg, &src, why, sizeof why);
    if (rc != CLI_OK) {
        rc = cli_error(CMD, "%s", why);
        goto out;
    }
    struct detect_config dc;
    cli_rules_source_detect_config(&src, &dc);
    struct detect_reports rep = {0};
    if (detect_set_compile(&dc, &s.set, &rep, &err) != YM_OK) {
        detect_reports_free(&rep);
        rc = cli_error(CMD, "rules: %s%s%s", err.file, err.file[0] ? ": " : "", err.reason);
        goto out;
    }
    size_t bad = detect_reports_count(&rep, DETECT_RULE_ERROR);
    detect_reports_free(&rep);
    if (bad)
        fprintf(stderr, "yamori triage: %zu rule%s did not load (see yamori rules check)\n", bad,
                bad == 1 ? "" : "s");
    if (!policy_path)
        policy_path = src.triage_policy;
    if (triage_policy_load(policy_path, &policy, &err) != YM_OK) {
        rc = err.line ? cli_error(CMD, "%s:%d: %s", err.file, err.line, err.reason)
                      : cli_error(CMD, "%s: %s", err.file[0] ? err.file : "policy", err.reason);
        goto out;
    }
    if ((rc = load_ti(cfg, &s.ti)) != CLI_OK)
        goto out;
    if (mkdir(cfg->data_dir, 0750) != 0 && errno != EEXIST) {
        rc = cli_error(CMD, "cannot create %s: %s", cfg->data_dir, strerror(errno));
        goto out;
    }
    if (state_db_open(cfg->data_dir, STATE_DB_WRITER, &db, &err) != YM_OK) {
        rc = cli_error(CMD, "cannot open %s/state.db: %s", cfg->data_dir, err.reason);
        goto out;
    }
    struct triage_engine_config ec = {.policy = policy, .db = db, .no_sla_marks = 1,
                                      .log_clock = 1};
    s.engine = triage_engine_create(&ec);
    s.scratch = detect_scratch_create(s.set);
    struct ym_device dev = {.name = device, .tenant = tenant, .kind = kind, .timezone = tz,
                            .configured = 1};
    rc = replay_file(path, &dev, &s);
    if (triage_engine_flush(s.engine, s.clock_ns) != YM_OK || s.failed != YM_OK)
        rc = cli_error(CMD, "the state store refused writes (see the log above)");
    struct triage_engine_stats st;
    triage_engine_stats(s.engine, &st);
    printf("%llu log%s, %llu detection%s (%llu muted), %llu event%s, %llu incident%s "
           "(%llu promoted)%s%s\n",
           (unsigned long long)s.logs, s.logs == 1 ? "" : "s",
           (unsigned long long)s.detections, s.detections == 1 ? "" : "s",
           (unsigned long long)st.suppressed, (unsigned long long)st.events_opened,
           st.events_opened == 1 ? "" : "s", (unsigned long long)st.incidents_created,
           st.incidents_created == 1 ? "" : "s", (unsigned long long)st.incidents_promoted,
           policy->path[0] ? "; policy " : "; built-in policy", policy->path);
    if (s.hits.lost)
        fprintf(stderr, "yamori triage: %llu detections too large to copy\n",
                (unsigned long long)s.hits.lost);
out:
    triage_engine_destroy(s.engine);
    detect_scratch_destroy(s.scratch);
    detect_set_unref(s.set);
    enrich_ti_unref(s.ti);
    triage_policy_free(policy);
    state_db_close(db);
    cli_rules_source_free(&src);
    ym_config_free(cfg);
    return rc;
}

static int cmd_check(int argc, char **argv)
{
    const char *path = NULL;
    struct cli_rules_source src = {0};
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return CLI_OK;
        }
        if (argv[i][0] == '-' || path)
            return cli_usage_error(CMD, "check takes one POLICY_FILE (see --help)");
        path = argv[i];
    }
    char why[512];
    struct ym_config *cfg = NULL;
    if (!path) {
        cfg = cli_load_config(NULL, NULL);
        if (!cfg)
            return CLI_FAIL;
        if (cli_rules_source_resolve(NULL, cfg, &src, why, sizeof why) == CLI_OK)
            path = src.triage_policy;
    }
    struct triage_policy *p = NULL;
    struct ym_error err = {0};
    int rc = CLI_OK;
    if (triage_policy_load(path, &p, &err) != YM_OK) {
        rc = err.line ? cli_error(CMD, "%s:%d: %s", err.file, err.line, err.reason)
                      : cli_error(CMD, "%s: %s", err.file[0] ? err.file : path, err.reason);
    } else {
        const struct triage_tenant_policy *d = &p->defaults;
        printf("%s: ok; window %lld s, incidents from %s, SLA critical %lld min, %zu asset%s, "
               "%zu tenant override%s, %zu rule setting%s\n",
               path ? path : "built-in policy", (long long)(p->window_ns / YM_NS_PER_S),
               state_severity_name(d->incident_min),
               (long long)(d->sla_ns[STATE_SEV_CRITICAL] / (60 * YM_NS_PER_S)), p->asset_count,
               p->asset_count == 1 ? "" : "s", p->tenant_count, p->tenant_count == 1 ? "" : "s",
               p->rule_count, p->rule_count == 1 ? "" : "s");
    }
    triage_policy_free(p);
    cli_rules_source_free(&src);
    ym_config_free(cfg);
    return rc;
}

int cli_triage_main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "check") == 0)
        return cmd_check(argc, argv);
    return cmd_replay(argc, argv);
}
