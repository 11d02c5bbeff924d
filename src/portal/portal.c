/* portal: the HTTP(S) server and the API dispatcher (see portal.h).
 *
 * DESIGN (threads):
 *  - libmicrohttpd runs an internal pool of `threads` threads (epoll);
 *    each request is handled start to end on one of them. A pool thread
 *    opens its own state.db writer connection on first use (thread-local,
 *    closed when the thread ends), so requests never share a connection.
 *  - One SSE hub thread (portal_sse.c) follows the change feed and feeds
 *    the open streams; stream connections are suspended while they have
 *    nothing to send, so they hold no pool thread.
 *  - Shutdown: portal_stop ends the streams (they are resumed and answer
 *    end-of-stream), then stops the daemon (which joins the pool).
 *
 * Every API request goes through dispatch(), the one place where access is
 * decided, in this order:
 *   1. route: none -> 404, other method -> 405
 *   2. caller: Bearer token, else session cookie
 *   3. role: no caller -> 401; role below the route's -> 403
 *   4. CSRF: a state-changing request with a cookie session must carry the
 *      session's X-CSRF-Token -> else 403
 *   5. tenant: customers are pinned to their tenant (another -> 404)
 *   6. object: the {id} object's tenant is looked up; missing or another
 *      tenant's -> 404
 *   7. body: JSON object or 400
 * and only then the handler runs. */
#include "portal/portal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netdb.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/ym_alloc.h"
#include "core/ym_buf.h"
#include "core/ym_log.h"
#include "core/ym_time.h"
#include "portal/portal_http.h"
#include "portal/portal_internal.h"
#include "state/state_audit.h"

#define MAX_BODY_BYTES (1 << 20)
#define SLOW_REQUEST_NS (1000 * 1000000LL) /* logged (rate-limited) */

/* Per-connection request state between libmicrohttpd's calls. */
struct request_ctx {
    struct ym_buf body;
    int too_large;
};

/* ---- thread-local connection ---- */

static void close_thread_db(void *db) { state_db_close(db); }

static struct state_db *thread_db(struct portal *p)
{
    struct state_db *db = pthread_getspecific(p->db_key);
    if (db)
        return db;
    struct ym_error err = {0};
    if (state_db_open(p->data_dir, STATE_DB_WRITER, &db, &err) != YM_OK) {
        YM_LOG_RATELIMITED(YM_LOG_ERROR, "portal: cannot open the state store: %s", err.reason);
        return NULL;
    }
    pthread_setspecific(p->db_key, db);
    return db;
}

/* ---- replies ---- */

void portal_reply_json(struct portal_resp *resp, int status, json_t *obj)
{
    free(resp->body);
    resp->body = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
    json_decref(obj);
    if (!resp->body) {
        resp->status = 500;
        resp->body = ym_xstrdup("{\"error\":\"internal error\"}");
    } else {
        resp->status = status;
    }
    resp->body_len = strlen(resp->body);
    resp->content_type = "application/json; charset=utf-8";
}

void portal_reply_error(struct portal_resp *resp, int status, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    portal_reply_json(resp, status, json_pack("{s:s}", "error", msg));
}

void portal_reply_internal(struct portal_resp *resp, const char *what)
{
    YM_LOG_RATELIMITED(YM_LOG_ERROR, "portal: %s failed", what);
    portal_reply_error(resp, 500, "internal error (%s); see the server log", what);
}

/* ---- request helpers ---- */

