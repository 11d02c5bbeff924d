/* detect_types: the compiled form of rules, shared by the detect modules
 * (loader, condition parser, engine, correlation). Types only.
 *
 * Everything here lives in the set's arena (struct detect_set.arena) and is
 * immutable once detect_set_compile returns, except correlation state
 * (detect_corr.c, behind its own mutex). */
#ifndef DETECT_TYPES_H
#define DETECT_TYPES_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "core/ym_arena.h"
#include "detect/detect.h"

/* A value pattern is a string of 16-bit tokens: 0..255 a literal byte, or
 * one of these (so a value keeps its escaped `*` apart from a wildcard). */
enum {
    DETECT_TOK_STAR = 256,  /* any run of bytes */
    DETECT_TOK_QMARK = 257, /* one byte */
    DETECT_TOK_DASH = 258,  /* |windash: - / en dash, em dash, horizontal bar */
};

enum detect_atom_kind {
    DETECT_ATOM_PAT,      /* glob pattern over the field's text */
    DETECT_ATOM_RE,       /* PCRE2 regex (search) */
    DETECT_ATOM_CIDR,     /* address inside a network */
    DETECT_ATOM_NUM,      /* numeric comparison */
    DETECT_ATOM_NULL,     /* field missing or empty */
    DETECT_ATOM_EXISTS,   /* field present (num = 1) or absent (num = 0) */
    DETECT_ATOM_FIELDREF, /* equal to another field of the same log */
};

enum detect_hs_mode {
    DETECT_HS_NONE = 0, /* evaluated directly */
    DETECT_HS_EXACT,    /* the Vectorscan hit is the answer */
    DETECT_HS_PREFILTER /* the hit is necessary, PCRE2 confirms */
};

enum detect_num_op { DETECT_OP_GT, DETECT_OP_GTE, DETECT_OP_LT, DETECT_OP_LTE };

/* Field of a log: known ECS id, or YM_FIELD_DYNAMIC with its name. */
struct detect_fkey {
    uint16_t id;
    const char *name; /* ECS name, always set (arena) */
};

struct detect_atom {
    uint8_t kind;    /* enum detect_atom_kind */
    uint8_t hs;      /* enum detect_hs_mode */
    uint8_t cased;   /* |cased (patterns, fieldref) */
    uint8_t op;      /* enum detect_num_op */
    uint8_t trigger; /* a Vectorscan hit on it makes its rule a candidate */
    uint32_t hs_id;  /* slot in the set's atom table when hs != NONE */
    uint32_t group;  /* index of the Sigma value it came from (|all needs every group) */
    const uint16_t *pat; /* PAT */
    uint32_t pat_len;
    const char *re_src;  /* RE: the source, for Vectorscan */
    uint32_t re_flags;   /* RE: PCRE2 flags */
    void *re;            /* RE: pcre2_code * (JIT compiled) */
    uint8_t addr[16];    /* CIDR: network, v4 in the first 4 bytes */
    uint8_t family;      /* CIDR: 4 or 6 */
    uint8_t prefix;      /* CIDR: prefix length */
    double num;          /* NUM value; EXISTS 1/0 */
    struct detect_fkey ref; /* FIELDREF */
};

/* One `field|modifiers: values` of a selection. */
struct detect_item {
    struct detect_fkey field;
    uint8_t raw;  /* keyword: match anywhere in the raw log */
    uint8_t all;  /* |all: every atom must hold (else any) */
    uint8_t neg;  /* |neq: result inverted */
    uint32_t atom_count;
    struct detect_atom *atoms;
};

/* A map of items (AND). */
struct detect_map {
    uint32_t count;
    struct detect_item *items;
};

/* A named selection: one or more maps (OR). */
struct detect_sel {
    const char *name;
    uint32_t count;
    struct detect_map *alts;
};

enum detect_cond_op { DETECT_C_AND, DETECT_C_OR, DETECT_C_NOT, DETECT_C_SEL, DETECT_C_OF };

struct detect_cond {
    uint8_t op;
    struct detect_cond *a, *b; /* AND/OR: both, NOT: a */
    uint32_t sel;              /* SEL */
    uint32_t *sels;            /* OF: selections counted */
    uint32_t sel_count;
    uint32_t need;             /* OF: how many must hold (0 = all of them) */
};

enum detect_corr_type {
    DETECT_CORR_EVENT_COUNT,
    DETECT_CORR_VALUE_COUNT,
    DETECT_CORR_TEMPORAL,
    DETECT_CORR_TEMPORAL_ORDERED,
};

