/* archive_token: tokenizer and token hash behind the archive's blooms.
 * See archive_token.h for the definition of a token. The scan is one pass
 * over the text with a byte-class table: alphanumeric runs are emitted as
 * they end; a run of alphanumerics and joiners is emitted, trimmed, when it
 * ends if it holds at least one inner joiner (otherwise it is the
 * alphanumeric run already emitted). */
#include "archive/archive_token.h"

#include <string.h>

enum { C_SEP = 0, C_ALNUM = 1, C_JOIN = 2 };

static unsigned char cls[256];
static unsigned char lower[256];
static int tables_ready; /* benign race: every thread writes the same bytes */

static void tables_init(void)
{
    if (tables_ready)
        return;
    for (int c = 0; c < 256; c++) {
        unsigned char k = C_SEP;
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80)
            k = C_ALNUM;
        else if (c == '.' || c == '-' || c == '_' || c == '@')
            k = C_JOIN;
        cls[c] = k;
        lower[c] = (unsigned char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
    }
    __atomic_store_n(&tables_ready, 1, __ATOMIC_RELEASE);
}

static void emit(const unsigned char *s, size_t len, archive_token_fn fn, void *arg)
{
    char buf[ARCHIVE_TOKEN_MAX];
    if (len > ARCHIVE_TOKEN_MAX)
        len = ARCHIVE_TOKEN_MAX;
    for (size_t i = 0; i < len; i++)
        buf[i] = (char)lower[s[i]];
    fn(arg, buf, len);
}

void archive_token_each(const char *text, size_t len, archive_token_fn fn, void *arg)
{
    tables_init();
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        /* skip separators and leading joiners */
        while (i < len && cls[s[i]] != C_ALNUM)
            i++;
        if (i >= len)
            break;
        size_t joined_start = i, last_alnum_end = i;
        int inner_joiner = 0, pending_joiner = 0;
        while (i < len && cls[s[i]] != C_SEP) {
            if (cls[s[i]] == C_JOIN) {
                pending_joiner = 1;
                i++;
                continue;
            }
            size_t start = i;
            while (i < len && cls[s[i]] == C_ALNUM)
                i++;
            emit(s + start, i - start, fn, arg);
            if (pending_joiner)
                inner_joiner = 1;
            pending_joiner = 0;
            last_alnum_end = i;
        }
        if (inner_joiner)
            emit(s + joined_start, last_alnum_end - joined_start, fn, arg);
    }
}

int archive_token_is_single(const char *text, size_t len)
{
    tables_init();
    const unsigned char *s = (const unsigned char *)text;
    if (len == 0 || len > ARCHIVE_TOKEN_MAX)
        return 0;
    if (cls[s[0]] != C_ALNUM || cls[s[len - 1]] != C_ALNUM)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (cls[s[i]] == C_SEP)
            return 0;
    return 1;
}

/* 64-bit hash of the lower-cased bytes, defined so that it can be computed
 * from whole words: bytes are taken little-endian 8 at a time (the last
 * word zero-padded), each word is folded in with one multiply, and the
 * length goes into the final mix. Stored in blooms on disk: changing it
 * needs a new bloom version. */
#define H_SEED 0x9e3779b97f4a7c15ULL
#define H_MUL 0xff51afd7ed558ccdULL

static inline uint64_t fold(uint64_t h, uint64_t w)
{
    h = (h ^ w) * H_MUL;
    return h ^ (h >> 29);
}

static inline uint64_t finish(uint64_t h, size_t len)
{
    h ^= (uint64_t)len * 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ULL;
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ULL;
    return h ^ (h >> 32);
}

/* Lower-cases the ASCII letters of 8 bytes at once (bytes >= 0x80 kept). */
static inline uint64_t lower8(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    uint64_t heptets = w & ~high;
    uint64_t ge_a = heptets + (0x80 - 'A') * ones;
    uint64_t gt_z = heptets + (0x80 - 'Z' - 1) * ones;
    uint64_t upper = (ge_a ^ gt_z) & ~w & high;
    return w | (upper >> 2);
}