const char *portal_query(const struct portal_req *req, const char *name)
{
    if (strcmp(name, "tenant") == 0)
        return NULL;
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

int portal_query_int(const struct portal_req *req, struct portal_resp *resp, const char *name,
                     long long min, long long max, long long def, long long *out)
{
    const char *s = portal_query(req, name);
    *out = def;
    if (!s || !*s)
        return 0;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < min || v > max) {
        portal_reply_error(resp, 400, "%s: expected a number in %lld..%lld", name, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

int portal_query_time(const struct portal_req *req, struct portal_resp *resp, const char *name,
                      int64_t def, int64_t *out)
{
    const char *s = portal_query(req, name);
    *out = def;
    if (!s || !*s)
        return 0;
    if (ym_time_parse_arg(s, ym_time_now_ns(), out) != YM_OK) {
        portal_reply_error(resp, 400, "%s: expected an RFC 3339 time, a date or -24h", name);
        return -1;
    }
    return 0;
}

const char *portal_body_str(const struct portal_req *req, const char *name)
{
    json_t *v = req->body ? json_object_get(req->body, name) : NULL;
    return json_is_string(v) ? json_string_value(v) : NULL;
}

void portal_audit(struct portal_req *req, const char *tenant, const char *action,
                  const char *object, const char *detail)
{
    struct state_audit_entry e = {
        .actor = req->who ? req->who->user.name : "",
        .role = req->who ? state_role_name(req->who->user.role) : "",
        .tenant = tenant ? tenant : "",
        .action = action,
        .object = object,
        .detail = detail,
        .address = req->address,
    };
    if (state_audit_add(req->db, &e) != YM_OK)
        YM_LOG_RATELIMITED(YM_LOG_ERROR, "portal: audit entry %s lost", action);
}

json_t *portal_json_time(int64_t t_ns)
{
    if (!t_ns)
        return json_null();
    char t[40];
    ym_time_format_rfc3339(t_ns, t, sizeof t);
    return json_string(t);
}

int portal_tenant_known(const struct portal_req *req, const char *tenant)
{
    return tenant && ym_config_tenant(req->cfg, tenant) != NULL;
}

void portal_api_openapi(struct portal_req *req, struct portal_resp *resp)
{
    resp->status = 200;
    resp->body = ym_xstrdup(req->portal->openapi);
    resp->body_len = strlen(resp->body);
    resp->content_type = "application/json; charset=utf-8";
}

/* ---- dispatch ---- */

static void client_address(struct MHD_Connection *conn, char *out, size_t len)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    out[0] = '\0';
    if (!ci || !ci->client_addr)
        return;
    socklen_t sl = ci->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                          : sizeof(struct sockaddr_in);
    if (getnameinfo(ci->client_addr, sl, out, (socklen_t)len, NULL, 0, NI_NUMERICHOST) != 0)
        out[0] = '\0';
}

/* The caller, from a Bearer token or the session cookie. Returns 0 when
 * there is none, -1 after answering 401 (a token was sent but is bad). */
static int resolve_caller(struct portal_req *req, struct portal_resp *resp,
                          struct state_principal *who)
{
    int64_t now = ym_time_now_ns();
    const char *auth = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "Authorization");
    if (auth && strncasecmp(auth, "Bearer ", 7) == 0) {
        enum ym_status st = state_users_token_check(req->db, auth + 7, now, who);
        if (st == YM_OK) {
            req->who = who;
            return 1;
        }
        if (st == YM_ENOTFOUND)
            portal_reply_error(resp, 401, "API token unknown or revoked");
        else
            portal_reply_internal(resp, "token check");
        return -1;
    }
    req->cookie = MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, "ym_session");
    if (!req->cookie)
        return 0;
    enum ym_status st =
        state_users_session_check(req->db, req->cookie, now, &req->portal->limits, who);
    if (st == YM_OK) {
        req->who = who;
        return 1;
    }
    if (st != YM_ENOTFOUND) {
        portal_reply_internal(resp, "session check");
        return -1;
    }
    return 0;
}

static int csrf_ok(const struct portal_req *req)
{
    if (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0 || !req->who ||
        req->who->via_token)
        return 1;
    const char *sent = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "X-CSRF-Token");
    size_t n = strlen(req->who->csrf);
    return sent && n > 0 && strlen(sent) == n && CRYPTO_memcmp(sent, req->who->csrf, n) == 0;
}

