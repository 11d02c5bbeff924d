/* yamori serve: the server. Starts intake, the archive writer and the parse
 * workers (cli/serve_pipeline.h) with the detect stage (cli/serve_stages.h:
 * rules, threat-intel lists), then runs housekeeping in the main thread
 * once a second until SIGINT or SIGTERM.
 *
 * DESIGN (threads, signals, shutdown):
 *  - SIGINT, SIGTERM and SIGHUP are blocked before any thread starts, so
 *    every thread inherits the mask and only the main thread receives them,
 *    synchronously, with sigtimedwait (no async handlers, no flags).
 *  - Main thread: every second persists counters, unknown senders and the
 *    per-minute counts into DATA/state.db (one transaction); SIGHUP reloads
 *    the config and logs what changed (listeners and devices are rebuilt
 *    on restart for now), recompiles the rules and reloads the threat-intel
 *    lists (swapped in between two batches; a set that does not compile
 *    leaves the running one), then saves the counters at once so that
 *    `yamori rules reload` sees the outcome; SIGINT/SIGTERM shut down in the
 *    order written in serve_pipeline.h, then persist the final counters.
 *  - DATA/serve.lock (flock) keeps a second server off the same data;
 *    DATA/serve.pid (written after the lock is held, removed at exit) tells
 *    `yamori rules reload` whom to signal. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/serve_demo.h"
#include "cli/serve_pipeline.h"
#include "cli/serve_stages.h"
#include "core/ym_alloc.h"
#include "core/ym_log.h"
#include "core/ym_time.h"
#include "intake/intake.h"
#include "intake/intake_devices.h"
#include "portal/portal.h"
#include "state/state_db.h"

#define CMD "serve"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: yamori serve [OPTIONS]\n"
            "\n"
            "Receive logs (syslog UDP/TCP/TLS, RELP), keep them in the archive, parse them and run\n"
            "the detection rules over them.\n"
            "Runs in the foreground; stop with Ctrl-C (SIGINT) or SIGTERM; SIGHUP reloads the config,\n"
            "the rules and the threat-intel lists.\n"
            "\n"
            "Options:\n"
            "  --config FILE       configuration (default: ./yamori.yaml if present, else built-in defaults)\n"
            "  --data DIR          data directory (default: from the config, else ./var); created if missing\n"
            "  --syslog HOST:PORT  syslog over UDP and TCP (default 127.0.0.1:5514; 'off' to disable)\n"
            "  --relp HOST:PORT    RELP (default 127.0.0.1:2514; 'off' to disable)\n"
            "  --tls HOST:PORT     syslog over TLS (default 127.0.0.1:6514, only with a certificate)\n"
            "  --http HOST:PORT    portal, HTTPS (default 127.0.0.1:8443; 'off' to disable; docs/portal.md)\n"
            "  --rules DIR         detection rules (default: rules.paths of the config, else\n"
            "                      $YAMORI_RULES, ./rules in the source tree, the installed rules,\n"
            "                      /usr/share/yamori/rules); SIGHUP recompiles them; 'off': archive\n"
            "                      and parse only\n"
            "  --stats-every MS    how often counters are saved for 'yamori stats' (default 1000,\n"
            "                      10..60000; benchmarks use a short period to time a run)\n"
            "  --demo              also generate demo traffic for a tenant 'demo' through the syslog\n"
            "                      listener, with an attack scenario every few minutes (docs/portal.md)\n"
            "  --foreground        run in the foreground (the default and only mode)\n"
            "  --help              this text\n"
            "\n"
            "See docs/operations.md and docs/configuration.md.\n");
}

struct serve_args {
    const char *config;
    const char *data;
    const char *listen[4]; /* syslog, relp, tls, http */
    const char *rules;     /* --rules DIR, or NULL */
    int stats_every_ms;    /* housekeeping period */
    int demo;              /* --demo: generated traffic for tenant demo (serve_demo.h) */
};

static const char *const listen_names[4] = {"syslog", "relp", "tls", "http"};

static struct ym_listen *listen_of(struct ym_config *cfg, int i)
{
    struct ym_listen *ls[4] = {&cfg->syslog, &cfg->relp, &cfg->tls, &cfg->http};
    return ls[i];
}

