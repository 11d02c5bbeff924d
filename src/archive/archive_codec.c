/* archive_codec: stream-split encoding of logs (see archive_codec.h). */
#include "archive/archive_codec.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <zstd.h>

#include "core/ym_alloc.h"

#define MARK_NUM 0x01  /* decimal number, no leading zero */
#define MARK_ESC 0x02  /* the next byte is literal */
#define MARK_HEX 0x03  /* after "0x": lower-case hex digits, no leading zero */
#define MARK_ZNUM 0x04 /* decimal with leading zeros; next byte = digit count */
#define MARK_REP 0x05  /* same decimal as the k-th previous one; next byte = k */
#define MARK_MAX MARK_REP
#define REP_BACK 15    /* how far back a repeat may point */
#define REP_MIN 100    /* smaller values are too often equal by chance */
#define MAX_HEX_DIGITS 16
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
            t[c] = (c >= '0' && c <= '9') ? B_DIGIT : (c <= MARK_MAX ? B_ESC : B_TEXT);
        __atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
    }
    return t;
}

/* Column of a number: hash of its context, the template bytes of its log
 * before its marker back to the start of its word, or of the word before
 * if it starts a word, at most ARCHIVE_CODEC_CTX bytes: "outside:#.#.#.",
 * "connection ", "bytes " -- the field it belongs to. The decoder sees the
 * same bytes. */
