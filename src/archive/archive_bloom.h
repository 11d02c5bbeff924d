/* archive_bloom: the per-block bloom filter of tokens (archive_token.h).
 *
 * Cache-line blocked: a token's 64-bit hash picks one 512-bit block (high
 * 32 bits) and ARCHIVE_BLOOM_K bits inside it (low bits, double hashing),
 * so adding or testing a token touches one cache line. Two ways to size it:
 *  - sized: the writer expects about as many distinct tokens as the
 *    previous block of the day had and sizes the filter for
 *    ARCHIVE_BLOOM_BITS_PER_TOKEN bits per token (~1% false positives);
 *    the block is hash_high32 * blocks >> 32 (any block count).
 *  - folded (no expectation yet, e.g. a day's first block): the filter is
 *    filled at its largest size, then archive_bloom_seal estimates the
 *    distinct count from the bits set and folds it in halves (block index
 *    modulo a power of two) to the smallest size with enough bits.
 * So disk use follows the tokens actually seen.
 *
 * Blob version 1 (folded): u8 1, u8 k, u8 log2(block count), blocks.
 * Blob version 2 (sized):  u8 2, u8 k, u32 LE block count, blocks.
 * Blocks are 64 bytes each (8 little-endian words).
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
    unsigned log2_blocks; /* capacity (and size when folding) */
    uint32_t blocks;      /* sized mode: blocks in use; 0 = folding mode */
};

/* max_tokens sizes the unfolded filter (rounded up to a power of two). */
void archive_bloom_init(struct archive_bloom *b, size_t max_tokens);
void archive_bloom_free(struct archive_bloom *b);
/* Empties the filter for the next block, sized for expected_tokens (0 =
 * unknown: folding mode). */
void archive_bloom_clear(struct archive_bloom *b, uint64_t expected_tokens);

static inline void archive_bloom_add(struct archive_bloom *b, uint64_t h)
{
    uint64_t idx = b->blocks ? ((h >> 32) * b->blocks) >> 32
                             : (h >> 32) & ((1ull << b->log2_blocks) - 1);
    uint64_t *blk = b->words + (idx << 3);
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
