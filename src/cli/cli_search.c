/* cli_search: `yamori search` finds logs in the archive with a KQL-like
 * query (docs/search.md) and prints them as a table or as JSON lines.
 *
 * The query words are joined with spaces and parsed (search_query); the
 * search itself (bloom and time pruning, evaluation, re-parsing of fields)
 * is search_run's; this file only reads options and prints. It works while
 * `yamori serve` writes to the same data directory.
 * Main thread only. Exit: 0 with or without matches, 1 when the archive
 * cannot be read or stdout fails, 2 on a usage error or a bad query. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/ym_buf.h"
#include "core/ym_config.h"
#include "core/ym_time.h"
#include "search/search_format.h"
#include "search/search_query.h"
#include "search/search_run.h"

#define TABLE_DEFAULT_LIMIT 100

static void usage(FILE *to)
{
    fprintf(to,
            "Usage: yamori search [OPTIONS] QUERY...\n"
            "\n"
            "Finds logs in the archive. QUERY words are joined with spaces; quote the\n"
            "query for the shell. Examples:\n"
            "  yamori search 'source.ip:198.51.100.0/24 AND event.type:denied'\n"
            "  yamori search --from -2h --json '\"Deny tcp\" destination.port >= 1024'\n"
            "  yamori search --count 'tenant:acme NOT device:fw*'\n"
            "No QUERY (or *) matches every log. The language is described in docs/search.md.\n"
            "\n"
            "Options:\n"
            "  --data DIR        data directory (default: from the config, else ./var)\n"
            "  --config FILE     configuration file (default ./yamori.yaml if present)\n"
            "  --tenant T        only this tenant's logs\n"
            "  --from TIME       received at or after TIME; --to TIME: before TIME.\n"
            "                    TIME: RFC 3339, a date (2026-11-22), now, or -15m/-2h/-7d\n"
            "  --limit N         at most N logs (default %d for the table, all with --json\n"
            "                    and --count; 0 = all)\n"
            "  --oldest-first    oldest logs first (default: newest first)\n"
            "  --json            one JSON object per line, with the parsed ECS fields\n"
            "  --count           print only the number of matches\n"
            "  --stats           print to stderr what the search read and how long it took\n"
            "  --explain         print how the query was understood (tree and the words\n"
            "                    used to skip blocks) and exit without searching\n"
            "  --help            this text\n"
            "\n"
            "Exit status: 0 (with or without matches), 1 archive or output failure,\n"
            "2 usage error or bad query (\"yamori search: query: column N: reason\").\n",
            TABLE_DEFAULT_LIMIT);
}

struct printer {
    int json;
    int count_only;
    int width;        /* cut table lines to this many columns; 0 = never */
    int header_done;
    int failed;       /* stdout failed: stop */
    int failed_errno;
    struct ym_buf buf;
};

static int flush_out(struct printer *pr)
{
    if (pr->buf.len && fwrite(pr->buf.data, 1, pr->buf.len, stdout) != pr->buf.len)
        pr->failed = 1, pr->failed_errno = errno;
    ym_buf_clear(&pr->buf);
    return pr->failed;
}

/* The raw line for a terminal: control bytes shown as \xNN (a log must not
 * drive the terminal), cut at `room` characters when room > 0. */
static void add_raw_for_terminal(struct ym_buf *b, const char *raw, size_t len, int room)
{
    int cols = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)raw[i];
        int is_cont = (c & 0xc0) == 0x80;
        if (room > 0 && !is_cont && cols >= room - 1 && i + 1 < len) {
            ym_buf_adds(b, "…");
            return;
        }
        if (c < 0x20 || c == 0x7f) {
            ym_buf_printf(b, "\\x%02x", c);
            cols += 4;
        } else {
            ym_buf_addc(b, (char)c);
            if (!is_cont)
                cols++;
        }
    }
}

