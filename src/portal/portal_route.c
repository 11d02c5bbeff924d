/* portal_route: route matching and the OpenAPI document (see
 * portal_route.h). */
#include "portal/portal_route.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Matches one pattern against path; 1 on a match (args filled). */
static int pattern_match(const char *pattern, const char *path, struct portal_route_args *args)
{
    args->count = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            if (!close)
                return 0;
            size_t n = strcspn(s, "/");
            if (n == 0 || args->count == PORTAL_ROUTE_MAX_ARGS)
                return 0;
            args->value[args->count] = s;
            args->len[args->count] = n;
            args->count++;
            p = close + 1;
            s += n;
            continue;
        }
        if (*p != *s)
            return 0;
        p++;
        s++;
    }
    return *p == '\0' && *s == '\0';
}

enum portal_match portal_route_match(const struct portal_route *table, const char *method,
                                     const char *path, const struct portal_route **route,
                                     struct portal_route_args *args)
{
    enum portal_match best = PORTAL_MATCH_NONE;
    struct portal_route_args scratch;
    for (const struct portal_route *r = table; r->method; r++) {
        if (!pattern_match(r->pattern, path, &scratch))
            continue;
        if (strcmp(r->method, method) == 0) {
            *route = r;
            *args = scratch;
            return PORTAL_MATCH_OK;
        }
        best = PORTAL_MATCH_METHOD;
    }
    return best;
}

/* ---- OpenAPI ---- */

static const char *const scope_names[] = {"none", "tenant", "incident", "event", "suppression"};

static json_t *error_response(const char *description)
{
    return json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", description, "content",
                     "application/json", "schema", "$ref", "#/components/schemas/Error");
}

static json_t *operation(const struct portal_route *r)
{
    json_t *op = json_object();
    json_object_set_new(op, "summary", json_string(r->summary ? r->summary : ""));
    char opid[160];
    size_t n = 0;
    n += (size_t)snprintf(opid + n, sizeof opid - n, "%s", r->method);
    for (const char *s = r->pattern + strlen("/api/v1"); *s && n + 2 < sizeof opid; s++)
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9'))
            opid[n++] = *s;
        else if (*s == '/' || *s == '{')
            opid[n++] = '_';
    opid[n] = '\0';
    json_object_set_new(op, "operationId", json_string(opid));
    json_object_set_new(op, "x-min-role", json_string(r->min_role == STATE_ROLE_NONE
                                                          ? "public"
                                                          : state_role_name(r->min_role)));
    json_object_set_new(op, "x-tenant-scope", json_string(scope_names[r->scope]));
    if (r->min_role == STATE_ROLE_NONE)
        json_object_set_new(op, "security", json_array());

    json_t *params = json_array();
    for (const char *p = strchr(r->pattern, '{'); p; p = strchr(p + 1, '{')) {
        const char *close = strchr(p, '}');
        if (!close)
            break;
        json_array_append_new(params,
                              json_pack("{s:s%, s:s, s:b, s:{s:s}}", "name", p + 1,
                                        (size_t)(close - p - 1), "in", "path", "required", 1,
                                        "schema", "type", "string"));
    }
    if (r->query) {
        const char *q = r->query;
        while (*q) {
            size_t len = strcspn(q, ",");
            json_array_append_new(params, json_pack("{s:s%, s:s, s:b, s:{s:s}}", "name", q, len,
                                                    "in", "query", "required", 0, "schema",
                                                    "type", "string"));
            q += len;
            if (*q == ',')
                q++;
        }
    }
    if (json_array_size(params))
        json_object_set_new(op, "parameters", params);
    else
        json_decref(params);

    if (r->body_example) {
        json_t *ex = json_loads(r->body_example, 0, NULL);
        json_object_set_new(op, "requestBody",
                            json_pack("{s:b, s:{s:{s:{s:s}, s:o*}}}", "required", 1, "content",
                                      "application/json", "schema", "type", "object", "example",
                                      ex));
    }
    json_t *responses = json_object();
    if (r->stream)
        json_object_set_new(responses, "200",
                            json_pack("{s:s, s:{s:{s:{s:s}}}}", "description",
                                      "server-sent events", "content", "text/event-stream",
                                      "schema", "type", "string"));
    else
        json_object_set_new(responses, "200",
                            json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", "OK", "content",
                                      "application/json", "schema", "type", "object"));
    json_object_set_new(responses, "400", error_response("bad input"));
    if (r->min_role != STATE_ROLE_NONE) {
        json_object_set_new(responses, "401", error_response("not logged in"));
        json_object_set_new(responses, "403", error_response("role may not, or CSRF token missing"));
    }
    json_object_set_new(responses, "404",
                        error_response("no such thing, or it belongs to another tenant"));
    if (strcmp(r->method, "GET") != 0)
        json_object_set_new(responses, "409", error_response("invalid state transition"));
    if (r->min_role == STATE_ROLE_NONE)
        json_object_set_new(responses, "429", error_response("too many failed logins"));
    json_object_set_new(op, "responses", responses);
    return op;
}

char *portal_route_openapi(const struct portal_route *table, const char *version)
{
    json_t *paths = json_object();
    for (const struct portal_route *r = table; r->method; r++) {
        json_t *item = json_object_get(paths, r->pattern);
        if (!item) {
            item = json_object();
            json_object_set_new(paths, r->pattern, item);
        }
        char method[8];
        size_t i = 0;
        for (; r->method[i] && i + 1 < sizeof method; i++)
            method[i] = (char)(r->method[i] | 0x20);
        method[i] = '\0';
        json_object_set_new(item, method, operation(r));
    }
    json_t *doc = json_pack(
        "{s:s, s:{s:s, s:s, s:s}, s:[{s:[]}, {s:[]}], s:o, s:{s:{s:{s:s, s:s, s:s, s:s}, "
        "s:{s:s, s:s}}, s:{s:{s:s, s:[s], s:{s:{s:s}}}}}}",
        "openapi", "3.0.3", "info", "title", "yamori portal API", "version", version,
        "description",
        "JSON API of the yamori portal (docs/api.md). Browser sessions send the CSRF token in "
        "X-CSRF-Token on POST, PUT and DELETE; API tokens go in Authorization: Bearer.",
        "security", "cookieAuth", "bearerAuth", "paths", paths, "components", "securitySchemes",
        "cookieAuth", "type", "apiKey", "in", "cookie", "name", "ym_session", "description",
        "session cookie set by POST /api/v1/login", "bearerAuth", "type", "http", "scheme",
        "bearer", "schemas", "Error", "type", "object", "required", "error", "properties", "error",
        "type", "string");
    char *text = doc ? json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(doc);
    return text;
}
