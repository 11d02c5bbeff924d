/* state_incidents: events, incidents, their timeline, suppressions and
 * per-tenant rule overrides (see state_incidents.h). */
#include "state/state_db_internal.h"

const char state_incidents_sql_v3[] =
    /* Detections aggregated by key inside a window (triage). */
    "CREATE TABLE events (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL,"
    "  rule_id TEXT NOT NULL, title TEXT NOT NULL, level TEXT NOT NULL,"
    "  severity TEXT NOT NULL,"           /* emergency|critical|warning|informational */
    "  reason TEXT NOT NULL DEFAULT '',"  /* why this severity */
    "  agg_key TEXT NOT NULL, device TEXT NOT NULL DEFAULT '',"
    "  source_ip TEXT NOT NULL DEFAULT '', destination_ip TEXT NOT NULL DEFAULT '',"
    "  count INTEGER NOT NULL, suppressed INTEGER NOT NULL DEFAULT 0,"
    "  suppression_id INTEGER, first_ns INTEGER NOT NULL, last_ns INTEGER NOT NULL,"
    "  window_end_ns INTEGER NOT NULL, incident_id INTEGER,"
    "  distinct_json TEXT NOT NULL DEFAULT '{}',"  /* {"field": ["value", ...]} */
    "  samples_json TEXT NOT NULL DEFAULT '[]');"  /* archive references + raw text */
    "CREATE INDEX events_tenant_last ON events (tenant, last_ns);"
    "CREATE INDEX events_incident ON events (incident_id);"
    "CREATE TABLE incidents (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL,"
    "  title TEXT NOT NULL, severity TEXT NOT NULL, status TEXT NOT NULL,"
    "  resolution TEXT NOT NULL DEFAULT '', assignee TEXT NOT NULL DEFAULT '',"
    "  rule_id TEXT NOT NULL, source_ip TEXT NOT NULL DEFAULT '',"
    "  destination_ip TEXT NOT NULL DEFAULT '', response TEXT NOT NULL DEFAULT '',"
    "  created_ns INTEGER NOT NULL, updated_ns INTEGER NOT NULL,"
    "  first_detection_ns INTEGER NOT NULL, sla_due_ns INTEGER, notified_ns INTEGER,"
    "  sla_breached INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX incidents_tenant ON incidents (tenant, created_ns);"
    "CREATE INDEX incidents_status ON incidents (status, created_ns);"
    "CREATE TABLE timeline (id INTEGER PRIMARY KEY, incident_id INTEGER NOT NULL,"
    "  tenant TEXT NOT NULL, time_ns INTEGER NOT NULL,"
    "  kind TEXT NOT NULL,"  /* detection|promotion|status|notification|comment|action */
    "  actor TEXT NOT NULL DEFAULT '',"
    "  visibility TEXT NOT NULL DEFAULT 'customer',"  /* customer | internal */
    "  text TEXT NOT NULL);"
    "CREATE INDEX timeline_incident ON timeline (incident_id, time_ns);"
    "CREATE TABLE suppressions (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL,"
    "  rule_id TEXT NOT NULL DEFAULT '',"       /* '' = any rule */
    "  conditions TEXT NOT NULL DEFAULT '',"    /* field conditions, as written */
    "  reason TEXT NOT NULL, author TEXT NOT NULL, created_ns INTEGER NOT NULL,"
    "  expires_ns INTEGER, deleted_ns INTEGER, hits INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE rule_overrides (tenant TEXT NOT NULL, rule_id TEXT NOT NULL,"
    "  enabled INTEGER NOT NULL DEFAULT 1, threshold INTEGER,"
    "  author TEXT NOT NULL, updated_ns INTEGER NOT NULL,"
    "  PRIMARY KEY (tenant, rule_id)) WITHOUT ROWID;";
