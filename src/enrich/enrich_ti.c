/* enrich_ti: threat-intelligence lists and lookups (see enrich_ti.h).
 *
 * One hash table holds every indicator of every list. Keys are the
 * indicator's type byte followed by its normal form:
 *   IP     16 bytes (IPv4 as ::ffff:a.b.c.d) + 1 byte prefix length; a
 *          network is stored masked, and a lookup tries each prefix length
 *          present in the table, longest first;
 *   DOMAIN lower case, no trailing dot; a lookup tries the name and each
 *          parent (a.b.evil.com, b.evil.com, evil.com);
 *   URL    lower case, without scheme and trailing slash;
 *   HASH   lower-case hex.
 * Several lists may hold the same key: entries chain. */
#include "enrich/enrich_ti.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "core/ym_alloc.h"
#include "core/ym_fields.h"
#include "core/ym_net.h"
#include "core/ym_time.h"
#include "parse/parse_ecs.h"

#define KEY_MAX 512

struct entry {
    uint32_t next;  /* next entry in the bucket, UINT32_MAX = end */
    uint32_t list;
    uint16_t key_len;
    uint8_t type;
    uint8_t confidence;
    uint64_t hash;
    char *key;
};

struct list {
    char *name;
    char *tenant; /* NULL = all */
};

struct enrich_ti {
    atomic_int refs;
    struct list *lists;
    size_t list_count;
    struct entry *v;
    size_t count, cap;
    uint32_t *buckets;
    size_t nbuckets;
    uint8_t prefix_present[129]; /* IP prefix lengths (v6 space) present */
};

const char *enrich_ti_type_name(enum enrich_ti_type t)
{
    switch (t) {
    case ENRICH_TI_IP: return "ip";
    case ENRICH_TI_DOMAIN: return "domain-name";
    case ENRICH_TI_URL: return "url";
    default: return "file";
    }
}

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
    return h;
}

/* ---- normal forms --------------------------------------------------------- */

/* IP or CIDR text -> key; returns key length or 0. */
static size_t ip_key(const char *s, size_t n, char *key, int *prefix_out)
{
    uint8_t a[16];
    unsigned prefix;
    if (!ym_cidr_parse(s, n, a, &prefix))
        return 0;
    key[0] = ENRICH_TI_IP;
    memcpy(key + 1, a, 16);
    key[17] = (char)prefix;
    *prefix_out = (int)prefix;
    return 18;
}

static size_t lower_key(int type, const char *s, size_t n, char *key)
{
    if (n == 0 || n + 1 > KEY_MAX)
        return 0;
    key[0] = (char)type;
    for (size_t i = 0; i < n; i++)
        key[i + 1] = (char)tolower((unsigned char)s[i]);
    return n + 1;
}

static size_t url_key(const char *s, size_t n, char *key)
{
    const char *p = memmem(s, n, "://", 3);
    if (p && p - s < 12) {
        n -= (size_t)(p + 3 - s);
        s = p + 3;
    }
    while (n > 1 && s[n - 1] == '/')
        n--;
    return lower_key(ENRICH_TI_URL, s, n, key);
}

static size_t domain_key(const char *s, size_t n, char *key)
{
    while (n && s[n - 1] == '.')
        n--;
    return lower_key(ENRICH_TI_DOMAIN, s, n, key);
}

static int all_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

static int domain_like(const char *s, size_t n)
{
    if (n == 0 || n > 253 || !memchr(s, '.', n))
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(isalnum(c) || c == '-' || c == '.' || c == '_'))
            return 0;
    }
    return 1;
}

/* Guesses the type of one indicator and builds its key; 0 = not an indicator. */
static size_t any_key(const char *s, size_t n, char *key, int *type, int *prefix)
{
    *prefix = -1;
    size_t k = ip_key(s, n, key, prefix);
    if (k) {
        *type = ENRICH_TI_IP;
        return k;
    }
    if ((n == 32 || n == 40 || n == 64 || n == 128) && all_hex(s, n)) {
        *type = ENRICH_TI_HASH;
        return lower_key(ENRICH_TI_HASH, s, n, key);
    }
    if (memmem(s, n, "://", 3) || memchr(s, '/', n)) {
        *type = ENRICH_TI_URL;
        return url_key(s, n, key);
    }
    if (domain_like(s, n)) {
        *type = ENRICH_TI_DOMAIN;
        return domain_key(s, n, key);
    }
    return 0;
}

