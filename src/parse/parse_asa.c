/* parse_asa: decoder for Cisco ASA syslog messages (%ASA-<sev>-<id>: ...). */
#include <string.h>

#include "parse/parse.h"
#include "parse/parse_syslog.h"

static enum ym_status parse_asa_decode(const struct parse_ctx *ctx,
                                       const struct parse_syslog_hdr *hdr, struct ym_record *rec)
{
    return YM_EDECLINED;
}

static int parse_asa_sniff(const char *msg, size_t len)
{
    return len >= 5 && memcmp(msg, "%ASA-", 5) == 0;
}

const struct parse_decoder parse_decoder_asa = {
    .kind = "asa",
    .description = "Cisco ASA (%ASA-n-NNNNNN)",
    .decode = parse_asa_decode,
    .sniff = parse_asa_sniff,
};
