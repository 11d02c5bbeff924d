/* state_incidents: what triage produces and analysts work on, in the state
 * store: events (detections aggregated by key and window), incidents (events
 * judged a threat) with their timeline, comments and SLA clock,
 * suppressions (per-tenant mutes of detections) and per-tenant rule
 * overrides (enable/disable, threshold).
 *
 * Incident life cycle (state_incident_set_status performs every arrow;
 * anything else is refused with YM_EINVAL and a reason in err):
 *
 *     new ──▶ acknowledged ──▶ notified ──▶ responding ──▶ resolved ──▶ closed
 *      │          │   ▲            │             │            │  ▲        │
 *      └──────────┴───│────────────┴─────────────┴────────────┘  │        │
 *        forward moves may skip states (new ──▶ notified when    │        │
 *        the notify thread sends before anyone acknowledged)     │        │
 *                     └──────────────── reopen ◀─────────────────┴────────┘
 *
 *  1. resolved and closed need a resolution (true_positive, false_positive,
 *     benign): given with the move, or kept from an earlier resolve.
 *  2. closed can be reached from any open status (closing a false positive
 *     straight from new); nothing moves backwards except reopen.
 *  3. reopen (from resolved or closed only) goes back to acknowledged and
 *     clears the resolution.
 *  4. The first notification sets notified_ns once (state_incident_notified)
 *     and moves new/acknowledged to notified; the SLA clock stops there. An
 *     analyst moving an incident to notified (the customer was told another
 *     way) sets it too.
 *
 * Every write appends to the change feed (state_audit.h): "event.new",
 * "event.update", "incident.new", "incident.update", "incident.comment".
 * Writes that take a struct state_actor with a non-NULL name are analyst
 * (or customer) actions and also go to the audit trail; a NULL actor is
 * the server itself ("yamori" in the timeline, no audit entry). Callers
 * that want one transaction around several calls use state_db_begin /
 * state_db_commit; each call alone is atomic.
 *
 * No SQL in this interface: a PostgreSQL backend can implement it. The
 * SQLite backend: state_incidents.c (schema, incidents, timeline),
 * state_events.c (events) and state_tuning.c (suppressions, overrides).
 * distinct_json and samples_json are JSON text, produced and read by
 * triage and shown as they are by the portal and the CLI.
 *
 * Memory: records passed in are copied; strings handed to visitors are
 * borrowed until the visitor returns. Threads: as state_db.h (a connection
 * is used by one thread at a time). Status codes besides YM_OK: YM_EDB,
 * YM_ENOTFOUND (no such id), YM_EINVAL (reader connection asked to write,
 * bad value, refused status transition: err->reason says why). */
#ifndef STATE_INCIDENTS_H
#define STATE_INCIDENTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/ym_status.h"
#include "state/state_db.h"

/* ---- vocabulary ---- */

/* The four levels the customer knows, in increasing order. */
enum state_severity {
    STATE_SEV_INFORMATIONAL = 0,
    STATE_SEV_WARNING,
    STATE_SEV_CRITICAL,
    STATE_SEV_EMERGENCY,
};
#define STATE_SEV_COUNT 4

enum state_status {
    STATE_STATUS_NEW = 0,
    STATE_STATUS_ACKNOWLEDGED,
    STATE_STATUS_NOTIFIED,
    STATE_STATUS_RESPONDING,
    STATE_STATUS_RESOLVED,
    STATE_STATUS_CLOSED,
};
#define STATE_STATUS_COUNT 6

enum state_resolution {
    STATE_RES_NONE = 0,
    STATE_RES_TRUE_POSITIVE,
    STATE_RES_FALSE_POSITIVE,
    STATE_RES_BENIGN,
};

enum state_timeline_kind {
    STATE_TL_DETECTION = 0,
    STATE_TL_PROMOTION,
    STATE_TL_STATUS,
    STATE_TL_NOTIFICATION,
    STATE_TL_COMMENT,
    STATE_TL_ACTION,
};

enum state_visibility {
    STATE_VIS_CUSTOMER = 0, /* the customer sees it */
    STATE_VIS_INTERNAL,     /* analysts only */
};

