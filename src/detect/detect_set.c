/* detect_set: compiling rule files into a set, reports, refcounts, and the
 * live set swapped on reload (see detect.h). */
#include "detect/detect.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "core/ym_alloc.h"
#include "detect/detect_rule.h"
#include "detect/detect_types.h"

static atomic_uint_fast64_t set_serial;

/* ---- names ----------------------------------------------------------------- */

const char *detect_level_name(enum detect_level level)
{
    static const char *const names[] = {"informational", "low", "medium", "high", "critical"};
    return (unsigned)level < 5 ? names[level] : "medium";
}

const char *detect_rule_status_name(enum detect_rule_status st)
{
    switch (st) {
    case DETECT_RULE_OK: return "ok";
    case DETECT_RULE_INACTIVE: return "inactive";
    case DETECT_RULE_UNSUPPORTED: return "unsupported";
    default: return "error";
    }
}

/* ---- reports --------------------------------------------------------------- */

void detect_reports_free(struct detect_reports *r)
{
    if (!r)
        return;
    free(r->v);
    r->v = NULL;
    r->count = r->cap = 0;
}

size_t detect_reports_count(const struct detect_reports *r, enum detect_rule_status st)
{
    size_t n = 0;
    for (size_t i = 0; r && i < r->count; i++)
        n += r->v[i].status == st;
    return n;
}

static struct detect_report *report_add(struct detect_reports *r, const char *file, int line,
                                        const char *id, const char *title,
                                        enum detect_rule_status st, const char *reason)
{
    if (!r)
        return NULL;
    if (r->count == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->v = ym_xrealloc(r->v, r->cap * sizeof(*r->v));
    }
    struct detect_report *p = &r->v[r->count++];
    memset(p, 0, sizeof(*p));
    snprintf(p->file, sizeof(p->file), "%s", file);
    p->line = line;
    snprintf(p->id, sizeof(p->id), "%s", id ? id : "");
    snprintf(p->title, sizeof(p->title), "%s", title ? title : "");
    p->status = st;
    snprintf(p->reason, sizeof(p->reason), "%s", reason ? reason : "");
    return p;
}

/* ---- files ------------------------------------------------------------------ */

struct files {
    char **v;
    size_t count, cap;
};

static int is_rule_file(const char *name)
{
    size_t n = strlen(name);
    if (name[0] == '.')
        return 0;
    if (strcmp(name, "logsources.yaml") == 0 || strcmp(name, "placeholders.yaml") == 0 ||
        strcmp(name, "triage.yaml") == 0) /* the triage policy, not a rule */
        return 0;
    return (n > 4 && strcmp(name + n - 4, ".yml") == 0) || (n > 5 && strcmp(name + n - 5, ".yaml") == 0);
}

static void files_add(struct files *f, char *path)
{
    if (f->count == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 64;
        f->v = ym_xrealloc(f->v, f->cap * sizeof(*f->v));
    }
    f->v[f->count++] = path;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static enum ym_status walk(const char *path, struct files *f, int depth, struct ym_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        ym_error_set(err, path, 0, 0, "cannot read: %s", strerror(errno));
        return YM_EIO;
    }
    if (!S_ISDIR(st.st_mode)) {
        files_add(f, ym_xstrdup(path));
        return YM_OK;
    }
    if (depth > 16)
        return YM_OK;
    DIR *d = opendir(path);
    if (!d) {
        ym_error_set(err, path, 0, 0, "cannot open directory: %s", strerror(errno));
        return YM_EIO;
    }
    size_t first = f->count;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *child = ym_xasprintf("%s/%s", path, e->d_name);
        struct stat cs;
        if (stat(child, &cs) == 0 && S_ISDIR(cs.st_mode)) {
            walk(child, f, depth + 1, err);
            free(child);
        } else if (is_rule_file(e->d_name)) {
            files_add(f, child);
        } else {
            free(child);
        }
    }
    closedir(d);
    qsort(f->v + first, f->count - first, sizeof(*f->v), cmp_str);
    return YM_OK;
}

/* ---- compile ------------------------------------------------------------------ */

struct loaded {
    struct detect_rule **v;
    size_t *report; /* report index of each rule, or SIZE_MAX */
    size_t count, cap;
    uint32_t *ids;  /* hash of rule ids: index + 1 into v, open addressing */
    size_t ids_cap;
};

