/* intake: the listeners. Receives syslog over UDP, TCP and TLS (RFC 3164 /
 * 5424 messages; RFC 6587 octet-counting and newline framing, detected per
 * frame; RFC 5425) and RELP, finds each log's device (intake_devices.h) and
 * hands full batches to the next stage.
 *
 * DESIGN (threads, queues, order, shutdown):
 *  - One epoll thread owns every socket and TLS session. It fills one batch
 *    at a time from the pool and pushes it to `out` when full; a partial
 *    batch at the end of an epoll round when `out` is empty and at most
 *    half the pool is in use (the consumer is idle: adaptive batching),
 *    else when its oldest log is flush_ms old.
 *  - Back-pressure: when no batch can be had from the pool or `out` is
 *    full, the thread stops reading stream sockets (TCP, TLS, RELP), so the
 *    kernel's buffers fill and senders slow down; UDP keeps being read and
 *    what cannot be queued is counted in udp_dropped (never unbounded).
 *  - RELP: a message's "rsp 200" is sent only after the archive committed
 *    it. Each RELP record carries a nonzero rec->ack token; the archive
 *    thread calls intake_ack() with the tokens of a committed batch; the
 *    epoll thread sends the responses (in txnr order per session).
 *  - Shutdown: intake_stop closes the listeners, pushes the partial batch,
 *    and joins the thread. Unacknowledged RELP messages are not answered,
 *    so the sender resends them (RELP's own guarantee).
 * Ownership: batches are transferred to `out`. intake does not own pool,
 * out or devices (the caller creates and destroys them, after intake_stop).
 * intake_ack and intake_stats are thread-safe; the rest is main-thread.
 * intake_ack must not be called once intake_stop has begun (stop the
 * archive's acknowledgements first; unanswered RELP messages are resent). */
#ifndef INTAKE_H
#define INTAKE_H

#include <stddef.h>
#include <stdint.h>

#include "core/ym_batch.h"
#include "core/ym_config.h"
#include "core/ym_queue.h"
#include "core/ym_status.h"

struct intake;
struct intake_devices; /* intake/intake_devices.h */

struct intake_options {
    const struct ym_config *cfg;     /* listeners, TLS files, flush_ms, udp_rcvbuf_bytes */
    struct ym_batch_pool *pool;
    struct ym_queue *out;            /* full batches go here */
    struct intake_devices *devices;  /* sender -> device */
};

/* Binds every configured listener (an address in use is an error naming
 * it: "relp 127.0.0.1:2514: Address already in use") and starts the thread.
 * Port "0" binds an ephemeral port (see intake_bound_port). Returns YM_EIO
 * (bind/listen failed, TLS certificate or key unreadable), YM_EINVAL
 * (address does not resolve, client verification without ca_file); err
 * says which. */
enum ym_status intake_start(const struct intake_options *opt, struct intake **out,
                            struct ym_error *err);
void intake_stop(struct intake *in); /* NULL is fine; frees in */

/* Called after the archive committed records carrying these ack tokens. */
void intake_ack(struct intake *in, const uint64_t *acks, size_t count);

struct intake_stats {
    uint64_t received[6];       /* logs by enum ym_transport */
    uint64_t bytes;
    uint64_t udp_dropped;       /* datagrams read but not queued (back-pressure) */
    uint64_t udp_kernel_drops;  /* drops the kernel reported (SO_RXQ_OVFL) */
    uint64_t truncated;         /* logs cut at YM_LOG_MAX_BYTES */
    uint64_t framing_errors;    /* bad octet counts, TLS failures, RELP protocol errors */
    uint64_t connections;       /* stream connections open now */
    uint64_t connections_total;
    uint64_t relp_unacked;      /* RELP messages waiting for the archive */
    uint64_t paused_ms;         /* time stream reading was paused by back-pressure */
    uint64_t connection_errors; /* resets, TLS handshake failures, refused over the cap */
};
void intake_stats(struct intake *in, struct intake_stats *out);

/* The port a listener is bound to (useful with port "0" = ephemeral), or 0
 * when that listener is off. YM_TR_UDP and YM_TR_TCP share cfg->syslog. */
uint16_t intake_bound_port(struct intake *in, enum ym_transport transport);

#endif