/* Names as stored and printed ("emergency", "acknowledged",
 * "true_positive", "promotion", "internal"); never NULL. Parsers return 0
 * on success, -1 for an unknown name (case-insensitive; "" for none of the
 * resolutions is STATE_RES_NONE). */
const char *state_severity_name(enum state_severity s);
int state_severity_parse(const char *s, enum state_severity *out);
const char *state_status_name(enum state_status s);
int state_status_parse(const char *s, enum state_status *out);
const char *state_resolution_name(enum state_resolution r);
int state_resolution_parse(const char *s, enum state_resolution *out);
const char *state_timeline_kind_name(enum state_timeline_kind k);
int state_timeline_kind_parse(const char *s, enum state_timeline_kind *out);
const char *state_visibility_name(enum state_visibility v);
int state_visibility_parse(const char *s, enum state_visibility *out);

/* Who makes a change. name NULL = the server itself (no audit entry). */
struct state_actor {
    const char *name;    /* user name ("alice") */
    const char *role;    /* admin | analyst | customer | "" */
    const char *address; /* client address for the portal, "cli" for the CLI */
};

/* ---- events ---- */

struct state_event {
    int64_t id;                 /* set by the store on insert */
    const char *tenant;
    const char *rule_id;
    const char *title;          /* the rule's title */
    const char *level;          /* the rule's Sigma level ("high") */
    enum state_severity severity;
    const char *reason;         /* why this severity (policy's words) */
    const char *agg_key;        /* the aggregation key as text */
    const char *device;         /* device of the first detection */
    const char *source_ip, *destination_ip; /* "" when unknown */
    uint64_t count;             /* detections aggregated */
    int suppressed;             /* 1 = muted (suppression or rule disabled for the tenant) */
    int64_t suppression_id;     /* 0 = none (or rule disabled) */
    int64_t first_ns, last_ns;  /* first and last detection (log time) */
    int64_t window_end_ns;      /* detections before this join the event */
    int64_t incident_id;        /* 0 = not (yet) an incident */
    const char *distinct_json;  /* {"field": ["value", ...]} */
    const char *samples_json;   /* [{"archive_ref": N, "time": "...", "device": "...", "text": "..."}] */
};

/* ev->id == 0: inserts (sets ev->id; change "event.new"); else updates
 * every column of that event (change "event.update"). */
enum ym_status state_event_put(struct state_db *db, struct state_event *ev);
/* Links an event to an incident (change "event.update"). */
enum ym_status state_event_link(struct state_db *db, int64_t event_id, int64_t incident_id);

struct state_event_filter {
    const char *tenant;         /* NULL = all */
    const char *rule_id;        /* NULL = all */
    int64_t from_ns, to_ns;     /* last_ns in [from, to); 0 = no bound */
    int64_t incident_id;        /* > 0: events of this incident; -1: events of no incident; 0: all */
    int suppressed;             /* -1 = all, 0 = not muted, 1 = muted only */
    int64_t open_at_ns;         /* > 0: only events whose window is open then */
    size_t limit, offset;       /* limit 0 = no limit */
};
typedef int (*state_event_fn)(void *arg, const struct state_event *ev); /* 1 = stop */
/* Newest (last_ns) first. *total (may be NULL) = matches without limit/offset. */
enum ym_status state_events_each(struct state_db *db, const struct state_event_filter *f,
                                 state_event_fn fn, void *arg, uint64_t *total);
enum ym_status state_event_get(struct state_db *db, int64_t id, state_event_fn fn, void *arg);

/* ---- incidents ---- */

struct state_incident {
    int64_t id;                 /* set by the store on create */
    const char *tenant;
    const char *title;
    enum state_severity severity;
    enum state_status status;
    enum state_resolution resolution;
    const char *assignee;       /* "" = nobody */
    const char *rule_id;        /* rule of the event that opened it */
    const char *source_ip, *destination_ip;
    const char *response;       /* recommended response (the rules' `response`) */
    int64_t created_ns, updated_ns;
    int64_t first_detection_ns; /* the SLA clock starts here */
    int64_t sla_due_ns;         /* 0 = no SLA for this severity */
    int64_t notified_ns;        /* 0 = the customer has not been notified */
    int sla_breached;           /* 1 = not notified by sla_due_ns */
    uint64_t detections;        /* read only: sum of the linked events' counts */
};

