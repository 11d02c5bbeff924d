/* parse_syslog: syslog header splitting (RFC 3164, RFC 5424 and what devices
 * really send), RFC 5424 structured data, and the generic `syslog` decoder.
 *
 * The header splitter reads the line once, left to right, never allocates
 * and never reads past line + len; the result is a set of slices into the
 * caller's line (struct parse_syslog_hdr, see parse_syslog.h). The decoder
 * adds header fields, structured data (syslog.sd.<id>.<param>) and the
 * key=value pairs of the message (syslog.kv.<key>) to the record, values
 * borrowed from the raw log or copied into the record's arena.
 * Thread-safe: no state beyond the per-thread zone cache of ym_time. */
#include "parse/parse_syslog.h"

#include <string.h>

#include "core/ym_time.h"
#include "parse/parse_ecs.h"
#include "parse/parse_kv.h"

static const char month_names[12][3] = {
    {'J', 'a', 'n'}, {'F', 'e', 'b'}, {'M', 'a', 'r'}, {'A', 'p', 'r'}, {'M', 'a', 'y'}, {'J', 'u', 'n'},
    {'J', 'u', 'l'}, {'A', 'u', 'g'}, {'S', 'e', 'p'}, {'O', 'c', 't'}, {'N', 'o', 'v'}, {'D', 'e', 'c'},
};

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* n digits at p (p + n <= end checked by the caller) into *v. */
static int read_digits(const char *p, const char *end, int n, int *v)
{
    if (end - p < n)
        return 0;
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit(p[i]))
            return 0;
        x = x * 10 + (p[i] - '0');
    }
    *v = x;
    return 1;
}

static int month_of(const char *p, const char *end)
{
    if (end - p < 3)
        return 0;
    for (int m = 0; m < 12; m++) {
        /* Accept any case: "NOV" is seen from some appliances. */
        if ((p[0] | 0x20) == (month_names[m][0] | 0x20) && (p[1] | 0x20) == month_names[m][1] &&
            (p[2] | 0x20) == month_names[m][2])
            return m + 1;
    }
    return 0;
}

