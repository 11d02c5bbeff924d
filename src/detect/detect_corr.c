/* detect_corr: Sigma correlation rules (sigma-correlation-rules-specification.md).
 *
 * Types: event_count, value_count, temporal, temporal_ordered; group-by,
 * timespan (Ns, Nm, Nh, Nd), condition (gt, gte, lt, lte, eq, neq and
 * ranges), aliases, generate. Referred rules by id or name.
 *
 * Streaming evaluation with log timestamps: each time a referred rule
 * fires, the group of its log (the group-by values, through aliases) is
 * updated; events older than `timespan` before this log's time fall out of
 * the window; when the condition holds the correlation fires on this log
 * (the log that completed it) and the group starts over. Conditions that
 * can only be judged when a window closes (lt, lte, eq with nothing more
 * coming) would need timers: lt/lte-only conditions are unsupported.
 *
 * State: one table of groups per correlation (detect_groups.h: bounded,
 * idle groups swept), guarded by the correlation's own lock (taken only
 * when a referred rule fired, so workers feeding different correlations
 * do not wait on each other); a group keeps at most CORR_MAX_EVENTS
 * timestamps. The set's counters of dropped groups and capped events are
 * atomic. */
#include "detect/detect_types.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ym_alloc.h"
#include "core/ym_log.h"
#include "core/ym_time.h"
#include "detect/detect_groups.h"
#include "detect/detect_rule.h"
#include "parse/parse_ecs.h"

#define CORR_MAX_EVENTS 100000
#define CORR_MAX_GROUP_BY 8
#define CORR_MAX_RULES 32

struct alias {
    const char *alias;      /* group-by name */
    const char *rule_ref;   /* rule id or name */
    uint32_t rule;          /* resolved */
    struct detect_fkey field;
};

struct detect_corr {
    uint8_t type;
    const char **refs;
    uint32_t ref_count;
    uint32_t rules[CORR_MAX_RULES];
    const char *group_names[CORR_MAX_GROUP_BY];
    struct detect_fkey group_by[CORR_MAX_GROUP_BY];
    uint32_t group_count;
    struct alias *aliases;
    uint32_t alias_count;
    struct detect_fkey value_field;
    int64_t timespan_ns;
    int has_min, has_max, has_neq;
    uint64_t min, max, neq; /* count in [min, max], != neq */
    int generate;
    /* state, under lock (taken only when a referred rule fired) */
    pthread_mutex_t lock;
    struct detect_groups groups;
};

static enum detect_rule_status cfail(struct detect_build *b, const struct detect_yaml_node *at,
                                     enum detect_rule_status st, const char *msg)
{
    snprintf(b->reason, sizeof(b->reason), "%s", msg);
    if (at)
        b->line = at->line;
    return st;
}

static struct detect_fkey corr_fkey(struct detect_build *b, const char *name)
{
    const char *mapped = detect_source_field(b->source, NULL, name);
    struct detect_fkey k;
    k.id = parse_ecs_lookup(mapped, strlen(mapped));
    k.name = k.id != YM_FIELD_DYNAMIC ? parse_ecs_name(k.id) : detect_build_strdup(b, mapped);
    return k;
}

static int parse_span(const char *s, int64_t *out)
{
    int64_t v = 0;
    const char *p = s;
    if (!isdigit((unsigned char)*p))
        return -1;
    for (; isdigit((unsigned char)*p); p++) {
        v = v * 10 + (*p - '0');
        if (v > 100000000)
            return -1;
    }
    int64_t mult;
    switch (*p) {
    case 's': mult = 1; break;
    case 'm': mult = 60; break;
    case 'h': mult = 3600; break;
    case 'd': mult = 86400; break;
    case 'w': mult = 7 * 86400; break;
    default: return -1;
    }
    if (p[1] || v == 0)
        return -1;
    *out = v * mult * YM_NS_PER_S;
    return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (!isdigit((unsigned char)*s) || v > UINT64_MAX / 10 - 10)
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return 0;
}

