/* intake_types: the intake's internal structures, shared by intake.c (the
 * thread, batches, start/stop), intake_conn.c (stream connections, RELP
 * sessions) and intake_udp.c. Not for use outside src/intake/.
 * Threads: everything here belongs to the intake thread, except the
 * fields commented otherwise (ack_lock, pub). */
#ifndef INTAKE_TYPES_H
#define INTAKE_TYPES_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/socket.h>

#include <openssl/ssl.h>

#include "core/ym_batch.h"
#include "intake/intake.h"
#include "intake/intake_frame.h"
#include "intake/intake_relp.h"

#define STREAM_BUF_BYTES (128u * 1024)
#define RELP_BUF_BYTES (INTAKE_RELP_DATA_MAX + 64)
#define RELP_OUT_BYTES (64u * 1024)
#define CONN_MAX 4096
#define UDP_VLEN 16
#define UDP_DGRAM_BYTES 65536
#define PAUSE_RETRY_MS 2
#define IDLE_RECHECK_MS 1 /* how often a partial batch looks for an idle writer */
#define STOP_PUSH_TIMEOUT_MS 5000
#define EVENTS_MAX 64

enum ev_type { EV_LISTENER, EV_UDP, EV_CONN, EV_WAKE };

struct listener {
    int type; /* EV_LISTENER or EV_UDP; first member, epoll data.ptr */
    int fd;
    uint8_t transport;
    uint16_t port;
};

/* Last device found for a sender + hostname: repeated lines from one
 * sender skip the lookup (configured devices only; unknown ones keep
 * their counters up to date through intake_devices_lookup). */
struct dev_cache {
    const struct ym_device *dev;
    struct ym_peer peer;
    size_t host_len;
    char host[256];
};

struct conn {
    int type; /* EV_CONN */
    int fd;
    uint32_t id;
    uint8_t transport;
    uint32_t events; /* epoll mask now registered */
    struct ym_peer peer;
    char peer_text[64];
    struct intake *in;
    SSL *ssl;
    int tls_want_write;
    char *buf; /* bounded read buffer */
    size_t len, cap;
    int eof;
    int closed; /* on the dead list, freed at the end of the loop turn */
    int hup;    /* hung up while paused: out of epoll, drained on resume */
    struct intake_frame frame;
    struct dev_cache cache;
    /* RELP only */
    struct intake_relp_window *win;
    int relp_state; /* RELP_WAIT_OPEN, RELP_OPEN, RELP_CLOSING */
    int relp_dirty; /* acks arrived: flush responses */
    char *out;
    size_t out_len;
    int close_after_flush;
    struct conn *prev, *next;
};

enum { RELP_WAIT_OPEN, RELP_OPEN, RELP_CLOSING };

#define STATS_WORDS (sizeof(struct intake_stats) / sizeof(uint64_t))
_Static_assert(sizeof(struct intake_stats) % sizeof(uint64_t) == 0, "stats are uint64_t only");

struct intake {
    struct intake_options opt;
    int epfd;
    int wake_type; /* EV_WAKE: epoll data.ptr of wake_fd */
    int wake_fd;   /* eventfd: acks queued or stop asked */
    pthread_t thread;
    int thread_started;
    atomic_int stopping;
    struct listener listeners[4];
    int listener_count;
    SSL_CTX *tls_ctx;
    struct conn *conns;
    struct conn *dead; /* closed this loop turn; events may still name them */
    uint32_t next_conn_id;
    int flush_ms;

    struct ym_batch *cur;  /* being filled */
    struct ym_batch *full; /* complete, waiting for room in out */
    uint32_t cur_relp;     /* RELP records in cur: their senders wait for the ack */
    int paused;            /* stream reading stopped (no batch or out full) */
    int64_t paused_since_ns;
    int64_t now_ns; /* wall clock of the current read */

    char *udp_buf;
    struct mmsghdr udp_msgs[UDP_VLEN];
    struct iovec udp_iov[UDP_VLEN];
    struct sockaddr_storage udp_addr[UDP_VLEN];
    char udp_ctrl[UDP_VLEN][64];
    uint32_t udp_ovfl_last;
    struct dev_cache udp_cache;

    /* Acks from the archive thread; guarded by ack_lock (archive thread
     * appends, intake thread swaps the array out). */
    pthread_mutex_t ack_lock;
    uint64_t *acks;
    size_t ack_count, ack_cap;
    uint64_t *acks_work; /* intake thread's copy */
    size_t acks_work_cap;

    struct intake_stats local;    /* intake thread only */
    _Atomic uint64_t pub[STATS_WORDS]; /* published copy for intake_stats */
};

/* intake.c: batches and back-pressure */
struct ym_record *intake_record_add(struct intake *in, const char *msg, size_t len);
void intake_record_fill(struct intake *in, struct ym_record *rec, uint8_t transport,
                        const struct ym_peer *peer, struct dev_cache *cache);
void intake_pause_streams(struct intake *in);

/* intake_conn.c: stream connections (TCP, TLS, RELP) */
void intake_conn_accept(struct intake *in, struct listener *l);
void intake_conn_read(struct intake *in, struct conn *c);
int intake_conn_process(struct intake *in, struct conn *c); /* -1: c was closed */
int intake_conn_relp_flush(struct intake *in, struct conn *c); /* -1: c was closed */
void intake_conn_update(struct intake *in, struct conn *c);
void intake_conn_close(struct intake *in, struct conn *c);
void intake_conn_free_dead(struct intake *in);
void intake_conn_hangup(struct intake *in, struct conn *c);
void intake_conn_drain_hup(struct intake *in, struct conn *c);
void intake_conn_acks_apply(struct intake *in);

/* intake_udp.c */
void intake_udp_read(struct intake *in, struct listener *l);

#endif
