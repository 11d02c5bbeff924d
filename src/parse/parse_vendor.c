/* parse_vendor: helpers shared by the vendor decoders (see parse_vendor.h). */
#include "parse/parse_vendor.h"

#include <arpa/inet.h>
#include <string.h>

#include "core/ym_time.h"

static int digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int month_of(const char *s)
{
    static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    for (int m = 0; m < 12; m++)
        if (!strncmp(s, names + 3 * m, 3))
            return m + 1;
    return 0;
}

/* Offset "Z", "+09:30", "-0800", "+00" at s; returns bytes read or -1. */
static int read_offset(const char *s, size_t n, int *off_s)
{
    if (n >= 1 && (s[0] == 'Z' || s[0] == 'z')) {
        *off_s = 0;
        return 1;
    }
    if (n < 3 || (s[0] != '+' && s[0] != '-'))
        return -1;
    int h, m = 0, used = 3;
    if (digits(s + 1, 2, &h))
        return -1;
    if (n >= 6 && s[3] == ':' && !digits(s + 4, 2, &m))
        used = 6;
    else if (n >= 5 && !digits(s + 3, 2, &m))
        used = 5;
    *off_s = (h * 3600 + m * 60) * (s[0] == '-' ? -1 : 1);
    return used;
}

static int64_t civil_s(int y, int mo, int d, int h, int mi, int se)
{
    return ym_time_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se;
}

static enum ym_status place(int64_t local_s, int64_t frac_ns, int has_off, int off_s, const char *tz,
                            int64_t *out_ns)
{
    if (!has_off && ym_time_zone_offset(tz, local_s, &off_s) != YM_OK)
        off_s = 0;
    /* int64 nanoseconds hold 1677..2262; a year outside is unreadable. */
    const int64_t max_s = INT64_MAX / YM_NS_PER_S - 86400;
    if (local_s - off_s > max_s || local_s - off_s < -max_s)
        return YM_EPARSE;
    *out_ns = (local_s - off_s) * YM_NS_PER_S + frac_ns;
    return YM_OK;
}

enum ym_status parse_vendor_time(const char *s, size_t len, const char *tz, int64_t now_ns,
                                 int64_t *out_ns)
{
    int y, mo, d, h, mi, se;
    int64_t frac_ns = 0;
    size_t i;
    while (len && s[len - 1] == ' ')
        len--;
    if (len >= 19 && !digits(s, 4, &y) && (s[4] == '/' || s[4] == '-') && s[7] == s[4] &&
        !digits(s + 5, 2, &mo) && !digits(s + 8, 2, &d) && (s[10] == ' ' || s[10] == 'T') &&
        !digits(s + 11, 2, &h) && s[13] == ':' && !digits(s + 14, 2, &mi) && s[16] == ':' &&
        !digits(s + 17, 2, &se)) {
        i = 19;
    } else if (len >= 15 && month_of(s) && s[3] == ' ') {
        /* "Jan 17 2020 08:52:10" or "Jan 17 08:52:10" */
        mo = month_of(s);
        i = 4;
        if (s[i] == ' ')
            i++;
        size_t ds = i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == ds || i - ds > 2 || digits(s + ds, i - ds, &d) || i >= len || s[i] != ' ')
            return YM_EPARSE;
        i++;
        y = 0;
        if (len - i >= 13 && s[i + 4] == ' ' && !digits(s + i, 4, &y))
            i += 5;
        if (len - i < 8 || digits(s + i, 2, &h) || s[i + 2] != ':' || digits(s + i + 3, 2, &mi) ||
            s[i + 5] != ':' || digits(s + i + 6, 2, &se))
            return YM_EPARSE;
        i += 8;
        if (!y) {
            int64_t now = now_ns ? now_ns : ym_time_now_ns();
            int64_t cy;
            unsigned cm, cd;
            ym_time_civil_from_days(now / YM_NS_PER_DAY, &cy, &cm, &cd);
            y = (int)cy;
            if (civil_s(y, mo, d, h, mi, se) * YM_NS_PER_S > now + YM_NS_PER_DAY)
                y--;
        }
    } else {
        return YM_EPARSE;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return YM_EPARSE;
    if (i < len && (s[i] == '.' || s[i] == ',')) {
        i++;
        int64_t scale = 100000000;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            frac_ns += (s[i] - '0') * scale;
            scale /= 10;
            i++;
        }
    }
    int off_s = 0, has_off = 0;
    if (i < len && s[i] == ' ')
        i++;
    if (i < len) {
        int used = read_offset(s + i, len - i, &off_s);
        if (used > 0) {
            has_off = 1;
            i += (size_t)used;
        } else if (len - i == 3 && s[i] >= 'A' && s[i] <= 'Z') {
            /* zone abbreviations like "EST", "UTC": the common ones only */
            static const struct { const char *name; int off_s; } abbr[] = {
                {"UTC", 0}, {"GMT", 0}, {"EST", -5 * 3600}, {"EDT", -4 * 3600},
                {"CST", -6 * 3600}, {"CDT", -5 * 3600}, {"MST", -7 * 3600},
                {"MDT", -6 * 3600}, {"PST", -8 * 3600}, {"PDT", -7 * 3600},
                {"CET", 3600}, {"JST", 9 * 3600},
            };
            for (size_t k = 0; k < sizeof abbr / sizeof abbr[0]; k++)
                if (!memcmp(s + i, abbr[k].name, 3)) {
                    off_s = abbr[k].off_s;
                    has_off = 1;
                }
            i = len;
        }
    }
    if (i != len)
        return YM_EPARSE;
    return place(civil_s(y, mo, d, h, mi, se), frac_ns, has_off, off_s, tz, out_ns);
}

