/* Fuzz target: RFC 6587 framing (intake_frame). The input is fed through a
 * bounded connection buffer in chunks whose sizes come from the input
 * itself, as a TCP reader would; every delivered message must be within
 * the buffer and at most YM_LOG_MAX_BYTES long, and the framer must always
 * make progress on a full buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/ym_batch.h"
#include "intake/intake_frame.h"

#define CONN_BUF (128u * 1024)

struct ctx {
    const char *buf_lo, *buf_hi;
    size_t total;
};

static int on_msg(void *arg, const char *msg, size_t len, int truncated)
{
    struct ctx *c = arg;
    if (len == 0 || len > YM_LOG_MAX_BYTES || msg < c->buf_lo || msg + len > c->buf_hi)
        abort();
    if (truncated && len != YM_LOG_MAX_BYTES && len > YM_LOG_MAX_BYTES)
        abort();
    volatile char sink = msg[0] ^ msg[len - 1]; /* touch both ends under ASan */
    (void)sink;
    c->total += len;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t chunk = (size_t)data[0] % 64 + 1;
    if (data[0] & 0x80)
        chunk = 4096;
    data++;
    size--;
    static char buf[CONN_BUF];
    struct ctx c = {buf, buf + CONN_BUF, 0};
    struct intake_frame f;
    intake_frame_init(&f);
    size_t have = 0, off = 0;
    while (off < size) {
        size_t n = size - off < chunk ? size - off : chunk;
        if (n > CONN_BUF - have)
            n = CONN_BUF - have;
        memcpy(buf + have, data + off, n);
        have += n;
        off += n;
        size_t used = intake_frame_feed(&f, buf, have, 0, on_msg, &c);
        if (used > have || (have == CONN_BUF && used == 0))
            abort();
        memmove(buf, buf + used, have - used);
        have -= used;
    }
    if (intake_frame_feed(&f, buf, have, 1, on_msg, &c) != have)
        abort();
    if (c.total > size)
        abort();
    return 0;
}
