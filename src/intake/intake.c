/* intake: the epoll thread. See intake.h for the DESIGN comment (threads,
 * queues, back-pressure, RELP acknowledgements, shutdown).
 *
 * Connection life cycle (all in the intake thread):
 *
 *   accept_all --> open --conn_read/conn_process--> open
 *                   |  peer closed (eof) and buffer drained --> conn_close
 *                   |  read/TLS error ---------------------------> conn_close
 *                   \  RELP close answered / serverclose sent ---> conn_close
 *
 * What a connection waits for is recomputed by conn_update after each step:
 * EPOLLIN only while the intake is not paused (back-pressure), the RELP
 * window has room and the buffer has room; EPOLLOUT while RELP responses or
 * a TLS handshake wait to be written.
 *
 * Invariants:
 *  1. Bytes read stay in the connection's bounded buffer until a record
 *     holds them; back-pressure never drops stream data.
 *  2. A RELP response for a syslog command is written only after its token
 *     came back through intake_ack (acknowledged = committed).
 *  3. Tokens are (connection id << 32 | txnr); ids are never reused within
 *     a run, so tokens of closed connections find nothing and are ignored. */
#include "intake/intake.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/ym_alloc.h"
#include "core/ym_log.h"
#include "core/ym_time.h"
#include "intake/intake_devices.h"
#include "intake/intake_frame.h"
#include "intake/intake_net.h"
#include "intake/intake_relp.h"
#include "intake/intake_tls.h"
#include "parse/parse_syslog.h"

#define STREAM_BUF_BYTES (128u * 1024)
#define RELP_BUF_BYTES (INTAKE_RELP_DATA_MAX + 64)
#define RELP_OUT_BYTES (64u * 1024)
#define CONN_MAX 4096
#define UDP_VLEN 16
#define UDP_DGRAM_BYTES 65536
#define PAUSE_RETRY_MS 2
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

/* ---- batches and back-pressure ---------------------------------------- */

static int push_full(struct intake *in)
{
    if (!in->full)
        return 0;
    if (ym_queue_try_push(in->opt.out, in->full) != YM_OK)
        return -1;
    in->full = NULL;
    return 0;
}

/* A record slot for len bytes, or NULL when the pipeline is full (the
 * caller stops reading and keeps the bytes). */
static struct ym_record *add_record(struct intake *in, const char *msg, size_t len)
{
    for (int tries = 0; tries < 3; tries++) {
        if (push_full(in) != 0)
            return NULL;
        if (!in->cur && ym_batch_pool_get(in->opt.pool, 0, &in->cur) != YM_OK) {
            in->cur = NULL;
            return NULL;
        }
        struct ym_record *rec = ym_batch_add(in->cur, msg, len);
        if (rec) {
            if (ym_batch_full(in->cur)) {
                in->full = in->cur;
                in->cur = NULL;
                in->cur_relp = 0;
                push_full(in);
            }
            return rec;
        }
        in->full = in->cur;
        in->cur = NULL;
        in->cur_relp = 0;
    }
    return NULL;
}

static void flush_due(struct intake *in, int force)
{
    if (in->cur && in->cur->count && !in->full) {
        int64_t age_ms = (ym_time_mono_ns() - in->cur->created_ns) / 1000000;
        if (force || age_ms >= in->flush_ms) {
            in->full = in->cur;
            in->cur = NULL;
            in->cur_relp = 0;
        }
    }
    push_full(in);
}

static void conn_update(struct intake *in, struct conn *c);

static void pause_streams(struct intake *in)
{
    if (in->paused)
        return;
    in->paused = 1;
    in->paused_since_ns = ym_time_mono_ns();
    for (struct conn *c = in->conns; c; c = c->next)
        conn_update(in, c);
}

