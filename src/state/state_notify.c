/* state_notify: the notification outbox and the record of every attempt
 * (see state_notify.h). */
#include "state/state_db_internal.h"

const char state_notify_sql_v3[] =
    /* One row per notification to send (an incident's, or a digest's):
     * written by whoever decides it is due, taken by the notify thread. */
    "CREATE TABLE notifications (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL,"
    "  incident_id INTEGER,"                  /* NULL for a digest */
    "  reason TEXT NOT NULL,"                 /* new|promoted|status|manual|digest */
    "  created_ns INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'pending',"  /* pending|sent|failed|skipped */
    "  attempts INTEGER NOT NULL DEFAULT 0, next_ns INTEGER NOT NULL, done_ns INTEGER);"
    "CREATE INDEX notifications_due ON notifications (state, next_ns);"
    "CREATE INDEX notifications_incident ON notifications (incident_id);"
    "CREATE TABLE notification_attempts (id INTEGER PRIMARY KEY,"
    "  notification_id INTEGER NOT NULL, time_ns INTEGER NOT NULL,"
    "  channel TEXT NOT NULL,"                /* email|webhook|slack|teams */
    "  target TEXT NOT NULL, ok INTEGER NOT NULL, answer TEXT NOT NULL);"
    "CREATE INDEX notification_attempts_n ON notification_attempts (notification_id);";
