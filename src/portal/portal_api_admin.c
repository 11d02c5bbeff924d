/* portal_api_admin: accounts (admin), the caller's API tokens, the audit
 * trail (admin), the rule list (analysts) and log search.
 *
 * Every change here is written to the audit trail by this file (the
 * account functions of state_users do not audit on their own). */
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/ym_buf.h"
#include "core/ym_log.h"
#include "core/ym_time.h"
#include "portal/portal_http.h"
#include "portal/portal_internal.h"
#include "search/search_format.h"
#include "search/search_query.h"
#include "search/search_run.h"
#include "state/state_audit.h"

#define SEARCH_DEFAULT 100
#define SEARCH_MAX 1000
#define AUDIT_DEFAULT 200
#define AUDIT_MAX 5000

/* ---- accounts ---- */

static json_t *user_json(const struct state_user *u)
{
    return json_pack("{s:s, s:s, s:s?, s:s, s:o, s:b}", "user", u->name, "role",
                     state_role_name(u->role), "tenant", u->tenant[0] ? u->tenant : NULL, "lang",
                     u->lang, "created", portal_json_time(u->created_ns), "must_change",
                     u->must_change);
}

static int add_user(void *arg, const struct state_user *u)
{
    json_array_append_new(arg, user_json(u));
    return 0;
}

void portal_api_users(struct portal_req *req, struct portal_resp *resp)
{
    json_t *list = json_array();
    if (state_users_each(req->db, add_user, list) != YM_OK) {
        json_decref(list);
        portal_reply_internal(resp, "users");
        return;
    }
    portal_reply_json(resp, 200, json_pack("{s:o}", "users", list));
}

void portal_api_user_add(struct portal_req *req, struct portal_resp *resp)
{
    const char *name = portal_body_str(req, "user");
    const char *role_name = portal_body_str(req, "role");
    const char *tenant = portal_body_str(req, "tenant");
    const char *password = portal_body_str(req, "password");
    const char *lang = portal_body_str(req, "lang");
    struct state_user u = {0};
    if (!state_users_name_ok(name)) {
        portal_reply_error(resp, 400, "user: 1 to 64 of A-Z a-z 0-9 . _ @ -");
        return;
    }
    if (!state_role_parse(role_name, &u.role)) {
        portal_reply_error(resp, 400, "role: expected admin, analyst or customer");
        return;
    }
    if (u.role == STATE_ROLE_CUSTOMER && !portal_tenant_known(req, tenant)) {
        portal_reply_error(resp, 400, "tenant: a customer needs a configured tenant");
        return;
    }
    if (u.role != STATE_ROLE_CUSTOMER && tenant && *tenant) {
        portal_reply_error(resp, 400, "tenant: only customers have a tenant");
        return;
    }
    if (!password || strlen(password) < STATE_USERS_PASSWORD_MIN ||
        strlen(password) > STATE_USERS_PASSWORD_MAX) {
        portal_reply_error(resp, 400, "password: %d to %d characters", STATE_USERS_PASSWORD_MIN,
                           STATE_USERS_PASSWORD_MAX);
        return;
    }
    snprintf(u.name, sizeof u.name, "%s", name);
    snprintf(u.tenant, sizeof u.tenant, "%s", u.role == STATE_ROLE_CUSTOMER ? tenant : "");
    snprintf(u.lang, sizeof u.lang, "%s", lang && strcmp(lang, "ja") == 0 ? "ja" : "en");
    u.created_ns = ym_time_now_ns();
    int exists = 0;
    enum ym_status st = state_users_add(req->db, &u, password, &exists);
    if (exists) {
        portal_reply_error(resp, 409, "user '%s' exists already", name);
        return;
    }
    if (st != YM_OK) {
        portal_reply_internal(resp, "add user");
        return;
    }
    char object[96];
    snprintf(object, sizeof object, "user:%s", u.name);
    portal_audit(req, u.tenant, "user.add", object, state_role_name(u.role));
    portal_reply_json(resp, 201, user_json(&u));
}

void portal_api_user_del(struct portal_req *req, struct portal_resp *resp)
{
    const char *name = req->args[0];
    if (strcmp(name, req->who->user.name) == 0) {
        portal_reply_error(resp, 409, "you cannot delete your own account");
        return;
    }
    struct state_user u;
    enum ym_status st = state_users_get(req->db, name, &u);
    if (st == YM_OK)
        st = state_users_delete(req->db, name);
    if (st == YM_ENOTFOUND) {
        portal_reply_error(resp, 404, "no such user");
        return;
    }
    if (st != YM_OK) {
        portal_reply_internal(resp, "delete user");
        return;
    }
    char object[160];
    snprintf(object, sizeof object, "user:%s", name);
    portal_audit(req, u.tenant, "user.del", object, "");
    portal_reply_json(resp, 200, json_pack("{s:s, s:b}", "user", name, "deleted", 1));
}

/* ---- API tokens ---- */