static enum MHD_Result cache_key_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    if (strcmp(key, "tenant") != 0)
        ym_buf_printf(cls, "%s=%s&", key, value ? value : "");
    return MHD_YES;
}

static void dispatch(struct portal *p, struct portal_req *req, struct request_ctx *ctx,
                     struct portal_resp *resp)
{
    const struct portal_route *route = NULL;
    struct portal_route_args args;
    enum portal_match m = portal_route_match(portal_routes, req->method, req->path, &route, &args);
    if (m == PORTAL_MATCH_NONE) {
        portal_reply_error(resp, 404, "no such API route: %s", req->path);
        return;
    }
    if (m == PORTAL_MATCH_METHOD) {
        portal_reply_error(resp, 405, "%s is not allowed on %s", req->method, req->path);
        return;
    }
    req->route = route;
    for (size_t i = 0; i < args.count; i++) {
        if (args.len[i] >= sizeof req->args[i]) {
            portal_reply_error(resp, 404, "no such object");
            return;
        }
        memcpy(req->args[i], args.value[i], args.len[i]);
        req->args[i][args.len[i]] = '\0';
    }
    req->db = thread_db(p);
    if (!req->db) {
        portal_reply_error(resp, 500, "state store unavailable; see the server log");
        return;
    }

    /* 2-3: caller and role */
    struct state_principal who;
    if (resolve_caller(req, resp, &who) < 0)
        return;
    if (route->min_role != STATE_ROLE_NONE) {
        if (!req->who) {
            portal_reply_error(resp, 401, "not logged in");
            return;
        }
        if (req->who->user.role < route->min_role) {
            portal_reply_error(resp, 403, "the %s role may not do this (needs %s)",
                               state_role_name(req->who->user.role),
                               state_role_name(route->min_role));
            return;
        }
    }
    /* 4: CSRF */
    if (!csrf_ok(req)) {
        portal_reply_error(resp, 403, "CSRF token missing or wrong (send X-CSRF-Token)");
        return;
    }
    /* 5: tenant */
    int customer = req->who && req->who->user.role == STATE_ROLE_CUSTOMER;
    const char *asked = MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, "tenant");
    if (asked && !*asked)
        asked = NULL;
    if (customer) {
        if (asked && strcmp(asked, req->who->user.tenant) != 0) {
            portal_reply_error(resp, 404, "no such tenant");
            return;
        }
        req->tenant = req->who->user.tenant;
    } else if (route->scope == PORTAL_SCOPE_TENANT && asked) {
        if (!ym_config_tenant_name_ok(asked)) {
            portal_reply_error(resp, 400, "tenant: not a tenant name");
            return;
        }
        req->tenant = asked;
    }
    /* 6: object */
    char owner[72];
    if (route->scope >= PORTAL_SCOPE_INCIDENT) {
        char *end;
        errno = 0;
        long long id = strtoll(req->args[0], &end, 10);
        if (errno || *end || id <= 0) {
            portal_reply_error(resp, 404, "no such object");
            return;
        }
        enum ym_status st = portal_object_tenant(req->db, route->scope, id, owner, sizeof owner);
        if (st == YM_ENOTFOUND || (st == YM_OK && customer && strcmp(owner, req->tenant) != 0)) {
            portal_reply_error(resp, 404, "no such object");
            return;
        }
        if (st != YM_OK) {
            portal_reply_internal(resp, "object lookup");
            return;
        }
        req->object_id = id;
        req->object_tenant = owner;
    }
    /* 7: body */
    if (ctx->too_large) {
        portal_reply_error(resp, 413, "request body larger than %d bytes", MAX_BODY_BYTES);
        return;
    }
    if ((strcmp(req->method, "POST") == 0 || strcmp(req->method, "PUT") == 0) && ctx->body.len) {
        json_error_t jerr;
        req->body = json_loadb(ctx->body.data, ctx->body.len, JSON_REJECT_DUPLICATES, &jerr);
        if (!json_is_object(req->body)) {
            portal_reply_error(resp, 400, "body: expected a JSON object (%s)",
                               req->body ? "not an object" : jerr.text);
            return;
        }
    }
    if (route->cache_ms <= 0) {
        route->handler(req, resp);
    } else {
        /* Shared answers: keyed by the effective tenant, never the raw one. */
        struct ym_buf key = YM_BUF_INIT;
        ym_buf_printf(&key, "%s %s|%s|", req->method, req->path, req->tenant ? req->tenant : "*");
        MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, cache_key_arg, &key);
        uint64_t generation;
        resp->body = portal_cache_get(p->cache, key.data, route->cache_loose, &resp->body_len,
                                      &generation);
        if (resp->body) {
            resp->status = 200;
            resp->content_type = "application/json; charset=utf-8";
        } else {
            route->handler(req, resp);
            int ok = resp->status == 200 && resp->body;
            portal_cache_put(p->cache, key.data, ok ? resp->body : NULL, ok ? resp->body_len : 0,
                             route->cache_ms, generation);
        }
        ym_buf_free(&key);
    }
    if (resp->status == 0)
        portal_reply_internal(resp, route->pattern);
    if (strcmp(req->method, "GET") != 0 && resp->status >= 200 && resp->status < 300)
        portal_cache_bump(p->cache);
}

