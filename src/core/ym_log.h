/* ym_log: the process log (stderr, one line per message, UTC timestamps).
 *
 * Thread-safe: each message is written with one write(2). ym_log_level_set
 * is called once at start-up. YM_LOG_RATELIMITED logs at most once per
 * second per call site and says how many were suppressed, for per-log
 * warnings on the data plane. */
#ifndef YM_LOG_H
#define YM_LOG_H

#include <stdint.h>

enum ym_log_level { YM_LOG_DEBUG, YM_LOG_INFO, YM_LOG_WARN, YM_LOG_ERROR };

void ym_log_level_set(enum ym_log_level level);
enum ym_log_level ym_log_level_get(void);
void ym_log(enum ym_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct ym_log_limit {
    int64_t last_s;      /* second of the last message written */
    uint64_t suppressed; /* messages not written since */
};
/* Returns 1 when the caller may log now (and how many were skipped since). */
int ym_log_limit_ok(struct ym_log_limit *lim, uint64_t *skipped);

#define YM_LOG_RATELIMITED(level, ...)                                        \
    do {                                                                      \
        static __thread struct ym_log_limit ym_lim_;                          \
        uint64_t ym_skipped_;                                                 \
        if (ym_log_limit_ok(&ym_lim_, &ym_skipped_)) {                        \
            ym_log(level, __VA_ARGS__);                                       \
            if (ym_skipped_)                                                  \
                ym_log(level, "(%llu similar messages suppressed)",           \
                       (unsigned long long)ym_skipped_);                      \
        }                                                                     \
    } while (0)

#endif
