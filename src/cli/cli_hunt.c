/* cli_hunt: `yamori hunt --from T --to T [RULE_OR_DIR...]` runs detection
 * rules over the archive (retro-hunt): every archived log of the time range
 * is parsed again with the kind and zone stored with it and matched against
 * the rule set, oldest first so that correlation windows see logs in order.
 *
 * A progress bar goes to stderr when it is a terminal (logs done out of the
 * logs the archive holds for the days of the range). Detections go to
 * stdout, one per line (text or --json). No allocation per log once warm:
 * one arena, reset per log.
 * Main thread only. Exit: 0 ok, 1 archive or rule failure, 2 usage. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive/archive.h"
#include "cli/cli.h"
#include "cli/cli_rules.h"
#include "core/ym_arena.h"
#include "core/ym_buf.h"
#include "core/ym_time.h"
#include "detect/detect.h"
#include "parse/parse.h"

static void usage(FILE *to)
{
    fprintf(to,
            "Usage: yamori hunt --from TIME [--to TIME] [--tenant T] [--json] [RULE_OR_DIR...]\n"
            "\n"
            "Runs detection rules over the archived logs received in [from, to)\n"
            "(retro-hunt): each log is parsed again as it was stored and matched;\n"
            "every detection is printed. Without RULE_OR_DIR the default rule\n"
            "directory is used (see yamori rules --help).\n"
            "\n"
            "Options:\n"
            "  --from TIME     2026-11-22T10:00:00Z, 2026-11-22, now, -2h, -7d (required)\n"
            "  --to TIME       end (exclusive); default now\n"
            "  --tenant T      one tenant (default every tenant)\n"
            "  --json          one JSON object per detection\n"
            "  --rules DIR     default rule directory\n"
            "  --config FILE, --data DIR   where the archive is (as yamori serve)\n"
            "  --help          this text\n");
}

struct hunt {
    struct detect_set *set;
    struct detect_scratch *scratch;
    struct ym_arena arena;
    struct ym_buf out;
    int json, tty;
    const struct archive_entry *entry;
    uint64_t logs, hits, total;
    int64_t last_draw_ns;
    struct parse_stats ps;
};

static int on_hit(void *arg, const struct ym_record *rec, const struct detect_hit *h)
{
    struct hunt *hu = arg;
    const struct archive_entry *e = hu->entry;
    struct ym_buf *b = &hu->out;
    char when[40];
    ym_time_format_rfc3339(rec->time_ns ? rec->time_ns : e->received_ns, when, sizeof(when));
    hu->hits++;
    if (hu->json) {
        ym_buf_adds(b, "{\"time\":");
        ym_buf_json_qstr(b, when, strlen(when));
        ym_buf_adds(b, ",\"tenant\":");
        ym_buf_json_qstr(b, e->tenant, strlen(e->tenant));
        ym_buf_adds(b, ",\"device\":");
        ym_buf_json_qstr(b, e->device, strlen(e->device));
        ym_buf_printf(b, ",\"ref\":%llu,\"rule\":", (unsigned long long)e->ref);
        ym_buf_json_qstr(b, h->rule->id, strlen(h->rule->id));
        ym_buf_adds(b, ",\"title\":");
        ym_buf_json_qstr(b, h->rule->title, strlen(h->rule->title));
        ym_buf_printf(b, ",\"level\":\"%s\"", detect_level_name(h->rule->level));
        if (h->rule->correlation) {
            ym_buf_adds(b, ",\"group\":");
            ym_buf_json_qstr(b, h->group, strlen(h->group));
            ym_buf_printf(b, ",\"count\":%llu", (unsigned long long)h->count);
        }
        ym_buf_adds(b, "}\n");
    } else {
        ym_buf_printf(b, "%s %s/%s [%s] %s (%s, ref %llu)\n", when, e->tenant, e->device,
                      detect_level_name(h->rule->level), h->rule->title, h->rule->id,
                      (unsigned long long)e->ref);
    }
    return 0;
}

static void draw(struct hunt *hu, int final)
{
    if (!hu->tty)
        return;
    int64_t now = ym_time_mono_ns();
    if (!final && now - hu->last_draw_ns < 200 * 1000000LL)
        return;
    hu->last_draw_ns = now;
    double frac = hu->total ? (double)hu->logs / (double)hu->total : 0;
    if (frac > 1)
        frac = 1;
    char bar[31];
    int fill = (int)(frac * 30);
    for (int i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[30] = 0;
    fprintf(stderr, "\r[%s] %3.0f%% %llu logs, %llu detections%s", bar, frac * 100,
            (unsigned long long)hu->logs, (unsigned long long)hu->hits, final ? "\n" : "");
}

static int visit(void *arg, const struct archive_entry *e)
{
    struct hunt *hu = arg;
    ym_arena_reset(&hu->arena);
    struct ym_record rec;
    memset(&rec, 0, sizeof(rec));
    struct ym_device dev = {.name = e->device, .tenant = e->tenant, .kind = e->kind,
                            .timezone = e->timezone, .configured = 1};
    rec.raw = ym_arena_strndup(&hu->arena, e->raw, e->raw_len);
    if (!rec.raw)
        return 0;
    rec.raw_len = e->raw_len;
    rec.received_ns = e->received_ns;
    rec.transport = e->transport;
    rec.archive_ref = e->ref;
    rec.device = &dev;
    ym_fields_init(&rec.fields, &hu->arena);
    struct parse_ctx ctx = {.kind = e->kind, .timezone = e->timezone, .now_ns = e->received_ns};
    parse_record(&ctx, &rec, &hu->ps);
    hu->entry = e;
    detect_set_match(hu->set, hu->scratch, &rec, on_hit, hu);
    hu->logs++;
    if (hu->out.len > 64 * 1024) {
        fwrite(hu->out.data, 1, hu->out.len, stdout);
        ym_buf_clear(&hu->out);
    }
    draw(hu, 0);
    return 0;
}

struct range_count {
    const char *from_day, *to_day;
    uint64_t logs;
};

static void count_day(void *arg, const struct archive_usage *u)
{
    struct range_count *rc = arg;
    if (strcmp(u->day, rc->from_day) >= 0 && strcmp(u->day, rc->to_day) <= 0)
        rc->logs += u->logs;
}

int cli_hunt_main(int argc, char **argv)
{
    const char *from = NULL, *to = NULL, *tenant = NULL, *config = NULL, *data = NULL;
    struct cli_rules_opts ro = {0};
    int json = 0;
    static const struct option opts[] = {
        {"from", required_argument, NULL, 'f'},   {"to", required_argument, NULL, 't'},
        {"tenant", required_argument, NULL, 'T'}, {"json", no_argument, NULL, 'j'},
        {"rules", required_argument, NULL, 'r'},  {"config", required_argument, NULL, 'c'},
        {"data", required_argument, NULL, 'd'},   {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'f': from = optarg; break;
        case 't': to = optarg; break;
        case 'T': tenant = optarg; break;
        case 'j': json = 1; break;
        case 'r': ro.rules_dir = optarg; break;
        case 'c': config = optarg; break;
        case 'd': data = optarg; break;
        case 'h': usage(stdout); return CLI_OK;
        default:
            return cli_usage_error("hunt", "unknown option or missing value: %s (see --help)",
                                   argv[optind - 1]);
        }
    }
    if (!from)
        return cli_usage_error("hunt", "--from is required (e.g. --from -7d)");
    if (tenant && !ym_config_tenant_name_ok(tenant))
        return cli_usage_error("hunt", "bad tenant name '%s' (a-z, 0-9, _ and -)", tenant);
    int64_t now = ym_time_now_ns(), from_ns = 0, to_ns = now;
    if (ym_time_parse_arg(from, now, &from_ns) != YM_OK)
        return cli_usage_error("hunt", "cannot read --from '%s' (use 2026-11-22T10:00:00Z, 2026-11-22 or -7d)", from);
    if (to && ym_time_parse_arg(to, now, &to_ns) != YM_OK)
        return cli_usage_error("hunt", "cannot read --to '%s'", to);
    if (to_ns <= from_ns)
        return cli_usage_error("hunt", "--to must be later than --from");

    struct hunt hu = {.json = json, .tty = isatty(2), .out = YM_BUF_INIT};
    struct detect_reports rep = {0};
    int rc = cli_rules_compile(&ro, argv + optind, argc - optind, 0, &hu.set, &rep, "hunt");
    if (rc != CLI_OK)
        return rc;
    size_t errors = detect_reports_count(&rep, DETECT_RULE_ERROR);
    if (errors)
        fprintf(stderr, "yamori hunt: %zu rule(s) in error are skipped (see yamori rules check)\n", errors);
    detect_reports_free(&rep);
    struct ym_config *cfg = cli_load_config(config, data);
    if (!cfg) {
        detect_set_unref(hu.set);
        return CLI_FAIL;
    }
    hu.scratch = detect_scratch_create(hu.set);
    ym_arena_init(&hu.arena, 256 * 1024, 0);
    char from_day[16], to_day[16];
    ym_time_format_day(from_ns, from_day, sizeof(from_day));
    ym_time_format_day(to_ns - 1, to_day, sizeof(to_day));
    struct range_count cnt = {from_day, to_day, 0};
    archive_usage_each(cfg->data_dir, tenant, count_day, &cnt);
    hu.total = cnt.logs;
    struct archive_scan scan = {.tenant = tenant, .from_ns = from_ns, .to_ns = to_ns};
    struct archive_scan_stats stats = {0};
    enum ym_status st = archive_scan_run(cfg->data_dir, &scan, visit, &hu, &stats);
    if (hu.out.len)
        fwrite(hu.out.data, 1, hu.out.len, stdout);
    draw(&hu, 1);
    if (st != YM_OK && st != YM_ENOTFOUND)
        rc = cli_error("hunt", "archive: %s", ym_status_str(st));
    else
        fprintf(stderr, "%llu logs hunted over %zu rules, %llu detections (%llu unparsed)\n",
                (unsigned long long)hu.logs, detect_set_rule_count(hu.set),
                (unsigned long long)hu.hits, (unsigned long long)hu.ps.unparsed);
    ym_buf_free(&hu.out);
    ym_arena_fini(&hu.arena);
    detect_scratch_destroy(hu.scratch);
    detect_set_unref(hu.set);
    ym_config_free(cfg);
    return rc;
}