static unsigned days_in_month(int64_t y, unsigned m)
{
    static const unsigned d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

/* A wall-clock time as read from the text, before zone and year are applied. */
struct wall {
    int64_t year; /* 0 = not given */
    int mon, day, hour, min, sec;
    int64_t frac_ns;
    int has_offset;
    int offset_s;
};

/* "hh:mm:ss" with optional ".f..." (any number of digits). */
static const char *read_clock(const char *p, const char *end, struct wall *w)
{
    if (!read_digits(p, end, 2, &w->hour) || end - p < 8 || p[2] != ':' ||
        !read_digits(p + 3, end, 2, &w->min) || p[5] != ':' || !read_digits(p + 6, end, 2, &w->sec))
        return NULL;
    if (w->hour > 23 || w->min > 59 || w->sec > 60)
        return NULL;
    p += 8;
    w->frac_ns = 0;
    if (p < end && (*p == '.' || *p == ',') && p + 1 < end && is_digit(p[1])) {
        p++;
        int64_t scale = 100000000;
        while (p < end && is_digit(*p)) {
            w->frac_ns += (*p - '0') * scale;
            scale /= 10;
            p++;
        }
    }
    return p;
}

/* "Z", "+hh:mm", "+hhmm", "+hh". */
static const char *read_offset(const char *p, const char *end, struct wall *w)
{
    if (p < end && (*p == 'Z' || *p == 'z')) {
        w->has_offset = 1;
        w->offset_s = 0;
        return p + 1;
    }
    if (p >= end || (*p != '+' && *p != '-'))
        return p;
    int sign = *p == '-' ? -1 : 1, h, m = 0;
    const char *q = p + 1;
    if (!read_digits(q, end, 2, &h))
        return p;
    q += 2;
    if (q < end && *q == ':') {
        if (!read_digits(q + 1, end, 2, &m))
            return p;
        q += 3;
    } else if (read_digits(q, end, 2, &m)) {
        q += 2;
    }
    if (h > 14 || m > 59)
        return p;
    w->has_offset = 1;
    w->offset_s = sign * (h * 3600 + m * 60);
    return q;
}

/* ISO 8601 / RFC 3339: "yyyy-mm-ddThh:mm:ss[.f][Z|+hh:mm]" (also ' ' for 'T'). */
static const char *read_iso(const char *p, const char *end, struct wall *w)
{
    int y;
    if (!read_digits(p, end, 4, &y) || end - p < 19 || p[4] != '-' ||
        !read_digits(p + 5, end, 2, &w->mon) || p[7] != '-' || !read_digits(p + 8, end, 2, &w->day) ||
        (p[10] != 'T' && p[10] != 't' && p[10] != ' '))
        return NULL;
    w->year = y;
    if (w->mon < 1 || w->mon > 12 || w->day < 1 || w->day > (int)days_in_month(y, (unsigned)w->mon))
        return NULL;
    const char *q = read_clock(p + 11, end, w);
    if (!q)
        return NULL;
    return read_offset(q, end, w);
}

/* BSD: "Mmm dd hh:mm:ss", "Mmm  d hh:mm:ss", "Mmm dd yyyy hh:mm:ss", with
 * optional fraction; "Mmm dd hh:mm:ss yyyy" is not accepted (ambiguous with
 * a numeric hostname). */
static const char *read_bsd(const char *p, const char *end, struct wall *w)
{
    w->mon = month_of(p, end);
    if (!w->mon || end - p < 4 || p[3] != ' ')
        return NULL;
    p += 4;
    if (p < end && *p == ' ')
        p++;
    if (p >= end || !is_digit(*p))
        return NULL;
    w->day = *p++ - '0';
    if (p < end && is_digit(*p))
        w->day = w->day * 10 + (*p++ - '0');
    if (p >= end || *p != ' ' || w->day < 1 || w->day > 31)
        return NULL;
    p++;
    int y;
    if (read_digits(p, end, 4, &y) && end - p > 4 && p[4] == ' ') {
        w->year = y;
        p += 5;
    }
    p = read_clock(p, end, w);
    if (!p)
        return NULL;
    /* "09:24:32Z", "09:24:32+09:00": an offset right after the time. */
    if (p < end && (*p == 'Z' || *p == '+' || *p == '-'))
        p = read_offset(p, end, w);
    /* A zone name after the time ("UTC", "GMT") is read as UTC. */
    if (end - p >= 4 && p[0] == ' ' && ((p[1] == 'U' && p[2] == 'T' && p[3] == 'C') ||
                                        (p[1] == 'G' && p[2] == 'M' && p[3] == 'T')) &&
        (end - p == 4 || p[4] == ' ' || p[4] == ':')) {
        w->has_offset = 1;
        w->offset_s = 0;
        p += 4;
    }
    return p;
}

static int zone_is_utc(const char *tz)
{
    return !tz || !*tz || !strcmp(tz, "UTC") || !strcmp(tz, "Z") || !strcmp(tz, "+00:00");
}

/* Per-thread cache of zone offsets by (zone, local hour): looking a named
 * zone up is slow (the C library reads the zone file), and logs of one
 * device come in runs of the same hour. Fixed offsets are parsed once. */
#define ZONE_CACHE_SLOTS 64
#define ZONE_NAME_MAX 48

struct zone_slot {
    char tz[ZONE_NAME_MAX];
    int64_t hour;
    int offset_s;
    int used;
};

static int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

static int zone_offset(const char *tz, int64_t local_s, int *offset_s)
{
    static __thread char fixed_tz[ZONE_NAME_MAX];
    static __thread int fixed_off;
    static __thread struct zone_slot slots[ZONE_CACHE_SLOTS];
    size_t n = strlen(tz);
    if (n >= ZONE_NAME_MAX)
        return ym_time_zone_offset(tz, local_s, offset_s) == YM_OK;
    if (!memcmp(fixed_tz, tz, n + 1)) {
        *offset_s = fixed_off;
        return 1;
    }
    int64_t hour = floor_div(local_s, 3600);
    struct zone_slot *z = &slots[(uint64_t)hour % ZONE_CACHE_SLOTS];
    if (z->used && z->hour == hour && !memcmp(z->tz, tz, n + 1)) {
        *offset_s = z->offset_s;
        return 1;
    }
    int off;
    if (ym_time_parse_offset(tz, &off) == YM_OK) {
        memcpy(fixed_tz, tz, n + 1);
        fixed_off = off;
        *offset_s = off;
        return 1;
    }
    if (ym_time_zone_offset(tz, local_s, &off) != YM_OK)
        return 0;
    memcpy(z->tz, tz, n + 1);
    z->hour = hour;
    z->offset_s = off;
    z->used = 1;
    *offset_s = off;
    return 1;
}

static int64_t local_seconds(const struct wall *w, int64_t y)
{
    return ym_time_days_from_civil(y, (unsigned)w->mon, (unsigned)w->day) * 86400 + w->hour * 3600 +
           w->min * 60 + w->sec;
}

/* Instant of wall time w in year y (zone applied unless w has an offset). */
static int64_t wall_instant_s(const struct wall *w, int64_t y, const char *tz)
{
    int64_t local_s = local_seconds(w, y);
    int off = 0;
    if (w->has_offset)
        off = w->offset_s;
    else if (!zone_is_utc(tz) && !zone_offset(tz, local_s, &off))
        off = 0;
    return local_s - off;
}

/* Fills time_ns; for a year-less time picks the latest year whose instant is
 * not more than a day after now (Feb 29 goes back to a leap year). */
static void wall_apply(const struct wall *w, const char *tz, int64_t now_ns,
                       struct parse_syslog_hdr *out)
{
    out->time_has_offset = w->has_offset;
    if (w->year) {
        out->time_has_year = 1;
        /* Outside what int64 nanoseconds hold (1677..2262), with a margin
         * for the offset: unreadable. */
        if (w->year < 1971 || w->year > 2200 ||
            w->day > (int)days_in_month(w->year, (unsigned)w->mon))
            return;
        out->time_ns = wall_instant_s(w, w->year, tz) * YM_NS_PER_S + w->frac_ns;
        return;
    }
    if (now_ns == 0)
        now_ns = ym_time_now_ns();
    int64_t now_s = now_ns / YM_NS_PER_S, y0;
    unsigned m0, d0;
    ym_time_civil_from_days(now_s / 86400, &y0, &m0, &d0);
    for (int64_t y = y0 + 1; y >= y0 - 8; y--) {
        if (w->day > (int)days_in_month(y, (unsigned)w->mon))
            continue;
        /* Surely in the future whatever the zone (offsets stay within
         * 14 hours): no need to look the zone up. */
        if (local_seconds(w, y) - 14 * 3600 > now_s + 86400)
            continue;
        int64_t t = wall_instant_s(w, y, tz);
        if (t <= now_s + 86400) {
            out->time_ns = t * YM_NS_PER_S + w->frac_ns;
            return;
        }
    }
}

static struct parse_slice slice(const char *p, const char *q)
{
    struct parse_slice s = {p, (uint32_t)(q - p)};
    return s;
}

static const char *skip_spaces(const char *p, const char *end)
{
    while (p < end && *p == ' ')
        p++;
    return p;
}

static const char *skip_bom(const char *p, const char *end)
{
    if (end - p >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
        (unsigned char)p[2] == 0xBF)
        return p + 3;
    return p;
}

/* One RFC 5424 header field up to the next space; "-" = absent. */
static const char *field_5424(const char *p, const char *end, struct parse_slice *out)
{
    const char *q = p;
    while (q < end && *q != ' ')
        q++;
    if (q - p == 1 && *p == '-')
        out->p = NULL, out->len = 0;
    else
        *out = slice(p, q);
    return q < end ? q + 1 : q;
}

/* End of RFC 5424 STRUCTURED-DATA starting at p ('['), or NULL if malformed. */
static const char *sd_end(const char *p, const char *end)
{
    while (p < end && *p == '[') {
        int in_quote = 0;
        p++;
        for (;;) {
            if (p >= end)
                return NULL;
            if (in_quote) {
                if (*p == '\\' && p + 1 < end)
                    p++;
                else if (*p == '"')
                    in_quote = 0;
            } else if (*p == '"') {
                in_quote = 1;
            } else if (*p == ']') {
                p++;
                break;
            }
            p++;
        }
    }
    return p;
}

static int looks_5424(const char *p, const char *end);
static void rest_5424(const char *p, const char *end, struct parse_syslog_hdr *out);

static enum ym_status header_5424(const char *p, const char *end, const char *tz, int64_t now_ns,
                                  struct parse_syslog_hdr *out)
{
    out->version = 1;
    const char *q = p;
    while (q < end && *q != ' ')
        q++;
    if (!(q - p == 1 && *p == '-')) {
        struct wall w = {0};
        const char *t = read_iso(p, end, &w);
        if (t == q)
            wall_apply(&w, tz, now_ns, out);
        out->timestamp = slice(p, q);
    }
    p = q < end ? q + 1 : q;
    p = field_5424(p, end, &out->hostname);
    rest_5424(p, end, out);
    return YM_OK;
}

/* "APP PROCID MSGID" then "-" or "[": the rest of an RFC 5424 header. */
static int looks_5424(const char *p, const char *end)
{
    for (int i = 0; i < 3; i++) {
        const char *t = p;
        while (p < end && *p != ' ')
            p++;
        if (p == t || p >= end || p[-1] == ':')
            return 0;
        p++;
    }
    return p < end && (*p == '[' || (*p == '-' && (p + 1 == end || p[1] == ' ')));
}

/* APP-NAME, PROCID, MSGID, STRUCTURED-DATA and MSG of an RFC 5424 header. */
static void rest_5424(const char *p, const char *end, struct parse_syslog_hdr *out)
{
    p = field_5424(p, end, &out->appname);
    p = field_5424(p, end, &out->procid);
    p = field_5424(p, end, &out->msgid);
    if (p < end && *p == '[') {
        const char *e = sd_end(p, end);
        if (e) {
            out->sd = slice(p, e);
            p = e;
        }
    } else if (p < end && *p == '-') {
        p++;
    }
    if (p < end && *p == ' ')
        p++;
    p = skip_bom(p, end);
    out->msg = slice(p, end);
}

static int is_tag_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' || c == '-' ||
           c == '.' || c == '/' || c == '@';
}

