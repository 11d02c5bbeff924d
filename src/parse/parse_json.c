/* parse_json: the `json` decoder: one JSON object per log, optionally after
 * a syslog header. Nested objects become dotted names ({"source":{"ip":x}}
 * -> source.ip), names are kept as given (a key that already holds a dot
 * stays as it is), arrays of scalars become YM_FF_ARRAY fields, arrays that
 * hold objects or arrays are kept as JSON text (YM_FT_JSON), null is kept as
 * JSON null.
 *
 * A single-pass scanner over the message; strings without escapes are
 * borrowed from the raw log, others are unescaped into the record's arena,
 * so there is no malloc per log. Nesting is bounded (JSON_DEPTH_MAX).
 * Returns YM_EDECLINED when the message does not start with '{', YM_EPARSE
 * when it is broken JSON (fields read before the error are kept).
 * Thread-safe, no state. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/ym_time.h"
#include "parse/parse.h"
#include "parse/parse_ecs.h"
#include "parse/parse_syslog.h"

#define JSON_DEPTH_MAX 32
#define JSON_NAME_MAX 512

struct jscan {
    const char *p, *end;
    struct ym_fields *f;
    char name[JSON_NAME_MAX];
    size_t name_len;
    const char *error; /* static text of the first error */
};

static void skip_ws(struct jscan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\r' || *s->p == '\n'))
        s->p++;
}

static int fail(struct jscan *s, const char *why)
{
    if (!s->error)
        s->error = why;
    return -1;
}

static int hex4(const char *p, unsigned *v)
{
    unsigned x = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        x <<= 4;
        if (c >= '0' && c <= '9')
            x |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            x |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            x |= (unsigned)(c - 'A' + 10);
        else
            return 0;
    }
    *v = x;
    return 1;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Reads a string at s->p (at its quote); out and len get the unescaped text (borrowed
 * when there was no escape, else in the arena). */
static int read_string(struct jscan *s, const char **out, size_t *len)
{
    const char *start = ++s->p;
    int escaped = 0;
    while (s->p < s->end && *s->p != '"') {
        if ((unsigned char)*s->p < 0x20)
            return fail(s, "json: control character in a string");
        if (*s->p == '\\') {
            escaped = 1;
            s->p++;
        }
        s->p++;
    }
    if (s->p >= s->end)
        return fail(s, "json: unterminated string");
    const char *stop = s->p++;
    if (!escaped) {
        *out = start;
        *len = (size_t)(stop - start);
        return 0;
    }
    /* Each escape shrinks or keeps the size (\uXXXX = 6 bytes -> at most 3,
     * a surrogate pair = 12 -> 4), so the input length bounds the output. */
    char *o = ym_arena_alloc(s->f->arena, (size_t)(stop - start) + 1);
    if (!o)
        return fail(s, "json: out of memory");
    size_t n = 0;
    for (const char *p = start; p < stop; p++) {
        if (*p != '\\') {
            o[n++] = *p;
            continue;
        }
        p++;
        switch (*p) {
        case '"': o[n++] = '"'; break;
        case '\\': o[n++] = '\\'; break;
        case '/': o[n++] = '/'; break;
        case 'b': o[n++] = '\b'; break;
        case 'f': o[n++] = '\f'; break;
        case 'n': o[n++] = '\n'; break;
        case 'r': o[n++] = '\r'; break;
        case 't': o[n++] = '\t'; break;
        case 'u': {
            unsigned cp, lo;
            if (stop - p < 5 || !hex4(p + 1, &cp))
                return fail(s, "json: bad \\u escape");
            p += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && stop - p >= 7 && p[1] == '\\' && p[2] == 'u' &&
                hex4(p + 3, &lo) && lo >= 0xDC00 && lo < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                p += 6;
            } else if (cp >= 0xD800 && cp < 0xE000) {
                cp = 0xFFFD;
            }
            n += put_utf8(o + n, cp);
            break;
        }
        default:
            return fail(s, "json: bad escape");
        }
    }
    o[n] = '\0';
    *out = o;
    *len = n;
    return 0;
}

static struct ym_field *add_leaf(struct jscan *s, const char *v, size_t len)
{
    if (s->name_len == 0)
        return NULL;
    uint16_t id = parse_ecs_lookup(s->name, s->name_len);
    const char *name = id != YM_FIELD_DYNAMIC ? parse_ecs_name(id)
                                             : ym_arena_strndup(s->f->arena, s->name, s->name_len);
    if (!name)
        return NULL;
    return ym_fields_add(s->f, id, name, v, len);
}