/* ---- table ----------------------------------------------------------------- */

static void table_grow(struct enrich_ti *ti)
{
    size_t nb = ti->nbuckets ? ti->nbuckets * 2 : 1024;
    uint32_t *b = ym_xmalloc(nb * sizeof(*b));
    for (size_t i = 0; i < nb; i++)
        b[i] = UINT32_MAX;
    for (size_t i = 0; i < ti->count; i++) {
        size_t h = (size_t)ti->v[i].hash & (nb - 1);
        ti->v[i].next = b[h];
        b[h] = (uint32_t)i;
    }
    free(ti->buckets);
    ti->buckets = b;
    ti->nbuckets = nb;
}

static void table_add(struct enrich_ti *ti, const char *key, size_t key_len, uint32_t list, int conf)
{
    uint64_t h = hash_bytes(key, key_len);
    if (ti->nbuckets) {
        for (uint32_t i = ti->buckets[h & (ti->nbuckets - 1)]; i != UINT32_MAX; i = ti->v[i].next)
            if (ti->v[i].hash == h && ti->v[i].list == list && ti->v[i].key_len == key_len &&
                memcmp(ti->v[i].key, key, key_len) == 0)
                return; /* duplicate within a list */
    }
    if (ti->count == ti->cap) {
        ti->cap = ti->cap ? ti->cap * 2 : 1024;
        ti->v = ym_xrealloc(ti->v, ti->cap * sizeof(*ti->v));
    }
    if (ti->count + 1 > ti->nbuckets / 2)
        table_grow(ti);
    struct entry *e = &ti->v[ti->count];
    e->hash = h;
    e->key = ym_xstrndup(key, key_len);
    e->key_len = (uint16_t)key_len;
    e->type = (uint8_t)key[0];
    e->list = list;
    e->confidence = (uint8_t)(conf < 0 ? 0 : conf > 100 ? 100 : conf);
    size_t b = (size_t)h & (ti->nbuckets - 1);
    e->next = ti->buckets[b];
    ti->buckets[b] = (uint32_t)ti->count;
    ti->count++;
    if (e->type == ENRICH_TI_IP)
        ti->prefix_present[(uint8_t)key[17]] = 1;
}

static int add_text(struct enrich_ti *ti, const char *s, size_t n, uint32_t list, int conf)
{
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0])
        s++, n -= 2;
    char key[KEY_MAX];
    int type, prefix;
    size_t k = any_key(s, n, key, &type, &prefix);
    if (!k)
        return -1;
    table_add(ti, key, k, list, conf);
    return 0;
}

/* ---- loaders ------------------------------------------------------------- */

/* Splits one CSV line into at most max cells (quotes honoured, in place). */
static int csv_split(char *line, char **cells, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        char *out = p, *start = p;
        if (*p == '"') {
            p++;
            start = out = p;
            while (*p) {
                if (*p == '"' && p[1] == '"') {
                    *out++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *out++ = *p++;
                }
            }
            while (*p && *p != ',')
                p++;
        } else {
            while (*p && *p != ',')
                p++;
            out = p;
        }
        int more = *p == ',';
        *out = 0;
        cells[n++] = start;
        if (!more)
            break;
        p++;
    }
    return n;
}

