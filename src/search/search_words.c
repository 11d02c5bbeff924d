#include "search/search_words.h"

#include <string.h>

#include "archive/archive_token.h"
#include "search/search_text.h"

struct words {
    const char **v;
    size_t n, cap;
};

static int words_has(const struct words *w, const char *s)
{
    for (size_t i = 0; i < w->n; i++)
        if (!strcmp(w->v[i], s))
            return 1;
    return 0;
}

static int words_add(struct ym_arena *a, struct words *w, const char *s, size_t len, int lower)
{
    char *c = ym_arena_strndup(a, s, len);
    if (!c)
        return 0;
    if (lower)
        for (size_t i = 0; i < len; i++)
            c[i] = (char)search_text_lower((unsigned char)c[i]);
    if (words_has(w, c))
        return 1;
    if (w->n == w->cap) {
        size_t ncap = w->cap ? w->cap * 2 : 8;
        const char **v = ym_arena_alloc(a, ncap * sizeof *v);
        if (!v)
            return 0;
        if (w->n)
            memcpy(v, w->v, w->n * sizeof *v);
        w->v = v;
        w->cap = ncap;
    }
    w->v[w->n++] = c;
    return 1;
}

struct inner {
    struct ym_arena *arena;
    struct words *out;
    const char *text;
    size_t len;
    int ends_checked; /* the matcher checks word boundaries at the text's ends */
    int ok;
};

static int has_joiner(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (search_text_is_joiner((unsigned char)s[i]))
            return 1;
    return 0;
}

/* A word of the term text is a word of every matching line if the text
 * itself shows where it ends on both sides (see search_text.h): at the
 * text's ends only when the matcher checks the boundary there. */
static int inner_word(void *arg, const char *s, size_t off, size_t len)
{
    struct inner *in = arg;
    const unsigned char *u = (const unsigned char *)s;
    int joined = has_joiner(s + off, len);
    size_t a = off, b = off + len;
    if (joined) {
        while (a > 0 && search_text_is_joiner(u[a - 1]))
            a--;
        while (b < in->len && search_text_is_joiner(u[b]))
            b++;
    }
    int start_ok = off == 0 ? in->ends_checked : a > 0;
    int end_ok = off + len == in->len ? in->ends_checked : b < in->len;
    if (start_ok && end_ok && len <= ARCHIVE_TOKEN_MAX && !words_add(in->arena, in->out, s + off, len, 1)) {
        in->ok = 0;
        return 1;
    }
    return 0;
}

static int inner_words(struct ym_arena *a, const char *text, size_t len, int ends_checked,
                       struct words *out)
{
    struct inner in = {a, out, text, len, ends_checked, 1};
    search_text_words(text, len, inner_word, &in);
    return in.ok;
}

static int required_words(struct ym_arena *a, const struct search_node *n, struct words *out)
{
    switch (n->type) {
    case SEARCH_NODE_WORD:
        if (search_text_is_word(n->text, n->text_len))
            return n->text_len > ARCHIVE_TOKEN_MAX || words_add(a, out, n->text, n->text_len, 1);
        return inner_words(a, n->text, n->text_len, 1, out);
    case SEARCH_NODE_PHRASE:
        return inner_words(a, n->text, n->text_len, 0, out);
    case SEARCH_NODE_FIELD_EQ:
        /* The raw-line hint is the value as the line must hold it. */
        if (n->raw_hint && !n->raw_hint_glob && n->raw_hint_len <= ARCHIVE_TOKEN_MAX)
            return words_add(a, out, n->raw_hint, n->raw_hint_len, 1);
        return 1;
    case SEARCH_NODE_AND:
        for (size_t i = 0; i < n->kid_count; i++)
            if (!required_words(a, n->kids[i], out))
                return 0;
        return 1;
    case SEARCH_NODE_OR: {
        /* Only what every branch requires. */
        struct words common = {0};
        if (!required_words(a, n->kids[0], &common))
            return 0;
        for (size_t i = 1; i < n->kid_count && common.n; i++) {
            struct words w = {0};
            if (!required_words(a, n->kids[i], &w))
                return 0;
            size_t keep = 0;
            for (size_t j = 0; j < common.n; j++)
                if (words_has(&w, common.v[j]))
                    common.v[keep++] = common.v[j];
            common.n = keep;
        }
        for (size_t j = 0; j < common.n; j++)
            if (!words_add(a, out, common.v[j], strlen(common.v[j]), 0))
                return 0;
        return 1;
    }
    default:
        return 1; /* NOT, wildcards, ranges, CIDR, exists, meta fields */
    }
}

enum ym_status search_words_required(struct ym_arena *arena, const struct search_node *root,
                                     const char ***words, size_t *count)
{
    struct words w = {0};
    if (!required_words(arena, root, &w))
        return YM_ENOMEM;
    *words = w.v;
    *count = w.n;
    return YM_OK;
}
