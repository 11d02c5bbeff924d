/* parse_ftd: decoder for Cisco Firepower Threat Defense syslog (%FTD-<sev>-<id>: ...). */
#include <string.h>

#include "parse/parse.h"
#include "parse/parse_syslog.h"

static enum ym_status parse_ftd_decode(const struct parse_ctx *ctx,
                                       const struct parse_syslog_hdr *hdr, struct ym_record *rec)
{
    return YM_EDECLINED;
}

static int parse_ftd_sniff(const char *msg, size_t len)
{
    return len >= 5 && memcmp(msg, "%FTD-", 5) == 0;
}

const struct parse_decoder parse_decoder_ftd = {
    .kind = "ftd",
    .description = "Cisco Firepower Threat Defense (%FTD-n-NNNNNN)",
    .decode = parse_ftd_decode,
    .sniff = parse_ftd_sniff,
};
