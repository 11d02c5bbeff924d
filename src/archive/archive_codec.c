/* archive_codec: stream-split encoding of logs (see archive_codec.h). */
#include "archive/archive_codec.h"

#include <string.h>
#include <sys/socket.h>
#include <zstd.h>

#define MARK_NUM 0x01
#define MARK_ESC 0x02
#define MAX_DIGITS 18
#define MAX_STREAM_BYTES (1u << 30) /* refuse to inflate more than this */

/* byte classes for the template pass */
enum { B_TEXT = 0, B_DIGIT = 1, B_ESC = 2 };
static const unsigned char *byte_class(void)
{
    static unsigned char t[256];
    static int ready;
    if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) {
        for (int c = 0; c < 256; c++)
            t[c] = (c >= '0' && c <= '9') ? B_DIGIT : (c <= MARK_ESC ? B_ESC : B_TEXT);
        __atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
    }
    return t;
}

static inline size_t put_varint(unsigned char *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (unsigned char)v;
    return n;
}

static inline uint64_t zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t unzigzag(uint64_t v)
{
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static void buf_varint(struct ym_buf *b, uint64_t v)
{
    ym_buf_reserve(b, 10);
    b->len += put_varint((unsigned char *)b->data + b->len, v);
}

void archive_codec_enc_init(struct archive_codec_enc *e)
{
    memset(e, 0, sizeof(*e));
    e->cctx = ZSTD_createCCtx(); /* NULL is tolerated: one-shot contexts then */
}

void archive_codec_enc_free(struct archive_codec_enc *e)
{
    ym_buf_free(&e->tmpl);
    ym_buf_free(&e->nums);
    ym_buf_free(&e->meta);
    ZSTD_freeCCtx(e->cctx);
    memset(e, 0, sizeof(*e));
}

void archive_codec_enc_reset(struct archive_codec_enc *e)
{
    e->tmpl.len = e->nums.len = e->meta.len = 0;
    e->last_ns = 0;
    e->count = 0;
    e->raw_bytes = 0;
}

void archive_codec_enc_add(struct archive_codec_enc *e, const struct archive_codec_rec *r)
{
    const unsigned char *cl = byte_class();
    const unsigned char *s = (const unsigned char *)r->raw;
    size_t n = r->raw_len;

    /* worst case: every byte escaped, plus the terminator */
    ym_buf_reserve(&e->tmpl, 2 * n + 1);
    ym_buf_reserve(&e->nums, n / 2 * 10 + 10);
    unsigned char *t = (unsigned char *)e->tmpl.data + e->tmpl.len;
    unsigned char *u = (unsigned char *)e->nums.data + e->nums.len;
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        unsigned char k = cl[c];
        if (k == B_TEXT) {
            size_t j = i + 1;
            while (j < n && cl[s[j]] == B_TEXT)
                j++;
            memcpy(t, s + i, j - i);
            t += j - i;
            i = j;
        } else if (k == B_DIGIT) {
            size_t j = i + 1;
            while (j < n && cl[s[j]] == B_DIGIT)
                j++;
            size_t digits = j - i;
            if ((c == '0' && digits > 1) || digits > MAX_DIGITS) {
                memcpy(t, s + i, digits);
                t += digits;
            } else {
                uint64_t v = 0;
                for (size_t q = i; q < j; q++)
                    v = v * 10 + (uint64_t)(s[q] - '0');
                *t++ = MARK_NUM;
                u += put_varint(u, v);
            }
            i = j;
        } else {
            *t++ = MARK_ESC;
            *t++ = c;
            i++;
        }
    }
    *t++ = 0;
    e->tmpl.len = (size_t)((char *)t - e->tmpl.data);
    e->nums.len = (size_t)((char *)u - e->nums.data);

    ym_buf_reserve(&e->meta, 48);
    unsigned char *m = (unsigned char *)e->meta.data + e->meta.len;
    m += put_varint(m, zigzag(r->received_ns - e->last_ns));
    m += put_varint(m, r->device_id);
    *m++ = r->transport;
    if (r->peer.family == AF_INET) {
        *m++ = AF_INET;
        memcpy(m, r->peer.addr + 12, 4);
        m += 4;
        m += put_varint(m, r->peer.port);
    } else if (r->peer.family == AF_INET6) {
        *m++ = AF_INET6;
        memcpy(m, r->peer.addr, 16);
        m += 16;
        m += put_varint(m, r->peer.port);
    } else {
        *m++ = 0;
    }
    e->meta.len = (size_t)((char *)m - e->meta.data);
    e->last_ns = r->received_ns;
    e->count++;
    e->raw_bytes += n;
}