static inline unsigned column_of(const unsigned char *base, const unsigned char *line_start,
                                 const unsigned char *marker)
{
    const unsigned char *limit =
        marker - line_start > ARCHIVE_CODEC_CTX ? marker - ARCHIVE_CODEC_CTX : line_start;
    const unsigned char *p = marker;
    while (p > limit && p[-1] != ' ')
        p--;
    if (p == marker && p > limit) {
        /* a number that starts a word: its field is named by the word before */
        p--;
        while (p > limit && p[-1] != ' ')
            p--;
    }
    /* hash the context a word at a time, from the marker backwards; the
     * bytes before p that a whole-word load sees are shifted out */
    size_t n = (size_t)(marker - p);
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;
    const unsigned char *q = marker;
    while (n >= 8) {
        q -= 8;
        memcpy(&w, q, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 29;
        n -= 8;
    }
    if (n) {
        if (q - base >= 8) {
            memcpy(&w, q - 8, 8);
            w >>= 8 * (8 - n);
        } else {
            w = 0;
            for (size_t i = 0; i < n; i++)
                w |= (uint64_t)(q - n)[i] << (8 * i);
        }
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 29;
    }
    return (unsigned)(h >> 40) & (ARCHIVE_CODEC_COLUMNS - 1);
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

static inline void buf_varint(struct ym_buf *b, uint64_t v)
{
    if (b->len + 11 > b->cap) /* ym_buf keeps a byte for a terminator */
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
    ym_buf_free(&e->tmpl_off);
    ym_buf_free(&e->tcols);
    ym_buf_free(&e->tcol_off);
    ym_buf_free(&e->ids);
    ym_buf_free(&e->local);
    free(e->ht_hash);
    free(e->ht_id);
    for (int k = 0; k < ARCHIVE_CODEC_COLUMNS; k++)
        ym_buf_free(&e->cols[k]);
    ym_buf_free(&e->meta);
    ZSTD_freeCCtx(e->cctx);
    memset(e, 0, sizeof(*e));
}

void archive_codec_enc_reset(struct archive_codec_enc *e)
{
    e->tmpl.len = e->tmpl_off.len = e->ids.len = e->meta.len = 0;
    e->tcols.len = e->tcol_off.len = 0;
    if (e->ht_cap)
        memset(e->ht_id, 0xff, e->ht_cap * sizeof(uint32_t));
    for (int k = 0; k < ARCHIVE_CODEC_COLUMNS; k++)
        e->cols[k].len = 0;
    e->last_ns = 0;
    e->count = 0;
    e->raw_bytes = 0;
}

static uint32_t template_id(struct archive_codec_enc *e, const unsigned char *t, size_t n,
                            int *is_new);

/* The high bit of each byte of w (little-endian) that is not B_TEXT: a
 * digit '0'..'9' or a byte 0x00..MARK_MAX. Lowest set bit = first such. */
static inline uint64_t special_bytes(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    uint64_t x = w & ~high; /* bytes >= 0x80 are text: their high bit masks them out below */
    uint64_t ge_0 = x + (0x80 - '0') * ones;
    uint64_t gt_9 = x + (0x80 - '9' - 1) * ones;
    uint64_t ge_marks = x + (0x80 - MARK_MAX - 1) * ones;
    return ((ge_0 & ~gt_9) | ~ge_marks) & ~w & high;
}

/* Numbers of the log being split, waiting for their columns: a column
 * hashes the template bytes just written before the number's marker, and
 * reading them back at once (a word load over a few byte stores) stalls
 * on store forwarding; a little later they are plain cached bytes. */
#define PENDING_MAX 32
struct pending {
    unsigned n;
    int flushed; /* numbers of this log went out before its end */
    uint32_t off[PENDING_MAX]; /* marker offset from the line start */
    uint64_t v[PENDING_MAX];
};

static inline void col_add(struct archive_codec_enc *e, unsigned col, uint64_t v)
{
    struct ym_buf *cb = &e->cols[col];
    if (cb->len + 11 > cb->cap)
        ym_buf_reserve(cb, 10);
    cb->len += put_varint((unsigned char *)cb->data + cb->len, v);
}

static void put_pending(struct archive_codec_enc *e, const unsigned char *line_start,
                        struct pending *p)
{
    const unsigned char *base = (const unsigned char *)e->tmpl.data;
    for (unsigned i = 0; i < p->n; i++)
        col_add(e, column_of(base, line_start, line_start + p->off[i]), p->v[i]);
    p->n = 0;
}

/* The numbers of a log whose template got id `id`: every log of one
 * template has its numbers in the same columns, so they are hashed once
 * per template (tcols: per template a count, then a column per number;
 * count NO_COLS when the log had too many numbers to keep them pending). */
#define NO_COLS 0xff
static void put_numbers(struct archive_codec_enc *e, const unsigned char *line_start,
                        struct pending *p, uint32_t id, int is_new)
{
    if (is_new) {
        uint32_t off = (uint32_t)e->tcols.len;
        ym_buf_add(&e->tcol_off, &off, sizeof(off));
        ym_buf_reserve(&e->tcols, 1 + p->n);
        unsigned char *c = (unsigned char *)e->tcols.data + e->tcols.len;
        c[0] = (unsigned char)p->n;
        const unsigned char *base = (const unsigned char *)e->tmpl.data;
        for (unsigned i = 0; i < p->n; i++)
            c[1 + i] = (unsigned char)column_of(base, line_start, line_start + p->off[i]);
        e->tcols.len += 1 + p->n;
    }
    const unsigned char *c =
        (const unsigned char *)e->tcols.data + ((const uint32_t *)e->tcol_off.data)[id];
    if (c[0] != p->n) {
        put_pending(e, line_start, p); /* the template had a flushed log */
        return;
    }
    for (unsigned i = 0; i < p->n; i++)
        col_add(e, c[1 + i], p->v[i]);
    p->n = 0;
}

/* Adds a number to the column of the marker about to be written at t. */
static inline void put_col(struct archive_codec_enc *e, const unsigned char *line_start,
                           const unsigned char *t, uint64_t v, struct pending *p)
{
    if (p->n == PENDING_MAX) {
        put_pending(e, line_start, p);
        p->flushed = 1;
    }
    p->off[p->n] = (uint32_t)(t - line_start);
    p->v[p->n++] = v;
}

/* Length of a run of lower-case hex digits at s that we can store as a
 * number and print back the same: 1..16 digits, no leading zero (but "0"). */
static inline size_t hex_digits(const unsigned char *s, size_t n)
{
    size_t j = 0;
    while (j < n && j <= MAX_HEX_DIGITS &&
           ((s[j] >= '0' && s[j] <= '9') || (s[j] >= 'a' && s[j] <= 'f')))
        j++;
    if (j == 0 || j > MAX_HEX_DIGITS || (s[0] == '0' && j > 1))
        return 0;
    return j;
}

int archive_codec_enc_add(struct archive_codec_enc *e, const struct archive_codec_rec *r)
{
    const unsigned char *cl = byte_class();
    const unsigned char *s = (const unsigned char *)r->raw;
    size_t n = r->raw_len;

    /* worst case: every byte escaped, plus the terminator, plus the
     * overrun of the 8-byte text copy */
    ym_buf_reserve(&e->tmpl, 2 * n + 1 + 8);
    unsigned char *t = (unsigned char *)e->tmpl.data + e->tmpl.len;
    const unsigned char *line_start = t;
    uint64_t hist[16]; /* last plain decimals of this log (ring; REP_BACK < 16) */
    unsigned hcount = 0;
    struct pending pend;
    pend.n = 0;
    pend.flushed = 0;
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        unsigned char k = cl[c];
        if (k == B_TEXT) {
            /* eight bytes at a time: copy them all, keep those before the
             * first digit or marker byte (the reserve covers the overrun) */
            for (;;) {
                if (i + 8 > n) {
                    while (i < n && cl[s[i]] == B_TEXT)
                        *t++ = s[i++];
                    break;
                }
                uint64_t w;
                memcpy(&w, s + i, 8);
                memcpy(t, &w, 8);
                uint64_t stop = special_bytes(w);
                if (stop) {
                    size_t keep = (size_t)__builtin_ctzll(stop) >> 3;
                    t += keep;
                    i += keep;
                    break;
                }
                t += 8;
                i += 8;
            }
        } else if (k == B_DIGIT) {
            size_t hex = c == '0' && i + 2 < n && s[i + 1] == 'x' ? hex_digits(s + i + 2, n - i - 2) : 0;
            if (hex) {
                uint64_t v = 0;
                for (size_t q = i + 2; q < i + 2 + hex; q++)
                    v = v << 4 | (uint64_t)(s[q] <= '9' ? s[q] - '0' : s[q] - 'a' + 10);
                *t++ = '0';
                *t++ = 'x';
                put_col(e, line_start, t, v, &pend);
                *t++ = MARK_HEX;
                i += 2 + hex;
                continue;
            }
            size_t j = i + 1;
            while (j < n && cl[s[j]] == B_DIGIT)
                j++;
            size_t digits = j - i;
            if (digits > MAX_DIGITS) {
                memcpy(t, s + i, digits);
                t += digits;
            } else {
                uint64_t v = 0;
                for (size_t q = i; q < j; q++)
                    v = v * 10 + (uint64_t)(s[q] - '0');
                if (c == '0' && digits > 1) {
                    put_col(e, line_start, t, v, &pend);
                    *t++ = MARK_ZNUM;
                    *t++ = (unsigned char)digits;
                } else {
                    /* "(192.0.2.5/4444)" after "outside:192.0.2.5/4444":
                     * a repeat costs two template bytes, no number */
                    unsigned back = 0;
                    if (v >= REP_MIN) {
                        unsigned qmax = hcount < REP_BACK ? hcount : REP_BACK;
                        for (unsigned q = 1; q <= qmax; q++)
                            if (hist[(hcount - q) & 15] == v) {
                                back = q;
                                break;
                            }
                    }
                    if (back) {
                        *t++ = MARK_REP;
                        *t++ = (unsigned char)back;
                    } else {
                        put_col(e, line_start, t, v, &pend);
                        *t++ = MARK_NUM;
                    }
                    hist[hcount & 15] = v;
                    hcount++;
                }
            }
            i = j;
        } else {
            *t++ = MARK_ESC;
            *t++ = c;
            i++;
        }
    }
    *t++ = 0;
    int is_new;
    uint32_t id = template_id(e, line_start, (size_t)(t - line_start), &is_new);
    if (pend.flushed) {
        put_pending(e, line_start, &pend);
        if (is_new) {
            uint32_t off = (uint32_t)e->tcols.len;
            unsigned char none = NO_COLS;
            ym_buf_add(&e->tcol_off, &off, sizeof(off));
            ym_buf_add(&e->tcols, &none, 1);
        }
    } else {
        put_numbers(e, line_start, &pend, id, is_new);
    }
    ym_buf_add(&e->ids, &id, sizeof(id));

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
    return is_new;
}

void archive_codec_enc_mark(const struct archive_codec_enc *e, struct archive_codec_mark *m)
{
    for (int k = 0; k < ARCHIVE_CODEC_COLUMNS; k++)
        m->cols[k] = e->cols[k].len;
    m->meta = e->meta.len;
    m->count = e->count;
    m->base_ns = e->last_ns;
    m->raw_bytes = e->raw_bytes;
}

static uint64_t bytes_hash(const unsigned char *p, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 29;
    }
    for (; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    h ^= h >> 32;
    return h;
}

/* Id of the template just written at the end of e->tmpl (n bytes from t):
 * an earlier identical one (and the bytes are dropped again), or a new id. */
static uint32_t template_id(struct archive_codec_enc *e, const unsigned char *t, size_t n,
                            int *is_new)
{
    *is_new = 0;
    size_t ntmpl = e->tmpl_off.len / sizeof(uint32_t);
    if (2 * (ntmpl + 1) > e->ht_cap) {
        size_t cap = e->ht_cap ? 2 * e->ht_cap : 1024;
        uint64_t *hh = ym_xcalloc(cap, sizeof(uint64_t));
        uint32_t *hi = ym_xmalloc(cap * sizeof(uint32_t));
        memset(hi, 0xff, cap * sizeof(uint32_t));
        for (size_t i = 0; i < e->ht_cap; i++) {
            if (e->ht_id[i] == UINT32_MAX)
                continue;
            size_t j = e->ht_hash[i] & (cap - 1);
            while (hi[j] != UINT32_MAX)
                j = (j + 1) & (cap - 1);
            hh[j] = e->ht_hash[i];
            hi[j] = e->ht_id[i];
        }
        free(e->ht_hash);
        free(e->ht_id);
        e->ht_hash = hh;
        e->ht_id = hi;
        e->ht_cap = cap;
    }
    size_t start = (size_t)((const char *)t - e->tmpl.data);
    const uint32_t *off = (const uint32_t *)e->tmpl_off.data;
    uint64_t h = bytes_hash(t, n);
    size_t j = h & (e->ht_cap - 1);
    while (e->ht_id[j] != UINT32_MAX) {
        uint32_t id = e->ht_id[j];
        if (e->ht_hash[j] == h) {
            size_t end = id + 1 < ntmpl ? off[id + 1] : start;
            if (end - off[id] == n && memcmp(e->tmpl.data + off[id], t, n) == 0)
                return id; /* e->tmpl.len unchanged: the copy is dropped */
        }
        j = (j + 1) & (e->ht_cap - 1);
    }
    *is_new = 1;
    e->ht_hash[j] = h;
    e->ht_id[j] = (uint32_t)ntmpl;
    uint32_t off32 = (uint32_t)start;
    ym_buf_add(&e->tmpl_off, &off32, sizeof(off32));
    e->tmpl.len = start + n;
    return (uint32_t)ntmpl;
}

/* Rewrites a column of varints as zigzag varints of the difference to the
 * previous value (counters, connection ids); 0 if the column is damaged. */
static int delta_code(const char *p, size_t n, struct ym_buf *out)
{
    const unsigned char *q = (const unsigned char *)p, *end = q + n;
    uint64_t prev = 0;
    ym_buf_reserve(out, n + 16);
    while (q < end) {
        uint64_t v = 0;
        unsigned shift = 0;
        for (;;) {
            if (q >= end || shift > 63)
                return 0;
            unsigned char c = *q++;
            v |= (uint64_t)(c & 0x7f) << shift;
            shift += 7;
            if (!(c & 0x80))
                break;
        }
        buf_varint(out, zigzag((int64_t)(v - prev)));
        prev = v;
    }
    return 1;
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

enum ym_status archive_codec_enc_finish(struct archive_codec_enc *e,
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
    /* templates used since the mark, renumbered in order of first use */
    size_t ntmpl = e->tmpl_off.len / sizeof(uint32_t);
    const uint32_t *off = (const uint32_t *)e->tmpl_off.data;
    const uint32_t *ids = (const uint32_t *)e->ids.data;
    e->local.len = 0;
    ym_buf_reserve(&e->local, ntmpl * sizeof(uint32_t));
    uint32_t *local = (uint32_t *)e->local.data;
    memset(local, 0xff, ntmpl * sizeof(uint32_t));
    struct ym_buf tmpl = YM_BUF_INIT, idbuf = YM_BUF_INIT;
    uint32_t nlocal = 0;
    for (uint32_t i = from->count; i < e->count; i++) {
        uint32_t g = ids[i];
        if (local[g] == UINT32_MAX) {
            local[g] = nlocal++;
            size_t end = g + 1 < ntmpl ? off[g + 1] : e->tmpl.len;
            ym_buf_add(&tmpl, e->tmpl.data + off[g], end - off[g]);
        }
        buf_varint(&idbuf, local[g]);
    }
    enum ym_status st = put_stream(cctx, out, tmpl.data, tmpl.len, level);
    if (st == YM_OK)
        st = put_stream(cctx, out, idbuf.data, idbuf.len, level);
    ym_buf_free(&tmpl);
    ym_buf_free(&idbuf);
    if (st == YM_OK) {
        /* the numbers stream: column directory, then the columns */
        struct ym_buf nums = YM_BUF_INIT;
        struct ym_buf delta[ARCHIVE_CODEC_COLUMNS];
        int use_delta[ARCHIVE_CODEC_COLUMNS];
        buf_varint(&nums, ARCHIVE_CODEC_COLUMNS);
        for (int k = 0; k < ARCHIVE_CODEC_COLUMNS; k++) {
            size_t n = e->cols[k].len - from->cols[k];
            delta[k] = (struct ym_buf)YM_BUF_INIT;
            /* staging rows (fast levels) skip the extra pass */
            use_delta[k] = n && level > 0 && delta_code(e->cols[k].data + from->cols[k], n, &delta[k]) &&
                           delta[k].len < n - n / 8;
            /* directory entry: length << 1 | delta coded */
            buf_varint(&nums, (uint64_t)(use_delta[k] ? delta[k].len : n) << 1 | (uint64_t)use_delta[k]);
        }
        for (int k = 0; k < ARCHIVE_CODEC_COLUMNS; k++) {
            if (use_delta[k])
                ym_buf_add(&nums, delta[k].data, delta[k].len);
            else if (e->cols[k].len > from->cols[k])
                ym_buf_add(&nums, e->cols[k].data + from->cols[k], e->cols[k].len - from->cols[k]);
            ym_buf_free(&delta[k]);
        }
        st = put_stream(cctx, out, nums.data, nums.len, level);
        ym_buf_free(&nums);
    }
    if (st == YM_OK)
        st = put_stream(cctx, out, e->meta.len ? e->meta.data + from->meta : NULL,
                        e->meta.len - from->meta, level);
    return st;
}

/* ---- decode ---- */

struct reader {
    const unsigned char *p, *end;
    uint64_t prev; /* numbers column: last value, when delta coded */
    int delta;
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

/* A value of a numbers column, undoing the delta coding if it has one. */
static int get_num(struct reader *r, uint64_t *out)
{
    uint64_t v;
    if (get_varint(r, &v))
        return -1;
    if (r->delta) {
        v = r->prev + (uint64_t)unzigzag(v);
        r->prev = v;
    }
    *out = v;
    return 0;
}

void archive_codec_dec_init(struct archive_codec_dec *d)
{
    memset(d, 0, sizeof(*d));
}

void archive_codec_dec_free(struct archive_codec_dec *d)
{
    ym_buf_free(&d->tmpl);
    ym_buf_free(&d->tmpl_off);
    ym_buf_free(&d->ids);
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
    struct reader r = {blob, (const unsigned char *)blob + len, 0, 0};
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
static enum ym_status rebuild(struct archive_codec_dec *d, const unsigned char *base, struct reader *t,
                              struct reader *cols)
{
    const unsigned char *line_start = t->p;
    uint64_t hist[REP_BACK];
    unsigned hcount = 0;
    d->line.len = 0;
    for (;;) {
        const unsigned char *start = t->p;
        while (t->p < t->end && *t->p > MARK_MAX)
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
        if (c == MARK_REP) {
            if (t->p >= t->end || *t->p == 0 || *t->p > REP_BACK || *t->p > hcount)
                return YM_ECORRUPT;
            v = hist[(hcount - *t->p) % REP_BACK];
            t->p++;
        } else if (get_num(&cols[column_of(base, line_start, t->p - 1)], &v)) {
            return YM_ECORRUPT;
        }
        if (c == MARK_NUM || c == MARK_REP)
            hist[hcount++ % REP_BACK] = v;
        char digits[24];
        size_t k = sizeof(digits);
        if (c == MARK_HEX) {
            do {
                digits[--k] = "0123456789abcdef"[v & 15];
                v >>= 4;
            } while (v && k > 0);
        } else {
            size_t width = 1;
            if (c == MARK_ZNUM) {
                if (t->p >= t->end || *t->p < 2 || *t->p > MAX_DIGITS)
                    return YM_ECORRUPT;
                width = *t->p++;
            }
            do {
                digits[--k] = (char)('0' + v % 10);
                v /= 10;
            } while (v && k > 0);
            if (v || (c == MARK_ZNUM && sizeof(digits) - k > width))
                return YM_ECORRUPT;
            while (sizeof(digits) - k < width)
                digits[--k] = '0';
        }
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
    struct reader r = {blob, (const unsigned char *)blob + len, 0, 0};
    uint64_t count, base, raw;
    if (stopped)
        *stopped = 0;
    enum ym_status st = read_header(&r, &count, &base, &raw);
    if (st == YM_OK)
        st = get_stream(&r, &d->tmpl);
    if (st == YM_OK)
        st = get_stream(&r, &d->ids);
    if (st == YM_OK)
        st = get_stream(&r, &d->nums);
    if (st == YM_OK)
        st = get_stream(&r, &d->meta);
    if (st != YM_OK)
        return st;
    if (count > UINT32_MAX)
        return YM_ECORRUPT;
    /* split the templates (escape-aware: an escaped 0x00 is not an end) */
    d->tmpl_off.len = 0;
    const unsigned char *tb = (const unsigned char *)d->tmpl.data, *te = tb + d->tmpl.len;
    for (const unsigned char *q = tb; q < te;) {
        uint32_t start = (uint32_t)(q - tb);
        ym_buf_add(&d->tmpl_off, &start, sizeof(start));
        while (q < te && *q != 0)
            q += (*q == MARK_ESC || *q == MARK_ZNUM || *q == MARK_REP) ? 2 : 1;
        if (q >= te)
            return YM_ECORRUPT;
        q++;
    }
    size_t ntmpl = d->tmpl_off.len / sizeof(uint32_t);
    const uint32_t *toff = (const uint32_t *)d->tmpl_off.data;
    struct reader ids = {(unsigned char *)d->ids.data, (unsigned char *)d->ids.data + d->ids.len, 0, 0};
    struct reader u = {(unsigned char *)d->nums.data, (unsigned char *)d->nums.data + d->nums.len, 0, 0};
    struct reader cols[ARCHIVE_CODEC_COLUMNS];
    uint64_t ncols, clen[ARCHIVE_CODEC_COLUMNS];
    if (get_varint(&u, &ncols) || ncols != ARCHIVE_CODEC_COLUMNS)
        return YM_ECORRUPT;
    for (int k = 0; k < ARCHIVE_CODEC_COLUMNS; k++)
        if (get_varint(&u, &clen[k]))
            return YM_ECORRUPT;
        else {
            cols[k].delta = (int)(clen[k] & 1);
            cols[k].prev = 0;
            clen[k] >>= 1;
        }
    for (int k = 0; k < ARCHIVE_CODEC_COLUMNS; k++) {
        if ((uint64_t)(u.end - u.p) < clen[k])
            return YM_ECORRUPT;
        cols[k].p = u.p;
        cols[k].end = u.p + clen[k];
        u.p += clen[k];
    }
    struct reader m = {(unsigned char *)d->meta.data, (unsigned char *)d->meta.data + d->meta.len, 0, 0};
    int64_t ns = unzigzag(base);
    for (uint32_t i = 0; i < count; i++) {
        struct archive_codec_rec rec;
        uint64_t id;
        if (get_varint(&ids, &id) || id >= ntmpl)
            return YM_ECORRUPT;
        struct reader t = {tb + toff[id], te, 0, 0};
        if (read_meta(&m, &ns, &rec) != YM_OK || rebuild(d, tb, &t, cols) != YM_OK)
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
