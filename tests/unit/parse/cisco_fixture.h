/* cisco_fixture: the fixture of test_asa.c and test_ftd.c: one arena, one
 * record and its parse counters, parse_record on a line as a device of the
 * given kind (UTC, "now" fixed at 2026-11-22T12:00:00Z), and readers of the
 * record's fields. Include after cmocka.h. */
#ifndef CISCO_FIXTURE_H
#define CISCO_FIXTURE_H

#include <stdint.h>
#include <string.h>

#include "core/ym_arena.h"
#include "core/ym_time.h"
#include "parse/parse.h"

static int64_t T(const char *rfc3339)
{
    int64_t t = 0;
    assert_int_equal(ym_time_parse_arg(rfc3339, 0, &t), YM_OK);
    return t;
}

static struct ym_arena arena;
static struct ym_record rec;
static struct parse_stats stats;

static int setup(void **state)
{
    ym_arena_init(&arena, 1 << 16, 0);
    return 0;
}

static int teardown(void **state)
{
    ym_arena_fini(&arena);
    return 0;
}

static struct ym_record *cisco_parse(const char *kind, const char *line)
{
    memset(&rec, 0, sizeof rec);
    memset(&stats, 0, sizeof stats);
    rec.raw = ym_arena_strndup(&arena, line, strlen(line));
    rec.raw_len = (uint32_t)strlen(line);
    rec.received_ns = T("2026-11-22T11:59:59Z");
    ym_fields_init(&rec.fields, &arena);
    struct parse_ctx ctx = {kind, "", T("2026-11-22T12:00:00Z")};
    parse_record(&ctx, &rec, &stats);
    return &rec;
}

static const char *str(const char *name)
{
    const struct ym_field *f = ym_fields_get(&rec.fields, name);
    if (!f || f->type != YM_FT_STR)
        return NULL;
    return ym_arena_strndup(&arena, f->str, f->len);
}

static int64_t num(const char *name)
{
    const struct ym_field *f = ym_fields_get(&rec.fields, name);
    assert_non_null(f);
    assert_int_equal(f->type, YM_FT_INT);
    return f->num;
}

static int has_value(const char *name, const char *value)
{
    for (uint32_t i = 0; i < rec.fields.count; i++) {
        const struct ym_field *f = &rec.fields.v[i];
        if (strcmp(f->name, name) == 0 && f->len == strlen(value) && memcmp(f->str, value, f->len) == 0)
            return 1;
    }
    return 0;
}

#endif
