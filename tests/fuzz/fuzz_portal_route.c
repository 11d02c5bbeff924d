/* Fuzz target: the portal's route matching (portal_route_match) on the
 * API's real table with any method and path: a match must be the route
 * whose pattern, with each {name} replaced by its captured segment, is
 * exactly the path; captured segments are non-empty, hold no '/', and lie
 * inside the path. First byte picks the method, the rest is the path. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "portal/portal_route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const methods[] = {"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"};
    if (size == 0 || size > 4096)
        return 0;
    const char *method = methods[data[0] % 6];
    char *path = malloc(size);
    memcpy(path, data + 1, size - 1);
    path[size - 1] = '\0';
    const struct portal_route *r = NULL;
    struct portal_route_args a;
    if (portal_route_match(portal_routes, method, path, &r, &a) == PORTAL_MATCH_OK) {
        if (!r || strcmp(r->method, method) != 0)
            abort();
        /* Rebuild the path from the pattern and the captures. */
        char rebuilt[8192];
        size_t n = 0, k = 0;
        for (const char *p = r->pattern; *p;) {
            if (*p == '{') {
                if (k >= a.count || a.len[k] == 0 || a.value[k] < path ||
                    a.value[k] + a.len[k] > path + strlen(path) ||
                    memchr(a.value[k], '/', a.len[k]) || n + a.len[k] >= sizeof rebuilt)
                    abort();
                memcpy(rebuilt + n, a.value[k], a.len[k]);
                n += a.len[k++];
                p = strchr(p, '}') + 1;
            } else {
                if (n + 1 >= sizeof rebuilt)
                    abort();
                rebuilt[n++] = *p++;
            }
        }
        rebuilt[n] = '\0';
        if (k != a.count || strcmp(rebuilt, path) != 0)
            abort();
    }
    free(path);
    return 0;
}