/* transport, peer, times and device of a new record. */
static void fill_record(struct intake *in, struct ym_record *rec, uint8_t transport,
                        const struct ym_peer *peer, struct dev_cache *cache)
{
    rec->transport = transport;
    rec->peer = *peer;
    rec->received_ns = in->now_ns;
    const char *tz = cache->dev ? cache->dev->timezone : "";
    struct parse_syslog_hdr h;
    parse_syslog_header(rec->raw, rec->raw_len, tz, in->now_ns, &h);
    size_t hl = h.hostname.p ? h.hostname.len : 0;
    const struct ym_device *dev = NULL;
    if (cache->dev && cache->dev->configured && cache->host_len == hl &&
        memcmp(cache->host, h.hostname.p ? h.hostname.p : "", hl) == 0 &&
        memcmp(cache->peer.addr, peer->addr, 16) == 0) {
        dev = cache->dev;
    } else {
        dev = intake_devices_lookup(in->opt.devices, peer, h.hostname.p, hl, in->now_ns);
        if (hl < sizeof cache->host) {
            cache->dev = dev;
            cache->host_len = hl;
            memcpy(cache->host, h.hostname.p ? h.hostname.p : "", hl);
            cache->peer = *peer;
        } else {
            cache->dev = NULL;
        }
    }
    rec->device = dev;
    if (h.time_ns && !h.time_has_offset && strcmp(dev->timezone, tz) != 0)
        parse_syslog_header(rec->raw, rec->raw_len, dev->timezone, in->now_ns, &h);
    rec->time_ns = h.time_ns;
    in->local.received[transport]++;
    in->local.bytes += rec->raw_len;
}

/* ---- connections ------------------------------------------------------ */

static void conn_free(struct conn *c)
{
    if (c->ssl)
        SSL_free(c->ssl);
    free(c->win);
    free(c->out);
    free(c->buf);
    free(c);
}