static int scan_value(struct jscan *s, int depth, int in_array);
static int scan_number(struct jscan *s, const char **v, size_t *n, int *is_float);
static int parse_num(const char *v, size_t n, int is_float, struct ym_field *fld);

/* Skips any value (used for arrays holding objects/arrays) without adding fields. */
static int skip_value(struct jscan *s, int depth)
{
    if (depth > JSON_DEPTH_MAX)
        return fail(s, "json: nested too deeply");
    skip_ws(s);
    if (s->p >= s->end)
        return fail(s, "json: unexpected end");
    char c = *s->p;
    if (c == '"') {
        const char *v;
        size_t n;
        return read_string(s, &v, &n);
    }
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        s->p++;
        skip_ws(s);
        if (s->p < s->end && *s->p == close) {
            s->p++;
            return 0;
        }
        for (;;) {
            if (c == '{') {
                skip_ws(s);
                const char *k;
                size_t kn;
                if (s->p >= s->end || *s->p != '"' || read_string(s, &k, &kn))
                    return fail(s, "json: expected a key");
                skip_ws(s);
                if (s->p >= s->end || *s->p != ':')
                    return fail(s, "json: expected ':'");
                s->p++;
            }
            if (skip_value(s, depth + 1))
                return -1;
            skip_ws(s);
            if (s->p < s->end && *s->p == ',') {
                s->p++;
                continue;
            }
            if (s->p < s->end && *s->p == close) {
                s->p++;
                return 0;
            }
            return fail(s, "json: expected ',' or a closing bracket");
        }
    }
    if (c == 't' && s->end - s->p >= 4 && !memcmp(s->p, "true", 4)) {
        s->p += 4;
        return 0;
    }
    if (c == 'f' && s->end - s->p >= 5 && !memcmp(s->p, "false", 5)) {
        s->p += 5;
        return 0;
    }
    if (c == 'n' && s->end - s->p >= 4 && !memcmp(s->p, "null", 4)) {
        s->p += 4;
        return 0;
    }
    const char *v;
    size_t n;
    int is_float;
    if (scan_number(s, &v, &n, &is_float))
        return -1;
    struct ym_field tmp;
    if (!parse_num(v, n, is_float, &tmp))
        return fail(s, "json: bad number");
    return 0;
}

static int scan_object(struct jscan *s, int depth)
{
    if (depth > JSON_DEPTH_MAX)
        return fail(s, "json: nested too deeply");
    s->p++; /* '{' */
    skip_ws(s);
    if (s->p < s->end && *s->p == '}') {
        s->p++;
        struct ym_field *fl = depth > 0 ? add_leaf(s, "{}", 2) : NULL;
        if (fl)
            fl->type = YM_FT_JSON;
        return 0;
    }
    size_t base = s->name_len;
    for (;;) {
        skip_ws(s);
        const char *k;
        size_t kn;
        if (s->p >= s->end || *s->p != '"')
            return fail(s, "json: expected a key");
        if (read_string(s, &k, &kn))
            return -1;
        size_t need = base + (base ? 1 : 0) + kn;
        if (need >= JSON_NAME_MAX)
            return fail(s, "json: name too long");
        size_t at = base;
        if (base)
            s->name[at++] = '.';
        memcpy(s->name + at, k, kn);
        s->name_len = need;
        skip_ws(s);
        if (s->p >= s->end || *s->p != ':')
            return fail(s, "json: expected ':'");
        s->p++;
        if (scan_value(s, depth + 1, 0))
            return -1;
        s->name_len = base;
        skip_ws(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            continue;
        }
        if (s->p < s->end && *s->p == '}') {
            s->p++;
            return 0;
        }
        return fail(s, "json: expected ',' or '}'");
    }
}

static int scan_digits(struct jscan *s)
{
    const char *st = s->p;
    while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
        s->p++;
    return s->p > st;
}

