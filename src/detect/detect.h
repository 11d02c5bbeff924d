/* detect: the detect stage. Sigma rules (ours and public ones) compiled into
 * one immutable matcher, a "set", that every worker runs on every log.
 *
 * Life of a rule set:
 *
 *   rule files (YAML) --detect_set_compile--> struct detect_set (immutable)
 *        |                                         |  refcounted, shared by all workers
 *        +-- struct detect_report per rule         v
 *            (ok / inactive / unsupported /  detect_set_match(set, scratch, rec, fn, arg)
 *             error, with file and line)         -> fn() once per detection
 *
 *   reload: detect_live_reload() compiles a new set beside the old one and
 *   swaps it in atomically; workers pick it up at their next
 *   detect_live_acquire(); the old set is freed when its last user lets go.
 *   A set that does not compile leaves the old one running.
 *
 * Engine (detect_engine.c builds it, detect_match.c runs it): every literal
 * of every active rule goes into one Vectorscan database per field (and
 * one for the raw log, for keyword rules), so a log is scanned once per
 * field whatever the number of rules.
 * Only rules whose literals fired (plus the few rules that can match without
 * any literal, e.g. "not selection") are evaluated in full; regexes run
 * with PCRE2 JIT. Matching is case-insensitive unless a value has |cased.
 *
 * Memory: a set owns everything it points to; it is freed by the last
 * detect_set_unref. Values handed to detect_hit_fn (rule metadata, field
 * names) are borrowed and valid while the caller holds its set reference.
 * Reports are owned by the caller (detect_reports_free).
 *
 * Threads: compile and reload on any one control thread. detect_set_match
 * may run on any number of workers at once, each with its own scratch (a
 * scratch is never shared; it adapts itself when used with another set).
 * Correlation state is shared by the workers of a set behind one mutex that
 * only base-rule hits take (rare), never the per-log path.
 *
 * Status codes besides YM_OK: YM_EINVAL (bad argument, unreadable mapping
 * file), YM_EIO (rule path unreadable), YM_ENOMEM (pattern database could
 * not be built). A rule that does not load is NOT an error of the set: it
 * is reported and skipped. */
#ifndef DETECT_H
#define DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "core/ym_batch.h"
#include "core/ym_status.h"

/* ---- rule metadata ---------------------------------------------------- */

enum detect_level {
    DETECT_LEVEL_INFORMATIONAL = 0,
    DETECT_LEVEL_LOW,
    DETECT_LEVEL_MEDIUM,
    DETECT_LEVEL_HIGH,
    DETECT_LEVEL_CRITICAL,
};
const char *detect_level_name(enum detect_level level);

/* Sigma `related`: another rule and how this one relates to it. */
struct detect_related {
    const char *id;
    const char *type; /* derived, obsolete, merged, renamed, similar */
};

/* What a rule says about itself; owned by the set. */
struct detect_rule_meta {
    const char *id;          /* Sigma id (UUID), or "file:line" when the rule has none */
    const char *name;        /* Sigma `name` (correlations refer to it), or NULL */
    const char *title;
    const char *description; /* "" when absent */
    const char *status;      /* Sigma status (stable, test, experimental, ...) or "" */
    enum detect_level level;
    const char *response;    /* our custom field `response`: what the customer should do; "" */
    const char *const *tags; /* tag_count tags ("attack.t1046") */
    unsigned tag_count;
    const char *const *falsepositives;
    unsigned falsepositive_count;
    const char *author;      /* "" when absent */
    const char *const *references;
    unsigned reference_count;
    const char *const *fields; /* Sigma `fields`: what an analyst wants to see */
    unsigned field_count;
    const struct detect_related *related; /* Sigma `related` */
    unsigned related_count;
    /* Custom attributes: top-level keys Sigma does not define, with scalar
     * values (ours: `response`), as key/value pairs. */
    const char *const *custom_keys;
    const char *const *custom_values;
    unsigned custom_count;
    const char *file;        /* rule file it came from */
    int line;                /* line of the rule's first key */
    int correlation;         /* 1 = a correlation rule */
};

/* ---- load reports ----------------------------------------------------- */

enum detect_rule_status {
    DETECT_RULE_OK = 0,      /* compiled and active */
    DETECT_RULE_INACTIVE,    /* compiled, but its logsource is nothing we receive */
    DETECT_RULE_UNSUPPORTED, /* valid Sigma using a feature we do not run */
    DETECT_RULE_ERROR,       /* malformed: not loaded */
};
const char *detect_rule_status_name(enum detect_rule_status st);

struct detect_report {
    char file[256];
    int line;     /* 1-based line of the problem (or of the rule), 0 = unknown */
    char id[64];  /* "" when the rule has no id */
    char title[256];
    enum detect_rule_status status;
    char reason[256]; /* "" for ok */
};

/* Grows as rules load; owned by the caller. */
struct detect_reports {
    struct detect_report *v;
    size_t count;
    size_t cap;
};
void detect_reports_free(struct detect_reports *r);
/* Count of reports with this status. */
size_t detect_reports_count(const struct detect_reports *r, enum detect_rule_status st);

