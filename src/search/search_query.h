/* search_query: the query language of `yamori search` (KQL-like; the user's
 * reference is docs/search.md) -- lexer and parser into a tree of
 * struct search_node, plus what the archive needs to prune blocks.
 *
 *   query    := or EOF                       (empty query = every log)
 *   or       := and (OR and)*
 *   and      := not ([AND] not)*             (juxtaposition is AND)
 *   not      := NOT not | primary
 *   primary  := '(' or ')' | "phrase" | word
 *             | name ':' value | name ('<'|'<='|'>'|'>=') (number | time)
 *   value    := '*' | "phrase" | word | ip/prefix | '(' or-of-values ')'
 *
 * Keywords are case-insensitive; a backslash makes the next character
 * literal (and keeps a word from being a keyword or a wildcard).
 *
 * Memory: search_query_parse returns an owned struct search_query; the tree,
 * its strings and the token list live in the query's own arena and are
 * freed by search_query_destroy (NULL is fine). The input text is copied:
 * the caller may free it after parsing. A parsed query is read-only, so
 * any number of threads may evaluate it at once.
 * Status: YM_EPARSE with err->column (1-based byte column) and err->reason
 * on a bad query; YM_ENOMEM if the query is absurdly large. */
#ifndef SEARCH_QUERY_H
#define SEARCH_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "core/ym_arena.h"
#include "core/ym_buf.h"
#include "core/ym_status.h"

#define SEARCH_QUERY_MAX_DEPTH 64    /* nesting of parentheses and NOTs */
#define SEARCH_QUERY_MAX_BYTES 65536 /* longest query text */

enum search_node_type {
    SEARCH_NODE_AND,
    SEARCH_NODE_OR,
    SEARCH_NODE_NOT,
    SEARCH_NODE_ALL,        /* `*` or an empty query: every log */
    SEARCH_NODE_WORD,       /* free text: whole word in the raw line (text) */
    SEARCH_NODE_WILD,       /* free text with * or ?: some word of the line matches (text = glob) */
    SEARCH_NODE_PHRASE,     /* free text "...": substring of the raw line (text) */
    SEARCH_NODE_FIELD_EQ,   /* field:value, field:"value": whole value equal (text; addr if has_ip) */
    SEARCH_NODE_FIELD_GLOB, /* field:val*: whole value matches the glob (text) */
    SEARCH_NODE_EXISTS,     /* field:* */
    SEARCH_NODE_CIDR,       /* field:addr/bits on an IPv4 or IPv6 value */
    SEARCH_NODE_RANGE,      /* field <, <=, >, >= number */
};

enum search_range_op { SEARCH_OP_LT, SEARCH_OP_LE, SEARCH_OP_GT, SEARCH_OP_GE };

/* Where a field term takes its values from: the parsed ECS fields, or one of
 * the archive entry's own (meta) fields, which need no parsing. */
enum search_source {
    SEARCH_SRC_ECS = 0,
    SEARCH_SRC_TENANT,
    SEARCH_SRC_DEVICE,
    SEARCH_SRC_KIND,
    SEARCH_SRC_PEER,
    SEARCH_SRC_TRANSPORT,
};

struct search_node {
    enum search_node_type type;
    enum search_range_op op;  /* RANGE */
    enum search_source source; /* field terms */
    int needs_fields;         /* 1 if evaluating this subtree may need the parsed fields */
    int column;               /* 1-based column of the term in the query */
    const char *field;        /* field terms: NUL-terminated name */
    uint16_t field_id;        /* parse_ecs id of field, or YM_FIELD_DYNAMIC */
    const char *text;         /* WORD/PHRASE/FIELD_EQ: literal; WILD/FIELD_GLOB: glob with '\' escapes */
    size_t text_len;
    int has_ip;               /* FIELD_EQ whose value is an IP address; CIDR */
    uint8_t addr[16];         /* IPv4 as v4-mapped IPv6 */
    unsigned prefix_bits;     /* CIDR, counted on the 128-bit form */
    int has_num;              /* FIELD_EQ whose value is a number */
    double num;               /* RANGE bound; FIELD_EQ number */
    int is_time;              /* RANGE on times: bound in time_ns, values read as RFC 3339 */
    int64_t time_ns;
    /* Cheap test before parsing: a word (or, if raw_hint_glob, a word
     * pattern) the raw line must hold for this term to be true. Set for
     * address and port fields, whose values decoders copy verbatim. */
    const char *raw_hint;
    size_t raw_hint_len;
    int raw_hint_glob;
    struct search_node **kids; /* AND, OR (>= 2), NOT (1) */
    size_t kid_count;
};

struct search_query {
    struct search_node *root;
    /* Lower-cased words every match must contain (archive_scan.tokens). */
    const char *const *tokens;
    size_t token_count;
    int needs_fields; /* root->needs_fields */
    struct ym_arena arena;
};

/* ---- create / destroy ---- */
enum ym_status search_query_parse(const char *text, size_t len, struct search_query **out,
                                  struct ym_error *err);
void search_query_destroy(struct search_query *q);

/* ---- inspection (tests, --explain) ---- */
/* Appends the tree as an S-expression: (and (word "a") (or ...)). */
void search_query_format(const struct search_query *q, struct ym_buf *out);

/* Parses "192.0.2.1" or "2001:db8::1" (len bytes) into the 16-byte v4-mapped
 * form; 1 on success. Shared with the evaluator. */
int search_query_parse_ip(const char *s, size_t len, uint8_t addr[16]);
/* Parses a whole plain decimal number ("443", "-1.5", "1e3"; not "inf",
 * "0x10"); 1 on success. */
int search_query_parse_number(const char *s, size_t len, double *out);

#endif
