/* yamori stats: what the server counted (from DATA/state.db, saved once a
 * second by `yamori serve`) and the archive's disk usage per tenant and day
 * (archive_usage_each). Read-only; works while serve runs. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "archive/archive.h"
#include "cli/cli.h"
#include "core/ym_alloc.h"
#include "core/ym_buf.h"
#include "core/ym_time.h"
#include "state/state_db.h"

#define CMD "stats"
#define MAX_COUNTERS 256

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: yamori stats [--data DIR] [--config FILE] [--tenant T] [--json]\n"
            "\n"
            "Counters of the server (logs received per transport, UDP drops including the\n"
            "kernel's, parse errors, queue fill) and disk usage per tenant and day (bytes on\n"
            "disk, bytes as received, logs, blocks, compression ratio). Works while serve runs.\n"
            "\n"
            "  --data DIR     data directory (default: from the config, else ./var)\n"
            "  --config FILE  configuration (for its data_dir)\n"
            "  --tenant T     disk usage of this tenant only\n"
            "  --json         one JSON object instead of the readable report\n"
            "  --help         this text\n");
}

struct counters {
    char name[MAX_COUNTERS][64];
    uint64_t value[MAX_COUNTERS];
    int count;
    int64_t updated_ns;
};

static int collect(void *arg, const char *name, uint64_t value, int64_t updated_ns)
{
    struct counters *c = arg;
    if (c->count < MAX_COUNTERS) {
        snprintf(c->name[c->count], sizeof c->name[0], "%s", name);
        c->value[c->count++] = value;
    }
    if (updated_ns > c->updated_ns)
        c->updated_ns = updated_ns;
    return 0;
}

static uint64_t get(const struct counters *c, const char *name)
{
    for (int i = 0; i < c->count; i++)
        if (!strcmp(c->name[i], name))
            return c->value[i];
    return 0;
}

/* Logs per tenant over the last hour, from the per-minute counts. */
#define MAX_TENANTS 256
struct tenant_hour {
    char tenant[MAX_TENANTS][72];
    uint64_t logs[MAX_TENANTS];
    int count;
};

static int sum_minute(void *arg, const struct state_db_minute *m)
{
    struct tenant_hour *h = arg;
    int i;
    for (i = 0; i < h->count; i++)
        if (!strcmp(h->tenant[i], m->tenant))
            break;
    if (i == h->count) {
        if (h->count == MAX_TENANTS)
            return 0;
        snprintf(h->tenant[h->count++], sizeof h->tenant[0], "%s", m->tenant);
    }
    h->logs[i] += m->logs;
    return 0;
}

struct usage_list {
    struct archive_usage *v;
    size_t count, cap;
};

static void collect_usage(void *arg, const struct archive_usage *u)
{
    struct usage_list *l = arg;
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = ym_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->count++] = *u;
}

/* 1 if a server holds DATA/serve.lock now. */
static int serve_running(const char *data_dir)
{
    char *path = ym_xasprintf("%s/serve.lock", data_dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    free(path);
    if (fd < 0)
        return 0;
    int busy = flock(fd, LOCK_SH | LOCK_NB) != 0;
    close(fd);
    return busy;
}

static void human_bytes(uint64_t n, char *out, size_t len)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)n;
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(out, len, "%llu B", (unsigned long long)n);
    else
        snprintf(out, len, "%.1f %s", v, units[u]);
}

static double ratio(const struct archive_usage *u)
{
    return u->file_bytes ? (double)u->raw_bytes / (double)u->file_bytes : 0.0;
}

static void print_json(const char *data_dir, int running, int have_state,
                       const struct counters *c, const struct tenant_hour *h,
                       const struct usage_list *l)
{
    struct ym_buf b = YM_BUF_INIT;
    ym_buf_adds(&b, "{\"data_dir\":");
    ym_buf_json_qstr(&b, data_dir, strlen(data_dir));
    ym_buf_printf(&b, ",\"serve_running\":%s,\"state\":%s", running ? "true" : "false",
                  have_state ? "true" : "false");
    if (c->updated_ns) {
        char t[40];
        ym_time_format_rfc3339(c->updated_ns, t, sizeof t);
        ym_buf_printf(&b, ",\"updated\":\"%s\"", t);
    }
    ym_buf_adds(&b, ",\"counters\":{");
    for (int i = 0; i < c->count; i++) {
        if (i)
            ym_buf_addc(&b, ',');
        ym_buf_json_qstr(&b, c->name[i], strlen(c->name[i]));
        ym_buf_printf(&b, ":%llu", (unsigned long long)c->value[i]);
    }
    ym_buf_adds(&b, "},\"last_hour\":{");
    for (int i = 0; i < h->count; i++) {
        if (i)
            ym_buf_addc(&b, ',');
        ym_buf_json_qstr(&b, h->tenant[i], strlen(h->tenant[i]));
        ym_buf_printf(&b, ":%llu", (unsigned long long)h->logs[i]);
    }
    ym_buf_adds(&b, "},\"usage\":[");
    for (size_t i = 0; i < l->count; i++) {
        const struct archive_usage *u = &l->v[i];
        if (i)
            ym_buf_addc(&b, ',');
        ym_buf_adds(&b, "{\"tenant\":");
        ym_buf_json_qstr(&b, u->tenant, strlen(u->tenant));
        ym_buf_adds(&b, ",\"day\":");
        ym_buf_json_qstr(&b, u->day, strlen(u->day));
        ym_buf_printf(&b,
                      ",\"logs\":%llu,\"blocks\":%llu,\"raw_bytes\":%llu,\"file_bytes\":%llu,"
                      "\"ratio\":%.2f}",
                      (unsigned long long)u->logs, (unsigned long long)u->blocks,
                      (unsigned long long)u->raw_bytes, (unsigned long long)u->file_bytes,
                      ratio(u));
    }
    ym_buf_adds(&b, "]}\n");
    fwrite(b.data, 1, b.len, stdout);
    ym_buf_free(&b);
}