/* A number in strict JSON grammar: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)? */
static int scan_number(struct jscan *s, const char **v, size_t *n, int *is_float)
{
    const char *st = s->p;
    *is_float = 0;
    if (s->p < s->end && *s->p == '-')
        s->p++;
    if (s->p < s->end && *s->p == '0')
        s->p++;
    else if (!scan_digits(s))
        return fail(s, "json: bad number");
    if (s->p < s->end && *s->p == '.') {
        s->p++;
        *is_float = 1;
        if (!scan_digits(s))
            return fail(s, "json: bad number");
    }
    if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
        s->p++;
        *is_float = 1;
        if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
            s->p++;
        if (!scan_digits(s))
            return fail(s, "json: bad number");
    }
    *v = st;
    *n = (size_t)(s->p - st);
    return 0;
}

static int parse_num(const char *v, size_t n, int is_float, struct ym_field *fld)
{
    char tmp[64];
    if (n >= sizeof tmp)
        return 0;
    memcpy(tmp, v, n);
    tmp[n] = '\0';
    char *endp;
    if (!is_float) {
        errno = 0;
        long long x = strtoll(tmp, &endp, 10);
        if (*endp == '\0' && errno == 0) {
            fld->type = YM_FT_INT;
            fld->num = x;
            return 1;
        }
    }
    double d = strtod(tmp, &endp);
    if (*endp != '\0')
        return 0;
    if (!isfinite(d)) { /* 1e999: beyond a double; kept as its text */
        fld->type = YM_FT_STR;
        return 1;
    }
    fld->type = YM_FT_FLOAT;
    fld->dbl = d;
    return 1;
}

/* 1 if the bytes are valid UTF-8 and hold no \uD800-\uDFFF escape. */
static int raw_json_safe(const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p, *end = u + n;
    while (u < end) {
        if (*u == '\\' && end - u >= 3 && u[1] == 'u' && (u[2] == 'd' || u[2] == 'D'))
            return 0;
        if (*u == '\\' && end - u >= 2) {
            u += 2;
            continue;
        }
        if (*u < 0x80) {
            u++;
            continue;
        }
        int len = (*u & 0xE0) == 0xC0 ? 2 : (*u & 0xF0) == 0xE0 ? 3 : (*u & 0xF8) == 0xF0 ? 4 : 0;
        if (len == 0 || end - u < len || *u == 0xC0 || *u == 0xC1 || *u > 0xF4)
            return 0;
        for (int i = 1; i < len; i++)
            if ((u[i] & 0xC0) != 0x80)
                return 0;
        unsigned cp = len == 2 ? (u[0] & 0x1Fu) : len == 3 ? (u[0] & 0x0Fu) : (u[0] & 0x07u);
        for (int i = 1; i < len; i++)
            cp = (cp << 6) | (u[i] & 0x3Fu);
        if (len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp < 0xE000)))
            return 0;
        if (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))
            return 0;
        u += len;
    }
    return 1;
}

static int scan_array(struct jscan *s, int depth)
{
    const char *start = s->p;
    s->p++;
    skip_ws(s);
    if (s->p < s->end && *s->p == ']') {
        s->p++;
        struct ym_field *fl = add_leaf(s, "[]", 2);
        if (fl)
            fl->type = YM_FT_JSON;
        return 0;
    }
    /* Scalars only? Look ahead cheaply: the first non-blank of each element. */
    const char *save = s->p;
    int scalars = 1;
    for (;;) {
        skip_ws(s);
        if (s->p < s->end && (*s->p == '{' || *s->p == '[')) {
            scalars = 0;
            break;
        }
        if (skip_value(s, depth + 1))
            return -1;
        skip_ws(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            continue;
        }
        if (s->p < s->end && *s->p == ']')
            break;
        return fail(s, "json: expected ',' or ']'");
    }
    if (!scalars) {
        s->p = start;
        if (skip_value(s, depth))
            return -1;
        struct ym_field *fl = add_leaf(s, start, (size_t)(s->p - start));
        /* Kept as JSON when it can be copied as is (valid UTF-8, no lone
         * surrogate escapes); otherwise as text, which the output escapes. */
        if (fl && raw_json_safe(start, (size_t)(s->p - start)))
            fl->type = YM_FT_JSON;
        return 0;
    }
    s->p = save;
    for (;;) {
        if (scan_value(s, depth + 1, 1))
            return -1;
        skip_ws(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            continue;
        }
        s->p++; /* ']' checked by the look-ahead */
        return 0;
    }
}