/* Loads the config and applies the listener flags; NULL after printing why. */
static struct ym_config *load(const struct serve_args *a)
{
    struct ym_config *cfg = cli_load_config(a->config, a->data);
    if (!cfg)
        return NULL;
    for (int i = 0; i < 4; i++) {
        if (a->listen[i] && ym_config_parse_listen(a->listen[i], listen_of(cfg, i)) != YM_OK) {
            cli_usage_error(CMD, "--%s: '%s' is not HOST:PORT, [IPv6]:PORT, :PORT, PORT or off",
                            listen_names[i], a->listen[i]);
            ym_config_free(cfg);
            return NULL;
        }
    }
    return cfg;
}

static void addr_text(const struct ym_listen *l, char *out, size_t len)
{
    if (strchr(l->host, ':'))
        snprintf(out, len, "[%s]:%s", l->host, l->port);
    else
        snprintf(out, len, "%s:%s", l->host, l->port);
}

/* mkdir -p */
static int make_dirs(const char *dir)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0750) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(path, 0750) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

/* DATA/serve.pid: written whole, then renamed into place. */
static int write_pid_file(const char *path)
{
    char *tmp = ym_xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    int ok = f && fprintf(f, "%d\n", (int)getpid()) > 0;
    if (f && fclose(f) != 0)
        ok = 0;
    if (ok && rename(tmp, path) != 0)
        ok = 0;
    if (!ok) {
        int e = errno;
        unlink(tmp);
        errno = e;
    }
    free(tmp);
    return ok ? 0 : -1;
}

/* ---- housekeeping (main thread) ---- */

struct housekeeping {
    struct state_db *db;
    struct intake *in;
    struct intake_devices *devices;
    struct serve_pipeline *pipe;
    struct serve_stages *stages;
    int64_t started_ns;
    int retention_days;       /* per-minute counts are kept as long as logs */
    int64_t last_prune_ns;
    int64_t unknown_since_ns; /* senders seen since then are written again */
    struct intake_unknown_sender *changed;
    size_t changed_count, changed_cap;
    struct intake_stats intake_last; /* figures of a stopped intake */
    enum ym_status last_st;
};

static void collect_unknown(void *arg, const struct intake_unknown_sender *s)
{
    struct housekeeping *hk = arg;
    if (s->last_seen_ns < hk->unknown_since_ns)
        return;
    if (hk->changed_count == hk->changed_cap) {
        hk->changed_cap = hk->changed_cap ? hk->changed_cap * 2 : 64;
        hk->changed = ym_xrealloc(hk->changed, hk->changed_cap * sizeof *hk->changed);
    }
    hk->changed[hk->changed_count++] = *s;
}

static void put_minute(void *arg, const struct ym_device *dev, int64_t minute_ns, uint64_t logs,
                       uint64_t parse_errors)
{
    struct housekeeping *hk = arg;
    enum ym_status st =
        state_db_minute_add(hk->db, minute_ns, dev->tenant, dev->name, logs, parse_errors);
    if (st != YM_OK)
        hk->last_st = st;
}

static void put(struct housekeeping *hk, const char *name, uint64_t value, int64_t now)
{
    enum ym_status st = state_db_counter_set(hk->db, name, value, now);
    if (st != YM_OK)
        hk->last_st = st;
}

static void put_stage(void *arg, const char *name, uint64_t value)
{
    struct housekeeping *hk = arg;
    put(hk, name, value, ym_time_now_ns());
}