enum detect_rule_status detect_corr_build(struct detect_build *b, const struct detect_yaml_node *node,
                                          struct detect_rule *rule)
{
    if (node->type != DETECT_YAML_MAP)
        return cfail(b, node, DETECT_RULE_ERROR, "correlation must be a map");
    struct detect_corr *c = ym_xcalloc(1, sizeof(*c));
    pthread_mutex_init(&c->lock, NULL);
    rule->corr = c;
    const char *type = detect_yaml_get_str(node, "type");
    if (!type)
        return cfail(b, node, DETECT_RULE_ERROR, "correlation has no type");
    if (strcmp(type, "event_count") == 0) c->type = DETECT_CORR_EVENT_COUNT;
    else if (strcmp(type, "value_count") == 0) {
        c->type = DETECT_CORR_VALUE_COUNT;
        detect_groups_init(&c->groups, 1);
    }
    else if (strcmp(type, "temporal") == 0) c->type = DETECT_CORR_TEMPORAL;
    else if (strcmp(type, "temporal_ordered") == 0) c->type = DETECT_CORR_TEMPORAL_ORDERED;
    else if (strncmp(type, "value_", 6) == 0)
        return cfail(b, detect_yaml_get(node, "type"), DETECT_RULE_UNSUPPORTED,
                     "correlation types value_sum/value_avg/value_percentile are not supported");
    else
        return cfail(b, detect_yaml_get(node, "type"), DETECT_RULE_ERROR, "unknown correlation type");

    const struct detect_yaml_node *rules = detect_yaml_get(node, "rules");
    if (!rules)
        return cfail(b, node, DETECT_RULE_ERROR, "correlation has no rules");
    size_t n = rules->type == DETECT_YAML_SEQ ? rules->count : 1;
    if (n == 0 || n > CORR_MAX_RULES)
        return cfail(b, rules, DETECT_RULE_ERROR, "correlation needs 1 to 32 rules");
    c->refs = detect_build_alloc(b, n * sizeof(*c->refs));
    for (size_t i = 0; i < n; i++) {
        const struct detect_yaml_node *x = rules->type == DETECT_YAML_SEQ ? rules->items[i] : rules;
        if (x->type != DETECT_YAML_SCALAR)
            return cfail(b, x, DETECT_RULE_ERROR, "correlation rules must be ids or names");
        c->refs[c->ref_count++] = detect_build_strdup(b, x->str);
    }

    const struct detect_yaml_node *gb = detect_yaml_get(node, "group-by");
    size_t gn = !gb ? 0 : gb->type == DETECT_YAML_SEQ ? gb->count : 1;
    if (gn > CORR_MAX_GROUP_BY)
        return cfail(b, gb, DETECT_RULE_UNSUPPORTED, "more than 8 group-by fields");
    for (size_t i = 0; i < gn; i++) {
        const struct detect_yaml_node *x = gb->type == DETECT_YAML_SEQ ? gb->items[i] : gb;
        if (x->type != DETECT_YAML_SCALAR)
            return cfail(b, x, DETECT_RULE_ERROR, "group-by must list field names");
        c->group_names[c->group_count] = detect_build_strdup(b, x->str);
        c->group_by[c->group_count++] = corr_fkey(b, x->str);
    }

