/* yamori devices: the devices of the configuration and the senders nobody
 * configured (unknown senders, from DATA/state.db as saved by serve), with
 * when they were first and last seen and how many logs they sent.
 * Read-only; works while serve runs. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/ym_alloc.h"
#include "core/ym_buf.h"
#include "core/ym_device.h"
#include "core/ym_time.h"
#include "state/state_db.h"

#define CMD "devices"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: yamori devices [--data DIR] [--config FILE] [--unknown] [--json]\n"
            "\n"
            "Lists the configured devices (tenant, name, kind, time zone, logs in the last\n"
            "24 hours, last minute with logs, addresses and hostnames) and the unknown\n"
            "senders: senders no device claims, whose logs go to tenant '" YM_TENANT_UNASSIGNED "'\n"
            "(first and last seen, logs received).\n"
            "\n"
            "  --data DIR     data directory (default: from the config, else ./var)\n"
            "  --config FILE  configuration (default: ./yamori.yaml if present)\n"
            "  --unknown      unknown senders only\n"
            "  --json         one JSON object per line (\"type\": \"device\" or \"unknown\")\n"
            "  --help         this text\n");
}

static void join(struct ym_buf *b, char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            ym_buf_adds(b, ",");
        ym_buf_adds(b, v[i]);
    }
}

static void json_strv(struct ym_buf *b, char *const *v, size_t n)
{
    ym_buf_addc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            ym_buf_addc(b, ',');
        ym_buf_json_qstr(b, v[i], strlen(v[i]));
    }
    ym_buf_addc(b, ']');
}

static void json_field(struct ym_buf *b, const char *name, const char *value)
{
    ym_buf_printf(b, ",\"%s\":", name);
    ym_buf_json_qstr(b, value, strlen(value));
}

/* Logs of each device over the last day (per-minute counts of state.db). */
struct activity_list {
    struct activity_row {
        char *tenant, *device;
        uint64_t logs;
        uint64_t parse_errors; /* logs no decoder fully read */
        int64_t last_minute_ns;
    } *v;
    size_t count, cap;
};

static int collect_activity(void *arg, const struct state_db_activity *a)
{
    struct activity_list *l = arg;
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = ym_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->count++] = (struct activity_row){ym_xstrdup(a->tenant), ym_xstrdup(a->device),
                                             a->logs, a->parse_errors, a->last_minute_ns};
    return 0;
}

static const struct activity_row *activity_of(const struct activity_list *l,
                                              const struct ym_device_config *d)
{
    for (size_t i = 0; i < l->count; i++)
        if (!strcmp(l->v[i].device, d->name) && !strcmp(l->v[i].tenant, d->tenant))
            return &l->v[i];
    return NULL;
}

static void print_configured(const struct ym_config *cfg, const struct activity_list *act,
                             int json)
{
    struct ym_buf b = YM_BUF_INIT;
    if (!json) {
        printf("Configured devices (%zu)%s%s\n", cfg->device_count,
               cfg->path ? " from " : " (no config file)", cfg->path ? cfg->path : "");
        if (cfg->device_count)
            printf("  %-16s %-24s %-8s %-10s %10s %10s %-17s %s\n", "TENANT", "DEVICE", "KIND",
                   "TIMEZONE", "LOGS 24H", "PARSE ERR", "LAST MINUTE (UTC)",
                   "ADDRESSES / HOSTNAMES");
    }
    for (size_t i = 0; i < cfg->device_count; i++) {
        const struct ym_device_config *d = &cfg->devices[i];
        const struct activity_row *a = activity_of(act, d);
        char last[40] = "-";
        if (a) {
            ym_time_format_rfc3339(a->last_minute_ns, last, sizeof last);
            last[16] = '\0'; /* "YYYY-MM-DDTHH:MM" */
        }
        ym_buf_clear(&b);
        if (json) {
            ym_buf_adds(&b, "{\"type\":\"device\"");
            json_field(&b, "tenant", d->tenant);
            json_field(&b, "name", d->name);
            json_field(&b, "kind", d->kind);
            json_field(&b, "timezone", d->timezone);
            ym_buf_adds(&b, ",\"addresses\":");
            json_strv(&b, d->addresses, d->address_count);
            ym_buf_adds(&b, ",\"hostnames\":");
            json_strv(&b, d->hostnames, d->hostname_count);
            ym_buf_printf(&b, ",\"logs_24h\":%llu,\"parse_errors_24h\":%llu",
                          (unsigned long long)(a ? a->logs : 0),
                          (unsigned long long)(a ? a->parse_errors : 0));
            if (a) {
                char t[40];
                ym_time_format_rfc3339(a->last_minute_ns, t, sizeof t);
                json_field(&b, "last_minute", t);
            }
            ym_buf_adds(&b, "}\n");
            fwrite(b.data, 1, b.len, stdout);
        } else {
            join(&b, d->addresses, d->address_count);
            if (d->address_count && d->hostname_count)
                ym_buf_adds(&b, " / ");
            join(&b, d->hostnames, d->hostname_count);
            printf("  %-16s %-24s %-8s %-10s %10llu %10llu %-17s %s\n", d->tenant, d->name,
                   d->kind, d->timezone[0] ? d->timezone : "UTC",
                   (unsigned long long)(a ? a->logs : 0),
                   (unsigned long long)(a ? a->parse_errors : 0), last, b.data);
        }
    }
    ym_buf_free(&b);
}

