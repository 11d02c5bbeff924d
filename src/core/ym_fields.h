/* ym_fields: the parsed fields of one log, as a flat list of named values.
 *
 * Names are ECS-style dotted names ("source.ip", "cisco.asa.message_id").
 * Well-known ECS names have a numeric id (parse/parse_ecs.h) so that
 * decoders and matchers compare integers, not strings; any other name uses
 * id YM_FIELD_DYNAMIC and is compared by text. A name that repeats with
 * YM_FF_ARRAY set is one array ("event.category": ["network", "intrusion_detection"]).
 *
 * Memory: the list and every value live in the arena given to ym_fields_init
 * (normally the batch's), so they are valid until that arena is reset. Value
 * text may point into the raw log (a slice, not NUL-terminated: use len).
 * Not thread-safe; owned by whoever holds the batch. */
#ifndef YM_FIELDS_H
#define YM_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "core/ym_arena.h"
#include "core/ym_status.h"

#define YM_FIELD_DYNAMIC 0xFFFF

enum ym_field_type {
    YM_FT_STR = 0, /* text in str/len */
    YM_FT_INT,     /* integer in num (str/len may hold its text) */
    YM_FT_FLOAT,   /* double in dbl (str/len may hold its text) */
    YM_FT_BOOL,    /* 0/1 in num */
    YM_FT_JSON,    /* str/len is a JSON value copied as is */
};

enum {
    YM_FF_ARRAY = 1, /* element of an array; print as a JSON array even if alone */
};

struct ym_field {
    uint16_t id;      /* parse_ecs id, or YM_FIELD_DYNAMIC */
    uint8_t type;     /* enum ym_field_type */
    uint8_t flags;    /* YM_FF_* */
    uint32_t len;     /* bytes of str */
    const char *name; /* NUL-terminated; static for known ids, arena otherwise */
    const char *str;  /* value text, len bytes, maybe not NUL-terminated */
    union {
        int64_t num;
        double dbl;
    };
};

struct ym_fields {
    struct ym_field *v;
    uint32_t count;
    uint32_t cap;
    struct ym_arena *arena; /* where v and copied values live */
};

void ym_fields_init(struct ym_fields *f, struct ym_arena *arena);
/* Forgets all fields (memory stays in the arena). */
static inline void ym_fields_clear(struct ym_fields *f) { f->count = 0; }

/* Appends a field; returns the new entry or NULL when the arena is full.
 * The value is borrowed (not copied): it must live as long as the arena.
 * Use ym_fields_add_copy for values built in temporary memory. */
struct ym_field *ym_fields_add(struct ym_fields *f, uint16_t id, const char *name,
                               const char *str, size_t len);
struct ym_field *ym_fields_add_copy(struct ym_fields *f, uint16_t id, const char *name,
                                    const char *str, size_t len);
struct ym_field *ym_fields_add_int(struct ym_fields *f, uint16_t id, const char *name, int64_t v);
struct ym_field *ym_fields_add_float(struct ym_fields *f, uint16_t id, const char *name, double v);
struct ym_field *ym_fields_add_bool(struct ym_fields *f, uint16_t id, const char *name, int v);

/* First field with this id (known names) or name (dynamic), or NULL. */
const struct ym_field *ym_fields_get_id(const struct ym_fields *f, uint16_t id);
const struct ym_field *ym_fields_get(const struct ym_fields *f, const char *name);
/* Removes every field with this name (e.g. to replace a value). */
void ym_fields_del(struct ym_fields *f, const char *name);

#endif
