/* parse_nsp: decoder for McAfee/Trellix Network Security Platform (syslog alerts).
 * Thread-safe, no state; values borrowed from the raw log or the arena. */
#include <stddef.h>

#include "parse/parse.h"
#include "parse/parse_syslog.h"

static enum ym_status nsp_decode(const struct parse_ctx *ctx, const struct parse_syslog_hdr *hdr,
                                  struct ym_record *rec)
{
    (void)ctx;
    (void)hdr;
    (void)rec;
    return YM_EDECLINED;
}

static int nsp_sniff(const char *msg, size_t len)
{
    (void)msg;
    (void)len;
    return 0;
}

const struct parse_decoder parse_decoder_nsp = {
    .kind = "nsp",
    .description = "McAfee/Trellix Network Security Platform (syslog alerts)",
    .decode = nsp_decode,
    .sniff = nsp_sniff,
};
