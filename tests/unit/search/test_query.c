/* Unit tests of the query language (search_query): the tree a query
 * parses into, shown as an S-expression, the words handed to the bloom
 * filters, and the column of every error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "archive/archive_token.h"
#include "core/ym_buf.h"
#include "search/search_query.h"
#include "search/search_text.h"

/* The tree of a query that must parse. */
static char *tree(const char *text)
{
    static struct ym_buf out = YM_BUF_INIT;
    struct ym_error err = {0};
    struct search_query *q = NULL;
    enum ym_status st = search_query_parse(text, strlen(text), &q, &err);
    if (st != YM_OK)
        fail_msg("query %s: column %d: %s", text, err.column, err.reason);
    ym_buf_clear(&out);
    search_query_format(q, &out);
    search_query_destroy(q);
    return out.data;
}

/* The bloom words of a query, space-separated. */
static char *words(const char *text)
{
    static struct ym_buf out = YM_BUF_INIT;
    struct search_query *q = NULL;
    assert_int_equal(search_query_parse(text, strlen(text), &q, NULL), YM_OK);
    ym_buf_clear(&out);
    ym_buf_adds(&out, "");
    for (size_t i = 0; i < q->token_count; i++) {
        if (i)
            ym_buf_addc(&out, ' ');
        ym_buf_adds(&out, q->tokens[i]);
    }
    search_query_destroy(q);
    return out.data;
}

/* A query that must fail at `column` with a reason containing `reason`. */
static void bad(const char *text, int column, const char *reason)
{
    struct ym_error err = {0};
    struct search_query *q = NULL;
    enum ym_status st = search_query_parse(text, strlen(text), &q, &err);
    if (st != YM_EPARSE) {
        search_query_destroy(q);
        fail_msg("query %s parsed, expected an error at column %d", text, column);
    }
    assert_null(q);
    if (err.column != column || !strstr(err.reason, reason))
        fail_msg("query %s: got column %d '%s', expected column %d '%s'", text, err.column,
                 err.reason, column, reason);
}

static void implicit_and_between_terms(void **state)
{
    (void)state;
    assert_string_equal(tree("deny tcp"), "(and (word \"deny\") (word \"tcp\"))");
    assert_string_equal(tree("deny AND tcp"), "(and (word \"deny\") (word \"tcp\"))");
    assert_string_equal(tree("a b c"), "(and (word \"a\") (word \"b\") (word \"c\"))");
}

static void not_binds_tighter_than_and_tighter_than_or(void **state)
{
    (void)state;
    assert_string_equal(tree("a OR b c"), "(or (word \"a\") (and (word \"b\") (word \"c\")))");
    assert_string_equal(tree("a b OR c"), "(or (and (word \"a\") (word \"b\")) (word \"c\"))");
    assert_string_equal(tree("NOT a b"), "(and (not (word \"a\")) (word \"b\"))");
    assert_string_equal(tree("NOT a OR b"), "(or (not (word \"a\")) (word \"b\"))");
    assert_string_equal(tree("(a OR b) c"), "(and (or (word \"a\") (word \"b\")) (word \"c\"))");
    assert_string_equal(tree("NOT NOT a"), "(not (not (word \"a\")))");
}

static void keywords_are_case_insensitive_unless_escaped(void **state)
{
    (void)state;
    assert_string_equal(tree("a or b"), "(or (word \"a\") (word \"b\"))");
    assert_string_equal(tree("not a And b"), "(and (not (word \"a\")) (word \"b\"))");
    assert_string_equal(tree("a \\or b"), "(and (word \"a\") (word \"or\") (word \"b\"))");
    assert_string_equal(tree("\"or\""), "(phrase \"or\")");
}

static void quoted_phrases_keep_spaces_and_escapes(void **state)
{
    (void)state;
    assert_string_equal(tree("\"Deny tcp src\""), "(phrase \"Deny tcp src\")");
    assert_string_equal(tree("\"say \\\"hi\\\" \\\\o/\""), "(phrase \"say \\\"hi\\\" \\\\o/\")");
    assert_string_equal(tree("message:\"a b:c\""), "(eq message \"a b:c\")");
}

static void backslash_makes_the_next_character_literal(void **state)
{
    (void)state;
    assert_string_equal(tree("a\\:b"), "(word \"a:b\")");
    assert_string_equal(tree("\\*"), "(word \"*\")");
    assert_string_equal(tree("50\\% \\(x\\)"), "(and (word \"50%\") (word \"(x)\"))");
}

static void wildcards_make_glob_terms(void **state)
{
    (void)state;
    assert_string_equal(tree("Deny*"), "(wild \"Deny*\")");
    assert_string_equal(tree("10.0.*"), "(wild \"10.0.*\")");
    assert_string_equal(tree("h?st"), "(wild \"h?st\")");
    assert_string_equal(tree("*"), "(all)");
    assert_string_equal(tree(""), "(all)");
    assert_string_equal(tree("   "), "(all)");
    assert_string_equal(tree("user.name:adm*"), "(glob user.name \"adm*\")");
    assert_string_equal(tree("user.name:*"), "(exists user.name)");
    assert_string_equal(tree("user.name:\"*\""), "(eq user.name \"*\")");
}

