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
#include "intake/intake_net.h"
#include "intake/intake_tls.h"
#include "intake/intake_types.h"
#include "parse/parse_syslog.h"

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
struct ym_record *intake_record_add(struct intake *in, const char *msg, size_t len)
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

/* Whether the archive writer would take a batch at once: nothing waits on
 * its queue and at most half the pool is held downstream (parse workers
 * not behind). Then a partial batch is handed on at the end of the epoll
 * round instead of waiting to fill: a log waits for one group commit, not
 * for 1024 others or flush_ms. Under load a batch waits on the queue
 * during the writer's commit, so the batch being filled keeps growing and
 * the next group commit takes many logs at once (adaptive batching). */
static int writer_idle(struct intake *in)
{
    if (ym_queue_len(in->opt.out) != 0)
        return 0;
    return (size_t)ym_batch_pool_in_use(in->opt.pool) * 2 <= ym_queue_capacity(in->opt.out);
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

void intake_conn_update(struct intake *in, struct conn *c);

void intake_pause_streams(struct intake *in)
{
    if (in->paused)
        return;
    in->paused = 1;
    in->paused_since_ns = ym_time_mono_ns();
    for (struct conn *c = in->conns; c; c = c->next)
        intake_conn_update(in, c);
}

/* transport, peer, times and device of a new record. */
void intake_record_fill(struct intake *in, struct ym_record *rec, uint8_t transport,
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
            intake_conn_update(in, c);
        else if (c->hup)
            intake_conn_drain_hup(in, c);
        else if (c->ssl)
            intake_conn_read(in, c); /* TLS may hold decrypted bytes epoll cannot see */
        else
            intake_conn_process(in, c);
    }
}

static int wait_timeout_ms(struct intake *in)
{
    if (in->paused || in->full)
        return PAUSE_RETRY_MS;
    if (!in->cur || !in->cur->count)
        return -1;
    /* A partial batch is left only while the writer is busy: look again
     * soon, so it moves on once the writer's queue is empty. */
    int64_t age_ms = (ym_time_mono_ns() - in->cur->created_ns) / 1000000;
    if (age_ms >= in->flush_ms)
        return 0;
    int left_ms = (int)(in->flush_ms - age_ms);
    return left_ms < IDLE_RECHECK_MS ? left_ms : IDLE_RECHECK_MS;
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
                intake_conn_acks_apply(in);
            } else if (type == EV_LISTENER) {
                intake_conn_accept(in, evs[i].data.ptr);
            } else if (type == EV_UDP) {
                intake_udp_read(in, evs[i].data.ptr);
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
            uint32_t ev = evs[i].events;
            if ((ev & (EPOLLERR | EPOLLHUP)) && !(c->events & EPOLLIN)) {
                intake_conn_hangup(in, c);
                continue;
            }
            if ((ev & EPOLLOUT) && c->transport == YM_TR_RELP &&
                intake_conn_relp_flush(in, c) != 0)
                continue;
            intake_conn_read(in, c);
        }
        if (in->paused)
            try_resume(in);
        intake_conn_free_dead(in);
        /* before the hand-on: a log in a batch on the queue is counted */
        publish_stats(in);
        flush_due(in, writer_idle(in));
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
        intake_conn_close(in, in->conns);
    intake_conn_free_dead(in);
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
    } else if (st == YM_OK) {
        pthread_setname_np(in->thread, "ym-intake");
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
