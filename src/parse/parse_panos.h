/* parse_panos: Palo Alto Networks PAN-OS syslog in CSV form (TRAFFIC,
 * THREAT, SYSTEM, CONFIG, GLOBALPROTECT, HIP-MATCH, DECRYPTION, tunnel
 * inspection START/END, USERID, AUTH), field order of PAN-OS 8.1 to 11.x.
 *
 * The decoder (parse_decoder_panos, kind "panos") adds ECS fields and
 * panw.panos.* extras; values are slices of the raw log, or arena copies
 * where a quoted field had doubled quotes or a time had to be formatted.
 * No state: any thread may call it. Returns YM_OK, YM_EDECLINED (not the
 * PAN-OS CSV layout), never YM_EPARSE for short lines (fields missing from
 * older or truncated logs are simply absent).
 *
 * parse_panos_fields.c holds the per-type column tables. */
#ifndef PARSE_PANOS_H
#define PARSE_PANOS_H

#include <stddef.h>
#include <stdint.h>

/* The meaning of a column; a layout gives each one's position. */
enum panos_slot {
    PS_SRC_IP = 0, PS_DST_IP, PS_NAT_SRC_IP, PS_NAT_DST_IP, PS_RULE, PS_SRC_USER, PS_DST_USER,
    PS_APP, PS_VSYS, PS_FROM_ZONE, PS_TO_ZONE, PS_IN_IF, PS_OUT_IF, PS_LOG_PROFILE, PS_SESSION,
    PS_REPEAT, PS_SRC_PORT, PS_DST_PORT, PS_NAT_SRC_PORT, PS_NAT_DST_PORT, PS_FLAGS, PS_PROTO,
    PS_ACTION, PS_BYTES, PS_BYTES_SENT, PS_BYTES_RECV, PS_PACKETS, PS_PKTS_SENT, PS_PKTS_RECV,
    PS_START_TIME, PS_ELAPSED, PS_URL_CAT, PS_SEQ, PS_ACTION_FLAGS, PS_SRC_LOC, PS_DST_LOC,
    PS_END_REASON, PS_DEVICE_NAME, PS_ACTION_SOURCE, PS_RULE_UUID, PS_HIGH_RES, PS_SEVERITY,
    PS_MISC, PS_THREAT, PS_DIRECTION, PS_FILE_DIGEST, PS_FILE_TYPE, PS_USER_AGENT, PS_XFF,
    PS_REFERER, PS_SENDER, PS_SUBJECT, PS_RECIPIENT, PS_REPORT_ID, PS_HTTP_METHOD,
    PS_THREAT_CAT, PS_CONTENT_VER, PS_TUNNEL_TYPE, PS_PARENT_SESSION,
    PS_EVENT_ID, PS_OBJECT, PS_MODULE, PS_DESCRIPTION, PS_CMD, PS_ADMIN, PS_CLIENT, PS_RESULT,
    PS_PATH, PS_BEFORE, PS_AFTER, PS_STAGE, PS_AUTH_METHOD, PS_MACHINE, PS_PUBLIC_IP,
    PS_PUBLIC_IP6, PS_PRIVATE_IP, PS_PRIVATE_IP6, PS_HOST_ID, PS_CLIENT_SERIAL, PS_CLIENT_VER,
    PS_CLIENT_OS, PS_CLIENT_OS_VER, PS_REASON, PS_ERROR, PS_STATUS, PS_LOCATION,
    PS_LOGIN_DURATION, PS_CONNECT_METHOD, PS_PORTAL, PS_SRC_REGION, PS_HIP_NAME, PS_HIP_TYPE,
    PS_OS, PS_SRC_MAC, PS_TLS_VERSION, PS_TLS_KEYX, PS_TLS_ENC, PS_TLS_AUTH, PS_CERT_SERIAL,
    PS_FINGERPRINT, PS_NOT_BEFORE, PS_NOT_AFTER, PS_CERT_VER, PS_CERT_SIZE, PS_CN,
    PS_ISSUER_CN, PS_ROOT_CN, PS_SNI, PS_DEC_ERROR, PS_IP, PS_USER, PS_DATASOURCE,
    PS_AUTH_SERVER, PS_AUTH_FACTOR, PS_TUNNEL_RULE, PS_COUNT
};

/* Column of each slot plus one (0 = the type has no such column). */
struct panos_layout {
    const char *type; /* "TRAFFIC" */
    uint8_t col[PS_COUNT];
};

/* The layout of a log type (field 3), or NULL for a type we do not know. */
const struct panos_layout *parse_panos_layout(const char *type, size_t len);
/* The name panw.panos.<name> of slots kept as vendor extras, or NULL. */
const char *parse_panos_extra_name(enum panos_slot slot);

#endif
