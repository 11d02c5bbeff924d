/* parse_panos_fields: column positions of each PAN-OS log type (see
 * parse_panos.h). Positions follow Palo Alto's "Syslog Field Descriptions"
 * for PAN-OS 10.x/11.x; older versions send a prefix of the same columns,
 * newer ones append columns, so one table per type covers 8.1 to 11.x. */
#include "parse/parse_panos.h"

#include <string.h>

#define C(n) ((n) + 1)

/* Columns 7..29 are shared by the session-based types. */
#define SESSION_COLUMNS                                                                            \
    [PS_SRC_IP] = C(7), [PS_DST_IP] = C(8), [PS_NAT_SRC_IP] = C(9), [PS_NAT_DST_IP] = C(10),       \
    [PS_RULE] = C(11), [PS_SRC_USER] = C(12), [PS_DST_USER] = C(13), [PS_APP] = C(14),             \
    [PS_VSYS] = C(15), [PS_FROM_ZONE] = C(16), [PS_TO_ZONE] = C(17), [PS_IN_IF] = C(18),           \
    [PS_OUT_IF] = C(19), [PS_LOG_PROFILE] = C(20), [PS_SESSION] = C(22), [PS_REPEAT] = C(23),      \
    [PS_SRC_PORT] = C(24), [PS_DST_PORT] = C(25), [PS_NAT_SRC_PORT] = C(26),                       \
    [PS_NAT_DST_PORT] = C(27), [PS_FLAGS] = C(28), [PS_PROTO] = C(29), [PS_ACTION] = C(30)

