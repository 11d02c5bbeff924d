/* intake_conn: stream connections of the intake thread — accepting, reading
 * (plain or TLS), RFC 6587 framing into records, RELP sessions and their
 * answers. See intake.c for the connection life cycle and invariants.
 * Threads: the intake thread only. */
#include "intake/intake_types.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "core/ym_alloc.h"
#include "core/ym_log.h"
#include "core/ym_time.h"
#include "intake/intake_net.h"
#include "intake/intake_tls.h"

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

/* Unlinks c; it is freed by intake_conn_free_dead once no event can name it. */
void intake_conn_close(struct intake *in, struct conn *c)
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

void intake_conn_free_dead(struct intake *in)
{
    while (in->dead) {
        struct conn *c = in->dead;
        in->dead = c->next;
        conn_free(c);
    }
}

void intake_conn_update(struct intake *in, struct conn *c)
{
    if (c->hup || c->closed)
        return;
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
    struct ym_record *rec = intake_record_add(in, msg, len);
    if (!rec) {
        intake_pause_streams(in);
        return 1;
    }
    if (truncated) {
        rec->flags |= YM_REC_TRUNCATED;
        in->local.truncated++;
    }
    intake_record_fill(in, rec, c->transport, &c->peer, &c->cache);
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
                struct ym_record *rec = intake_record_add(in, fr.data, dl);
                if (!rec) {
                    intake_pause_streams(in); /* the frame stays in the buffer */
                    break;
                }
                if (dl > YM_LOG_MAX_BYTES)
                    in->local.truncated++;
                intake_record_fill(in, rec, YM_TR_RELP, &c->peer, &c->cache);
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
int intake_conn_relp_flush(struct intake *in, struct conn *c)
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
            intake_conn_close(in, c);
            return -1;
        }
        memmove(c->out, c->out + n, c->out_len - (size_t)n);
        c->out_len -= (size_t)n;
    }
    if (c->close_after_flush && !c->out_len) {
        intake_conn_close(in, c);
        return -1;
    }
    return 0;
}

/* Turns buffered bytes into records. Returns -1 if c was closed. */
int intake_conn_process(struct intake *in, struct conn *c)
{
    size_t used;
    if (c->transport == YM_TR_RELP)
        used = relp_process(in, c);
    else
        used = intake_frame_feed(&c->frame, c->buf, c->len, c->eof, frame_cb, c);
    if (c->frame.incomplete) {
        in->local.framing_errors += c->frame.incomplete;
        c->frame.incomplete = 0;
        YM_LOG_RATELIMITED(YM_LOG_WARN, "%s %s: connection closed inside an octet-counted "
                           "message; kept what came", ym_transport_name(c->transport), c->peer_text);
    }
    if (used) {
        memmove(c->buf, c->buf + used, c->len - used);
        c->len -= used;
    }
    if (c->transport == YM_TR_RELP && intake_conn_relp_flush(in, c) != 0)
        return -1;
    /* At eof a stream closes once its bytes are records; a RELP session
     * once every command was answered (a sender that half-closed after
     * "close" still gets its answers). */
    int done = c->transport == YM_TR_RELP ? (c->win->count == 0 || c->hup) && !c->out_len
                                          : c->len == 0;
    if (c->eof && done) {
        intake_conn_close(in, c);
        return -1;
    }
    intake_conn_update(in, c);
    return 0;
}

static void conn_error(struct intake *in, struct conn *c, const char *what, const char *why)
{
    in->local.connection_errors++;
    YM_LOG_RATELIMITED(YM_LOG_WARN, "%s %s: %s: %s", ym_transport_name(c->transport),
                       c->peer_text, what, why);
    intake_conn_close(in, c);
}

/* The kernel reports a hang-up even on a connection we stopped reading
 * (back-pressure); so that the loop does not spin on it, stop watching it
 * and read the rest when reading resumes (intake_conn_drain_hup). A RELP
 * peer that is gone cannot take answers: its unanswered messages will be
 * resent, so the session ends now. */
void intake_conn_hangup(struct intake *in, struct conn *c)
{
    if (c->transport == YM_TR_RELP) {
        intake_conn_close(in, c);
        return;
    }
    epoll_ctl(in->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    c->hup = 1;
    c->events = 0;
}

void intake_conn_drain_hup(struct intake *in, struct conn *c)
{
    /* each turn reads, or ends at eof/error; it stops early only when the
     * pipeline is full again */
    for (int turn = 0; turn < 1024 && !c->closed && !in->paused; turn++)
        intake_conn_read(in, c);
    if (!c->closed && !in->paused)
        intake_conn_close(in, c); /* a TLS session that never reaches its end */
}

/* Reads what the socket has (one buffer-full) and processes it. */
void intake_conn_read(struct intake *in, struct conn *c)
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
                if (c->len == 0) {
                    conn_error(in, c, "tls", why);
                    return;
                }
                in->local.connection_errors++; /* keep what was read */
                YM_LOG_RATELIMITED(YM_LOG_WARN, "tls %s: %s", c->peer_text, why);
                r = INTAKE_TLS_EOF;
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
                /* a reset: what was read before still becomes records */
                in->local.connection_errors++;
                YM_LOG_RATELIMITED(YM_LOG_WARN, "%s %s: recv: %s",
                                   ym_transport_name(c->transport), c->peer_text, strerror(errno));
                n = 0;
            }
            if (n == 0)
                c->eof = 1;
            c->len += (size_t)n;
        }
        in->now_ns = ym_time_now_ns();
        if (intake_conn_process(in, c) != 0)
            return;
        if (!c->ssl || !SSL_pending(c->ssl))
            return;
    }
    intake_conn_process(in, c);
}

void intake_conn_accept(struct intake *in, struct listener *l)
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
        intake_conn_update(in, c);
    }
}

void intake_conn_acks_apply(struct intake *in)
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
        intake_conn_process(in, c);
    }
}

