/* cli_incidents: `yamori incidents` for analysts: list, show and work the
 * incidents (and events) that triage stores in DATA/state.db.
 *
 *   list [--tenant T] [--status S,..] [--severity S,..] [--open]
 *        [--assignee NAME] [--limit N] [--offset N] [--json]
 *   show ID [--customer] [--json]       incident, timeline, linked events
 *   events [--tenant T] [--suppressed|--all] [--rule ID] [--since TIME]
 *        [--incident ID] [--limit N] [--json]
 *   ack ID [--note TEXT]                new -> acknowledged
 *   assign ID NAME | --none
 *   comment ID TEXT [--customer]        internal unless --customer
 *   status ID STATUS [--resolution R] [--note TEXT]   (STATUS reopen reopens)
 *   notify ID                           queue a notification for the server
 *
 * Changes are made as --as NAME, else $USER, and go to the audit trail
 * (address "cli"). Works while serve runs (its own connection; WAL).
 * Main thread only. Exit: 0 ok, 1 refused or failed (a reason is printed),
 * 2 usage. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/ym_buf.h"
#include "core/ym_time.h"
#include "state/state_audit.h"
#include "state/state_db.h"
#include "state/state_incidents.h"
#include "state/state_notify.h"

#define CMD "incidents"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: yamori incidents list [--tenant T] [--status S,...] [--severity S,...] [--open]\n"
            "                             [--assignee NAME] [--limit N] [--offset N] [--json]\n"
            "       yamori incidents show ID [--customer] [--json]\n"
            "       yamori incidents events [--tenant T] [--suppressed | --all] [--rule ID]\n"
            "                             [--since TIME] [--incident ID] [--limit N] [--json]\n"
            "       yamori incidents ack ID [--note TEXT]\n"
            "       yamori incidents assign ID (NAME | --none)\n"
            "       yamori incidents comment ID TEXT [--customer]\n"
            "       yamori incidents status ID STATUS [--resolution R] [--note TEXT]\n"
            "       yamori incidents notify ID\n"
            "\n"
            "Incidents are events that triage judged a threat (docs/triage.md). Statuses:\n"
            "new -> acknowledged -> notified -> responding -> resolved -> closed; resolved and\n"
            "closed need --resolution true_positive|false_positive|benign; STATUS 'reopen'\n"
            "brings a resolved or closed incident back. Severities: emergency, critical,\n"
            "warning, informational.\n"
            "\n"
            "  list       newest first; --json prints one object per line (id, tenant,\n"
            "             severity, status, title, created, source.ip, destination.ip, ...)\n"
            "  show       the incident, its timeline and linked events (--customer: what the\n"
            "             customer sees, without internal notes)\n"
            "  events     events (aggregated detections), also the ones suppressions muted\n"
            "             (--suppressed) or all (--all; default: not muted)\n"
            "  comment    internal note by default; --customer makes it visible to the customer\n"
            "  notify     queues a notification to the tenant's contacts; the notify thread\n"
            "             of the running `yamori serve` sends it\n"
            "\n"
            "  --as NAME      who makes the change (default $USER); every change is audited\n"
            "  --data DIR     data directory (default: from the config, else ./var)\n"
            "  --config FILE  configuration (default: ./yamori.yaml if present)\n"
            "  --help         this text\n");
}

struct opts {
    const char *data, *config, *as, *tenant, *status, *severity, *assignee, *note, *resolution;
    const char *rule, *since;
    int json, open, none, customer, suppressed, all;
    long limit, offset, incident;
};

static int parse_long(const char *s, long min, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < min)
        return -1;
    *out = v;
    return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct option lopts[] = {
        {"data", required_argument, NULL, 'd'},     {"config", required_argument, NULL, 'c'},
        {"as", required_argument, NULL, 'A'},       {"tenant", required_argument, NULL, 't'},
        {"status", required_argument, NULL, 's'},   {"severity", required_argument, NULL, 'S'},
        {"assignee", required_argument, NULL, 'a'}, {"note", required_argument, NULL, 'n'},
        {"resolution", required_argument, NULL, 'r'}, {"rule", required_argument, NULL, 'R'},
        {"since", required_argument, NULL, 'w'},    {"limit", required_argument, NULL, 'l'},
        {"offset", required_argument, NULL, 'o'},   {"incident", required_argument, NULL, 'i'},
        {"json", no_argument, NULL, 'j'},           {"open", no_argument, NULL, 'O'},
        {"none", no_argument, NULL, 'N'},           {"customer", no_argument, NULL, 'C'},
        {"suppressed", no_argument, NULL, 'M'},     {"all", no_argument, NULL, 'L'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", lopts, NULL)) != -1) {
        switch (c) {
        case 'd': o->data = optarg; break;
        case 'c': o->config = optarg; break;
        case 'A': o->as = optarg; break;
        case 't': o->tenant = optarg; break;
        case 's': o->status = optarg; break;
        case 'S': o->severity = optarg; break;
        case 'a': o->assignee = optarg; break;
        case 'n': o->note = optarg; break;
        case 'r': o->resolution = optarg; break;
        case 'R': o->rule = optarg; break;
        case 'w': o->since = optarg; break;
        case 'l':
            if (parse_long(optarg, 1, &o->limit))
                return cli_usage_error(CMD, "--limit needs a number above 0");
            break;
        case 'o':
            if (parse_long(optarg, 0, &o->offset))
                return cli_usage_error(CMD, "--offset needs a number");
            break;
        case 'i':
            if (parse_long(optarg, 1, &o->incident))
                return cli_usage_error(CMD, "--incident needs an incident id");
            break;
        case 'j': o->json = 1; break;
        case 'O': o->open = 1; break;
        case 'N': o->none = 1; break;
        case 'C': o->customer = 1; break;
        case 'M': o->suppressed = 1; break;
        case 'L': o->all = 1; break;
        case 'h': usage(stdout); return -1;
        case ':': return cli_usage_error(CMD, "option %s needs a value", argv[optind - 1]);
        default: return cli_usage_error(CMD, "unknown option '%s' (see --help)", argv[optind - 1]);
        }
    }
    return 0;
}

/* ---- output ---- */

