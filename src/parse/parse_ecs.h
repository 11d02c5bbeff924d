/* parse_ecs: the table of well-known ECS field names and the ECS JSON form
 * of a log's fields.
 *
 * ids (enum parse_ecs_id) index the static name table; names are static
 * strings that live for the process. parse_ecs_to_json writes the fields as
 * one nested JSON object ("source.ip" -> {"source":{"ip":...}}), keys
 * sorted, repeated YM_FF_ARRAY names as arrays: the shape of the corpus's
 * expected documents. It appends to a caller-owned ym_buf. Thread-safe. */
#ifndef PARSE_ECS_H
#define PARSE_ECS_H

#include <stdint.h>

#include "core/ym_buf.h"
#include "core/ym_fields.h"

enum parse_ecs_id {
#define ECS(id, name) ECS_##id,
#include "parse/parse_ecs.def"
#undef ECS
    ECS__COUNT
};

extern const char *const parse_ecs_names[ECS__COUNT];

/* Static name of a known id. */
static inline const char *parse_ecs_name(enum parse_ecs_id id) { return parse_ecs_names[id]; }
/* id of a known name, or YM_FIELD_DYNAMIC. */
uint16_t parse_ecs_lookup(const char *name, size_t len);

/* Shorthands for decoders: add a known field whose value is borrowed. */
static inline struct ym_field *ecs_add(struct ym_fields *f, enum parse_ecs_id id, const char *s,
                                       size_t len)
{
    return ym_fields_add(f, (uint16_t)id, parse_ecs_names[id], s, len);
}
static inline struct ym_field *ecs_add_int(struct ym_fields *f, enum parse_ecs_id id, int64_t v)
{
    return ym_fields_add_int(f, (uint16_t)id, parse_ecs_names[id], v);
}
/* Adds one element of an array field (event.category, event.type, tags, related.*). */
struct ym_field *ecs_add_array(struct ym_fields *f, enum parse_ecs_id id, const char *s, size_t len);

/* Writes all fields as one nested JSON object. When two fields share a
 * name without YM_FF_ARRAY, the last one wins. */
void parse_ecs_to_json(const struct ym_fields *f, struct ym_buf *out);

#endif