static enum ym_status load_lines(struct enrich_ti *ti, const struct enrich_ti_list_config *c,
                                 uint32_t list, int csv, size_t *skipped, struct ym_error *err)
{
    FILE *f = fopen(c->path, "rb");
    if (!f) {
        ym_error_set(err, c->path, 0, 0, "cannot open: %s", strerror(errno));
        return YM_EIO;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    int col = 0, conf_col = -1, lineno = 0;
    while ((got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t n = (size_t)got;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        line[n] = 0;
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s || *s == '#')
            continue;
        if (!csv) {
            /* "1.2.3.4 # comment" and "1.2.3.4 whatever": first word */
            size_t w = strcspn(s, " \t#;");
            if (add_text(ti, s, w, list, c->confidence) < 0 && skipped)
                (*skipped)++;
            continue;
        }
        char *cells[32];
        int nc = csv_split(s, cells, 32);
        if (lineno == 1 || (col == 0 && conf_col < 0 && lineno <= 2)) {
            int header = 0;
            for (int i = 0; i < nc; i++) {
                if (!strcasecmp(cells[i], "indicator") || !strcasecmp(cells[i], "value") ||
                    !strcasecmp(cells[i], "ioc") || !strcasecmp(cells[i], "ip") ||
                    !strcasecmp(cells[i], "domain") || !strcasecmp(cells[i], "url")) {
                    col = i;
                    header = 1;
                }
                if (!strcasecmp(cells[i], "confidence"))
                    conf_col = i, header = 1;
            }
            if (header)
                continue;
        }
        int conf = c->confidence;
        if (conf_col >= 0 && conf_col < nc && *cells[conf_col]) {
            char *end;
            long v = strtol(cells[conf_col], &end, 10);
            if (!*end && v >= 0 && v <= 100)
                conf = (int)v;
        }
        if (col >= nc || add_text(ti, cells[col], strlen(cells[col]), list, conf) < 0) {
            if (skipped)
                (*skipped)++;
        }
    }
    free(line);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        ym_error_set(err, c->path, lineno, 0, "read failed");
        return YM_EIO;
    }
    return YM_OK;
}

/* Adds every `<object>:<path> = '<value>'` comparison of a STIX pattern. */
static int stix_pattern(struct enrich_ti *ti, const char *pat, uint32_t list, int conf)
{
    static const struct { const char *obj; int type; } objs[] = {
        {"ipv4-addr:value", ENRICH_TI_IP}, {"ipv6-addr:value", ENRICH_TI_IP},
        {"domain-name:value", ENRICH_TI_DOMAIN}, {"url:value", ENRICH_TI_URL},
        {"file:hashes.", ENRICH_TI_HASH},
    };
    int added = 0;
    for (const char *p = pat; *p; p++) {
        for (size_t o = 0; o < sizeof(objs) / sizeof(objs[0]); o++) {
            size_t ol = strlen(objs[o].obj);
            if (strncmp(p, objs[o].obj, ol) != 0)
                continue;
            const char *q = strchr(p + ol, '\'');
            const char *eq = strchr(p + ol, '=');
            /* file:hashes.'SHA-256' has its own quotes before '=' */
            if (objs[o].type == ENRICH_TI_HASH && eq)
                q = strchr(eq, '\'');
            if (!q || !eq || eq > q)
                break;
            char val[KEY_MAX];
            size_t n = 0;
            for (q++; *q && *q != '\'' && n + 1 < sizeof(val); q++) {
                if (*q == '\\' && q[1])
                    q++;
                val[n++] = *q;
            }
            char key[KEY_MAX];
            int prefix;
            size_t k = objs[o].type == ENRICH_TI_IP ? ip_key(val, n, key, &prefix)
                     : objs[o].type == ENRICH_TI_DOMAIN ? domain_key(val, n, key)
                     : objs[o].type == ENRICH_TI_URL ? url_key(val, n, key)
                     : (all_hex(val, n) ? lower_key(ENRICH_TI_HASH, val, n, key) : 0);
            if (k) {
                table_add(ti, key, k, list, conf);
                added++;
            }
            p = q && *q ? q : p;
            break;
        }
    }
    return added;
}

