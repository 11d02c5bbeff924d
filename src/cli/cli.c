#include "cli/cli.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ym_config *cli_load_config(const char *config_path, const char *data_dir)
{
    struct ym_config *cfg = NULL;
    const char *path = config_path;
    if (!path && access("yamori.yaml", R_OK) == 0)
        path = "yamori.yaml";
    if (path) {
        struct ym_error err = {0};
        enum ym_status st = ym_config_load(path, &cfg, &err);
        if (st != YM_OK) {
            if (err.line)
                fprintf(stderr, "yamori: %s:%d: %s\n", err.file[0] ? err.file : path, err.line,
                        err.reason);
            else
                fprintf(stderr, "yamori: %s: %s\n", path,
                        err.reason[0] ? err.reason : ym_status_str(st));
            return NULL;
        }
    } else {
        cfg = ym_config_default();
    }
    if (data_dir)
        ym_config_set_data_dir(cfg, data_dir);
    return cfg;
}

static int vreport(const char *cmd, const char *fmt, va_list ap)
{
    fprintf(stderr, "yamori %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    return 0;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(cmd, fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try 'yamori %s --help'.\n", cmd);
    return CLI_USAGE;
}

int cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(cmd, fmt, ap);
    va_end(ap);
    return CLI_FAIL;
}

const char *cli_actor(const char *as)
{
    if (as && *as)
        return as;
    const char *u = getenv("USER");
    if (u && *u)
        return u;
    struct passwd *pw = getpwuid(getuid());
    return pw && pw->pw_name ? pw->pw_name : "unknown";
}
