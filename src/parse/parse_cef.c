/* parse_cef: decoder for ArcSight Common Event Format (CEF:0).
 * Thread-safe, no state; values borrowed from the raw log or the arena. */
#include <stddef.h>

#include "parse/parse.h"
#include "parse/parse_syslog.h"

static enum ym_status cef_decode(const struct parse_ctx *ctx, const struct parse_syslog_hdr *hdr,
                                  struct ym_record *rec)
{
    (void)ctx;
    (void)hdr;
    (void)rec;
    return YM_EDECLINED;
}

static int cef_sniff(const char *msg, size_t len)
{
    (void)msg;
    (void)len;
    return 0;
}

const struct parse_decoder parse_decoder_cef = {
    .kind = "cef",
    .description = "ArcSight Common Event Format (CEF:0)",
    .decode = cef_decode,
    .sniff = cef_sniff,
};