static void housekeeping_run(struct housekeeping *hk, int running)
{
    int64_t now = ym_time_now_ns();
    struct intake_stats is = hk->intake_last;
    if (hk->in)
        intake_stats(hk->in, &is);
    struct serve_pipeline_stats ps;
    serve_pipeline_stats(hk->pipe, &ps);

    /* Unknown senders are copied out first: the callback runs under the
     * intake's lock, which the database must not hold up. */
    hk->changed_count = 0;
    int64_t since = now - 2 * YM_NS_PER_S;
    intake_devices_unknown_each(hk->devices, collect_unknown, hk);

    hk->last_st = state_db_begin(hk->db);
    if (hk->last_st != YM_OK)
        return;
    static const char *const tr_names[6] = {NULL, "udp", "tcp", "tls", "relp", "file"};
    uint64_t total = 0;
    for (int t = 1; t < 6; t++) {
        char name[64];
        snprintf(name, sizeof name, "intake.received.%s", tr_names[t]);
        put(hk, name, is.received[t], now);
        total += is.received[t];
    }
    put(hk, "intake.received.total", total, now);
    put(hk, "intake.bytes", is.bytes, now);
    put(hk, "intake.udp_dropped", is.udp_dropped, now);
    put(hk, "intake.udp_kernel_drops", is.udp_kernel_drops, now);
    put(hk, "intake.truncated", is.truncated, now);
    put(hk, "intake.framing_errors", is.framing_errors, now);
    put(hk, "intake.connections", is.connections, now);
    put(hk, "intake.connections_total", is.connections_total, now);
    put(hk, "intake.relp_unacked", is.relp_unacked, now);
    put(hk, "intake.paused_ms", is.paused_ms, now);
    put(hk, "archive.logs_committed", ps.archive.logs_committed, now);
    put(hk, "archive.bytes_raw", ps.archive.bytes_raw, now);
    put(hk, "archive.commits", ps.archive.commits, now);
    put(hk, "archive.blocks_sealed", ps.archive.blocks_sealed, now);
    put(hk, "archive.errors", ps.archive.errors, now);
    put(hk, "archive.group_commits", ps.group_commits, now);
    put(hk, "archive.commit_failures", ps.commit_failures, now);
    put(hk, "archive.reopens", ps.archive_reopens, now);
    put(hk, "archive.failing", (uint64_t)ps.archive_failing, now);
    put(hk, "archive.lost_logs", ps.lost_logs, now);
    put(hk, "parse.parsed", ps.parse.parsed, now);
    put(hk, "parse.parse_errors", ps.parse.parse_errors, now);
    put(hk, "parse.unparsed", ps.parse.unparsed, now);
    put(hk, "parse.batches", ps.parse_batches, now);
    put(hk, "parse.workers", (uint64_t)ps.workers, now);
    put(hk, "queue.archive.len", ps.archive_queue_len, now);
    put(hk, "queue.archive.capacity", ps.archive_queue_capacity, now);
    put(hk, "queue.parse.len", ps.parse_queue_len, now);
    put(hk, "queue.parse.capacity", ps.parse_queue_capacity, now);
    put(hk, "batches.in_use", ps.batches_in_use, now);
    put(hk, "batches.max", ps.batches_max, now);
    put(hk, "detect.detections", ps.detections, now);
    put(hk, "detect.detections_lost", ps.detections_lost, now);
    put(hk, "detect.unmatched_logs", ps.unmatched_logs, now);
    put(hk, "detect.ti_logs", ps.ti_logs, now);
    put(hk, "detect.latency_p50_us", ps.detect_latency_p50_us, now);
    put(hk, "detect.latency_p99_us", ps.detect_latency_p99_us, now);
    put(hk, "detect.latency_max_us", ps.detect_latency_max_us, now);
    if (hk->stages)
        serve_stages_counters(hk->stages, put_stage, hk);
    put(hk, "serve.started_ns", (uint64_t)hk->started_ns, now);
    put(hk, "serve.pid", (uint64_t)getpid(), now);
    put(hk, "serve.running", (uint64_t)running, now);
    for (size_t i = 0; i < hk->changed_count; i++) {
        const struct intake_unknown_sender *s = &hk->changed[i];
        struct state_db_unknown u = {s->device->tenant, s->device->name, s->address, s->hostname,
                                     s->first_seen_ns,  s->last_seen_ns, s->logs};
        enum ym_status st = state_db_unknown_put(hk->db, &u);
        if (st != YM_OK)
            hk->last_st = st;
    }
    serve_pipeline_minutes_take(hk->pipe, put_minute, hk);
    if (now - hk->last_prune_ns >= 3600 * YM_NS_PER_S && hk->last_st == YM_OK) {
        hk->last_prune_ns = now;
        enum ym_status st = state_db_minutes_prune(
            hk->db, now - (int64_t)hk->retention_days * YM_NS_PER_DAY, NULL);
        if (st != YM_OK)
            hk->last_st = st;
    }
    if (hk->last_st != YM_OK) {
        state_db_rollback(hk->db);
        YM_LOG_RATELIMITED(YM_LOG_ERROR, "state.db: could not save counters: %s",
                           ym_status_str(hk->last_st));
        return;
    }
    if (state_db_commit(hk->db) == YM_OK)
        hk->unknown_since_ns = since;
}

