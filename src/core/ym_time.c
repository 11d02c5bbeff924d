#include "core/ym_time.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int64_t ym_time_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * YM_NS_PER_S + ts.tv_nsec;
}

int64_t ym_time_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * YM_NS_PER_S + ts.tv_nsec;
}

/* Howard Hinnant's civil-date algorithms. */
int64_t ym_time_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void ym_time_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t yy = (int64_t)yoe + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

/* Bytes snprintf actually wrote (it returns what it would have written). */
static size_t written(int n, size_t out_len)
{
    if (n < 0)
        return 0;
    return (size_t)n < out_len ? (size_t)n : out_len - 1;
}

size_t ym_time_format_rfc3339_offset(int64_t t_ns, int offset_s, char *out, size_t out_len)
{
    int64_t local_ns = t_ns + (int64_t)offset_s * YM_NS_PER_S;
    int64_t secs = floor_div(local_ns, YM_NS_PER_S);
    int64_t ms = (local_ns - secs * YM_NS_PER_S) / 1000000;
    int64_t days = floor_div(secs, 86400);
    int64_t rem = secs - days * 86400;
    int64_t y;
    unsigned m, d;
    ym_time_civil_from_days(days, &y, &m, &d);
    int n;
    if (out_len == 0)
        return 0;
    if (offset_s == 0 && y >= 0 && y <= 9999 && out_len > 24) {
        /* The common case (every parsed log's @timestamp) without snprintf:
         * the same text, several times faster. */
        static const char d2[] = "000102030405060708091011121314151617181920212223242526272829"
                                 "303132333435363738394041424344454647484950515253545556575859"
                                 "606162636465666768697071727374757677787980818283848586878889"
                                 "90919293949596979899";
        const unsigned f[4] = {(unsigned)(y / 100), (unsigned)(y % 100), m, d};
        memcpy(out, d2 + 2 * f[0], 2);
        memcpy(out + 2, d2 + 2 * f[1], 2);
        out[4] = '-';
        memcpy(out + 5, d2 + 2 * f[2], 2);
        out[7] = '-';
        memcpy(out + 8, d2 + 2 * f[3], 2);
        out[10] = 'T';
        memcpy(out + 11, d2 + 2 * (rem / 3600), 2);
        out[13] = ':';
        memcpy(out + 14, d2 + 2 * (rem / 60 % 60), 2);
        out[16] = ':';
        memcpy(out + 17, d2 + 2 * (rem % 60), 2);
        out[19] = '.';
        out[20] = (char)('0' + ms / 100);
        memcpy(out + 21, d2 + 2 * (ms % 100), 2);
        out[23] = 'Z';
        out[24] = '\0';
        return 24;
    }
    if (offset_s == 0) {
        n = snprintf(out, out_len, "%04lld-%02u-%02uT%02d:%02d:%02d.%03lldZ", (long long)y, m, d,
                     (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), (long long)ms);
    } else {
        int off = offset_s < 0 ? -offset_s : offset_s;
        n = snprintf(out, out_len, "%04lld-%02u-%02uT%02d:%02d:%02d.%03lld%c%02d:%02d",
                     (long long)y, m, d, (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60),
                     (long long)ms, offset_s < 0 ? '-' : '+', off / 3600, off / 60 % 60);
    }
    return written(n, out_len);
}

size_t ym_time_format_rfc3339(int64_t t_ns, char *out, size_t out_len)
{
    return ym_time_format_rfc3339_offset(t_ns, 0, out, out_len);
}

