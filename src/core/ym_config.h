/* ym_config: yamori.yaml, the configuration of one yamori installation.
 *
 * Loaded once at start (and again on reload) into an immutable struct
 * ym_config; everything in it is owned by the struct and freed by
 * ym_config_free. Every setting has an embedded default, so
 * ym_config_default() is a complete configuration: no file is needed.
 * Command-line flags override the file (ym_config_set_listen, data_dir).
 * Errors carry file, line and reason (struct ym_error). Unknown keys are
 * errors, so that a typo does not silently leave a default in force.
 * Not thread-safe while being built; read-only (any thread) once loaded.
 * Documented key by key in docs/configuration.md. */
#ifndef YM_CONFIG_H
#define YM_CONFIG_H

#include <stddef.h>

#include "core/ym_status.h"

struct ym_listen {
    int enabled;
    char host[256]; /* address to bind, "127.0.0.1", "::", "0.0.0.0" */
    char port[16];
};

struct ym_tls_config {
    char *cert_file;    /* PEM certificate chain; NULL = TLS listener off */
    char *key_file;     /* PEM private key */
    char *ca_file;      /* CA bundle to verify client certificates; NULL = none */
    int verify_clients; /* 0 = no client cert, 1 = ask and verify if given, 2 = require */
};

/* ---- notifications (docs/notifications.md) ---- */

/* Severities as indexes and bits: emergency 0, critical 1, warning 2,
 * informational 3. */
#define YM_SEVERITY_COUNT 4
/* "emergency" -> 0 ... "informational" -> 3; -1 if unknown. */
int ym_config_severity_index(const char *name);
const char *ym_config_severity_name(int index); /* "?" if out of range */

enum ym_notify_mode {
    YM_NOTIFY_IMMEDIATE = 0, /* sent at once */
    YM_NOTIFY_DIGEST,        /* collected, sent in the tenant's digest */
    YM_NOTIFY_REPORT,        /* monthly report only, no message */
};
enum ym_webhook_format { YM_WEBHOOK_GENERIC = 0, YM_WEBHOOK_SLACK, YM_WEBHOOK_TEAMS };
enum ym_starttls { YM_STARTTLS_REQUIRED = 0, YM_STARTTLS_OPTIONAL, YM_STARTTLS_OFF };

struct ym_contact_config {
    char *email;           /* exactly one of email and webhook_url is set */
    char *webhook_url;
    enum ym_webhook_format format;
    unsigned severity_mask; /* bit i = severity index i; default all four */
};

struct ym_notify_config {
    char *smtp_url;      /* smtp://host[:port] or smtps://host[:port]; NULL = no email */
    enum ym_starttls starttls; /* default required (smtp:// only) */
    char *username;      /* NULL = no AUTH */
    char *password;      /* given, or read from password_file at load */
    char *from;          /* envelope and header sender; default "yamori@localhost" */
    char *ca_file;       /* CA bundle to verify the SMTP server and https webhooks */
    char *portal_url;    /* base of incident links ("https://soc.example"); NULL = none */
    int retry_attempts;  /* attempts per notification before giving up; default 5 */
    int retry_first_delay_ms; /* default 10000; doubles per attempt */
    int retry_max_delay_ms;   /* default 600000 */
    int hold_for_ack;    /* 1 = every immediate notice waits for an acknowledgement */
};

struct ym_tenant_config {
    char *name;         /* [a-z0-9_-]{1,64}; used as a directory name */
    char *display_name; /* free text; defaults to name */
    /* notifications */
    char *language;     /* "en" (default) or "ja" */
    char *timezone;     /* times in messages; "" = UTC; "+09:00" or a tz name */
    struct ym_contact_config *contacts;
    size_t contact_count;
    enum ym_notify_mode notify_mode[YM_SEVERITY_COUNT]; /* default: immediate for emergency
                                                         * and critical, report for others */
    unsigned require_ack_mask;   /* severities held until an analyst acknowledges */
    int digest_interval_minutes; /* default 60 */
};

