/* parse_kv: key=value and "Key: value" splitting (see parse_kv.h). Reads
 * the text once, bounded by len; never allocates. */
#include "parse/parse_kv.h"

#define KV_KEY_MAX 128

static int is_key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-' || c == '/' || c == '@' || c == '[' || c == ']' || c == ':';
}

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Length of a key=... at p (key chars then '='), or 0. */
static size_t equals_key_at(const char *p, const char *end)
{
    const char *q = p;
    while (q < end && q - p <= KV_KEY_MAX && is_key_char(*q))
        q++;
    if (q == p || q >= end || *q != '=' || q - p > KV_KEY_MAX)
        return 0;
    return (size_t)(q - p);
}

/* Length of a "Key:" at p for COLON style (':' then blank or end), or 0. */
static size_t colon_key_at(const char *p, const char *end)
{
    const char *q = p;
    while (q < end && q - p <= KV_KEY_MAX) {
        if (*q == ':' && (q + 1 >= end || is_blank(q[1]) || q[1] == ','))
            break;
        if (*q == ' ' && q > p && q[-1] != ' ' && q + 1 < end && q[1] != ' ')
            q++;
        else if (is_key_char(*q) && *q != ':')
            q++;
        else
            return 0;
    }
    if (q == p || q >= end || *q != ':' || q[-1] == ' ' || q - p > KV_KEY_MAX)
        return 0;
    return (size_t)(q - p);
}

/* Quoted value starting at the quote *p: fills pair, returns the end. */
static const char *quoted_value(const char *p, const char *end, struct parse_kv_pair *kv)
{
    char quote = *p++;
    const char *v = p;
    while (p < end && *p != quote) {
        if (*p == '\\' && p + 1 < end)
            p++;
        p++;
    }
    kv->val = v;
    kv->val_len = (size_t)(p - v);
    kv->quoted = 1;
    return p < end ? p + 1 : p;
}

static size_t each_equals(const char *s, const char *end, int spaces, parse_kv_fn fn, void *arg)
{
    size_t n = 0;
    const char *p = s;
    while (p < end) {
        while (p < end && (is_blank(*p) || *p == ',' || *p == ';'))
            p++;
        if (p >= end)
            break;
        size_t klen = equals_key_at(p, end);
        if (!klen) {
            while (p < end && !is_blank(*p))
                p++;
            continue;
        }
        struct parse_kv_pair kv = {p, klen, NULL, 0, 0};
        p += klen + 1;
        if (p < end && (*p == '"' || *p == '\'')) {
            p = quoted_value(p, end, &kv);
        } else if (spaces) {
            const char *v = p, *last = p;
            while (p < end) {
                if (is_blank(*p)) {
                    const char *w = p;
                    while (w < end && is_blank(*w))
                        w++;
                    if (w >= end || equals_key_at(w, end))
                        break;
                    p = w;
                    continue;
                }
                if (*p == '\\' && p + 1 < end)
                    p++;
                p++;
                last = p;
            }
            kv.val = v;
            kv.val_len = (size_t)(last - v);
        } else {
            const char *v = p;
            while (p < end && !is_blank(*p))
                p++;
            const char *e = p;
            if (e > v && (e[-1] == ',' || e[-1] == ';'))
                e--;
            kv.val = v;
            kv.val_len = (size_t)(e - v);
        }
        n++;
        if (fn(arg, &kv))
            break;
    }
    return n;
}

static size_t each_colon(const char *s, const char *end, parse_kv_fn fn, void *arg)
{
    size_t n = 0;
    const char *p = s;
    while (p < end) {
        while (p < end && (is_blank(*p) || *p == ',' || *p == ';'))
            p++;
        if (p >= end)
            break;
        size_t klen = colon_key_at(p, end);
        if (!klen) {
            /* Not a pair: skip to the next ','. */
            while (p < end && *p != ',')
                p++;
            continue;
        }
        struct parse_kv_pair kv = {p, klen, NULL, 0, 0};
        p += klen + 1;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (p < end && *p == '"') {
            p = quoted_value(p, end, &kv);
        } else {
            const char *v = p;
            while (p < end) {
                if (*p == ',') {
                    const char *w = p + 1;
                    while (w < end && is_blank(*w))
                        w++;
                    if (w >= end || colon_key_at(w, end))
                        break;
                }
                p++;
            }
            const char *e = p;
            while (e > v && is_blank(e[-1]))
                e--;
            kv.val = v;
            kv.val_len = (size_t)(e - v);
        }
        n++;
        if (fn(arg, &kv))
            break;
    }
    return n;
}

size_t parse_kv_each(const char *s, size_t len, int style, parse_kv_fn fn, void *arg)
{
    if (!s || !fn)
        return 0;
    if ((style & 0xff) == PARSE_KV_COLON)
        return each_colon(s, s + len, fn, arg);
    return each_equals(s, s + len, (style & PARSE_KV_VALUE_SPACES) != 0, fn, arg);
}

size_t parse_kv_unescape(const char *val, size_t val_len, char *out)
{
    size_t n = 0;
    for (size_t i = 0; i < val_len; i++) {
        char c = val[i];
        if (c == '\\' && i + 1 < val_len)
            c = val[++i];
        out[n++] = c;
    }
    return n;
}
