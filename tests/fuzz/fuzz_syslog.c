/* Fuzz target: the syslog header splitter (in three zones), RFC 5424
 * structured data, the key=value splitter (both styles), the generic
 * `syslog` decoder and the ECS JSON output of what it produced. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/ym_buf.h"
#include "parse/parse_ecs.h"
#include "parse/parse_kv.h"
#include "parse/parse_syslog.h"

static void on_param(void *arg, struct parse_slice id, struct parse_slice name, struct parse_slice value)
{
    (void)id;
    (void)name;
    char *buf = arg;
    if (value.len < 4096)
        parse_syslog_sd_unescape(value, buf);
}

static int on_pair(void *arg, const struct parse_kv_pair *kv)
{
    char *buf = arg;
    if (kv->val_len < 4096)
        parse_kv_unescape(kv->val, kv->val_len, buf);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ym_arena arena;
    static int ready;
    static char scratch[4096];
    if (!ready) {
        ym_arena_init(&arena, 1 << 20, 64u << 20);
        ready = 1;
    }
    ym_arena_reset(&arena);
    char *line = ym_arena_strndup(&arena, (const char *)data, size);
    if (!line)
        return 0;
    static const char *const zones[] = {NULL, "+09:00", "Europe/Paris"};
    const int64_t now_ns = 1795348800LL * 1000000000LL; /* 2026-11-22T12:00:00Z */
    struct parse_syslog_hdr hdr;
    for (size_t z = 0; z < sizeof zones / sizeof *zones; z++)
        parse_syslog_header(line, size, zones[z], now_ns, &hdr);
    parse_syslog_sd_each(hdr.sd, on_param, scratch);
    parse_kv_each(line, size, PARSE_KV_EQUALS, on_pair, scratch);
    parse_kv_each(line, size, PARSE_KV_EQUALS | PARSE_KV_VALUE_SPACES, on_pair, scratch);
    parse_kv_each(line, size, PARSE_KV_COLON, on_pair, scratch);

    struct ym_record rec;
    memset(&rec, 0, sizeof rec);
    rec.raw = line;
    rec.raw_len = (uint32_t)size;
    ym_fields_init(&rec.fields, &arena);
    struct parse_ctx ctx = {"syslog", NULL, now_ns};
    parse_syslog_decode(&ctx, &hdr, &rec);
    struct ym_buf out = YM_BUF_INIT;
    parse_ecs_to_json(&rec.fields, &out);
    ym_buf_free(&out);
    return 0;
}
