#include "core/ym_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ym_alloc.h"

void ym_buf_free(struct ym_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void ym_buf_reserve(struct ym_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->data = ym_xrealloc(b->data, cap);
    b->cap = cap;
}

void ym_buf_add(struct ym_buf *b, const void *p, size_t n)
{
    ym_buf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void ym_buf_addc(struct ym_buf *b, char c)
{
    ym_buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void ym_buf_adds(struct ym_buf *b, const char *s) { ym_buf_add(b, s, strlen(s)); }

void ym_buf_printf(struct ym_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    ym_buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void ym_buf_clear(struct ym_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t need;
    unsigned int min;
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0) {
        need = 2;
        min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        need = 3;
        min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        need = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < need)
        return 0;
    unsigned int cp = c & (0x7F >> need);
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return need;
}

void ym_buf_json_str(struct ym_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    ym_buf_reserve(b, n + 2);
    size_t i = 0;
    while (i < n) {
        /* Copy the run of plain printable ASCII in one go. */
        size_t j = i;
        while (j < n && p[j] >= 0x20 && p[j] < 0x80 && p[j] != '"' && p[j] != '\\')
            j++;
        if (j > i) {
            ym_buf_add(b, p + i, j - i);
            i = j;
            continue;
        }
        unsigned char c = p[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            ym_buf_add(b, e, 2);
            i++;
        } else if (c < 0x20) {
            char e[6];
            switch (c) {
            case '\n': ym_buf_add(b, "\\n", 2); break;
            case '\r': ym_buf_add(b, "\\r", 2); break;
            case '\t': ym_buf_add(b, "\\t", 2); break;
            default:
                e[0] = '\\'; e[1] = 'u'; e[2] = '0'; e[3] = '0';
                e[4] = hex[c >> 4]; e[5] = hex[c & 15];
                ym_buf_add(b, e, 6);
            }
            i++;
        } else {
            size_t l = utf8_len(p + i, n - i);
            if (l) {
                ym_buf_add(b, p + i, l);
                i += l;
            } else {
                char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                ym_buf_add(b, e, 6);
                i++;
            }
        }
    }
}

void ym_buf_json_qstr(struct ym_buf *b, const char *s, size_t n)
{
    ym_buf_addc(b, '"');
    ym_buf_json_str(b, s, n);
    ym_buf_addc(b, '"');
}
