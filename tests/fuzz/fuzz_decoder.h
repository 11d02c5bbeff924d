/* Shared body of the decoder fuzz targets (fuzz_asa.c, fuzz_cef.c, ...):
 * one input as one log, in UTC and in the target's zone, through the named
 * decoder directly (with its sniff function) and through parse_record, each
 * followed by the ECS JSON output of what it produced. The log is an
 * exact-size heap copy, so that reading one byte past it is caught. */
#ifndef FUZZ_DECODER_H
#define FUZZ_DECODER_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/ym_buf.h"
#include "parse/parse.h"
#include "parse/parse_ecs.h"
#include "parse/parse_syslog.h"

static int fuzz_decoder_one(const char *kind, const char *zone, const uint8_t *data, size_t size)
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
    const char *const zones[] = {"", zone};
    const int64_t now_ns = 1795348800LL * 1000000000LL; /* 2026-11-22T12:00:00Z */
    const struct parse_decoder *d = parse_decoder_find(kind);
    for (size_t z = 0; z < sizeof zones / sizeof *zones; z++) {
        struct ym_record rec;
        memset(&rec, 0, sizeof rec);
        rec.raw = line;
        rec.raw_len = (uint32_t)size;
        ym_fields_init(&rec.fields, &arena);
        struct parse_ctx ctx = {kind, zones[z], now_ns};
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

#endif