static void put2(char *p, unsigned v)
{
    p[0] = (char)('0' + v / 10 % 10);
    p[1] = (char)('0' + v % 10);
}

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" written by hand: this runs for several
 * fields of every PAN-OS log, and snprintf is most of a decoder's time. */
struct ym_field *parse_vendor_add_time(struct ym_fields *f, uint16_t id, const char *name,
                                       int64_t t_ns)
{
    int64_t s = t_ns / YM_NS_PER_S, ns = t_ns % YM_NS_PER_S;
    if (ns < 0)
        ns += YM_NS_PER_S, s--;
    int64_t days = s / 86400, sod = s % 86400;
    if (sod < 0)
        sod += 86400, days--;
    int64_t y;
    unsigned mo, d;
    ym_time_civil_from_days(days, &y, &mo, &d);
    if (y < 0 || y > 9999) {
        char buf[48];
        size_t n = ym_time_format_rfc3339(t_ns, buf, sizeof buf);
        return ym_fields_add_copy(f, id, name, buf, n);
    }
    char *p = ym_arena_alloc(f->arena, 25);
    if (!p)
        return NULL;
    put2(p, (unsigned)(y / 100));
    put2(p + 2, (unsigned)(y % 100));
    p[4] = '-';
    put2(p + 5, mo);
    p[7] = '-';
    put2(p + 8, d);
    p[10] = 'T';
    put2(p + 11, (unsigned)(sod / 3600));
    p[13] = ':';
    put2(p + 14, (unsigned)(sod / 60 % 60));
    p[16] = ':';
    put2(p + 17, (unsigned)(sod % 60));
    p[19] = '.';
    unsigned ms = (unsigned)(ns / 1000000);
    p[20] = (char)('0' + ms / 100);
    put2(p + 21, ms % 100);
    p[23] = 'Z';
    p[24] = 0;
    return ym_fields_add(f, id, name, p, 24);
}

struct ym_field *parse_vendor_add_time_tz(struct ym_fields *f, uint16_t id, const char *name,
                                          int64_t t_ns, const char *tz)
{
    int off_s = 0;
    if (!tz || !*tz || ym_time_zone_offset(tz, t_ns / YM_NS_PER_S, &off_s) != YM_OK || !off_s)
        return parse_vendor_add_time(f, id, name, t_ns);
    char buf[48];
    size_t n = ym_time_format_rfc3339_offset(t_ns, off_s, buf, sizeof buf);
    return ym_fields_add_copy(f, id, name, buf, n);
}

enum ym_status parse_vendor_u64(const char *s, size_t len, uint64_t *out)
{
    if (!len || len > 20)
        return YM_EPARSE;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return YM_EPARSE;
        uint64_t nv = v * 10 + (uint64_t)(s[i] - '0');
        if (nv / 10 != v)
            return YM_EPARSE;
        v = nv;
    }
    *out = v;
    return YM_OK;
}

