#include "core/ym_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static enum ym_log_level min_level = YM_LOG_INFO;

void ym_log_level_set(enum ym_log_level level) { min_level = level; }
enum ym_log_level ym_log_level_get(void) { return min_level; }

void ym_log(enum ym_log_level level, const char *fmt, ...)
{
    if (level < min_level)
        return;
    static const char *names[] = {"debug", "info", "warn", "error"};
    char line[2048];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    int n = (int)strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%S", &tm);
    n += snprintf(line + n, sizeof line - (size_t)n, ".%03ldZ %-5s ", ts.tv_nsec / 1000000,
                  names[level]);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    if (m < 0)
        m = 0;
    n += m;
    if (n > (int)sizeof line - 2)
        n = (int)sizeof line - 2;
    line[n++] = '\n';
    ssize_t w = write(STDERR_FILENO, line, (size_t)n);
    (void)w;
}

int ym_log_limit_ok(struct ym_log_limit *lim, uint64_t *skipped)
{
    int64_t now = (int64_t)time(NULL);
    if (now == lim->last_s) {
        lim->suppressed++;
        *skipped = 0;
        return 0;
    }
    lim->last_s = now;
    *skipped = lim->suppressed;
    lim->suppressed = 0;
    return 1;
}
