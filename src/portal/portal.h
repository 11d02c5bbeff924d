/* portal: the portal stage of DESIGN.md: the HTTPS server behind the web
 * pages and the JSON API (/api/v1, docs/api.md), on libmicrohttpd.
 *
 * `yamori serve` starts it after the pipeline and stops it before the
 * pipeline: portal_start(), then portal_stop() at shutdown. On its first
 * start with an empty account table it creates the account `admin` with a
 * one-time password and prints it once on stdout.
 *
 * Security (docs/portal.md): HTTPS unless bound to loopback with
 * portal.https: false; a self-signed certificate is generated into
 * DATA/portal/ when none is configured; argon2id passwords; session cookies
 * (HttpOnly, Secure, SameSite=Strict) with a CSRF token on every
 * state-changing request; API tokens; login throttling; tenant isolation in
 * the dispatcher (portal_route.h), below every route; an audit entry for
 * every change.
 *
 * Memory: the options and the config they point to are borrowed and must
 * outlive the portal. Threads: start and stop on the control (main)
 * thread. Status codes: YM_EINVAL (bad settings: plain HTTP off loopback,
 * unreadable certificate; err says why), YM_EIO (cannot listen, cannot
 * write DATA/portal/), YM_EDB (state store). */
#ifndef PORTAL_H
#define PORTAL_H

#include "core/ym_config.h"
#include "core/ym_status.h"

struct portal;

struct portal_options {
    const struct ym_config *cfg; /* listen.http, portal:, tenants, rules, data_dir */
    const char *web_dir;         /* static files; NULL = cfg portal.web_dir, else found */
    int threads;                 /* libmicrohttpd pool; 0 = two per core, at least 4 */
    int quiet;                   /* 1 = print nothing on stdout (tests) */
};

/* Opens the state store, creates the first admin if there is no account,
 * loads or makes the certificate, and starts listening. */
enum ym_status portal_start(const struct portal_options *opt, struct portal **out,
                            struct ym_error *err);
/* Ends live streams, stops listening, waits for the threads; frees. NULL
 * is fine. */
void portal_stop(struct portal *p);

/* The port actually bound (useful with port 0). */
int portal_port(const struct portal *p);

#endif
