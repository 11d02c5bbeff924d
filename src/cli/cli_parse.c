/* cli_parse: `yamori parse` reads logs from a file (or stdin), one per line,
 * and prints each as one ECS JSON object, in input order.
 *
 * It runs the same code as `yamori serve`: lines go into a struct ym_batch
 * (up to YM_BATCH_MAX_RECORDS at a time) whose records point at one
 * synthetic device of the requested kind and time zone, and parse_batch
 * parses them. Empty lines are skipped. A summary of parse errors and
 * unparsed lines goes to stderr when there were any.
 * Main thread only. Exit: 0 ok, 1 I/O failure, 2 usage error. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/ym_batch.h"
#include "core/ym_buf.h"
#include "core/ym_time.h"
#include "parse/parse.h"
#include "parse/parse_ecs.h"

static void usage(FILE *to)
{
    fprintf(to,
            "Usage: yamori parse [--kind KIND|auto] [--tz OFFSET|ZONE] [--now TIME] [FILE|-]\n"
            "\n"
            "Parses logs, one per line, from FILE (or stdin) and prints one ECS JSON\n"
            "object per line, in input order, exactly as `yamori serve` would parse them.\n"
            "\n"
            "Options:\n"
            "  --kind KIND    device kind: auto (default) or one of:\n");
    for (const struct parse_decoder *const *d = parse_decoders(); *d; d++)
        fprintf(to, "                   %-8s %s\n", (*d)->kind, (*d)->description);
    fprintf(to,
            "  --tz ZONE      zone of timestamps without an offset: +09:00, -0500, UTC,\n"
            "                 or a tz database name like Asia/Tokyo (default UTC)\n"
            "  --now TIME     reference time for inferring a missing year (RFC 3339);\n"
            "                 default: the clock\n"
            "  --data DIR     accepted for symmetry with other commands; unused\n"
            "  --help         this text\n");
}

/* Parses the batch and writes its records as JSON lines; empties the batch. */
static int flush(struct ym_batch *b, int64_t now_ns, struct parse_stats *stats, struct ym_buf *out)
{
    if (b->count == 0)
        return 0;
    parse_batch(b, now_ns, stats);
    for (uint32_t i = 0; i < b->count; i++) {
        parse_ecs_to_json(&b->recs[i].fields, out);
        ym_buf_addc(out, '\n');
    }
    size_t n = fwrite(out->data, 1, out->len, stdout);
    ym_buf_clear(out);
    b->count = 0;
    ym_arena_reset(&b->arena);
    return n == out->len || out->len == 0 ? 0 : -1;
}

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return 1;
}

int cli_parse_main(int argc, char **argv)
{
    const char *kind = "auto", *tz = "", *now_arg = NULL;
    static const struct option opts[] = {
        {"kind", required_argument, NULL, 'k'}, {"tz", required_argument, NULL, 'z'},
        {"now", required_argument, NULL, 'n'},  {"data", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
    };
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'k': kind = optarg; break;
        case 'z': tz = optarg; break;
        case 'n': now_arg = optarg; break;
        case 'd': break;
        case 'h': usage(stdout); return CLI_OK;
        default:
            return cli_usage_error("parse", "unknown option or missing value: %s (see --help)",
                                   argv[optind - 1]);
        }
    }
    if (strcmp(kind, "auto") && !parse_decoder_find(kind))
        return cli_usage_error("parse", "unknown kind '%s' (see --help for the list)", kind);
    int off;
    if (*tz && ym_time_zone_offset(tz, 0, &off) != YM_OK)
        return cli_usage_error("parse", "unknown time zone '%s' (use +09:00 or Asia/Tokyo)", tz);
    int64_t now_ns = 0;
    if (now_arg && ym_time_parse_arg(now_arg, ym_time_now_ns(), &now_ns) != YM_OK)
        return cli_usage_error("parse", "cannot read --now '%s' (use 2026-11-22T12:00:00Z)", now_arg);
    if (argc - optind > 1)
        return cli_usage_error("parse", "one input file at most");
    const char *path = optind < argc ? argv[optind] : "-";

    FILE *in = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!in)
        return cli_error("parse", "cannot open %s: %s", path, strerror(errno));

    struct ym_device dev = {
        .id = 0, .name = "parse", .tenant = YM_TENANT_UNASSIGNED, .kind = kind, .timezone = tz,
        .configured = 0,
    };
    struct ym_batch_pool *pool = ym_batch_pool_create(1);
    struct ym_batch *b = NULL;
    if (!pool || ym_batch_pool_get(pool, 0, &b) != YM_OK) {
        if (in != stdin)
            fclose(in);
        ym_batch_pool_destroy(pool);
        return cli_error("parse", "out of memory");
    }
    struct parse_stats stats = {0};
    struct ym_buf out = YM_BUF_INIT;
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    int rc = CLI_OK;
    /* With no --now, one clock reading per batch (as serve does). */
    while ((got = getline(&line, &cap, in)) >= 0) {
        size_t n = (size_t)got;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        if (blank(line, n))
            continue;
        int64_t now = now_ns;
        if (ym_batch_full(b) && flush(b, now, &stats, &out) != 0) {
            rc = cli_error("parse", "write failed: %s", strerror(errno));
            break;
        }
        struct ym_record *r = ym_batch_add(b, line, n);
        if (!r) {
            if (flush(b, now, &stats, &out) != 0 || !(r = ym_batch_add(b, line, n))) {
                rc = cli_error("parse", "cannot hold a line of %zu bytes", n);
                break;
            }
        }
        r->device = &dev;
        r->transport = YM_TR_FILE;
        r->received_ns = now_ns ? now_ns : ym_time_now_ns();
    }
    if (rc == CLI_OK && ferror(in))
        rc = cli_error("parse", "read failed on %s: %s", path, strerror(errno));
    if (rc == CLI_OK && flush(b, now_ns, &stats, &out) != 0)
        rc = cli_error("parse", "write failed: %s", strerror(errno));
    if (rc == CLI_OK && fflush(stdout) != 0)
        rc = cli_error("parse", "write failed: %s", strerror(errno));
    if (stats.parse_errors || stats.unparsed)
        fprintf(stderr, "yamori parse: %llu parsed, %llu with parse errors, %llu unparsed\n",
                (unsigned long long)stats.parsed, (unsigned long long)stats.parse_errors,
                (unsigned long long)stats.unparsed);
    free(line);
    ym_buf_free(&out);
    ym_batch_put(b);
    ym_batch_pool_destroy(pool);
    if (in != stdin)
        fclose(in);
    return rc;
}