/* "TAG: ", "TAG[pid]: " or "TAG:" at the end; fills appname/procid and
 * returns the start of the message, or NULL if p is not a tag. */
static const char *read_tag(const char *p, const char *end, struct parse_syslog_hdr *out)
{
    const char *q = p;
    while (q < end && q - p < 64 && is_tag_char(*q))
        q++;
    if (q == p || q >= end)
        return NULL;
    const char *tag_end = q, *pid = NULL, *pid_end = NULL;
    if (*q == '(') { /* "sshd(pam_unix)[42]:": the process is sshd */
        const char *sub = q;
        while (q < end && *q != ')' && *q != ' ' && q - sub < 64)
            q++;
        if (q >= end || *q != ')')
            return NULL;
        q++;
        if (q >= end)
            return NULL;
    }
    if (*q == '[') {
        pid = ++q;
        while (q < end && *q != ']' && *q != ' ' && q - pid < 32)
            q++;
        if (q >= end || *q != ']')
            return NULL;
        pid_end = q++;
    }
    if (q >= end || *q != ':' || (q + 1 < end && q[1] != ' '))
        return NULL;
    out->appname = slice(p, tag_end);
    if (pid)
        out->procid = slice(pid, pid_end);
    q++;
    return q < end ? q + 1 : q;
}