static size_t id_hash(const char *s)
{
    size_t h = 5381;
    for (; *s; s++)
        h = h * 33 + (unsigned char)*s;
    return h;
}

/* The loaded rule with this id, or NULL. */
static struct detect_rule *loaded_find(const struct loaded *l, const char *id)
{
    if (!l->ids_cap)
        return NULL;
    for (size_t h = id_hash(id) & (l->ids_cap - 1); l->ids[h]; h = (h + 1) & (l->ids_cap - 1))
        if (strcmp(l->v[l->ids[h] - 1]->meta.id, id) == 0)
            return l->v[l->ids[h] - 1];
    return NULL;
}

static void ids_put(struct loaded *l, size_t i)
{
    size_t h = id_hash(l->v[i]->meta.id) & (l->ids_cap - 1);
    while (l->ids[h])
        h = (h + 1) & (l->ids_cap - 1);
    l->ids[h] = (uint32_t)i + 1;
}

static void loaded_add(struct loaded *l, struct detect_rule *r, size_t report)
{
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = ym_xrealloc(l->v, l->cap * sizeof(*l->v));
        l->report = ym_xrealloc(l->report, l->cap * sizeof(*l->report));
    }
    l->v[l->count] = r;
    l->report[l->count++] = report;
    if (l->count * 2 > l->ids_cap) {
        free(l->ids);
        l->ids_cap = l->cap * 4;
        l->ids = ym_xcalloc(l->ids_cap, sizeof(*l->ids));
        for (size_t i = 0; i < l->count; i++)
            ids_put(l, i);
    } else {
        ids_put(l, l->count - 1);
    }
}

static void load_file(struct detect_build *b, const char *path, struct loaded *l,
                      struct detect_reports *reports, int include_inactive)
{
    struct detect_yaml_docs docs;
    struct ym_error yerr;
    memset(&yerr, 0, sizeof(yerr));
    if (detect_yaml_load_file(path, &docs, &yerr) != YM_OK) {
        report_add(reports, path, yerr.line, "", "", DETECT_RULE_ERROR, yerr.reason);
        return;
    }
    struct detect_yaml_node *global = NULL, *prev = NULL;
    for (size_t i = 0; i < docs.count; i++) {
        struct detect_yaml_node *doc = docs.v[i];
        if (!doc)
            continue;
        const char *action = detect_yaml_get_str(doc, "action");
        if (action && strcmp(action, "global") == 0) {
            detect_yaml_free(global);
            global = detect_yaml_copy(doc);
            continue;
        }
        if (action && strcmp(action, "reset") == 0) {
            detect_yaml_free(global);
            global = NULL;
            continue;
        }
        struct detect_yaml_node *merged = detect_yaml_copy(doc);
        if (action && strcmp(action, "repeat") == 0 && prev)
            detect_yaml_merge(merged, prev);
        else if (global)
            detect_yaml_merge(merged, global);
        struct detect_rule *r = NULL;
        enum detect_rule_status st = detect_rule_build(b, merged, path, &r);
        const char *id = detect_yaml_get_str(merged, "id");
        const char *title = detect_yaml_get_str(merged, "title");
        int line = st == DETECT_RULE_OK ? merged->line : b->line;
        int dup = 0;
        const struct detect_rule *first = r ? loaded_find(l, r->meta.id) : NULL;
        if (first) {
            char why[256];
            snprintf(why, sizeof(why), "duplicate id (first in %s:%d)", first->meta.file,
                     first->meta.line);
            report_add(reports, path, merged->line, id, title, DETECT_RULE_ERROR, why);
            detect_corr_free(r->corr);
            r = NULL;
            dup = 1;
        }
        if (!dup)
            report_add(reports, path, line, id, title, st, st == DETECT_RULE_OK ? "" : b->reason);
        if (r) {
            if (st == DETECT_RULE_INACTIVE && include_inactive)
                r->kinds_mask = DETECT_KINDS_ALL;
            loaded_add(l, r, reports ? reports->count - 1 : SIZE_MAX);
        }
        detect_yaml_free(prev);
        prev = merged;
    }
    detect_yaml_free(prev);
    detect_yaml_free(global);
    detect_yaml_docs_free(&docs);
}

