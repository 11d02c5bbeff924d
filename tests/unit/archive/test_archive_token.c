/* Unit tests of the archive tokenizer (archive/archive_token.h): the
 * tokens a search for an IP, a word or a host name relies on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "archive/archive_token.h"

struct toks {
    char text[2048];
    size_t len;
    int count;
};

static void add_tok(void *arg, const char *tok, size_t len)
{
    struct toks *t = arg;
    assert_true(t->len + len + 2 < sizeof(t->text));
    memcpy(t->text + t->len, tok, len);
    t->len += len;
    t->text[t->len++] = '|';
    t->text[t->len] = 0;
    t->count++;
}

static const char *tokens_of(const char *s, struct toks *t)
{
    memset(t, 0, sizeof(*t));
    archive_token_each(s, strlen(s), add_tok, t);
    return t->text;
}

static void address_and_port_give_parts_and_whole(void **state)
{
    struct toks t;
    assert_string_equal(tokens_of("outside:192.0.2.5/4444", &t),
                        "outside|192|0|2|5|192.0.2.5|4444|");
}

static void words_are_lower_cased_and_joiners_trimmed(void **state)
{
    struct toks t;
    assert_string_equal(tokens_of("TCP Reset-I -www.Example.com. a.b@Example.com",
                                  &t),
                        "tcp|reset|i|reset-i|www|example|com|www.example.com|a|b|example|com|"
                        "a.b@example.com|");
}

static void separators_only_give_nothing(void **state)
{
    struct toks t;
    tokens_of(" :/()[]-.-_@ ,;", &t);
    assert_int_equal(t.count, 0);
}

static void high_bytes_belong_to_tokens(void **state)
{
    struct toks t;
    assert_string_equal(tokens_of("User=J\xc3\xb6rg", &t), "user|j\xc3\xb6rg|");
}

static void long_tokens_are_cut(void **state)
{
    char s[300];
    memset(s, 'a', sizeof(s) - 1);
    s[sizeof(s) - 1] = 0;
    struct toks t;
    tokens_of(s, &t);
    assert_int_equal(t.count, 1);
    assert_int_equal(t.len, ARCHIVE_TOKEN_MAX + 1);
}

static void single_token_check(void **state)
{
    assert_true(archive_token_is_single("192.0.2.5", 9));
    assert_true(archive_token_is_single("Deny", 4));
    assert_true(archive_token_is_single("a.b@example.com", 15));
    assert_false(archive_token_is_single("192.0.2.5/24", 12));
    assert_false(archive_token_is_single("-x", 2));
    assert_false(archive_token_is_single("two words", 9));
    assert_false(archive_token_is_single("", 0));
}

static void hash_ignores_case(void **state)
{
    assert_true(archive_token_hash("DENY", 4) == archive_token_hash("deny", 4));
    assert_true(archive_token_hash("deny", 4) != archive_token_hash("deny2", 5));
    assert_true(archive_token_hash("192.0.2.5", 9) != archive_token_hash("192.0.2.6", 9));
}

struct hashes {
    uint64_t v[4096];
    int count;
};

static void add_hash_of(void *arg, const char *tok, size_t len);

static int has_digit(const char *tok, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (tok[i] >= '0' && tok[i] <= '9')
            return 1;
    return 0;
}

/* The indexed tokens holding a digit. */
static void add_hash_of_varying(void *arg, const char *tok, size_t len)
{
    if (has_digit(tok, len))
        add_hash_of(arg, tok, len);
}

/* The tokens the blooms index: all but bare numbers. */
static void add_hash_of(void *arg, const char *tok, size_t len)
{
    struct hashes *h = arg;
    assert_true(h->count < 4096);
    if (archive_token_indexed(tok, len))
        h->v[h->count++] = archive_token_hash(tok, len);
}

static void add_hash(void *arg, uint64_t hash)
{
    struct hashes *h = arg;
    assert_true(h->count < 4096);
    h->v[h->count++] = hash;
}

/* The writer's one-pass hashing gives exactly the indexed tokens search
 * looks up. */
static void bare_numbers_are_not_indexed(void **state)
{
    assert_false(archive_token_indexed("4444", 4));
    assert_false(archive_token_indexed("0", 1));
    assert_true(archive_token_indexed("192.0.2.5", 9));
    assert_true(archive_token_indexed("0x0", 3));
    assert_true(archive_token_indexed("reset-i", 7));
}