static void field_terms_and_value_groups(void **state)
{
    (void)state;
    assert_string_equal(tree("event.action:deny"), "(eq event.action \"deny\")");
    assert_string_equal(tree("event.action: deny"), "(eq event.action \"deny\")");
    assert_string_equal(tree("destination.port:(22 OR 3389)"),
                        "(or (eq destination.port \"22\") (eq destination.port \"3389\"))");
    assert_string_equal(tree("event.action:(deny OR NOT \"drop*\")"),
                        "(or (eq event.action \"deny\") (not (eq event.action \"drop*\")))");
    assert_string_equal(tree("source.ip:2001:db8::1"), "(eq source.ip \"2001:db8::1\")");
    assert_string_equal(tree("source.ip:(2001:db8::1 OR 10.0.0.1)"),
                        "(or (eq source.ip \"2001:db8::1\") (eq source.ip \"10.0.0.1\"))");
    /* An IPv6 address in free text is a word, not field "2001". */
    assert_string_equal(tree("2001:db8::1 fe80::1"),
                        "(and (word \"2001:db8::1\") (word \"fe80::1\"))");
    assert_string_equal(tree("dead:beef"), "(eq dead \"beef\")");
    assert_string_equal(tree("url.original:http://x/a"), "(eq url.original \"http://x/a\")");
    assert_string_equal(tree("a:(b:c)"), "(eq a \"b:c\")");
    assert_string_equal(tree("tenant:acme device:fw1"),
                        "(and (eq tenant \"acme\") (eq device \"fw1\"))");
}

static void cidr_on_ipv4_and_ipv6(void **state)
{
    (void)state;
    assert_string_equal(tree("source.ip:198.51.100.0/24"), "(cidr source.ip 198.51.100.0/24)");
    assert_string_equal(tree("source.ip:2001:db8::/32"), "(cidr source.ip 2001:db8::/32)");
    assert_string_equal(tree("peer:0.0.0.0/0"), "(cidr peer 0.0.0.0/0)");
    /* Not an address before the slash: a plain value. */
    assert_string_equal(tree("url.path:/a/b"), "(eq url.path \"/a/b\")");
}

static void numeric_ranges(void **state)
{
    (void)state;
    assert_string_equal(tree("destination.port >= 1024"), "(range destination.port >= 1024)");
    assert_string_equal(tree("destination.port<10"), "(range destination.port < 10)");
    assert_string_equal(tree("x>2.5 y<=-1"), "(and (range x > 2.5) (range y <= -1))");
    assert_string_equal(tree("@timestamp >= 2026-11-22T10:00:00Z"),
                        "(range @timestamp >= 2026-11-22T10:00:00.000Z)");
    assert_string_equal(tree("@timestamp<\"2026-11-22T19:00:00+09:00\""),
                        "(range @timestamp < 2026-11-22T10:00:00.000Z)");
    assert_string_equal(tree("event.start > 2026-11-22"), "(range event.start > 2026-11-22T00:00:00.000Z)");
}

static void errors_name_the_column(void **state)
{
    (void)state;
    bad("(deny OR drop", 14, "expected ')'");
    bad("source.ip:(1.2.3.4 OR 5.6.7.8", 30, "expected ')'");
    bad("a)", 2, "unexpected ')'");
    bad("a AND", 6, "expected a term");
    bad("OR a", 1, "expected a term");
    bad("NOT", 4, "expected a term");
    bad("\"open", 1, "unterminated");
    bad("a \\", 3, "nothing after");
    bad("source.ip:", 11, "expected a value");
    bad("source.ip:)", 11, "expected a value");
    bad("source.ip:10.0.0.0/33", 11, "0 to 32");
    bad("source.ip:2001:db8::/129", 11, "0 to 128");
    bad("port >= abc", 9, "expected a number or a time");
    bad("port >=", 8, "expected a number");
    bad("sou*ce:x", 1, "wildcards are not allowed");
    bad(":x", 1, "expected a term");
    bad("a:(b", 5, "expected ')'");
    bad("()", 2, "expected a term");
}

static void deep_nesting_is_an_error_not_a_crash(void **state)
{
    (void)state;
    char q[2 * 1000 + 2];
    memset(q, '(', 1000);
    q[1000] = 'a';
    memset(q + 1001, ')', 1000);
    q[2001] = '\0';
    bad(q, SEARCH_QUERY_MAX_DEPTH + 1, "nested too deeply");
    char n[4 * 200 + 2];
    for (int i = 0; i < 200; i++)
        memcpy(n + 4 * i, "NOT ", 4);
    memcpy(n + 800, "a", 2);
    bad(n, 4 * SEARCH_QUERY_MAX_DEPTH + 1, "nested too deeply");
}