static void print_text(const char *data_dir, int running, int have_state,
                       const struct counters *c, const struct tenant_hour *h,
                       const struct usage_list *l, const char *tenant)
{
    printf("Data directory: %s\n", data_dir);
    if (!have_state) {
        printf("Server: no counters yet (no state store: has `yamori serve --data %s` run?)\n",
               data_dir);
    } else {
        char t[40];
        ym_time_format_rfc3339(c->updated_ns, t, sizeof t);
        int64_t age_s = (ym_time_now_ns() - c->updated_ns) / YM_NS_PER_S;
        if (running)
            printf("Server: running (pid %llu); counters as of %s (%llds ago), since its start\n",
                   (unsigned long long)get(c, "serve.pid"), t, (long long)age_s);
        else if (get(c, "serve.running"))
            printf("Server: not running, and it did not shut down cleanly (killed or crashed); "
                   "last counters from %s\n", t);
        else
            printf("Server: not running; last counters from %s (of its last run)\n", t);
        printf("Received:    udp %llu  tcp %llu  tls %llu  relp %llu  total %llu  (%llu bytes)\n",
               (unsigned long long)get(c, "intake.received.udp"),
               (unsigned long long)get(c, "intake.received.tcp"),
               (unsigned long long)get(c, "intake.received.tls"),
               (unsigned long long)get(c, "intake.received.relp"),
               (unsigned long long)get(c, "intake.received.total"),
               (unsigned long long)get(c, "intake.bytes"));
        printf("Dropped:     udp queue full %llu  udp kernel drops %llu\n",
               (unsigned long long)get(c, "intake.udp_dropped"),
               (unsigned long long)get(c, "intake.udp_kernel_drops"));
        printf("Damaged:     truncated %llu  framing errors %llu\n",
               (unsigned long long)get(c, "intake.truncated"),
               (unsigned long long)get(c, "intake.framing_errors"));
        printf("Archive:     committed %llu  commits %llu  blocks sealed %llu  errors %llu  "
               "commit failures %llu%s\n",
               (unsigned long long)get(c, "archive.logs_committed"),
               (unsigned long long)get(c, "archive.commits"),
               (unsigned long long)get(c, "archive.blocks_sealed"),
               (unsigned long long)get(c, "archive.errors"),
               (unsigned long long)get(c, "archive.commit_failures"),
               get(c, "archive.failing") ? "  FAILING NOW" : "");
        if (get(c, "archive.lost_logs"))
            printf("             %llu logs whose commit failed at a shutdown (they may be missing)\n",
                   (unsigned long long)get(c, "archive.lost_logs"));
        printf("Parse:       parsed %llu  parse errors %llu  unparsed (kept raw) %llu\n",
               (unsigned long long)get(c, "parse.parsed"),
               (unsigned long long)get(c, "parse.parse_errors"),
               (unsigned long long)get(c, "parse.unparsed"));
        if (get(c, "detect.enabled"))
            printf("Detection:   detections %llu  lost %llu  rules active %llu  generation %llu%s  "
                   "latency p50 %llu us p99 %llu us\n",
                   (unsigned long long)get(c, "detect.detections"),
                   (unsigned long long)(get(c, "detect.detections_lost") +
                                        get(c, "detect.unmatched_logs")),
                   (unsigned long long)get(c, "detect.rules_active"),
                   (unsigned long long)get(c, "detect.generation"),
                   get(c, "detect.reload_failed") ? "  LAST RELOAD REFUSED (see the server log)" : "",
                   (unsigned long long)get(c, "detect.latency_p50_us"),
                   (unsigned long long)get(c, "detect.latency_p99_us"));
        else
            printf("Detection:   off (no rules were found when the server started)\n");
        printf("Queues:      archive %llu/%llu  parse %llu/%llu  batches in use %llu/%llu\n",
               (unsigned long long)get(c, "queue.archive.len"),
               (unsigned long long)get(c, "queue.archive.capacity"),
               (unsigned long long)get(c, "queue.parse.len"),
               (unsigned long long)get(c, "queue.parse.capacity"),
               (unsigned long long)get(c, "batches.in_use"),
               (unsigned long long)get(c, "batches.max"));
        printf("Connections: open %llu  total %llu  RELP unacknowledged %llu  paused by "
               "back-pressure %llu ms\n",
               (unsigned long long)get(c, "intake.connections"),
               (unsigned long long)get(c, "intake.connections_total"),
               (unsigned long long)get(c, "intake.relp_unacked"),
               (unsigned long long)get(c, "intake.paused_ms"));
    }
    if (have_state) {
        printf("\nLogs in the last hour per tenant:\n");
        if (!h->count)
            printf("  (none)\n");
        for (int i = 0; i < h->count; i++)
            printf("  %-20s %12llu\n", h->tenant[i], (unsigned long long)h->logs[i]);
    }
    printf("\nDisk usage per tenant and day%s%s:\n", tenant ? " of tenant " : "",
           tenant ? tenant : "");
    if (!l->count) {
        printf("  (no archive files yet)\n");
        return;
    }
    printf("  %-20s %-10s %12s %8s %12s %12s %7s\n", "TENANT", "DAY", "LOGS", "BLOCKS",
           "RECEIVED", "ON DISK", "RATIO");
    uint64_t logs = 0, raw = 0, disk = 0;
    for (size_t i = 0; i < l->count; i++) {
        const struct archive_usage *u = &l->v[i];
        char r[32], d[32];
        human_bytes(u->raw_bytes, r, sizeof r);
        human_bytes(u->file_bytes, d, sizeof d);
        printf("  %-20s %-10s %12llu %8llu %12s %12s %6.1fx\n", u->tenant, u->day,
               (unsigned long long)u->logs, (unsigned long long)u->blocks, r, d, ratio(u));
        logs += u->logs;
        raw += u->raw_bytes;
        disk += u->file_bytes;
    }
    char r[32], d[32];
    human_bytes(raw, r, sizeof r);
    human_bytes(disk, d, sizeof d);
    printf("  %-20s %-10s %12llu %8s %12s %12s %6.1fx\n", "total", "", (unsigned long long)logs,
           "", r, d, disk ? (double)raw / (double)disk : 0.0);
}