static void set_free(struct detect_set *set)
{
    if (!set)
        return;
    detect_engine_free(set);
    for (uint32_t i = 0; i < set->rule_count; i++) {
        detect_corr_free(set->rules[i]->corr);
        free(set->rules[i]->feeds);
    }
    free(set->rules);
    for (size_t i = 0; i < set->regex_count; i++)
        pcre2_code_free(set->regexes[i]);
    free(set->regexes);
    detect_source_free(set->source);
    detect_placeholders_free(set->placeholders);
    ym_arena_fini(&set->arena);
    free(set);
}

enum ym_status detect_set_compile(const struct detect_config *cfg, struct detect_set **out,
                                  struct detect_reports *reports, struct ym_error *err)
{
    struct ym_error dummy;
    if (!err)
        err = &dummy;
    *out = NULL;
    if (!cfg) {
        ym_error_set(err, "", 0, 0, "no configuration");
        return YM_EINVAL;
    }
    struct detect_set *set = ym_xcalloc(1, sizeof(*set));
    atomic_init(&set->refs, 1);
    set->serial = atomic_fetch_add(&set_serial, 1) + 1;
    ym_arena_init(&set->arena, 64 * 1024, 0);
    enum ym_status st;
    if (cfg->logsources_path &&
        (st = detect_source_load(cfg->logsources_path, &set->source, err)) != YM_OK) {
        set_free(set);
        return st;
    }
    if (cfg->placeholders_path &&
        (st = detect_placeholders_load(cfg->placeholders_path, &set->placeholders, err)) != YM_OK) {
        set_free(set);
        return st;
    }
    struct files files = {0};
    for (size_t i = 0; i < cfg->rule_path_count; i++) {
        if ((st = walk(cfg->rule_paths[i], &files, 0, err)) != YM_OK) {
            for (size_t k = 0; k < files.count; k++)
                free(files.v[k]);
            free(files.v);
            set_free(set);
            return st;
        }
    }
    struct detect_build b = {.arena = &set->arena, .source = set->source,
                             .placeholders = set->placeholders};
    struct loaded l = {0};
    for (size_t i = 0; i < files.count; i++) {
        load_file(&b, files.v[i], &l, reports, cfg->include_inactive);
        free(files.v[i]);
    }
    free(files.v);
    set->regexes = b.regexes;
    set->regex_count = b.regex_count;

    /* Active rules go into the matcher; correlations are linked to them. */
    set->rules = ym_xcalloc(l.count ? l.count : 1, sizeof(*set->rules));
    for (size_t i = 0; i < l.count; i++) {
        struct detect_rule *r = l.v[i];
        if (!r->kinds_mask) {
            detect_corr_free(r->corr);
            continue;
        }
        r->index = set->rule_count;
        set->rules[set->rule_count++] = r;
    }
    for (uint32_t i = 0; i < set->rule_count; i++) {
        struct detect_rule *r = set->rules[i];
        if (!r->corr)
            continue;
        char why[256];
        if (detect_corr_link(set->rules, set->rule_count, r, why, sizeof(why)) < 0) {
            /* Report it and leave it unlinked (it never fires). Referring to
             * rules that loaded but are inactive makes it inactive too. */
            enum detect_rule_status st = DETECT_RULE_INACTIVE;
            const char *const *refs;
            uint32_t nref = detect_corr_refs(r->corr, &refs);
            for (uint32_t k = 0; k < nref && st == DETECT_RULE_INACTIVE; k++) {
                int known = 0;
                for (size_t j = 0; j < l.count && !known; j++)
                    known = strcmp(l.v[j]->meta.id, refs[k]) == 0 ||
                            (l.v[j]->meta.name && strcmp(l.v[j]->meta.name, refs[k]) == 0);
                if (!known)
                    st = DETECT_RULE_ERROR;
            }
            if (st == DETECT_RULE_INACTIVE)
                snprintf(why, sizeof(why), "the rules it correlates are inactive");
            for (size_t k = 0; k < l.count && reports; k++)
                if (l.v[k] == r && l.report[k] != SIZE_MAX) {
                    reports->v[l.report[k]].status = st;
                    snprintf(reports->v[l.report[k]].reason, sizeof(reports->v[0].reason), "%s", why);
                }
            r->kinds_mask = 0;
        }
    }
    free(l.v);
    free(l.report);
    free(l.ids);
    char why[256];
    if (detect_engine_build(set, why, sizeof(why)) < 0) {
        ym_error_set(err, "", 0, 0, "%s", why);
        set_free(set);
        return YM_ENOMEM;
    }
    *out = set;
    return YM_OK;
}

