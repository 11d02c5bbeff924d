#include "intake/intake_frame.h"

#include <string.h>

#include "core/ym_batch.h"

#define OCTET_DIGITS_MAX 9

void intake_frame_init(struct intake_frame *f) { memset(f, 0, sizeof *f); }

/* First LF or NUL in p[0..n), or NULL. memchr for LF first: it is the
 * common delimiter and memchr is vectorised; the NUL search then only
 * covers the one message. */
static const char *find_delim(const char *p, size_t n)
{
    const char *nl = memchr(p, '\n', n);
    const char *nul = memchr(p, '\0', nl ? (size_t)(nl - p) : n);
    return nul ? nul : nl;
}

/* 1 = octet-counted frame (count and header length set), 0 = not one,
 * -1 = cannot tell yet (the buffer ends inside "digits SP <"). */
static int classify(const char *p, size_t n, uint64_t *count, size_t *hdr_len)
{
    if (p[0] < '1' || p[0] > '9')
        return 0;
    uint64_t v = 0;
    size_t i = 0;
    while (i < n && p[i] >= '0' && p[i] <= '9') {
        if (i == OCTET_DIGITS_MAX)
            return 0;
        v = v * 10 + (uint64_t)(p[i] - '0');
        i++;
    }
    if (i == n)
        return -1;
    if (p[i] != ' ')
        return 0;
    if (i + 1 == n)
        return -1;
    if (p[i + 1] != '<')
        return 0;
    *count = v;
    *hdr_len = i + 1;
    return 1;
}

static size_t strip_trailing(const char *msg, size_t len)
{
    while (len && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
        len--;
    return len;
}

size_t intake_frame_feed(struct intake_frame *f, const char *buf, size_t len, int eof,
                         intake_frame_fn fn, void *arg)
{
    size_t pos = 0;
    for (;;) {
        if (f->skip_bytes) {
            size_t n = len - pos < f->skip_bytes ? len - pos : (size_t)f->skip_bytes;
            pos += n;
            f->skip_bytes -= n;
            if (f->skip_bytes)
                return pos;
            continue;
        }
        if (f->skip_to_delim) {
            const char *d = find_delim(buf + pos, len - pos);
            if (!d)
                return len;
            pos = (size_t)(d - buf) + 1;
            f->skip_to_delim = 0;
            continue;
        }
        while (pos < len && (buf[pos] == '\n' || buf[pos] == '\0'))
            pos++;
        if (pos == len)
            return pos;

        const char *p = buf + pos;
        size_t avail = len - pos;
        uint64_t count = 0;
        size_t hdr_len = 0;
        int kind = classify(p, avail, &count, &hdr_len);
        if (kind < 0) {
            if (!eof)
                return pos;
            kind = 0;
        }
        if (kind == 1) {
            size_t body = avail - hdr_len;
            const char *msg = p + hdr_len;
            if (count > YM_LOG_MAX_BYTES) {
                if (body < YM_LOG_MAX_BYTES && !eof)
                    return pos;
                size_t cut = body < YM_LOG_MAX_BYTES ? body : YM_LOG_MAX_BYTES;
                if (fn(arg, msg, cut, 1))
                    return pos;
                if (body < YM_LOG_MAX_BYTES)
                    f->incomplete++;
                f->truncated++;
                f->frames++;
                pos += hdr_len + cut;
                f->skip_bytes = count - cut;
                if (eof && body < YM_LOG_MAX_BYTES)
                    return pos;
                continue;
            }
            if (body < count) {
                if (!eof)
                    return pos;
                count = body; /* peer closed mid-frame: keep what came */
                f->incomplete++;
            }
            size_t mlen = strip_trailing(msg, (size_t)count);
            if (mlen) {
                if (fn(arg, msg, mlen, 0))
                    return pos;
                f->frames++;
            }
            pos += hdr_len + (size_t)count;
            continue;
        }

        const char *d = find_delim(p, avail);
        size_t mlen = d ? (size_t)(d - p) : avail;
        if (mlen > YM_LOG_MAX_BYTES) {
            if (fn(arg, p, YM_LOG_MAX_BYTES, 1))
                return pos;
            f->truncated++;
            f->frames++;
            if (d) {
                pos = (size_t)(d - buf) + 1;
            } else {
                pos += YM_LOG_MAX_BYTES;
                f->skip_to_delim = !eof;
                if (eof)
                    return len;
            }
            continue;
        }
        if (!d && !eof)
            return pos;
        size_t kept = mlen;
        if (kept && p[kept - 1] == '\r')
            kept--;
        if (kept) {
            if (fn(arg, p, kept, 0))
                return pos;
            f->frames++;
        }
        pos += d ? mlen + 1 : mlen;
    }
}
