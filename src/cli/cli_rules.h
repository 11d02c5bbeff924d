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

#endif
