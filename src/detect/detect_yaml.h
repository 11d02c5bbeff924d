/* detect_yaml: a small YAML tree with line numbers, for rule files.
 *
 * libyaml reads the text; this module turns each document into a tree of
 * nodes that remember their line, so rule errors can say where they are,
 * and that can be copied and merged (Sigma `action: global` collections).
 * Aliases are expanded; the tree is bounded (DETECT_YAML_MAX_NODES nodes,
 * depth 64) so hostile files cannot blow up memory.
 *
 * Memory: every node is owned by its parent; a document root is owned by
 * the caller and freed with detect_yaml_free. Thread-safe (no globals).
 * Status codes: YM_EIO (file unreadable), YM_EPARSE (not valid YAML; err
 * has the line), YM_ENOMEM (tree too large). */
#ifndef DETECT_YAML_H
#define DETECT_YAML_H

#include <stddef.h>

#include "core/ym_status.h"

#define DETECT_YAML_MAX_NODES 200000

enum detect_yaml_type { DETECT_YAML_SCALAR, DETECT_YAML_SEQ, DETECT_YAML_MAP };

struct detect_yaml_node {
    enum detect_yaml_type type;
    int line;    /* 1-based */
    int plain;   /* scalar written without quotes (so `null`, `~`, `` mean null) */
    char *str;   /* scalar text, NUL-terminated (may contain NULs: use len) */
    size_t len;
    /* SEQ: items[count]; MAP: keys[count] (scalars) and items[count] (values) */
    struct detect_yaml_node **keys;
    struct detect_yaml_node **items;
    size_t count;
};

struct detect_yaml_docs {
    struct detect_yaml_node **v; /* one root per document; NULL for an empty document */
    size_t count;
};

/* ---- load / free ------------------------------------------------------- */
enum ym_status detect_yaml_load_file(const char *path, struct detect_yaml_docs *out,
                                     struct ym_error *err);
enum ym_status detect_yaml_load_mem(const char *name, const char *buf, size_t len,
                                    struct detect_yaml_docs *out, struct ym_error *err);
void detect_yaml_docs_free(struct detect_yaml_docs *docs);
void detect_yaml_free(struct detect_yaml_node *n); /* NULL is fine */

/* ---- use ---------------------------------------------------------------- */
/* Value of key in a map, or NULL (also when n is not a map). */
struct detect_yaml_node *detect_yaml_get(const struct detect_yaml_node *map, const char *key);
/* Scalar text of key, or NULL when missing or not a scalar. */
const char *detect_yaml_get_str(const struct detect_yaml_node *map, const char *key);
/* 1 if the scalar is YAML null (plain null, Null, NULL, ~ or empty). */
int detect_yaml_is_null(const struct detect_yaml_node *n);
/* Deep copy. */
struct detect_yaml_node *detect_yaml_copy(const struct detect_yaml_node *n);
/* Deep merge of src into dst (both maps): keys missing in dst are copied,
 * maps present in both are merged, anything else in dst wins. */
void detect_yaml_merge(struct detect_yaml_node *dst, const struct detect_yaml_node *src);

#endif
