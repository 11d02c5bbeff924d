/* yamori notify: notifications from the command line.
 *
 *   notify test --tenant T [--severity S]   a test message to T's contacts
 *   notify send-pending                     send what the outbox holds, now
 *   notify list [--tenant T] [--json]       notifications and their attempts
 *
 * `test` checks an operator's set-up (SMTP server, credentials, webhook
 * URLs) without an incident and records nothing. `send-pending` does what
 * the notify thread of `yamori serve` does, in this process, until nothing
 * is pending (retries included) or --timeout-s passes; do not run it while
 * serve runs (both would send). `list` reads the outbox. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/ym_alloc.h"
#include "core/ym_buf.h"
#include "core/ym_time.h"
#include "notify/notify.h"
#include "state/state_notify.h"

#define CMD "notify"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: yamori notify test --tenant T [--severity S] [--config FILE]\n"
            "       yamori notify send-pending [--data DIR] [--config FILE] [--timeout-s N]\n"
            "       yamori notify list [--data DIR] [--config FILE] [--tenant T] [--json]\n"
            "\n"
            "test          sends a test message to every contact of tenant T that receives\n"
            "              severity S (default critical), once, and prints each answer;\n"
            "              exit status 1 if any contact did not accept it\n"
            "send-pending  sends the notifications waiting in the outbox of DIR/state.db,\n"
            "              with retries, until none is pending or N seconds (default 60)\n"
            "              passed (not while `yamori serve` runs on the same data)\n"
            "list          notifications, newest first, with every attempt and its answer\n"
            "\n"
            "  --data DIR     data directory (default: from the config, else ./var)\n"
            "  --config FILE  configuration (default: ./yamori.yaml if present)\n"
            "  --tenant T     the tenant\n"
            "  --severity S   emergency, critical, warning or informational\n"
            "  --timeout-s N  send-pending gives up waiting after N seconds\n"
            "  --json         list: one JSON object per notification\n"
            "  --help         this text\n");
}

/* ---- test ---- */

struct test_out {
    unsigned failed;
};

static void print_answer(void *arg, const char *channel, const char *target, int ok,
                         const char *answer)
{
    struct test_out *o = arg;
    printf("%s %s: %s %s\n", channel, target, ok ? "ok" : "FAILED", answer);
    o->failed += !ok;
}

static int run_test(const struct ym_config *cfg, const char *tenant, const char *severity)
{
    if (!tenant)
        return cli_usage_error(CMD, "test needs --tenant");
    if (ym_config_severity_index(severity) < 0)
        return cli_usage_error(CMD, "unknown severity '%s' (emergency, critical, warning, "
                                    "informational)", severity);
    struct test_out o = {0};
    unsigned contacts = 0;
    enum ym_status st = notify_test(cfg, tenant, severity, print_answer, &o, &contacts);
    if (st == YM_ENOTFOUND)
        return cli_error(CMD, "no tenant '%s' in the configuration", tenant);
    if (contacts == 0)
        return cli_error(CMD, "tenant '%s' has no contact for %s notifications", tenant, severity);
    return o.failed ? CLI_FAIL : CLI_OK;
}

/* ---- send-pending ---- */

static int run_send_pending(const struct ym_config *cfg, long timeout_s)
{
    struct notify *n = NULL;
    struct ym_error err = {0};
    enum ym_status st = notify_create(cfg, cfg->data_dir, &n, &err);
    if (st != YM_OK)
        return cli_error(CMD, "cannot open %s/state.db: %s", cfg->data_dir,
                         err.reason[0] ? err.reason : ym_status_str(st));
    int64_t deadline = ym_time_mono_ns() + (int64_t)timeout_s * YM_NS_PER_S;
    unsigned total = 0;
    int64_t next = 0;
    for (;;) {
        unsigned handled = 0;
        if ((st = notify_run_once(n, ym_time_now_ns(), &handled)) != YM_OK)
            break;
        total += handled;
        if ((st = notify_next_due(n, &next)) != YM_OK || next == 0)
            break;
        if (ym_time_mono_ns() >= deadline)
            break;
        int64_t wait = next - ym_time_now_ns();
        if (wait > 200 * 1000000LL)
            wait = 200 * 1000000LL; /* recheck the deadline */
        if (wait > 0) {
            struct timespec ts = {wait / YM_NS_PER_S, wait % YM_NS_PER_S};
            nanosleep(&ts, NULL);
        }
    }
    struct notify_stats s;
    notify_stats(n, &s);
    notify_destroy(n);
    if (st != YM_OK)
        return cli_error(CMD, "state store: %s", ym_status_str(st));
    printf("handled %u, sent %llu, failed attempts %llu, gave up %llu, held %llu, skipped %llu%s\n",
           total, (unsigned long long)s.sent, (unsigned long long)s.failed_attempts,
           (unsigned long long)s.gave_up, (unsigned long long)s.held,
           (unsigned long long)s.skipped, next ? ", some still pending (timeout)" : "");
    return next ? CLI_FAIL : CLI_OK;
}

/* ---- list ---- */

struct list_ctx {
    struct state_db *db;
    int json;
    struct ym_buf b;
    int first_attempt;
};

static void fmt_time(int64_t t_ns, char *buf, size_t cap)
{
    if (t_ns)
        ym_time_format_rfc3339(t_ns, buf, cap);
    else
        snprintf(buf, cap, "-");
}