int cli_stats_main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, NULL, 'd'},   {"config", required_argument, NULL, 'c'},
        {"tenant", required_argument, NULL, 't'}, {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *data = NULL, *config = NULL, *tenant = NULL;
    int json = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'c': config = optarg; break;
        case 't': tenant = optarg; break;
        case 'j': json = 1; break;
        case 'h': usage(stdout); return CLI_OK;
        case ':': return cli_usage_error(CMD, "option %s needs a value", argv[optind - 1]);
        default: return cli_usage_error(CMD, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    if (tenant && !ym_config_tenant_name_ok(tenant))
        return cli_usage_error(CMD, "'%s' is not a tenant name", tenant);
    struct ym_config *cfg = cli_load_config(config, data);
    if (!cfg)
        return CLI_FAIL;
    if (access(cfg->data_dir, R_OK | X_OK) != 0) {
        cli_error(CMD, "no data directory %s (start `yamori serve --data %s` first)", cfg->data_dir,
                  cfg->data_dir);
        ym_config_free(cfg);
        return CLI_FAIL;
    }

    struct counters *counters = ym_xcalloc(1, sizeof *counters);
    struct state_db *db = NULL;
    struct ym_error err = {0};
    int rc = CLI_OK;
    enum ym_status st = state_db_open(cfg->data_dir, STATE_DB_READER, &db, &err);
    int have_state = st == YM_OK;
    struct tenant_hour *hour = ym_xcalloc(1, sizeof *hour);
    if (st == YM_OK)
        st = state_db_counters_each(db, NULL, collect, counters);
    if (st == YM_OK)
        st = state_db_minutes_each(db, tenant, ym_time_now_ns() - 3600 * YM_NS_PER_S, 0,
                                   sum_minute, hour);
    else if (st == YM_ENOTFOUND)
        st = YM_OK;
    if (st != YM_OK) {
        rc = cli_error(CMD, "cannot read %s/state.db: %s", cfg->data_dir,
                       err.reason[0] ? err.reason : ym_status_str(st));
        goto out;
    }
    struct usage_list usage_l = {0};
    st = archive_usage_each(cfg->data_dir, tenant, collect_usage, &usage_l);
    if (st != YM_OK && st != YM_ENOTFOUND) {
        rc = cli_error(CMD, "cannot read the archive in %s/archive: %s", cfg->data_dir,
                       ym_status_str(st));
    } else {
        int running = serve_running(cfg->data_dir);
        if (json)
            print_json(cfg->data_dir, running, have_state, counters, hour, &usage_l);
        else
            print_text(cfg->data_dir, running, have_state, counters, hour, &usage_l, tenant);
    }
    free(usage_l.v);
out:
    state_db_close(db);
    free(hour);
    free(counters);
    ym_config_free(cfg);
    return rc;
}