static int add_token(void *arg, const struct state_token *t)
{
    json_array_append_new(arg, json_pack("{s:I, s:s, s:o, s:o, s:o}", "id", (json_int_t)t->id,
                                         "name", t->name, "created",
                                         portal_json_time(t->created_ns), "last_used",
                                         portal_json_time(t->last_used_ns), "revoked",
                                         portal_json_time(t->revoked_ns)));
    return 0;
}

void portal_api_tokens(struct portal_req *req, struct portal_resp *resp)
{
    json_t *list = json_array();
    if (state_users_tokens_each(req->db, req->who->user.name, add_token, list) != YM_OK) {
        json_decref(list);
        portal_reply_internal(resp, "tokens");
        return;
    }
    portal_reply_json(resp, 200, json_pack("{s:o}", "tokens", list));
}

void portal_api_token_add(struct portal_req *req, struct portal_resp *resp)
{
    const char *name = portal_body_str(req, "name");
    if (!name || !*name || strlen(name) > 128) {
        portal_reply_error(resp, 400, "name: 1 to 128 characters (what the token is for)");
        return;
    }
    int64_t id;
    char token[STATE_USERS_TOKEN_LEN + 1];
    if (state_users_token_create(req->db, req->who->user.name, name, &id, token) != YM_OK) {
        portal_reply_internal(resp, "create token");
        return;
    }
    char object[64];
    snprintf(object, sizeof object, "token:%lld", (long long)id);
    portal_audit(req, req->who->user.tenant, "token.add", object, name);
    portal_reply_json(resp, 201, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", name,
                                           "token", token));
}

void portal_api_token_del(struct portal_req *req, struct portal_resp *resp)
{
    char *end;
    long long id = strtoll(req->args[0], &end, 10);
    enum ym_status st = *end || id <= 0 ? YM_ENOTFOUND
                                        : state_users_token_revoke(req->db, id, req->who->user.name);
    if (st == YM_ENOTFOUND) {
        portal_reply_error(resp, 404, "no such token");
        return;
    }
    if (st != YM_OK) {
        portal_reply_internal(resp, "revoke token");
        return;
    }
    char object[64];
    snprintf(object, sizeof object, "token:%lld", id);
    portal_audit(req, req->who->user.tenant, "token.revoke", object, "");
    portal_reply_json(resp, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "revoked", 1));
}

/* ---- audit ---- */

static int add_audit(void *arg, const struct state_audit_entry *e)
{
    json_array_append_new(arg, json_pack("{s:I, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
                                         (json_int_t)e->id, "time", portal_json_time(e->time_ns),
                                         "actor", e->actor, "role", e->role, "tenant", e->tenant,
                                         "action", e->action, "object", e->object, "detail",
                                         e->detail, "address", e->address));
    return 0;
}

void portal_api_audit(struct portal_req *req, struct portal_resp *resp)
{
    long long limit;
    if (portal_query_int(req, resp, "limit", 1, AUDIT_MAX, AUDIT_DEFAULT, &limit))
        return;
    json_t *list = json_array();
    if (state_audit_each(req->db, req->tenant, 0, 0, (size_t)limit, add_audit, list) != YM_OK) {
        json_decref(list);
        portal_reply_internal(resp, "audit");
        return;
    }
    portal_reply_json(resp, 200, json_pack("{s:o}", "audit", list));
}

/* ---- rules ---- */

