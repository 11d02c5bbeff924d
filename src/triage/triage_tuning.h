/* triage_tuning: the triage thread's copy of the per-tenant tuning kept in
 * the state store: suppressions (mute detections matching a rule and field
 * conditions) and rule overrides (disabled, threshold). Re-read whenever
 * the store's tuning generation moves, so that `yamori suppress` and
 * `yamori tune` in another process take effect within a tick. Hits of
 * suppressions are counted here and written in batches.
 *
 * Memory: a tuning owns its copies (triage_tuning_fini); lookups return
 * pointers into it, valid until the next refresh. Threads: one (the
 * triage thread). Status codes: YM_OK, YM_EDB. */
#ifndef TRIAGE_TUNING_H
#define TRIAGE_TUNING_H

#include <stddef.h>
#include <stdint.h>

#include "core/ym_status.h"
#include "state/state_db.h"
#include "triage/triage.h"
#include "triage/triage_policy.h"

struct triage_supp {
    int64_t id;
    char *tenant, *rule_id;   /* rule_id "" = any rule */
    struct triage_conds conds;
    int64_t expires_ns;       /* 0 = never */
    uint64_t pending_hits;    /* muted since the last write */
    uint64_t written_hits;    /* written in the open transaction */
};

struct triage_override {
    char *tenant, *rule_id;
    int enabled;
    uint64_t threshold;       /* 0 or 1 = at once */
};

struct triage_tuning {
    struct triage_supp *supps;
    size_t supp_count;
    struct triage_override *overrides;
    size_t override_count;
    int64_t gen;
    int loaded;
};

void triage_tuning_fini(struct triage_tuning *t);
/* Re-reads the store when its generation moved (writes pending hits
 * first). Inside the caller's transaction. */
enum ym_status triage_tuning_refresh(struct triage_tuning *t, struct state_db *db, int64_t now_ns);
/* Writes the pending hit counts (inside the caller's transaction); then
 * triage_tuning_hits_done says whether that transaction committed (else the
 * counts are pending again). */
enum ym_status triage_tuning_flush_hits(struct triage_tuning *t, struct state_db *db);
void triage_tuning_hits_done(struct triage_tuning *t, int committed);
/* The override of (tenant, rule) of d, or NULL. */
const struct triage_override *triage_tuning_override(const struct triage_tuning *t,
                                                     const struct triage_detection *d);
/* The first suppression in force at now_ns that mutes d, or NULL. */
struct triage_supp *triage_tuning_suppression(struct triage_tuning *t,
                                              const struct triage_detection *d, int64_t now_ns);

#endif
