/* cli_rules: rule loading shared by `yamori rules` and `yamori hunt`.
 *
 * cli_rules_compile() finds the rule directory (given paths, else --rules,
 * $YAMORI_RULES, ./rules, <prefix>/share/yamori/rules, <binary>/../rules)
 * and the mapping files beside it, and compiles the set. It prints nothing
 * but usage/load failures (as "yamori CMD: ..."). The set and reports are
 * owned by the caller. Main thread only. Returns a CLI_* exit code. */
#ifndef CLI_RULES_H
#define CLI_RULES_H

#include "detect/detect.h"

struct cli_rules_opts {
    const char *rules_dir;    /* --rules, or NULL */
    const char *logsources;   /* --logsources, or NULL */
    const char *placeholders; /* --placeholders, or NULL */
};

int cli_rules_compile(const struct cli_rules_opts *o, char **paths, int npaths, int include_inactive,
                      struct detect_set **set, struct detect_reports *rep, const char *cmd);

/* The rules `yamori serve` runs, resolved to absolute paths (owned; free
 * with cli_rules_source_free). Order: --rules DIR, else the config's
 * rules.paths, else the default rule directory (as above, then
 * /usr/share/yamori/rules). Mapping files and the triage policy: the
 * config's, else the file of that name in the first rule directory having
 * it (triage_policy NULL = built-in policy). */
struct cli_rules_source {
    char **paths;
    size_t path_count;
    char *logsources, *placeholders, *triage_policy; /* NULL = none */
    const char *origin; /* static text: where the rules came from, for the banner */
};
struct ym_config;
/* Returns CLI_OK, or CLI_FAIL with why[] filled (no rule directory found). */
int cli_rules_source_resolve(const char *rules_flag, const struct ym_config *cfg,
                             struct cli_rules_source *out, char *why, size_t why_len);
void cli_rules_source_free(struct cli_rules_source *s);
/* detect_config pointing into s (valid while s is). */
void cli_rules_source_detect_config(const struct cli_rules_source *s, struct detect_config *out);
/* DATA/serve.rules: what the running server compiles (written by serve,
 * read by `yamori rules reload`). Lines "path|logsources|placeholders|
 * triage_policy<TAB>value". */
int cli_rules_source_save(const struct cli_rules_source *s, const char *data_dir);
int cli_rules_source_load(const char *data_dir, struct cli_rules_source *out);

#endif