enum ym_status parse_syslog_header(const char *line, size_t len, const char *tz, int64_t now_ns,
                                   struct parse_syslog_hdr *out)
{
    memset(out, 0, sizeof *out);
    out->pri = -1;
    const char *p = line, *end = line + len;
    out->msg = slice(line, end);
    if (!line)
        return YM_EDECLINED;
    p = skip_bom(p, end);
    int have_pri = 0;
    if (p < end && *p == '<') {
        const char *q = p + 1;
        int v = 0, n = 0;
        while (q < end && is_digit(*q) && n < 3)
            v = v * 10 + (*q++ - '0'), n++;
        if (n > 0 && q < end && *q == '>' && v <= 191) {
            out->pri = v;
            have_pri = 1;
            p = q + 1;
        }
    }
    /* RFC 5424 VERSION: 1-3 digits and a space; without a PRI only when an
     * RFC 3339 date follows (jc and rsyslog accept such lines). */
    {
        const char *q = p;
        int v = 0;
        while (q < end && is_digit(*q) && q - p < 3)
            v = v * 10 + (*q++ - '0');
        int y;
        if (q > p && p[0] != '0' && q < end && *q == ' ' &&
            (have_pri || (read_digits(q + 1, end, 4, &y) && end - q > 5 && q[5] == '-'))) {
            enum ym_status st = header_5424(q + 1, end, tz, now_ns, out);
            out->version = v;
            return st;
        }
    }