enum ym_status parse_vendor_i64(const char *s, size_t len, int64_t *out)
{
    int neg = len && s[0] == '-';
    uint64_t v;
    if (parse_vendor_u64(s + neg, len - (size_t)neg, &v) != YM_OK || v > (uint64_t)INT64_MAX)
        return YM_EPARSE;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return YM_OK;
}

/* Dotted quad without leading garbage: the common case, checked by hand. */
static int is_ipv4(const char *s, size_t len)
{
    unsigned parts = 0, digits_in = 0, v = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            v = v * 10 + (unsigned)(c - '0');
            if (++digits_in > 3 || v > 255)
                return 0;
        } else if (c == '.' && digits_in) {
            parts++;
            digits_in = 0;
            v = 0;
        } else {
            return 0;
        }
    }
    return parts == 3 && digits_in;
}

int parse_vendor_ip_family(const char *s, size_t len)
{
    if (len >= 7 && len <= 15 && is_ipv4(s, len))
        return 4;
    char buf[64];
    unsigned char addr[16];
    if (len < 2 || len >= sizeof buf)
        return 0;
    memcpy(buf, s, len);
    buf[len] = 0;
    if (memchr(s, ':', len))
        return inet_pton(AF_INET6, buf, addr) == 1 ? 6 : 0;
    return inet_pton(AF_INET, buf, addr) == 1 ? 4 : 0;
}

int parse_vendor_ieq(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    return n == len && !strncasecmp(s, lit, n);
}

void parse_vendor_add(struct ym_fields *f, enum parse_ecs_id id, const char *s, size_t len)
{
    if (len)
        ecs_add(f, id, s, len);
}

void parse_vendor_add_dyn(struct ym_fields *f, const char *name, const char *s, size_t len)
{
    if (len)
        ym_fields_add(f, YM_FIELD_DYNAMIC, name, s, len);
}

void parse_vendor_add_int(struct ym_fields *f, enum parse_ecs_id id, const char *s, size_t len)
{
    int64_t v;
    if (parse_vendor_i64(s, len, &v) == YM_OK)
        ecs_add_int(f, id, v);
}

void parse_vendor_add_dyn_int(struct ym_fields *f, const char *name, const char *s, size_t len)
{
    int64_t v;
    if (parse_vendor_i64(s, len, &v) == YM_OK)
        ym_fields_add_int(f, YM_FIELD_DYNAMIC, name, v);
}

int parse_vendor_add_ip(struct ym_fields *f, enum parse_ecs_id id, const char *s, size_t len)
{
    int fam = parse_vendor_ip_family(s, len);
    if (fam)
        ecs_add(f, id, s, len);
    return fam;
}

void parse_vendor_add_user(struct ym_fields *f, enum parse_ecs_id name_id, const char *domain_name,
                           const char *s, size_t len)
{
    if (!len)
        return;
    const char *bs = memchr(s, '\\', len);
    const char *at = memchr(s, '@', len);
    const char *dom = NULL, *name = s;
    size_t dom_len = 0, name_len = len;
    if (bs) {
        dom = s;
        dom_len = (size_t)(bs - s);
        name = bs;
        while (name < s + len && *name == '\\')
            name++;
        name_len = (size_t)(s + len - name);
    } else if (at && at > s && at + 1 < s + len) {
        name_len = (size_t)(at - s);
        dom = at + 1;
        dom_len = (size_t)(s + len - dom);
    }
    if (name_len)
        ecs_add(f, name_id, name, name_len);
    if (dom_len && domain_name) {
        uint16_t id = parse_ecs_lookup(domain_name, strlen(domain_name));
        ym_fields_add(f, id, id == YM_FIELD_DYNAMIC ? domain_name : parse_ecs_names[id], dom,
                      dom_len);
    }
}

int parse_vendor_severity_word(const char *s, size_t len)
{
    static const struct { const char *word; int sev; } words[] = {
        {"critical", 1}, {"high", 2}, {"medium", 3}, {"low", 4},
        {"informational", 5}, {"info", 5}, {"very-high", 1},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (parse_vendor_ieq(s, len, words[i].word))
            return words[i].sev;
    return -1;
}