static enum ym_status load_stix(struct enrich_ti *ti, const struct enrich_ti_list_config *c,
                                uint32_t list, size_t *skipped, struct ym_error *err)
{
    json_error_t je;
    json_t *root = json_load_file(c->path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        ym_error_set(err, c->path, je.line, je.column, "STIX bundle: %s", je.text);
        return errno == ENOENT ? YM_EIO : YM_EPARSE;
    }
    json_t *objs = json_object_get(root, "objects");
    if (!json_is_array(objs)) {
        ym_error_set(err, c->path, 1, 0, "STIX bundle has no objects array");
        json_decref(root);
        return YM_EPARSE;
    }
    char now[40];
    ym_time_format_rfc3339(ym_time_now_ns(), now, sizeof(now));
    size_t i;
    json_t *o;
    json_array_foreach(objs, i, o) {
        const char *type = json_string_value(json_object_get(o, "type"));
        if (!type || strcmp(type, "indicator") != 0)
            continue;
        if (json_is_true(json_object_get(o, "revoked"))) {
            if (skipped)
                (*skipped)++;
            continue;
        }
        const char *until = json_string_value(json_object_get(o, "valid_until"));
        if (until && strcmp(until, now) < 0) { /* RFC 3339 UTC strings sort by time */
            if (skipped)
                (*skipped)++;
            continue;
        }
        const char *pattern = json_string_value(json_object_get(o, "pattern"));
        const char *ptype = json_string_value(json_object_get(o, "pattern_type"));
        json_t *jc = json_object_get(o, "confidence");
        int conf = json_is_integer(jc) ? (int)json_integer_value(jc) : c->confidence;
        if (!pattern || (ptype && strcmp(ptype, "stix") != 0) ||
            stix_pattern(ti, pattern, list, conf) == 0) {
            if (skipped)
                (*skipped)++;
        }
    }
    json_decref(root);
    return YM_OK;
}

static void ti_free(struct enrich_ti *ti)
{
    if (!ti)
        return;
    for (size_t i = 0; i < ti->count; i++)
        free(ti->v[i].key);
    free(ti->v);
    free(ti->buckets);
    for (size_t i = 0; i < ti->list_count; i++) {
        free(ti->lists[i].name);
        free(ti->lists[i].tenant);
    }
    free(ti->lists);
    free(ti);
}

enum ym_status enrich_ti_load(const struct enrich_ti_list_config *lists, size_t count,
                              struct enrich_ti **out, size_t *skipped, struct ym_error *err)
{
    *out = NULL;
    if (skipped)
        *skipped = 0;
    struct enrich_ti *ti = ym_xcalloc(1, sizeof(*ti));
    atomic_init(&ti->refs, 1);
    ti->lists = ym_xcalloc(count ? count : 1, sizeof(*ti->lists));
    table_grow(ti);
    for (size_t i = 0; i < count; i++) {
        const struct enrich_ti_list_config *c = &lists[i];
        if (!c->path || !c->name || !*c->name) {
            ym_error_set(err, c->path ? c->path : "", 0, 0, "a threat-intel list needs a name and a path");
            ti_free(ti);
            return YM_EINVAL;
        }
        ti->lists[i].name = ym_xstrdup(c->name);
        ti->lists[i].tenant = c->tenant && *c->tenant ? ym_xstrdup(c->tenant) : NULL;
        ti->list_count = i + 1;
        enum enrich_ti_format fmt = c->format;
        if (fmt == ENRICH_TI_AUTO) {
            size_t n = strlen(c->path);
            fmt = n > 5 && !strcasecmp(c->path + n - 5, ".json") ? ENRICH_TI_STIX
                : n > 4 && !strcasecmp(c->path + n - 4, ".csv") ? ENRICH_TI_CSV : ENRICH_TI_TEXT;
        }
        enum ym_status st = fmt == ENRICH_TI_STIX ? load_stix(ti, c, (uint32_t)i, skipped, err)
                                                  : load_lines(ti, c, (uint32_t)i, fmt == ENRICH_TI_CSV, skipped, err);
        if (st != YM_OK) {
            ti_free(ti);
            return st;
        }
    }
    *out = ti;
    return YM_OK;
}

void enrich_ti_ref(struct enrich_ti *ti)
{
    if (ti)
        atomic_fetch_add(&ti->refs, 1);
}