    /* RFC 3164 and relatives. */
    const char *ts = p;
    if (p < end && (*p == '*' || *p == '.')) /* Cisco IOS: unsynchronised clock marker */
        p++;
    struct wall w = {0};
    const char *q = read_bsd(p, end, &w);
    if (!q)
        q = read_iso(p, end, &w);
    if (!q) {
        if (!have_pri)
            return YM_EDECLINED;
        out->msg = slice(p, end);
        return YM_OK;
    }
    out->timestamp = slice(ts, q);
    wall_apply(&w, tz, now_ns, out);
    p = q;
    if (p < end && *p == ':') /* "Nov 22 2026 10:00:00: %ASA-..." */
        p++;
    p = skip_spaces(p, end);
    if (p >= end || *p == '%') { /* ASA without a hostname */
        out->msg = slice(p, end);
        return YM_OK;
    }
    /* HOSTNAME, unless this token is already the TAG ("sshd[12]: ..."). */
    const char *m = read_tag(p, end, out);
    const char *tok_end = p;
    while (tok_end < end && *tok_end != ' ')
        tok_end++;
    if (m && out->procid.p) {
        out->msg = slice(m, end);
        return YM_OK;
    }
    if (m) {
        /* "dev01: %FTD-..." : a host followed by ':' (the tag reading is undone). */
        out->appname.p = NULL;
        out->appname.len = 0;
        out->hostname = slice(p, tok_end - 1);
        out->msg = slice(skip_spaces(tok_end, end), end);
        return YM_OK;
    }
    out->hostname = slice(p, tok_end);
    if (w.year && tok_end < end && looks_5424(tok_end + 1, end)) {
        /* An RFC 5424 header without PRI and VERSION. */
        rest_5424(tok_end + 1, end, out);
        return YM_OK;
    }
    p = skip_spaces(tok_end, end);
    if (end - p >= 2 && p[0] == ':' && (end - p == 1 || p[1] == ' ')) /* "fw01 : %ASA-..." */
        p = skip_spaces(p + 1, end);
    else if (p < end && *p != '%') {
        const char *mm = read_tag(p, end, out);
        if (mm)
            p = mm;
    }
    out->msg = slice(p, end);
    return YM_OK;
}

/* ---- structured data ---- */

enum ym_status parse_syslog_sd_each(struct parse_slice sd, parse_sd_param_fn fn, void *arg)
{
    const char *p = sd.p, *end = sd.p ? sd.p + sd.len : NULL;
    if (!p)
        return YM_OK;
    while (p < end) {
        if (*p != '[')
            return YM_EPARSE;
        const char *id = ++p;
        while (p < end && *p != ' ' && *p != ']' && *p != '=' && *p != '"')
            p++;
        if (p == id || p >= end)
            return YM_EPARSE;
        struct parse_slice sd_id = slice(id, p);
        for (;;) {
            if (p >= end)
                return YM_EPARSE;
            if (*p == ']') {
                p++;
                break;
            }
            if (*p != ' ')
                return YM_EPARSE;
            p++;
            const char *name = p;
            while (p < end && *p != '=' && *p != ' ' && *p != ']' && *p != '"')
                p++;
            if (p == name || end - p < 2 || p[0] != '=' || p[1] != '"')
                return YM_EPARSE;
            struct parse_slice pname = slice(name, p);
            p += 2;
            const char *val = p;
            while (p < end && *p != '"') {
                if (*p == '\\' && p + 1 < end)
                    p++;
                p++;
            }
            if (p >= end)
                return YM_EPARSE;
            fn(arg, sd_id, pname, slice(val, p));
            p++;
        }
    }
    return YM_OK;
}

size_t parse_syslog_sd_unescape(struct parse_slice value, char *out)
{
    size_t n = 0;
    for (uint32_t i = 0; i < value.len; i++) {
        char c = value.p[i];
        if (c == '\\' && i + 1 < value.len &&
            (value.p[i + 1] == '"' || value.p[i + 1] == '\\' || value.p[i + 1] == ']'))
            c = value.p[++i];
        out[n++] = c;
    }
    return n;
}

/* ---- the generic decoder ---- */

struct sd_ctx {
    struct ym_fields *f;
    int failed;
};