void archive_codec_enc_mark(const struct archive_codec_enc *e, struct archive_codec_mark *m)
{
    m->tmpl = e->tmpl.len;
    m->nums = e->nums.len;
    m->meta = e->meta.len;
    m->count = e->count;
    m->base_ns = e->last_ns;
    m->raw_bytes = e->raw_bytes;
}

static enum ym_status put_stream(ZSTD_CCtx *cctx, struct ym_buf *out, const char *p, size_t n,
                                 int level)
{
    buf_varint(out, n);
    if (level == 0 || n == 0) {
        buf_varint(out, 0);
        ym_buf_add(out, p, n);
        return YM_OK;
    }
    size_t bound = ZSTD_compressBound(n);
    ym_buf_reserve(out, bound + 10);
    /* the stored length goes before the frame: compress past a gap for it */
    size_t gap = 10;
    size_t z = cctx ? ZSTD_compressCCtx(cctx, out->data + out->len + gap, bound, p, n, level)
                    : ZSTD_compress(out->data + out->len + gap, bound, p, n, level);
    if (ZSTD_isError(z))
        return YM_ENOMEM;
    unsigned char hdr[10];
    size_t h = put_varint(hdr, z);
    memmove(out->data + out->len + h, out->data + out->len + gap, z);
    memcpy(out->data + out->len, hdr, h);
    out->len += h + z;
    out->data[out->len] = 0;
    return YM_OK;
}

enum ym_status archive_codec_enc_finish(const struct archive_codec_enc *e,
                                        const struct archive_codec_mark *from, int level,
                                        struct ym_buf *out)
{
    struct archive_codec_mark zero = {0};
    ZSTD_CCtx *cctx = e->cctx;
    if (!from)
        from = &zero;
    unsigned char v = ARCHIVE_CODEC_VERSION;
    ym_buf_add(out, &v, 1);
    buf_varint(out, e->count - from->count);
    buf_varint(out, zigzag(from->base_ns));
    buf_varint(out, e->raw_bytes - from->raw_bytes);
    enum ym_status st = put_stream(cctx, out, e->tmpl.data + from->tmpl, e->tmpl.len - from->tmpl, level);
    if (st == YM_OK)
        st = put_stream(cctx, out, e->nums.data + from->nums, e->nums.len - from->nums, level);
    if (st == YM_OK)
        st = put_stream(cctx, out, e->meta.data + from->meta, e->meta.len - from->meta, level);
    return st;
}

/* ---- decode ---- */

struct reader {
    const unsigned char *p, *end;
};

static int get_varint(struct reader *r, uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (r->p >= r->end)
            return -1;
        unsigned char c = *r->p++;
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return -1;
}

void archive_codec_dec_init(struct archive_codec_dec *d)
{
    memset(d, 0, sizeof(*d));
}

void archive_codec_dec_free(struct archive_codec_dec *d)
{
    ym_buf_free(&d->tmpl);
    ym_buf_free(&d->nums);
    ym_buf_free(&d->meta);
    ym_buf_free(&d->line);
}

static enum ym_status read_header(struct reader *r, uint64_t *count, uint64_t *base, uint64_t *raw)
{
    if (r->p >= r->end || *r->p != ARCHIVE_CODEC_VERSION)
        return YM_ECORRUPT;
    r->p++;
    if (get_varint(r, count) || get_varint(r, base) || get_varint(r, raw))
        return YM_ECORRUPT;
    return YM_OK;
}

enum ym_status archive_codec_peek(const void *blob, size_t len, uint32_t *count, uint64_t *raw_bytes)
{
    struct reader r = {blob, (const unsigned char *)blob + len};
    uint64_t c, b, raw;
    enum ym_status st = read_header(&r, &c, &b, &raw);
    if (st != YM_OK || c > UINT32_MAX)
        return YM_ECORRUPT;
    *count = (uint32_t)c;
    *raw_bytes = raw;
    return YM_OK;
}

static enum ym_status get_stream(struct reader *r, struct ym_buf *dst)
{
    uint64_t plain, stored;
    if (get_varint(r, &plain) || get_varint(r, &stored) || plain > MAX_STREAM_BYTES)
        return YM_ECORRUPT;
    dst->len = 0;
    ym_buf_reserve(dst, (size_t)plain + 1);
    if (stored == 0) {
        if ((uint64_t)(r->end - r->p) < plain)
            return YM_ECORRUPT;
        memcpy(dst->data, r->p, (size_t)plain);
        r->p += plain;
    } else {
        if ((uint64_t)(r->end - r->p) < stored)
            return YM_ECORRUPT;
        size_t z = ZSTD_decompress(dst->data, (size_t)plain, r->p, (size_t)stored);
        if (ZSTD_isError(z) || z != plain)
            return YM_ECORRUPT;
        r->p += stored;
    }
    dst->len = (size_t)plain;
    dst->data[dst->len] = 0;
    return YM_OK;
}