    const struct detect_yaml_node *al = detect_yaml_get(node, "aliases");
    if (al && al->type == DETECT_YAML_MAP) {
        size_t total = 0;
        for (size_t i = 0; i < al->count; i++)
            total += al->items[i]->type == DETECT_YAML_MAP ? al->items[i]->count : 0;
        c->aliases = detect_build_alloc(b, (total + 1) * sizeof(*c->aliases));
        for (size_t i = 0; i < al->count; i++) {
            const struct detect_yaml_node *m = al->items[i];
            if (m->type != DETECT_YAML_MAP)
                return cfail(b, m, DETECT_RULE_ERROR, "an alias maps rule names to field names");
            for (size_t k = 0; k < m->count; k++) {
                if (m->items[k]->type != DETECT_YAML_SCALAR)
                    return cfail(b, m->items[k], DETECT_RULE_ERROR, "alias field must be a name");
                struct alias *a = &c->aliases[c->alias_count++];
                a->alias = detect_build_strdup(b, al->keys[i]->str);
                a->rule_ref = detect_build_strdup(b, m->keys[k]->str);
                a->field = corr_fkey(b, m->items[k]->str);
            }
        }
    }

    const char *span = detect_yaml_get_str(node, "timespan");
    if (!span)
        span = detect_yaml_get_str(node, "timeframe");
    if (!span || parse_span(span, &c->timespan_ns) < 0)
        return cfail(b, detect_yaml_get(node, "timespan") ? detect_yaml_get(node, "timespan") : node,
                     DETECT_RULE_ERROR, "timespan must be like 30s, 5m, 1h or 1d");

    const struct detect_yaml_node *cond = detect_yaml_get(node, "condition");
    int temporal = c->type == DETECT_CORR_TEMPORAL || c->type == DETECT_CORR_TEMPORAL_ORDERED;
    if (cond && cond->type != DETECT_YAML_MAP)
        return cfail(b, cond, DETECT_RULE_ERROR, "correlation condition must be a map (gte: 10)");
    if (!cond && !temporal)
        return cfail(b, node, DETECT_RULE_ERROR, "correlation has no condition");
    int lower = 0;
    for (size_t i = 0; cond && i < cond->count; i++) {
        const char *k = cond->keys[i]->str;
        const struct detect_yaml_node *v = cond->items[i];
        if (strcmp(k, "field") == 0) {
            if (v->type != DETECT_YAML_SCALAR)
                return cfail(b, v, DETECT_RULE_UNSUPPORTED, "value_count over several fields");
            c->value_field = corr_fkey(b, v->str);
            continue;
        }
        uint64_t x;
        if (v->type != DETECT_YAML_SCALAR || parse_u64(v->str, &x) < 0)
            return cfail(b, v, DETECT_RULE_ERROR, "condition value must be a whole number");
        if (strcmp(k, "gt") == 0) { c->has_min = 1; c->min = x + 1; lower = 1; }
        else if (strcmp(k, "gte") == 0) { c->has_min = 1; c->min = x; lower = 1; }
        else if (strcmp(k, "lt") == 0) { c->has_max = 1; c->max = x ? x - 1 : 0; if (!x) return cfail(b, v, DETECT_RULE_ERROR, "lt: 0 never holds"); }
        else if (strcmp(k, "lte") == 0) { c->has_max = 1; c->max = x; }
        else if (strcmp(k, "eq") == 0) { c->has_min = c->has_max = 1; c->min = c->max = x; lower = 1; }
        else if (strcmp(k, "neq") == 0) { c->has_neq = 1; c->neq = x; }
        else
            return cfail(b, cond->keys[i], DETECT_RULE_ERROR, "unknown correlation condition operator");
    }
    if (c->type == DETECT_CORR_VALUE_COUNT && !c->value_field.name)
        return cfail(b, cond ? cond : node, DETECT_RULE_ERROR, "value_count needs condition.field");
    if (cond && !lower && !temporal)
        return cfail(b, cond, DETECT_RULE_UNSUPPORTED,
                     "a condition with only lt/lte/neq needs window-end timers, which we do not run");
    if (temporal && !c->has_min) {
        c->has_min = 1;
        c->min = c->ref_count; /* every referred rule */
    }
    const char *gen = detect_yaml_get_str(node, "generate");
    c->generate = gen && (strcmp(gen, "true") == 0 || strcmp(gen, "yes") == 0);
    return DETECT_RULE_OK;
}

