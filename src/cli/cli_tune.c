/* cli_tune: `yamori tune`: per-tenant rule overrides. A rule disabled for
 * a tenant still has its detections triaged and counted (on muted events)
 * but never opens an incident; a threshold N makes an event an incident
 * only from its Nth detection. The running server picks a change up within
 * a second.
 *
 *   list [--tenant T] [--json]
 *   disable RULE --tenant T       enable RULE --tenant T
 *   threshold RULE N --tenant T   reset RULE --tenant T (back to the rule pack)
 *
 * Changes are made as --as NAME, else $USER, and audited. Main thread
 * only. Exit: 0 ok, 1 failure, 2 usage. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/ym_buf.h"
#include "core/ym_time.h"
#include "state/state_db.h"
#include "state/state_incidents.h"

#define CMD "tune"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: yamori tune list [--tenant T] [--json]\n"
            "       yamori tune disable RULE --tenant T\n"
            "       yamori tune enable RULE --tenant T\n"
            "       yamori tune threshold RULE N --tenant T\n"
            "       yamori tune reset RULE --tenant T\n"
            "\n"
            "Per-tenant tuning of the rule pack. RULE is a rule id (see yamori rules check\n"
            "--json). disable: the rule's detections for the tenant are kept and counted on\n"
            "muted events but never open an incident. threshold N: an event of the rule\n"
            "becomes an incident only from its Nth detection (1 = at once). enable keeps\n"
            "the threshold; reset removes the override.\n"
            "\n"
            "  --as NAME      who makes the change (default $USER); every change is audited\n"
            "  --data DIR     data directory (default: from the config, else ./var)\n"
            "  --config FILE  configuration (default: ./yamori.yaml if present)\n"
            "  --help         this text\n");
}

struct list_out {
    int json;
    size_t count;
};

static int print_row(void *arg, const struct state_rule_override *o)
{
    struct list_out *out = arg;
    char t[40];
    ym_time_format_rfc3339(o->updated_ns, t, sizeof t);
    if (out->json) {
        struct ym_buf b = YM_BUF_INIT;
        ym_buf_adds(&b, "{\"tenant\":");
        ym_buf_json_qstr(&b, o->tenant, strlen(o->tenant));
        ym_buf_adds(&b, ",\"rule_id\":");
        ym_buf_json_qstr(&b, o->rule_id, strlen(o->rule_id));
        ym_buf_printf(&b, ",\"enabled\":%s,\"threshold\":%llu,\"author\":",
                      o->enabled ? "true" : "false",
                      (unsigned long long)(o->threshold ? o->threshold : 1));
        ym_buf_json_qstr(&b, o->author, strlen(o->author));
        ym_buf_printf(&b, ",\"updated\":\"%s\"}\n", t);
        fwrite(b.data, 1, b.len, stdout);
        ym_buf_free(&b);
    } else {
        if (out->count == 0)
            printf("%-12s %-38s %-9s %9s %-12s %s\n", "TENANT", "RULE", "STATE", "THRESHOLD",
                   "AUTHOR", "UPDATED");
        printf("%-12s %-38s %-9s %9llu %-12s %s\n", o->tenant, o->rule_id,
               o->enabled ? "enabled" : "disabled",
               (unsigned long long)(o->threshold ? o->threshold : 1), o->author, t);
    }
    out->count++;
    return 0;
}

struct current {
    const char *rule_id;
    int found, enabled;
    uint64_t threshold;
};

static int find_current(void *arg, const struct state_rule_override *o)
{
    struct current *c = arg;
    if (strcmp(o->rule_id, c->rule_id) == 0) {
        c->found = 1;
        c->enabled = o->enabled;
        c->threshold = o->threshold;
        return 1;
    }
    return 0;
}

int cli_tune_main(int argc, char **argv)
{
    static const struct option lopts[] = {
        {"tenant", required_argument, NULL, 't'}, {"as", required_argument, NULL, 'A'},
        {"data", required_argument, NULL, 'd'},   {"config", required_argument, NULL, 'c'},
        {"json", no_argument, NULL, 'j'},         {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *tenant = NULL, *as = NULL, *data = NULL, *config = NULL;
    int json = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", lopts, NULL)) != -1) {
        switch (c) {
        case 't': tenant = optarg; break;
        case 'A': as = optarg; break;
        case 'd': data = optarg; break;
        case 'c': config = optarg; break;
        case 'j': json = 1; break;
        case 'h': usage(stdout); return CLI_OK;
        case ':': return cli_usage_error(CMD, "option %s needs a value", argv[optind - 1]);
        default: return cli_usage_error(CMD, "unknown option '%s' (see --help)", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error(CMD, "which command? list, disable, enable, threshold or reset");
    const char *sub = argv[optind];
    int rest = argc - optind - 1;
    char **args = argv + optind + 1;
    int is_list = strcmp(sub, "list") == 0, is_threshold = strcmp(sub, "threshold") == 0;
    if (!is_list && !is_threshold && strcmp(sub, "disable") && strcmp(sub, "enable") &&
        strcmp(sub, "reset"))
        return cli_usage_error(CMD, "unknown command '%s' (see --help)", sub);
    if (is_list && rest)
        return cli_usage_error(CMD, "list: unexpected argument '%s'", args[0]);
    if (!is_list && rest != (is_threshold ? 2 : 1))
        return cli_usage_error(CMD, is_threshold ? "threshold needs RULE and N"
                                                 : "%s needs RULE", sub);
    if (!is_list && (!tenant || !*tenant))
        return cli_usage_error(CMD, "%s needs --tenant", sub);
    unsigned long long threshold = 0;
    if (is_threshold) {
        char *end;
        errno = 0;
        threshold = strtoull(args[1], &end, 10);
        if (errno || *end || end == args[1] || threshold < 1 || threshold > 1000000)
            return cli_usage_error(CMD, "threshold N: a number from 1 to 1000000");
    }

    struct ym_config *cfg = cli_load_config(config, data);
    if (!cfg)
        return CLI_FAIL;
    struct state_db *db = NULL;
    struct ym_error err = {0};
    enum ym_status st =
        state_db_open(cfg->data_dir, is_list ? STATE_DB_READER : STATE_DB_WRITER, &db, &err);
    int rc = CLI_OK;
    if (st == YM_ENOTFOUND && is_list) {
        if (!json)
            printf("No rule overrides (no state store in %s yet).\n", cfg->data_dir);
        ym_config_free(cfg);
        return CLI_OK;
    }
    if (st != YM_OK) {
        rc = cli_error(CMD, "cannot open %s/state.db: %s", cfg->data_dir, err.reason);
        ym_config_free(cfg);
        return rc;
    }
    ym_config_free(cfg);
    struct state_actor actor = {.name = cli_actor(as), .role = "analyst", .address = "cli"};
    int64_t now = ym_time_now_ns();
    if (is_list) {
        struct list_out o = {.json = json};
        st = state_rule_overrides_each(db, tenant, print_row, &o);
        if (st == YM_OK && !json && o.count == 0)
            printf("No rule overrides: every tenant runs the rule pack as written.\n");
    } else if (strcmp(sub, "reset") == 0) {
        st = state_rule_override_delete(db, tenant, args[0], &actor, now);
        if (st == YM_ENOTFOUND)
            rc = cli_error(CMD, "rule %s has no override for tenant %s", args[0], tenant);
        else if (st == YM_OK)
            printf("rule %s: back to the rule pack for tenant %s\n", args[0], tenant);
    } else {
        struct current cur = {.rule_id = args[0], .enabled = 1};
        st = state_rule_overrides_each(db, tenant, find_current, &cur);
        struct state_rule_override o = {
            .tenant = tenant, .rule_id = args[0], .author = actor.name,
            .enabled = strcmp(sub, "disable") != 0 && (is_threshold ? cur.enabled : 1),
            .threshold = is_threshold ? threshold : cur.threshold,
        };
        if (st == YM_OK)
            st = state_rule_override_set(db, &o, &actor, now);
        if (st == YM_OK)
            printf("rule %s for tenant %s: %s, threshold %llu\n", args[0], tenant,
                   o.enabled ? "enabled" : "disabled",
                   (unsigned long long)(o.threshold ? o.threshold : 1));
    }
    state_db_close(db);
    if (st != YM_OK && st != YM_ENOTFOUND)
        rc = cli_error(CMD, "%s failed: %s", sub, ym_status_str(st));
    return rc;
}
