/* cli_rules: `yamori rules check|test|reload` for the analyst writing and
 * maintaining detection rules.
 *
 *   check [DIR|FILE...] [--json]   load and compile every rule, say which
 *        are ok, inactive (logsource we never receive), unsupported or in
 *        error, with file, line and reason. Exit 1 when any rule is in error.
 *   test RULE_OR_DIR LOGFILE [--kind K] [--json]   parse LOGFILE as
 *        `yamori parse` does and print which line fires which rule
 *        (lines counted from 1; correlations name the line that completed
 *        them, windows use the logs' own timestamps).
 *   reload [--data D] [--pid PID]   check the rules the running server
 *        compiles (DATA/serve.rules, else as serve would find them), then
 *        send SIGHUP to it (DATA/serve.pid) and wait, bounded by --timeout,
 *        until it reports the outcome in state.db (detect.reloads); the
 *        server compiles the set beside the old one and swaps it in (the old
 *        one stays if the new does not compile). Exit 1 on rule errors (the
 *        server is then not signalled), a refused set, or no answer.
 *
 * Rule directory when none is given: $YAMORI_RULES, else ./rules (running
 * from the source tree), else <prefix>/share/yamori/rules next to the
 * binary, else <binary dir>/../rules. The mapping files logsources.yaml
 * and placeholders.yaml come from the first given directory that has them,
 * else from the default directory.
 * Main thread only. Exit: 0 ok, 1 rule errors or I/O failure, 2 usage. */
#include "cli/cli_rules.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/ym_alloc.h"
#include "core/ym_batch.h"
#include "core/ym_buf.h"
#include "core/ym_config.h"
#include "core/ym_time.h"
#include "detect/detect.h"
#include "parse/parse.h"
#include "state/state_db.h"

static void usage(FILE *to)
{
    fprintf(to,
            "Usage: yamori rules check [DIR|FILE...] [--json]\n"
            "       yamori rules test RULE_OR_DIR LOGFILE [--kind KIND] [--tz ZONE] [--json]\n"
            "       yamori rules reload [--data DIR] [--config FILE] [--pid PID] [--timeout S]\n"
            "\n"
            "check   loads every Sigma rule and reports ok / inactive / unsupported / error\n"
            "        with file, line and reason; exit status 1 when a rule is in error.\n"
            "        --json prints one object per rule:\n"
            "        {\"file\",\"line\",\"id\",\"title\",\"status\",\"reason\"}.\n"
            "test    parses LOGFILE (one log per line, as `yamori parse`) and prints which\n"
            "        line fires which rule; --json prints {\"line\",\"rule\",\"title\",...} per\n"
            "        detection. --kind selects the device kind (default auto: every rule).\n"
            "reload  checks the rules the running server compiles (file, line, reason of each\n"
            "        error; then nothing is sent), signals it (SIGHUP; pid from DATA/serve.pid)\n"
            "        and waits until it reports the new generation (default 30 s).\n"
            "\n"
            "Options:\n"
            "  --rules DIR          default rule directory (else $YAMORI_RULES, ./rules,\n"
            "                       <prefix>/share/yamori/rules)\n"
            "  --logsources FILE    logsource and field mapping (default DIR/logsources.yaml)\n"
            "  --placeholders FILE  values for |expand (default DIR/placeholders.yaml)\n"
            "  --all                check: list ok rules too (default: only problems)\n"
            "  --help               this text\n");
}

static int is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

#define SYSTEM_RULES_DIR "/usr/share/yamori/rules"

/* The default rule directory (see the header comment), or NULL; *origin
 * (may be NULL) says which of the places it is. */