/* Unlinks c; it is freed by free_dead once no event can name it. */
static void conn_close(struct intake *in, struct conn *c)
{
    ym_log(YM_LOG_DEBUG, "%s %s: closed (eof %d, %zu bytes unread, %u unanswered)",
           ym_transport_name(c->transport), c->peer_text, c->eof, c->len,
           c->win ? c->win->count : 0u);
    epoll_ctl(in->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->closed = 1;
    if (c->win)
        in->local.relp_unacked -= c->win->unacked;
    if (c->prev)
        c->prev->next = c->next;
    else
        in->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    in->local.connections--;
    c->next = in->dead;
    c->prev = NULL;
    in->dead = c;
}

static void free_dead(struct intake *in)
{
    while (in->dead) {
        struct conn *c = in->dead;
        in->dead = c->next;
        conn_free(c);
    }
}

static void conn_update(struct intake *in, struct conn *c)
{
    uint32_t ev = 0;
    int window_full = c->win && intake_relp_window_full(c->win);
    if (!in->paused && !window_full && !c->eof && c->len < c->cap &&
        c->relp_state != RELP_CLOSING && !c->close_after_flush)
        ev |= EPOLLIN;
    if (c->out_len || c->tls_want_write)
        ev |= EPOLLOUT;
    if (ev != c->events) {
        struct epoll_event e = {.events = ev, .data.ptr = c};
        epoll_ctl(in->epfd, EPOLL_CTL_MOD, c->fd, &e);
        c->events = ev;
    }
}

static int frame_cb(void *arg, const char *msg, size_t len, int truncated)
{
    struct conn *c = arg;
    struct intake *in = c->in;
    struct ym_record *rec = add_record(in, msg, len);
    if (!rec) {
        pause_streams(in);
        return 1;
    }
    if (truncated) {
        rec->flags |= YM_REC_TRUNCATED;
        in->local.truncated++;
    }
    fill_record(in, rec, c->transport, &c->peer, &c->cache);
    return 0;
}

static void relp_fail(struct intake *in, struct conn *c, const char *why)
{
    in->local.framing_errors++;
    YM_LOG_RATELIMITED(YM_LOG_WARN, "relp %s: %s; closing the session", c->peer_text, why);
    size_t n = sizeof INTAKE_RELP_SERVERCLOSE - 1;
    if (RELP_OUT_BYTES - c->out_len >= n) {
        memcpy(c->out + c->out_len, INTAKE_RELP_SERVERCLOSE, n);
        c->out_len += n;
    }
    c->close_after_flush = 1;
}

/* Handles the RELP frames in c->buf; returns the bytes consumed. */
static size_t relp_process(struct intake *in, struct conn *c)
{
    size_t pos = 0;
    while (pos < c->len && !c->close_after_flush && c->relp_state != RELP_CLOSING) {
        if (intake_relp_window_full(c->win))
            break;
        struct intake_relp_frame fr;
        size_t flen = 0;
        if (intake_relp_parse(c->buf + pos, c->len - pos, &fr, &flen) != YM_OK) {
            relp_fail(in, c, "malformed frame");
            break;
        }
        if (flen == 0)
            break;
        if (intake_relp_is(&fr, "syslog")) {
            if (c->relp_state != RELP_OPEN) {
                relp_fail(in, c, "syslog before open");
                break;
            }
            size_t dl = fr.data_len;
            while (dl && (fr.data[dl - 1] == '\n' || fr.data[dl - 1] == '\r'))
                dl--;
            if (dl == 0) {
                intake_relp_window_push(c->win, fr.txnr, INTAKE_RELP_RSP_OK, 1);
            } else {
                struct ym_record *rec = add_record(in, fr.data, dl);
                if (!rec) {
                    pause_streams(in); /* the frame stays in the buffer */
                    break;
                }
                if (dl > YM_LOG_MAX_BYTES)
                    in->local.truncated++;
                fill_record(in, rec, YM_TR_RELP, &c->peer, &c->cache);
                in->cur_relp++;
                rec->ack = ((uint64_t)c->id << 32) | fr.txnr;
                intake_relp_window_push(c->win, fr.txnr, INTAKE_RELP_RSP_OK, 0);
                in->local.relp_unacked++;
            }
        } else if (intake_relp_is(&fr, "open")) {
            if (c->relp_state != RELP_WAIT_OPEN) {
                relp_fail(in, c, "second open");
                break;
            }
            intake_relp_window_push(c->win, fr.txnr, INTAKE_RELP_RSP_OPEN, 1);
            c->relp_state = RELP_OPEN;
        } else if (intake_relp_is(&fr, "close")) {
            intake_relp_window_push(c->win, fr.txnr, INTAKE_RELP_RSP_CLOSE, 1);
            c->relp_state = RELP_CLOSING;
        } else if (c->relp_state == RELP_WAIT_OPEN) {
            relp_fail(in, c, "command before open");
            break;
        } else {
            intake_relp_window_push(c->win, fr.txnr, INTAKE_RELP_RSP_UNKNOWN, 1);
        }
        pos += flen;
    }
    if (c->relp_state == RELP_CLOSING)
        pos = c->len; /* nothing may follow close */
    return pos;
}

/* Writes ready RELP responses. Returns -1 if the connection was closed. */
static int relp_flush(struct intake *in, struct conn *c)
{
    int closing = 0;
    if (!c->close_after_flush) {
        c->out_len += intake_relp_window_drain(c->win, c->out + c->out_len,
                                               RELP_OUT_BYTES - c->out_len, &closing);
        if (closing)
            c->close_after_flush = 1;
    }
    while (c->out_len) {
        ssize_t n = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n <= 0) {
            in->local.connection_errors++;
            YM_LOG_RATELIMITED(YM_LOG_WARN, "relp %s: send: %s", c->peer_text, strerror(errno));
            conn_close(in, c);
            return -1;
        }
        memmove(c->out, c->out + n, c->out_len - (size_t)n);
        c->out_len -= (size_t)n;
    }
    if (c->close_after_flush && !c->out_len) {
        conn_close(in, c);
        return -1;
    }
    return 0;
}

