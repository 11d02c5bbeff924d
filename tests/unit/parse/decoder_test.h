/* Shared helpers of the decoder unit tests (test_cef.c, test_panos.c, ...):
 * a fixture with an arena and one record, parsing a line the way `yamori
 * parse` does, the decoder's own verdict, and field assertions. Included by
 * each test file (static functions: one copy per test binary). */
#ifndef DECODER_TEST_H
#define DECODER_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/ym_time.h"
#include "parse/parse.h"
#include "parse/parse_ecs.h"
#include "parse/parse_syslog.h"

static int64_t T(const char *rfc3339)
{
    int64_t t = 0;
    assert_int_equal(ym_time_parse_arg(rfc3339, 0, &t), YM_OK);
    return t;
}

struct fixture {
    struct ym_arena arena;
    struct ym_record rec;
    struct parse_stats stats;
};

static int setup(void **state)
{
    static struct fixture fx;
    memset(&fx, 0, sizeof fx);
    ym_arena_init(&fx.arena, 1 << 16, 0);
    *state = &fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    ym_arena_fini(&fx->arena);
    return 0;
}

/* Parses line as the given kind and zone, the way `yamori parse` does. */
static struct ym_record *run_tz(struct fixture *fx, const char *kind, const char *tz, const char *line)
{
    memset(&fx->rec, 0, sizeof fx->rec);
    memset(&fx->stats, 0, sizeof fx->stats);
    fx->rec.raw = ym_arena_strndup(&fx->arena, line, strlen(line));
    fx->rec.raw_len = (uint32_t)strlen(line);
    fx->rec.received_ns = T("2026-11-22T11:59:59Z");
    ym_fields_init(&fx->rec.fields, &fx->arena);
    struct parse_ctx ctx = {kind, tz, T("2026-11-22T12:00:00Z")};
    parse_record(&ctx, &fx->rec, &fx->stats);
    return &fx->rec;
}

/* The decoder's own verdict on line (no fallback to other decoders). */
__attribute__((unused)) static enum ym_status verdict(struct fixture *fx, const char *kind, const char *line)
{
    memset(&fx->rec, 0, sizeof fx->rec);
    fx->rec.raw = ym_arena_strndup(&fx->arena, line, strlen(line));
    fx->rec.raw_len = (uint32_t)strlen(line);
    ym_fields_init(&fx->rec.fields, &fx->arena);
    struct parse_ctx ctx = {kind, "", T("2026-11-22T12:00:00Z")};
    struct parse_syslog_hdr hdr;
    parse_syslog_header(fx->rec.raw, fx->rec.raw_len, "", ctx.now_ns, &hdr);
    return parse_decoder_find(kind)->decode(&ctx, &hdr, &fx->rec);
}

__attribute__((unused)) static void assert_str(const struct ym_record *r, const char *name, const char *want)
{
    const struct ym_field *x = ym_fields_get(&r->fields, name);
    if (!x)
        fail_msg("field %s missing", name);
    if (x->type != YM_FT_STR || x->len != strlen(want) || memcmp(x->str, want, x->len))
        fail_msg("field %s is \"%.*s\" (type %d), want \"%s\"", name, (int)x->len,
                 x->str ? x->str : "", x->type, want);
}

__attribute__((unused)) static void assert_int(const struct ym_record *r, const char *name, int64_t want)
{
    const struct ym_field *x = ym_fields_get(&r->fields, name);
    if (!x)
        fail_msg("field %s missing", name);
    if ((x->type != YM_FT_INT && x->type != YM_FT_BOOL) || x->num != want)
        fail_msg("field %s is %lld (type %d), want %lld", name, (long long)x->num, x->type,
                 (long long)want);
}

__attribute__((unused)) static void assert_absent(const struct ym_record *r, const char *name)
{
    if (ym_fields_get(&r->fields, name))
        fail_msg("field %s present, want absent", name);
}

/* Whether the array field name has the element want. */
__attribute__((unused)) static void assert_has(const struct ym_record *r, const char *name, const char *want)
{
    for (uint32_t i = 0; i < r->fields.count; i++) {
        const struct ym_field *x = &r->fields.v[i];
        if (!strcmp(x->name, name) && x->len == strlen(want) && !memcmp(x->str, want, x->len))
            return;
    }
    fail_msg("field %s has no element \"%s\"", name, want);
}

__attribute__((unused)) static void assert_time(const struct ym_record *r, const char *rfc3339)
{
    assert_int_equal(r->time_ns, T(rfc3339));
}

#endif