void detect_corr_free(struct detect_corr *c)
{
    if (!c)
        return;
    detect_groups_free(&c->groups);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static int ref_is(const struct detect_rule *r, const char *ref)
{
    return strcmp(r->meta.id, ref) == 0 || (r->meta.name && strcmp(r->meta.name, ref) == 0);
}

int detect_corr_link(struct detect_rule **all, uint32_t count, struct detect_rule *r, char *reason,
                     size_t reason_len)
{
    struct detect_corr *c = r->corr;
    uint32_t kinds = 0;
    for (uint32_t i = 0; i < c->ref_count; i++) {
        uint32_t found = UINT32_MAX;
        for (uint32_t k = 0; k < count && found == UINT32_MAX; k++)
            if (all[k] != r && ref_is(all[k], c->refs[i]))
                found = k;
        if (found == UINT32_MAX) {
            snprintf(reason, reason_len, "correlation refers to unknown or inactive rule '%s'", c->refs[i]);
            return -1;
        }
        c->rules[i] = found;
        kinds |= all[found]->kinds_mask;
    }
    for (uint32_t i = 0; i < c->alias_count; i++) {
        c->aliases[i].rule = UINT32_MAX;
        for (uint32_t k = 0; k < c->ref_count; k++)
            if (ref_is(all[c->rules[k]], c->aliases[i].rule_ref))
                c->aliases[i].rule = c->rules[k];
    }
    /* Wire the feeds (a rule may feed several correlations). */
    for (uint32_t i = 0; i < c->ref_count; i++) {
        struct detect_rule *base = all[c->rules[i]];
        int dup = 0;
        for (uint32_t k = 0; k < base->feed_count; k++)
            dup |= base->feeds[k] == r->index;
        if (dup)
            continue;
        base->feeds = ym_xrealloc(base->feeds, (base->feed_count + 1) * sizeof(*base->feeds));
        base->feeds[base->feed_count++] = r->index;
        /* Sigma: referred rules make no detections of their own unless a
         * correlation using them says generate: true. */
        if (c->generate)
            base->keep_emit = 1;
        base->emit = base->keep_emit;
    }
    r->kinds_mask = kinds;
    return 0;
}

/* ---- runtime -------------------------------------------------------------- */


/* Text of field k in rec (first occurrence), "" when missing. */
static const char *field_of(const struct ym_record *rec, const struct detect_fkey *k, char *buf,
                            size_t buf_len, size_t *len)
{
    for (uint32_t i = 0; i < rec->fields.count; i++)
        if (detect_fkey_eq(&rec->fields.v[i], k))
            return detect_field_text(&rec->fields.v[i], buf, buf_len, len);
    *len = 0;
    return "";
}

static const struct detect_fkey *group_field(const struct detect_corr *c, uint32_t gi, uint32_t fired)
{
    for (uint32_t i = 0; i < c->alias_count; i++)
        if (c->aliases[i].rule == fired && strcmp(c->aliases[i].alias, c->group_names[gi]) == 0)
            return &c->aliases[i].field;
    return &c->group_by[gi];
}

static int cond_holds(const struct detect_corr *c, uint64_t n)
{
    if (c->has_min && n < c->min)
        return 0;
    if (c->has_max && n > c->max)
        return 0;
    if (c->has_neq && n == c->neq)
        return 0;
    return 1;
}

/* Temporal groups: the last time each referred rule fired (seen) and, for
 * temporal_ordered, when the chain that reached it started (start). */
static int64_t *temporal_seen(struct detect_corr *c, struct detect_group *g)
{
    detect_group_reserve(&c->groups, g, 2 * c->ref_count);
    if (g->count == 0) { /* new or reset: nothing seen */
        g->count = 2 * c->ref_count;
        memset(detect_group_times(g), 0, g->count * sizeof(int64_t));
    }
    return detect_group_times(g);
}

static void group_reset(struct detect_group *g)
{
    g->first = g->count = 0;
}

/* Returns 0, or 1 when the window was full and the event not counted. */
static int window_push(struct detect_groups *t, struct detect_group *g, int64_t span,
                       int64_t t_ns, uint64_t value, int distinct)
{
    int64_t *times = detect_group_times(g);
    if (!distinct) {
        /* Times arrive (nearly) in order: drop from the front, compact
         * now and then, so a flood costs O(1) per event. */
        while (g->first < g->count && times[g->first] < t_ns - span)
            g->first++;
        if (g->first == g->count) {
            g->first = g->count = 0;
        } else if (g->count == detect_group_room(t, g) ||
                   (g->first > 64 && g->first * 2 >= g->count)) {
            memmove(times, times + g->first, (g->count - g->first) * sizeof(*times));
            g->count -= g->first;
            g->first = 0;
        }
        if (g->count - g->first >= CORR_MAX_EVENTS)
            return 1;
        detect_group_reserve(t, g, g->count + 1);
        detect_group_times(g)[g->count++] = t_ns;
        return 0;
    }
    /* value_count: drop what fell out of the window */
    uint64_t *values = detect_group_values(g);
    uint32_t k = 0;
    for (uint32_t i = 0; i < g->count; i++)
        if (times[i] >= t_ns - span) {
            times[k] = times[i];
            values[k] = values[i];
            k++;
        }
    g->count = k;
    for (uint32_t i = 0; i < g->count; i++)
        if (values[i] == value) {
            times[i] = t_ns > times[i] ? t_ns : times[i];
            return 0;
        }
    if (g->count == CORR_MAX_EVENTS)
        return 1;
    detect_group_reserve(t, g, g->count + 1);
    detect_group_times(g)[g->count] = t_ns;
    detect_group_values(g)[g->count] = value;
    g->count++;
    return 0;
}

/* Updates correlation c for rule `fired`; returns the count when it fires, else 0. */
static uint64_t corr_update(struct detect_set *set, struct detect_corr *c, uint32_t fired,
                            const struct ym_record *rec, int64_t t_ns, char *group_text,
                            size_t group_len)
{
    char key[1024];
    size_t kl = 0;
    group_text[0] = 0;
    for (uint32_t i = 0; i < c->group_count; i++) {
        char buf[64];
        size_t n;
        const char *v = field_of(rec, group_field(c, i, fired), buf, sizeof(buf), &n);
        if (kl >= sizeof(key) - 1)
            break; /* the key keeps its first 1 KiB: long values share a group */
        size_t room = sizeof(key) - 1 - kl; /* value + separator */
        if (n + 1 > room)
            n = room - 1;
        memcpy(key + kl, v, n);
        kl += n;
        key[kl++] = '\x1f';
    }
    struct detect_group *g = detect_groups_get(&c->groups, key, kl, t_ns, c->timespan_ns);
    if (!g) {
        uint64_t dropped = atomic_fetch_add_explicit(&set->corr_groups_dropped, 1,
                                                     memory_order_relaxed) + 1;
        YM_LOG_RATELIMITED(YM_LOG_WARN, "detect: correlation group table full; %llu groups not tracked",
                           (unsigned long long)dropped);
        return 0;
    }
    if (t_ns > g->last_ns)
        g->last_ns = t_ns;
    uint64_t n = 0;
    int capped = 0;
    switch (c->type) {
    case DETECT_CORR_EVENT_COUNT:
        capped = window_push(&c->groups, g, c->timespan_ns, t_ns, 0, 0);
        n = g->count - g->first;
        break;
    case DETECT_CORR_VALUE_COUNT: {
        char buf[64];
        size_t vl;
        const char *v = field_of(rec, &c->value_field, buf, sizeof(buf), &vl);
        if (!vl)
            return 0; /* no value: nothing to count */
        uint64_t vh = detect_groups_hash(v, vl);
        capped = window_push(&c->groups, g, c->timespan_ns, t_ns, vh, 1);
        n = g->count;
        break;
    }
    case DETECT_CORR_TEMPORAL: {
        int64_t *seen = temporal_seen(c, g);
        for (uint32_t i = 0; i < c->ref_count; i++)
            if (c->rules[i] == fired)
                seen[i] = t_ns;
        for (uint32_t i = 0; i < c->ref_count; i++)
            n += seen[i] && seen[i] >= t_ns - c->timespan_ns;
        break;
    }
    case DETECT_CORR_TEMPORAL_ORDERED: {
        int64_t *seen = temporal_seen(c, g), *start = seen + c->ref_count;
        for (uint32_t ii = c->ref_count; ii-- > 0;) {
            if (c->rules[ii] != fired)
                continue;
            if (ii == 0) {
                seen[0] = t_ns;
                start[0] = t_ns;
            } else if (seen[ii - 1] && seen[ii - 1] <= t_ns &&
                       t_ns - start[ii - 1] <= c->timespan_ns) {
                seen[ii] = t_ns;
                start[ii] = start[ii - 1];
            }
        }
        /* count = length of the longest completed prefix still in the window */
        for (uint32_t i = 0; i < c->ref_count; i++) {
            if (!seen[i] || t_ns - start[i] > c->timespan_ns)
                break;
            n = i + 1;
        }
        if (n < c->ref_count && c->min >= c->ref_count)
            return 0;
        break;
    }
    }
    if (capped)
        atomic_fetch_add_explicit(&set->corr_events_capped, 1, memory_order_relaxed);
    if (n && cond_holds(c, n)) {
        group_reset(g);
        /* "v1,v2": the key with its separators shown as commas */
        size_t gl = kl && kl - 1 < group_len ? kl - 1 : (kl ? group_len - 1 : 0);
        for (size_t i = 0; i < gl; i++)
            group_text[i] = key[i] == '\x1f' ? ',' : key[i];
        group_text[gl] = 0;
        return n;
    }
    return 0;
}

int detect_corr_feed(struct detect_set *set, const struct detect_rule *fired,
                     const struct ym_record *rec, int64_t time_ns, detect_hit_fn fn, void *arg,
                     int depth)
{
    if (depth > 4)
        return 0;
    int hits = 0;
    for (uint32_t f = 0; f < fired->feed_count; f++) {
        const struct detect_rule *cr = set->rules[fired->feeds[f]];
        char group[256];
        pthread_mutex_lock(&cr->corr->lock);
        uint64_t n = corr_update(set, cr->corr, fired->index, rec, time_ns, group, sizeof(group));
        pthread_mutex_unlock(&cr->corr->lock);
        if (!n)
            continue;
        if (cr->emit) {
            struct detect_hit h = {.rule = &cr->meta, .fields = NULL, .field_count = 0,
                                   .time_ns = time_ns, .group = group, .count = n};
            hits++;
            if (fn && fn(arg, rec, &h))
                return hits;
        }
        if (cr->feed_count)
            hits += detect_corr_feed(set, cr, rec, time_ns, fn, arg, depth + 1);
    }
    return hits;
}

void detect_corr_set_generate(struct detect_corr *c, int on)
{
    if (c)
        c->generate = on;
}

uint32_t detect_corr_refs(const struct detect_corr *c, const char *const **refs)
{
    *refs = c ? c->refs : NULL;
    return c ? c->ref_count : 0;
}

void detect_set_stats(const struct detect_set *set, struct detect_stats *out)
{
    memset(out, 0, sizeof(*out));
    if (!set)
        return;
    out->corr_groups_dropped = atomic_load_explicit(&set->corr_groups_dropped, memory_order_relaxed);
    out->corr_events_capped = atomic_load_explicit(&set->corr_events_capped, memory_order_relaxed);
}
