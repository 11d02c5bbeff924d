/* search_words: the words a query requires, for the archive's bloom
 * filters (archive_scan.tokens).
 *
 * For each node of the query tree, the lower-cased words that every log it
 * matches must contain, as the archive's tokenizer (archive_token.h) and
 * search_text.h see them. Only terms on the raw line are sure to: free-text
 * words and phrases, and the raw-line hints of address and port field terms
 * (search_query.h), whose values decoders copy from the line verbatim. Other
 * field values may be normalised by a decoder ("Deny" -> "denied") or not be
 * in the line at all (event.category, tenant), and NOT, wildcards, ranges
 * and CIDR terms require nothing. AND requires what any of its kids does, OR
 * only what all of its branches require.
 *
 * Memory: the list and its strings are allocated in the given arena (the
 * query's). Thread-safe for distinct arenas.
 * Status: YM_ENOMEM when the arena is full. */
#ifndef SEARCH_WORDS_H
#define SEARCH_WORDS_H

#include <stddef.h>

#include "core/ym_arena.h"
#include "core/ym_status.h"
#include "search/search_query.h"

enum ym_status search_words_required(struct ym_arena *arena, const struct search_node *root,
                                     const char ***words, size_t *count);

#endif
