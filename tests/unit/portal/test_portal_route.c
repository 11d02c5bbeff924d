/* Unit tests of the portal's route table (portal/portal_route.h): path
 * matching with {name} segments, 404 versus 405, the table's own
 * invariants (every object route is object-scoped, only login is public),
 * and the OpenAPI document generated from it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "portal/portal_route.h"

static void h(struct portal_req *req, struct portal_resp *resp) {}

static const struct portal_route table[] = {
    {"GET", "/api/v1/things", STATE_ROLE_CUSTOMER, PORTAL_SCOPE_TENANT, h, "list", "tenant,limit",
     NULL, 0, 0, 0},
    {"GET", "/api/v1/things/{id}", STATE_ROLE_CUSTOMER, PORTAL_SCOPE_INCIDENT, h, "one", NULL,
     NULL, 0, 0, 0},
    {"POST", "/api/v1/things/{id}/notes", STATE_ROLE_ANALYST, PORTAL_SCOPE_INCIDENT, h, "note",
     NULL, "{\"text\":\"x\"}", 0, 0, 0},
    {"POST", "/api/v1/open", STATE_ROLE_NONE, PORTAL_SCOPE_NONE, h, "public", NULL, NULL, 0, 0, 0},
    {NULL, NULL, STATE_ROLE_NONE, PORTAL_SCOPE_NONE, NULL, NULL, NULL, NULL, 0, 0, 0},
};

static void path_segments_are_captured(void **state)
{
    const struct portal_route *r = NULL;
    struct portal_route_args a;
    assert_int_equal(portal_route_match(table, "POST", "/api/v1/things/42/notes", &r, &a),
                     PORTAL_MATCH_OK);
    assert_ptr_equal(r, &table[2]);
    assert_int_equal(a.count, 1);
    assert_int_equal(a.len[0], 2);
    assert_memory_equal(a.value[0], "42", 2);
    assert_int_equal(portal_route_match(table, "GET", "/api/v1/things/abc", &r, &a),
                     PORTAL_MATCH_OK);
    assert_ptr_equal(r, &table[1]);
}

static void unknown_path_is_404_and_wrong_method_is_405(void **state)
{
    const struct portal_route *r = NULL;
    struct portal_route_args a;
    assert_int_equal(portal_route_match(table, "GET", "/api/v1/nothing", &r, &a),
                     PORTAL_MATCH_NONE);
    assert_int_equal(portal_route_match(table, "DELETE", "/api/v1/things", &r, &a),
                     PORTAL_MATCH_METHOD);
    /* An empty segment, a trailing slash and a longer path match nothing. */
    assert_int_equal(portal_route_match(table, "GET", "/api/v1/things/", &r, &a),
                     PORTAL_MATCH_NONE);
    assert_int_equal(portal_route_match(table, "GET", "/api/v1/things/1/2", &r, &a),
                     PORTAL_MATCH_NONE);
    assert_int_equal(portal_route_match(table, "GET", "/api/v1/thing", &r, &a), PORTAL_MATCH_NONE);
}

static void every_object_route_of_the_api_is_object_scoped(void **state)
{
    /* A route on an incident, event or suppression id must let the
     * dispatcher check the object's tenant. */
    static const struct {
        const char *prefix;
        enum portal_scope scope;
    } objects[] = {
        {"/api/v1/incidents/{id}", PORTAL_SCOPE_INCIDENT},
        {"/api/v1/events/{id}", PORTAL_SCOPE_EVENT},
        {"/api/v1/suppressions/{id}", PORTAL_SCOPE_SUPPRESSION},
    };
    size_t checked = 0;
    for (const struct portal_route *r = portal_routes; r->method; r++)
        for (size_t i = 0; i < sizeof objects / sizeof objects[0]; i++)
            if (strncmp(r->pattern, objects[i].prefix, strlen(objects[i].prefix)) == 0) {
                assert_int_equal(r->scope, objects[i].scope);
                checked++;
            }
    assert_true(checked >= 6);
}

static void only_login_is_public(void **state)
{
    size_t public_routes = 0;
    for (const struct portal_route *r = portal_routes; r->method; r++)
        if (r->min_role == STATE_ROLE_NONE) {
            assert_string_equal(r->pattern, "/api/v1/login");
            public_routes++;
        }
    assert_int_equal(public_routes, 1);
}

static void openapi_lists_every_route_with_its_role(void **state)
{
    char *text = portal_route_openapi(table, "test");
    assert_non_null(text);
    json_error_t jerr;
    json_t *doc = json_loads(text, 0, &jerr);
    free(text);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.0.3");
    json_t *paths = json_object_get(doc, "paths");
    assert_int_equal(json_object_size(paths), 4);
    json_t *note = json_object_get(json_object_get(paths, "/api/v1/things/{id}/notes"), "post");
    assert_non_null(note);
    assert_string_equal(json_string_value(json_object_get(note, "x-min-role")), "analyst");
    assert_string_equal(json_string_value(json_object_get(note, "x-tenant-scope")), "incident");
    json_t *param = json_array_get(json_object_get(note, "parameters"), 0);
    assert_string_equal(json_string_value(json_object_get(param, "name")), "id");
    assert_string_equal(json_string_value(json_object_get(param, "in")), "path");
    json_t *example = json_object_get(
        json_object_get(json_object_get(json_object_get(note, "requestBody"), "content"),
                        "application/json"),
        "example");
    assert_string_equal(json_string_value(json_object_get(example, "text")), "x");
    json_t *responses = json_object_get(note, "responses");
    assert_non_null(json_object_get(responses, "401"));
    assert_non_null(json_object_get(responses, "403"));
    assert_non_null(json_object_get(responses, "404"));
    /* The public route needs no security and has no 401. */
    json_t *open = json_object_get(json_object_get(paths, "/api/v1/open"), "post");
    assert_int_equal(json_array_size(json_object_get(open, "security")), 0);
    assert_non_null(json_object_get(open, "security"));
    assert_null(json_object_get(json_object_get(open, "responses"), "401"));
    /* Query parameters of the list route. */
    json_t *list = json_object_get(json_object_get(paths, "/api/v1/things"), "get");
    assert_int_equal(json_array_size(json_object_get(list, "parameters")), 2);
    json_decref(doc);
}

static void openapi_of_the_api_has_every_route_once(void **state)
{
    char *text = portal_route_openapi(portal_routes, "1");
    json_t *doc = json_loads(text, 0, NULL);
    free(text);
    assert_non_null(doc);
    json_t *paths = json_object_get(doc, "paths");
    size_t routes = 0, operations = 0;
    for (const struct portal_route *r = portal_routes; r->method; r++)
        routes++;
    const char *key;
    json_t *item;
    json_object_foreach(paths, key, item) operations += json_object_size(item);
    assert_int_equal(operations, routes);
    assert_non_null(json_object_get(json_object_get(paths, "/api/v1/incidents/{id}/status"), "post"));
    assert_non_null(json_object_get(json_object_get(paths, "/api/v1/stream"), "get"));
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(path_segments_are_captured),
        cmocka_unit_test(unknown_path_is_404_and_wrong_method_is_405),
        cmocka_unit_test(every_object_route_of_the_api_is_object_scoped),
        cmocka_unit_test(only_login_is_public),
        cmocka_unit_test(openapi_lists_every_route_with_its_role),
        cmocka_unit_test(openapi_of_the_api_has_every_route_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
