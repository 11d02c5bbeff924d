/* ym_buf: growable byte buffer, for output assembly and control-plane work.
 *
 * The buffer owns its bytes; ym_buf_free releases them. data is always
 * NUL-terminated (the NUL is not counted in len). Growth aborts on OOM
 * (control plane); on the data plane prefer arenas. Not thread-safe. */
#ifndef YM_BUF_H
#define YM_BUF_H

#include <stddef.h>
#include <stdint.h>

struct ym_buf {
    char *data;
    size_t len;
    size_t cap;
};

#define YM_BUF_INIT {NULL, 0, 0}

void ym_buf_free(struct ym_buf *b);
void ym_buf_reserve(struct ym_buf *b, size_t extra);
void ym_buf_add(struct ym_buf *b, const void *p, size_t n);
void ym_buf_addc(struct ym_buf *b, char c);
void ym_buf_adds(struct ym_buf *b, const char *s);
void ym_buf_printf(struct ym_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ym_buf_clear(struct ym_buf *b);
/* Appends s as the body of a JSON string (no quotes): escapes ", \ and
 * control bytes; invalid UTF-8 bytes become \u00XX of the byte (so any
 * input yields valid JSON and the byte stays recoverable). */
void ym_buf_json_str(struct ym_buf *b, const char *s, size_t n);
/* Same, with the surrounding quotes. */
void ym_buf_json_qstr(struct ym_buf *b, const char *s, size_t n);

#endif
