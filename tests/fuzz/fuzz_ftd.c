/* Fuzz target: the `ftd` decoder on one log (in two zones), directly on the
 * header-split message and through parse_record, then the ECS JSON output
 * of what it produced. Seeds: tests/fuzz/corpus/ftd/ (from tests/data/ftd/). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/ym_buf.h"
#include "parse/parse.h"
#include "parse/parse_ecs.h"
#include "parse/parse_syslog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ym_arena arena;
    static struct ym_buf out;
    static int ready;
    if (!ready) {
        ym_arena_init(&arena, 1 << 20, 64u << 20);
        ready = 1;
    }
    ym_arena_reset(&arena);
    /* an exact-size copy, so that reading one byte past the log is caught */
    char *line = malloc(size ? size : 1);
    if (!line)
        return 0;
    memcpy(line, data, size);
    static const char *const zones[] = {"", "Europe/Berlin"};
    const int64_t now_ns = 1795348800LL * 1000000000LL; /* 2026-11-22T12:00:00Z */
    const struct parse_decoder *d = parse_decoder_find("ftd");
    for (size_t z = 0; z < sizeof zones / sizeof *zones; z++) {
        struct ym_record rec;
        memset(&rec, 0, sizeof rec);
        rec.raw = line;
        rec.raw_len = (uint32_t)size;
        ym_fields_init(&rec.fields, &arena);
        struct parse_ctx ctx = {"ftd", zones[z], now_ns};
        struct parse_syslog_hdr hdr;
        parse_syslog_header(line, size, zones[z], now_ns, &hdr);
        d->decode(&ctx, &hdr, &rec);
        d->sniff(hdr.msg.p ? hdr.msg.p : line, hdr.msg.p ? hdr.msg.len : size);
        ym_buf_clear(&out);
        parse_ecs_to_json(&rec.fields, &out);

        memset(&rec, 0, sizeof rec);
        rec.raw = line;
        rec.raw_len = (uint32_t)size;
        ym_fields_init(&rec.fields, &arena);
        struct parse_stats stats = {0};
        parse_record(&ctx, &rec, &stats);
        ym_buf_clear(&out);
        parse_ecs_to_json(&rec.fields, &out);
    }
    free(line);
    return 0;
}