static const struct panos_layout layouts[] = {
    {"TRAFFIC",
     {SESSION_COLUMNS, [PS_BYTES] = C(31), [PS_BYTES_SENT] = C(32), [PS_BYTES_RECV] = C(33),
      [PS_PACKETS] = C(34), [PS_START_TIME] = C(35), [PS_ELAPSED] = C(36), [PS_URL_CAT] = C(37),
      [PS_SEQ] = C(39), [PS_ACTION_FLAGS] = C(40), [PS_SRC_LOC] = C(41), [PS_DST_LOC] = C(42),
      [PS_PKTS_SENT] = C(44), [PS_PKTS_RECV] = C(45), [PS_END_REASON] = C(46),
      [PS_DEVICE_NAME] = C(52), [PS_ACTION_SOURCE] = C(53), [PS_PARENT_SESSION] = C(58),
      [PS_TUNNEL_TYPE] = C(60), [PS_RULE_UUID] = C(65), [PS_XFF] = C(75)}},
    {"THREAT",
     {SESSION_COLUMNS, [PS_MISC] = C(31), [PS_THREAT] = C(32), [PS_URL_CAT] = C(33),
      [PS_SEVERITY] = C(34), [PS_DIRECTION] = C(35), [PS_SEQ] = C(36), [PS_ACTION_FLAGS] = C(37),
      [PS_SRC_LOC] = C(38), [PS_DST_LOC] = C(39), [PS_FILE_DIGEST] = C(43),
      [PS_USER_AGENT] = C(46), [PS_FILE_TYPE] = C(47), [PS_XFF] = C(48), [PS_REFERER] = C(49),
      [PS_SENDER] = C(50), [PS_SUBJECT] = C(51), [PS_RECIPIENT] = C(52), [PS_REPORT_ID] = C(53),
      [PS_DEVICE_NAME] = C(59), [PS_HTTP_METHOD] = C(63), [PS_PARENT_SESSION] = C(66),
      [PS_TUNNEL_TYPE] = C(68), [PS_THREAT_CAT] = C(69), [PS_CONTENT_VER] = C(70),
      [PS_RULE_UUID] = C(76)}},
    {"SYSTEM",
     {[PS_VSYS] = C(7), [PS_EVENT_ID] = C(8), [PS_OBJECT] = C(9), [PS_MODULE] = C(12),
      [PS_SEVERITY] = C(13), [PS_DESCRIPTION] = C(14), [PS_SEQ] = C(15), [PS_ACTION_FLAGS] = C(16),
      [PS_DEVICE_NAME] = C(22), [PS_HIGH_RES] = C(25)}},
    {"CONFIG",
     {[PS_IP] = C(7), [PS_VSYS] = C(8), [PS_CMD] = C(9), [PS_ADMIN] = C(10), [PS_CLIENT] = C(11),
      [PS_RESULT] = C(12), [PS_PATH] = C(13), [PS_BEFORE] = C(14), [PS_AFTER] = C(15),
      [PS_SEQ] = C(16), [PS_ACTION_FLAGS] = C(17), [PS_DEVICE_NAME] = C(23),
      [PS_HIGH_RES] = C(26)}},
    /* CONFIG without before/after change detail (PAN-OS 8.x default). */
    {"CONFIG-8",
     {[PS_IP] = C(7), [PS_VSYS] = C(8), [PS_CMD] = C(9), [PS_ADMIN] = C(10), [PS_CLIENT] = C(11),
      [PS_RESULT] = C(12), [PS_PATH] = C(13), [PS_SEQ] = C(14), [PS_ACTION_FLAGS] = C(15),
      [PS_DEVICE_NAME] = C(21)}},
    {"GLOBALPROTECT",
     {[PS_VSYS] = C(7), [PS_EVENT_ID] = C(8), [PS_STAGE] = C(9), [PS_AUTH_METHOD] = C(10),
      [PS_TUNNEL_TYPE] = C(11), [PS_SRC_USER] = C(12), [PS_SRC_REGION] = C(13),
      [PS_MACHINE] = C(14), [PS_PUBLIC_IP] = C(15), [PS_PUBLIC_IP6] = C(16),
      [PS_PRIVATE_IP] = C(17), [PS_PRIVATE_IP6] = C(18), [PS_HOST_ID] = C(19),
      [PS_CLIENT_SERIAL] = C(20), [PS_CLIENT_VER] = C(21), [PS_CLIENT_OS] = C(22),
      [PS_CLIENT_OS_VER] = C(23), [PS_REPEAT] = C(24), [PS_REASON] = C(25), [PS_ERROR] = C(26),
      [PS_DESCRIPTION] = C(27), [PS_STATUS] = C(28), [PS_LOCATION] = C(29),
      [PS_LOGIN_DURATION] = C(30), [PS_CONNECT_METHOD] = C(31), [PS_PORTAL] = C(33),
      [PS_SEQ] = C(34), [PS_ACTION_FLAGS] = C(35), [PS_HIGH_RES] = C(36),
      [PS_DEVICE_NAME] = C(47)}},
    {"HIPMATCH",
     {[PS_SRC_USER] = C(7), [PS_VSYS] = C(8), [PS_MACHINE] = C(9), [PS_OS] = C(10),
      [PS_SRC_IP] = C(11), [PS_HIP_NAME] = C(12), [PS_REPEAT] = C(13), [PS_HIP_TYPE] = C(14),
      [PS_SEQ] = C(17), [PS_ACTION_FLAGS] = C(18), [PS_DEVICE_NAME] = C(24),
      [PS_PRIVATE_IP6] = C(26), [PS_HOST_ID] = C(27), [PS_CLIENT_SERIAL] = C(28),
      [PS_SRC_MAC] = C(29), [PS_HIGH_RES] = C(30)}},
    {"DECRYPTION",
     {SESSION_COLUMNS, [PS_TUNNEL_TYPE] = C(31), [PS_RULE_UUID] = C(36),
      [PS_TLS_VERSION] = C(39), [PS_TLS_KEYX] = C(40), [PS_TLS_ENC] = C(41),
      [PS_TLS_AUTH] = C(42), [PS_CERT_SERIAL] = C(49), [PS_FINGERPRINT] = C(50),
      [PS_NOT_BEFORE] = C(51), [PS_NOT_AFTER] = C(52), [PS_CERT_VER] = C(53),
      [PS_CERT_SIZE] = C(54), [PS_CN] = C(60), [PS_ISSUER_CN] = C(61), [PS_ROOT_CN] = C(62),
      [PS_SNI] = C(63), [PS_DEC_ERROR] = C(64), [PS_HIGH_RES] = C(72), [PS_SEQ] = C(89),
      [PS_ACTION_FLAGS] = C(90), [PS_DEVICE_NAME] = C(96)}},
    /* Tunnel inspection logs: type START or END. */
    {"START",
     {SESSION_COLUMNS, [PS_SEVERITY] = C(31), [PS_SEQ] = C(32), [PS_ACTION_FLAGS] = C(33),
      [PS_SRC_LOC] = C(34), [PS_DST_LOC] = C(35), [PS_DEVICE_NAME] = C(41),
      [PS_PARENT_SESSION] = C(44), [PS_TUNNEL_TYPE] = C(46), [PS_BYTES] = C(47),
      [PS_BYTES_SENT] = C(48), [PS_BYTES_RECV] = C(49), [PS_PACKETS] = C(50),
      [PS_PKTS_SENT] = C(51), [PS_PKTS_RECV] = C(52), [PS_END_REASON] = C(59),
      [PS_ACTION_SOURCE] = C(60), [PS_START_TIME] = C(61), [PS_ELAPSED] = C(62),
      [PS_TUNNEL_RULE] = C(63), [PS_RULE_UUID] = C(66), [PS_HIGH_RES] = C(71)}},
    {"USERID",
     {[PS_VSYS] = C(7), [PS_IP] = C(8), [PS_USER] = C(9), [PS_DATASOURCE] = C(10),
      [PS_EVENT_ID] = C(11), [PS_REPEAT] = C(12), [PS_SEQ] = C(18), [PS_ACTION_FLAGS] = C(19),
      [PS_DEVICE_NAME] = C(25), [PS_HIGH_RES] = C(33)}},
    {"AUTH",
     {[PS_VSYS] = C(7), [PS_IP] = C(8), [PS_USER] = C(9), [PS_OBJECT] = C(11), [PS_RULE] = C(12),
      [PS_REPEAT] = C(13), [PS_AUTH_SERVER] = C(17), [PS_DESCRIPTION] = C(18),
      [PS_EVENT_ID] = C(20), [PS_AUTH_FACTOR] = C(21), [PS_SEQ] = C(22),
      [PS_ACTION_FLAGS] = C(23), [PS_DEVICE_NAME] = C(29)}},
};