/* Creates an incident with status new (created_ns = updated_ns = now_ns;
 * status, resolution, notified_ns and sla_breached as given are ignored),
 * a first timeline entry (kind detection, text `why`), change
 * "incident.new". Sets inc->id. */
enum ym_status state_incident_create(struct state_db *db, struct state_incident *inc,
                                     const char *why, int64_t now_ns);

typedef int (*state_incident_fn)(void *arg, const struct state_incident *inc); /* 1 = stop */
/* YM_ENOTFOUND when there is no such incident. */
enum ym_status state_incident_get(struct state_db *db, int64_t id, state_incident_fn fn,
                                  void *arg);

struct state_incident_filter {
    const char *tenant;         /* NULL = all */
    unsigned status_mask;       /* bit (1u << enum state_status); 0 = all */
    unsigned severity_mask;     /* bit (1u << enum state_severity); 0 = all */
    const char *assignee;       /* NULL = all, "" = unassigned */
    int64_t from_ns, to_ns;     /* created_ns in [from, to); 0 = no bound */
    size_t limit, offset;       /* limit 0 = no limit */
};
#define STATE_STATUS_OPEN_MASK                                                                 \
    ((1u << STATE_STATUS_NEW) | (1u << STATE_STATUS_ACKNOWLEDGED) |                            \
     (1u << STATE_STATUS_NOTIFIED) | (1u << STATE_STATUS_RESPONDING))
/* Newest first. *total (may be NULL) = matches without limit/offset. */
enum ym_status state_incidents_each(struct state_db *db, const struct state_incident_filter *f,
                                    state_incident_fn fn, void *arg, uint64_t *total);

/* Open and total incidents of tenant (NULL = all), per severity and status
 * (dashboard). */
struct state_incident_summary {
    uint64_t by[STATE_SEV_COUNT][STATE_STATUS_COUNT];
    uint64_t sla_breached;      /* incidents whose SLA was breached */
};
enum ym_status state_incidents_summary(struct state_db *db, const char *tenant,
                                       struct state_incident_summary *out);

/* Severity change. Raising it is a promotion (timeline kind promotion,
 * text why); lowering it is an analyst's action (kind action). sla_due_ns
 * > 0 replaces the SLA due time (a Warning promoted to Critical gets the
 * Critical target), 0 keeps it. Same severity: YM_OK, nothing written. */
enum ym_status state_incident_set_severity(struct state_db *db, int64_t id,
                                           enum state_severity sev, const char *why,
                                           int64_t sla_due_ns, const struct state_actor *actor,
                                           int64_t now_ns);
/* Status move along the life cycle above; res is needed for resolved and
 * closed (STATE_RES_NONE keeps an earlier one). note (may be NULL or "")
 * is added to the timeline entry. Refused moves: YM_EINVAL, err->reason
 * says why ("cannot go from closed to acknowledged: reopen it first"). */
enum ym_status state_incident_set_status(struct state_db *db, int64_t id, enum state_status to,
                                         enum state_resolution res, const char *note,
                                         const struct state_actor *actor, int64_t now_ns,
                                         struct ym_error *err);
/* resolved or closed -> acknowledged, resolution cleared. */
enum ym_status state_incident_reopen(struct state_db *db, int64_t id, const char *note,
                                     const struct state_actor *actor, int64_t now_ns,
                                     struct ym_error *err);
/* assignee "" = nobody. */
enum ym_status state_incident_assign(struct state_db *db, int64_t id, const char *assignee,
                                     const struct state_actor *actor, int64_t now_ns);
/* A comment (timeline kind comment; change "incident.comment"). *entry_id
 * may be NULL. */
enum ym_status state_incident_comment(struct state_db *db, int64_t id, enum state_visibility vis,
                                      const char *text, const struct state_actor *actor,
                                      int64_t now_ns, int64_t *entry_id);
/* Any other timeline entry (the notify thread's attempts: kind
 * notification; a block action: kind action). Change "incident.update". */
enum ym_status state_incident_timeline_add(struct state_db *db, int64_t id,
                                           enum state_timeline_kind kind,
                                           enum state_visibility vis, const char *text,
                                           const struct state_actor *actor, int64_t now_ns);
