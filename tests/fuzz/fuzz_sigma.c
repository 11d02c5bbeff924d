/* Fuzz target for the Sigma loader and compiler: the input is one rule file
 * (any number of YAML documents). It is compiled into a set (loader,
 * modifiers, conditions, correlations, Vectorscan and PCRE2 compilation)
 * and the set is matched against one fixed log, so crashes anywhere from
 * YAML to the matcher show up. Rules may be rejected; they must not crash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/ym_arena.h"
#include "core/ym_batch.h"
#include "detect/detect.h"
#include "parse/parse_ecs.h"

static int ignore_hit(void *arg, const struct ym_record *rec, const struct detect_hit *h)
{
    (void)arg;
    (void)rec;
    (void)h;
    return 0;
}

static void add(struct ym_fields *f, const char *name, const char *v)
{
    uint16_t id = parse_ecs_lookup(name, strlen(name));
    ym_fields_add(f, id, id == YM_FIELD_DYNAMIC ? name : parse_ecs_name(id), v, strlen(v));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    snprintf(path, sizeof(path), "/tmp/ym_fuzz_sigma_%d.yml", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    const char *paths[] = {path};
    struct detect_config cfg = {.rule_paths = paths, .rule_path_count = 1};
    struct detect_set *set = NULL;
    struct detect_reports rep = {0};
    struct ym_error err;
    if (detect_set_compile(&cfg, &set, &rep, &err) == YM_OK) {
        struct ym_arena arena;
        ym_arena_init(&arena, 4096, 0);
        struct ym_record rec;
        memset(&rec, 0, sizeof(rec));
        const char *raw = "GET /index.php?id=1 union select 1 HTTP/1.1 user=admin";
        rec.raw = raw;
        rec.raw_len = (uint32_t)strlen(raw);
        rec.time_ns = 1700000000000000000LL;
        ym_fields_init(&rec.fields, &arena);
        add(&rec.fields, "url.original", "/index.php?id=1 union select 1");
        add(&rec.fields, "source.ip", "10.1.2.3");
        add(&rec.fields, "user.name", "admin");
        add(&rec.fields, "event.code", "106023");
        ym_fields_add_int(&rec.fields, parse_ecs_lookup("destination.port", 16), "destination.port", 445);
        struct detect_scratch *s = detect_scratch_create(set);
        for (int i = 0; i < 3; i++)
            detect_set_match(set, s, &rec, ignore_hit, NULL);
        detect_scratch_destroy(s);
        ym_arena_fini(&arena);
        detect_set_unref(set);
    }
    detect_reports_free(&rep);
    unlink(path);
    return 0;
}
