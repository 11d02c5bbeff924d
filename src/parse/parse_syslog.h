/* parse_syslog: the syslog header (RFC 3164 and RFC 5424, and the variants
 * devices really send), RFC 5424 structured data, and the generic `syslog`
 * decoder (header fields + key=value pairs of the message).
 *
 * parse_syslog_header never allocates: it fills a struct of slices into the
 * caller's buffer. It is used by intake (device lookup by HOSTNAME) and by
 * every decoder (the message after the header). Thread-safe, no state.
 *
 * Examples it reads:
 *   <134>Nov 22 10:00:00 fw01 %ASA-6-302013: Built ...          (3164)
 *   <134>Nov 22 2026 10:00:00 fw01 : %ASA-6-302013: ...          (ASA "logging timestamp" with year)
 *   <165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3"] msg (5424)
 *   May  5 17:51:17 dev01: %FTD-6-302013: ...                    (no PRI; host ends with ':')
 *   1,2012/04/10 04:39:55,... (PAN-OS CSV without any header: msg = whole line) */
#ifndef PARSE_SYSLOG_H
#define PARSE_SYSLOG_H

#include <stddef.h>
#include <stdint.h>

#include "core/ym_status.h"
#include "parse/parse.h"

struct parse_slice {
    const char *p; /* NULL when absent */
    uint32_t len;
};

struct parse_syslog_hdr {
    int pri;      /* 0..191, or -1 when there was no <PRI> */
    int version;  /* 1 for RFC 5424, 0 otherwise */
    int64_t time_ns;  /* header timestamp as an instant; 0 when none or unreadable */
    int time_has_year;   /* the text carried a year */
    int time_has_offset; /* the text carried a UTC offset (else the zone was applied) */
    struct parse_slice timestamp; /* as written */
    struct parse_slice hostname;
    struct parse_slice appname;   /* 5424 APP-NAME, or 3164 TAG without [pid] */
    struct parse_slice procid;
    struct parse_slice msgid;
    struct parse_slice sd;        /* 5424 STRUCTURED-DATA as written ("[...][...]"), or empty */
    struct parse_slice msg;       /* the message after the header (whole line if no header) */
};

/* Splits the header off line. Always fills out (msg = whole line when no
 * header is recognised) and returns YM_OK when a header was found,
 * YM_EDECLINED when there was none. tz is the device zone for timestamps
 * without an offset; now_ns places timestamps without a year (the year is
 * chosen so that the time is not more than a day in the future). */
enum ym_status parse_syslog_header(const char *line, size_t len, const char *tz, int64_t now_ns,
                                   struct parse_syslog_hdr *out);

/* Calls fn for each SD-PARAM of RFC 5424 structured data, with the value's
 * escapes (\" \\ \]) still in place (unescape with parse_syslog_sd_unescape).
 * Returns YM_EPARSE if sd is malformed (fn may have been called already). */
typedef void (*parse_sd_param_fn)(void *arg, struct parse_slice sd_id, struct parse_slice name,
                                  struct parse_slice value);
enum ym_status parse_syslog_sd_each(struct parse_slice sd, parse_sd_param_fn fn, void *arg);
/* Writes the unescaped value into out (at least value.len bytes); returns its length. */
size_t parse_syslog_sd_unescape(struct parse_slice value, char *out);

/* The generic decoder (kind "syslog"). */
enum ym_status parse_syslog_decode(const struct parse_ctx *ctx, const struct parse_syslog_hdr *hdr,
                                   struct ym_record *rec);

#endif
