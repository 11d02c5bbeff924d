#include "search/search_format.h"

#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "core/ym_batch.h"
#include "core/ym_time.h"
#include "parse/parse_ecs.h"

int search_format_utf8_ok(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned char c = u[i];
        if (c == 0)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        uint32_t cp, min;
        if ((c & 0xe0) == 0xc0)
            n = 1, cp = c & 0x1f, min = 0x80;
        else if ((c & 0xf0) == 0xe0)
            n = 2, cp = c & 0x0f, min = 0x800;
        else if ((c & 0xf8) == 0xf0)
            n = 3, cp = c & 0x07, min = 0x10000;
        else
            return 0;
        if (len - i - 1 < n)
            return 0;
        for (size_t k = 1; k <= n; k++) {
            if ((u[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (u[i + k] & 0x3f);
        }
        /* Overlong forms, surrogates and values past U+10FFFF are not UTF-8. */
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += n + 1;
    }
    return 1;
}

void search_format_base64(const unsigned char *s, size_t len, struct ym_buf *out)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    ym_buf_reserve(out, (len + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
        char q[4] = {tab[v >> 18], tab[(v >> 12) & 63], tab[(v >> 6) & 63], tab[v & 63]};
        ym_buf_add(out, q, 4);
    }
    if (i < len) {
        uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < len ? (uint32_t)s[i + 1] << 8 : 0);
        char q[4] = {tab[v >> 18], tab[(v >> 12) & 63], i + 1 < len ? tab[(v >> 6) & 63] : '=', '='};
        ym_buf_add(out, q, 4);
    }
}

static void key_str(struct ym_buf *out, const char *key, const char *v)
{
    ym_buf_printf(out, ",\"%s\":", key);
    ym_buf_json_qstr(out, v ? v : "", v ? strlen(v) : 0);
}

void search_format_json(const struct archive_entry *e, const struct ym_fields *fields, struct ym_buf *out)
{
    char when[40];
    ym_time_format_rfc3339(e->received_ns, when, sizeof when);
    ym_buf_printf(out, "{\"received\":\"%s\"", when);
    key_str(out, "tenant", e->tenant);
    key_str(out, "device", e->device);
    key_str(out, "kind", e->kind);
    if (e->peer && *e->peer)
        key_str(out, "peer", e->peer);
    else
        ym_buf_adds(out, ",\"peer\":null");
    key_str(out, "transport", ym_transport_name((enum ym_transport)e->transport));
    ym_buf_printf(out, ",\"ref\":%" PRIu64, e->ref);
    const char *raw = e->raw ? e->raw : "";
    size_t raw_len = e->raw ? e->raw_len : 0;
    ym_buf_adds(out, ",\"raw\":");
    ym_buf_json_qstr(out, raw, raw_len);
    if (!search_format_utf8_ok(raw, raw_len)) {
        ym_buf_adds(out, ",\"raw_base64\":\"");
        search_format_base64((const unsigned char *)raw, raw_len, out);
        ym_buf_addc(out, '"');
    }
    if (fields) {
        ym_buf_adds(out, ",\"fields\":");
        parse_ecs_to_json(fields, out);
    }
    ym_buf_addc(out, '}');
}
