/* triage_batch: what a worker copies out of a log batch for triage (see
 * triage.h). Runs on the worker, once per detection: only arena copies, no
 * malloc except when the detection array grows (amortised, a few times per
 * batch at most).
 *
 * Batches are recycled: triage_batch_free keeps up to POOL_MAX emptied
 * batches (arena chunks and detection array included) on a free list that
 * triage_batch_create takes from, so that the steady flow worker -> triage
 * thread -> worker allocates nothing (a fresh 64 KiB arena chunk per log
 * batch, malloc'ed on a worker and freed on the triage thread, cost more
 * than the detections themselves: page faults and malloc consolidation).
 * The free list is shared by every thread behind one mutex. */
#include "triage/triage.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ym_alloc.h"
#include "parse/parse_ecs.h"

/* 64 KiB chunks (a log batch of ASA lines with 8% detections fills about
 * one); a batch of 1024 detections with full samples stays well under the
 * limit, which only stops a pathological batch. */
#define TB_CHUNK_BYTES (64u << 10)
#define TB_LIMIT_BYTES (32u << 20)
/* Recycled batches kept, and the largest one worth keeping (arena bytes
 * and detection slots): a batch that grew for a burst is freed instead. */
#define POOL_MAX 32
#define POOL_KEEP_BYTES (256u << 10)
#define POOL_KEEP_SLOTS 1024

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct triage_batch *pool;
static size_t pool_count;

/* Fields every detection carries when the log has them: the default
 * aggregation key, the verdict and success evidence the policy reads, and
 * what an analyst looks at first. */
static const char *const copied_fields[] = {
    "source.ip",          "destination.ip",          "source.port",
    "destination.port",   "event.action",            "event.outcome",
    "http.response.status_code", "url.original",     "user.name",
    "network.direction",  "threat.indicator.type",   "threat.indicator.matched.atomic",
    "rule.name",          "host.name",               "event.type",
    "nsp.blocked",        "http.request.method",
};
#define COPIED_COUNT (sizeof copied_fields / sizeof copied_fields[0])

/* Their ECS ids and lengths, looked up once rather than per detection. */
static uint16_t copied_ids[COPIED_COUNT];
static size_t copied_lens[COPIED_COUNT];
static pthread_once_t copied_once = PTHREAD_ONCE_INIT;

static void copied_init(void)
{
    for (size_t i = 0; i < COPIED_COUNT; i++) {
        copied_lens[i] = strlen(copied_fields[i]);
        copied_ids[i] = parse_ecs_lookup(copied_fields[i], copied_lens[i]);
    }
}

struct triage_batch *triage_batch_create(void)
{
    pthread_mutex_lock(&pool_lock);
    struct triage_batch *tb = pool;
    if (tb) {
        pool = tb->next;
        pool_count--;
    }
    pthread_mutex_unlock(&pool_lock);
    if (tb) {
        tb->next = NULL;
        return tb;
    }
    tb = ym_xcalloc(1, sizeof *tb);
    ym_arena_init(&tb->arena, TB_CHUNK_BYTES, TB_LIMIT_BYTES);
    return tb;
}

size_t triage_batch_bytes(const struct triage_batch *tb)
{
    return tb->arena.used_bytes + tb->count * sizeof *tb->v;
}

void triage_batch_free(struct triage_batch *tb)
{
    if (!tb)
        return;
    if (tb->arena.used_bytes <= POOL_KEEP_BYTES && tb->cap <= POOL_KEEP_SLOTS) {
        ym_arena_reset(&tb->arena);
        tb->count = 0;
        pthread_mutex_lock(&pool_lock);
        int kept = pool_count < POOL_MAX;
        if (kept) {
            tb->next = pool;
            pool = tb;
            pool_count++;
        }
        pthread_mutex_unlock(&pool_lock);
        if (kept)
            return;
    }
    ym_arena_fini(&tb->arena);
    free(tb->v);
    free(tb);
}

static const char *dup(struct ym_arena *a, const char *s)
{
    if (!s)
        return "";
    return ym_arena_strndup(a, s, strlen(s));
}

/* The value of a field as text, in the arena; NULL when out of room. */
static const char *field_text(struct ym_arena *a, const struct ym_field *f)
{
    if (f->str && f->len)
        return ym_arena_strndup(a, f->str, f->len);
    switch (f->type) {
    case YM_FT_INT:
        return ym_arena_printf(a, "%lld", (long long)f->num);
    case YM_FT_FLOAT:
        return ym_arena_printf(a, "%g", f->dbl);
    case YM_FT_BOOL:
        return f->num ? "true" : "false";
    default:
        return "";
    }
}

static int has_field(const struct triage_detection *d, const char *name)
{
    for (unsigned i = 0; i < d->field_count; i++)
        if (strcmp(d->fields[i].name, name) == 0)
            return 1;
    return 0;
}

/* Is f the field (id, name)? A well-known name compares its id; a field
 * stored without one (YM_FIELD_DYNAMIC: enrichment, vendor extras) by its
 * name. Cheaper than a strcmp per field: this runs for every field of
 * every detection. */
static int is_field(const struct ym_field *f, uint16_t id, const char *name)
{
    if (f->id != YM_FIELD_DYNAMIC)
        return f->id == id;
    return f->name == name || strcmp(f->name, name) == 0;
}

/* Copies field `name` (ECS id `id`, or YM_FIELD_DYNAMIC) of rec when
 * present and not copied yet. 0 = no room. */
