/* triage_event: an event's own data, and its stored JSON form (see
 * triage_event.h). */
#include "triage/triage_event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/ym_alloc.h"
#include "core/ym_time.h"

static char *dup_or_empty(const char *s) { return ym_xstrdup(s ? s : ""); }

static void add_value(struct triage_distinct *dv, const char *v)
{
    if (dv->count == dv->cap) {
        dv->cap = dv->cap ? dv->cap * 2 : 4;
        dv->vals = ym_xrealloc(dv->vals, dv->cap * sizeof *dv->vals);
    }
    dv->vals[dv->count++] = ym_xstrdup(v);
}

/* The slot of field (a free one the first time), or NULL when full. */
static struct triage_distinct *slot(struct triage_event *ev, const char *field)
{
    for (unsigned i = 0; i < TRIAGE_DISTINCT_MAX_FIELDS; i++) {
        struct triage_distinct *dv = &ev->distinct[i];
        if (!dv->field)
            dv->field = ym_xstrdup(field);
        if (strcmp(dv->field, field) == 0)
            return dv;
    }
    return NULL;
}

static struct triage_sample *add_sample(struct triage_event *ev)
{
    if (ev->sample_count == ev->sample_cap) {
        ev->sample_cap = ev->sample_cap ? ev->sample_cap * 2 : 2;
        ev->samples = ym_xrealloc(ev->samples, ev->sample_cap * sizeof *ev->samples);
    }
    return &ev->samples[ev->sample_count++];
}

void triage_event_free(struct triage_event *ev)
{
    if (!ev)
        return;
    free(ev->key);
    free(ev->reason);
    free(ev->src);
    free(ev->dst);
    free(ev->agg_text);
    free(ev->link_key);
    for (unsigned i = 0; i < TRIAGE_DISTINCT_MAX_FIELDS; i++) {
        for (unsigned k = 0; k < ev->distinct[i].count; k++)
            free(ev->distinct[i].vals[k]);
        free(ev->distinct[i].vals);
        free(ev->distinct[i].field);
    }
    for (unsigned i = 0; i < ev->sample_count; i++) {
        free(ev->samples[i].device);
        free(ev->samples[i].text);
    }
    free(ev->samples);
    free(ev);
}

void triage_event_keep(const struct triage_policy *p, struct triage_event *ev,
                       const struct triage_detection *d)
{
    for (unsigned i = 0; i < p->distinct_count && i < TRIAGE_DISTINCT_MAX_FIELDS; i++) {
        const char *v = triage_detection_field(d, p->distinct[i]);
        if (!v || !*v)
            continue;
        struct triage_distinct *dv = slot(ev, p->distinct[i]);
        if (!dv)
            continue;
        unsigned k = 0;
        while (k < dv->count && strcmp(dv->vals[k], v) != 0)
            k++;
        if (k < dv->count)
            continue;
        if (dv->count >= p->distinct_values) {
            dv->more = 1;
            continue;
        }
        add_value(dv, v);
    }
    if (ev->sample_count < p->samples) {
        struct triage_sample *s = add_sample(ev);
        s->archive_ref = d->archive_ref;
        s->time_ns = d->time_ns;
        s->device = dup_or_empty(d->device);
        s->text = dup_or_empty(d->sample);
    }
}

static void json_distinct(const struct triage_event *ev, struct ym_buf *b)
{
    ym_buf_addc(b, '{');
    for (unsigned i = 0; i < TRIAGE_DISTINCT_MAX_FIELDS; i++) {
        const struct triage_distinct *dv = &ev->distinct[i];
        if (!dv->field || !dv->count)
            continue;
        if (b->len > 1)
            ym_buf_addc(b, ',');
        ym_buf_json_qstr(b, dv->field, strlen(dv->field));
        ym_buf_adds(b, ":[");
        for (unsigned k = 0; k < dv->count; k++) {
            if (k)
                ym_buf_addc(b, ',');
            ym_buf_json_qstr(b, dv->vals[k], strlen(dv->vals[k]));
        }
        ym_buf_addc(b, ']');
        if (dv->more) {
            ym_buf_adds(b, ",");
            char name[160];
            snprintf(name, sizeof name, "%s.more", dv->field);
            ym_buf_json_qstr(b, name, strlen(name));
            ym_buf_adds(b, ":true");
        }
    }
    ym_buf_addc(b, '}');
}

static void json_samples(const struct triage_event *ev, struct ym_buf *b)
{
    ym_buf_addc(b, '[');
    for (unsigned i = 0; i < ev->sample_count; i++) {
        const struct triage_sample *s = &ev->samples[i];
        char t[40];
        ym_time_format_rfc3339(s->time_ns, t, sizeof t);
        ym_buf_printf(b, "%s{\"archive_ref\":%llu,\"time\":\"%s\",\"device\":", i ? "," : "",
                      (unsigned long long)s->archive_ref, t);
        ym_buf_json_qstr(b, s->device, strlen(s->device));
        ym_buf_adds(b, ",\"text\":");
        ym_buf_json_qstr(b, s->text, strlen(s->text));
        ym_buf_addc(b, '}');
    }
    ym_buf_addc(b, ']');
}

void triage_event_json(const struct triage_policy *p, const struct triage_event *ev,
                       struct ym_buf *distinct, struct ym_buf *samples)
{
    (void)p;
    json_distinct(ev, distinct);
    json_samples(ev, samples);
}

void triage_event_load(const struct triage_policy *p, struct triage_event *ev,
                       const char *distinct_json, const char *samples_json)
{
    json_t *dj = json_loads(distinct_json ? distinct_json : "{}", 0, NULL);
    for (unsigned i = 0; dj && i < p->distinct_count && i < TRIAGE_DISTINCT_MAX_FIELDS; i++) {
        json_t *arr = json_object_get(dj, p->distinct[i]);
        struct triage_distinct *dv = arr ? slot(ev, p->distinct[i]) : NULL;
        if (!dv)
            continue;
        size_t k;
        json_t *v;
        json_array_foreach(arr, k, v) {
            if (!json_is_string(v))
                continue;
            if (dv->count >= p->distinct_values) {
                dv->more = 1;
                break;
            }
            add_value(dv, json_string_value(v));
        }
        char more[160];
        snprintf(more, sizeof more, "%s.more", p->distinct[i]);
        if (json_is_true(json_object_get(dj, more)))
            dv->more = 1;
    }
    json_decref(dj);
    json_t *sj = json_loads(samples_json ? samples_json : "[]", 0, NULL);
    size_t k;
    json_t *v;
    json_array_foreach(sj, k, v) {
        if (ev->sample_count >= p->samples)
            break;
        struct triage_sample *smp = add_sample(ev);
        smp->archive_ref = (uint64_t)json_integer_value(json_object_get(v, "archive_ref"));
        const char *t = json_string_value(json_object_get(v, "time"));
        if (!t || ym_time_parse_arg(t, 0, &smp->time_ns) != YM_OK)
            smp->time_ns = ev->first_ns;
        smp->device = dup_or_empty(json_string_value(json_object_get(v, "device")));
        smp->text = dup_or_empty(json_string_value(json_object_get(v, "text")));
    }
    json_decref(sj);
}
