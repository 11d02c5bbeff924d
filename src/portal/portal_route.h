/* portal_route: the route table of the JSON API, and what is generated from
 * it: the dispatcher's matching and the OpenAPI 3 document
 * (/api/v1/openapi.json). One table, so that a route cannot exist without
 * being documented, access-checked and tested (the API test enumerates the
 * routes from the document).
 *
 * Each route names its minimum role and its tenant scope; the dispatcher
 * (portal.c) enforces both before any handler runs:
 *
 *   scope              what the dispatcher does for a customer
 *   PORTAL_SCOPE_NONE   nothing: the route is about the caller (me, tokens)
 *                       or staff-only data
 *   PORTAL_SCOPE_TENANT ?tenant= other than its own -> 404; the handler's
 *                       req->tenant is the customer's tenant. Staff: the
 *                       parameter or NULL (= all tenants).
 *   PORTAL_SCOPE_INCIDENT / _EVENT / _SUPPRESSION
 *                       the {id} object is looked up first; missing, or of
 *                       another tenant -> 404 (never 403: no existence leak);
 *                       req->object_tenant is its tenant.
 *
 * Memory: the table is static; matches point into the path (borrowed).
 * Threads: everything here is read-only and thread-safe. */
#ifndef PORTAL_ROUTE_H
#define PORTAL_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "state/state_users.h"

struct portal_req;
struct portal_resp;

typedef void (*portal_handler_fn)(struct portal_req *req, struct portal_resp *resp);

enum portal_scope {
    PORTAL_SCOPE_NONE = 0,
    PORTAL_SCOPE_TENANT,
    PORTAL_SCOPE_INCIDENT,
    PORTAL_SCOPE_EVENT,
    PORTAL_SCOPE_SUPPRESSION,
};

#define PORTAL_ROUTE_MAX_ARGS 2

struct portal_route {
    const char *method;       /* GET, POST, PUT, DELETE */
    const char *pattern;      /* "/api/v1/incidents/{id}": {name} matches one segment */
    enum state_role min_role; /* STATE_ROLE_NONE = no login needed */
    enum portal_scope scope;
    portal_handler_fn handler;
    const char *summary;      /* one line for the document */
    const char *query;        /* documented query parameters, "tenant,from,to" or NULL */
    const char *body_example; /* JSON request body example (POST/PUT), or NULL */
    int stream;               /* 1 = text/event-stream */
    int cache_ms;             /* > 0: a 200 answer is shared for this long by callers
                               * with the same tenant filter and query (dashboard
                               * aggregates); 0 = computed per request */
    int cache_loose;          /* 1 = a shared answer ages only by cache_ms (counts per
                               * minute and day); 0 = also stale after any change */
};

/* The API's table (portal_routes.c), terminated by a zero entry. */
extern const struct portal_route portal_routes[];

enum portal_match {
    PORTAL_MATCH_NONE = 0,   /* no route has this path: 404 */
    PORTAL_MATCH_METHOD = 1, /* the path exists with other methods: 405 */
    PORTAL_MATCH_OK = 2,
};

struct portal_route_args {
    const char *value[PORTAL_ROUTE_MAX_ARGS]; /* into the path, not NUL-terminated */
    size_t len[PORTAL_ROUTE_MAX_ARGS];
    size_t count;
};

/* Finds the route of (method, path) in table. *route is set for
 * PORTAL_MATCH_OK; args get the {name} segments. */
enum portal_match portal_route_match(const struct portal_route *table, const char *method,
                                     const char *path, const struct portal_route **route,
                                     struct portal_route_args *args);

/* The OpenAPI 3.0 document of table as JSON text (owned: free()). */
char *portal_route_openapi(const struct portal_route *table, const char *version);

#endif