/* ---- SIGHUP: reload ---- */

static int str_differs(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") != 0;
}

static int report_changes(const struct ym_config *old, const struct ym_config *cur)
{
    int changes = 0;
#define CHANGED(what, fmt, a, b)                                                                   \
    do {                                                                                           \
        ym_log(YM_LOG_INFO, "config: %s changed: " fmt " -> " fmt " (takes effect on restart)",    \
               what, a, b);                                                                        \
        changes++;                                                                                 \
    } while (0)
    if (str_differs(old->data_dir, cur->data_dir))
        CHANGED("data_dir", "%s", old->data_dir, cur->data_dir);
    for (int i = 0; i < 4; i++) {
        const struct ym_listen *a = listen_of((struct ym_config *)old, i);
        const struct ym_listen *b = listen_of((struct ym_config *)cur, i);
        if (a->enabled != b->enabled || strcmp(a->host, b->host) || strcmp(a->port, b->port)) {
            char ta[300], tb[300];
            addr_text(a, ta, sizeof ta);
            addr_text(b, tb, sizeof tb);
            CHANGED(listen_names[i], "%s", a->enabled ? ta : "off", b->enabled ? tb : "off");
        }
    }
    if (str_differs(old->tls_config.cert_file, cur->tls_config.cert_file) ||
        str_differs(old->tls_config.key_file, cur->tls_config.key_file) ||
        str_differs(old->tls_config.ca_file, cur->tls_config.ca_file) ||
        old->tls_config.verify_clients != cur->tls_config.verify_clients)
        CHANGED("tls", "%s", "certificate settings", "new certificate settings");
    if (old->retention_days != cur->retention_days)
        CHANGED("retention_days", "%d", old->retention_days, cur->retention_days);
    if (old->workers != cur->workers)
        CHANGED("workers", "%d", old->workers, cur->workers);
    if (old->queue_batches != cur->queue_batches)
        CHANGED("queue_batches", "%u", old->queue_batches, cur->queue_batches);
    if (old->flush_ms != cur->flush_ms)
        CHANGED("flush_ms", "%d", old->flush_ms, cur->flush_ms);
    if (old->udp_rcvbuf_bytes != cur->udp_rcvbuf_bytes)
        CHANGED("udp_rcvbuf_bytes", "%d", old->udp_rcvbuf_bytes, cur->udp_rcvbuf_bytes);
    for (size_t i = 0; i < cur->tenant_count; i++)
        if (!ym_config_tenant(old, cur->tenants[i].name))
            CHANGED("tenants", "%s", "(absent)", cur->tenants[i].name);
    for (size_t i = 0; i < old->tenant_count; i++)
        if (!ym_config_tenant(cur, old->tenants[i].name))
            CHANGED("tenants", "%s", old->tenants[i].name, "(removed)");
    if (old->device_count != cur->device_count)
        CHANGED("devices", "%zu devices", old->device_count, cur->device_count);
    else
        for (size_t i = 0; i < cur->device_count; i++) {
            const struct ym_device_config *a = &old->devices[i], *b = &cur->devices[i];
            int same = !str_differs(a->name, b->name) && !str_differs(a->tenant, b->tenant) &&
                       !str_differs(a->kind, b->kind) && !str_differs(a->timezone, b->timezone) &&
                       a->address_count == b->address_count &&
                       a->hostname_count == b->hostname_count;
            for (size_t k = 0; same && k < a->address_count; k++)
                same = !strcmp(a->addresses[k], b->addresses[k]);
            for (size_t k = 0; same && k < a->hostname_count; k++)
                same = !strcmp(a->hostnames[k], b->hostnames[k]);
            if (!same) {
                ym_log(YM_LOG_INFO,
                       "config: device '%s' of tenant '%s' changed (takes effect on restart)",
                       b->name, b->tenant);
                changes++;
            }
        }
#undef CHANGED
    return changes;
}