static int copy_field_id(struct ym_arena *a, struct triage_detection *d,
                         const struct ym_record *rec, const char *name, size_t name_len,
                         uint16_t id)
{
    char buf[128];
    if (name_len == 0 || name_len >= sizeof buf || d->field_count >= TRIAGE_FIELDS_MAX)
        return 1;
    memcpy(buf, name, name_len);
    buf[name_len] = '\0';
    if (has_field(d, buf))
        return 1;
    const struct ym_field *f = NULL;
    for (uint32_t i = 0; i < rec->fields.count && !f; i++)
        if (is_field(&rec->fields.v[i], id, buf))
            f = &rec->fields.v[i];
    if (!f)
        return 1;
    const char *n = ym_arena_strndup(a, buf, name_len);
    const char *v = n ? field_text(a, f) : NULL;
    if (!v)
        return 0;
    /* arrays ("event.type": ["connection", "denied"]) read as "connection,denied" */
    for (uint32_t i = (uint32_t)(f - rec->fields.v) + 1; i < rec->fields.count; i++) {
        const struct ym_field *g = &rec->fields.v[i];
        if (!is_field(g, id, buf))
            continue;
        const char *more = field_text(a, g);
        v = more ? ym_arena_printf(a, "%s,%s", v, more) : NULL;
        if (!v)
            return 0;
    }
    d->fields[d->field_count].name = n;
    d->fields[d->field_count++].value = v;
    return 1;
}

static int copy_field(struct ym_arena *a, struct triage_detection *d, const struct ym_record *rec,
                      const char *name, size_t name_len)
{
    return copy_field_id(a, d, rec, name, name_len, parse_ecs_lookup(name, name_len));
}

/* The rule's custom field, or "". */
static const char *custom(const struct detect_rule_meta *m, const char *key)
{
    for (unsigned i = 0; i < m->custom_count; i++)
        if (strcmp(m->custom_keys[i], key) == 0)
            return m->custom_values[i];
    return "";
}

static const char *join_tags(struct ym_arena *a, const struct detect_rule_meta *m)
{
    size_t len = 0;
    for (unsigned i = 0; i < m->tag_count; i++)
        len += strlen(m->tags[i]) + 1;
    char *s = ym_arena_alloc(a, len + 1);
    if (!s)
        return NULL;
    size_t off = 0;
    for (unsigned i = 0; i < m->tag_count; i++) {
        size_t n = strlen(m->tags[i]);
        if (off)
            s[off++] = ',';
        memcpy(s + off, m->tags[i], n);
        off += n;
    }
    s[off] = '\0';
    return s;
}

enum ym_status triage_batch_add_hit(struct triage_batch *tb, const struct ym_record *rec,
                                    const struct detect_hit *hit)
{
    if (tb->count == tb->cap) {
        size_t cap = tb->cap ? tb->cap * 2 : 64;
        tb->v = ym_xrealloc(tb->v, cap * sizeof *tb->v);
        tb->cap = cap;
    }
    struct ym_arena *a = &tb->arena;
    const struct detect_rule_meta *m = hit->rule;
    struct triage_detection *d = &tb->v[tb->count];
    memset(d, 0, sizeof *d);
    const struct ym_device *dev = rec->device;
    d->rule_id = dup(a, m->id);
    d->rule_title = dup(a, m->title);
    d->rule_response = dup(a, m->response);
    d->agg_key = dup(a, custom(m, "aggregate"));
    d->tags = join_tags(a, m);
    d->level = m->level;
    d->correlation = m->correlation;
    d->group = dup(a, hit->group);
    d->count = hit->count ? hit->count : 1;
    d->tenant = dup(a, dev ? dev->tenant : "");
    d->device = dup(a, dev ? dev->name : "");
    d->device_kind = dup(a, dev ? dev->kind : "");
    d->time_ns = hit->time_ns ? hit->time_ns : rec->received_ns;
    d->received_ns = rec->received_ns;
    d->archive_ref = rec->archive_ref;
    size_t raw_len = rec->raw_len < TRIAGE_SAMPLE_BYTES ? rec->raw_len : TRIAGE_SAMPLE_BYTES;
    d->sample = rec->raw ? ym_arena_strndup(a, rec->raw, raw_len) : "";
    if (!d->rule_id || !d->rule_title || !d->rule_response || !d->agg_key || !d->tags ||
        !d->group || !d->tenant || !d->device || !d->device_kind || !d->sample)
        return YM_ENOMEM;

    pthread_once(&copied_once, copied_init);
    for (size_t i = 0; i < COPIED_COUNT; i++)
        if (!copy_field_id(a, d, rec, copied_fields[i], copied_lens[i], copied_ids[i]))
            return YM_ENOMEM;
    for (const char *p = d->agg_key; *p;) { /* "source.ip, destination.ip" */
        while (*p == ',' || *p == ' ')
            p++;
        size_t n = strcspn(p, ", ");
        if (!copy_field(a, d, rec, p, n))
            return YM_ENOMEM;
        p += n;
    }
    for (unsigned i = 0; i < m->field_count; i++)
        if (!copy_field(a, d, rec, m->fields[i], strlen(m->fields[i])))
            return YM_ENOMEM;
    for (unsigned i = 0; i < hit->field_count && d->matched_count < 8; i++) {
        const char *n = dup(a, hit->fields[i]);
        if (!n)
            return YM_ENOMEM;
        d->matched[d->matched_count++] = n;
    }
    tb->count++;
    return YM_OK;
}

const char *triage_detection_field(const struct triage_detection *d, const char *name)
{
    for (unsigned i = 0; i < d->field_count; i++)
        if (strcmp(d->fields[i].name, name) == 0)
            return d->fields[i].value;
    return NULL;
}
