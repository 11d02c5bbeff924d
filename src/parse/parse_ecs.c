#include "parse/parse_ecs.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const parse_ecs_names[ECS__COUNT] = {
#define ECS(id, name) name,
#include "parse/parse_ecs.def"
#undef ECS
};

/* Open-addressing hash of the static names, built on first use. */
#define ECS_HASH_SIZE 512
static uint16_t ecs_hash[ECS_HASH_SIZE];
static int ecs_hash_ready;

static uint32_t hash_name(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static void build_hash(void)
{
    for (int i = 0; i < ECS_HASH_SIZE; i++)
        ecs_hash[i] = YM_FIELD_DYNAMIC;
    for (int id = 0; id < ECS__COUNT; id++) {
        const char *n = parse_ecs_names[id];
        uint32_t h = hash_name(n, strlen(n)) & (ECS_HASH_SIZE - 1);
        while (ecs_hash[h] != YM_FIELD_DYNAMIC)
            h = (h + 1) & (ECS_HASH_SIZE - 1);
        ecs_hash[h] = (uint16_t)id;
    }
    __atomic_store_n(&ecs_hash_ready, 1, __ATOMIC_RELEASE);
}

uint16_t parse_ecs_lookup(const char *name, size_t len)
{
    if (!__atomic_load_n(&ecs_hash_ready, __ATOMIC_ACQUIRE)) {
        static pthread_once_t once = PTHREAD_ONCE_INIT;
        pthread_once(&once, build_hash);
    }
    uint32_t h = hash_name(name, len) & (ECS_HASH_SIZE - 1);
    while (ecs_hash[h] != YM_FIELD_DYNAMIC) {
        const char *n = parse_ecs_names[ecs_hash[h]];
        if (strlen(n) == len && !memcmp(n, name, len))
            return ecs_hash[h];
        h = (h + 1) & (ECS_HASH_SIZE - 1);
    }
    return YM_FIELD_DYNAMIC;
}

struct ym_field *ecs_add_array(struct ym_fields *f, enum parse_ecs_id id, const char *s, size_t len)
{
    struct ym_field *e = ecs_add(f, id, s, len);
    if (e)
        e->flags |= YM_FF_ARRAY;
    return e;
}

/* ---- JSON output ---- */

static int cmp_field_idx(const void *a, const void *b, void *arg)
{
    const struct ym_field *v = arg;
    const struct ym_field *x = &v[*(const uint32_t *)a], *y = &v[*(const uint32_t *)b];
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    /* Same name: keep input order (array order, last-wins rule). */
    return (*(const uint32_t *)a > *(const uint32_t *)b) - (*(const uint32_t *)a < *(const uint32_t *)b);
}

static void write_value(struct ym_buf *out, const struct ym_field *e)
{
    switch (e->type) {
    case YM_FT_INT:
        ym_buf_printf(out, "%lld", (long long)e->num);
        break;
    case YM_FT_FLOAT:
        ym_buf_printf(out, "%.17g", e->dbl);
        break;
    case YM_FT_BOOL:
        ym_buf_adds(out, e->num ? "true" : "false");
        break;
    case YM_FT_JSON:
        ym_buf_add(out, e->str, e->len);
        break;
    default:
        ym_buf_json_qstr(out, e->str ? e->str : "", e->len);
    }
}

/* Number of leading dotted components shared by a and b (whole components). */
static int common_depth(const char *a, const char *b)
{
    int depth = 0;
    size_t i = 0;
    for (;;) {
        size_t j = i;
        while (a[j] && a[j] != '.' && a[j] == b[j])
            j++;
        if (a[j] == '.' && b[j] == '.') {
            depth++;
            i = j + 1;
            continue;
        }
        return depth;
    }
}

static int count_dots(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '.';
    return n;
}

/* Start of the k-th component of name (0-based). */
static const char *component(const char *name, int k)
{
    while (k-- > 0)
        name = strchr(name, '.') + 1;
    return name;
}

void parse_ecs_to_json(const struct ym_fields *f, struct ym_buf *out)
{
    uint32_t stack_idx[64];
    uint32_t *idx = f->count <= 64 ? stack_idx : malloc(f->count * sizeof *idx);
    if (!idx) {
        ym_buf_adds(out, "{}");
        return;
    }
    for (uint32_t i = 0; i < f->count; i++)
        idx[i] = i;
    qsort_r(idx, f->count, sizeof *idx, cmp_field_idx, f->v);

    ym_buf_addc(out, '{');
    int open = 0;          /* objects open below the root */
    const char *prev = NULL; /* name of the previous written key */
    uint32_t i = 0;
    while (i < f->count) {
        const struct ym_field *e = &f->v[idx[i]];
        /* Group same-name fields. */
        uint32_t j = i + 1;
        int is_array = e->flags & YM_FF_ARRAY;
        while (j < f->count && !strcmp(f->v[idx[j]].name, e->name)) {
            is_array |= f->v[idx[j]].flags & YM_FF_ARRAY;
            j++;
        }
        const char *name = e->name;
        int depth = count_dots(name);
        int keep = prev ? common_depth(prev, name) : 0;
        if (keep > open)
            keep = open;
        /* A name that is a prefix object of another and also a value
         * ("a.b" and "a.b.c") would clash; the sort puts "a.b" first, and
         * its children then open "b" again: acceptable for such rare data. */
        while (open > keep) {
            ym_buf_addc(out, '}');
            open--;
        }
        if (prev)
            ym_buf_addc(out, ',');
        while (open < depth) {
            const char *c = component(name, open);
            const char *dot = strchr(c, '.');
            ym_buf_json_qstr(out, c, (size_t)(dot - c));
            ym_buf_adds(out, ":{");
            open++;
        }
        const char *leaf = component(name, depth);
        ym_buf_json_qstr(out, leaf, strlen(leaf));
        ym_buf_addc(out, ':');
        if (is_array) {
            ym_buf_addc(out, '[');
            for (uint32_t k = i; k < j; k++) {
                if (k > i)
                    ym_buf_addc(out, ',');
                write_value(out, &f->v[idx[k]]);
            }
            ym_buf_addc(out, ']');
        } else {
            write_value(out, &f->v[idx[j - 1]]);
        }
        prev = name;
        i = j;
    }
    while (open-- > 0)
        ym_buf_addc(out, '}');
    ym_buf_addc(out, '}');
    if (idx != stack_idx)
        free(idx);
}
