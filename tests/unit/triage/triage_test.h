/* Helpers shared by the triage unit tests: a detection built from a few
 * fields, as a worker would hand it over. */
#ifndef TRIAGE_TEST_H
#define TRIAGE_TEST_H

#include <stdarg.h>
#include <string.h>

#include "triage/triage.h"

/* fields: "name", "value", ..., NULL. */
static inline struct triage_detection det(const char *rule_id, enum detect_level level,
                                          const char *tags, int64_t t_ns, ...)
{
    struct triage_detection d = {
        .rule_id = rule_id, .rule_title = rule_id, .rule_response = "Block the source",
        .agg_key = "", .tags = tags, .level = level, .group = "", .count = 1,
        .tenant = "acme", .device = "fw1", .device_kind = "asa", .time_ns = t_ns,
        .received_ns = 0, .archive_ref = 7, .sample = "raw log line",
    };
    va_list ap;
    va_start(ap, t_ns);
    const char *name;
    while ((name = va_arg(ap, const char *)) && d.field_count < TRIAGE_FIELDS_MAX) {
        d.fields[d.field_count].name = name;
        d.fields[d.field_count++].value = va_arg(ap, const char *);
    }
    va_end(ap);
    return d;
}

#endif