static int scan_value(struct jscan *s, int depth, int in_array)
{
    skip_ws(s);
    if (s->p >= s->end)
        return fail(s, "json: unexpected end");
    struct ym_field *fl = NULL;
    char c = *s->p;
    if (c == '{')
        return scan_object(s, depth);
    if (c == '[')
        return scan_array(s, depth);
    if (c == '"') {
        const char *v;
        size_t n;
        if (read_string(s, &v, &n))
            return -1;
        fl = add_leaf(s, v, n);
    } else if (c == 't' && s->end - s->p >= 4 && !memcmp(s->p, "true", 4)) {
        s->p += 4;
        fl = add_leaf(s, "true", 4);
        if (fl)
            fl->type = YM_FT_BOOL, fl->num = 1;
    } else if (c == 'f' && s->end - s->p >= 5 && !memcmp(s->p, "false", 5)) {
        s->p += 5;
        fl = add_leaf(s, "false", 5);
        if (fl)
            fl->type = YM_FT_BOOL, fl->num = 0;
    } else if (c == 'n' && s->end - s->p >= 4 && !memcmp(s->p, "null", 4)) {
        s->p += 4;
        fl = add_leaf(s, "null", 4);
        if (fl)
            fl->type = YM_FT_JSON;
    } else {
        const char *v;
        size_t n;
        int is_float;
        if (scan_number(s, &v, &n, &is_float))
            return -1;
        fl = add_leaf(s, v, n);
        if (fl && !parse_num(v, n, is_float, fl))
            return fail(s, "json: bad number");
    }
    if (fl && in_array)
        fl->flags |= YM_FF_ARRAY;
    return 0;
}

static const char *trim_start(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

static int json_sniff(const char *msg, size_t len)
{
    if (!msg)
        return 0;
    const char *p = trim_start(msg, msg + len), *e = msg + len;
    while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        e--;
    return e - p >= 2 && *p == '{' && e[-1] == '}' && (p[1] == '"' || p[1] == ' ' || p[1] == '}');
}

/* The year of "yyyy-...", or -1. */
static int atoi_4(const char *p)
{
    int y = 0;
    for (int i = 0; i < 4; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        y = y * 10 + (p[i] - '0');
    }
    return y;
}

static enum ym_status json_decode(const struct parse_ctx *ctx, const struct parse_syslog_hdr *hdr,
                                  struct ym_record *rec)
{
    (void)ctx;
    if (!hdr->msg.p)
        return YM_EDECLINED;
    struct jscan s = {.end = hdr->msg.p + hdr->msg.len, .f = &rec->fields};
    s.p = trim_start(hdr->msg.p, s.end);
    if (s.p >= s.end || *s.p != '{')
        return YM_EDECLINED;
    int rc = scan_object(&s, 0);
    if (rc == 0) {
        skip_ws(&s);
        if (s.p != s.end)
            rc = fail(&s, "json: text after the object");
    }
    /* A JSON log behind a syslog header: the sender is the host. */
    if (hdr->hostname.p && !ym_fields_get_id(&rec->fields, ECS_HOST_HOSTNAME))
        ecs_add(&rec->fields, ECS_HOST_HOSTNAME, hdr->hostname.p, hdr->hostname.len);
    if (hdr->appname.p && !ym_fields_get_id(&rec->fields, ECS_PROCESS_NAME))
        ecs_add(&rec->fields, ECS_PROCESS_NAME, hdr->appname.p, hdr->appname.len);
    const struct ym_field *ts = ym_fields_get_id(&rec->fields, ECS_TIMESTAMP);
    if (ts && ts->type == YM_FT_STR && ts->len < 64) {
        char tmp[64];
        memcpy(tmp, ts->str, ts->len);
        tmp[ts->len] = '\0';
        int64_t t;
        /* Years outside int64 nanoseconds are left as text only. */
        int year = ts->len >= 5 && tmp[4] == '-' ? atoi_4(tmp) : -1;
        if (year >= 1971 && year <= 2200 && strchr(tmp, 'T') &&
            ym_time_parse_arg(tmp, 0, &t) == YM_OK)
            rec->time_ns = t;
    }
    if (rc != 0) {
        ecs_add(&rec->fields, ECS_ERROR_MESSAGE, s.error, strlen(s.error));
        return YM_EPARSE;
    }
    return YM_OK;
}

const struct parse_decoder parse_decoder_json = {
    .kind = "json",
    .description = "JSON object per log (nested objects flattened to dotted names)",
    .decode = json_decode,
    .sniff = json_sniff,
};