static void json_kv(struct ym_buf *b, const char *key, const char *value)
{
    ym_buf_printf(b, ",\"%s\":", key);
    ym_buf_json_qstr(b, value, strlen(value));
}

static void json_time(struct ym_buf *b, const char *key, int64_t t_ns)
{
    if (!t_ns) {
        ym_buf_printf(b, ",\"%s\":null", key);
        return;
    }
    char t[40];
    ym_time_format_rfc3339(t_ns, t, sizeof t);
    ym_buf_printf(b, ",\"%s\":\"%s\"", key, t);
}

/* The fields of an incident, without the closing brace. */
static void incident_json(struct ym_buf *b, const struct state_incident *inc)
{
    ym_buf_printf(b, "{\"id\":%lld", (long long)inc->id);
    json_kv(b, "tenant", inc->tenant);
    json_kv(b, "severity", state_severity_name(inc->severity));
    json_kv(b, "status", state_status_name(inc->status));
    json_kv(b, "resolution", state_resolution_name(inc->resolution));
    json_kv(b, "title", inc->title);
    json_time(b, "created", inc->created_ns);
    json_time(b, "updated", inc->updated_ns);
    json_kv(b, "rule_id", inc->rule_id);
    json_kv(b, "assignee", inc->assignee);
    if (*inc->source_ip)
        json_kv(b, "source.ip", inc->source_ip);
    if (*inc->destination_ip)
        json_kv(b, "destination.ip", inc->destination_ip);
    if (*inc->source_ip) {
        ym_buf_adds(b, ",\"source\":{\"ip\":");
        ym_buf_json_qstr(b, inc->source_ip, strlen(inc->source_ip));
        ym_buf_addc(b, '}');
    }
    if (*inc->destination_ip) {
        ym_buf_adds(b, ",\"destination\":{\"ip\":");
        ym_buf_json_qstr(b, inc->destination_ip, strlen(inc->destination_ip));
        ym_buf_addc(b, '}');
    }
    ym_buf_printf(b, ",\"detections\":%llu", (unsigned long long)inc->detections);
    json_time(b, "first_detection", inc->first_detection_ns);
    json_time(b, "sla_due", inc->sla_due_ns);
    json_time(b, "notified", inc->notified_ns);
    ym_buf_printf(b, ",\"sla_breached\":%s", inc->sla_breached ? "true" : "false");
}

