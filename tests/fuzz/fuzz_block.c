/* Fuzz target for what the archive reads back from disk: a codec blob
 * (block or staging data) and a bloom blob, which a damaged or edited day
 * file may hold, must be refused or read, never crash. The same input cut
 * into logs must also survive encode + decode byte for byte.
 * Input: byte 0 picks the mode (even: decode as blob; odd: round trip). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "archive/archive_bloom.h"
#include "archive/archive_codec.h"
#include "archive/archive_token.h"

struct check {
    const uint8_t *data;
    size_t size;
    size_t pos;
    int bad;
};

static int count_rec(void *arg, const struct archive_codec_rec *r, uint32_t index)
{
    (void)arg;
    (void)index;
    return r->raw[r->raw_len] != 0; /* stop (harmlessly) if not NUL-terminated */
}

static int match_rec(void *arg, const struct archive_codec_rec *r, uint32_t index)
{
    struct check *c = arg;
    /* logs were cut at '\n' */
    const uint8_t *nl = memchr(c->data + c->pos, '\n', c->size - c->pos);
    size_t len = nl ? (size_t)(nl - (c->data + c->pos)) : c->size - c->pos;
    if (r->raw_len != len || memcmp(r->raw, c->data + c->pos, len) != 0 ||
        r->received_ns != (int64_t)index * 1000 - 5)
        c->bad = 1;
    c->pos += len + 1;
    return 0;
}

static void no_op(void *arg, uint64_t h)
{
    (void)arg;
    (void)h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int mode = data[0] & 1;
    data++;
    size--;
    struct archive_codec_dec dec;
    archive_codec_dec_init(&dec);
    if (mode == 0) {
        archive_codec_decode(&dec, data, size, count_rec, NULL, NULL);
        uint32_t count;
        uint64_t raw;
        archive_codec_peek(data, size, &count, &raw);
        archive_bloom_may_contain(data, size, archive_token_hash((const char *)data, size));
        archive_token_hash_each((const char *)data, size, no_op, NULL);
    } else {
        struct archive_codec_enc enc;
        struct ym_buf out = YM_BUF_INIT;
        archive_codec_enc_init(&enc);
        size_t pos = 0;
        uint32_t n = 0;
        for (;;) {
            const uint8_t *nl = memchr(data + pos, '\n', size - pos);
            size_t len = nl ? (size_t)(nl - (data + pos)) : size - pos;
            struct archive_codec_rec r = {.received_ns = (int64_t)n * 1000 - 5,
                                          .raw = (const char *)data + pos,
                                          .raw_len = (uint32_t)len};
            archive_codec_enc_add(&enc, &r);
            n++;
            if (!nl)
                break;
            pos += len + 1;
        }
        if (archive_codec_enc_finish(&enc, NULL, n % 2 ? 1 : 0, &out) == YM_OK) {
            struct check c = {data, size, 0, 0};
            if (archive_codec_decode(&dec, out.data, out.len, match_rec, &c, NULL) != YM_OK ||
                c.bad)
                abort();
        }
        ym_buf_free(&out);
        archive_codec_enc_free(&enc);
    }
    archive_codec_dec_free(&dec);
    return 0;
}