static void hash_each_matches_tokens(void **state)
{
    static char text[3000];
    static struct hashes a, b;
    const char alphabet[] = "aZ09.-_@ :/\x80\xffQ";
    srand(11);
    for (int round = 0; round < 200; round++) {
        size_t len = (size_t)(rand() % (int)sizeof(text));
        for (size_t i = 0; i < len; i++)
            text[i] = rand() % 3 ? alphabet[rand() % (int)(sizeof(alphabet) - 1)] : (char)rand();
        a.count = b.count = 0;
        archive_token_each(text, len, add_hash_of, &a);
        archive_token_hash_each(text, len, add_hash, &b);
        assert_int_equal(a.count, b.count);
        assert_memory_equal(a.v, b.v, sizeof(uint64_t) * (size_t)a.count);
        a.count = b.count = 0;
        archive_token_each(text, len, add_hash_of_varying, &a);
        archive_token_hash_varying(text, len, add_hash, &b);
        assert_int_equal(a.count, b.count);
        assert_memory_equal(a.v, b.v, sizeof(uint64_t) * (size_t)a.count);
    }
    char longtok[300];
    memset(longtok, 'X', sizeof(longtok));
    a.count = b.count = 0;
    archive_token_each(longtok, sizeof(longtok), add_hash_of, &a);
    archive_token_hash_each(longtok, sizeof(longtok), add_hash, &b);
    assert_int_equal(b.count, 1);
    assert_true(a.v[0] == b.v[0]);
}

static int has_hash(const struct hashes *h, uint64_t v)
{
    for (int i = 0; i < h->count; i++)
        if (h->v[i] == v)
            return 1;
    return 0;
}

/* Logs that differ only in their numbers (one codec template) have the
 * same tokens without a digit: all tokens of the first log plus the
 * digit-holding ones of each other log are all the tokens of every log. */
static void varying_tokens_complete_the_first_log_of_a_template(void **state)
{
    static struct hashes first, all, varying;
    char line[512];
    srand(5);
    for (int i = 0; i < 50; i++) {
        int n = snprintf(line, sizeof(line),
                         "<166>Nov %d 2026 10:%02d:%02d fw%d : %%ASA-6-%d: Teardown TCP connection "
                         "%d for outside:192.0.%d.%d/%d to inside:host-%d.example.com/%d "
                         "duration 0:%02d:%02d bytes %d TCP FINs 0x%x user-%d@dom%d.test%d",
                         1 + rand() % 28, rand() % 60, rand() % 60, rand() % 9, 302000 + rand() % 99,
                         rand(), rand() % 256, rand() % 256, rand() % 65536, rand() % 50,
                         rand() % 65536, rand() % 60, rand() % 60, rand(), (unsigned)rand(),
                         rand() % 9, rand() % 9, rand() % 9);
        all.count = varying.count = 0;
        archive_token_hash_each(line, (size_t)n, add_hash, &all);
        archive_token_hash_varying(line, (size_t)n, add_hash, &varying);
        if (i == 0) {
            first = all;
            continue;
        }
        for (int k = 0; k < varying.count; k++)
            assert_true(has_hash(&all, varying.v[k]));
        for (int k = 0; k < all.count; k++)
            assert_true(has_hash(&varying, all.v[k]) || has_hash(&first, all.v[k]));
    }
    /* a word is in the first log only; an address in each */
    assert_true(has_hash(&first, archive_token_hash("teardown", 8)));
    assert_false(has_hash(&varying, archive_token_hash("teardown", 8)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(address_and_port_give_parts_and_whole),
        cmocka_unit_test(words_are_lower_cased_and_joiners_trimmed),
        cmocka_unit_test(separators_only_give_nothing),
        cmocka_unit_test(high_bytes_belong_to_tokens),
        cmocka_unit_test(long_tokens_are_cut),
        cmocka_unit_test(single_token_check),
        cmocka_unit_test(hash_ignores_case),
        cmocka_unit_test(bare_numbers_are_not_indexed),
        cmocka_unit_test(hash_each_matches_tokens),
        cmocka_unit_test(varying_tokens_complete_the_first_log_of_a_template),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