static void reload_config(const struct serve_args *a, const struct ym_config *running,
                          struct serve_stages *stages);

/* SIGHUP: the config (what changed), then the rules and lists from the
 * re-read config (or the running one if the file does not load). */
static void reload(const struct serve_args *a, const struct ym_config *running,
                   struct serve_stages *stages)
{
    if (!a->config && access("yamori.yaml", R_OK) != 0) {
        ym_log(YM_LOG_INFO, "SIGHUP: no config file (running on built-in defaults): reloading "
                            "the rules");
        serve_stages_reload(stages, a->rules, running, running->data_dir);
        return;
    }
    reload_config(a, running, stages);
}

static void reload_config(const struct serve_args *a, const struct ym_config *running,
                          struct serve_stages *stages)
{
    struct ym_config *cur = load(a);
    if (cur && a->demo)
        serve_demo_configure(cur); /* the demo tenant stays across reloads */
    if (!cur) {
        ym_log(YM_LOG_ERROR, "SIGHUP: config not reloaded (error above); the running config "
                             "stays; reloading the rules it names");
        serve_stages_reload(stages, a->rules, running, running->data_dir);
        return;
    }
    /* The running TLS listener state was settled at start (certificate check). */
    cur->tls.enabled = cur->tls.enabled && cur->tls_config.cert_file;
    int n = report_changes(running, cur);
    ym_log(YM_LOG_INFO,
           "SIGHUP: config %s checked: %d change%s. Listeners, tenants and devices are rebuilt "
           "on restart for now: restart yamori serve to apply.",
           cur->path ? cur->path : "(defaults)", n, n == 1 ? "" : "s");
    serve_stages_reload(stages, a->rules, cur, running->data_dir);
    ym_config_free(cur);
}

/* ---- main ---- */

static void print_banner(const struct ym_config *cfg, int workers,
                         const struct serve_stages *stages)
{
    char t[300];
    printf("yamori serve: data directory %s\n", cfg->data_dir);
    if (cfg->syslog.enabled) {
        addr_text(&cfg->syslog, t, sizeof t);
        printf("yamori serve: syslog udp+tcp %s\n", t);
    } else {
        printf("yamori serve: syslog off\n");
    }
    if (cfg->relp.enabled) {
        addr_text(&cfg->relp, t, sizeof t);
        printf("yamori serve: relp %s\n", t);
    } else {
        printf("yamori serve: relp off\n");
    }
    if (!cfg->tls_config.cert_file) {
        printf("yamori serve: tls off: no certificate configured (see docs/configuration.md)\n");
    } else if (cfg->tls.enabled) {
        addr_text(&cfg->tls, t, sizeof t);
        printf("yamori serve: tls %s%s\n", t,
               cfg->tls_config.verify_clients == 2   ? " (client certificates required)"
               : cfg->tls_config.verify_clients == 1 ? " (client certificates verified if sent)"
                                                     : "");
    } else {
        printf("yamori serve: tls off (listen.tls: off)\n");
    }
    if (!cfg->http.enabled)
        printf("yamori serve: portal off (listen.http: off)\n");
    printf("yamori serve: %zu tenants, %zu devices configured; %d parse workers; "
           "unknown senders go to tenant '%s'\n",
           cfg->tenant_count, cfg->device_count, workers, YM_TENANT_UNASSIGNED);
    serve_stages_banner(stages, stdout);
    printf("yamori serve: running; Ctrl-C or SIGTERM stops, SIGHUP reloads the config and rules\n");
    fflush(stdout);
}