const struct panos_layout *parse_panos_layout(const char *type, size_t len)
{
    if (len == 3 && !memcmp(type, "END", 3))
        type = "START", len = 5;
    if (len == 9 && !memcmp(type, "HIP-MATCH", 9))
        type = "HIPMATCH", len = 8;
    for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++)
        if (strlen(layouts[i].type) == len && !memcmp(layouts[i].type, type, len))
            return &layouts[i];
    return NULL;
}

static const char *const extra_names[PS_COUNT] = {
    [PS_VSYS] = "panw.panos.virtual_sys",
    [PS_LOG_PROFILE] = "panw.panos.log_profile",
    [PS_SESSION] = "panw.panos.flow_id",
    [PS_FLAGS] = "panw.panos.flags",
    [PS_ACTION] = "panw.panos.action",
    [PS_URL_CAT] = "panw.panos.url.category",
    [PS_SEQ] = "panw.panos.sequence_number",
    [PS_ACTION_FLAGS] = "panw.panos.action_flags",
    [PS_SRC_LOC] = "panw.panos.source.location",
    [PS_DST_LOC] = "panw.panos.destination.location",
    [PS_END_REASON] = "panw.panos.endreason",
    [PS_ACTION_SOURCE] = "panw.panos.action_source",
    [PS_THREAT_CAT] = "panw.panos.threat_category",
    [PS_CONTENT_VER] = "panw.panos.content_version",
    [PS_TUNNEL_TYPE] = "panw.panos.tunnel_type",
    [PS_PARENT_SESSION] = "panw.panos.parent_session.id",
    [PS_REPORT_ID] = "panw.panos.wildfire.report_id",
    [PS_FILE_TYPE] = "panw.panos.file.type",
    [PS_XFF] = "panw.panos.xff",
    [PS_SENDER] = "panw.panos.email.sender",
    [PS_SUBJECT] = "panw.panos.email.subject",
    [PS_RECIPIENT] = "panw.panos.email.recipient",
    [PS_OBJECT] = "panw.panos.object",
    [PS_MODULE] = "panw.panos.module",
    [PS_CMD] = "panw.panos.cmd",
    [PS_CLIENT] = "panw.panos.client",
    [PS_RESULT] = "panw.panos.result",
    [PS_PATH] = "panw.panos.path",
    [PS_BEFORE] = "panw.panos.before_change_detail",
    [PS_AFTER] = "panw.panos.after_change_detail",
    [PS_STAGE] = "panw.panos.stage",
    [PS_AUTH_METHOD] = "panw.panos.auth_method",
    [PS_SRC_REGION] = "panw.panos.source.region",
    [PS_CLIENT_VER] = "panw.panos.client_ver",
    [PS_REASON] = "panw.panos.reason",
    [PS_ERROR] = "panw.panos.error",
    [PS_STATUS] = "panw.panos.status",
    [PS_LOCATION] = "panw.panos.location",
    [PS_CONNECT_METHOD] = "panw.panos.connect_method",
    [PS_PORTAL] = "panw.panos.portal",
    [PS_HIP_NAME] = "panw.panos.hip.name",
    [PS_HIP_TYPE] = "panw.panos.hip.type",
    [PS_TLS_KEYX] = "panw.panos.tls.key_exchange",
    [PS_TLS_AUTH] = "panw.panos.tls.auth",
    [PS_ROOT_CN] = "panw.panos.root_cn",
    [PS_DEC_ERROR] = "panw.panos.decrypt_error",
    [PS_DATASOURCE] = "panw.panos.datasource",
    [PS_AUTH_SERVER] = "panw.panos.auth_server_profile",
    [PS_AUTH_FACTOR] = "panw.panos.auth_factor",
};

const char *parse_panos_extra_name(enum panos_slot slot)
{
    return (unsigned)slot < PS_COUNT ? extra_names[slot] : NULL;
}
