/* portal_http: what the dispatcher hands a route handler, and the helpers
 * handlers answer with. Only src/portal/ includes it.
 *
 * A handler sees the caller (req->who), the effective tenant filter
 * (req->tenant: NULL = every tenant, only ever for staff), the owner of the
 * {id} object when its route has an object scope (req->object_tenant), the
 * parsed JSON body, and this thread's state-store connection (req->db). It
 * never reads the raw `tenant` query parameter: portal_query() refuses to
 * return it, so that isolation stays in the dispatcher.
 *
 * Memory: everything in a portal_req is borrowed for the handler's call.
 * A handler fills resp with portal_reply_json() (which takes the JSON
 * reference) or portal_reply_error(). Threads: a libmicrohttpd pool
 * thread runs one request at a time. */
#ifndef PORTAL_HTTP_H
#define PORTAL_HTTP_H

#include <jansson.h>
#include <stdint.h>

#include "core/ym_buf.h"
#include "core/ym_config.h"
#include "portal/portal_route.h"
#include "state/state_db.h"
#include "state/state_users.h"

struct portal;
struct MHD_Connection;
struct MHD_Response;

struct portal_req {
    struct portal *portal;
    const struct ym_config *cfg;
    const char *data_dir;
    struct state_db *db;          /* this thread's writer connection */
    struct MHD_Connection *conn;
    const struct portal_route *route;
    const char *method;
    const char *path;
    char args[PORTAL_ROUTE_MAX_ARGS][129]; /* {name} segments, NUL-terminated */
    const struct state_principal *who;     /* NULL on public routes without a caller */
    const char *tenant;                    /* effective tenant filter; NULL = all (staff) */
    const char *object_tenant;             /* owner of the {id} object (object scopes) */
    int64_t object_id;                     /* the {id} as a number (object scopes) */
    json_t *body;                          /* JSON object of POST/PUT, or NULL */
    const char *address;                   /* client address as text */
    int tls;                               /* 1 = served over HTTPS */
    const char *cookie;                    /* session cookie as sent, or NULL */
};

struct portal_resp {
    int status;
    char *body;               /* owned (malloc) */
    size_t body_len;
    const char *content_type; /* static string */
    char set_cookie[256];     /* "" = none */
    struct MHD_Response *raw; /* a prepared response (streams); overrides body */
};

/* ---- answering ---- */

/* Sets status and body from obj (the reference is taken). */
void portal_reply_json(struct portal_resp *resp, int status, json_t *obj);
/* {"error": "..."} with status. */
void portal_reply_error(struct portal_resp *resp, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* 500 with a generic message; the reason goes to the process log. */
void portal_reply_internal(struct portal_resp *resp, const char *what);

/* ---- reading the request ---- */

/* A query parameter, or NULL. Never returns `tenant` (see above). */
const char *portal_query(const struct portal_req *req, const char *name);
/* A query parameter as an integer in [min, max]; def when absent; -1 and
 * a 400 in resp when malformed. */
int portal_query_int(const struct portal_req *req, struct portal_resp *resp, const char *name,
                     long long min, long long max, long long def, long long *out);
/* A time query parameter (RFC 3339, date, "-24h"...); def when absent;
 * -1 and a 400 in resp when malformed. */
int portal_query_time(const struct portal_req *req, struct portal_resp *resp, const char *name,
                      int64_t def, int64_t *out);
/* A string member of the JSON body, or NULL. */
const char *portal_body_str(const struct portal_req *req, const char *name);

/* ---- audit ---- */

/* One audit entry for the caller's action (tenant "" = global). */
void portal_audit(struct portal_req *req, const char *tenant, const char *action,
                  const char *object, const char *detail);

/* ---- JSON helpers ---- */

/* RFC 3339 string of t_ns, or JSON null for 0. */
json_t *portal_json_time(int64_t t_ns);
/* 1 if tenant is configured. */
int portal_tenant_known(const struct portal_req *req, const char *tenant);

/* ---- tenant of an object (portal_api_incidents.c) ---- */

/* The tenant of object id of an object scope (incident, event,
 * suppression) into out. YM_ENOTFOUND if there is none. */
enum ym_status portal_object_tenant(struct state_db *db, enum portal_scope scope, int64_t id,
                                    char *out, size_t len);

/* ---- JSON of the triage records (portal_api_incidents.c) ---- */

struct state_event;
struct state_incident;
/* The API's event and incident objects (docs/api.md); new references. */
json_t *portal_event_json(const struct state_event *ev);
json_t *portal_incident_json(const struct state_incident *inc);

/* ---- handlers (portal_api_*.c, portal_auth.c, portal_sse.c) ---- */

void portal_api_login(struct portal_req *req, struct portal_resp *resp);
void portal_api_logout(struct portal_req *req, struct portal_resp *resp);
void portal_api_me(struct portal_req *req, struct portal_resp *resp);
void portal_api_me_put(struct portal_req *req, struct portal_resp *resp);
void portal_api_tenants(struct portal_req *req, struct portal_resp *resp);
void portal_api_devices(struct portal_req *req, struct portal_resp *resp);
void portal_api_stats_minutes(struct portal_req *req, struct portal_resp *resp);
void portal_api_stats_days(struct portal_req *req, struct portal_resp *resp);
void portal_api_stats_summary(struct portal_req *req, struct portal_resp *resp);
void portal_api_events(struct portal_req *req, struct portal_resp *resp);
void portal_api_event(struct portal_req *req, struct portal_resp *resp);
void portal_api_incidents(struct portal_req *req, struct portal_resp *resp);
void portal_api_incident(struct portal_req *req, struct portal_resp *resp);
void portal_api_incident_comment(struct portal_req *req, struct portal_resp *resp);
void portal_api_incident_status(struct portal_req *req, struct portal_resp *resp);
void portal_api_incident_assign(struct portal_req *req, struct portal_resp *resp);
void portal_api_search(struct portal_req *req, struct portal_resp *resp);
void portal_api_rules(struct portal_req *req, struct portal_resp *resp);
void portal_api_suppressions(struct portal_req *req, struct portal_resp *resp);
void portal_api_suppression_add(struct portal_req *req, struct portal_resp *resp);
void portal_api_suppression_del(struct portal_req *req, struct portal_resp *resp);
void portal_api_users(struct portal_req *req, struct portal_resp *resp);
void portal_api_user_add(struct portal_req *req, struct portal_resp *resp);
void portal_api_user_del(struct portal_req *req, struct portal_resp *resp);
void portal_api_tokens(struct portal_req *req, struct portal_resp *resp);
void portal_api_token_add(struct portal_req *req, struct portal_resp *resp);
void portal_api_token_del(struct portal_req *req, struct portal_resp *resp);
void portal_api_audit(struct portal_req *req, struct portal_resp *resp);
void portal_api_openapi(struct portal_req *req, struct portal_resp *resp);
void portal_api_stream(struct portal_req *req, struct portal_resp *resp);

#endif