static void sd_add(void *arg, struct parse_slice id, struct parse_slice name, struct parse_slice value)
{
    struct sd_ctx *c = arg;
    char *key = ym_arena_printf(c->f->arena, "syslog.sd.%.*s.%.*s", (int)id.len, id.p, (int)name.len,
                                name.p);
    if (!key) {
        c->failed = 1;
        return;
    }
    if (memchr(value.p, '\\', value.len)) {
        char *v = ym_arena_alloc(c->f->arena, value.len + 1);
        if (!v) {
            c->failed = 1;
            return;
        }
        size_t n = parse_syslog_sd_unescape(value, v);
        v[n] = '\0';
        ym_fields_add(c->f, YM_FIELD_DYNAMIC, key, v, n);
    } else {
        ym_fields_add(c->f, YM_FIELD_DYNAMIC, key, value.p, value.len);
    }
}

static int all_digits(struct parse_slice s)
{
    if (!s.p || s.len == 0 || s.len > 18)
        return 0;
    for (uint32_t i = 0; i < s.len; i++)
        if (!is_digit(s.p[i]))
            return 0;
    return 1;
}

static int64_t slice_int(struct parse_slice s)
{
    int64_t v = 0;
    for (uint32_t i = 0; i < s.len; i++)
        v = v * 10 + (s.p[i] - '0');
    return v;
}

struct kv_ctx {
    struct ym_fields *f;
    int count;
};

static int kv_add(void *arg, const struct parse_kv_pair *kv)
{
    struct kv_ctx *c = arg;
    char *name = ym_arena_printf(c->f->arena, "syslog.kv.%.*s", (int)kv->key_len, kv->key);
    if (!name)
        return 1;
    if (kv->quoted && memchr(kv->val, '\\', kv->val_len)) {
        char *v = ym_arena_alloc(c->f->arena, kv->val_len + 1);
        if (!v)
            return 1;
        size_t n = parse_kv_unescape(kv->val, kv->val_len, v);
        v[n] = '\0';
        ym_fields_add(c->f, YM_FIELD_DYNAMIC, name, v, n);
    } else {
        ym_fields_add(c->f, YM_FIELD_DYNAMIC, name, kv->val ? kv->val : "", kv->val_len);
    }
    c->count++;
    return 0;
}

enum ym_status parse_syslog_decode(const struct parse_ctx *ctx, const struct parse_syslog_hdr *hdr,
                                   struct ym_record *rec)
{
    (void)ctx;
    struct ym_fields *f = &rec->fields;
    int have_header = hdr->pri >= 0 || hdr->timestamp.p || hdr->hostname.p;
    if (hdr->hostname.p)
        ecs_add(f, ECS_HOST_HOSTNAME, hdr->hostname.p, hdr->hostname.len);
    if (hdr->appname.p)
        ecs_add(f, ECS_PROCESS_NAME, hdr->appname.p, hdr->appname.len);
    if (all_digits(hdr->procid))
        ecs_add_int(f, ECS_PROCESS_PID, slice_int(hdr->procid));
    if (hdr->msgid.p)
        ecs_add(f, ECS_EVENT_CODE, hdr->msgid.p, hdr->msgid.len);
    uint32_t msg_len = hdr->msg.p ? hdr->msg.len : 0;
    while (msg_len > 0 && (hdr->msg.p[msg_len - 1] == ' ' || hdr->msg.p[msg_len - 1] == '\t'))
        msg_len--;
    if (msg_len)
        ecs_add(f, ECS_MESSAGE, hdr->msg.p, msg_len);
    enum ym_status st = YM_OK;
    if (hdr->version > 0 && hdr->timestamp.p && !hdr->time_ns) {
        static const char why[] = "syslog: unreadable RFC 5424 timestamp";
        ecs_add(f, ECS_ERROR_MESSAGE, why, sizeof why - 1);
        st = YM_EPARSE;
    }
    if (hdr->sd.p) {
        struct sd_ctx sc = {f, 0};
        if (parse_syslog_sd_each(hdr->sd, sd_add, &sc) != YM_OK) {
            ecs_add(f, ECS_ERROR_MESSAGE, "syslog: malformed structured data",
                    strlen("syslog: malformed structured data"));
            st = YM_EPARSE;
        }
    }
    struct kv_ctx kc = {f, 0};
    if (hdr->msg.p && hdr->msg.len)
        parse_kv_each(hdr->msg.p, hdr->msg.len, PARSE_KV_EQUALS, kv_add, &kc);
    if (!have_header && kc.count == 0)
        return YM_EDECLINED;
    return st;
}

const struct parse_decoder parse_decoder_syslog = {
    .kind = "syslog",
    .description = "Generic syslog (RFC 3164 / RFC 5424, structured data, key=value)",
    .decode = parse_syslog_decode,
    .sniff = NULL,
};
