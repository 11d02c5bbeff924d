/* triage_policy: the triage policy (rules/triage.yaml, docs/triage.md):
 * how detections aggregate into events, which severity each detection
 * earns (rule level, device verdict, evidence of success, target
 * criticality), which events become incidents, and the SLA per tenant.
 * Also the field conditions shared by the policy and by suppressions
 * ("source.ip=10.0.0.0/8 destination.port!=443 url.original=*wp-login*").
 *
 * A policy is immutable once loaded; the triage thread swaps a new one in
 * on reload. Memory: a policy owns everything it points to
 * (triage_policy_free); judgements are plain values. Threads: load on any
 * thread; a loaded policy may be read by any number of threads.
 * Status codes: YM_EIO (file unreadable), YM_EPARSE (not YAML), YM_EINVAL
 * (a value the policy does not accept: err has file, line, reason). */
#ifndef TRIAGE_POLICY_H
#define TRIAGE_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "core/ym_status.h"
#include "state/state_incidents.h"
#include "triage/triage.h"

/* ---- field conditions ---- */

/* One term: field=value (case-insensitive; * matches any run of
 * characters; a CIDR matches addresses inside it) or field!=value. */
struct triage_cond {
    char *field;
    char *value;
    int negate;
    int cidr;          /* value is a network */
    uint8_t net[16];   /* v4-mapped for IPv4 */
    unsigned prefix;   /* bits, of the 128-bit form */
};

/* Terms ANDed together. */
struct triage_conds {
    struct triage_cond *v;
    size_t count;
};

/* Parses space-separated terms; "" is an empty list (matches everything).
 * On error returns YM_EINVAL and says why in why. */
enum ym_status triage_conds_parse(const char *text, struct triage_conds *out, char *why,
                                  size_t why_len);
void triage_conds_free(struct triage_conds *c);
/* 1 when every term holds for the detection's copied fields (a missing
 * field fails field=value and satisfies field!=value). */
int triage_conds_match(const struct triage_conds *c, const struct triage_detection *d);
/* Exposed for the asset list: 1 when the text address is in the network. */
int triage_cidr_contains(const struct triage_cond *c, const char *addr);

/* ---- the policy ---- */

#define TRIAGE_DISTINCT_MAX_FIELDS 8
#define TRIAGE_KEY_MAX_FIELDS 6

struct triage_asset {
    char *name;
    char *tenant;             /* "" = every tenant (addresses overlap between customers) */
    struct triage_cond *nets; /* CIDR terms */
    size_t net_count;
    int critical;             /* criticality: critical -> one step up */
    int vulnerable;           /* a known-vulnerable target -> at least critical */
};

struct triage_rule_policy {
    char *rule_id;
    char *key[TRIAGE_KEY_MAX_FIELDS]; /* aggregation fields; key_count 0 = default */
    unsigned key_count;
    int severity;                     /* fixed base severity, -1 = from the level */
};

struct triage_tenant_policy {
    char *tenant;                     /* NULL for the defaults */
    enum state_severity incident_min; /* events at or above become incidents */
    int64_t sla_ns[STATE_SEV_COUNT];  /* 0 = no SLA for that severity */
};

struct triage_policy {
    char *path;                       /* "" for the built-in policy */
    int64_t window_ns;                /* aggregation window (sliding) */
    int64_t window_max_ns;            /* an event never spans more than this */
    unsigned samples;                 /* sample logs kept per event */
    char *distinct[TRIAGE_DISTINCT_MAX_FIELDS];
    unsigned distinct_count;
    unsigned distinct_values;         /* values kept per field */
    char *key[TRIAGE_KEY_MAX_FIELDS]; /* default aggregation fields (the rule is always part) */
    unsigned key_count;
    struct triage_rule_policy *rules;
    size_t rule_count;

    enum state_severity level_severity[5]; /* by enum detect_level */
    struct triage_conds *blocked;     /* any matches -> the device blocked it */
    size_t blocked_count;
    struct triage_conds *allowed;     /* any matches -> the device let it through */
    size_t allowed_count;
    enum state_severity blocked_max;  /* a blocked attack is at most this */

    char **web_tags;                  /* a web attack: rule has one of these tags */
    size_t web_tag_count;
    int web_status_min, web_status_max; /* HTTP answer that means it worked */
    char **exploit_tags;              /* an exploit: watched for a callback */
    size_t exploit_tag_count;
    char **callback_tags;             /* a detection that is itself a callback (C2) */
    size_t callback_tag_count;
    int callback_min_level;           /* enum detect_level */
    int64_t callback_window_ns;
    enum state_severity success_severity;

    struct triage_asset *assets;
    size_t asset_count;

    struct triage_tenant_policy defaults;
    struct triage_tenant_policy *tenants;
    size_t tenant_count;
    int64_t merge_ns;                 /* a later event of the same key joins an open incident
                                       * created less than this ago */
};

/* path NULL = the built-in policy (the defaults of rules/triage.yaml). */
enum ym_status triage_policy_load(const char *path, struct triage_policy **out,
                                  struct ym_error *err);
void triage_policy_free(struct triage_policy *p); /* NULL is fine */

const struct triage_tenant_policy *triage_policy_tenant(const struct triage_policy *p,
                                                        const char *tenant);
/* The aggregation fields for a detection: the rule's `aggregate` custom
 * field, else the policy's per-rule key, else the default. names point
 * into out->buf or into p. Returns the count. */
struct triage_key_fields {
    char buf[256];
    const char *names[TRIAGE_KEY_MAX_FIELDS];
    unsigned count;
};
unsigned triage_policy_key(const struct triage_policy *p, const struct triage_detection *d,
                           struct triage_key_fields *out);

enum triage_verdict { TRIAGE_VERDICT_UNKNOWN = 0, TRIAGE_VERDICT_BLOCKED, TRIAGE_VERDICT_ALLOWED };

struct triage_judgement {
    enum state_severity severity;
    enum triage_verdict verdict;
    int success;              /* evidence that the attack worked */
    int exploit;              /* an exploit the engine watches for a callback */
    int callback;             /* a callback (C2) detection */
    char reason[512];
};

/* The severity one detection earns on its own (callbacks after an exploit
 * are the engine's part, as they need two detections). */
void triage_policy_judge(const struct triage_policy *p, const struct triage_detection *d,
                         struct triage_judgement *out);
/* 1 when the rule's tags (comma-separated) hold one of tags. */
int triage_tags_any(const char *rule_tags, char *const *tags, size_t count);
/* The tenant's asset holding addr, or NULL. */
const struct triage_asset *triage_policy_asset(const struct triage_policy *p, const char *tenant,
                                               const char *addr);

/* "10m", "90s", "2h", "1d", or plain seconds. 0 on success. */
int triage_parse_duration(const char *s, int64_t *out_ns);

#endif