/* archive_token_hash of s[0..len), len <= ARCHIVE_TOKEN_MAX, reading
 * whole words where the buffer allows (avail = bytes readable from s). */
static inline uint64_t hash_span(const unsigned char *s, size_t len, size_t avail)
{
    uint64_t h = H_SEED;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = fold(h, lower8(w));
    }
    size_t rest = len - i;
    if (rest) {
        uint64_t w = 0;
        if (avail - i >= 8) {
            memcpy(&w, s + i, 8);
            w &= (1ULL << (8 * rest)) - 1;
        } else {
            memcpy(&w, s + i, rest);
        }
        h = fold(h, lower8(w));
    }
    return finish(h, len);
}

uint64_t archive_token_hash(const char *tok, size_t len)
{
    tables_init();
    size_t n = len < ARCHIVE_TOKEN_MAX ? len : ARCHIVE_TOKEN_MAX;
    return hash_span((const unsigned char *)tok, n, n);
}

/* The indexed tokens of one run of non-separators starting at an
 * alphanumeric at s[i]; returns where it ends. With varying_only, only the
 * tokens holding a digit (see archive_token_hash_varying). */
static inline size_t hash_run(const unsigned char *s, size_t i, size_t len,
                              archive_token_hash_fn fn, void *arg, int varying_only)
{
    size_t joined_start = i, last_alnum_end = i;
    int inner_joiner = 0, pending = 0, joined_digit = 0;
    while (i < len && cls[s[i]] != C_SEP) {
        if (cls[s[i]] == C_JOIN) {
            pending = 1;
            i++;
            continue;
        }
        size_t start = i;
        int digits = 0, others = 0;
        while (i < len && cls[s[i]] == C_ALNUM) {
            int d = (unsigned)(s[i] - '0') < 10;
            digits |= d;
            others |= !d;
            i++;
        }
        size_t n = i - start;
        /* Bare numbers are not indexed (archive_token_indexed). */
        if (others && (digits || !varying_only))
            fn(arg, hash_span(s + start, n < ARCHIVE_TOKEN_MAX ? n : ARCHIVE_TOKEN_MAX, len - start));
        joined_digit |= digits;
        inner_joiner |= pending;
        pending = 0;
        last_alnum_end = i;
    }
    if (inner_joiner && (joined_digit || !varying_only)) {
        size_t n = last_alnum_end - joined_start;
        fn(arg, hash_span(s + joined_start, n < ARCHIVE_TOKEN_MAX ? n : ARCHIVE_TOKEN_MAX,
                          len - joined_start));
    }
    return i;
}

void archive_token_hash_each(const char *text, size_t len, archive_token_hash_fn fn, void *arg)
{
    tables_init();
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        while (i < len && cls[s[i]] != C_ALNUM)
            i++;
        if (i >= len)
            break;
        i = hash_run(s, i, len, fn, arg, 0);
    }
}

/* Index of the first digit in s[i..len), or len. Eight bytes at a time. */
static inline size_t next_digit(const unsigned char *s, size_t i, size_t len)
{
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t x = w & ~high;
        uint64_t digit = (x + (0x80 - '0') * ones) & ~(x + (0x80 - '9' - 1) * ones) & ~w & high;
        if (digit)
            return i + ((size_t)__builtin_ctzll(digit) >> 3);
    }
    while (i < len && (unsigned)(s[i] - '0') >= 10)
        i++;
    return i;
}

/* Runs of non-separators without a digit give no such token: skip to the
 * next digit and hash the run around it. */
void archive_token_hash_varying(const char *text, size_t len, archive_token_hash_fn fn, void *arg)
{
    tables_init();
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        size_t d = next_digit(s, i, len);
        if (d >= len)
            break;
        size_t start = d;
        while (start > i && cls[s[start - 1]] != C_SEP)
            start--;
        while (cls[s[start]] != C_ALNUM) /* leading joiners; s[d] is a digit */
            start++;
        i = hash_run(s, start, len, fn, arg, 1);
    }
}

int archive_token_indexed(const char *tok, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned)(tok[i] - '0') >= 10)
            return 1;
    return 0;
}
