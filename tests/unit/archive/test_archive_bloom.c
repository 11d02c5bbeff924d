/* Unit tests of the block bloom filter (archive/archive_bloom.h): every
 * token added is found, in both sizing modes, and the false-positive rate
 * stays near the ~1% it is sized for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "archive/archive_bloom.h"
#include "archive/archive_token.h"

static uint64_t token(unsigned i)
{
    char t[32];
    int n = snprintf(t, sizeof(t), "10.%u.%u.%u", i >> 16, (i >> 8) & 255, i & 255);
    return archive_token_hash(t, (size_t)n);
}

static void check_filter(struct archive_bloom *b, unsigned n, double max_fp)
{
    for (unsigned i = 0; i < n; i++)
        archive_bloom_add(b, token(i));
    struct ym_buf blob = YM_BUF_INIT;
    uint64_t est = 0;
    archive_bloom_seal(b, &blob, &est);
    assert_true(est > n * 8 / 10 && est < n * 12 / 10);
    for (unsigned i = 0; i < n; i++)
        assert_true(archive_bloom_may_contain(blob.data, blob.len, token(i)));
    unsigned fp = 0, probes = 20000;
    for (unsigned i = 0; i < probes; i++)
        fp += (unsigned)archive_bloom_may_contain(blob.data, blob.len, token(1000000 + i));
    assert_true((double)fp / probes < max_fp);
    /* about ARCHIVE_BLOOM_BITS_PER_TOKEN bits per token, not the full size */
    assert_true(blob.len * 8 < (size_t)n * ARCHIVE_BLOOM_BITS_PER_TOKEN * 2 + 4096);
    ym_buf_free(&blob);
}

static void folded_filter_finds_every_token(void **state)
{
    struct archive_bloom b;
    archive_bloom_init(&b, 200000);
    check_filter(&b, 30000, 0.03);
    archive_bloom_free(&b);
}

static void sized_filter_finds_every_token(void **state)
{
    struct archive_bloom b;
    archive_bloom_init(&b, 200000);
    archive_bloom_clear(&b, 30000);
    check_filter(&b, 30000, 0.03);
    archive_bloom_free(&b);
}

static void damaged_blob_says_maybe(void **state)
{
    unsigned char junk[10] = {9, 7, 3};
    assert_true(archive_bloom_may_contain(junk, sizeof(junk), 42));
    assert_true(archive_bloom_may_contain(junk, 0, 42));
    junk[0] = 2; /* sized, but the length does not match the block count */
    assert_true(archive_bloom_may_contain(junk, sizeof(junk), 42));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(folded_filter_finds_every_token),
        cmocka_unit_test(sized_filter_finds_every_token),
        cmocka_unit_test(damaged_blob_says_maybe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