static void short_time(int64_t t_ns, char *out, size_t len)
{
    if (!t_ns) {
        snprintf(out, len, "-");
        return;
    }
    ym_time_format_rfc3339(t_ns, out, len);
    if (len > 19)
        out[19] = '\0'; /* "YYYY-MM-DDTHH:MM:SS" */
}

struct list_out {
    int json;
    size_t count;
};

static int print_incident_row(void *arg, const struct state_incident *inc)
{
    struct list_out *o = arg;
    if (o->json) {
        struct ym_buf b = YM_BUF_INIT;
        incident_json(&b, inc);
        ym_buf_adds(&b, "}\n");
        fwrite(b.data, 1, b.len, stdout);
        ym_buf_free(&b);
    } else {
        char created[40];
        short_time(inc->created_ns, created, sizeof created);
        if (o->count == 0)
            printf("%-6s %-12s %-13s %-12s %-19s %-10s %s\n", "ID", "TENANT", "SEVERITY",
                   "STATUS", "CREATED (UTC)", "ASSIGNEE", "TITLE");
        printf("%-6lld %-12s %-13s %-12s %-19s %-10s %s%s\n", (long long)inc->id, inc->tenant,
               state_severity_name(inc->severity), state_status_name(inc->status), created,
               *inc->assignee ? inc->assignee : "-", inc->title,
               inc->sla_breached ? "  [SLA breached]" : "");
    }
    o->count++;
    return 0;
}

/* Comma-separated names into a bit mask. */
static int mask_of(const char *list, int (*parse)(const char *, int *), unsigned *mask,
                   const char *what)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *p = buf; *p;) {
        size_t n = strcspn(p, ",");
        char save = p[n];
        p[n] = '\0';
        int v;
        if (parse(p, &v) != 0)
            return cli_usage_error(CMD, "unknown %s '%s'", what, p);
        *mask |= 1u << v;
        p += n + (save ? 1 : 0);
    }
    return 0;
}

