/* intake_devices: which device (and so which tenant) a log comes from.
 *
 * Built from the configuration's devices: each has sender addresses/CIDRs
 * and syslog HOSTNAMEs. Lookup order: exact HOSTNAME match, then the
 * longest CIDR containing the sender's address. A sender no device claims
 * gets a device of its own in tenant "unassigned", named after its
 * hostname (if the header had one) or its address, of kind "auto"; at most
 * INTAKE_UNKNOWN_MAX such devices, beyond which they share one device named
 * "other". Unknown senders are remembered with first/last seen and counts
 * so that `yamori devices --unknown` can list them (serve persists them
 * with intake_devices_unknown_each).
 *
 * Devices returned are immutable and live until intake_devices_destroy
 * (which must come after every batch referencing them is done).
 * Threads: lookup is called by the intake thread only; the _each functions
 * and counts may be called from any thread (a mutex guards the unknown
 * list). */
#ifndef INTAKE_DEVICES_H
#define INTAKE_DEVICES_H

#include <stddef.h>
#include <stdint.h>

#include "core/ym_batch.h"
#include "core/ym_config.h"
#include "core/ym_device.h"
#include "core/ym_status.h"

#define INTAKE_UNKNOWN_MAX 10000

struct intake_devices;

enum ym_status intake_devices_create(const struct ym_config *cfg, struct intake_devices **out,
                                     struct ym_error *err);
void intake_devices_destroy(struct intake_devices *d);

/* hostname may be NULL/empty. Never returns NULL. */
const struct ym_device *intake_devices_lookup(struct intake_devices *d, const struct ym_peer *peer,
                                              const char *hostname, size_t hostname_len,
                                              int64_t now_ns);

struct intake_unknown_sender {
    const struct ym_device *device;
    char address[64];   /* sender address as text */
    char hostname[256]; /* syslog HOSTNAME seen first, "" if none */
    int64_t first_seen_ns, last_seen_ns;
    uint64_t logs;
};
typedef void (*intake_unknown_fn)(void *arg, const struct intake_unknown_sender *s);
void intake_devices_unknown_each(struct intake_devices *d, intake_unknown_fn fn, void *arg);

/* Every device, configured ones first (for listings). */
typedef void (*intake_device_fn)(void *arg, const struct ym_device *dev);
void intake_devices_each(struct intake_devices *d, intake_device_fn fn, void *arg);

#endif