static void bloom_words_are_what_every_match_contains(void **state)
{
    (void)state;
    assert_string_equal(words("198.51.100.7"), "198.51.100.7");
    assert_string_equal(words("Deny TCP"), "deny tcp");
    assert_string_equal(words("source.ip:198.51.100.7"), "198.51.100.7");
    assert_string_equal(words("destination.port:443"), "443");
    assert_string_equal(words("destination.port:0443"), "443");
    assert_string_equal(words("destination.port:1.5"), "");
    /* Values a decoder may rewrite, meta fields, NOT, wildcards: nothing. */
    assert_string_equal(words("event.action:deny"), "");
    assert_string_equal(words("tenant:acme"), "");
    assert_string_equal(words("NOT deny"), "");
    assert_string_equal(words("Deny*"), "");
    assert_string_equal(words("source.ip:10.0.0.0/8"), "");
    /* OR: only the words every branch has. */
    assert_string_equal(words("a OR b"), "");
    assert_string_equal(words("(x a) OR (x b)"), "x");
    assert_string_equal(words("deny (a OR b)"), "deny");
    /* Phrases: only the words that cannot be cut by the phrase's ends. */
    assert_string_equal(words("\"Deny tcp src\""), "tcp");
    assert_string_equal(words("\"from outside:192.0.2.5/4444 to\""), "outside 192 0 2 5 192.0.2.5 4444");
    assert_string_equal(words("\"x .a-b y\""), "a b a-b");
    assert_string_equal(words("\".a-b y\""), "a b");
    /* A word that is not one token: its inner words, and its ends because
     * the matcher checks the boundaries there. */
    assert_string_equal(words("%ASA-6-302013"), "asa 6 302013 asa-6-302013");
    assert_string_equal(words("2001:db8::a"), "2001 db8 a");
}

struct tokens {
    char v[64][ARCHIVE_TOKEN_MAX + 1];
    int n;
};

static void add_token(void *arg, const char *tok, size_t len)
{
    struct tokens *t = arg;
    if (t->n < 64) {
        memcpy(t->v[t->n], tok, len);
        t->v[t->n++][len] = '\0';
    }
}

static int has_token(const struct tokens *t, const char *w)
{
    for (int i = 0; i < t->n; i++)
        if (!strcmp(t->v[i], w))
            return 1;
    return 0;
}

/* The bloom promise: whatever a matching line is, it holds every required
 * word of the query as an archive token. Checked on random lines with
 * every substring as a phrase, and as a word term where it matches as one. */
static void bloom_words_of_a_match_are_tokens_of_its_line(void **state)
{
    (void)state;
    static const char alphabet[] = "aB9.-_@ :/%";
    srand(4242);
    for (int round = 0; round < 1000; round++) {
        char line[24];
        size_t len = 1 + (size_t)(rand() % 23);
        for (size_t i = 0; i < len; i++)
            line[i] = alphabet[rand() % (sizeof alphabet - 1)];
        line[len] = '\0';
        struct tokens t = {.n = 0};
        archive_token_each(line, len, add_token, &t);
        for (size_t i = 0; i < len; i++)
            for (size_t j = i + 1; j <= len; j++) {
                char sub[24], query[32];
                memcpy(sub, line + i, j - i);
                sub[j - i] = '\0';
                int as_word = !strpbrk(sub, " :") && search_text_has_word(line, len, sub, j - i);
                for (int form = 0; form < 1 + as_word; form++) {
                    snprintf(query, sizeof query, form ? "%s" : "\"%s\"", sub);
                    struct search_query *q = NULL;
                    if (search_query_parse(query, strlen(query), &q, NULL) != YM_OK)
                        continue; /* "and", "-" alone, ...: not a term */
                    for (size_t k = 0; k < q->token_count; k++)
                        if (!has_token(&t, q->tokens[k]))
                            fail_msg("line '%s' matches %s but lacks required word '%s'", line,
                                     query, q->tokens[k]);
                    search_query_destroy(q);
                }
            }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(implicit_and_between_terms),
        cmocka_unit_test(not_binds_tighter_than_and_tighter_than_or),
        cmocka_unit_test(keywords_are_case_insensitive_unless_escaped),
        cmocka_unit_test(quoted_phrases_keep_spaces_and_escapes),
        cmocka_unit_test(backslash_makes_the_next_character_literal),
        cmocka_unit_test(wildcards_make_glob_terms),
        cmocka_unit_test(field_terms_and_value_groups),
        cmocka_unit_test(cidr_on_ipv4_and_ipv6),
        cmocka_unit_test(numeric_ranges),
        cmocka_unit_test(errors_name_the_column),
        cmocka_unit_test(deep_nesting_is_an_error_not_a_crash),
        cmocka_unit_test(bloom_words_are_what_every_match_contains),
        cmocka_unit_test(bloom_words_of_a_match_are_tokens_of_its_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