static int print_attempt(void *arg, const struct state_notify_attempt *a)
{
    struct list_ctx *c = arg;
    char when[40];
    fmt_time(a->time_ns, when, sizeof when);
    if (!c->json) {
        printf("    %s %s %s %s: %s\n", when, a->channel, a->target, a->ok ? "ok" : "failed",
               a->answer);
        return 0;
    }
    ym_buf_adds(&c->b, c->first_attempt ? "" : ",");
    c->first_attempt = 0;
    ym_buf_printf(&c->b, "{\"time\":\"%s\",\"channel\":", when);
    ym_buf_json_qstr(&c->b, a->channel, strlen(a->channel));
    ym_buf_adds(&c->b, ",\"target\":");
    ym_buf_json_qstr(&c->b, a->target, strlen(a->target));
    ym_buf_printf(&c->b, ",\"ok\":%s,\"answer\":", a->ok ? "true" : "false");
    ym_buf_json_qstr(&c->b, a->answer, strlen(a->answer));
    ym_buf_addc(&c->b, '}');
    return 0;
}

static int run_list(const struct ym_config *cfg, const char *tenant, int json)
{
    struct state_db *db = NULL;
    struct ym_error err = {0};
    enum ym_status st = state_db_open(cfg->data_dir, STATE_DB_READER, &db, &err);
    if (st == YM_ENOTFOUND) {
        if (!json)
            printf("No notifications (no state store in %s yet)\n", cfg->data_dir);
        return CLI_OK;
    }
    if (st != YM_OK)
        return cli_error(CMD, "cannot read %s/state.db: %s", cfg->data_dir, err.reason);
    struct state_notification_list rows = {0}; /* attempts are read on the same connection */
    st = state_notify_each(db, tenant, 0, state_notification_list_add, &rows);
    struct list_ctx c = {.db = db, .json = json};
    for (size_t i = 0; st == YM_OK && i < rows.count; i++) {
        const struct state_notification *n = &rows.v[i];
        char created[40], next[40], done[40];
        fmt_time(n->created_ns, created, sizeof created);
        fmt_time(n->next_ns, next, sizeof next);
        fmt_time(n->done_ns, done, sizeof done);
        if (json) {
            ym_buf_clear(&c.b);
            ym_buf_printf(&c.b, "{\"id\":%lld,\"tenant\":", (long long)n->id);
            ym_buf_json_qstr(&c.b, n->tenant, strlen(n->tenant));
            ym_buf_printf(&c.b, ",\"incident\":%lld,\"reason\":", (long long)n->incident_id);
            ym_buf_json_qstr(&c.b, n->reason, strlen(n->reason));
            ym_buf_adds(&c.b, ",\"state\":");
            ym_buf_json_qstr(&c.b, n->state, strlen(n->state));
            ym_buf_printf(&c.b, ",\"rounds\":%d,\"created\":\"%s\",\"next\":\"%s\",\"done\":\"%s\","
                                "\"attempts\":[",
                          n->attempts, created, next, done);
            c.first_attempt = 1;
        } else {
            printf("%lld %s incident %lld %s %s rounds %d created %s%s%s\n", (long long)n->id,
                   n->tenant, (long long)n->incident_id, n->reason, n->state, n->attempts,
                   created, n->done_ns ? " done " : "", n->done_ns ? done : "");
        }
        st = state_notify_attempts_each(db, n->id, print_attempt, &c);
        if (json) {
            ym_buf_adds(&c.b, "]}");
            printf("%s\n", c.b.data);
        }
    }
    state_notification_list_free(&rows);
    ym_buf_free(&c.b);
    state_db_close(db);
    return st == YM_OK ? CLI_OK : cli_error(CMD, "cannot read the outbox: %s", ym_status_str(st));
}

int cli_notify_main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, NULL, 'd'},     {"config", required_argument, NULL, 'c'},
        {"tenant", required_argument, NULL, 't'},   {"severity", required_argument, NULL, 's'},
        {"timeout-s", required_argument, NULL, 'T'}, {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    const char *data = NULL, *config = NULL, *tenant = NULL, *severity = "critical";
    long timeout_s = 60;
    int json = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'c': config = optarg; break;
        case 't': tenant = optarg; break;
        case 's': severity = optarg; break;
        case 'j': json = 1; break;
        case 'T': {
            char *end;
            timeout_s = strtol(optarg, &end, 10);
            if (*end || end == optarg || timeout_s < 0 || timeout_s > 86400)
                return cli_usage_error(CMD, "--timeout-s: expected seconds (0..86400)");
            break;
        }
        case 'h': usage(stdout); return CLI_OK;
        case ':': return cli_usage_error(CMD, "option %s needs a value", argv[optind - 1]);
        default: return cli_usage_error(CMD, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *verb = argv[optind];
    if (optind + 1 < argc)
        return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind + 1]);
    if (strcmp(verb, "test") && strcmp(verb, "send-pending") && strcmp(verb, "list"))
        return cli_usage_error(CMD, "unknown action '%s' (test, send-pending, list)", verb);
    struct ym_config *cfg = cli_load_config(config, data);
    if (!cfg)
        return CLI_FAIL;
    int rc;
    if (!strcmp(verb, "test"))
        rc = run_test(cfg, tenant, severity);
    else if (!strcmp(verb, "send-pending"))
        rc = run_send_pending(cfg, timeout_s);
    else
        rc = run_list(cfg, tenant, json);
    ym_config_free(cfg);
    return rc;
}