/* Turns buffered bytes into records. Returns -1 if c was closed. */
static int conn_process(struct intake *in, struct conn *c)
{
    size_t used;
    if (c->transport == YM_TR_RELP)
        used = relp_process(in, c);
    else
        used = intake_frame_feed(&c->frame, c->buf, c->len, c->eof, frame_cb, c);
    if (used) {
        memmove(c->buf, c->buf + used, c->len - used);
        c->len -= used;
    }
    if (c->transport == YM_TR_RELP && relp_flush(in, c) != 0)
        return -1;
    if (c->eof && (c->len == 0 || c->transport == YM_TR_RELP) && !c->out_len) {
        conn_close(in, c);
        return -1;
    }
    conn_update(in, c);
    return 0;
}

static void conn_error(struct intake *in, struct conn *c, const char *what, const char *why)
{
    in->local.connection_errors++;
    YM_LOG_RATELIMITED(YM_LOG_WARN, "%s %s: %s: %s", ym_transport_name(c->transport),
                       c->peer_text, what, why);
    conn_close(in, c);
}

/* Reads what the socket has (one buffer-full) and processes it. */
static void conn_read(struct intake *in, struct conn *c)
{
    if (c->closed)
        return;
    for (int round = 0; round < 4; round++) {
        if (in->paused || c->eof || c->len >= c->cap)
            break;
        size_t room = c->cap - c->len;
        if (c->ssl) {
            size_t got = 0;
            char why[256] = "";
            enum intake_tls_io r = intake_tls_read(c->ssl, c->buf + c->len, room, &got, why,
                                                   sizeof why);
            c->tls_want_write = r == INTAKE_TLS_WANT_WRITE;
            if (r == INTAKE_TLS_ERROR) {
                in->local.framing_errors++;
                conn_error(in, c, "tls", why);
                return;
            }
            if (r == INTAKE_TLS_EOF)
                c->eof = 1;
            c->len += got;
            if (r == INTAKE_TLS_WANT_READ || r == INTAKE_TLS_WANT_WRITE)
                break;
        } else {
            ssize_t n = recv(c->fd, c->buf + c->len, room, 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                break;
            if (n < 0) {
                conn_error(in, c, "recv", strerror(errno));
                return;
            }
            if (n == 0)
                c->eof = 1;
            c->len += (size_t)n;
        }
        in->now_ns = ym_time_now_ns();
        if (conn_process(in, c) != 0)
            return;
        if (!c->ssl || !SSL_pending(c->ssl))
            return;
    }
    conn_process(in, c);
}

static void accept_all(struct intake *in, struct listener *l)
{
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        int fd = accept4(l->fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                in->local.connection_errors++;
                YM_LOG_RATELIMITED(YM_LOG_WARN, "%s accept: %s", ym_transport_name(l->transport),
                                   strerror(errno));
            }
            return;
        }
        if (in->local.connections >= CONN_MAX) {
            in->local.connection_errors++;
            YM_LOG_RATELIMITED(YM_LOG_WARN, "%s: more than %d connections, refusing one",
                               ym_transport_name(l->transport), CONN_MAX);
            close(fd);
            continue;
        }
        struct conn *c = ym_xcalloc(1, sizeof *c);
        c->type = EV_CONN;
        c->fd = fd;
        c->in = in;
        c->id = ++in->next_conn_id;
        c->transport = l->transport;
        intake_net_peer((struct sockaddr *)&ss, &c->peer);
        intake_net_peer_text(&c->peer, c->peer_text, sizeof c->peer_text);
        intake_frame_init(&c->frame);
        c->cap = l->transport == YM_TR_RELP ? RELP_BUF_BYTES : STREAM_BUF_BYTES;
        c->buf = ym_xmalloc(c->cap);
        if (l->transport == YM_TR_RELP) {
            c->win = ym_xmalloc(sizeof *c->win);
            intake_relp_window_init(c->win);
            c->out = ym_xmalloc(RELP_OUT_BYTES);
        }
        if (l->transport == YM_TR_TLS) {
            c->ssl = SSL_new(in->tls_ctx);
            if (c->ssl) {
                SSL_set_fd(c->ssl, fd);
                SSL_set_accept_state(c->ssl);
            }
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
        /* RELP answers are small writes the sender waits for: Nagle plus
         * the sender's delayed ACK would hold each one ~40 ms */
        if (l->transport == YM_TR_RELP)
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        c->next = in->conns;
        if (in->conns)
            in->conns->prev = c;
        in->conns = c;
        in->local.connections++;
        in->local.connections_total++;
        struct epoll_event e = {.events = 0, .data.ptr = c};
        epoll_ctl(in->epfd, EPOLL_CTL_ADD, fd, &e);
        if (l->transport == YM_TR_TLS && !c->ssl) {
            conn_error(in, c, "tls", "cannot create a session");
            continue;
        }
        conn_update(in, c);
    }
}