struct unknown_out {
    int json;
    size_t count;
};

static int print_unknown(void *arg, const struct state_db_unknown *u)
{
    struct unknown_out *o = arg;
    char first[40], last[40];
    ym_time_format_rfc3339(u->first_seen_ns, first, sizeof first);
    ym_time_format_rfc3339(u->last_seen_ns, last, sizeof last);
    if (o->json) {
        struct ym_buf b = YM_BUF_INIT;
        ym_buf_adds(&b, "{\"type\":\"unknown\"");
        json_field(&b, "tenant", u->tenant);
        json_field(&b, "device", u->device);
        json_field(&b, "address", u->address);
        json_field(&b, "hostname", u->hostname);
        json_field(&b, "first_seen", first);
        json_field(&b, "last_seen", last);
        ym_buf_printf(&b, ",\"logs\":%llu}\n", (unsigned long long)u->logs);
        fwrite(b.data, 1, b.len, stdout);
        ym_buf_free(&b);
    } else {
        if (o->count == 0)
            printf("  %-40s %-24s %-24s %-24s %-24s %10s\n", "ADDRESS", "HOSTNAME", "DEVICE",
                   "FIRST SEEN", "LAST SEEN", "LOGS");
        printf("  %-40s %-24s %-24s %-24s %-24s %10llu\n", u->address,
               u->hostname[0] ? u->hostname : "-", u->device, first, last,
               (unsigned long long)u->logs);
    }
    o->count++;
    return 0;
}

int cli_devices_main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, NULL, 'd'}, {"config", required_argument, NULL, 'c'},
        {"unknown", no_argument, NULL, 'u'},    {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
    };
    const char *data = NULL, *config = NULL;
    int unknown_only = 0, json = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'c': config = optarg; break;
        case 'u': unknown_only = 1; break;
        case 'j': json = 1; break;
        case 'h': usage(stdout); return CLI_OK;
        case ':': return cli_usage_error(CMD, "option %s needs a value", argv[optind - 1]);
        default: return cli_usage_error(CMD, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    struct ym_config *cfg = cli_load_config(config, data);
    if (!cfg)
        return CLI_FAIL;
    int rc = CLI_OK;
    struct state_db *db = NULL;
    struct ym_error err = {0};
    enum ym_status st = state_db_open(cfg->data_dir, STATE_DB_READER, &db, &err);
    struct activity_list act = {0};
    if (!unknown_only) {
        if (st == YM_OK &&
            state_db_activity_each(db, NULL, ym_time_now_ns() - YM_NS_PER_DAY, 0,
                                   collect_activity, &act) != YM_OK)
            rc = cli_error(CMD, "cannot read the per-minute counts of %s/state.db", cfg->data_dir);
        print_configured(cfg, &act, json);
        if (!json)
            printf("\n");
    }
    for (size_t i = 0; i < act.count; i++) {
        free(act.v[i].tenant);
        free(act.v[i].device);
    }
    free(act.v);

    if (st == YM_ENOTFOUND) {
        if (!json)
            printf("Unknown senders: none recorded (no state store in %s yet)\n", cfg->data_dir);
    } else if (st != YM_OK) {
        rc = cli_error(CMD, "cannot read %s/state.db: %s", cfg->data_dir, err.reason);
    } else {
        if (!json)
            printf("Unknown senders (their logs go to tenant '%s'; add them under devices: in "
                   "the config):\n",
                   YM_TENANT_UNASSIGNED);
        struct unknown_out o = {json, 0};
        st = state_db_unknown_each(db, print_unknown, &o);
        if (st != YM_OK)
            rc = cli_error(CMD, "cannot read unknown senders: %s", ym_status_str(st));
        else if (!json && o.count == 0)
            printf("  (none)\n");
    }
    state_db_close(db);
    ym_config_free(cfg);
    return rc;
}
