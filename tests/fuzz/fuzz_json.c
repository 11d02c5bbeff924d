/* Fuzz target: the `json` decoder (flattening, escapes, arrays, depth
 * limit) behind an optional syslog header, and the ECS JSON output of the
 * fields it produced, which must always be valid JSON (checked with
 * jansson; an invalid document aborts the run). */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/ym_buf.h"
#include "parse/parse_ecs.h"
#include "parse/parse_syslog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ym_arena arena;
    static int ready;
    if (!ready) {
        ym_arena_init(&arena, 1 << 20, 64u << 20);
        ready = 1;
    }
    ym_arena_reset(&arena);
    char *line = ym_arena_strndup(&arena, (const char *)data, size);
    if (!line)
        return 0;
    struct parse_syslog_hdr hdr;
    parse_syslog_header(line, size, NULL, 0, &hdr);
    struct ym_record rec;
    memset(&rec, 0, sizeof rec);
    rec.raw = line;
    rec.raw_len = (uint32_t)size;
    ym_fields_init(&rec.fields, &arena);
    struct parse_ctx ctx = {"json", NULL, 0};
    parse_decoder_json.decode(&ctx, &hdr, &rec);
    struct ym_buf out = YM_BUF_INIT;
    parse_ecs_to_json(&rec.fields, &out);
    json_error_t err;
    json_t *j = json_loadb(out.data, out.len, JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, &err);
    /* jansson refuses numbers beyond a double and "\u0000" inside object
     * keys (its keys are C strings); JSON allows both, and a log may hold
     * them (a JSON value kept as given), so they are not our error. */
    if (!j && !strstr(err.text, "too big") && !strstr(err.text, "overflow") &&
        !strstr(err.text, "NUL byte in object key"))
        abort();
    json_decref(j);
    ym_buf_free(&out);
    return 0;
}
