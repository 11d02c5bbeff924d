/* cli: shared pieces of the subcommands (src/cli/cli_<name>.c).
 *
 * Every subcommand takes --help and --data DIR, and most take --config
 * FILE. cli_load_config() applies the rule every command follows: the
 * config file if given (or ./yamori.yaml if it exists), else the embedded
 * defaults; then --data overrides the data directory. The returned config
 * is owned by the caller (ym_config_free). Main thread only. */
#ifndef CLI_H
#define CLI_H

#include <stdio.h>

#include "core/ym_config.h"

#define CMD(name, summary) int cli_##name##_main(int argc, char **argv);
#include "cli/cli_commands.def"
#undef CMD

/* Exit codes of every subcommand. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* Loads the configuration as described above. On error prints
 * "yamori: FILE:LINE: reason" to stderr and returns NULL. */
struct ym_config *cli_load_config(const char *config_path, const char *data_dir);

/* Prints "yamori CMD: message" to stderr; returns CLI_USAGE (for usage
 * errors) so callers can `return cli_usage_error(...)`. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Who makes a change from the command line, for the audit trail: `as`
 * (--as NAME) when given, else $USER, else the account name, else
 * "unknown". The string is static or from the environment. */
const char *cli_actor(const char *as);

#endif
