/* ym_time: clocks and time text.
 *
 * Times are int64 nanoseconds since the Unix epoch, UTC (names end in _ns).
 * All functions are pure or read the clock; any thread may call them. */
#ifndef YM_TIME_H
#define YM_TIME_H

#include <stddef.h>
#include <stdint.h>

#include "core/ym_status.h"

#define YM_NS_PER_S 1000000000LL
#define YM_NS_PER_DAY (86400LL * YM_NS_PER_S)

int64_t ym_time_now_ns(void);       /* CLOCK_REALTIME */
int64_t ym_time_mono_ns(void);      /* CLOCK_MONOTONIC */

/* Days since 1970-01-01 of a civil date, and back (proleptic Gregorian). */
int64_t ym_time_days_from_civil(int64_t y, unsigned m, unsigned d);
void ym_time_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/* "2026-11-22T10:00:00.123Z" (millisecond precision, 24 bytes + NUL). */
size_t ym_time_format_rfc3339(int64_t t_ns, char *out, size_t out_len);
/* "2026-11-22T19:00:00.123+09:00": same instant shown at a fixed offset. */
size_t ym_time_format_rfc3339_offset(int64_t t_ns, int offset_s, char *out, size_t out_len);
/* "2026-11-22" of the UTC day holding t. */
size_t ym_time_format_day(int64_t t_ns, char *out, size_t out_len);

/* Parses a user's time argument: RFC 3339 ("2026-11-22T10:00:00Z",
 * "...+09:00", fractional seconds), a date ("2026-11-22", midnight UTC),
 * "now", or a relative time before now ("-15m", "-2h", "-7d", "-30s").
 * now_ns is the reference for relative forms. */
enum ym_status ym_time_parse_arg(const char *s, int64_t now_ns, int64_t *out_ns);

/* Parses "+09:00", "-0500", "UTC", "Z" into seconds east of UTC. Named
 * zones (Asia/Tokyo) are resolved for a given instant with
 * ym_time_zone_offset(). */
enum ym_status ym_time_parse_offset(const char *s, int *offset_s);

/* Offset east of UTC in seconds of zone `tz` (a fixed offset as above, or a
 * tz database name like "Europe/Paris") at local wall time `local_s`
 * (seconds since epoch as if the wall clock were UTC). Thread-safe (reads
 * /usr/share/zoneinfo through a small cache). */
enum ym_status ym_time_zone_offset(const char *tz, int64_t local_s, int *offset_s);

#endif