/* Rebuilds one log from the template and numbers streams into d->line. */
static enum ym_status rebuild(struct archive_codec_dec *d, struct reader *t, struct reader *u)
{
    d->line.len = 0;
    for (;;) {
        const unsigned char *start = t->p;
        while (t->p < t->end && *t->p > MARK_ESC)
            t->p++;
        if (t->p > start)
            ym_buf_add(&d->line, start, (size_t)(t->p - start));
        if (t->p >= t->end)
            return YM_ECORRUPT;
        unsigned char c = *t->p++;
        if (c == 0)
            return YM_OK;
        if (c == MARK_ESC) {
            if (t->p >= t->end)
                return YM_ECORRUPT;
            ym_buf_add(&d->line, t->p, 1);
            t->p++;
            continue;
        }
        uint64_t v;
        if (get_varint(u, &v))
            return YM_ECORRUPT;
        char digits[24];
        size_t k = sizeof(digits);
        do {
            digits[--k] = (char)('0' + v % 10);
            v /= 10;
        } while (v && k > 0);
        ym_buf_add(&d->line, digits + k, sizeof(digits) - k);
    }
}

static enum ym_status read_meta(struct reader *m, int64_t *ns, struct archive_codec_rec *rec)
{
    uint64_t delta, dev, port;
    if (get_varint(m, &delta) || get_varint(m, &dev) || dev > UINT32_MAX || m->end - m->p < 2)
        return YM_ECORRUPT;
    *ns += unzigzag(delta);
    rec->received_ns = *ns;
    rec->device_id = (uint32_t)dev;
    rec->transport = *m->p++;
    unsigned char fam = *m->p++;
    memset(&rec->peer, 0, sizeof(rec->peer));
    if (fam == AF_INET || fam == AF_INET6) {
        size_t alen = fam == AF_INET ? 4 : 16;
        if ((size_t)(m->end - m->p) < alen)
            return YM_ECORRUPT;
        if (fam == AF_INET) {
            rec->peer.addr[10] = rec->peer.addr[11] = 0xff;
            memcpy(rec->peer.addr + 12, m->p, 4);
        } else {
            memcpy(rec->peer.addr, m->p, 16);
        }
        m->p += alen;
        if (get_varint(m, &port) || port > 65535)
            return YM_ECORRUPT;
        rec->peer.port = (uint16_t)port;
        rec->peer.family = fam;
    } else if (fam != 0) {
        return YM_ECORRUPT;
    }
    return YM_OK;
}

enum ym_status archive_codec_decode(struct archive_codec_dec *d, const void *blob, size_t len,
                                    archive_codec_rec_fn fn, void *arg, int *stopped)
{
    struct reader r = {blob, (const unsigned char *)blob + len};
    uint64_t count, base, raw;
    if (stopped)
        *stopped = 0;
    enum ym_status st = read_header(&r, &count, &base, &raw);
    if (st == YM_OK)
        st = get_stream(&r, &d->tmpl);
    if (st == YM_OK)
        st = get_stream(&r, &d->nums);
    if (st == YM_OK)
        st = get_stream(&r, &d->meta);
    if (st != YM_OK)
        return st;
    if (count > UINT32_MAX)
        return YM_ECORRUPT;
    struct reader t = {(unsigned char *)d->tmpl.data, (unsigned char *)d->tmpl.data + d->tmpl.len};
    struct reader u = {(unsigned char *)d->nums.data, (unsigned char *)d->nums.data + d->nums.len};
    struct reader m = {(unsigned char *)d->meta.data, (unsigned char *)d->meta.data + d->meta.len};
    int64_t ns = unzigzag(base);
    for (uint32_t i = 0; i < count; i++) {
        struct archive_codec_rec rec;
        if (read_meta(&m, &ns, &rec) != YM_OK || rebuild(d, &t, &u) != YM_OK)
            return YM_ECORRUPT;
        if (d->line.len > UINT32_MAX)
            return YM_ECORRUPT;
        ym_buf_reserve(&d->line, 1);
        d->line.data[d->line.len] = 0;
        rec.raw = d->line.data;
        rec.raw_len = (uint32_t)d->line.len;
        if (fn && fn(arg, &rec, i)) {
            if (stopped)
                *stopped = 1;
            return YM_OK;
        }
    }
    return YM_OK;
}
