/* ym_device: a monitored appliance as the pipeline sees it.
 *
 * Devices come from the configuration (name, kind, tenant, addresses) or are
 * created by intake for senders nobody configured (tenant "unassigned", name
 * derived from the sender). A struct ym_device is immutable once published
 * and lives until the process exits (reloads publish new ones beside the old;
 * their number is bounded by the configuration and the intake's cap on
 * unknown senders), so records may point at it without reference counting.
 * Any thread may read it. */
#ifndef YM_DEVICE_H
#define YM_DEVICE_H

#include <stdint.h>

#define YM_TENANT_UNASSIGNED "unassigned"

struct ym_device {
    uint32_t id;          /* stable within one process run */
    const char *name;     /* unique among the tenant's devices */
    const char *tenant;   /* tenant name (directory-safe: [a-z0-9_-]) */
    const char *kind;     /* asa, ftd, panos, nsp, fireeye, cef, leef, json, syslog, auto */
    const char *timezone; /* for timestamps without offset: "+09:00" or "Asia/Tokyo"; "" = UTC */
    int configured;       /* 0 = created for an unknown sender */
};

#endif
