/* serve_stages: what `yamori serve` runs after parsing: the rule set and
 * threat-intel lists of the detect stage, the triage thread the workers
 * hand detections to, the notify thread triage kicks when it committed a
 * notification, and their reload on SIGHUP.
 *
 * DESIGN:
 *  - At start the rules are found (cli_rules_source_resolve: --rules, the
 *    config's rules.paths, else the default rule directory) and compiled.
 *    Rules that do not load are printed with file, line and reason and the
 *    rest run; a set that cannot be built at all (unreadable mapping file)
 *    stops the start. Threat-intel lists (rules.threat_intel) are loaded the
 *    same way. Both live behind a swap (detect_live, enrich_ti_live) that
 *    the parse workers take once per batch (serve_pipeline.h).
 *  - Reload (SIGHUP, main thread): the rules and lists are compiled beside
 *    the running ones and swapped in; a set that does not compile, or one
 *    with rules in error while the running set had none, leaves the running
 *    set in place and the log says why. The outcome is counted
 *    (detect.reloads, detect.reload_failures, detect.reload_failed,
 *    detect.generation) so that `yamori rules reload` can wait for it.
 *  - DATA/serve.rules says which rules the server compiles (for `yamori
 *    rules reload`, which checks them before signalling).
 *
 * Memory: everything is owned by struct serve_stages; the pipeline borrows
 * the swaps (serve_stages_attach) and must be stopped before
 * serve_stages_destroy. Threads: main thread only, except that the
 * pipeline's workers use the swaps. Functions return CLI_* exit codes. */
#ifndef SERVE_STAGES_H
#define SERVE_STAGES_H

#include <stdint.h>
#include <stdio.h>

#include "core/ym_config.h"

struct serve_pipeline;
struct serve_stages;

/* Finds and compiles the rules and loads the lists; prints problems to
 * stderr as "yamori serve: rules: FILE:LINE: STATUS: reason". With no rule
 * directory anywhere, or rules_flag "off", detection is off (said in the
 * banner), not an error. */
int serve_stages_create(const char *rules_flag, const struct ym_config *cfg,
                        struct serve_stages **out);
/* Hands the swaps to the pipeline's workers (before serve_pipeline_start). */
void serve_stages_attach(struct serve_stages *s, struct serve_pipeline *p);
/* Starts the notify and triage threads (after attach, before the pipeline
 * starts). */
int serve_stages_start(struct serve_stages *s);
/* Drains and stops triage, then notify: after serve_pipeline_stop (the
 * workers are the ones submitting), before serve_stages_destroy. */
void serve_stages_stop(struct serve_stages *s); /* NULL is fine */
/* Writes DATA/serve.rules. */
void serve_stages_save_source(struct serve_stages *s, const char *data_dir);
/* Banner lines ("yamori serve: rules: ..."). */
void serve_stages_banner(const struct serve_stages *s, FILE *out);
/* SIGHUP: recompile rules and reload lists from cfg (the re-read config, or
 * the running one when the file did not load). */
void serve_stages_reload(struct serve_stages *s, const char *rules_flag,
                         const struct ym_config *cfg, const char *data_dir);

typedef void (*serve_counter_fn)(void *arg, const char *name, uint64_t value);
/* The stages' counters (generation, rules active, reload outcome, lists). */
void serve_stages_counters(struct serve_stages *s, serve_counter_fn fn, void *arg);
void serve_stages_destroy(struct serve_stages *s); /* NULL is fine */

#endif
