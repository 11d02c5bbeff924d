/* parse_kv: splits "key=value key2="quoted value"" and "Key: value, Key2: value"
 * texts into pairs, for every decoder that meets such bodies.
 *
 * Usage:
 *     static int on_pair(void *arg, const struct parse_kv_pair *kv) { ...; return 0; }
 *     parse_kv_each(msg, len, PARSE_KV_EQUALS, on_pair, arg);
 *
 * Styles (enum parse_kv_style, may be or'ed with the PARSE_KV_* flags):
 *   PARSE_KV_EQUALS  key=value; pairs separated by blanks, ',' or ';'.
 *                    Unquoted values end at the next blank (a trailing ',' or
 *                    ';' is dropped).  `src=10.0.0.1, dst=10.0.0.2 act=allow`
 *   PARSE_KV_COLON   Key: value; pairs separated by ','. Keys may hold single
 *                    spaces ("Attack Name: x"). Values run to the next ','
 *                    that is followed by "Key:"; so "a, b" stays one value
 *                    unless a key follows.      `SrcIP: 10.0.0.1, DstPort: 443`
 *   flag PARSE_KV_VALUE_SPACES (with EQUALS): unquoted values may hold
 *                    blanks and run until the next " key=" (CEF extension
 *                    style).                    `msg=Port scan seen act=blocked`
 * Values in "double" or 'single' quotes are given without the quotes and
 * with quoted = 1; backslash escapes inside stay in place (undo them with
 * parse_kv_unescape). Words that are not pairs are skipped. Keys are
 * [A-Za-z0-9_.-/@:[]] runs (COLON style: also single spaces), at most 128 bytes.
 *
 * Memory: pairs are slices into the caller's text (not NUL-terminated); the
 * splitter never allocates. Thread-safe, no state. */
#ifndef PARSE_KV_H
#define PARSE_KV_H

#include <stddef.h>

enum parse_kv_style {
    PARSE_KV_EQUALS = 0,
    PARSE_KV_COLON = 1,
    PARSE_KV_VALUE_SPACES = 0x100, /* flag for PARSE_KV_EQUALS */
};

struct parse_kv_pair {
    const char *key;
    size_t key_len;
    const char *val; /* may be empty (val_len 0) */
    size_t val_len;
    int quoted;      /* the value was in quotes (escapes kept) */
};

/* Called for each pair in order; return nonzero to stop early. */
typedef int (*parse_kv_fn)(void *arg, const struct parse_kv_pair *kv);

/* Calls fn for each pair of s[0..len) in the given style (enum value |
 * flags). Returns the number of pairs passed to fn. */
size_t parse_kv_each(const char *s, size_t len, int style, parse_kv_fn fn, void *arg);

/* Copies val into out (room for val_len bytes) with "\x" turned into "x";
 * returns the new length. */
size_t parse_kv_unescape(const char *val, size_t val_len, char *out);

#endif
