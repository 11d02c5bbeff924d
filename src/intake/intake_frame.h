/* intake_frame: RFC 6587 framing of a syslog byte stream (TCP, TLS).
 *
 * Two framings share one connection and are told apart per frame:
 *  - octet counting: "MSG-LEN SP SYSLOG-MSG", recognised when a frame starts
 *    with 1..9 digits (nonzero), a space, then '<';
 *  - non-transparent framing: the message ends at LF, or NUL; a CR before
 *    the LF is removed.
 * Empty frames (blank lines, the LF some senders put after an octet-counted
 * frame) are skipped. Trailing CR/LF inside an octet-counted message is
 * removed too. Any other byte is kept as is.
 *
 * Messages longer than YM_LOG_MAX_BYTES are handed on cut to that length
 * with truncated = 1, and the rest of that message is skipped (the
 * connection is kept). The caller's buffer therefore never needs to hold
 * more than YM_LOG_MAX_BYTES + 16 bytes of one frame.
 *
 * Memory: nothing is allocated; frames passed to the callback are borrowed
 * from the caller's buffer for the duration of the call. One struct
 * intake_frame per connection; not thread-safe (one thread per connection). */
#ifndef INTAKE_FRAME_H
#define INTAKE_FRAME_H

#include <stddef.h>
#include <stdint.h>

struct intake_frame {
    uint64_t skip_bytes; /* octet-counted remainder of a truncated message to drop */
    int skip_to_delim;   /* dropping the rest of an over-long LF-framed message */
    uint64_t truncated;  /* messages cut (counter) */
    uint64_t frames;     /* messages delivered (counter) */
    uint64_t incomplete; /* octet-counted messages the peer cut short by closing */
};

/* Called once per message. Returns 0 to go on; nonzero to stop before this
 * message (back-pressure): intake_frame_feed then returns without consuming
 * it, and the same message is offered again on the next call. */
typedef int (*intake_frame_fn)(void *arg, const char *msg, size_t len, int truncated);

void intake_frame_init(struct intake_frame *f);

/* Delivers every complete message in buf[0..len) and returns the number of
 * bytes consumed; the caller keeps buf[consumed..len) and presents it again,
 * followed by new bytes. eof = 1 when the peer closed: a last message
 * without delimiter is delivered too. */
size_t intake_frame_feed(struct intake_frame *f, const char *buf, size_t len, int eof,
                         intake_frame_fn fn, void *arg);

#endif