void detect_set_ref(struct detect_set *set)
{
    if (set)
        atomic_fetch_add(&set->refs, 1);
}

void detect_set_unref(struct detect_set *set)
{
    if (set && atomic_fetch_sub(&set->refs, 1) == 1)
        set_free(set);
}

size_t detect_set_rule_count(const struct detect_set *set) { return set ? set->rule_count : 0; }
size_t detect_set_field_db_count(const struct detect_set *set) { return set ? set->db_count : 0; }

const struct detect_rule_meta *detect_set_rule(const struct detect_set *set, size_t i)
{
    return set && i < set->rule_count ? &set->rules[i]->meta : NULL;
}

const struct detect_rule_meta *detect_set_find(const struct detect_set *set, const char *id)
{
    for (uint32_t i = 0; set && i < set->rule_count; i++)
        if (strcmp(set->rules[i]->meta.id, id) == 0 ||
            (set->rules[i]->meta.name && strcmp(set->rules[i]->meta.name, id) == 0))
            return &set->rules[i]->meta;
    return NULL;
}

/* ---- live set ------------------------------------------------------------------ */

struct detect_live {
    pthread_mutex_t lock; /* guards cur and generation; held for a pointer copy only */
    struct detect_set *cur;
    uint64_t generation;
    int cur_has_errors;
};

struct detect_live *detect_live_create(struct detect_set *initial)
{
    struct detect_live *l = ym_xcalloc(1, sizeof(*l));
    pthread_mutex_init(&l->lock, NULL);
    l->cur = initial;
    return l;
}

void detect_live_destroy(struct detect_live *l)
{
    if (!l)
        return;
    detect_set_unref(l->cur);
    pthread_mutex_destroy(&l->lock);
    free(l);
}

struct detect_set *detect_live_acquire(struct detect_live *l)
{
    pthread_mutex_lock(&l->lock);
    struct detect_set *s = l->cur;
    detect_set_ref(s);
    pthread_mutex_unlock(&l->lock);
    return s;
}

void detect_live_release(struct detect_set *set) { detect_set_unref(set); }

uint64_t detect_live_generation(const struct detect_live *l)
{
    pthread_mutex_lock((pthread_mutex_t *)&l->lock);
    uint64_t g = l->generation;
    pthread_mutex_unlock((pthread_mutex_t *)&l->lock);
    return g;
}

enum ym_status detect_live_reload(struct detect_live *l, const struct detect_config *cfg,
                                  int accept_errors, struct detect_reports *reports,
                                  struct ym_error *err)
{
    struct detect_reports local = {0};
    struct detect_reports *rep = reports ? reports : &local;
    size_t before = rep->count;
    struct detect_set *next = NULL;
    enum ym_status st = detect_set_compile(cfg, &next, rep, err);
    if (st != YM_OK) {
        detect_reports_free(&local);
        return st; /* the old set keeps running */
    }
    size_t errors = 0;
    for (size_t i = before; i < rep->count; i++)
        errors += rep->v[i].status == DETECT_RULE_ERROR;
    pthread_mutex_lock(&l->lock);
    int refuse = errors && !accept_errors && !l->cur_has_errors;
    if (!refuse) {
        struct detect_set *old = l->cur;
        l->cur = next;
        l->generation++;
        l->cur_has_errors = errors != 0;
        next = old;
    }
    pthread_mutex_unlock(&l->lock);
    detect_set_unref(next); /* the old set, or the refused new one */
    if (refuse && err) {
        for (size_t i = before; i < rep->count; i++)
            if (rep->v[i].status == DETECT_RULE_ERROR) {
                ym_error_set(err, rep->v[i].file, rep->v[i].line, 0,
                             "%zu rule(s) do not load, keeping the running set: %s", errors,
                             rep->v[i].reason);
                break;
            }
    }
    detect_reports_free(&local);
    return refuse ? YM_EPARSE : YM_OK;
}
