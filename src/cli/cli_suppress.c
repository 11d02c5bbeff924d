/* cli_suppress: `yamori suppress add|list|del`: per-tenant suppressions
 * that mute matching detections. Muted detections are still triaged,
 * counted on their own (muted) events and searchable with `yamori
 * incidents events --suppressed`; they never open an incident. The running
 * server picks a change up within a second (it watches the store).
 *
 *   add --tenant T [--rule ID] [--where "field=value ..."] --reason TEXT
 *       [--expires TIME|DURATION]
 *   list [--tenant T] [--all] [--json]
 *   del ID
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
#include "triage/triage_policy.h"

#define CMD "suppress"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: yamori suppress add --tenant T [--rule ID] [--where \"CONDITIONS\"] --reason TEXT\n"
            "                           [--expires TIME|DURATION]\n"
            "       yamori suppress list [--tenant T] [--all] [--json]\n"
            "       yamori suppress del ID\n"
            "\n"
            "A suppression mutes a tenant's detections of one rule (or of any rule) that\n"
            "match the conditions. Muted detections are kept and counted on muted events\n"
            "(`yamori incidents events --suppressed`) but never open an incident.\n"
            "\n"
            "CONDITIONS: space-separated terms that must all hold: field=value (case-\n"
            "insensitive, * matches anything, a CIDR matches the addresses inside it) or\n"
            "field!=value. Example: --where \"source.ip=10.9.0.0/16 destination.port=443\".\n"
            "A suppression needs a rule, conditions, or both.\n"
            "\n"
            "  --expires      a time (2026-12-31, RFC 3339) or a duration from now (7d, 12h)\n"
            "  --all          list deleted and expired ones too, with their hit counts\n"
            "  --as NAME      who makes the change (default $USER); every change is audited\n"
            "  --data DIR     data directory (default: from the config, else ./var)\n"
            "  --config FILE  configuration (default: ./yamori.yaml if present)\n"
            "  --help         this text\n");
}

struct list_out {
    int json;
    int64_t now_ns;
    size_t count;
};

static int print_row(void *arg, const struct state_suppression *s)
{
    struct list_out *o = arg;
    char created[40], expires[40] = "never";
    ym_time_format_rfc3339(s->created_ns, created, sizeof created);
    if (s->expires_ns)
        ym_time_format_rfc3339(s->expires_ns, expires, sizeof expires);
    const char *state = s->deleted_ns                                  ? "deleted"
                        : s->expires_ns && s->expires_ns <= o->now_ns ? "expired"
                                                                       : "active";
    if (o->json) {
        struct ym_buf b = YM_BUF_INIT;
        ym_buf_printf(&b, "{\"id\":%lld,\"tenant\":", (long long)s->id);
        ym_buf_json_qstr(&b, s->tenant, strlen(s->tenant));
        ym_buf_adds(&b, ",\"rule_id\":");
        ym_buf_json_qstr(&b, s->rule_id, strlen(s->rule_id));
        ym_buf_adds(&b, ",\"conditions\":");
        ym_buf_json_qstr(&b, s->conditions, strlen(s->conditions));
        ym_buf_adds(&b, ",\"reason\":");
        ym_buf_json_qstr(&b, s->reason, strlen(s->reason));
        ym_buf_adds(&b, ",\"author\":");
        ym_buf_json_qstr(&b, s->author, strlen(s->author));
        ym_buf_printf(&b, ",\"created\":\"%s\",\"expires\":", created);
        if (s->expires_ns)
            ym_buf_printf(&b, "\"%s\"", expires);
        else
            ym_buf_adds(&b, "null");
        ym_buf_printf(&b, ",\"state\":\"%s\",\"hits\":%llu}\n", state,
                      (unsigned long long)s->hits);
        fwrite(b.data, 1, b.len, stdout);
        ym_buf_free(&b);
    } else {
        if (o->count == 0)
            printf("%-5s %-12s %-8s %8s %-24s %-38s %s\n", "ID", "TENANT", "STATE", "HITS",
                   "EXPIRES", "RULE", "CONDITIONS / REASON (AUTHOR)");
        printf("%-5lld %-12s %-8s %8llu %-24s %-38s %s / %s (%s)\n", (long long)s->id,
               s->tenant, state, (unsigned long long)s->hits, expires,
               *s->rule_id ? s->rule_id : "(any rule)", *s->conditions ? s->conditions : "-",
               s->reason, s->author);
    }
    o->count++;
    return 0;
}

static int open_store(const char *config, const char *data, enum state_db_mode mode,
                      struct state_db **db)
{
    struct ym_config *cfg = cli_load_config(config, data);
    if (!cfg)
        return CLI_FAIL;
    struct ym_error err = {0};
    enum ym_status st = state_db_open(cfg->data_dir, mode, db, &err);
    int rc = CLI_OK;
    if (st == YM_ENOTFOUND)
        rc = cli_error(CMD, "no state store in %s yet", cfg->data_dir);
    else if (st != YM_OK)
        rc = cli_error(CMD, "cannot open %s/state.db: %s", cfg->data_dir, err.reason);
    ym_config_free(cfg);
    return rc;
}

int cli_suppress_main(int argc, char **argv)
{
    static const struct option lopts[] = {
        {"tenant", required_argument, NULL, 't'}, {"rule", required_argument, NULL, 'r'},
        {"where", required_argument, NULL, 'w'},  {"reason", required_argument, NULL, 'R'},
        {"expires", required_argument, NULL, 'e'}, {"as", required_argument, NULL, 'A'},
        {"data", required_argument, NULL, 'd'},   {"config", required_argument, NULL, 'c'},
        {"all", no_argument, NULL, 'a'},          {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *tenant = NULL, *rule = "", *where = "", *reason = NULL, *expires = NULL;
    const char *as = NULL, *data = NULL, *config = NULL;
    int all = 0, json = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", lopts, NULL)) != -1) {
        switch (c) {
        case 't': tenant = optarg; break;
        case 'r': rule = optarg; break;
        case 'w': where = optarg; break;
        case 'R': reason = optarg; break;
        case 'e': expires = optarg; break;
        case 'A': as = optarg; break;
        case 'd': data = optarg; break;
        case 'c': config = optarg; break;
        case 'a': all = 1; break;
        case 'j': json = 1; break;
        case 'h': usage(stdout); return CLI_OK;
        case ':': return cli_usage_error(CMD, "option %s needs a value", argv[optind - 1]);
        default: return cli_usage_error(CMD, "unknown option '%s' (see --help)", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error(CMD, "which command? add, list or del (see --help)");
    const char *sub = argv[optind];
    int rest = argc - optind - 1;
    int64_t now = ym_time_now_ns();
    struct state_actor actor = {.name = cli_actor(as), .role = "analyst", .address = "cli"};
    struct state_db *db = NULL;
    int rc;

    if (strcmp(sub, "list") == 0) {
        if (rest)
            return cli_usage_error(CMD, "list: unexpected argument '%s'", argv[optind + 1]);
        if ((rc = open_store(config, data, STATE_DB_READER, &db)) != CLI_OK)
            return rc;
        struct list_out o = {.json = json, .now_ns = now};
        enum ym_status st = state_suppressions_each(db, tenant, all ? 0 : now, print_row, &o);
        state_db_close(db);
        if (st != YM_OK)
            return cli_error(CMD, "cannot read suppressions: %s", ym_status_str(st));
        if (!json && o.count == 0)
            printf("No %ssuppressions.\n", all ? "" : "active ");
        return CLI_OK;
    }
    if (strcmp(sub, "del") == 0) {
        char *end;
        errno = 0;
        long long id = rest == 1 ? strtoll(argv[optind + 1], &end, 10) : 0;
        if (rest != 1 || errno || *end || id <= 0)
            return cli_usage_error(CMD, "del needs a suppression ID");
        if ((rc = open_store(config, data, STATE_DB_WRITER, &db)) != CLI_OK)
            return rc;
        enum ym_status st = state_suppression_delete(db, id, &actor, now);
        state_db_close(db);
        if (st == YM_ENOTFOUND)
            return cli_error(CMD, "no suppression %lld in force", id);
        if (st != YM_OK)
            return cli_error(CMD, "cannot delete suppression %lld: %s", id, ym_status_str(st));
        printf("suppression %lld deleted (its muted events stay)\n", id);
        return CLI_OK;
    }
    if (strcmp(sub, "add") != 0)
        return cli_usage_error(CMD, "unknown command '%s' (add, list or del)", sub);
    if (rest)
        return cli_usage_error(CMD, "add: unexpected argument '%s' (quote --where conditions)",
                               argv[optind + 1]);
    if (!tenant || !*tenant)
        return cli_usage_error(CMD, "add needs --tenant");
    if (!reason || !*reason)
        return cli_usage_error(CMD, "add needs --reason (why this is not worth an alert)");
    if (!*rule && !*where)
        return cli_usage_error(CMD, "add needs --rule, --where or both (refusing to mute every "
                                    "detection of %s)", tenant);
    struct triage_conds conds;
    char why[256];
    if (triage_conds_parse(where, &conds, why, sizeof why) != YM_OK)
        return cli_usage_error(CMD, "--where: %s", why);
    triage_conds_free(&conds);
    int64_t expires_ns = 0;
    if (expires) {
        int64_t dur;
        if (triage_parse_duration(expires, &dur) == 0 && dur > 0)
            expires_ns = now + dur;
        else if (ym_time_parse_arg(expires, now, &expires_ns) != YM_OK)
            return cli_usage_error(CMD, "--expires: not a time or duration ('%s'; try 7d or "
                                        "2026-12-31)", expires);
        if (expires_ns <= now)
            return cli_usage_error(CMD, "--expires is in the past");
    }
    if ((rc = open_store(config, data, STATE_DB_WRITER, &db)) != CLI_OK)
        return rc;
    struct state_suppression s = {.tenant = tenant, .rule_id = rule, .conditions = where,
                                  .reason = reason, .author = actor.name,
                                  .expires_ns = expires_ns};
    enum ym_status st = state_suppression_add(db, &s, &actor, now);
    state_db_close(db);
    if (st != YM_OK)
        return cli_error(CMD, "cannot add the suppression: %s", ym_status_str(st));
    printf("suppression %lld added for tenant %s\n", (long long)s.id, tenant);
    return CLI_OK;
}
