/* Unit tests of the portal's static files (portal_static.c): index.html
 * for "/" and page paths, files under /app/, content types, and traversal
 * refused (".." segments, backslashes, a symlink leading outside). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <microhttpd.h>

#include "portal/portal_internal.h"

static char dir[64];

static void put(const char *rel, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    snprintf(dir, sizeof dir, "/tmp/ym-static-test-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    char sub[128];
    snprintf(sub, sizeof sub, "%s/js", dir);
    mkdir(sub, 0755);
    put("index.html", "<!doctype html>");
    put("js/main.js", "export {};");
    const char *links[] = {"evil", "evil.txt"};
    for (size_t i = 0; i < 2; i++) {
        char link[128];
        snprintf(link, sizeof link, "%s/%s", dir, links[i]);
        if (symlink("/etc/passwd", link) != 0)
            return -1;
    }
    struct portal *p = calloc(1, sizeof *p);
    p->web_dir = portal_static_find(dir);
    *state = p;
    return p->web_dir ? 0 : -1;
}

static int teardown(void **state)
{
    struct portal *p = *state;
    char path[128];
    const char *names[] = {"evil", "evil.txt", "js/main.js", "index.html"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/js", dir);
    rmdir(path);
    rmdir(dir);
    free(p->web_dir);
    free(p);
    return 0;
}

/* Status of GET url; *type gets the Content-Type (static string or NULL). */
static int get(struct portal *p, const char *url, char *type, size_t type_len)
{
    int status = 0;
    struct MHD_Response *r = portal_static_response(p, url, &status);
    assert_non_null(r);
    const char *t = MHD_get_response_header(r, "Content-Type");
    snprintf(type, type_len, "%s", t ? t : "");
    MHD_destroy_response(r);
    return status;
}

static void index_and_page_paths_serve_index_html(void **state)
{
    char type[64];
    assert_int_equal(get(*state, "/", type, sizeof type), 200);
    assert_non_null(strstr(type, "text/html"));
    assert_int_equal(get(*state, "/app/incidents/42", type, sizeof type), 200);
    assert_non_null(strstr(type, "text/html"));
}

static void app_files_come_from_the_web_directory(void **state)
{
    char type[64];
    assert_int_equal(get(*state, "/app/js/main.js", type, sizeof type), 200);
    assert_non_null(strstr(type, "text/javascript"));
    assert_int_equal(get(*state, "/js/main.js", type, sizeof type), 200);
    assert_int_equal(get(*state, "/app/js/missing.js", type, sizeof type), 404);
}

static void traversal_is_refused(void **state)
{
    char type[64];
    assert_int_equal(get(*state, "/../etc/passwd", type, sizeof type), 400);
    assert_int_equal(get(*state, "/app/../../etc/passwd", type, sizeof type), 400);
    assert_int_equal(get(*state, "/js/..", type, sizeof type), 400);
    assert_int_equal(get(*state, "/js\\..\\..\\etc\\passwd", type, sizeof type), 400);
    assert_int_equal(get(*state, "//etc/passwd", type, sizeof type), 400);
    /* A symlink inside the directory that leads outside is not served:
     * a file name is 404, a page path gets the page. */
    assert_int_equal(get(*state, "/evil.txt", type, sizeof type), 404);
    assert_int_equal(get(*state, "/evil", type, sizeof type), 200);
    assert_non_null(strstr(type, "text/html"));
    /* ".." inside a name is a name. */
    assert_int_equal(get(*state, "/js/a..b.js", type, sizeof type), 404);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(index_and_page_paths_serve_index_html, setup, teardown),
        cmocka_unit_test_setup_teardown(app_files_come_from_the_web_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(traversal_is_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
