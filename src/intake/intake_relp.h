/* intake_relp: the RELP protocol pieces of our RELP server (frame parser,
 * per-session response window). The sockets live in intake.c.
 *
 * Why our own server and not librelp: librelp's server acknowledges a
 * message as soon as its callback returns, which would force one durable
 * commit per message. We answer "rsp 200" only once the archive committed
 * the message, and batch those commits.
 *
 * Frames (RELP, as spoken by librelp / rsyslog omrelp):
 *     TXNR SP COMMAND SP DATALEN [SP DATA] LF
 * TXNR 1..999999999, COMMAND 1..32 letters, DATALEN 0..INTAKE_RELP_DATA_MAX.
 *
 * Session (one per connection), transitions in intake.c:
 *
 *    accepted --open--> open --syslog*--> open --close--> closing --> closed
 *        |                 \--bad frame / syslog before open--> closed
 *        \--anything but open--> closed ("serverclose")
 *
 * Invariants:
 *  1. Responses go out in the order the commands came (the window is a FIFO).
 *  2. A syslog command's response is "200 OK" and is sent only after its
 *     record was acknowledged (intake_relp_window_ack) = archive committed.
 *  3. The window is bounded (INTAKE_RELP_WINDOW); when full the caller stops
 *     reading the connection, which pushes back on the sender.
 * Memory: nothing allocated; frames borrow the caller's buffer. Not
 * thread-safe: the intake thread owns every session. */
#ifndef INTAKE_RELP_H
#define INTAKE_RELP_H

#include <stddef.h>
#include <stdint.h>

#include "core/ym_status.h"

#define INTAKE_RELP_DATA_MAX (128u * 1024)
#define INTAKE_RELP_WINDOW 1024
#define INTAKE_RELP_TXNR_MAX 999999999u

struct intake_relp_frame {
    uint32_t txnr;
    const char *command; /* not NUL-terminated */
    size_t command_len;
    const char *data;    /* borrowed from the parsed buffer */
    size_t data_len;
};

/* Parses the frame at the start of buf. YM_OK with *frame_len > 0: a whole
 * frame (fr filled); YM_OK with *frame_len == 0: more bytes needed;
 * YM_EPARSE: not RELP (the connection must be closed). */
enum ym_status intake_relp_parse(const char *buf, size_t len, struct intake_relp_frame *fr,
                                 size_t *frame_len);

/* 1 if the frame's command is cmd (e.g. "syslog"). */
int intake_relp_is(const struct intake_relp_frame *fr, const char *cmd);

enum intake_relp_rsp {
    INTAKE_RELP_RSP_OK,      /* syslog: "200 OK" once acknowledged */
    INTAKE_RELP_RSP_OPEN,    /* open: "200 OK" + our offers */
    INTAKE_RELP_RSP_CLOSE,   /* close: "200 OK", then the connection closes */
    INTAKE_RELP_RSP_UNKNOWN, /* "500 unknown command" */
};

struct intake_relp_pending {
    uint32_t txnr;
    uint8_t kind;  /* enum intake_relp_rsp */
    uint8_t ready; /* may be answered */
};

/* Commands waiting for their response, in arrival order. */
struct intake_relp_window {
    struct intake_relp_pending ring[INTAKE_RELP_WINDOW];
    uint32_t head;  /* oldest */
    uint32_t count;
    uint32_t unacked; /* entries not ready */
};

void intake_relp_window_init(struct intake_relp_window *w);
int intake_relp_window_full(const struct intake_relp_window *w);
/* Queues a response; YM_EFULL when the window is full. */
enum ym_status intake_relp_window_push(struct intake_relp_window *w, uint32_t txnr,
                                       enum intake_relp_rsp kind, int ready);
/* Marks the oldest unacknowledged syslog entry with this txnr ready;
 * YM_ENOTFOUND if there is none. */
enum ym_status intake_relp_window_ack(struct intake_relp_window *w, uint32_t txnr);
/* Writes the responses that may go out (ready, from the oldest on) into
 * out[0..cap) and removes them; stops at the first one not ready or not
 * fitting. Returns the bytes written; *close_after = 1 if a close response
 * was written (nothing may follow it). */
size_t intake_relp_window_drain(struct intake_relp_window *w, char *out, size_t cap,
                                int *close_after);

/* The frame the server sends before closing a session on its own. */
#define INTAKE_RELP_SERVERCLOSE "0 serverclose 0\n"

#endif
