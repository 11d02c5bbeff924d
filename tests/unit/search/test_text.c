/* Unit tests of search_text: whole-word matching, globs, and the promise
 * that search's words are exactly the archive's bloom tokens (otherwise a
 * bloom could skip a block holding a match). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "archive/archive_token.h"
#include "search/search_text.h"

#define HW(line, word) search_text_has_word(line, strlen(line), word, strlen(word))
#define GLOB(pat, s) search_text_glob(pat, strlen(pat), s, strlen(s))

static void words_match_whole_words_ignoring_case(void **state)
{
    (void)state;
    assert_true(HW("Deny tcp src", "deny"));
    assert_false(HW("Denying tcp", "deny"));
    assert_false(HW("undeny", "deny"));
    assert_true(HW("outside:192.0.2.5/4444", "192.0.2.5"));
    assert_true(HW("outside:192.0.2.5/4444", "2"));
    assert_false(HW("10.192.0.2.5", "192.0.2.5"));
    assert_false(HW("192.0.2.55", "192.0.2.5"));
    assert_true(HW("to 192.0.2.5.", "192.0.2.5"));
    assert_true(HW("user=a.b@example.com;", "A.B@Example.com"));
    assert_true(HW("%ASA-4-106023:", "%ASA-4-106023"));
    assert_true(HW("caf\xc3\xa9 ok", "caf\xc3\xa9"));
    assert_false(HW("caf\xc3\xa9s", "caf\xc3\xa9"));
}

static void globs_match_whole_strings(void **state)
{
    (void)state;
    assert_true(GLOB("deny*", "Deny-all"));
    assert_true(GLOB("*", ""));
    assert_true(GLOB("10.0.*", "10.0.3.4"));
    assert_false(GLOB("10.0.*", "10.1.3.4"));
    assert_true(GLOB("h?st", "HOST"));
    assert_false(GLOB("h?st", "hst"));
    assert_true(GLOB("a\\*b", "a*b"));
    assert_false(GLOB("a\\*b", "axb"));
    assert_true(GLOB("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaab"));
    assert_false(GLOB("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

struct set {
    char v[256][ARCHIVE_TOKEN_MAX + 1];
    int n;
};

static void set_add(struct set *s, const char *w, size_t len)
{
    if (len > ARCHIVE_TOKEN_MAX || s->n == 256)
        return;
    char tmp[ARCHIVE_TOKEN_MAX + 1];
    for (size_t i = 0; i < len; i++)
        tmp[i] = (char)search_text_lower((unsigned char)w[i]);
    tmp[len] = '\0';
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], tmp))
            return;
    memcpy(s->v[s->n++], tmp, len + 1);
}

static void from_archive(void *arg, const char *tok, size_t len) { set_add(arg, tok, len); }

static int from_search(void *arg, const char *s, size_t off, size_t len)
{
    set_add(arg, s + off, len);
    return 0;
}

static int in_set(const struct set *s, const char *w)
{
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], w))
            return 1;
    return 0;
}

static void search_words_are_the_archive_tokens(void **state)
{
    (void)state;
    static const char alphabet[] = "aB9.-_@ :/\xc3\xa9";
    srand(12345); /* fixed: the same strings every run */
    static struct set a, s;
    for (int round = 0; round < 20000; round++) {
        char line[40];
        size_t len = (size_t)(rand() % 39);
        for (size_t i = 0; i < len; i++)
            line[i] = alphabet[rand() % (sizeof alphabet - 1)];
        line[len] = '\0';
        a.n = s.n = 0;
        archive_token_each(line, len, from_archive, &a);
        search_text_words(line, len, from_search, &s);
        if (a.n != s.n)
            fail_msg("'%s': archive has %d tokens, search %d", line, a.n, s.n);
        for (int i = 0; i < a.n; i++)
            if (!in_set(&s, a.v[i]))
                fail_msg("'%s': archive token '%s' is not a search word", line, a.v[i]);
        /* Every token is found by the word matcher, and every single-token
         * substring the matcher finds is a token (so the bloom has it). */
        for (int i = 0; i < a.n; i++)
            if (!search_text_has_word(line, len, a.v[i], strlen(a.v[i])))
                fail_msg("'%s': token '%s' not matched", line, a.v[i]);
        for (size_t i = 0; i < len; i++)
            for (size_t j = i + 1; j <= len; j++) {
                if (!search_text_is_word(line + i, j - i) || !archive_token_is_single(line + i, j - i))
                    continue;
                char w[40];
                memcpy(w, line + i, j - i);
                w[j - i] = '\0';
                for (size_t k = 0; k < j - i; k++)
                    w[k] = (char)search_text_lower((unsigned char)w[k]);
                if (search_text_has_word(line, len, w, j - i) && !in_set(&a, w))
                    fail_msg("'%s': matcher finds '%s' but the bloom would not have it", line, w);
            }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(words_match_whole_words_ignoring_case),
        cmocka_unit_test(globs_match_whole_strings),
        cmocka_unit_test(search_words_are_the_archive_tokens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