static int on_hit(void *arg, const struct archive_entry *e, const struct ym_fields *fields)
{
    struct printer *pr = arg;
    if (pr->count_only)
        return 0;
    if (pr->json) {
        search_format_json(e, fields, &pr->buf);
        ym_buf_addc(&pr->buf, '\n');
    } else {
        if (!pr->header_done) {
            ym_buf_printf(&pr->buf, "%-24s  %-12s  %-16s  %s\n", "RECEIVED (UTC)", "TENANT", "DEVICE", "LOG");
            pr->header_done = 1;
        }
        char when[40];
        ym_time_format_rfc3339(e->received_ns, when, sizeof when);
        size_t start = pr->buf.len;
        ym_buf_printf(&pr->buf, "%-24s  %-12s  %-16s  ", when, e->tenant ? e->tenant : "",
                      e->device ? e->device : "");
        int used = (int)(pr->buf.len - start);
        int room = pr->width > 0 ? pr->width - used : 0;
        if (pr->width > 0 && room < 10)
            room = 10;
        add_raw_for_terminal(&pr->buf, e->raw ? e->raw : "", e->raw ? e->raw_len : 0, room);
        ym_buf_addc(&pr->buf, '\n');
    }
    if (pr->buf.len >= 1u << 16)
        return flush_out(pr);
    return 0;
}

static int terminal_width(void)
{
    if (!isatty(STDOUT_FILENO))
        return 0;
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 80;
}

static int parse_limit(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+')
        return 0;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return 0;
    *out = v;
    return 1;
}

static void print_stats(const struct search_run_stats *st)
{
    fprintf(stderr,
            "yamori search: %" PRIu64 " day files, %" PRIu64 " blocks in range, %" PRIu64
            " read (the rest pruned by bloom filter), %" PRIu64 " staged logs; %" PRIu64
            " logs examined, %" PRIu64 " parsed, %" PRIu64 " matches%s; %.1f ms\n",
            st->scan.files_opened, st->scan.blocks_total, st->scan.blocks_read, st->scan.staged_rows,
            st->examined, st->parsed, st->matched, st->limit_reached ? " (limit reached)" : "",
            (double)st->elapsed_ns / 1e6);
}

