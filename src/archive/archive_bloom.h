/* archive_bloom: the per-block bloom filter of tokens (archive_token.h).
 *
 * Cache-line blocked: a token's 64-bit hash picks one 512-bit block (high
 * 32 bits) and ARCHIVE_BLOOM_K bits inside it (low bits, double hashing),
 * so adding or testing a token touches one cache line. The writer fills a
 * filter of the largest size while a block is staged (it does not know how
 * many distinct tokens will come), then archive_bloom_seal estimates the
 * distinct count from the bits set and folds the filter in halves (OR of the
 * two halves: block index modulo a power of two) down to the smallest size
 * with about ARCHIVE_BLOOM_BITS_PER_TOKEN bits per token (~1% false
 * positives), so disk use follows the tokens actually seen.
 *
 * Blob: u8 version (1), u8 k, u8 log2(block count), then the blocks (64
 * bytes each, little-endian words).
 * Memory: the filter owns its words (archive_bloom_free). Not thread-safe
 * per object. archive_bloom_may_contain is pure and answers 1 ("maybe")
 * for a blob it cannot read, so a damaged filter never hides logs. */
#ifndef ARCHIVE_BLOOM_H
#define ARCHIVE_BLOOM_H

#include <stddef.h>
#include <stdint.h>

#include "core/ym_buf.h"

#define ARCHIVE_BLOOM_K 7
#define ARCHIVE_BLOOM_BITS_PER_TOKEN 10

struct archive_bloom {
    uint64_t *words; /* 8 per block */
    unsigned log2_blocks;
};

/* max_tokens sizes the unfolded filter (rounded up to a power of two). */
void archive_bloom_init(struct archive_bloom *b, size_t max_tokens);
void archive_bloom_free(struct archive_bloom *b);
void archive_bloom_clear(struct archive_bloom *b);

static inline void archive_bloom_add(struct archive_bloom *b, uint64_t h)
{
    uint64_t *blk = b->words + (((h >> 32) & ((1ull << b->log2_blocks) - 1)) << 3);
    unsigned a = (unsigned)h & 511, step = ((unsigned)(h >> 9) & 511) | 1;
    for (unsigned i = 0; i < ARCHIVE_BLOOM_K; i++) {
        unsigned pos = (a + i * step) & 511;
        blk[pos >> 6] |= 1ull << (pos & 63);
    }
}

/* Appends the folded filter to out; *tokens_est = estimated distinct tokens. */
void archive_bloom_seal(const struct archive_bloom *b, struct ym_buf *out, uint64_t *tokens_est);
/* 0 = the token is certainly not in the block; 1 = maybe. */
int archive_bloom_may_contain(const void *blob, size_t len, uint64_t h);

#endif