/* ---- UDP -------------------------------------------------------------- */

static void udp_read(struct intake *in, struct listener *l)
{
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < UDP_VLEN; i++) {
            in->udp_iov[i].iov_base = in->udp_buf + (size_t)i * UDP_DGRAM_BYTES;
            in->udp_iov[i].iov_len = UDP_DGRAM_BYTES;
            struct msghdr *m = &in->udp_msgs[i].msg_hdr;
            m->msg_iov = &in->udp_iov[i];
            m->msg_iovlen = 1;
            m->msg_name = &in->udp_addr[i];
            m->msg_namelen = sizeof in->udp_addr[i];
            m->msg_control = in->udp_ctrl[i];
            m->msg_controllen = sizeof in->udp_ctrl[i];
            m->msg_flags = 0;
        }
        int n = recvmmsg(l->fd, in->udp_msgs, UDP_VLEN, MSG_DONTWAIT, NULL);
        if (n <= 0)
            return;
        in->now_ns = ym_time_now_ns();
        for (int i = 0; i < n; i++) {
            struct msghdr *m = &in->udp_msgs[i].msg_hdr;
            for (struct cmsghdr *cm = CMSG_FIRSTHDR(m); cm; cm = CMSG_NXTHDR(m, cm)) {
                if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_RXQ_OVFL) {
                    uint32_t total;
                    memcpy(&total, CMSG_DATA(cm), sizeof total);
                    in->local.udp_kernel_drops += total - in->udp_ovfl_last;
                    in->udp_ovfl_last = total;
                }
            }
            const char *p = in->udp_buf + (size_t)i * UDP_DGRAM_BYTES;
            size_t len = in->udp_msgs[i].msg_len;
            while (len && (p[len - 1] == '\n' || p[len - 1] == '\r' || p[len - 1] == '\0'))
                len--;
            if (!len)
                continue;
            struct ym_record *rec = add_record(in, p, len);
            if (!rec) {
                in->local.udp_dropped++;
                YM_LOG_RATELIMITED(YM_LOG_WARN, "udp: pipeline full, datagram dropped");
                pause_streams(in);
                continue;
            }
            if (m->msg_flags & MSG_TRUNC) {
                rec->flags |= YM_REC_TRUNCATED;
                in->local.truncated++;
            }
            struct ym_peer peer;
            intake_net_peer((struct sockaddr *)&in->udp_addr[i], &peer);
            fill_record(in, rec, YM_TR_UDP, &peer, &in->udp_cache);
        }
        if (n < UDP_VLEN)
            return;
    }
}

/* ---- acknowledgements ------------------------------------------------- */

void intake_ack(struct intake *in, const uint64_t *acks, size_t count)
{
    if (!in || !count)
        return;
    pthread_mutex_lock(&in->ack_lock);
    if (in->ack_count + count > in->ack_cap) {
        size_t cap = in->ack_cap ? in->ack_cap : 1024;
        while (cap < in->ack_count + count)
            cap *= 2;
        in->acks = ym_xrealloc(in->acks, cap * sizeof *in->acks);
        in->ack_cap = cap;
    }
    size_t kept = 0;
    for (size_t i = 0; i < count; i++)
        if (acks[i])
            in->acks[in->ack_count + kept++] = acks[i];
    in->ack_count += kept;
    pthread_mutex_unlock(&in->ack_lock);
    uint64_t one = 1;
    if (kept && write(in->wake_fd, &one, sizeof one) < 0 && errno != EAGAIN)
        ym_log(YM_LOG_ERROR, "intake: cannot wake the intake thread: %s", strerror(errno));
}