static int parse_sev(const char *s, int *out)
{
    enum state_severity v;
    if (state_severity_parse(s, &v))
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_status(const char *s, int *out)
{
    enum state_status v;
    if (state_status_parse(s, &v))
        return -1;
    *out = (int)v;
    return 0;
}

/* ---- commands ---- */

static int open_store(const struct opts *o, enum state_db_mode mode, struct state_db **db)
{
    struct ym_config *cfg = cli_load_config(o->config, o->data);
    if (!cfg)
        return CLI_FAIL;
    struct ym_error err = {0};
    enum ym_status st = state_db_open(cfg->data_dir, mode, db, &err);
    int rc = CLI_OK;
    if (st == YM_ENOTFOUND)
        rc = cli_error(CMD, "no state store in %s yet (nothing triaged there)", cfg->data_dir);
    else if (st != YM_OK)
        rc = cli_error(CMD, "cannot open %s/state.db: %s", cfg->data_dir, err.reason);
    ym_config_free(cfg);
    return rc;
}

static int cmd_list(const struct opts *o)
{
    struct state_incident_filter f = {.tenant = o->tenant, .assignee = o->assignee,
                                      .limit = (size_t)(o->limit ? o->limit : 0),
                                      .offset = (size_t)o->offset};
    if (o->status && mask_of(o->status, parse_status, &f.status_mask, "status"))
        return CLI_USAGE;
    if (o->severity && mask_of(o->severity, parse_sev, &f.severity_mask, "severity"))
        return CLI_USAGE;
    if (o->open)
        f.status_mask = f.status_mask ? f.status_mask & STATE_STATUS_OPEN_MASK
                                      : STATE_STATUS_OPEN_MASK;
    struct state_db *db = NULL;
    int rc = open_store(o, STATE_DB_READER, &db);
    if (rc != CLI_OK)
        return rc;
    struct list_out out = {.json = o->json};
    uint64_t total = 0;
    enum ym_status st = state_incidents_each(db, &f, print_incident_row, &out, &total);
    state_db_close(db);
    if (st != YM_OK)
        return cli_error(CMD, "cannot read incidents: %s", ym_status_str(st));
    if (!o->json) {
        if (out.count == 0)
            printf("No incidents%s.\n", f.status_mask || f.severity_mask || f.tenant ? " match" : "");
        else if (total > out.count)
            printf("(%zu of %llu; --offset %llu for more)\n", out.count,
                   (unsigned long long)total, (unsigned long long)(o->offset + out.count));
    }
    return CLI_OK;
}

struct show {
    struct ym_buf b;
    int json;
    size_t n;
};

static int show_incident(void *arg, const struct state_incident *inc)
{
    struct show *s = arg;
    if (s->json) {
        incident_json(&s->b, inc);
        json_kv(&s->b, "response", inc->response);
        return 0;
    }
    char created[40], due[40], told[40], first[40];
    short_time(inc->created_ns, created, sizeof created);
    short_time(inc->sla_due_ns, due, sizeof due);
    short_time(inc->notified_ns, told, sizeof told);
    short_time(inc->first_detection_ns, first, sizeof first);
    ym_buf_printf(&s->b, "Incident %lld (%s): %s\n", (long long)inc->id, inc->tenant, inc->title);
    ym_buf_printf(&s->b, "  severity    %s\n  status      %s%s%s\n  assignee    %s\n",
                  state_severity_name(inc->severity), state_status_name(inc->status),
                  inc->resolution ? " " : "", state_resolution_name(inc->resolution),
                  *inc->assignee ? inc->assignee : "-");
    ym_buf_printf(&s->b, "  source      %s\n  destination %s\n  rule        %s\n",
                  *inc->source_ip ? inc->source_ip : "-",
                  *inc->destination_ip ? inc->destination_ip : "-", inc->rule_id);
    ym_buf_printf(&s->b, "  detections  %llu, first %s UTC\n  created     %s UTC\n",
                  (unsigned long long)inc->detections, first, created);
    ym_buf_printf(&s->b, "  SLA         due %s, notified %s%s\n", due, told,
                  inc->sla_breached ? " (breached)" : "");
    if (*inc->response)
        ym_buf_printf(&s->b, "  response    %s\n", inc->response);
    return 0;
}

static int show_entry(void *arg, const struct state_timeline_entry *e)
{
    struct show *s = arg;
    char t[40];
    ym_time_format_rfc3339(e->time_ns, t, sizeof t);
    if (s->json) {
        ym_buf_printf(&s->b, "%s{\"time\":\"%s\"", s->n++ ? "," : "", t);
        json_kv(&s->b, "kind", state_timeline_kind_name(e->kind));
        json_kv(&s->b, "text", e->text);
        json_kv(&s->b, "actor", e->actor);
        json_kv(&s->b, "visibility", state_visibility_name(e->visibility));
        ym_buf_addc(&s->b, '}');
    } else {
        if (s->n++ == 0)
            ym_buf_adds(&s->b, "\nTimeline:\n");
        t[19] = '\0';
        ym_buf_printf(&s->b, "  %s  %-12s %-10s %s%s\n", t, state_timeline_kind_name(e->kind),
                      e->actor, e->visibility == STATE_VIS_INTERNAL ? "(internal) " : "",
                      e->text);
    }
    return 0;
}

static int show_event(void *arg, const struct state_event *ev)
{
    struct show *s = arg;
    if (s->json) {
        ym_buf_printf(&s->b, "%s{\"id\":%lld", s->n++ ? "," : "", (long long)ev->id);
        json_kv(&s->b, "rule_id", ev->rule_id);
        json_kv(&s->b, "title", ev->title);
        json_kv(&s->b, "severity", state_severity_name(ev->severity));
        json_kv(&s->b, "reason", ev->reason);
        ym_buf_printf(&s->b, ",\"count\":%llu", (unsigned long long)ev->count);
        json_time(&s->b, "first", ev->first_ns);
        json_time(&s->b, "last", ev->last_ns);
        json_kv(&s->b, "key", ev->agg_key);
        ym_buf_printf(&s->b, ",\"suppressed\":%s,\"distinct\":%s,\"samples\":%s}",
                      ev->suppressed ? "true" : "false", ev->distinct_json, ev->samples_json);
    } else {
        if (s->n++ == 0)
            ym_buf_adds(&s->b, "\nEvents:\n");
        char first[40], last[40];
        short_time(ev->first_ns, first, sizeof first);
        short_time(ev->last_ns, last, sizeof last);
        ym_buf_printf(&s->b, "  event %lld: %s, %llu detection%s %s .. %s, %s: %s\n",
                      (long long)ev->id, ev->title, (unsigned long long)ev->count,
                      ev->count == 1 ? "" : "s", first, last, state_severity_name(ev->severity),
                      ev->reason);
        ym_buf_printf(&s->b, "    key %s\n    values %s\n", ev->agg_key, ev->distinct_json);
    }
    return 0;
}

static int cmd_show(const struct opts *o, long id)
{
    struct state_db *db = NULL;
    int rc = open_store(o, STATE_DB_READER, &db);
    if (rc != CLI_OK)
        return rc;
    struct show s = {.b = YM_BUF_INIT, .json = o->json};
    enum ym_status st = state_incident_get(db, id, show_incident, &s);
    if (st == YM_OK) {
        if (o->json)
            ym_buf_adds(&s.b, ",\"timeline\":[");
        st = state_timeline_each(db, id, !o->customer, show_entry, &s);
    }
    if (st == YM_OK) {
        s.n = 0;
        if (o->json)
            ym_buf_adds(&s.b, "],\"events\":[");
        struct state_event_filter f = {.incident_id = id, .suppressed = -1, .limit = 100};
        st = state_events_each(db, &f, show_event, &s, NULL);
        if (o->json)
            ym_buf_adds(&s.b, "]}");
        ym_buf_addc(&s.b, '\n');
    }
    state_db_close(db);
    if (st == YM_OK)
        fwrite(s.b.data, 1, s.b.len, stdout);
    ym_buf_free(&s.b);
    if (st == YM_ENOTFOUND)
        return cli_error(CMD, "no incident %ld", id);
    if (st != YM_OK)
        return cli_error(CMD, "cannot read incident %ld: %s", id, ym_status_str(st));
    return CLI_OK;
}

struct events_out {
    int json;
    size_t count;
};

static int print_event_row(void *arg, const struct state_event *ev)
{
    struct events_out *o = arg;
    char first[40], last[40];
    if (o->json) {
        struct ym_buf b = YM_BUF_INIT;
        ym_buf_printf(&b, "{\"id\":%lld", (long long)ev->id);
        json_kv(&b, "tenant", ev->tenant);
        json_kv(&b, "rule_id", ev->rule_id);
        json_kv(&b, "title", ev->title);
        json_kv(&b, "severity", state_severity_name(ev->severity));
        json_kv(&b, "reason", ev->reason);
        ym_buf_printf(&b, ",\"count\":%llu", (unsigned long long)ev->count);
        json_time(&b, "first", ev->first_ns);
        json_time(&b, "last", ev->last_ns);
        if (*ev->source_ip)
            json_kv(&b, "source.ip", ev->source_ip);
        if (*ev->destination_ip)
            json_kv(&b, "destination.ip", ev->destination_ip);
        json_kv(&b, "key", ev->agg_key);
        ym_buf_printf(&b, ",\"suppressed\":%s", ev->suppressed ? "true" : "false");
        if (ev->suppression_id)
            ym_buf_printf(&b, ",\"suppression_id\":%lld", (long long)ev->suppression_id);
        if (ev->incident_id)
            ym_buf_printf(&b, ",\"incident_id\":%lld", (long long)ev->incident_id);
        ym_buf_printf(&b, ",\"distinct\":%s,\"samples\":%s}\n", ev->distinct_json,
                      ev->samples_json);
        fwrite(b.data, 1, b.len, stdout);
        ym_buf_free(&b);
    } else {
        short_time(ev->first_ns, first, sizeof first);
        short_time(ev->last_ns, last, sizeof last);
        if (o->count == 0)
            printf("%-6s %-12s %-13s %8s %-19s %-8s %-8s %s\n", "ID", "TENANT", "SEVERITY",
                   "COUNT", "LAST (UTC)", "INCIDENT", "MUTED", "TITLE / KEY");
        char inc[24] = "-";
        if (ev->incident_id)
            snprintf(inc, sizeof inc, "%lld", (long long)ev->incident_id);
        printf("%-6lld %-12s %-13s %8llu %-19s %-8s %-8s %s (%s)\n", (long long)ev->id,
               ev->tenant, state_severity_name(ev->severity), (unsigned long long)ev->count,
               last, inc, ev->suppressed ? "yes" : "-", ev->title, ev->agg_key);
    }
    o->count++;
    return 0;
}

static int cmd_events(const struct opts *o)
{
    struct state_event_filter f = {.tenant = o->tenant, .rule_id = o->rule,
                                   .incident_id = o->incident,
                                   .suppressed = o->all ? -1 : o->suppressed ? 1 : 0,
                                   .limit = (size_t)(o->limit ? o->limit : 100)};
    if (o->since && ym_time_parse_arg(o->since, ym_time_now_ns(), &f.from_ns) != YM_OK)
        return cli_usage_error(CMD, "--since: not a time ('%s'; try -1h or 2026-11-22)", o->since);
    struct state_db *db = NULL;
    int rc = open_store(o, STATE_DB_READER, &db);
    if (rc != CLI_OK)
        return rc;
    struct events_out out = {.json = o->json};
    uint64_t total = 0;
    enum ym_status st = state_events_each(db, &f, print_event_row, &out, &total);
    state_db_close(db);
    if (st != YM_OK)
        return cli_error(CMD, "cannot read events: %s", ym_status_str(st));
    if (!o->json && out.count == 0)
        printf("No events.\n");
    else if (!o->json && total > out.count)
        printf("(%zu of %llu; raise --limit for more)\n", out.count, (unsigned long long)total);
    return CLI_OK;
}

static int copy_tenant(void *arg, const struct state_incident *inc)
{
    snprintf(arg, 128, "%s", inc->tenant);
    return 0;
}

/* A change: opens a writer, runs it, reports. */
static int changed(enum ym_status st, long id, const struct ym_error *err, const char *done)
{
    if (st == YM_ENOTFOUND)
        return cli_error(CMD, "no incident %ld", id);
    if (st == YM_EINVAL && err->reason[0])
        return cli_error(CMD, "incident %ld: %s", id, err->reason);
    if (st != YM_OK)
        return cli_error(CMD, "incident %ld: %s", id, ym_status_str(st));
    printf("incident %ld: %s\n", id, done);
    return CLI_OK;
}

static int cmd_change(const struct opts *o, const char *sub, long id, int argc, char **argv)
{
    struct state_actor actor = {.name = cli_actor(o->as), .role = "analyst", .address = "cli"};
    enum state_status to = STATE_STATUS_ACKNOWLEDGED;
    enum state_resolution res = STATE_RES_NONE;
    int reopen = 0;
    if (strcmp(sub, "assign") == 0 && (argc == 1) == o->none)
        return cli_usage_error(CMD, "assign needs ID and NAME, or ID --none");
    if (strcmp(sub, "comment") == 0 && (argc != 1 || !*argv[0]))
        return cli_usage_error(CMD, "comment needs ID and TEXT");
    if (strcmp(sub, "status") == 0) {
        if (argc != 1)
            return cli_usage_error(CMD, "status needs ID and STATUS");
        reopen = strcmp(argv[0], "reopen") == 0;
        if (!reopen && state_status_parse(argv[0], &to) != 0)
            return cli_usage_error(CMD, "unknown status '%s' (new, acknowledged, notified, "
                                        "responding, resolved, closed, reopen)", argv[0]);
    }
    if ((strcmp(sub, "ack") == 0 || strcmp(sub, "notify") == 0) && argc != 0)
        return cli_usage_error(CMD, "%s takes only an ID", sub);
    if (o->resolution && state_resolution_parse(o->resolution, &res) != 0)
        return cli_usage_error(CMD, "unknown resolution '%s' (true_positive, false_positive, "
                                    "benign)", o->resolution);

    struct state_db *db = NULL;
    int rc = open_store(o, STATE_DB_WRITER, &db);
    if (rc != CLI_OK)
        return rc;
    struct ym_error err = {0};
    int64_t now = ym_time_now_ns();
    enum ym_status st;
    char done[600];
    if (strcmp(sub, "ack") == 0) {
        st = state_incident_set_status(db, id, STATE_STATUS_ACKNOWLEDGED, STATE_RES_NONE,
                                       o->note, &actor, now, &err);
        snprintf(done, sizeof done, "acknowledged by %s", actor.name);
    } else if (strcmp(sub, "assign") == 0) {
        const char *who = o->none ? "" : argv[0];
        st = state_incident_assign(db, id, who, &actor, now);
        snprintf(done, sizeof done, *who ? "assigned to %.100s" : "unassigned%.0s", who);
    } else if (strcmp(sub, "comment") == 0) {
        int64_t entry = 0;
        st = state_incident_comment(db, id, o->customer ? STATE_VIS_CUSTOMER : STATE_VIS_INTERNAL,
                                    argv[0], &actor, now, &entry);
        snprintf(done, sizeof done, "%s comment added", o->customer ? "customer-visible"
                                                                    : "internal");
    } else if (strcmp(sub, "status") == 0 && reopen) {
        st = state_incident_reopen(db, id, o->note, &actor, now, &err);
        snprintf(done, sizeof done, "reopened (now acknowledged)");
    } else if (strcmp(sub, "status") == 0) {
        st = state_incident_set_status(db, id, to, res, o->note, &actor, now, &err);
        snprintf(done, sizeof done, "status %s", state_status_name(to));
    } else { /* notify: the outbox row and the timeline line in one transaction */
        char tenant[128] = "";
        int64_t nid = 0;
        st = state_incident_get(db, id, copy_tenant, tenant);
        if (st == YM_OK && (st = state_db_begin(db)) == YM_OK) {
            st = state_notify_enqueue(db, tenant, id, "manual", now, &nid);
            if (st == YM_OK)
                st = state_incident_timeline_add(db, id, STATE_TL_ACTION, STATE_VIS_INTERNAL,
                                                 "manual notification requested", &actor, now);
            if (st == YM_OK)
                st = state_db_commit(db);
            else
                state_db_rollback(db);
        }
        snprintf(done, sizeof done,
                 "notification %lld queued; the notify thread of the running `yamori serve` "
                 "sends it to the tenant's contacts",
                 (long long)nid);
    }
    state_db_close(db);
    return changed(st, id, &err, done);
}

int cli_incidents_main(int argc, char **argv)
{
    struct opts o = {0};
    int rc = parse_opts(argc, argv, &o);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (optind >= argc)
        return cli_usage_error(CMD, "which command? list, show, events, ack, assign, comment, "
                                    "status or notify (see --help)");
    const char *sub = argv[optind];
    int rest = argc - optind - 1;
    char **args = argv + optind + 1;
    if (strcmp(sub, "list") == 0 || strcmp(sub, "events") == 0) {
        if (rest)
            return cli_usage_error(CMD, "%s: unexpected argument '%s'", sub, args[0]);
        return strcmp(sub, "list") == 0 ? cmd_list(&o) : cmd_events(&o);
    }
    static const char *const changes[] = {"show", "ack", "assign", "comment", "status", "notify"};
    int known = 0;
    for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++)
        known |= strcmp(sub, changes[i]) == 0;
    if (!known)
        return cli_usage_error(CMD, "unknown command '%s' (see --help)", sub);
    long id;
    if (rest < 1 || parse_long(args[0], 1, &id))
        return cli_usage_error(CMD, "%s needs an incident ID", sub);
    if (strcmp(sub, "show") == 0) {
        if (rest != 1)
            return cli_usage_error(CMD, "show: unexpected argument '%s'", args[1]);
        return cmd_show(&o, id);
    }
    return cmd_change(&o, sub, id, rest - 1, args + 1);
}
