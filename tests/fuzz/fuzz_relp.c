/* Fuzz target: the RELP frame parser and the response window. Frames are
 * parsed from the input as a session would (a bounded buffer, more bytes on
 * "need more"); every parsed frame must lie inside the input; syslog frames
 * are queued in the window and acknowledged in a scrambled order, and the
 * drained responses must fit the output buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intake/intake_relp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct intake_relp_window w;
    intake_relp_window_init(&w);
    const char *p = (const char *)data;
    size_t pos = 0;
    uint32_t txnrs[64];
    size_t ntx = 0;
    char out[4096];
    int closing = 0;
    while (pos < size) {
        struct intake_relp_frame fr;
        size_t flen = 0;
        if (intake_relp_parse(p + pos, size - pos, &fr, &flen) != YM_OK || flen == 0)
            break;
        if (flen > size - pos || fr.data < p + pos || fr.data + fr.data_len > p + pos + flen ||
            fr.command_len == 0 || fr.data_len > INTAKE_RELP_DATA_MAX)
            abort();
        enum intake_relp_rsp kind = intake_relp_is(&fr, "syslog") ? INTAKE_RELP_RSP_OK
                                    : intake_relp_is(&fr, "open") ? INTAKE_RELP_RSP_OPEN
                                    : intake_relp_is(&fr, "close") ? INTAKE_RELP_RSP_CLOSE
                                                                   : INTAKE_RELP_RSP_UNKNOWN;
        int ready = kind != INTAKE_RELP_RSP_OK;
        if (intake_relp_window_push(&w, fr.txnr, kind, ready) == YM_OK && !ready && ntx < 64)
            txnrs[ntx++] = fr.txnr;
        pos += flen;
    }
    for (size_t i = 0; i < ntx; i++) /* acknowledge from the newest back */
        intake_relp_window_ack(&w, txnrs[ntx - 1 - i]);
    for (int rounds = 0; rounds < 8 && w.count; rounds++) {
        size_t n = intake_relp_window_drain(&w, out, sizeof out, &closing);
        if (n > sizeof out)
            abort();
        if (closing || n == 0)
            break;
    }
    return 0;
}
