/* search_eval: decides whether one archived log matches a parsed query.
 *
 * Terms on the raw line and on the archive entry's own fields (tenant,
 * device, kind, peer, transport) are checked first; the log's ECS fields
 * are asked for only when a term still undecided needs them, through a
 * callback that parses the line on first use (search_run does it into a
 * reused arena). So a query like `deny source.ip:10.0.0.0/8` never parses
 * lines without the word "deny".
 *
 * Matching rules (docs/search.md): free text is case-insensitive, words
 * match whole words (search_text.h), phrases match anywhere; field values
 * compare case-insensitively as whole values, as IP addresses when both
 * sides are addresses, as numbers when the field is numeric; a field term
 * is true if any value of the field (arrays) satisfies it, false if the
 * field is absent.
 * An address or port term whose raw-line hint (search_query.h) is missing
 * from the line is false without parsing; an AND checks those hints of all
 * its field kids before parsing for any of them.
 *
 * Memory: nothing is allocated; entry and fields are borrowed for the call.
 * Thread-safe for distinct contexts (the query is read-only). */
#ifndef SEARCH_EVAL_H
#define SEARCH_EVAL_H

#include "archive/archive.h"
#include "core/ym_fields.h"
#include "search/search_query.h"

/* Returns the parsed fields of the current log (parsing it on the first
 * call), or NULL if there are none. */
typedef const struct ym_fields *(*search_fields_fn)(void *arg);

struct search_eval_ctx {
    const struct archive_entry *entry;
    search_fields_fn fields; /* NULL = no fields: ECS field terms are false */
    void *fields_arg;
};

/* 1 if the log matches the whole query, else 0. */
int search_eval_match(const struct search_query *q, struct search_eval_ctx *ctx);
/* Same for one subtree. */
int search_eval_node(const struct search_node *n, struct search_eval_ctx *ctx);

#endif
