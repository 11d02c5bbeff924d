/* yamori verify: checks the hash chain of archive day files
 * (archive_verify_run) and says, per file, OK with its block count, or the
 * tenant, day and first broken block with the reason. Exit 1 if any file is
 * broken. Read-only; works while serve runs. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "archive/archive.h"
#include "archive/archive_day.h"
#include "cli/cli.h"
#include "core/ym_buf.h"

#define CMD "verify"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: yamori verify [--data DIR] [--config FILE] [--tenant T] [--day YYYY-MM-DD]\n"
            "                     [--json]\n"
            "\n"
            "Recomputes the SHA-256 chain over the sealed blocks of each archive day file and\n"
            "reports every file as OK (with its block count) or names the tenant, day and\n"
            "first broken block and why (data or bloom altered, a header field edited, a\n"
            "block removed, inserted or reordered). Exits 1 if any file is broken.\n"
            "Logs still being staged (not yet sealed) are not part of the chain yet.\n"
            "\n"
            "  --data DIR      data directory (default: from the config, else ./var)\n"
            "  --config FILE   configuration (for its data_dir)\n"
            "  --tenant T      only this tenant's files\n"
            "  --day D         only this day (YYYY-MM-DD, UTC)\n"
            "  --json          one JSON object per file\n"
            "  --help          this text\n");
}

struct report {
    int json;
    unsigned files, broken;
};

static void print_result(void *arg, const struct archive_verify_result *r)
{
    struct report *rep = arg;
    rep->files++;
    if (!r->ok)
        rep->broken++;
    if (rep->json) {
        struct ym_buf b = YM_BUF_INIT;
        ym_buf_adds(&b, "{\"tenant\":");
        ym_buf_json_qstr(&b, r->tenant, strlen(r->tenant));
        ym_buf_adds(&b, ",\"day\":");
        ym_buf_json_qstr(&b, r->day, strlen(r->day));
        ym_buf_printf(&b, ",\"ok\":%s,\"blocks_checked\":%llu", r->ok ? "true" : "false",
                      (unsigned long long)r->blocks_checked);
        if (!r->ok) {
            ym_buf_printf(&b, ",\"bad_block\":%lld,\"reason\":", (long long)r->bad_block);
            ym_buf_json_qstr(&b, r->reason, strlen(r->reason));
        }
        ym_buf_adds(&b, "}");
        puts(b.data);
        ym_buf_free(&b);
    } else if (r->ok) {
        printf("OK      %s %s: %llu blocks\n", r->tenant, r->day,
               (unsigned long long)r->blocks_checked);
    } else if (r->bad_block >= 0) {
        printf("BROKEN  %s %s: block %lld: %s (%llu blocks before it are intact)\n", r->tenant,
               r->day, (long long)r->bad_block, r->reason, (unsigned long long)r->blocks_checked);
    } else {
        printf("BROKEN  %s %s: %s\n", r->tenant, r->day, r->reason);
    }
}

int cli_verify_main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, NULL, 'd'},   {"config", required_argument, NULL, 'c'},
        {"tenant", required_argument, NULL, 't'}, {"day", required_argument, NULL, 'D'},
        {"json", no_argument, NULL, 'j'},         {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *data = NULL, *config = NULL, *tenant = NULL, *day = NULL;
    int json = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'c': config = optarg; break;
        case 't': tenant = optarg; break;
        case 'D': day = optarg; break;
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
    int64_t day_number;
    if (day && archive_day_parse(day, &day_number) != YM_OK)
        return cli_usage_error(CMD, "'%s' is not a day (YYYY-MM-DD)", day);
    struct ym_config *cfg = cli_load_config(config, data);
    if (!cfg)
        return CLI_FAIL;
    int rc = CLI_OK;
    if (access(cfg->data_dir, R_OK | X_OK) != 0) {
        rc = cli_error(CMD, "no data directory %s", cfg->data_dir);
        ym_config_free(cfg);
        return rc;
    }
    struct report rep = {.json = json};
    enum ym_status st = archive_verify_run(cfg->data_dir, tenant, day, print_result, &rep);
    if (st != YM_OK && st != YM_ECORRUPT)
        rc = cli_error(CMD, "cannot verify %s: %s", cfg->data_dir, ym_status_str(st));
    else if (rep.broken)
        rc = CLI_FAIL;
    if (!json && rc == CLI_OK && rep.files == 0)
        printf("no archive files%s%s%s%s\n", tenant ? " of tenant " : "", tenant ? tenant : "",
               day ? " on " : "", day ? day : "");
    if (!json && rep.broken)
        fprintf(stderr, "yamori verify: %u of %u files broken\n", rep.broken, rep.files);
    ym_config_free(cfg);
    return rc;
}