static void acks_apply(struct intake *in)
{
    pthread_mutex_lock(&in->ack_lock);
    uint64_t *work = in->acks;
    size_t n = in->ack_count, cap = in->ack_cap;
    in->acks = in->acks_work;
    in->ack_cap = in->acks_work_cap;
    in->ack_count = 0;
    pthread_mutex_unlock(&in->ack_lock);
    in->acks_work = work;
    in->acks_work_cap = cap;

    struct conn *last = NULL;
    for (size_t i = 0; i < n; i++) {
        uint32_t id = (uint32_t)(work[i] >> 32), txnr = (uint32_t)work[i];
        if (!last || last->id != id) {
            last = NULL;
            for (struct conn *c = in->conns; c; c = c->next)
                if (c->id == id && c->win) {
                    last = c;
                    break;
                }
        }
        if (last && intake_relp_window_ack(last->win, txnr) == YM_OK) {
            last->relp_dirty = 1;
            in->local.relp_unacked--;
        }
    }
    struct conn *next;
    for (struct conn *c = in->conns; c; c = next) {
        next = c->next;
        if (!c->relp_dirty)
            continue;
        c->relp_dirty = 0;
        /* the window may have room again: take buffered frames too */
        conn_process(in, c);
    }
}

/* ---- the thread ------------------------------------------------------- */

static void publish_stats(struct intake *in)
{
    const uint64_t *w = (const uint64_t *)&in->local;
    for (size_t i = 0; i < STATS_WORDS; i++)
        atomic_store_explicit(&in->pub[i], w[i], memory_order_relaxed);
}

static void try_resume(struct intake *in)
{
    if (push_full(in) != 0)
        return;
    if (!in->cur && ym_batch_pool_get(in->opt.pool, 0, &in->cur) != YM_OK) {
        in->cur = NULL;
        return;
    }
    in->paused = 0;
    in->local.paused_ms += (uint64_t)((ym_time_mono_ns() - in->paused_since_ns) / 1000000);
    struct conn *next;
    for (struct conn *c = in->conns; c; c = next) {
        next = c->next;
        if (in->paused)
            conn_update(in, c);
        else if (c->ssl)
            conn_read(in, c); /* TLS may hold decrypted bytes epoll cannot see */
        else
            conn_process(in, c);
    }
}

static int wait_timeout_ms(struct intake *in)
{
    if (in->paused || in->full)
        return PAUSE_RETRY_MS;
    if (!in->cur || !in->cur->count)
        return -1;
    int64_t age_ms = (ym_time_mono_ns() - in->cur->created_ns) / 1000000;
    return age_ms >= in->flush_ms ? 0 : (int)(in->flush_ms - age_ms);
}

static void *intake_main(void *arg)
{
    struct intake *in = arg;
    struct epoll_event evs[EVENTS_MAX];
    while (!atomic_load(&in->stopping)) {
        /* RELP senders wait for our answer before sending more (their
         * window): once nothing else is ready, hand their records on at
         * once instead of waiting for flush_ms. */
        int relp_waiting = in->cur_relp && in->cur && in->cur->count && !in->full;
        int n = epoll_wait(in->epfd, evs, EVENTS_MAX, relp_waiting ? 0 : wait_timeout_ms(in));
        if (n < 0 && errno != EINTR) {
            ym_log(YM_LOG_ERROR, "intake: epoll_wait: %s", strerror(errno));
            break;
        }
        if (n == 0 && relp_waiting)
            flush_due(in, 1);
        for (int i = 0; i < n; i++) {
            int type = *(int *)evs[i].data.ptr;
            if (type == EV_WAKE) {
                uint64_t v;
                if (read(in->wake_fd, &v, sizeof v) < 0 && errno != EAGAIN)
                    ym_log(YM_LOG_ERROR, "intake: eventfd: %s", strerror(errno));
                acks_apply(in);
            } else if (type == EV_LISTENER) {
                accept_all(in, evs[i].data.ptr);
            } else if (type == EV_UDP) {
                udp_read(in, evs[i].data.ptr);
            }
        }
        /* connections after the others: a closed one cannot be in evs twice
         * because each fd appears once per epoll_wait */
        for (int i = 0; i < n; i++) {
            if (*(int *)evs[i].data.ptr != EV_CONN)
                continue;
            struct conn *c = evs[i].data.ptr;
            if (c->closed)
                continue;
            if ((evs[i].events & EPOLLOUT) && c->transport == YM_TR_RELP && relp_flush(in, c) != 0)
                continue;
            if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLOUT))
                conn_read(in, c);
        }
        flush_due(in, 0);
        if (in->paused)
            try_resume(in);
        free_dead(in);
        publish_stats(in);
    }
    return NULL;
}