struct ym_device_config {
    char *name;
    char *tenant;    /* must name a tenant */
    char *kind;      /* asa, ftd, panos, nsp, fireeye, cef, leef, json, syslog, auto */
    char *timezone;  /* "" = UTC; "+09:00" or a tz name */
    char **addresses; /* sender addresses or CIDRs ("192.0.2.10", "198.51.100.0/24", "2001:db8::/32") */
    size_t address_count;
    char **hostnames; /* syslog HOSTNAME values that identify it */
    size_t hostname_count;
};

/* One threat-intelligence list (rules.threat_intel). */
struct ym_ti_list_config {
    char *name;     /* shown in detections; default: the file's name */
    char *path;
    char *tenant;   /* NULL = every tenant */
    int confidence; /* 0-100, for indicators without their own; default 50 */
    char *format;   /* auto (default: .json = STIX, .csv = CSV, else text), text, csv, stix */
};

/* Detection rules of `yamori serve` (`rules:`). */
struct ym_rules_config {
    char **paths;        /* rule files or directories; none = the default rule directory */
    size_t path_count;
    char *logsources;    /* NULL = logsources.yaml of the first rule directory that has one */
    char *placeholders;  /* NULL = placeholders.yaml, likewise */
    char *triage_policy; /* NULL = triage.yaml, likewise, else the built-in policy */
    struct ym_ti_list_config *threat_intel;
    size_t threat_intel_count;
};

/* The portal (`portal:`; docs/portal.md). */
struct ym_portal_config {
    char *cert_file;          /* PEM certificate chain; NULL = DATA/portal/cert.pem (made if absent) */
    char *key_file;           /* PEM private key; NULL = DATA/portal/key.pem */
    int https;                /* default 1; 0 (plain HTTP) is refused unless bound to loopback */
    int session_idle_minutes; /* browser sessions end after this long idle; default 30 */
    int session_max_hours;    /* and this long after login; default 12 */
    char *web_dir;            /* static files; NULL = ./web when run from the repo, else
                               * /usr/share/yamori/web */
};

struct ym_config {
    char *path;       /* file it came from; NULL for defaults */
    char *data_dir;   /* default "./var" */
    struct ym_listen syslog; /* UDP and TCP, default 127.0.0.1:5514 */
    struct ym_listen relp;   /* default 127.0.0.1:2514 */
    struct ym_listen tls;    /* default 127.0.0.1:6514, enabled only with a certificate */
    struct ym_listen http;   /* portal, default 127.0.0.1:8443 */
    struct ym_tls_config tls_config;
    int retention_days;      /* default 90 */
    int udp_rcvbuf_bytes;    /* default 8 MiB */
    int workers;             /* parse/detect threads; 0 = one per core */
    unsigned queue_batches;  /* batches in flight, bounds memory; default 32 */
    int flush_ms;            /* longest a log waits in a partial batch; default 20 */
    struct ym_tenant_config *tenants;
    size_t tenant_count;
    struct ym_device_config *devices;
    size_t device_count;
    struct ym_notify_config notify;
    struct ym_rules_config rules;
    struct ym_portal_config portal;
};

struct ym_config *ym_config_default(void);
/* Reads and checks path. On error returns YM_EPARSE/YM_EINVAL/YM_EIO with
 * err filled (file, line, reason) and *out untouched. */
enum ym_status ym_config_load(const char *path, struct ym_config **out, struct ym_error *err);
void ym_config_free(struct ym_config *cfg);

/* "HOST:PORT", "[v6]:PORT", ":PORT" or "PORT" into l (enables it). */
enum ym_status ym_config_parse_listen(const char *arg, struct ym_listen *l);
void ym_config_set_data_dir(struct ym_config *cfg, const char *dir);

const struct ym_tenant_config *ym_config_tenant(const struct ym_config *cfg, const char *name);
/* 1 if name is a valid tenant name ([a-z0-9][a-z0-9_-]{0,63}). */
int ym_config_tenant_name_ok(const char *name);

#endif
