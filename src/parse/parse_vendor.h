/* parse_vendor: small helpers shared by the vendor decoders (panos, nsp,
 * fireeye, cef, leef): device times in the device's zone, numbers, IP
 * checks, and adding fields that skip empty values.
 *
 * Values added are borrowed slices unless the name says _copy; formatted
 * times are written into the fields' arena. No state: any thread may call.
 * Time and number parsers return YM_OK or YM_EPARSE. */
#ifndef PARSE_VENDOR_H
#define PARSE_VENDOR_H

#include <stddef.h>
#include <stdint.h>

#include "core/ym_fields.h"
#include "core/ym_status.h"
#include "parse/parse_ecs.h"

/* Reads "YYYY/MM/DD HH:MM:SS", "YYYY-MM-DD HH:MM:SS", RFC 3339 / ISO 8601
 * ("2021-11-11T15:42:44.845-08:00", "...Z", "...+0000", fractions), and
 * "Mon DD YYYY HH:MM:SS" / "Mon DD HH:MM:SS" (then year from now_ns).
 * A time without an offset is read in zone tz ("" or NULL = UTC). */
enum ym_status parse_vendor_time(const char *s, size_t len, const char *tz, int64_t now_ns,
                                 int64_t *out_ns);
/* Adds name = the instant t_ns as RFC 3339 UTC text (arena copy). */
struct ym_field *parse_vendor_add_time(struct ym_fields *f, uint16_t id, const char *name,
                                       int64_t t_ns);

/* The same, shown at the offset zone tz has at that instant ("" = UTC). */
struct ym_field *parse_vendor_add_time_tz(struct ym_fields *f, uint16_t id, const char *name,
                                          int64_t t_ns, const char *tz);

/* Decimal integers (optional leading '-' for the signed one); whole slice. */
enum ym_status parse_vendor_u64(const char *s, size_t len, uint64_t *out);
enum ym_status parse_vendor_i64(const char *s, size_t len, int64_t *out);

/* 4 for an IPv4 literal, 6 for IPv6, 0 otherwise. */
int parse_vendor_ip_family(const char *s, size_t len);

/* Case-insensitive equality of a slice and a C string. */
int parse_vendor_ieq(const char *s, size_t len, const char *lit);

/* Adders that do nothing for an empty value. _dyn is for names without an
 * ECS id (the name must be a static string). _int adds only valid numbers. */
void parse_vendor_add(struct ym_fields *f, enum parse_ecs_id id, const char *s, size_t len);
void parse_vendor_add_dyn(struct ym_fields *f, const char *name, const char *s, size_t len);
void parse_vendor_add_int(struct ym_fields *f, enum parse_ecs_id id, const char *s, size_t len);
void parse_vendor_add_dyn_int(struct ym_fields *f, const char *name, const char *s, size_t len);
/* Adds an IP field only when s is an IP literal. Returns 4, 6 or 0. */
int parse_vendor_add_ip(struct ym_fields *f, enum parse_ecs_id id, const char *s, size_t len);
/* Adds a user name, splitting "DOMAIN\user" and "user@domain" into
 * name_id + domain (domain_name is a static dynamic name, may be NULL). */
void parse_vendor_add_user(struct ym_fields *f, enum parse_ecs_id name_id, const char *domain_name,
                           const char *s, size_t len);

/* Severity words (critical, high, medium, low, informational, ...) as
 * numbers; -1 when unknown. */
int parse_vendor_severity_word(const char *s, size_t len);

#endif
