#include "search/search_text.h"

#include <stdint.h>
#include <string.h>

int search_text_words(const char *s, size_t len, search_text_word_fn fn, void *arg)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        if (!search_text_is_alnum(u[i])) {
            i++;
            continue;
        }
        /* [start, end): a run of alphanumerics and joiners starting on an
         * alphanumeric, trimmed of trailing joiners. */
        size_t start = i, end = i, runs = 0;
        while (i < len && (search_text_is_alnum(u[i]) || search_text_is_joiner(u[i]))) {
            if (search_text_is_alnum(u[i])) {
                size_t a = i;
                while (i < len && search_text_is_alnum(u[i]))
                    i++;
                if (fn(arg, s, a, i - a))
                    return 1;
                runs++;
                end = i;
            } else {
                i++;
            }
        }
        if (runs > 1 && fn(arg, s, start, end - start))
            return 1;
    }
    return 0;
}

int search_text_is_word(const char *text, size_t len)
{
    const unsigned char *u = (const unsigned char *)text;
    if (len == 0 || !search_text_is_alnum(u[0]) || !search_text_is_alnum(u[len - 1]))
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!search_text_is_alnum(u[i]) && !search_text_is_joiner(u[i]))
            return 0;
    return 1;
}

int search_text_eq(const char *a, size_t a_len, const char *b, size_t b_len)
{
    if (a_len != b_len)
        return 0;
    for (size_t i = 0; i < a_len; i++)
        if (search_text_lower((unsigned char)a[i]) != search_text_lower((unsigned char)b[i]))
            return 0;
    return 1;
}

/* Next case-insensitive occurrence of needle in s at or after from;
 * SIZE_MAX if none. */
static size_t find_ci(const char *s, size_t len, size_t from, const char *needle, size_t n)
{
    if (n == 0)
        return from <= len ? from : SIZE_MAX;
    if (n > len)
        return SIZE_MAX;
    unsigned char first = search_text_lower((unsigned char)needle[0]);
    for (size_t i = from; i + n <= len; i++) {
        if (search_text_lower((unsigned char)s[i]) != first)
            continue;
        if (search_text_eq(s + i + 1, n - 1, needle + 1, n - 1))
            return i;
    }
    return SIZE_MAX;
}

int search_text_has_substr(const char *s, size_t len, const char *needle, size_t needle_len)
{
    return find_ci(s, len, 0, needle, needle_len) != SIZE_MAX;
}

static int has_joiner(const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (search_text_is_joiner((unsigned char)w[i]))
            return 1;
    return 0;
}

int search_text_has_word(const char *s, size_t len, const char *word, size_t word_len)
{
    if (word_len == 0)
        return 1;
    const unsigned char *u = (const unsigned char *)s;
    int check_start = search_text_is_alnum((unsigned char)word[0]);
    int check_end = search_text_is_alnum((unsigned char)word[word_len - 1]);
    int joined = has_joiner(word, word_len);
    size_t pos = 0;
    while ((pos = find_ci(s, len, pos, word, word_len)) != SIZE_MAX) {
        size_t end = pos + word_len;
        int ok = 1;
        if (check_start && pos > 0) {
            size_t q = pos;
            if (joined)
                while (q > 0 && search_text_is_joiner(u[q - 1]))
                    q--;
            if (q > 0 && search_text_is_alnum(u[q - 1]))
                ok = 0;
        }
        if (ok && check_end && end < len) {
            size_t q = end;
            if (joined)
                while (q < len && search_text_is_joiner(u[q]))
                    q++;
            if (q < len && search_text_is_alnum(u[q]))
                ok = 0;
        }
        if (ok)
            return 1;
        pos++;
    }
    return 0;
}

int search_text_glob(const char *pat, size_t pat_len, const char *s, size_t len)
{
    size_t p = 0, i = 0, star_p = SIZE_MAX, star_i = 0;
    while (i < len) {
        if (p < pat_len) {
            unsigned char pc = (unsigned char)pat[p];
            if (pc == '*') {
                star_p = ++p;
                star_i = i;
                continue;
            }
            if (pc == '?') {
                p++;
                i++;
                continue;
            }
            size_t adv = 1;
            if (pc == '\\' && p + 1 < pat_len) {
                pc = (unsigned char)pat[p + 1];
                adv = 2;
            }
            if (search_text_lower(pc) == search_text_lower((unsigned char)s[i])) {
                p += adv;
                i++;
                continue;
            }
        }
        if (star_p == SIZE_MAX)
            return 0;
        /* Let the last star swallow one more byte and retry from there:
         * earlier stars never need to move again, so this stays O(n*m). */
        p = star_p;
        i = ++star_i;
    }
    while (p < pat_len && pat[p] == '*')
        p++;
    return p == pat_len;
}

struct glob_walk {
    const char *pat;
    size_t pat_len;
    int found;
};

static int glob_word(void *arg, const char *s, size_t off, size_t len)
{
    struct glob_walk *g = arg;
    if (search_text_glob(g->pat, g->pat_len, s + off, len)) {
        g->found = 1;
        return 1;
    }
    return 0;
}

int search_text_has_glob_word(const char *s, size_t len, const char *pat, size_t pat_len)
{
    struct glob_walk g = {pat, pat_len, 0};
    search_text_words(s, len, glob_word, &g);
    return g.found;
}