static const char *default_rules_dir_from(char *buf, size_t len, const char **origin)
{
    const char *dummy;
    if (!origin)
        origin = &dummy;
    const char *env = getenv("YAMORI_RULES");
    if (env && *env && is_dir(env)) {
        *origin = "$YAMORI_RULES";
        return env;
    }
    if (is_file("rules/logsources.yaml")) {
        *origin = "./rules, the source tree";
        return "rules";
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            const char *cands[] = {"%s/../share/yamori/rules", "%s/../rules"};
            for (size_t i = 0; i < 2; i++) {
                /* lp has room for p and the file name: no truncation. */
                char p[PATH_MAX], lp[PATH_MAX + 32];
                int w = snprintf(p, sizeof(p), cands[i], exe);
                if (w < 0 || (size_t)w >= sizeof(p) || (size_t)w >= len)
                    continue;
                int wl = snprintf(lp, sizeof(lp), "%s/logsources.yaml", p);
                if (wl < 0 || (size_t)wl >= sizeof(lp) || !is_file(lp))
                    continue;
                memcpy(buf, p, (size_t)w + 1);
                *origin = i == 0 ? "next to the installed binary" : "next to the binary's source tree";
                return buf;
            }
        }
    }
    if (is_file(SYSTEM_RULES_DIR "/logsources.yaml")) {
        *origin = "the system rule directory";
        return SYSTEM_RULES_DIR;
    }
    return NULL;
}

static const char *default_rules_dir(char *buf, size_t len)
{
    return default_rules_dir_from(buf, len, NULL);
}

/* Mapping file `name` from the first rule dir that has it, else the default dir. */
static const char *mapping_file(const char *given, const char *name, char **dirs, int ndirs,
                                const char *defdir, char *buf, size_t len)
{
    if (given)
        return given;
    for (int i = 0; i < ndirs; i++) {
        if (!is_dir(dirs[i]))
            continue;
        snprintf(buf, len, "%s/%s", dirs[i], name);
        if (is_file(buf))
            return buf;
    }
    if (defdir) {
        snprintf(buf, len, "%s/%s", defdir, name);
        if (is_file(buf))
            return buf;
    }
    return NULL;
}

struct opts {
    int json, all;
    const char *kind, *tz, *rules_dir, *logsources, *placeholders;
    const char *data, *config;
    long pid;
    int timeout_s;
};

