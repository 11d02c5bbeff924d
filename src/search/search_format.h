/* search_format: one search match as a JSON object, the line format of
 * `yamori search --json` (and of the portal's search API):
 *
 *   {"received":"2026-11-22T10:00:00.123Z","tenant":"acme","device":"fw1",
 *    "kind":"asa","peer":"192.0.2.10","transport":"tcp","ref":42,
 *    "raw":"<166>...","fields":{...nested ECS...}}
 *
 * "raw" is the line as a JSON string; when the line is not valid UTF-8 (or
 * holds NUL bytes), "raw_base64" carries its exact bytes as well. "peer" is
 * null when unknown; "fields" is present only when fields are given.
 *
 * Memory: appends to a caller-owned ym_buf. Thread-safe. */
#ifndef SEARCH_FORMAT_H
#define SEARCH_FORMAT_H

#include <stddef.h>

#include "archive/archive.h"
#include "core/ym_buf.h"
#include "core/ym_fields.h"

/* Appends the object, without a newline. fields may be NULL. */
void search_format_json(const struct archive_entry *e, const struct ym_fields *fields, struct ym_buf *out);

/* 1 if s is valid UTF-8 without NUL bytes (so JSON text keeps it exactly). */
int search_format_utf8_ok(const char *s, size_t len);
/* Appends standard base64 (RFC 4648, with padding). */
void search_format_base64(const unsigned char *s, size_t len, struct ym_buf *out);

#endif