static int parse_args(int argc, char **argv, struct serve_args *a, int *help)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"data", required_argument, NULL, 'd'},
        {"syslog", required_argument, NULL, 's'}, {"relp", required_argument, NULL, 'r'},
        {"tls", required_argument, NULL, 't'},    {"http", required_argument, NULL, 'w'},
        {"foreground", no_argument, NULL, 'f'},   {"help", no_argument, NULL, 'h'},
        {"stats-every", required_argument, NULL, 'S'}, {"rules", required_argument, NULL, 'R'},
        {"demo", no_argument, NULL, 'D'},
        {NULL, 0, NULL, 0},
    };
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': a->config = optarg; break;
        case 'd': a->data = optarg; break;
        case 's': a->listen[0] = optarg; break;
        case 'r': a->listen[1] = optarg; break;
        case 't': a->listen[2] = optarg; break;
        case 'w': a->listen[3] = optarg; break;
        case 'f': break;
        case 'R': a->rules = optarg; break;
        case 'D': a->demo = 1; break;
        case 'h': *help = 1; break;
        case 'S': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 10 || v > 60000)
                return cli_usage_error(CMD, "--stats-every: '%s' is not a number of ms in 10..60000",
                                       optarg);
            a->stats_every_ms = (int)v;
            break;
        }
        case ':': return cli_usage_error(CMD, "option %s needs a value", argv[optind - 1]);
        default: return cli_usage_error(CMD, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    for (int i = 0; i < 4; i++) {
        struct ym_listen scratch = {0};
        if (a->listen[i] && ym_config_parse_listen(a->listen[i], &scratch) != YM_OK)
            return cli_usage_error(CMD,
                                   "--%s: '%s' is not HOST:PORT, [IPv6]:PORT, :PORT, PORT or off",
                                   listen_names[i], a->listen[i]);
    }
    return CLI_OK;
}

