/* Fuzz target for the search query language: any bytes must either parse
 * or fail with an error column inside the query (never crash, hang or
 * leak), and a parsed query must evaluate on a log without trouble.
 * Input: the query, optionally followed by '\n' and the raw log line to
 * evaluate it on (else a fixed ASA line with invalid UTF-8 at the end). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/ym_arena.h"
#include "core/ym_buf.h"
#include "core/ym_fields.h"
#include "parse/parse_ecs.h"
#include "search/search_eval.h"
#include "search/search_query.h"

static const char line[] = "<166>Nov 22 2026 10:00:00 fw1 : %ASA-4-106023: Deny tcp src "
                           "outside:198.51.100.7/51234 dst inside:10.0.3.4/443 \xff\xfe";

static struct ym_fields *fields(void)
{
    static struct ym_arena arena;
    static struct ym_fields f;
    static int ready;
    if (!ready) {
        ym_arena_init(&arena, 4096, 0);
        ym_fields_init(&f, &arena);
        ecs_add(&f, ECS_SOURCE_IP, "198.51.100.7", 12);
        ecs_add(&f, ECS_DESTINATION_IP, "2001:db8::1", 11);
        ecs_add_int(&f, ECS_DESTINATION_PORT, 443);
        ecs_add(&f, ECS_EVENT_ACTION, "deny", 4);
        ecs_add_array(&f, ECS_EVENT_CATEGORY, "network", 7);
        ym_fields_add_float(&f, YM_FIELD_DYNAMIC, "x.ratio", 0.5);
        ready = 1;
    }
    return &f;
}

static const struct ym_fields *get_fields(void *arg)
{
    (void)arg;
    return fields();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct search_query *q = NULL;
    struct ym_error err = {0};
    const uint8_t *nl = memchr(data, '\n', size);
    size_t qlen = nl ? (size_t)(nl - data) : size;
    enum ym_status st = search_query_parse((const char *)data, qlen, &q, &err);
    if (st != YM_OK) {
        if (st == YM_EPARSE && (err.column < 1 || (size_t)err.column > qlen + 1) &&
            qlen <= SEARCH_QUERY_MAX_BYTES)
            __builtin_trap(); /* the error column must point into the query */
        return 0;
    }
    struct archive_entry e = {
        .tenant = "acme", .device = "fw1", .kind = "asa", .timezone = "", .peer = "192.0.2.10",
        .transport = 2, .received_ns = 1, .ref = 1, .raw = line, .raw_len = sizeof line - 1,
    };
    if (nl) {
        e.raw = (const char *)nl + 1;
        e.raw_len = (uint32_t)(size - qlen - 1);
    }
    struct search_eval_ctx ctx = {&e, get_fields, NULL};
    (void)search_eval_match(q, &ctx);
    struct ym_buf out = YM_BUF_INIT;
    search_query_format(q, &out);
    ym_buf_free(&out);
    search_query_destroy(q);
    return 0;
}
