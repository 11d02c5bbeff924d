/* search_text: the text primitives of log search -- case-insensitive
 * whole-word and substring matching, glob patterns, and the walk over a
 * line's words -- with the same notion of a word as the archive's bloom
 * filters (archive/archive_token.h), so that a term that passes the bloom
 * test is matched by exactly the same rule afterwards.
 *
 * A word ("token") is
 *  - a maximal run of alphanumerics (ASCII letters, digits, bytes >= 0x80), or
 *  - a maximal run of alphanumerics and the joiners '.', '-', '_', '@',
 *    trimmed of joiners at both ends ("192.0.2.5", "reset-i").
 * Case folding is ASCII only; bytes >= 0x80 compare as they are.
 *
 * Memory: nothing is allocated; every function works on borrowed slices.
 * Thread-safe (pure functions). */
#ifndef SEARCH_TEXT_H
#define SEARCH_TEXT_H

#include <stddef.h>

static inline int search_text_is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}
static inline int search_text_is_joiner(unsigned char c)
{
    return c == '.' || c == '-' || c == '_' || c == '@';
}
static inline unsigned char search_text_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* ---- words ---- */

/* Calls fn for every word of s as defined above (a joined run is reported
 * besides the alphanumeric runs it contains, and once only when it has no
 * joiner). off/len locate the word in s. fn returns 1 to stop the walk.
 * Returns 1 if the walk was stopped. */
typedef int (*search_text_word_fn)(void *arg, const char *s, size_t off, size_t len);
int search_text_words(const char *s, size_t len, search_text_word_fn fn, void *arg);

/* 1 if text is exactly one word (the bloom may be consulted for it). */
int search_text_is_word(const char *text, size_t len);

/* 1 if `word` (case-insensitive, any bytes) occurs in s at word
 * boundaries: an end of `word` that is alphanumeric must not continue into
 * more alphanumerics of s, and when `word` contains a joiner the match must
 * also not be part of a longer joined run ("192.0.2.5" does not match in
 * "10.192.0.2.5", "0" does). */
int search_text_has_word(const char *s, size_t len, const char *word, size_t word_len);

/* 1 if needle occurs in s, case-insensitive. An empty needle matches. */
int search_text_has_substr(const char *s, size_t len, const char *needle, size_t needle_len);

/* 1 if a and b are equal, case-insensitive. */
int search_text_eq(const char *a, size_t a_len, const char *b, size_t b_len);

/* ---- glob patterns ---- */

/* 1 if the whole of s matches pat, case-insensitive. In pat '*' matches any
 * run of bytes, '?' any one byte, and '\' makes the next byte literal.
 * Linear backtracking (no exponential blow-up on "*a*a*a*b"). */
int search_text_glob(const char *pat, size_t pat_len, const char *s, size_t len);

/* 1 if some word of s matches pat (search_text_glob). */
int search_text_has_glob_word(const char *s, size_t len, const char *pat, size_t pat_len);

#endif