void enrich_ti_unref(struct enrich_ti *ti)
{
    if (ti && atomic_fetch_sub(&ti->refs, 1) == 1)
        ti_free(ti);
}

size_t enrich_ti_indicator_count(const struct enrich_ti *ti) { return ti ? ti->count : 0; }

/* ---- lookup --------------------------------------------------------------- */

struct mstate {
    const struct enrich_ti *ti;
    const char *tenant;
    enrich_ti_hit_fn fn;
    void *arg;
    int hits;
    int stop;
};

static void report(struct mstate *m, const char *key, size_t key_len, const char *field,
                   const char *val, size_t val_len)
{
    uint64_t h = hash_bytes(key, key_len);
    const struct enrich_ti *ti = m->ti;
    for (uint32_t i = ti->buckets[h & (ti->nbuckets - 1)]; i != UINT32_MAX && !m->stop; i = ti->v[i].next) {
        const struct entry *e = &ti->v[i];
        if (e->hash != h || e->key_len != key_len || memcmp(e->key, key, key_len) != 0)
            continue;
        const struct list *l = &ti->lists[e->list];
        if (l->tenant && (!m->tenant || strcmp(l->tenant, m->tenant) != 0))
            continue;
        struct enrich_ti_hit hit = {.list = l->name, .confidence = e->confidence,
                                    .type = (enum enrich_ti_type)e->type, .field = field,
                                    .value = val, .value_len = val_len};
        m->hits++;
        if (m->fn && m->fn(m->arg, &hit))
            m->stop = 1;
    }
}

static void look_ip(struct mstate *m, const char *field, const char *v, size_t n)
{
    char key[KEY_MAX];
    int prefix;
    if (!ip_key(v, n, key, &prefix) || prefix != 128)
        return;
    uint8_t addr[16];
    memcpy(addr, key + 1, 16);
    for (int len = 128; len >= 0 && !m->stop; len--) {
        if (!m->ti->prefix_present[len])
            continue;
        uint8_t a[16];
        memcpy(a, addr, 16);
        for (int bit = len; bit < 128; bit++)
            a[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
        memcpy(key + 1, a, 16);
        key[17] = (char)len;
        report(m, key, 18, field, v, n);
    }
}

static void look_domain(struct mstate *m, const char *field, const char *v, size_t n)
{
    char key[KEY_MAX];
    size_t k = domain_key(v, n, key);
    if (!k)
        return;
    /* the name, then each parent with at least one dot left */
    size_t off = 1;
    while (!m->stop) {
        char sub[KEY_MAX];
        sub[0] = ENRICH_TI_DOMAIN;
        memcpy(sub + 1, key + off, k - off);
        report(m, sub, k - off + 1, field, v, n);
        const char *dot = memchr(key + off, '.', k - off);
        if (!dot || !memchr(dot + 1, '.', (size_t)(key + k - dot - 1)))
            break;
        off = (size_t)(dot + 1 - key);
    }
}

static const char *const ip_fields[] = {"source.ip", "destination.ip", "source.nat.ip",
                                        "destination.nat.ip", "client.ip", "server.ip", NULL};
static const char *const domain_fields[] = {"url.domain", "destination.domain", "source.domain",
                                            "dns.question.name", "threat.indicator.domain",
                                            "tls.client.server_name", NULL};
static const char *const hash_fields[] = {"file.hash.md5", "file.hash.sha1", "file.hash.sha256",
                                          NULL};

static int in_list(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(name, *list) == 0)
            return 1;
    return 0;
}

