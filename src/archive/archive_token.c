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

/* 64-bit hash of the lower-cased bytes: 8 bytes at a time, multiply-xorshift
 * mixing (in the manner of wyhash/murmur finalizers). Stored in day files:
 * changing it needs a new codec/bloom version. */
static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 32;
    x *= 0xd6e8feb86659fd93ULL;
    x ^= x >> 32;
    x *= 0xd6e8feb86659fd93ULL;
    x ^= x >> 32;
    return x;
}

uint64_t archive_token_hash(const char *tok, size_t len)
{
    tables_init();
    const unsigned char *s = (const unsigned char *)tok;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (len * 0xff51afd7ed558ccdULL);
    size_t i = 0;
    while (i < len) {
        unsigned char chunk[8] = {0};
        size_t n = len - i < 8 ? len - i : 8;
        for (size_t j = 0; j < n; j++)
            chunk[j] = lower[s[i + j]];
        uint64_t w;
        memcpy(&w, chunk, 8);
        h = mix64(h ^ w) + 0x9e3779b97f4a7c15ULL;
        i += n;
    }
    return mix64(h);
}
