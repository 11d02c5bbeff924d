/* parse_cef: ArcSight Common Event Format (CEF:0 / CEF:1) decoder, kind
 * "cef", and the CEF splitter the FireEye and McAfee NSP decoders reuse.
 *
 * A CEF line is "CEF:V|vendor|product|version|class id|name|severity|ext"
 * (after any syslog header); header fields escape '|' and '\' with '\';
 * the extension is "key=value key=value" where a value runs to the next
 * " key=" and escapes '=', '\', newline (\n) and carriage return (\r).
 * Values are slices of the raw log, unescaped into the arena only when
 * they contain a backslash. Mapping to ECS follows Filebeat's CEF module
 * (full extension names under cef.extensions.*, custom labels applied);
 * CEF from FireEye or McAfee/Trellix NSP is handed to those decoders'
 * mappings as well. No state: any thread may call.
 * parse_cef_split returns YM_OK, YM_EDECLINED (no "CEF:"), YM_EPARSE
 * (header cut short) or YM_ENOMEM (arena full). */
#ifndef PARSE_CEF_H
#define PARSE_CEF_H

#include <stddef.h>
#include <stdint.h>

#include "core/ym_arena.h"
#include "core/ym_batch.h"
#include "core/ym_status.h"
#include "parse/parse.h"

#define CEF_MAX_EXT 128

struct cef_text {
    const char *p;
    uint32_t len;
};

struct cef_pair {
    struct cef_text key;
    struct cef_text value;
};

/* One CEF (or LEEF) event split into header and key/value pairs. */
struct cef_event {
    struct cef_text version, vendor, product, device_version, class_id, name, severity;
    struct cef_pair ext[CEF_MAX_EXT];
    unsigned ext_count;
};

/* Splits the CEF event that starts at "CEF:" somewhere in s. */
enum ym_status parse_cef_split(const char *s, size_t len, struct ym_arena *arena,
                               struct cef_event *out);
/* Adds the generic ECS mapping and cef.* fields of an event. */
void parse_cef_map(const struct parse_ctx *ctx, const struct cef_event *ev, struct ym_record *rec);
/* The value of extension key (short or full name), or NULL. */
const struct cef_text *parse_cef_get(const struct cef_event *ev, const char *key);
/* The value of the custom field whose label (csNLabel, cnNLabel, ...) is label, or NULL. */
const struct cef_text *parse_cef_custom(const struct cef_event *ev, const char *label);

/* Vendor mappings, called by the cef and leef decoders (defined in
 * parse_fireeye.c and parse_nsp.c). Return 1 when the vendor/product is theirs. */
int parse_fireeye_is_vendor(const struct cef_text *vendor, const struct cef_text *product);
void parse_fireeye_map_cef(const struct parse_ctx *ctx, const struct cef_event *ev,
                           struct ym_record *rec);
int parse_nsp_is_vendor(const struct cef_text *vendor, const struct cef_text *product);
void parse_nsp_map_cef(const struct parse_ctx *ctx, const struct cef_event *ev,
                       struct ym_record *rec);

#endif