int cli_serve_main(int argc, char **argv)
{
    struct serve_args a = {.stats_every_ms = 1000};
    int help = 0;
    int rc = parse_args(argc, argv, &a, &help);
    if (rc != CLI_OK)
        return rc;
    if (help) {
        usage(stdout);
        return CLI_OK;
    }
    struct ym_config *cfg = load(&a);
    if (!cfg)
        return CLI_FAIL;
    if (a.demo)
        serve_demo_configure(cfg);
    if (!cfg->tls_config.cert_file)
        cfg->tls.enabled = 0;

    /* Signals first: every thread started below inherits this mask. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);

    struct state_db *db = NULL;
    struct intake_devices *devices = NULL;
    struct serve_pipeline *pipe = NULL;
    struct intake *in = NULL;
    struct ym_error err = {0};
    struct housekeeping hk = {0};
    struct serve_stages *stages = NULL;
    struct portal *portal = NULL;
    struct serve_demo *demo = NULL;
    int lock_fd = -1;
    char *pid_path = NULL;
    rc = CLI_FAIL;

    if (make_dirs(cfg->data_dir) != 0) {
        cli_error(CMD, "cannot create data directory %s: %s", cfg->data_dir, strerror(errno));
        goto out;
    }
    if (access(cfg->data_dir, W_OK | X_OK) != 0) {
        cli_error(CMD, "data directory %s is not writable: %s", cfg->data_dir, strerror(errno));
        goto out;
    }
    char *lock_path = ym_xasprintf("%s/serve.lock", cfg->data_dir);
    lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    free(lock_path);
    if (lock_fd < 0) {
        cli_error(CMD, "cannot create %s/serve.lock: %s", cfg->data_dir, strerror(errno));
        goto out;
    }
    if (flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
        cli_error(CMD, "another yamori serve is already using data directory %s", cfg->data_dir);
        goto out;
    }
    pid_path = ym_xasprintf("%s/serve.pid", cfg->data_dir);
    if (write_pid_file(pid_path) != 0) {
        cli_error(CMD, "cannot write %s: %s", pid_path, strerror(errno));
        free(pid_path);
        pid_path = NULL;
        goto out;
    }
    if (state_db_open(cfg->data_dir, STATE_DB_WRITER, &db, &err) != YM_OK) {
        cli_error(CMD, "cannot open the state store %s/state.db: %s", cfg->data_dir, err.reason);
        goto out;
    }
    if (intake_devices_create(cfg, &devices, &err) != YM_OK) {
        cli_error(CMD, "devices: %s", err.reason[0] ? err.reason : "cannot build the device table");
        goto out;
    }
    if (serve_pipeline_create(cfg, &pipe, &err) != YM_OK) {
        cli_error(CMD, "%s", err.reason);
        goto out;
    }
    /* Rules before listeners: no log passes before the rules are in place. */
    if (serve_stages_create(a.rules, cfg, &stages) != CLI_OK)
        goto out;
    serve_stages_attach(stages, pipe);
    serve_stages_save_source(stages, cfg->data_dir);
    if (serve_stages_start(stages) != CLI_OK)
        goto out;
    struct intake_options iopt = {cfg, serve_pipeline_pool(pipe), serve_pipeline_intake_queue(pipe),
                                  devices};
    enum ym_status st = intake_start(&iopt, &in, &err);
    if (st != YM_OK) {
        cli_error(CMD, "cannot start listeners: %s", err.reason[0] ? err.reason : ym_status_str(st));
        goto out;
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int workers = cfg->workers > 0 ? cfg->workers : (cores > 0 ? (int)(cores > 64 ? 64 : cores) : 1);
    if (serve_pipeline_start(pipe, in, workers) != YM_OK) {
        cli_error(CMD, "cannot start the pipeline threads: %s", strerror(errno));
        goto stop;
    }
    if (cfg->http.enabled && portal_start(&(struct portal_options){.cfg = cfg}, &portal, &err) != YM_OK) {
        cli_error(CMD, "portal: %s", err.reason);
        goto stop;
    }
    print_banner(cfg, workers, stages);
    if (a.demo && serve_demo_start(cfg, NULL, &demo, &err) != YM_OK)
        cli_error(CMD, "demo: %s (serving without it)", err.reason);
    ym_log(YM_LOG_INFO, "serve: started (pid %d)", (int)getpid());

    hk = (struct housekeeping){.db = db, .in = in, .devices = devices, .pipe = pipe,
                               .stages = stages, .started_ns = ym_time_now_ns(),
                               .retention_days = cfg->retention_days};
    int64_t last_hk = 0;
    for (;;) {
        int tick_ms = a.stats_every_ms < 250 ? a.stats_every_ms : 250;
        struct timespec tick = {0, tick_ms * 1000000L};
        int sig = sigtimedwait(&sigs, NULL, &tick);
        if (sig == SIGINT || sig == SIGTERM) {
            ym_log(YM_LOG_INFO, "serve: %s received, shutting down (draining queues)",
                   sig == SIGINT ? "SIGINT" : "SIGTERM");
            break;
        }
        if (sig == SIGHUP)
            reload(&a, cfg, stages);
        int64_t mono = ym_time_mono_ns();
        /* After a reload the outcome is saved at once (rules reload waits for it). */
        if (sig == SIGHUP || mono - last_hk >= (int64_t)a.stats_every_ms * 1000000) {
            last_hk = mono;
            housekeeping_run(&hk, 1);
        }
    }
    rc = CLI_OK;
stop:
    serve_demo_stop(demo);
    portal_stop(portal);
    serve_pipeline_detach_intake(pipe);
    /* intake_stop frees intake: keep its last figures for the final save. */
    intake_stats(in, &hk.intake_last);
    hk.in = NULL;
    intake_stop(in);
    in = NULL;
    serve_pipeline_stop(pipe);
    serve_stages_stop(stages); /* after the workers: triage drains what they submitted */
    if (rc == CLI_OK) {
        housekeeping_run(&hk, 0);
        struct serve_pipeline_stats ps;
        serve_pipeline_stats(pipe, &ps);
        ym_log(YM_LOG_INFO, "serve: stopped; %llu logs committed to the archive, %llu parsed",
               (unsigned long long)ps.archive.logs_committed,
               (unsigned long long)(ps.parse.parsed + ps.parse.parse_errors + ps.parse.unparsed));
    }
out:
    intake_stop(in);
    if (pipe)
        serve_pipeline_destroy(pipe);
    serve_stages_destroy(stages);
    intake_devices_destroy(devices);
    state_db_close(db);
    if (pid_path) {
        unlink(pid_path);
        free(pid_path);
    }
    if (lock_fd >= 0)
        close(lock_fd);
    free(hk.changed);
    ym_config_free(cfg);
    return rc;
}