static int parse_opts(int argc, char **argv, struct opts *o, const char *sub)
{
    static const struct option lopts[] = {
        {"json", no_argument, NULL, 'j'},           {"all", no_argument, NULL, 'a'},
        {"kind", required_argument, NULL, 'k'},     {"tz", required_argument, NULL, 'z'},
        {"rules", required_argument, NULL, 'r'},    {"logsources", required_argument, NULL, 'l'},
        {"placeholders", required_argument, NULL, 'p'}, {"pid", required_argument, NULL, 'P'},
        {"data", required_argument, NULL, 'd'},     {"config", required_argument, NULL, 'c'},
        {"timeout", required_argument, NULL, 'T'},  {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
        switch (c) {
        case 'j': o->json = 1; break;
        case 'a': o->all = 1; break;
        case 'k': o->kind = optarg; break;
        case 'z': o->tz = optarg; break;
        case 'r': o->rules_dir = optarg; break;
        case 'l': o->logsources = optarg; break;
        case 'p': o->placeholders = optarg; break;
        case 'P': {
            char *end;
            errno = 0;
            o->pid = strtol(optarg, &end, 10);
            if (errno || *end || o->pid <= 1)
                return cli_usage_error("rules", "--pid needs a process id");
            break;
        }
        case 'd': o->data = optarg; break;
        case 'c': o->config = optarg; break;
        case 'T': {
            char *end;
            errno = 0;
            long t = strtol(optarg, &end, 10);
            if (errno || *end || t < 1 || t > 3600)
                return cli_usage_error("rules", "--timeout needs seconds (1..3600)");
            o->timeout_s = (int)t;
            break;
        }
        case 'h': usage(stdout); return -1;
        default:
            return cli_usage_error("rules", "%s: unknown option or missing value: %s (see --help)",
                                   sub, argv[optind - 1]);
        }
    }
    return 0;
}

static void print_report_json(const struct detect_report *r)
{
    struct ym_buf b = YM_BUF_INIT;
    ym_buf_adds(&b, "{\"file\":");
    ym_buf_json_qstr(&b, r->file, strlen(r->file));
    ym_buf_printf(&b, ",\"line\":%d,\"id\":", r->line);
    ym_buf_json_qstr(&b, r->id, strlen(r->id));
    ym_buf_adds(&b, ",\"title\":");
    ym_buf_json_qstr(&b, r->title, strlen(r->title));
    ym_buf_printf(&b, ",\"status\":\"%s\",\"reason\":", detect_rule_status_name(r->status));
    ym_buf_json_qstr(&b, r->reason, strlen(r->reason));
    ym_buf_adds(&b, "}\n");
    fputs(b.data, stdout);
    ym_buf_free(&b);
}

int cli_rules_compile(const struct cli_rules_opts *o, char **dirs, int ndirs, int include_inactive,
                      struct detect_set **set, struct detect_reports *rep, const char *sub)
{
    char defbuf[PATH_MAX], lsbuf[PATH_MAX + 32], phbuf[PATH_MAX + 32];
    const char *defdir = o->rules_dir ? o->rules_dir : default_rules_dir(defbuf, sizeof(defbuf));
    const char *one[1];
    const char *const *paths = (const char *const *)dirs;
    if (ndirs == 0) {
        if (!defdir)
            return cli_usage_error(sub, "no rule directory given and none found "
                                        "(set YAMORI_RULES or use --rules DIR)");
        one[0] = defdir;
        paths = one;
        ndirs = 1;
    }
    struct detect_config cfg = {
        .rule_paths = paths,
        .rule_path_count = (size_t)ndirs,
        .logsources_path = mapping_file(o->logsources, "logsources.yaml", (char **)paths, ndirs,
                                        defdir, lsbuf, sizeof(lsbuf)),
        .placeholders_path = mapping_file(o->placeholders, "placeholders.yaml", (char **)paths,
                                          ndirs, defdir, phbuf, sizeof(phbuf)),
        .include_inactive = include_inactive,
    };
    struct ym_error err;
    memset(&err, 0, sizeof(err));
    enum ym_status st = detect_set_compile(&cfg, set, rep, &err);
    if (st != YM_OK) {
        if (err.line)
            return cli_error(sub, "%s:%d: %s", err.file, err.line, err.reason);
        return cli_error(sub, "%s%s%s", err.file, err.file[0] ? ": " : "", err.reason);
    }
    return CLI_OK;
}

static int compile(const struct opts *o, char **dirs, int ndirs, int include_inactive,
                   struct detect_set **set, struct detect_reports *rep, const char *sub)
{
    (void)sub;
    struct cli_rules_opts ro = {o->rules_dir, o->logsources, o->placeholders};
    return cli_rules_compile(&ro, dirs, ndirs, include_inactive, set, rep, "rules");
}

/* ---- the rules of yamori serve ---- */

static char *absolute(const char *p)
{
    char buf[PATH_MAX];
    if (realpath(p, buf))
        return ym_xstrdup(buf);
    return ym_xstrdup(p); /* missing: kept as given, reported when compiled */
}

void cli_rules_source_free(struct cli_rules_source *s)
{
    for (size_t i = 0; i < s->path_count; i++)
        free(s->paths[i]);
    free(s->paths);
    free(s->logsources);
    free(s->placeholders);
    free(s->triage_policy);
    memset(s, 0, sizeof *s);
}

static void add_path(struct cli_rules_source *s, const char *p)
{
    s->paths = ym_xrealloc(s->paths, (s->path_count + 1) * sizeof *s->paths);
    s->paths[s->path_count++] = absolute(p);
}

/* `name` in the first rule directory that has it, absolute, or NULL. */
static char *beside_rules(const struct cli_rules_source *s, const char *name)
{
    for (size_t i = 0; i < s->path_count; i++) {
        if (!is_dir(s->paths[i]))
            continue;
        char *p = ym_xasprintf("%s/%s", s->paths[i], name);
        if (is_file(p))
            return p;
        free(p);
    }
    return NULL;
}

int cli_rules_source_resolve(const char *rules_flag, const struct ym_config *cfg,
                             struct cli_rules_source *out, char *why, size_t why_len)
{
    memset(out, 0, sizeof *out);
    const struct ym_rules_config *rc = &cfg->rules;
    if (rules_flag) {
        add_path(out, rules_flag);
        out->origin = "--rules";
    } else if (rc->path_count) {
        for (size_t i = 0; i < rc->path_count; i++)
            add_path(out, rc->paths[i]);
        out->origin = "the configuration's rules.paths";
    } else {
        char buf[PATH_MAX];
        const char *dir = default_rules_dir_from(buf, sizeof buf, &out->origin);
        if (!dir) {
            snprintf(why, why_len,
                     "no rule directory found ($YAMORI_RULES, ./rules, <prefix>/share/yamori/rules, "
                     SYSTEM_RULES_DIR "); give one with --rules DIR or rules.paths in the config");
            return CLI_FAIL;
        }
        add_path(out, dir);
    }
    out->logsources = rc->logsources ? absolute(rc->logsources) : beside_rules(out, "logsources.yaml");
    out->placeholders =
        rc->placeholders ? absolute(rc->placeholders) : beside_rules(out, "placeholders.yaml");
    out->triage_policy =
        rc->triage_policy ? absolute(rc->triage_policy) : beside_rules(out, "triage.yaml");
    return CLI_OK;
}

void cli_rules_source_detect_config(const struct cli_rules_source *s, struct detect_config *out)
{
    memset(out, 0, sizeof *out);
    out->rule_paths = (const char *const *)s->paths;
    out->rule_path_count = s->path_count;
    out->logsources_path = s->logsources;
    out->placeholders_path = s->placeholders;
}

int cli_rules_source_save(const struct cli_rules_source *s, const char *data_dir)
{
    char *path = ym_xasprintf("%s/serve.rules", data_dir);
    char *tmp = ym_xasprintf("%s/serve.rules.tmp", data_dir);
    FILE *f = fopen(tmp, "w");
    int ok = f != NULL;
    if (f) {
        for (size_t i = 0; i < s->path_count; i++)
            fprintf(f, "path\t%s\n", s->paths[i]);
        if (s->logsources)
            fprintf(f, "logsources\t%s\n", s->logsources);
        if (s->placeholders)
            fprintf(f, "placeholders\t%s\n", s->placeholders);
        if (s->triage_policy)
            fprintf(f, "triage_policy\t%s\n", s->triage_policy);
        ok = fclose(f) == 0 && rename(tmp, path) == 0;
    }
    if (!ok)
        unlink(tmp);
    free(tmp);
    free(path);
    return ok ? CLI_OK : CLI_FAIL;
}

int cli_rules_source_load(const char *data_dir, struct cli_rules_source *out)
{
    memset(out, 0, sizeof *out);
    char *path = ym_xasprintf("%s/serve.rules", data_dir);
    FILE *f = fopen(path, "r");
    free(path);
    if (!f)
        return CLI_FAIL;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] == '\n')
            line[--n] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab || !tab[1])
            continue;
        *tab = '\0';
        const char *v = tab + 1;
        if (!strcmp(line, "path")) {
            out->paths = ym_xrealloc(out->paths, (out->path_count + 1) * sizeof *out->paths);
            out->paths[out->path_count++] = ym_xstrdup(v);
        } else if (!strcmp(line, "logsources") && !out->logsources) {
            out->logsources = ym_xstrdup(v);
        } else if (!strcmp(line, "placeholders") && !out->placeholders) {
            out->placeholders = ym_xstrdup(v);
        } else if (!strcmp(line, "triage_policy") && !out->triage_policy) {
            out->triage_policy = ym_xstrdup(v);
        }
    }
    free(line);
    fclose(f);
    out->origin = "the running server (DATA/serve.rules)";
    if (!out->path_count) {
        cli_rules_source_free(out);
        return CLI_FAIL;
    }
    return CLI_OK;
}