int cli_search_main(int argc, char **argv)
{
    const char *data = NULL, *config = NULL, *tenant = NULL, *from = NULL, *to = NULL;
    const char *limit_arg = NULL;
    int json = 0, count_only = 0, want_stats = 0, oldest_first = 0, explain = 0;
    static const struct option opts[] = {
        {"data", required_argument, NULL, 'd'},  {"config", required_argument, NULL, 'c'},
        {"tenant", required_argument, NULL, 't'}, {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 'u'},    {"limit", required_argument, NULL, 'l'},
        {"json", no_argument, NULL, 'j'},        {"count", no_argument, NULL, 'n'},
        {"stats", no_argument, NULL, 's'},       {"oldest-first", no_argument, NULL, 'o'},
        {"explain", no_argument, NULL, 'x'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
    };
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'c': config = optarg; break;
        case 't': tenant = optarg; break;
        case 'f': from = optarg; break;
        case 'u': to = optarg; break;
        case 'l': limit_arg = optarg; break;
        case 'j': json = 1; break;
        case 'n': count_only = 1; break;
        case 's': want_stats = 1; break;
        case 'o': oldest_first = 1; break;
        case 'x': explain = 1; break;
        case 'h': usage(stdout); return CLI_OK;
        default:
            return cli_usage_error("search", "unknown option or missing value: %s",
                                   argv[optind - 1]);
        }
    }
    if (json && count_only)
        return cli_usage_error("search", "--json and --count do not go together");
    if (tenant && !ym_config_tenant_name_ok(tenant))
        return cli_usage_error("search", "bad tenant name '%s' (a-z, 0-9, _ and -)", tenant);
    int64_t now_ns = ym_time_now_ns(), from_ns = 0, to_ns = 0;
    if (from && ym_time_parse_arg(from, now_ns, &from_ns) != YM_OK)
        return cli_usage_error("search", "cannot read --from '%s' (use 2026-11-22T10:00:00Z, 2026-11-22, now or -2h)", from);
    if (to && ym_time_parse_arg(to, now_ns, &to_ns) != YM_OK)
        return cli_usage_error("search", "cannot read --to '%s' (use 2026-11-22T10:00:00Z, 2026-11-22, now or -2h)", to);
    if (from && to && to_ns <= from_ns)
        return cli_usage_error("search", "--to must be later than --from");
    uint64_t limit = json || count_only ? 0 : TABLE_DEFAULT_LIMIT;
    if (limit_arg && !parse_limit(limit_arg, &limit))
        return cli_usage_error("search", "--limit wants a number, not '%s'", limit_arg);

    struct ym_buf text = YM_BUF_INIT;
    for (int i = optind; i < argc; i++) {
        if (i > optind)
            ym_buf_addc(&text, ' ');
        ym_buf_adds(&text, argv[i]);
    }
    struct search_query *q = NULL;
    struct ym_error err = {0};
    enum ym_status st = search_query_parse(text.data ? text.data : "", text.len, &q, &err);
    ym_buf_free(&text);
    if (st != YM_OK) {
        if (st == YM_EPARSE)
            fprintf(stderr, "yamori search: query: column %d: %s\n", err.column, err.reason);
        else
            fprintf(stderr, "yamori search: %s\n", ym_status_str(st));
        return CLI_USAGE;
    }

    if (explain) {
        struct ym_buf out = YM_BUF_INIT;
        ym_buf_adds(&out, "query: ");
        search_query_format(q, &out);
        ym_buf_adds(&out, "\nrequired words:");
        for (size_t i = 0; i < q->token_count; i++) {
            ym_buf_addc(&out, ' ');
            ym_buf_adds(&out, q->tokens[i]);
        }
        ym_buf_adds(&out, q->token_count ? "\n" : " (none: every block in the time range is read)\n");
        ym_buf_printf(&out, "parses fields: %s\n", q->needs_fields ? "when the raw checks pass" : "no");
        fputs(out.data, stdout);
        ym_buf_free(&out);
        search_query_destroy(q);
        return fflush(stdout) == 0 ? CLI_OK : CLI_FAIL;
    }

    struct ym_config *cfg = cli_load_config(config, data);
    if (!cfg) {
        search_query_destroy(q);
        return CLI_FAIL;
    }
    struct search_run_options opt = {
        .data_dir = cfg->data_dir,
        .tenant = tenant,
        .from_ns = from_ns,
        .to_ns = to_ns,
        .limit = limit,
        .newest_first = !oldest_first,
        .want_fields = json,
    };
    struct printer pr = {.json = json, .count_only = count_only, .width = terminal_width(),
                         .buf = YM_BUF_INIT};
    struct search_run_stats stats;
    int rc = CLI_OK;
    struct stat sb;
    char *archive_dir = NULL;
    if (asprintf(&archive_dir, "%s/archive", cfg->data_dir) < 0)
        archive_dir = NULL;
    if (archive_dir && stat(archive_dir, &sb) != 0) {
        /* Nothing archived yet: no matches, but say where we looked. */
        fprintf(stderr, "yamori search: no archive in %s\n", cfg->data_dir);
        memset(&stats, 0, sizeof stats);
        st = YM_OK;
    } else {
        st = search_run_execute(q, &opt, on_hit, &pr, &stats);
    }
    free(archive_dir);
    flush_out(&pr);
    if (st != YM_OK && st != YM_ENOTFOUND) {
        rc = cli_error("search", "cannot read the archive in %s: %s", cfg->data_dir, ym_status_str(st));
    } else {
        if (count_only)
            printf("%" PRIu64 "\n", stats.matched);
        if (!json && !count_only && stats.limit_reached)
            fprintf(stderr, "yamori search: showing the first %" PRIu64 " matches (--limit 0 for all)\n", limit);
    }
    if (fflush(stdout) != 0 && !pr.failed)
        pr.failed = 1, pr.failed_errno = errno;
    if (pr.failed && rc == CLI_OK) {
        /* A reader that went away (`| head`) is not worth a message. */
        if (pr.failed_errno == EPIPE)
            rc = CLI_FAIL;
        else
            rc = cli_error("search", "cannot write the output: %s", strerror(pr.failed_errno));
    }
    if (want_stats)
        print_stats(&stats);
    ym_buf_free(&pr.buf);
    search_query_destroy(q);
    ym_config_free(cfg);
    return rc;
}
