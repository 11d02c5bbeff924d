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

/* ---- JSON output ----
 *
 * Hot path of `yamori parse` and search --json: about 40 fields per log.
 * Known names sort by a precomputed rank (integer compares); dynamic names
 * fall back to strcmp. Insertion sort beats qsort at these sizes. */

static uint16_t ecs_rank[ECS__COUNT];

static int cmp_names(const void *a, const void *b)
{
    return strcmp(parse_ecs_names[*(const uint16_t *)a], parse_ecs_names[*(const uint16_t *)b]);
}

static void build_rank(void)
{
    uint16_t order[ECS__COUNT];
    for (uint16_t i = 0; i < ECS__COUNT; i++)
        order[i] = i;
    qsort(order, ECS__COUNT, sizeof order[0], cmp_names);
    for (uint16_t r = 0; r < ECS__COUNT; r++)
        ecs_rank[order[r]] = r;
}

/* Sort entry: the name's first 16 bytes as two big-endian integers decide
 * nearly every comparison without strcmp; equal prefixes fall back to it,
 * and equal names keep input order (array order, last-wins rule). */
struct sort_ent {
    uint64_t k1, k2;
    uint32_t idx;
};

static uint64_t be_prefix(const char *s, size_t len)
{
    uint64_t k = 0;
    for (size_t i = 0; i < 8; i++)
        k = (k << 8) | (i < len ? (unsigned char)s[i] : 0);
    return k;
}

static int ent_cmp(const struct ym_field *v, const struct sort_ent *x, const struct sort_ent *y)
{
    if (x->k1 != y->k1)
        return x->k1 < y->k1 ? -1 : 1;
    if (x->k2 != y->k2)
        return x->k2 < y->k2 ? -1 : 1;
    const struct ym_field *a = &v[x->idx], *b = &v[y->idx];
    int c = 0;
    if (a->name != b->name) {
        if (a->id < ECS__COUNT && b->id < ECS__COUNT)
            c = (int)ecs_rank[a->id] - (int)ecs_rank[b->id];
        else
            c = strcmp(a->name, b->name);
    }
    return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

static void add_int(struct ym_buf *out, int64_t v)
{
    char tmp[24];
    int n = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[sizeof tmp - 1 - n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[sizeof tmp - 1 - n++] = '-';
    ym_buf_add(out, tmp + sizeof tmp - n, (size_t)n);
}

static void write_value(struct ym_buf *out, const struct ym_field *e)
{
    switch (e->type) {
    case YM_FT_INT:
        add_int(out, e->num);
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

void parse_ecs_to_json(const struct ym_fields *f, struct ym_buf *out)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, build_rank);

    struct sort_ent stack_ent[128];
    struct sort_ent *ent = f->count <= 128 ? stack_ent : malloc(f->count * sizeof *ent);
    if (!ent) {
        ym_buf_adds(out, "{}");
        return;
    }
    for (uint32_t i = 0; i < f->count; i++) {
        const char *nm = f->v[i].name;
        size_t len = strnlen(nm, 16);
        struct sort_ent e = {be_prefix(nm, len), len > 8 ? be_prefix(nm + 8, len - 8) : 0, i};
        uint32_t j = i;
        while (j > 0 && ent_cmp(f->v, &ent[j - 1], &e) > 0) {
            ent[j] = ent[j - 1];
            j--;
        }
        ent[j] = e;
    }
#define idx(k) (ent[k].idx)

    ym_buf_reserve(out, 64 + (size_t)f->count * 48);
    ym_buf_addc(out, '{');
    int open = 0;                 /* objects open below the root */
    const char *prev = NULL;      /* name of the previous written key */
    const char *comp[32];         /* start of each component of the current name */
    uint32_t i = 0;
    while (i < f->count) {
        const struct ym_field *e = &f->v[idx(i)];
        const char *name = e->name;
        /* Group same-name fields (adjacent after the sort). */
        uint32_t j = i + 1;
        int is_array = e->flags & YM_FF_ARRAY;
        while (j < f->count && (f->v[idx(j)].name == name || !strcmp(f->v[idx(j)].name, name))) {
            is_array |= f->v[idx(j)].flags & YM_FF_ARRAY;
            j++;
        }
        int depth = 0;
        comp[0] = name;
        for (const char *p = name; *p; p++)
            if (*p == '.' && depth < 31)
                comp[++depth] = p + 1;
        int keep = prev ? common_depth(prev, name) : 0;
        if (keep > open)
            keep = open;
        /* A name that is also the parent of another ("a.b" and "a.b.c")
         * reopens "b" as an object; acceptable for such rare data. */
        while (open > keep) {
            ym_buf_addc(out, '}');
            open--;
        }
        if (prev)
            ym_buf_addc(out, ',');
        while (open < depth) {
            ym_buf_json_qstr(out, comp[open], (size_t)(comp[open + 1] - 1 - comp[open]));
            ym_buf_add(out, ":{", 2);
            open++;
        }
        ym_buf_json_qstr(out, comp[depth], strlen(comp[depth]));
        ym_buf_addc(out, ':');
        if (is_array) {
            ym_buf_addc(out, '[');
            for (uint32_t k = i; k < j; k++) {
                if (k > i)
                    ym_buf_addc(out, ',');
                write_value(out, &f->v[idx(k)]);
            }
            ym_buf_addc(out, ']');
        } else {
            write_value(out, &f->v[idx(j - 1)]);
        }
        prev = name;
        i = j;
    }
    while (open-- > 0)
        ym_buf_addc(out, '}');
    ym_buf_addc(out, '}');
#undef idx
    if (ent != stack_ent)
        free(ent);
}