/* ---- libmicrohttpd glue ---- */

static void add_security_headers(struct MHD_Response *r, int tls, int api)
{
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                            "form-action 'self'");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    if (tls)
        MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
    if (api)
        MHD_add_response_header(r, "Cache-Control", "no-store");
}

static enum MHD_Result send_resp(struct portal *p, struct MHD_Connection *conn,
                                 struct portal_resp *resp, int api)
{
    struct MHD_Response *r = resp->raw;
    if (!r) {
        r = MHD_create_response_from_buffer(resp->body_len, resp->body, MHD_RESPMEM_MUST_FREE);
        if (!r) {
            free(resp->body);
            return MHD_NO;
        }
        resp->body = NULL;
        MHD_add_response_header(r, "Content-Type",
                                resp->content_type ? resp->content_type : "application/json");
    }
    if (resp->set_cookie[0])
        MHD_add_response_header(r, "Set-Cookie", resp->set_cookie);
    if (resp->status == 429)
        MHD_add_response_header(r, "Retry-After", "60");
    add_security_headers(r, p->tls, api);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)resp->status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
    struct portal *p = cls;
    struct request_ctx *ctx = *con_cls;
    if (!ctx) {
        ctx = ym_xcalloc(1, sizeof *ctx);
        *con_cls = ctx;
        return MHD_YES;
    }
    if (*upload_size) {
        if (ctx->body.len + *upload_size > MAX_BODY_BYTES)
            ctx->too_large = 1;
        else
            ym_buf_add(&ctx->body, upload_data, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    struct portal_resp resp = {0};
    int api = strncmp(url, "/api/", 5) == 0;
    if (api) {
        char address[64];
        client_address(conn, address, sizeof address);
        struct portal_req req = {
            .portal = p, .cfg = p->cfg, .data_dir = p->data_dir, .conn = conn,
            .method = method, .path = url, .address = address, .tls = p->tls,
        };
        int64_t t0 = ym_time_mono_ns();
        dispatch(p, &req, ctx, &resp);
        int64_t dt = ym_time_mono_ns() - t0;
        if (dt > SLOW_REQUEST_NS)
            YM_LOG_RATELIMITED(YM_LOG_WARN, "portal: slow request: %s %s took %lld ms", method, url,
                               (long long)(dt / 1000000));
        json_decref(req.body);
    } else if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) {
        int status = 500;
        resp.raw = portal_static_response(p, url, &status);
        if (!resp.raw)
            return MHD_NO;
        resp.status = status;
    } else {
        portal_reply_error(&resp, 405, "%s is not allowed here", method);
    }
    return send_resp(p, conn, &resp, api);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct request_ctx *ctx = *con_cls;
    if (!ctx)
        return;
    ym_buf_free(&ctx->body);
    free(ctx);
    *con_cls = NULL;
}