struct detect_corr; /* detect_corr.c: definition and state */

struct detect_rule {
    struct detect_rule_meta meta;
    uint32_t sel_count;
    struct detect_sel *sels;
    struct detect_cond *cond;
    uint32_t kinds_mask; /* device kinds it applies to; 0 = inactive */
    uint8_t always;      /* may match with no Vectorscan literal hit */
    uint8_t emit;        /* 0 = only feeds correlations (generate: false) */
    uint8_t keep_emit;   /* a correlation using it says generate: true */
    uint32_t index;      /* position in set->rules */
    struct detect_corr *corr; /* correlation rules only */
    uint32_t *feeds;     /* correlations (rule indexes) that use this rule */
    uint32_t feed_count;
};

/* ---- the set (detect_set.c builds it, detect_engine.c runs it) ---- */

/* One Vectorscan database: the literals of every rule for one field. */
struct detect_db {
    struct detect_fkey field;
    uint8_t raw;  /* the raw log (keywords) instead of a field */
    void *db;     /* hs_database_t * */
    uint32_t pattern_count;
};

/* What a Vectorscan pattern id stands for. */
struct detect_slot {
    uint32_t rule;
    uint32_t trigger; /* copy of atom->trigger */
    const struct detect_atom *atom;
};

struct detect_set {
    atomic_int refs;
    uint64_t serial; /* unique per compiled set: scratches notice a new set */
    struct ym_arena arena;
    struct detect_source *source;
    struct detect_placeholders *placeholders;
    void **regexes;
    size_t regex_count;
    struct detect_rule **rules; /* in the matcher (active, correlations included) */
    uint32_t rule_count;
    uint32_t max_sels;
    struct detect_slot *slots;
    uint32_t slot_count;
    /* Vectorscan pattern id -> its slots (identical expressions of many
     * rules are compiled once): pat_slots[pat_start[id] .. pat_start[id+1]) */
    uint32_t *pat_start;
    uint32_t *pat_slots;
    uint32_t pat_count;
    struct detect_db *dbs;
    uint32_t db_count;
    int32_t *db_by_id;         /* [ECS__COUNT]: db index or -1 */
    struct detect_dyn_entry { const char *name; int32_t db; } *dyn; /* open addressing */
    uint32_t dyn_mask;
    uint8_t dyn_filter[8192]; /* bit per (length, middle, last byte) of names with a db */
    int32_t raw_db;
    uint32_t *always; /* rules evaluated on every log */
    uint32_t always_count;
    void *hs_proto;   /* hs_scratch_t * valid for every db */
    /* each correlation's state has its own lock (detect_corr.c): the two
     * workers, feeding the same denies into three correlations, waited on
     * one set-wide lock */
    _Atomic uint64_t corr_groups_dropped;
    _Atomic uint64_t corr_events_capped;
};

/* Cheap pre-test for dynamic field names: most fields of a log have no
 * database, and this answers "no" without hashing the name. */
static inline uint32_t detect_name_filter_bit(const char *name, size_t len)
{
    if (len == 0)
        return 0;
    return ((uint32_t)(len & 0xFF) * 961u + (uint8_t)name[len / 2] * 31u + (uint8_t)name[len - 1]) & 0xFFFFu;
}

static inline uint32_t detect_name_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

/* detect_engine.c */
int detect_engine_build(struct detect_set *set, char *reason, size_t reason_len);
void detect_engine_free(struct detect_set *set);
/* detect_corr.c: links correlations to their rules after loading; returns
 * 0, or -1 with reason for the correlation rule r. */
int detect_corr_link(struct detect_rule **all, uint32_t count, struct detect_rule *r, char *reason,
                     size_t reason_len);
/* A rule (base or correlation) fired on rec: feeds the correlations that
 * use it, calling fn for each that completes. Returns detections made. */
int detect_corr_feed(struct detect_set *set, const struct detect_rule *fired,
                     const struct ym_record *rec, int64_t time_ns, detect_hit_fn fn, void *arg,
                     int depth);
void detect_corr_free(struct detect_corr *c);
void detect_corr_set_generate(struct detect_corr *c, int on);
/* The rule ids or names a correlation refers to (as written). */
uint32_t detect_corr_refs(const struct detect_corr *c, const char *const **refs);
/* Text of a field of rec for matching (numbers formatted into buf). */
const char *detect_field_text(const struct ym_field *f, char *buf, size_t buf_len, size_t *len);
int detect_fkey_eq(const struct ym_field *f, const struct detect_fkey *k);

#endif