size_t ym_time_format_day(int64_t t_ns, char *out, size_t out_len)
{
    int64_t y;
    unsigned m, d;
    ym_time_civil_from_days(floor_div(t_ns, YM_NS_PER_DAY), &y, &m, &d);
    if (out_len == 0)
        return 0;
    int n = snprintf(out, out_len, "%04lld-%02u-%02u", (long long)y, m, d);
    return written(n, out_len);
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

enum ym_status ym_time_parse_offset(const char *s, int *offset_s)
{
    if (!strcmp(s, "Z") || !strcmp(s, "z") || !strcasecmp(s, "UTC") || !strcasecmp(s, "GMT")) {
        *offset_s = 0;
        return YM_OK;
    }
    if (s[0] != '+' && s[0] != '-')
        return YM_EINVAL;
    int sign = s[0] == '-' ? -1 : 1, h, m = 0;
    size_t len = strlen(s);
    if (len == 6 && s[3] == ':' && digits(s + 1, 2, &h) && digits(s + 4, 2, &m)) {
    } else if (len == 5 && digits(s + 1, 2, &h) && digits(s + 3, 2, &m)) {
    } else if (len == 3 && digits(s + 1, 2, &h)) {
    } else {
        return YM_EINVAL;
    }
    if (h > 14 || m > 59)
        return YM_EINVAL;
    *offset_s = sign * (h * 3600 + m * 60);
    return YM_OK;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return days[m - 1] + (m == 2 && leap);
}

enum ym_status ym_time_parse_arg(const char *s, int64_t now_ns, int64_t *out_ns)
{
    if (!s || !*s)
        return YM_EINVAL;
    if (!strcmp(s, "now")) {
        *out_ns = now_ns;
        return YM_OK;
    }
    if (s[0] == '-' && isdigit((unsigned char)s[1])) {
        char *end;
        errno = 0;
        long long v = strtoll(s + 1, &end, 10);
        /* At most ~1000 years back, so the product below cannot overflow. */
        if (errno == ERANGE || v > 366LL * 1000 * 86400)
            return YM_EINVAL;
        int64_t unit;
        if (!strcmp(end, "s"))
            unit = 1;
        else if (!strcmp(end, "m"))
            unit = 60;
        else if (!strcmp(end, "h"))
            unit = 3600;
        else if (!strcmp(end, "d"))
            unit = 86400;
        else
            return YM_EINVAL;
        if (v > 366LL * 1000 * 86400 / unit)
            return YM_EINVAL;
        *out_ns = now_ns - (int64_t)v * unit * YM_NS_PER_S;
        return YM_OK;
    }
    int y, mo, d, h = 0, mi = 0, se = 0;
    size_t len = strlen(s);
    if (len < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        return YM_EINVAL;
    const char *p = s + 10;
    int64_t frac_ns = 0;
    int offset = 0;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        if (!digits(p + 1, 2, &h) || p[3] != ':' || !digits(p + 4, 2, &mi))
            return YM_EINVAL;
        p += 6;
        if (*p == ':') {
            if (!digits(p + 1, 2, &se))
                return YM_EINVAL;
            p += 3;
        }
        if (*p == '.') {
            p++;
            int64_t scale = 100000000;
            while (isdigit((unsigned char)*p)) {
                frac_ns += (*p - '0') * scale;
                scale /= 10;
                p++;
            }
        }
        if (*p && ym_time_parse_offset(p, &offset) != YM_OK)
            return YM_EINVAL;
        if (h > 23 || mi > 59 || se > 60)
            return YM_EINVAL;
    } else if (*p) {
        return YM_EINVAL;
    }
    /* int64 nanoseconds cover 1677-09-21 .. 2262-04-11. */
    if (y < 1678 || y > 2261)
        return YM_EINVAL;
    int64_t days = ym_time_days_from_civil(y, (unsigned)mo, (unsigned)d);
    int64_t secs = days * 86400 + h * 3600 + mi * 60 + se - offset;
    *out_ns = secs * YM_NS_PER_S + frac_ns;
    return YM_OK;
}

/* Named zones: the C library's tz code is process-global (TZ, tzset), so we
 * serialise on one lock and cache the last answers. Called at parse time for
 * devices with a named zone; the cache makes the common case lock-free of
 * system calls. */
static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;

enum ym_status ym_time_zone_offset(const char *tz, int64_t local_s, int *offset_s)
{
    if (!tz || !*tz) {
        *offset_s = 0;
        return YM_OK;
    }
    if (ym_time_parse_offset(tz, offset_s) == YM_OK)
        return YM_OK;
    /* Per-thread cache keyed by zone name and hour of local time. */
    static __thread char cache_tz[64];
    static __thread int64_t cache_hour = INT64_MIN;
    static __thread int cache_off;
    int64_t hour = floor_div(local_s, 3600);
    int cacheable = strlen(tz) < sizeof cache_tz; /* a cut name could match another zone */
    if (cacheable && hour == cache_hour && !strcmp(cache_tz, tz))
    {
        *offset_s = cache_off;
        return YM_OK;
    }
    char path[512];
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", tz);
    if (strstr(tz, "..") || access(path, R_OK) != 0)
        return YM_EINVAL;
    pthread_mutex_lock(&tz_lock);
    char *old = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
    setenv("TZ", tz, 1);
    tzset();
    /* Find the offset whose local time maps back to local_s. */
    time_t guess = (time_t)local_s;
    struct tm tm;
    int off = 0;
    for (int i = 0; i < 3; i++) {
        localtime_r(&guess, &tm);
        off = (int)tm.tm_gmtoff;
        guess = (time_t)(local_s - off);
    }
    if (old) {
        setenv("TZ", old, 1);
        free(old);
    } else {
        unsetenv("TZ");
    }
    tzset();
    pthread_mutex_unlock(&tz_lock);
    if (cacheable) {
        snprintf(cache_tz, sizeof cache_tz, "%s", tz);
        cache_hour = hour;
        cache_off = off;
    }
    *offset_s = off;
    return YM_OK;
}