int enrich_ti_match(const struct enrich_ti *ti, const struct ym_record *rec, enrich_ti_hit_fn fn,
                    void *arg)
{
    if (!ti || !rec || ti->count == 0)
        return 0;
    struct mstate m = {.ti = ti, .tenant = rec->device ? rec->device->tenant : NULL, .fn = fn, .arg = arg};
    const struct ym_fields *fs = &rec->fields;
    for (uint32_t i = 0; i < fs->count && !m.stop; i++) {
        const struct ym_field *f = &fs->v[i];
        if (!f->name || !f->str || !f->len)
            continue;
        if (in_list(f->name, ip_fields)) {
            look_ip(&m, f->name, f->str, f->len);
        } else if (in_list(f->name, domain_fields)) {
            look_domain(&m, f->name, f->str, f->len);
        } else if (strcmp(f->name, "url.original") == 0) {
            char key[KEY_MAX];
            size_t k = url_key(f->str, f->len, key);
            if (k)
                report(&m, key, k, f->name, f->str, f->len);
        } else if (in_list(f->name, hash_fields)) {
            char key[KEY_MAX];
            size_t k = lower_key(ENRICH_TI_HASH, f->str, f->len, key);
            if (k)
                report(&m, key, k, f->name, f->str, f->len);
        }
    }
    return m.hits;
}

struct best {
    struct enrich_ti_hit hit;
    int have;
};

static int keep_best(void *arg, const struct enrich_ti_hit *hit)
{
    struct best *b = arg;
    if (!b->have || hit->confidence > b->hit.confidence) {
        b->hit = *hit;
        b->have = 1;
    }
    return 0;
}

int enrich_ti_apply(const struct enrich_ti *ti, struct ym_record *rec)
{
    struct best b = {.have = 0};
    int n = enrich_ti_match(ti, rec, keep_best, &b);
    if (!n || !b.have)
        return 0;
    struct ym_fields *f = &rec->fields;
    const char *type = enrich_ti_type_name(b.hit.type);
    if (b.hit.type == ENRICH_TI_IP)
        type = memchr(b.hit.value, ':', b.hit.value_len) ? "ipv6-addr" : "ipv4-addr";
    ym_fields_add_copy(f, YM_FIELD_DYNAMIC, "threat.feed.name", b.hit.list, strlen(b.hit.list));
    ym_fields_add(f, YM_FIELD_DYNAMIC, "threat.indicator.type", type, strlen(type));
    ym_fields_add_int(f, YM_FIELD_DYNAMIC, "threat.indicator.confidence", b.hit.confidence);
    ym_fields_add(f, YM_FIELD_DYNAMIC, "threat.indicator.matched.field", b.hit.field, strlen(b.hit.field));
    ym_fields_add_copy(f, YM_FIELD_DYNAMIC, "threat.indicator.matched.atomic", b.hit.value, b.hit.value_len);
    return n;
}

/* ---- live snapshot ------------------------------------------------------- */

struct enrich_ti_live {
    pthread_mutex_t lock; /* guards cur; held for a pointer copy and a refcount only */
    struct enrich_ti *cur;
};

struct enrich_ti_live *enrich_ti_live_create(struct enrich_ti *initial)
{
    struct enrich_ti_live *l = ym_xcalloc(1, sizeof(*l));
    pthread_mutex_init(&l->lock, NULL);
    l->cur = initial;
    return l;
}

void enrich_ti_live_destroy(struct enrich_ti_live *l)
{
    if (!l)
        return;
    enrich_ti_unref(l->cur);
    pthread_mutex_destroy(&l->lock);
    free(l);
}

struct enrich_ti *enrich_ti_live_acquire(struct enrich_ti_live *l)
{
    pthread_mutex_lock(&l->lock);
    struct enrich_ti *ti = l->cur;
    enrich_ti_ref(ti);
    pthread_mutex_unlock(&l->lock);
    return ti;
}

void enrich_ti_live_release(struct enrich_ti *ti) { enrich_ti_unref(ti); }

enum ym_status enrich_ti_live_reload(struct enrich_ti_live *l,
                                     const struct enrich_ti_list_config *lists, size_t count,
                                     size_t *skipped, struct ym_error *err)
{
    struct enrich_ti *next = NULL;
    enum ym_status st = enrich_ti_load(lists, count, &next, skipped, err);
    if (st != YM_OK)
        return st;
    pthread_mutex_lock(&l->lock);
    struct enrich_ti *old = l->cur;
    l->cur = next;
    pthread_mutex_unlock(&l->lock);
    enrich_ti_unref(old);
    return YM_OK;
}