static int cmd_check(int argc, char **argv)
{
    struct opts o = {0};
    int rc = parse_opts(argc, argv, &o, "check");
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    struct detect_set *set = NULL;
    struct detect_reports rep = {0};
    int64_t t0 = ym_time_mono_ns();
    rc = compile(&o, argv + optind, argc - optind, 1, &set, &rep, "check");
    if (rc != CLI_OK)
        return rc;
    double ms = (double)(ym_time_mono_ns() - t0) / 1e6;
    for (size_t i = 0; i < rep.count; i++) {
        const struct detect_report *r = &rep.v[i];
        if (o.json) {
            print_report_json(r);
        } else if (o.all || r->status != DETECT_RULE_OK) {
            printf("%s:%d: %s: %s%s%s%s%s\n", r->file, r->line, detect_rule_status_name(r->status),
                   r->id[0] ? r->id : "-", r->title[0] ? " (" : "", r->title,
                   r->title[0] ? ")" : "", "");
            if (r->reason[0])
                printf("    %s\n", r->reason);
        }
    }
    size_t ok = detect_reports_count(&rep, DETECT_RULE_OK);
    size_t inactive = detect_reports_count(&rep, DETECT_RULE_INACTIVE);
    size_t unsup = detect_reports_count(&rep, DETECT_RULE_UNSUPPORTED);
    size_t errors = detect_reports_count(&rep, DETECT_RULE_ERROR);
    fprintf(o.json ? stderr : stdout,
            "%zu rules: %zu ok, %zu inactive, %zu unsupported, %zu error%s; compiled %zu into %zu "
            "pattern database%s in %.0f ms\n",
            rep.count, ok, inactive, unsup, errors, errors == 1 ? "" : "s",
            detect_set_rule_count(set), detect_set_field_db_count(set),
            detect_set_field_db_count(set) == 1 ? "" : "s", ms);
    detect_reports_free(&rep);
    detect_set_unref(set);
    return errors ? CLI_FAIL : CLI_OK;
}