/* ---- start and stop --------------------------------------------------- */

static enum ym_status add_listener(struct intake *in, const char *label, const struct ym_listen *l,
                                   const char *port, int socktype, uint8_t transport,
                                   struct ym_error *err)
{
    struct listener *li = &in->listeners[in->listener_count];
    enum ym_status st = intake_net_listen(label, l->host, port, socktype, &li->fd, &li->port, err);
    if (st != YM_OK)
        return st;
    in->listener_count++;
    li->transport = transport;
    li->type = socktype == SOCK_DGRAM ? EV_UDP : EV_LISTENER;
    if (socktype == SOCK_DGRAM) {
        int rcvbuf = in->opt.cfg->udp_rcvbuf_bytes > 0 ? in->opt.cfg->udp_rcvbuf_bytes : 8 << 20;
        if (setsockopt(li->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf) != 0)
            ym_log(YM_LOG_WARN, "%s: SO_RCVBUF %d: %s", label, rcvbuf, strerror(errno));
        int one = 1;
        if (setsockopt(li->fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one) != 0)
            ym_log(YM_LOG_WARN, "%s: SO_RXQ_OVFL: %s (kernel drops not counted)", label,
                   strerror(errno));
    }
    struct epoll_event e = {.events = EPOLLIN, .data.ptr = li};
    if (epoll_ctl(in->epfd, EPOLL_CTL_ADD, li->fd, &e) != 0) {
        ym_error_set(err, "", 0, 0, "%s: epoll: %s", label, strerror(errno));
        return YM_EIO;
    }
    return YM_OK;
}

static void intake_free(struct intake *in)
{
    for (int i = 0; i < in->listener_count; i++)
        close(in->listeners[i].fd);
    in->listener_count = 0;
    while (in->conns)
        conn_close(in, in->conns);
    free_dead(in);
    if (in->epfd >= 0)
        close(in->epfd);
    if (in->wake_fd >= 0)
        close(in->wake_fd);
    intake_tls_ctx_destroy(in->tls_ctx);
    pthread_mutex_destroy(&in->ack_lock);
    free(in->acks);
    free(in->acks_work);
    free(in->udp_buf);
    free(in);
}

enum ym_status intake_start(const struct intake_options *opt, struct intake **out,
                            struct ym_error *err)
{
    const struct ym_config *cfg = opt->cfg;
    struct intake *in = ym_xcalloc(1, sizeof *in);
    in->opt = *opt;
    in->wake_type = EV_WAKE;
    in->flush_ms = cfg->flush_ms > 0 ? cfg->flush_ms : 20;
    pthread_mutex_init(&in->ack_lock, NULL);
    in->epfd = epoll_create1(EPOLL_CLOEXEC);
    in->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (in->epfd < 0 || in->wake_fd < 0) {
        ym_error_set(err, "", 0, 0, "intake: %s", strerror(errno));
        intake_free(in);
        return YM_EIO;
    }
    struct epoll_event e = {.events = EPOLLIN, .data.ptr = &in->wake_type};
    epoll_ctl(in->epfd, EPOLL_CTL_ADD, in->wake_fd, &e);

