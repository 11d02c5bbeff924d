/* Helpers for detect unit tests: write rules to a temp dir, compile them,
 * build logs by hand (fields with ym_fields_add), count detections. */
#ifndef DETECT_TEST_UTIL_H
#define DETECT_TEST_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/ym_arena.h"
#include "core/ym_batch.h"
#include "detect/detect.h"
#include "parse/parse_ecs.h"

struct tlog {
    struct ym_arena arena;
    struct ym_record rec;
    struct ym_device dev;
};

static inline void tlog_init(struct tlog *t, const char *raw)
{
    memset(t, 0, sizeof(*t));
    ym_arena_init(&t->arena, 16384, 0);
    ym_fields_init(&t->rec.fields, &t->arena);
    raw = raw ? raw : "";
    t->rec.raw = ym_arena_strndup(&t->arena, raw, strlen(raw));
    t->rec.raw_len = (uint32_t)strlen(raw);
}

static inline void tlog_kind(struct tlog *t, const char *kind)
{
    t->dev.kind = kind;
    t->dev.name = "dev";
    t->dev.tenant = "t";
    t->rec.device = &t->dev;
}

static inline void tlog_add(struct tlog *t, const char *name, const char *value)
{
    uint16_t id = parse_ecs_lookup(name, strlen(name));
    const char *n = id == YM_FIELD_DYNAMIC ? ym_arena_strndup(&t->arena, name, strlen(name)) : parse_ecs_name(id);
    ym_fields_add_copy(&t->rec.fields, id, n, value, strlen(value));
}

static inline void tlog_add_int(struct tlog *t, const char *name, int64_t v)
{
    uint16_t id = parse_ecs_lookup(name, strlen(name));
    const char *n = id == YM_FIELD_DYNAMIC ? ym_arena_strndup(&t->arena, name, strlen(name)) : parse_ecs_name(id);
    ym_fields_add_int(&t->rec.fields, id, n, v);
}

static inline void tlog_fini(struct tlog *t) { ym_arena_fini(&t->arena); }

/* A temp dir holding rule files. */
struct tdir {
    char path[64];
    int files;
};

static inline void tdir_init(struct tdir *d)
{
    snprintf(d->path, sizeof(d->path), "/tmp/ym_detect_XXXXXX");
    if (!mkdtemp(d->path))
        abort();
    d->files = 0;
}

static inline void tdir_write(struct tdir *d, const char *name, const char *text)
{
    char p[256];
    snprintf(p, sizeof(p), "%s/%s", d->path, name);
    FILE *f = fopen(p, "w");
    if (!f)
        abort();
    fputs(text, f);
    fclose(f);
    d->files++;
}

static inline void tdir_fini(struct tdir *d)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->path);
    if (system(cmd) != 0)
        abort();
}

struct hits {
    int count;
    char ids[32][64];
    char fields[256];
    char group[128];
    uint64_t last_count;
};

static inline int collect(void *arg, const struct ym_record *rec, const struct detect_hit *h)
{
    struct hits *hs = arg;
    (void)rec;
    if (hs->count < 32)
        snprintf(hs->ids[hs->count], sizeof(hs->ids[0]), "%s", h->rule->id);
    hs->count++;
    hs->fields[0] = 0;
    for (unsigned i = 0; i < h->field_count; i++) {
        size_t n = strlen(hs->fields);
        snprintf(hs->fields + n, sizeof(hs->fields) - n, "%s%s", i ? "," : "", h->fields[i]);
    }
    snprintf(hs->group, sizeof(hs->group), "%s", h->group ? h->group : "");
    hs->last_count = h->count;
    return 0;
}

#endif