struct test_ctx {
    int json;
    unsigned long line;
    unsigned long hits;
    struct ym_buf out;
};

static int on_hit(void *arg, const struct ym_record *rec, const struct detect_hit *h)
{
    struct test_ctx *t = arg;
    struct ym_buf *b = &t->out;
    (void)rec;
    t->hits++;
    if (t->json) {
        ym_buf_printf(b, "{\"line\":%lu,\"rule\":", t->line);
        ym_buf_json_qstr(b, h->rule->id, strlen(h->rule->id));
        ym_buf_adds(b, ",\"title\":");
        ym_buf_json_qstr(b, h->rule->title, strlen(h->rule->title));
        ym_buf_printf(b, ",\"level\":\"%s\"", detect_level_name(h->rule->level));
        ym_buf_adds(b, ",\"fields\":[");
        for (unsigned i = 0; i < h->field_count; i++) {
            if (i)
                ym_buf_addc(b, ',');
            ym_buf_json_qstr(b, h->fields[i], strlen(h->fields[i]));
        }
        ym_buf_addc(b, ']');
        if (h->rule->correlation) {
            ym_buf_adds(b, ",\"group\":");
            ym_buf_json_qstr(b, h->group, strlen(h->group));
            ym_buf_printf(b, ",\"count\":%llu", (unsigned long long)h->count);
        }
        ym_buf_adds(b, "}\n");
    } else {
        ym_buf_printf(b, "%lu: %s [%s] %s", t->line, h->rule->id, detect_level_name(h->rule->level),
                      h->rule->title);
        if (h->rule->correlation)
            ym_buf_printf(b, " (group %s, count %llu)", h->group, (unsigned long long)h->count);
        else if (h->field_count) {
            ym_buf_adds(b, " (");
            for (unsigned i = 0; i < h->field_count; i++)
                ym_buf_printf(b, "%s%s", i ? ", " : "", h->fields[i]);
            ym_buf_adds(b, ")");
        }
        ym_buf_addc(b, '\n');
    }
    return 0;
}