static int is_file(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* The default rule directory, as `yamori rules` finds it. */
static int default_rules_dir(char *out, size_t len)
{
    const char *env = getenv("YAMORI_RULES");
    if (env && *env) {
        snprintf(out, len, "%s", env);
        return 1;
    }
    if (is_file("rules/logsources.yaml")) {
        snprintf(out, len, "rules");
        return 1;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return 0;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return 0;
    *slash = '\0';
    const char *rel[] = {"../rules", "../share/yamori/rules"};
    for (size_t i = 0; i < 2; i++) {
        char probe[PATH_MAX + 64];
        snprintf(probe, sizeof probe, "%s/%s/logsources.yaml", exe, rel[i]);
        if (is_file(probe)) {
            /* probe minus "/logsources.yaml" */
            probe[strlen(probe) - strlen("/logsources.yaml")] = '\0';
            if ((size_t)snprintf(out, len, "%s", probe) >= len)
                return 0;
            return 1;
        }
    }
    return 0;
}

/* The compiled rule set, compiled once on first use. Takes rules_lock. */
static struct detect_set *rule_set(struct portal *p)
{
    pthread_mutex_lock(&p->rules_lock);
    if (!p->rules_tried) {
        p->rules_tried = 1;
        const struct ym_rules_config *rc = &p->cfg->rules;
        char dir[PATH_MAX], logsources[PATH_MAX + 32], placeholders[PATH_MAX + 32];
        const char *one[1] = {dir};
        struct detect_config dc = {0};
        if (rc->path_count) {
            dc.rule_paths = (const char *const *)rc->paths;
            dc.rule_path_count = rc->path_count;
            snprintf(dir, sizeof dir, "%s", rc->paths[0]);
        } else if (default_rules_dir(dir, sizeof dir)) {
            dc.rule_paths = one;
            dc.rule_path_count = 1;
        }
        snprintf(logsources, sizeof logsources, "%s/logsources.yaml", dir);
        snprintf(placeholders, sizeof placeholders, "%s/placeholders.yaml", dir);
        dc.logsources_path = rc->logsources ? rc->logsources
                             : is_file(logsources) ? logsources : NULL;
        dc.placeholders_path = rc->placeholders ? rc->placeholders
                               : is_file(placeholders) ? placeholders : NULL;
        struct detect_reports reports = {0};
        struct ym_error err = {0};
        if (!dc.rule_path_count)
            snprintf(p->rules_error, sizeof p->rules_error, "no rule directory found");
        else if (detect_set_compile(&dc, &p->rules, &reports, &err) != YM_OK)
            snprintf(p->rules_error, sizeof p->rules_error, "%s", err.reason);
        detect_reports_free(&reports);
        if (p->rules_error[0])
            ym_log(YM_LOG_WARN, "portal: rules: %s", p->rules_error);
    }
    struct detect_set *set = p->rules;
    if (set)
        detect_set_ref(set);
    pthread_mutex_unlock(&p->rules_lock);
    return set;
}

void portal_api_rules(struct portal_req *req, struct portal_resp *resp)
{
    struct detect_set *set = rule_set(req->portal);
    json_t *list = json_array();
    size_t n = set ? detect_set_rule_count(set) : 0;
    for (size_t i = 0; i < n; i++) {
        const struct detect_rule_meta *m = detect_set_rule(set, i);
        json_t *tags = json_array();
        for (unsigned t = 0; t < m->tag_count; t++)
            json_array_append_new(tags, json_string(m->tags[t]));
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:b}", "id", m->id, "title",
                            m->title ? m->title : "", "level", detect_level_name(m->level),
                            "status", m->status ? m->status : "", "file", m->file ? m->file : "",
                            "description", m->description ? m->description : "", "response",
                            m->response ? m->response : "", "tags", tags, "correlation",
                            m->correlation));
    }
    json_t *o = json_pack("{s:o}", "rules", list);
    if (!set && req->portal->rules_error[0])
        json_object_set_new(o, "error", json_string(req->portal->rules_error));
    detect_set_unref(set);
    portal_reply_json(resp, 200, o);
}

/* ---- search ---- */

struct search_out {
    json_t *logs;
    struct ym_buf line;
};

static int add_hit(void *arg, const struct archive_entry *e, const struct ym_fields *fields)
{
    struct search_out *so = arg;
    ym_buf_clear(&so->line);
    search_format_json(e, fields, &so->line);
    json_t *o = json_loadb(so->line.data, so->line.len, 0, NULL);
    if (!o)
        return 0;
    json_t *ts = json_object_get(json_object_get(o, "fields"), "@timestamp");
    json_object_set(o, "time", json_is_string(ts) ? ts : json_object_get(o, "received"));
    if (!json_object_get(o, "fields"))
        json_object_set_new(o, "fields", json_object());
    json_array_append_new(so->logs, o);
    return 0;
}

void portal_api_search(struct portal_req *req, struct portal_resp *resp)
{
    const char *q = portal_query(req, "q");
    long long limit;
    int64_t now = ym_time_now_ns(), from, to;
    if (portal_query_int(req, resp, "limit", 1, SEARCH_MAX, SEARCH_DEFAULT, &limit) ||
        portal_query_time(req, resp, "from", now - YM_NS_PER_DAY, &from) ||
        portal_query_time(req, resp, "to", 0, &to))
        return;
    struct search_query *query = NULL;
    struct ym_error err = {0};
    q = q ? q : "";
    if (search_query_parse(q, strlen(q), &query, &err) != YM_OK) {
        portal_reply_error(resp, 400, "q: column %d: %s", err.column, err.reason);
        return;
    }
    struct search_run_options opt = {.data_dir = req->data_dir, .tenant = req->tenant,
                                     .from_ns = from, .to_ns = to, .limit = (uint64_t)limit,
                                     .newest_first = 1, .want_fields = 1};
    struct search_out so = {json_array(), YM_BUF_INIT};
    struct search_run_stats stats = {0};
    enum ym_status st = search_run_execute(query, &opt, add_hit, &so, &stats);
    search_query_destroy(query);
    ym_buf_free(&so.line);
    if (st != YM_OK && st != YM_ENOTFOUND) {
        json_decref(so.logs);
        portal_reply_internal(resp, "search");
        return;
    }
    portal_reply_json(resp, 200,
                      json_pack("{s:o, s:I, s:I, s:I, s:b}", "logs", so.logs, "scanned_blocks",
                                (json_int_t)stats.scan.blocks_read, "total_blocks",
                                (json_int_t)stats.scan.blocks_total, "examined",
                                (json_int_t)stats.examined, "limit_reached",
                                stats.limit_reached));
}
