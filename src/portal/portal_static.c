/* portal_static: the web pages' files (web/: index.html, JavaScript
 * modules, CSS, vendor/uPlot).
 *
 * Any GET outside /api/ is a file of the web directory: "/" is
 * index.html; "/app/x" is web/x (or web/app/x); a path without a file
 * extension that names no file is a page of the single-page app and gets
 * index.html. Traversal is refused twice: ".." segments, backslashes and
 * control bytes are rejected before the file system is asked, and the
 * resolved path (symlinks followed) must still be inside the directory. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/ym_alloc.h"
#include "portal/portal_internal.h"

static int is_dir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

char *portal_static_find(const char *configured)
{
    if (configured)
        return is_dir(configured) ? realpath(configured, NULL) : NULL;
    if (is_dir("web"))
        return realpath("web", NULL);
    /* Beside the binary: a build directory of the repo (build/yamori ->
     * ../web), or an installation (bin/yamori -> ../share/yamori/web). */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            const char *rel[] = {"../web", "../share/yamori/web"};
            for (size_t i = 0; i < 2; i++) {
                char path[PATH_MAX + 32];
                snprintf(path, sizeof path, "%s/%s", exe, rel[i]);
                if (is_dir(path))
                    return realpath(path, NULL);
            }
        }
    }
    if (is_dir("/usr/share/yamori/web"))
        return ym_xstrdup("/usr/share/yamori/web");
    return NULL;
}

static const char *content_type(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},          {".svg", "image/svg+xml"},
        {".png", "image/png"},                  {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},               {".map", "application/json"},
        {".txt", "text/plain; charset=utf-8"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

static int path_ok(const char *url)
{
    size_t n = strlen(url);
    if (n == 0 || n > 1024 || url[0] != '/')
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)url[i] < 0x20 || url[i] == '\\' || url[i] == 0x7f)
            return 0;
    for (const char *s = url; (s = strstr(s, "..")) != NULL; s += 2) {
        int starts = s == url || s[-1] == '/';
        int ends = s[2] == '\0' || s[2] == '/';
        if (starts && ends)
            return 0;
    }
    return strstr(url, "//") == NULL;
}

/* Opens rel inside root; -1 if absent, outside or not a regular file. */
static int open_inside(const char *root, const char *rel, struct stat *sb)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", root, rel) >= (int)sizeof path)
        return -1;
    char *real = realpath(path, NULL);
    if (!real)
        return -1;
    size_t rl = strlen(root);
    int inside = strncmp(real, root, rl) == 0 && real[rl] == '/';
    int fd = inside ? open(real, O_RDONLY | O_CLOEXEC) : -1;
    free(real);
    if (fd < 0)
        return -1;
    if (fstat(fd, sb) != 0 || !S_ISREG(sb->st_mode)) {
        close(fd);
        return -1;
    }
    return fd;
}

static struct MHD_Response *text(int *status, int code, const char *msg)
{
    *status = code;
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(msg), (void *)msg, MHD_RESPMEM_PERSISTENT);
    if (r)
        MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
    return r;
}

struct MHD_Response *portal_static_response(struct portal *p, const char *url, int *status)
{
    if (!path_ok(url))
        return text(status, 400, "bad path\n");
    if (!p->web_dir)
        return text(status, 404, "the web pages are not installed (portal.web_dir)\n");
    const char *rel = url + 1;
    const char *serve_as = *rel ? rel : "index.html";
    struct stat sb;
    int fd = *rel ? open_inside(p->web_dir, rel, &sb) : -1;
    if (fd < 0 && strncmp(rel, "app/", 4) == 0) {
        serve_as = rel + 4;
        fd = *serve_as ? open_inside(p->web_dir, serve_as, &sb) : -1;
    }
    const char *last = strrchr(url, '/');
    if (fd < 0 && !strchr(last, '.')) {
        serve_as = "index.html";
        fd = open_inside(p->web_dir, serve_as, &sb);
    }
    if (fd < 0)
        return text(status, 404, "not found\n");
    struct MHD_Response *r = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
    if (!r) {
        close(fd);
        return NULL;
    }
    MHD_add_response_header(r, "Content-Type", content_type(serve_as));
    MHD_add_response_header(r, "Cache-Control", "no-cache");
    *status = 200;
    return r;
}