    enum ym_status st = YM_OK;
    if (cfg->syslog.enabled) {
        st = add_listener(in, "syslog tcp", &cfg->syslog, cfg->syslog.port, SOCK_STREAM,
                          YM_TR_TCP, err);
        if (st == YM_OK) {
            /* UDP on the port TCP got (the same one unless it was "0") */
            char port[16];
            snprintf(port, sizeof port, "%u", (unsigned)in->listeners[in->listener_count - 1].port);
            st = add_listener(in, "syslog udp", &cfg->syslog, port, SOCK_DGRAM, YM_TR_UDP, err);
            in->udp_buf = ym_xmalloc((size_t)UDP_VLEN * UDP_DGRAM_BYTES);
        }
    }
    if (st == YM_OK && cfg->relp.enabled)
        st = add_listener(in, "relp", &cfg->relp, cfg->relp.port, SOCK_STREAM, YM_TR_RELP, err);
    if (st == YM_OK && cfg->tls.enabled && cfg->tls_config.cert_file) {
        st = intake_tls_ctx_create(&cfg->tls_config, &in->tls_ctx, err);
        if (st == YM_OK)
            st = add_listener(in, "tls", &cfg->tls, cfg->tls.port, SOCK_STREAM, YM_TR_TLS, err);
    }
    if (st == YM_OK && pthread_create(&in->thread, NULL, intake_main, in) != 0) {
        ym_error_set(err, "", 0, 0, "intake: cannot start the thread");
        st = YM_EIO;
    }
    if (st != YM_OK) {
        intake_free(in);
        return st;
    }
    in->thread_started = 1;
    for (int i = 0; i < in->listener_count; i++)
        ym_log(YM_LOG_INFO, "intake: %s listening on %s port %u",
               ym_transport_name(in->listeners[i].transport),
               in->listeners[i].transport == YM_TR_RELP ? cfg->relp.host
               : in->listeners[i].transport == YM_TR_TLS ? cfg->tls.host
                                                          : cfg->syslog.host,
               (unsigned)in->listeners[i].port);
    *out = in;
    return YM_OK;
}

/* Hands b on at shutdown, waiting a bounded time for room. */
static void push_at_stop(struct intake *in, struct ym_batch *b)
{
    if (!b)
        return;
    if (!b->count) {
        ym_batch_put(b);
        return;
    }
    if (ym_queue_push(in->opt.out, b, STOP_PUSH_TIMEOUT_MS) != YM_OK) {
        ym_log(YM_LOG_ERROR, "intake: stopping: the pipeline took no batch for %d ms; %u logs "
               "not handed on", STOP_PUSH_TIMEOUT_MS, (unsigned)b->count);
        ym_batch_put(b);
    }
}

void intake_stop(struct intake *in)
{
    if (!in)
        return;
    if (in->thread_started) {
        atomic_store(&in->stopping, 1);
        uint64_t one = 1;
        if (write(in->wake_fd, &one, sizeof one) < 0)
            ym_log(YM_LOG_ERROR, "intake: cannot wake the thread: %s", strerror(errno));
        pthread_join(in->thread, NULL);
    }
    for (int i = 0; i < in->listener_count; i++)
        close(in->listeners[i].fd);
    in->listener_count = 0;
    push_at_stop(in, in->full);
    push_at_stop(in, in->cur);
    in->full = in->cur = NULL;
    intake_free(in);
}

void intake_stats(struct intake *in, struct intake_stats *out)
{
    uint64_t *w = (uint64_t *)out;
    for (size_t i = 0; i < STATS_WORDS; i++)
        w[i] = atomic_load_explicit(&in->pub[i], memory_order_relaxed);
}

uint16_t intake_bound_port(struct intake *in, enum ym_transport transport)
{
    for (int i = 0; i < in->listener_count; i++)
        if (in->listeners[i].transport == transport)
            return in->listeners[i].port;
    return 0;
}