/* Parses and matches the batch in input order; line numbers in lines[]. */
static void run_batch(struct ym_batch *b, const unsigned long *lines, struct detect_set *set,
                      struct detect_scratch *s, struct test_ctx *t, struct parse_stats *ps)
{
    parse_batch(b, 0, ps);
    for (uint32_t i = 0; i < b->count; i++) {
        t->line = lines[i];
        detect_set_match(set, s, &b->recs[i], on_hit, t);
    }
    fwrite(t->out.data ? t->out.data : "", 1, t->out.len, stdout);
    ym_buf_clear(&t->out);
    b->count = 0;
    ym_arena_reset(&b->arena);
}

static int cmd_test(int argc, char **argv)
{
    struct opts o = {.kind = "auto", .tz = ""};
    int rc = parse_opts(argc, argv, &o, "test");
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (argc - optind != 2)
        return cli_usage_error("rules", "test needs RULE_OR_DIR and LOGFILE (see --help)");
    if (strcmp(o.kind, "auto") && !parse_decoder_find(o.kind))
        return cli_usage_error("rules", "unknown kind '%s' (see yamori parse --help)", o.kind);
    const char *logpath = argv[optind + 1];
    struct detect_set *set = NULL;
    struct detect_reports rep = {0};
    rc = compile(&o, argv + optind, 1, strcmp(o.kind, "auto") == 0, &set, &rep, "test");
    if (rc != CLI_OK)
        return rc;
    for (size_t i = 0; i < rep.count; i++)
        if (rep.v[i].status == DETECT_RULE_ERROR || rep.v[i].status == DETECT_RULE_UNSUPPORTED)
            fprintf(stderr, "yamori rules: %s:%d: %s: %s\n", rep.v[i].file, rep.v[i].line,
                    detect_rule_status_name(rep.v[i].status), rep.v[i].reason);
    detect_reports_free(&rep);

    FILE *in = strcmp(logpath, "-") ? fopen(logpath, "rb") : stdin;
    if (!in) {
        detect_set_unref(set);
        return cli_error("rules", "cannot open %s: %s", logpath, strerror(errno));
    }
    struct ym_device dev = {.id = 0, .name = "rules-test", .tenant = YM_TENANT_UNASSIGNED,
                            .kind = o.kind, .timezone = o.tz, .configured = 0};
    struct ym_batch_pool *pool = ym_batch_pool_create(1);
    struct ym_batch *b = NULL;
    struct detect_scratch *s = detect_scratch_create(set);
    unsigned long *lines = calloc(YM_BATCH_MAX_RECORDS, sizeof(*lines));
    if (!pool || !s || !lines || ym_batch_pool_get(pool, 0, &b) != YM_OK) {
        if (in != stdin)
            fclose(in);
        free(lines);
        detect_scratch_destroy(s);
        ym_batch_pool_destroy(pool);
        detect_set_unref(set);
        return cli_error("rules", "out of memory");
    }
    struct test_ctx t = {.json = o.json, .out = YM_BUF_INIT};
    struct parse_stats ps = {0};
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    unsigned long lineno = 0, logs = 0;
    int64_t now = ym_time_now_ns();
    rc = CLI_OK;
    while ((got = getline(&line, &cap, in)) >= 0) {
        lineno++;
        size_t n = (size_t)got;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        if (n == 0)
            continue;
        if (ym_batch_full(b))
            run_batch(b, lines, set, s, &t, &ps);
        struct ym_record *r = ym_batch_add(b, line, n);
        if (!r) {
            run_batch(b, lines, set, s, &t, &ps);
            if (!(r = ym_batch_add(b, line, n))) {
                rc = cli_error("rules", "cannot hold line %lu (%zu bytes)", lineno, n);
                break;
            }
        }
        lines[b->count - 1] = lineno;
        r->device = &dev;
        r->transport = YM_TR_FILE;
        r->received_ns = now;
        logs++;
    }
    if (rc == CLI_OK)
        run_batch(b, lines, set, s, &t, &ps);
    if (rc == CLI_OK && ferror(in))
        rc = cli_error("rules", "read failed on %s: %s", logpath, strerror(errno));
    fprintf(stderr, "%lu log%s, %lu detection%s (%llu unparsed)\n", logs, logs == 1 ? "" : "s",
            t.hits, t.hits == 1 ? "" : "s", (unsigned long long)ps.unparsed);
    free(line);
    free(lines);
    ym_buf_free(&t.out);
    if (in != stdin)
        fclose(in);
    ym_batch_put(b);
    ym_batch_pool_destroy(pool);
    detect_scratch_destroy(s);
    detect_set_unref(set);
    return rc;
}

