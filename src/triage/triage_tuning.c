/* triage_tuning: suppressions and rule overrides as the triage thread
 * sees them (see triage_tuning.h). */
#include "triage/triage_tuning.h"

#include <stdlib.h>
#include <string.h>

#include "core/ym_alloc.h"
#include "core/ym_log.h"
#include "state/state_incidents.h"

void triage_tuning_fini(struct triage_tuning *t)
{
    for (size_t i = 0; i < t->supp_count; i++) {
        free(t->supps[i].tenant);
        free(t->supps[i].rule_id);
        triage_conds_free(&t->supps[i].conds);
    }
    free(t->supps);
    t->supps = NULL;
    t->supp_count = 0;
    for (size_t i = 0; i < t->override_count; i++) {
        free(t->overrides[i].tenant);
        free(t->overrides[i].rule_id);
    }
    free(t->overrides);
    t->overrides = NULL;
    t->override_count = 0;
}

static int take_supp(void *arg, const struct state_suppression *s)
{
    struct triage_tuning *t = arg;
    struct triage_conds c;
    char why[256];
    if (triage_conds_parse(s->conditions, &c, why, sizeof why) != YM_OK) {
        ym_log(YM_LOG_WARN, "triage: suppression %lld ignored: %s", (long long)s->id, why);
        return 0;
    }
    t->supps = ym_xrealloc(t->supps, (t->supp_count + 1) * sizeof *t->supps);
    t->supps[t->supp_count++] = (struct triage_supp){
        .id = s->id, .tenant = ym_xstrdup(s->tenant), .rule_id = ym_xstrdup(s->rule_id),
        .conds = c, .expires_ns = s->expires_ns};
    return 0;
}

static int take_override(void *arg, const struct state_rule_override *o)
{
    struct triage_tuning *t = arg;
    t->overrides = ym_xrealloc(t->overrides, (t->override_count + 1) * sizeof *t->overrides);
    t->overrides[t->override_count++] = (struct triage_override){
        .tenant = ym_xstrdup(o->tenant), .rule_id = ym_xstrdup(o->rule_id),
        .enabled = o->enabled, .threshold = o->threshold};
    return 0;
}

enum ym_status triage_tuning_flush_hits(struct triage_tuning *t, struct state_db *db)
{
    for (size_t i = 0; i < t->supp_count; i++)
        if (t->supps[i].pending_hits) {
            enum ym_status st = state_suppression_hits_add(db, t->supps[i].id,
                                                           t->supps[i].pending_hits);
            if (st != YM_OK)
                return st;
            t->supps[i].written_hits += t->supps[i].pending_hits;
            t->supps[i].pending_hits = 0;
        }
    return YM_OK;
}

void triage_tuning_hits_done(struct triage_tuning *t, int committed)
{
    for (size_t i = 0; i < t->supp_count; i++) {
        if (!committed)
            t->supps[i].pending_hits += t->supps[i].written_hits;
        t->supps[i].written_hits = 0;
    }
}

enum ym_status triage_tuning_refresh(struct triage_tuning *t, struct state_db *db, int64_t now_ns)
{
    int64_t gen = 0;
    enum ym_status st = state_tuning_generation(db, &gen);
    if (st != YM_OK || (t->loaded && gen == t->gen))
        return st;
    if ((st = triage_tuning_flush_hits(t, db)) != YM_OK)
        return st;
    triage_tuning_fini(t);
    /* those in force now; expiry is checked again at each detection */
    st = state_suppressions_each(db, NULL, now_ns ? now_ns : 1, take_supp, t);
    if (st == YM_OK)
        st = state_rule_overrides_each(db, NULL, take_override, t);
    if (st == YM_OK) {
        t->gen = gen;
        t->loaded = 1;
    }
    return st;
}

const struct triage_override *triage_tuning_override(const struct triage_tuning *t,
                                                     const struct triage_detection *d)
{
    for (size_t i = 0; i < t->override_count; i++)
        if (strcmp(t->overrides[i].tenant, d->tenant) == 0 &&
            strcmp(t->overrides[i].rule_id, d->rule_id) == 0)
            return &t->overrides[i];
    return NULL;
}

struct triage_supp *triage_tuning_suppression(struct triage_tuning *t,
                                              const struct triage_detection *d, int64_t now_ns)
{
    for (size_t i = 0; i < t->supp_count; i++) {
        struct triage_supp *s = &t->supps[i];
        if (strcmp(s->tenant, d->tenant) != 0 || (*s->rule_id && strcmp(s->rule_id, d->rule_id)))
            continue;
        if (s->expires_ns && s->expires_ns <= now_ns)
            continue;
        if (triage_conds_match(&s->conds, d))
            return s;
    }
    return NULL;
}