static int is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    if (sa->sa_family == AF_INET6)
        return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
    return 0;
}

static const char *listen_url(const struct portal *p, char *buf, size_t len)
{
    const struct ym_listen *l = &p->cfg->http;
    snprintf(buf, len, "%s://%s%s%s:%d/", p->tls ? "https" : "http", strchr(l->host, ':') ? "[" : "",
             l->host, strchr(l->host, ':') ? "]" : "", p->port);
    return buf;
}

/* Creates `admin` with a one-time password when there is no account. */
static enum ym_status first_admin(struct portal *p, int quiet)
{
    struct ym_error err = {0};
    struct state_db *db;
    enum ym_status st = state_db_open(p->data_dir, STATE_DB_WRITER, &db, &err);
    if (st != YM_OK) {
        ym_log(YM_LOG_ERROR, "portal: state store: %s", err.reason);
        return st;
    }
    uint64_t n = 0;
    st = state_users_count(db, &n);
    if (st == YM_OK && n == 0) {
        char pw[21];
        struct state_user u = {.role = STATE_ROLE_ADMIN, .must_change = 1};
        snprintf(u.name, sizeof u.name, "admin");
        snprintf(u.lang, sizeof u.lang, "en");
        if ((st = state_users_random_password(pw, sizeof pw, 20)) == YM_OK)
            st = state_users_add(db, &u, pw, NULL);
        if (st == YM_OK) {
            struct state_audit_entry e = {.actor = "yamori", .action = "user.add",
                                          .object = "user:admin",
                                          .detail = "first start: admin with a one-time password",
                                          .address = "local"};
            state_audit_add(db, &e);
            ym_log(YM_LOG_INFO, "portal: first start: created user 'admin' with a one-time "
                                "password (printed once on stdout)");
            if (!quiet) {
                printf("yamori serve: portal: first start: user 'admin', one-time password: %s\n"
                       "yamori serve: portal: it is shown only now; change it with "
                       "`yamori user passwd admin`\n",
                       pw);
                fflush(stdout);
            }
        }
        OPENSSL_cleanse(pw, sizeof pw);
    }
    state_db_close(db);
    return st;
}

enum ym_status portal_start(const struct portal_options *opt, struct portal **out,
                            struct ym_error *err)
{
    const struct ym_config *cfg = opt->cfg;
    struct portal *p = ym_xcalloc(1, sizeof *p);
    p->cfg = cfg;
    p->data_dir = cfg->data_dir;
    p->limits.idle_ns = (int64_t)cfg->portal.session_idle_minutes * 60 * YM_NS_PER_S;
    p->limits.max_ns = (int64_t)cfg->portal.session_max_hours * 3600 * YM_NS_PER_S;
    pthread_mutex_init(&p->rules_lock, NULL);
    enum ym_status st = YM_OK;

    struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM};
    struct addrinfo *ai = NULL;
    const char *host = cfg->http.host[0] ? cfg->http.host : NULL;
    if (getaddrinfo(host, cfg->http.port, &hints, &ai) != 0 || !ai) {
        ym_error_set(err, "portal", 0, 0, "listen.http: cannot resolve %s", cfg->http.host);
        st = YM_EINVAL;
        goto fail;
    }
    p->tls = cfg->portal.https;
    if (!p->tls && !is_loopback(ai->ai_addr)) {
        ym_error_set(err, "portal", 0, 0,
                     "portal.https: false is allowed only on a loopback address (listen.http is "
                     "%s); remove it or bind the portal to 127.0.0.1",
                     cfg->http.host);
        st = YM_EINVAL;
        goto fail;
    }
    if (p->tls) {
        char path[4096];
        int made = 0;
        st = portal_tls_load(cfg, cfg->http.host, &p->cert_pem, &p->key_pem, path, sizeof path,
                             &made, err);
        if (st != YM_OK)
            goto fail;
        if (made)
            ym_log(YM_LOG_INFO,
                   "portal: no certificate configured: made a self-signed one, %s (set "
                   "portal.cert_file and portal.key_file to use your own)",
                   path);
    }
    if ((st = first_admin(p, opt->quiet)) != YM_OK) {
        ym_error_set(err, "portal", 0, 0, "cannot check or create the first account");
        goto fail;
    }
    p->web_dir = portal_static_find(opt->web_dir ? opt->web_dir : cfg->portal.web_dir);
    if (!p->web_dir)
        ym_log(YM_LOG_WARN, "portal: no web directory found (portal.web_dir): the API works, "
                            "the pages are missing");
    p->openapi = portal_route_openapi(portal_routes, "1");
    p->throttle = portal_throttle_create();
    p->cache = portal_cache_create();
    if (pthread_key_create(&p->db_key, close_thread_db) != 0) {
        st = YM_ENOMEM;
        goto fail;
    }
    p->db_key_made = 1;
    if ((st = portal_sse_start(p, &p->sse)) != YM_OK) {
        ym_error_set(err, "portal", 0, 0, "cannot start the live-update thread");
        goto fail;
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned threads = opt->threads > 0 ? (unsigned)opt->threads
                                        : (unsigned)(cores > 2 ? 2 * cores : 4);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_ALLOW_SUSPEND_RESUME;
    if (ai->ai_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (p->tls)
        flags |= MHD_USE_TLS;
    struct MHD_OptionItem tls_opts[] = {
        {MHD_OPTION_HTTPS_MEM_CERT, 0, p->cert_pem},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, p->key_pem},
        {MHD_OPTION_END, 0, NULL},
    };
    p->mhd = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, p, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)2048, MHD_OPTION_NOTIFY_COMPLETED, on_completed, p,
        MHD_OPTION_ARRAY,
        p->tls ? tls_opts : tls_opts + 2, MHD_OPTION_END);
    if (!p->mhd) {
        ym_error_set(err, "portal", 0, 0, "cannot listen on %s:%s: %s", cfg->http.host,
                     cfg->http.port, strerror(errno));
        st = YM_EIO;
        goto fail;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(p->mhd, MHD_DAEMON_INFO_BIND_PORT);
    p->port = di ? di->port : 0;
    freeaddrinfo(ai);
    char url[320];
    listen_url(p, url, sizeof url);
    ym_log(YM_LOG_INFO, "portal: listening on %s (%u threads, static files from %s)", url,
           threads, p->web_dir ? p->web_dir : "(none)");
    if (!opt->quiet) {
        printf("yamori serve: portal %s\n", url);
        fflush(stdout);
    }
    *out = p;
    return YM_OK;
fail:
    if (ai)
        freeaddrinfo(ai);
    portal_stop(p);
    return st;
}

void portal_stop(struct portal *p)
{
    if (!p)
        return;
    if (p->sse)
        portal_sse_stop(p->sse);
    if (p->mhd)
        MHD_stop_daemon(p->mhd);
    if (p->db_key_made)
        pthread_key_delete(p->db_key);
    portal_throttle_destroy(p->throttle);
    portal_cache_destroy(p->cache);
    detect_set_unref(p->rules);
    pthread_mutex_destroy(&p->rules_lock);
    if (p->key_pem)
        OPENSSL_cleanse(p->key_pem, strlen(p->key_pem));
    free(p->key_pem);
    free(p->cert_pem);
    free(p->openapi);
    free(p->web_dir);
    free(p);
}

int portal_port(const struct portal *p) { return p->port; }