/* Reads one counter of the running server; 0 when absent. */
static int read_counter(const char *data_dir, const char *name, uint64_t *v)
{
    struct state_db *db = NULL;
    struct ym_error err = {0};
    *v = 0;
    if (state_db_open(data_dir, STATE_DB_READER, &db, &err) != YM_OK)
        return -1;
    enum ym_status st = state_db_counter_get(db, name, v, NULL);
    state_db_close(db);
    return st == YM_OK || st == YM_ENOTFOUND ? 0 : -1;
}

static long read_pid_file(const char *data_dir)
{
    char *path = ym_xasprintf("%s/serve.pid", data_dir);
    FILE *f = fopen(path, "r");
    free(path);
    if (!f)
        return 0;
    char buf[32] = {0};
    long pid = 0;
    if (fgets(buf, sizeof buf, f)) {
        char *end;
        errno = 0;
        pid = strtol(buf, &end, 10);
        if (errno || end == buf || (*end && *end != '\n') || pid <= 1)
            pid = 0;
    }
    fclose(f);
    return pid;
}

static void sleep_100ms(void)
{
    struct timespec ts = {0, 100 * 1000000L};
    nanosleep(&ts, NULL);
}

static int cmd_reload(int argc, char **argv)
{
    struct opts o = {.timeout_s = 30};
    int rc = parse_opts(argc, argv, &o, "reload");
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (optind < argc)
        return cli_usage_error("rules", "reload takes no rule paths: it checks the rules the "
                                        "server runs (see --help)");
    struct ym_config *cfg = cli_load_config(o.config, o.data);
    if (!cfg)
        return CLI_FAIL;
    /* The rules the server compiles: as it last wrote them, else as it
     * would find them. */
    struct cli_rules_source src;
    char why[512];
    if ((o.rules_dir || cli_rules_source_load(cfg->data_dir, &src) != CLI_OK) &&
        cli_rules_source_resolve(o.rules_dir, cfg, &src, why, sizeof why) != CLI_OK) {
        ym_config_free(cfg);
        return cli_error("rules", "reload: %s", why);
    }
    struct detect_config dc;
    cli_rules_source_detect_config(&src, &dc);
    struct detect_set *set = NULL;
    struct detect_reports rep = {0};
    struct ym_error err = {0};
    enum ym_status st = detect_set_compile(&dc, &set, &rep, &err);
    if (st != YM_OK) {
        rc = err.line ? cli_error("rules", "reload: %s:%d: %s", err.file, err.line, err.reason)
                      : cli_error("rules", "reload: %s%s%s", err.file, err.file[0] ? ": " : "",
                                  err.reason);
        goto done;
    }
    size_t errors = detect_reports_count(&rep, DETECT_RULE_ERROR);
    for (size_t i = 0; i < rep.count; i++)
        if (rep.v[i].status == DETECT_RULE_ERROR)
            fprintf(stderr, "yamori rules: %s:%d: error: %s\n", rep.v[i].file, rep.v[i].line,
                    rep.v[i].reason);
    size_t active = detect_set_rule_count(set);
    detect_set_unref(set);
    if (errors) {
        rc = cli_error("rules", "reload: %zu rule%s in error in %s; fix them first (nothing was "
                                "sent; the server keeps its running set)",
                       errors, errors == 1 ? "" : "s", src.paths[0]);
        goto done;
    }
    long pid = o.pid ? o.pid : read_pid_file(cfg->data_dir);
    if (!pid || kill((pid_t)pid, 0) != 0) {
        rc = cli_error("rules", "reload: no yamori serve is running on %s (no live pid in "
                                "%s/serve.pid); the rules are fine (%zu active)",
                       cfg->data_dir, cfg->data_dir, active);
        goto done;
    }
    uint64_t enabled = 0, before = 0, gen_before = 0;
    if (read_counter(cfg->data_dir, "detect.enabled", &enabled) != 0 ||
        read_counter(cfg->data_dir, "detect.reloads", &before) != 0 ||
        read_counter(cfg->data_dir, "detect.generation", &gen_before) != 0) {
        rc = cli_error("rules", "reload: cannot read %s/state.db", cfg->data_dir);
        goto done;
    }
    if (!enabled) {
        rc = cli_error("rules", "reload: the server (pid %ld) runs without detection (no rule "
                                "directory at its start): restart it to start detection", pid);
        goto done;
    }
    if (kill((pid_t)pid, SIGHUP) != 0) {
        rc = cli_error("rules", "reload: cannot signal pid %ld: %s", pid, strerror(errno));
        goto done;
    }
    printf("rules checked: %zu active from %s; asked yamori serve (pid %ld) to reload\n", active,
           src.paths[0], pid);
    fflush(stdout);
    int64_t deadline = ym_time_mono_ns() + (int64_t)o.timeout_s * YM_NS_PER_S;
    uint64_t now_reloads = before;
    while (now_reloads <= before && ym_time_mono_ns() < deadline) {
        sleep_100ms();
        if (read_counter(cfg->data_dir, "detect.reloads", &now_reloads) != 0)
            now_reloads = before;
    }
    if (now_reloads <= before) {
        rc = cli_error("rules", "reload: the server did not report a reload within %d s (see "
                                "its log)", o.timeout_s);
        goto done;
    }
    uint64_t failed = 0, gen = 0, running = 0;
    read_counter(cfg->data_dir, "detect.reload_failed", &failed);
    read_counter(cfg->data_dir, "detect.generation", &gen);
    read_counter(cfg->data_dir, "detect.rules_active", &running);
    if (failed && gen > gen_before) {
        rc = cli_error("rules", "reload: the rules were reloaded (generation %llu, %llu active) but "
                                "the threat-intel lists or the triage policy were not; the server "
                                "log says why",
                       (unsigned long long)gen, (unsigned long long)running);
        goto done;
    }
    if (failed) {
        rc = cli_error("rules", "reload: the server refused the new set and keeps generation "
                                "%llu (%llu rules active); its log says why",
                       (unsigned long long)gen, (unsigned long long)running);
        goto done;
    }
    printf("reloaded: generation %llu, %llu rules active\n", (unsigned long long)gen,
           (unsigned long long)running);
    rc = CLI_OK;
done:
    detect_reports_free(&rep);
    cli_rules_source_free(&src);
    ym_config_free(cfg);
    return rc;
}

int cli_rules_main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    if (strcmp(sub, "test") == 0)
        return cmd_test(argc - 1, argv + 1);
    if (strcmp(sub, "reload") == 0)
        return cmd_reload(argc - 1, argv + 1);
    return cli_usage_error("rules", "unknown subcommand '%s' (check, test or reload)", sub);
}