/* The customer was notified at now_ns (the notify thread, after a send was
 * accepted): sets notified_ns if unset, moves new/acknowledged to
 * notified, adds a notification entry with text. Later calls only add
 * the entry. */
enum ym_status state_incident_notified(struct state_db *db, int64_t id, const char *text,
                                       int64_t now_ns);
/* Marks incidents whose SLA is due (sla_due_ns <= now_ns) and that nobody
 * notified: sla_breached = 1, a timeline entry, change "incident.update".
 * *marked (may be NULL) = how many this call marked. */
enum ym_status state_incidents_mark_sla(struct state_db *db, int64_t now_ns, uint64_t *marked);

struct state_timeline_entry {
    int64_t id;
    int64_t incident_id;
    const char *tenant;
    int64_t time_ns;
    enum state_timeline_kind kind;
    const char *actor;          /* "yamori" for the server */
    enum state_visibility visibility;
    const char *text;
};
typedef int (*state_timeline_fn)(void *arg, const struct state_timeline_entry *e); /* 1 = stop */
/* Oldest first. include_internal 0 = customer-visible entries only. */
enum ym_status state_timeline_each(struct state_db *db, int64_t incident_id, int include_internal,
                                   state_timeline_fn fn, void *arg);

/* ---- suppressions ---- */

struct state_suppression {
    int64_t id;                 /* set by the store on add */
    const char *tenant;
    const char *rule_id;        /* "" = any rule */
    const char *conditions;     /* field conditions as written ("source.ip=10.0.0.0/8
                                 * destination.port=443"); syntax in docs/triage.md */
    const char *reason;
    const char *author;
    int64_t created_ns;
    int64_t expires_ns;         /* 0 = never */
    int64_t deleted_ns;         /* 0 = in force (unless expired) */
    uint64_t hits;              /* detections muted so far */
};

/* Sets s->id; audited (action "suppression.add") when actor->name is set. */
enum ym_status state_suppression_add(struct state_db *db, struct state_suppression *s,
                                     const struct state_actor *actor, int64_t now_ns);
/* Deletion keeps the row (deleted_ns) so that muted events still say why. */
enum ym_status state_suppression_delete(struct state_db *db, int64_t id,
                                        const struct state_actor *actor, int64_t now_ns);
/* Adds to the hit count (triage, when it mutes detections). */
enum ym_status state_suppression_hits_add(struct state_db *db, int64_t id, uint64_t hits);
typedef int (*state_suppression_fn)(void *arg, const struct state_suppression *s); /* 1 = stop */
/* tenant NULL = all. active_at_ns > 0: only those in force then (not
 * deleted, not expired); 0 = every suppression ever added. By id. */
enum ym_status state_suppressions_each(struct state_db *db, const char *tenant,
                                       int64_t active_at_ns, state_suppression_fn fn, void *arg);

/* ---- per-tenant rule overrides ---- */

struct state_rule_override {
    const char *tenant;
    const char *rule_id;
    int enabled;                /* 0 = the rule's detections are muted for this tenant */
    uint64_t threshold;         /* > 1: an event becomes an incident only from this count */
    const char *author;
    int64_t updated_ns;
};
/* Inserts or replaces (tenant, rule_id); audited ("rule.override"). */
enum ym_status state_rule_override_set(struct state_db *db, const struct state_rule_override *o,
                                       const struct state_actor *actor, int64_t now_ns);
/* YM_ENOTFOUND when there was none. */
enum ym_status state_rule_override_delete(struct state_db *db, const char *tenant,
                                          const char *rule_id, const struct state_actor *actor,
                                          int64_t now_ns);
typedef int (*state_rule_override_fn)(void *arg, const struct state_rule_override *o);
/* tenant NULL = all; by tenant, rule. */
enum ym_status state_rule_overrides_each(struct state_db *db, const char *tenant,
                                         state_rule_override_fn fn, void *arg);

/* A number that changes whenever suppressions or overrides change (triage
 * re-reads them when it moves; cheap to call every second). */
enum ym_status state_tuning_generation(struct state_db *db, int64_t *gen);

#endif
