/* archive_token: the words the archive's bloom filters index, shared by the
 * writer (what goes in) and search (what may be looked up).
 *
 * A token is lower-cased ASCII (bytes >= 0x80 kept as they are) and is one of
 *  - a maximal run of alphanumerics (letters, digits, bytes >= 0x80), and
 *  - a maximal run of alphanumerics joined by '.', '-', '_' or '@' (so
 *    "192.0.2.5", "reset-i", "www.example.com", "a.b@example.com" are whole
 *    tokens too), trimmed of those joiners at both ends.
 * Everything else separates tokens. "outside:192.0.2.5/4444" gives
 * "outside", "192", "0", "2", "5", "4444" and "192.0.2.5".
 * A search term can use the bloom only if it is itself exactly one token.
 * Thread-safe, no allocation (tokens are handed to the callback in a
 * caller-visible stack buffer, valid during the call). */
#ifndef ARCHIVE_TOKEN_H
#define ARCHIVE_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#define ARCHIVE_TOKEN_MAX 128 /* longer tokens are cut to this many bytes */

/* The blooms index every token except bare numbers (a token of digits
 * only: ports, counters, byte counts). Those are most of the distinct tokens
 * of firewall logs and rarely what an analyst looks for alone; leaving them
 * out makes the blooms about four times smaller. Addresses ("192.0.2.5") and
 * other joined tokens stay indexed. archive_scan_run ignores required tokens
 * that are not indexed (they cannot prune). */
int archive_token_indexed(const char *tok, size_t len);

typedef void (*archive_token_fn)(void *arg, const char *tok, size_t len);
void archive_token_each(const char *s, size_t len, archive_token_fn fn, void *arg);
/* 1 if text (len bytes) is exactly one token as defined above, i.e. a
 * search for it may consult the bloom filters (after lower-casing). */
int archive_token_is_single(const char *text, size_t len);
uint64_t archive_token_hash(const char *tok, size_t len); /* of the lower-cased token */

/* Same tokens as archive_token_each, but hands out only each token's
 * archive_token_hash, computed while scanning (the writer's fast path: no
 * copy, one pass). Added for the archive writer. */
typedef void (*archive_token_hash_fn)(void *arg, uint64_t hash);
void archive_token_hash_each(const char *s, size_t len, archive_token_hash_fn fn, void *arg);
/* Only the hashes of tokens holding a digit. The tokens without a digit
 * lie between numbers and separators, so they are the same in every log
 * of one codec template (archive_codec.h: the log with its numbers
 * replaced): the writer hashes all tokens of a template's first log in a
 * block and only these of the others. */
void archive_token_hash_varying(const char *s, size_t len, archive_token_hash_fn fn, void *arg);

#endif