/* ---- compile ---------------------------------------------------------- */

struct detect_config {
    /* Rule files or directories (searched recursively for *.yml / *.yaml).
     * Files named logsources.yaml, placeholders.yaml and triage.yaml are not rules. */
    const char *const *rule_paths;
    size_t rule_path_count;
    /* rules/logsources.yaml: Sigma logsource -> device kinds, Sigma field
     * names -> ECS. NULL = no mapping: every rule is active for every kind
     * and field names are used as written. */
    const char *logsources_path;
    /* rules/placeholders.yaml for |expand. NULL = none (|expand rules are
     * then reported unsupported). */
    const char *placeholders_path;
    /* Compile inactive rules into the matcher too (rules test --all-kinds). */
    int include_inactive;
};

struct detect_set;

/* Builds a set from the rules of cfg. Every rule file gets reports
 * (appended to *reports when reports is not NULL). Returns YM_OK with a set
 * holding one reference even when some rules failed; fails only when the
 * set as a whole cannot be built (err says why). */
enum ym_status detect_set_compile(const struct detect_config *cfg, struct detect_set **out,
                                  struct detect_reports *reports, struct ym_error *err);

void detect_set_ref(struct detect_set *set);
void detect_set_unref(struct detect_set *set); /* NULL is fine */

/* ---- query ------------------------------------------------------------ */

size_t detect_set_rule_count(const struct detect_set *set); /* active rules in the matcher */
size_t detect_set_field_db_count(const struct detect_set *set); /* Vectorscan databases */
const struct detect_rule_meta *detect_set_rule(const struct detect_set *set, size_t i);
const struct detect_rule_meta *detect_set_find(const struct detect_set *set, const char *id);

/* What the set had to leave out, for health (never silent): correlation
 * groups not tracked because the table was full, and events not counted
 * because one group's window held its maximum. Summed over all workers. */
struct detect_stats {
    uint64_t corr_groups_dropped;
    uint64_t corr_events_capped;
};
void detect_set_stats(const struct detect_set *set, struct detect_stats *out);

/* ---- match (workers) -------------------------------------------------- */

/* One detection handed to the caller. */
struct detect_hit {
    const struct detect_rule_meta *rule;
    const char *const *fields; /* ECS names of the fields that matched (borrowed) */
    unsigned field_count;
    int64_t time_ns; /* log time used for windows (the record's, else receive time) */
    /* For correlations: the group the count was kept for ("10.0.0.1"), else "". */
    const char *group;
    uint64_t count;  /* correlations: events/values/rules counted; 1 otherwise */
};

/* Returns 0 to go on, non-zero to stop matching this log. */
typedef int (*detect_hit_fn)(void *arg, const struct ym_record *rec, const struct detect_hit *hit);

struct detect_scratch;

/* Per-worker scratch; may be created from any set and used with any later
 * set (it grows as needed on first use with a new set). */
struct detect_scratch *detect_scratch_create(const struct detect_set *set);
void detect_scratch_destroy(struct detect_scratch *s); /* NULL is fine */

/* Matches one parsed record (rec->fields, rec->raw; rec->device->kind
 * selects the rules for that kind; no device or kind "auto" = all rules)
 * and calls fn for each detection, correlations included. Returns the
 * number of detections, or -1 when the scratch could not be adapted
 * (out of memory: the log is not matched and the caller counts it). */
int detect_set_match(struct detect_set *set, struct detect_scratch *scratch,
                     const struct ym_record *rec, detect_hit_fn fn, void *arg);
/* The same for every record of a batch, in order (the worker's call). */
int detect_set_match_batch(struct detect_set *set, struct detect_scratch *scratch,
                           const struct ym_batch *batch, detect_hit_fn fn, void *arg);

/* ---- live set and reload ---------------------------------------------- */

/* Holds the current set for the pipeline. acquire/release bracket one batch
 * (a mutex held for a pointer copy and a refcount, never per log). */
struct detect_live;

struct detect_live *detect_live_create(struct detect_set *initial); /* takes the reference */
void detect_live_destroy(struct detect_live *live);                 /* NULL is fine */
struct detect_set *detect_live_acquire(struct detect_live *live);   /* + one reference */
void detect_live_release(struct detect_set *set);                   /* = detect_set_unref */
/* Compiles cfg beside the running set and swaps it in. On failure the old
 * set keeps running and err says why. Reports as for detect_set_compile.
 * Also fails (YM_EPARSE) when the new set has rule errors and the old one
 * had none, unless accept_errors is set: a typo must not silently drop a
 * rule that was running. */
enum ym_status detect_live_reload(struct detect_live *live, const struct detect_config *cfg,
                                  int accept_errors, struct detect_reports *reports,
                                  struct ym_error *err);
uint64_t detect_live_generation(const struct detect_live *live); /* +1 per successful swap */

#endif
