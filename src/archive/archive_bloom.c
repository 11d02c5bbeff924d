/* archive_bloom: blocked bloom filter with folding (see archive_bloom.h). */
#include "archive/archive_bloom.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/ym_alloc.h"

#define BLOOM_FOLDED 1
#define BLOOM_SIZED 2
#define MAX_LOG2_BLOCKS 20 /* 64 MiB: bound on what a blob may claim */

void archive_bloom_init(struct archive_bloom *b, size_t max_tokens)
{
    size_t bits = max_tokens * ARCHIVE_BLOOM_BITS_PER_TOKEN;
    unsigned lg = 0;
    while (lg < 16 && ((size_t)512 << lg) < bits)
        lg++;
    b->log2_blocks = lg;
    b->blocks = 0;
    b->words = ym_xcalloc((size_t)8 << lg, sizeof(uint64_t));
}

void archive_bloom_free(struct archive_bloom *b)
{
    free(b->words);
    b->words = NULL;
}

void archive_bloom_clear(struct archive_bloom *b, uint64_t expected_tokens)
{
    memset(b->words, 0, ((size_t)8 << b->log2_blocks) * sizeof(uint64_t));
    b->blocks = 0;
    if (expected_tokens) {
        uint64_t want = (expected_tokens * ARCHIVE_BLOOM_BITS_PER_TOKEN + 511) / 512;
        uint64_t cap = 1ull << b->log2_blocks;
        b->blocks = (uint32_t)(want < 1 ? 1 : want > cap ? cap : want);
    }
}

void archive_bloom_seal(const struct archive_bloom *b, struct ym_buf *out, uint64_t *tokens_est)
{
    size_t nwords = b->blocks ? (size_t)8 * b->blocks : (size_t)8 << b->log2_blocks;
    uint64_t set = 0;
    for (size_t i = 0; i < nwords; i++)
        set += (uint64_t)__builtin_popcountll(b->words[i]);
    double m = (double)nwords * 64.0;
    double est = set >= (uint64_t)m ? m : -(m / ARCHIVE_BLOOM_K) * log(1.0 - (double)set / m);
    if (tokens_est)
        *tokens_est = (uint64_t)est;

    if (b->blocks) {
        unsigned char hdr[6] = {BLOOM_SIZED, ARCHIVE_BLOOM_K, (unsigned char)b->blocks,
                                (unsigned char)(b->blocks >> 8), (unsigned char)(b->blocks >> 16),
                                (unsigned char)(b->blocks >> 24)};
        ym_buf_add(out, hdr, 6);
        ym_buf_reserve(out, nwords * 8);
        for (size_t i = 0; i < nwords; i++) {
            unsigned char le[8];
            for (int j = 0; j < 8; j++)
                le[j] = (unsigned char)(b->words[i] >> (8 * j));
            ym_buf_add(out, le, 8);
        }
        return;
    }
    unsigned lg = b->log2_blocks;
    while (lg > 0 && (double)((size_t)512 << (lg - 1)) >= est * ARCHIVE_BLOOM_BITS_PER_TOKEN)
        lg--;
    size_t out_words = (size_t)8 << lg;
    unsigned char hdr[3] = {BLOOM_FOLDED, ARCHIVE_BLOOM_K, (unsigned char)lg};
    ym_buf_add(out, hdr, 3);
    ym_buf_reserve(out, out_words * 8);
    uint64_t *dst = ym_xcalloc(out_words, sizeof(uint64_t));
    for (size_t i = 0; i < nwords; i++)
        dst[i & (out_words - 1)] |= b->words[i];
    for (size_t i = 0; i < out_words; i++) {
        unsigned char le[8];
        for (int j = 0; j < 8; j++)
            le[j] = (unsigned char)(dst[i] >> (8 * j));
        ym_buf_add(out, le, 8);
    }
    free(dst);
}

int archive_bloom_may_contain(const void *blob, size_t len, uint64_t h)
{
    const unsigned char *p = blob;
    if (len < 3 || p[1] == 0 || p[1] > 32)
        return 1;
    unsigned k = p[1];
    const unsigned char *blk;
    if (p[0] == BLOOM_FOLDED) {
        unsigned lg = p[2];
        if (lg > MAX_LOG2_BLOCKS || len != 3 + ((size_t)64 << lg))
            return 1;
        blk = p + 3 + (((h >> 32) & ((1ull << lg) - 1)) << 6);
    } else if (p[0] == BLOOM_SIZED && len >= 6) {
        uint64_t blocks = (uint64_t)p[2] | (uint64_t)p[3] << 8 | (uint64_t)p[4] << 16 |
                          (uint64_t)p[5] << 24;
        if (blocks == 0 || blocks > (1u << MAX_LOG2_BLOCKS) || len != 6 + blocks * 64)
            return 1;
        blk = p + 6 + ((((h >> 32) * blocks) >> 32) << 6);
    } else {
        return 1;
    }
    unsigned a = (unsigned)h & 511, step = ((unsigned)(h >> 9) & 511) | 1;
    for (unsigned i = 0; i < k; i++) {
        unsigned pos = (a + i * step) & 511;
        /* word pos>>6 little-endian: byte (pos>>6)*8 + (pos&63)/8, bit pos&7 */
        if (!(blk[pos >> 3] & (1u << (pos & 7))))
            return 0;
    }
    return 1;
}
