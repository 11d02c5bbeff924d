#include "core/ym_fields.h"

#include <string.h>

/* Most decoders add 20-45 fields: one allocation covers nearly every log. */
#define YM_FIELDS_INITIAL 48

void ym_fields_init(struct ym_fields *f, struct ym_arena *arena)
{
    f->v = NULL;
    f->count = 0;
    f->cap = 0;
    f->arena = arena;
}

static struct ym_field *slot(struct ym_fields *f)
{
    if (f->count == f->cap) {
        uint32_t cap = f->cap ? f->cap * 2 : YM_FIELDS_INITIAL;
        struct ym_field *v = ym_arena_alloc(f->arena, cap * sizeof *v);
        if (!v)
            return NULL;
        if (f->count)
            memcpy(v, f->v, f->count * sizeof *v);
        f->v = v;
        f->cap = cap;
    }
    return &f->v[f->count++];
}

struct ym_field *ym_fields_add(struct ym_fields *f, uint16_t id, const char *name,
                               const char *str, size_t len)
{
    struct ym_field *e = slot(f);
    if (!e)
        return NULL;
    e->id = id;
    e->type = YM_FT_STR;
    e->flags = 0;
    e->name = name;
    e->str = str;
    e->len = (uint32_t)len;
    e->num = 0;
    return e;
}

struct ym_field *ym_fields_add_copy(struct ym_fields *f, uint16_t id, const char *name,
                                    const char *str, size_t len)
{
    char *copy = ym_arena_strndup(f->arena, str, len);
    if (!copy)
        return NULL;
    return ym_fields_add(f, id, name, copy, len);
}

struct ym_field *ym_fields_add_int(struct ym_fields *f, uint16_t id, const char *name, int64_t v)
{
    struct ym_field *e = ym_fields_add(f, id, name, NULL, 0);
    if (e) {
        e->type = YM_FT_INT;
        e->num = v;
    }
    return e;
}

struct ym_field *ym_fields_add_float(struct ym_fields *f, uint16_t id, const char *name, double v)
{
    struct ym_field *e = ym_fields_add(f, id, name, NULL, 0);
    if (e) {
        e->type = YM_FT_FLOAT;
        e->dbl = v;
    }
    return e;
}

struct ym_field *ym_fields_add_bool(struct ym_fields *f, uint16_t id, const char *name, int v)
{
    struct ym_field *e = ym_fields_add(f, id, name, NULL, 0);
    if (e) {
        e->type = YM_FT_BOOL;
        e->num = v != 0;
    }
    return e;
}

const struct ym_field *ym_fields_get_id(const struct ym_fields *f, uint16_t id)
{
    for (uint32_t i = 0; i < f->count; i++)
        if (f->v[i].id == id)
            return &f->v[i];
    return NULL;
}

const struct ym_field *ym_fields_get(const struct ym_fields *f, const char *name)
{
    for (uint32_t i = 0; i < f->count; i++)
        if (f->v[i].name == name || !strcmp(f->v[i].name, name))
            return &f->v[i];
    return NULL;
}

void ym_fields_del(struct ym_fields *f, const char *name)
{
    uint32_t out = 0;
    for (uint32_t i = 0; i < f->count; i++)
        if (strcmp(f->v[i].name, name) != 0)
            f->v[out++] = f->v[i];
    f->count = out;
}
