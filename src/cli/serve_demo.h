/* serve_demo: `yamori serve --demo`, a generator of realistic device
 * traffic for a tenant "demo", so that a newcomer sees the dashboard move
 * and an incident arrive within a minute of `make run`.
 *
 * DESIGN:
 *  - serve_demo_configure adds the tenant "demo" and four devices to the
 *    configuration before the server builds its device table: demo-asa
 *    (asa), demo-pa (panos), demo-nsm (nsp) and demo-nx (fireeye), each
 *    known by its syslog HOSTNAME. Anything the config already names is
 *    left as it is.
 *  - serve_demo_start runs one thread that sends newline-framed syslog
 *    over TCP to the server's own syslog listener (loopback), so demo logs
 *    take the real path: intake, archive, parse, rules, triage, portal.
 *    Benign traffic (connections, NAT, DNS, web sessions, a low-severity
 *    NSP alert now and then) at rate_per_s; every attack_every_s an attack
 *    scenario (sweep of the DMZ with denies and an NSP scan alert, then an
 *    exploit the NSP saw succeed and PAN-OS let through, then the infected
 *    host's command-and-control callback seen by FireEye and PAN-OS) that
 *    fires the shipped rules; the first one first_attack_s after start. A
 *    scenario takes scenario_s: the sweep its first 2/5, the exploit at
 *    3/5, the callback at the end.
 *    Addresses are documentation ranges (RFC 5737) and 10.20.0.0/16.
 *  - If the listener refuses, the thread retries once a second; logs of a
 *    second that cannot be sent are dropped (it is a demo).
 *
 * Memory: the config is borrowed by start (the listener address is copied).
 * Threads: configure, start and stop on the main thread; stop joins.
 * Status: YM_EINVAL when the syslog listener is off (err says so);
 * YM_ENOMEM/YM_EIO when the thread cannot start. */
#ifndef SERVE_DEMO_H
#define SERVE_DEMO_H

#include "core/ym_config.h"
#include "core/ym_status.h"

#define SERVE_DEMO_TENANT "demo"

struct serve_demo;

struct serve_demo_options {
    int rate_per_s;     /* benign logs per second; 0 = 100 */
    int first_attack_s; /* first scenario after start; 0 = 20 */
    int attack_every_s; /* then every; 0 = 240 */
    int scenario_s;     /* how long one scenario takes, sweep to callback; 0 = 25 */
};

/* Adds the demo tenant and devices to cfg (idempotent). */
void serve_demo_configure(struct ym_config *cfg);

/* opt NULL = defaults. */
enum ym_status serve_demo_start(const struct ym_config *cfg, const struct serve_demo_options *opt,
                                struct serve_demo **out, struct ym_error *err);

/* Stops and joins the generator; NULL is fine. */
void serve_demo_stop(struct serve_demo *d);

#endif
