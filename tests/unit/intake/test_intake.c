/* intake over real loopback sockets: TCP, UDP and RELP reach the out queue
 * as batches; RELP is answered only after intake_ack; back-pressure loses
 * nothing; a busy port is named in the error; a partial batch moves on
 * when nothing waits on the queue and keeps filling while a batch does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/ym_config.h"
#include "core/ym_log.h"
#include "core/ym_time.h"
#include "intake/intake.h"
#include "intake/intake_devices.h"

#define WAIT_MS 5000

struct rig {
    struct ym_config *cfg;
    struct ym_batch_pool *pool;
    struct ym_queue *out;
    struct intake_devices *devices;
    struct intake *in;
};

struct rec_copy {
    char raw[256];
    uint8_t transport;
    uint64_t ack;
    const struct ym_device *device;
    int64_t received_ns;
};

static void rig_start(struct rig *r, unsigned batches)
{
    memset(r, 0, sizeof *r);
    r->cfg = ym_config_default();
    /* port "0": ephemeral ports (set directly: the config loader wants 1..65535) */
    snprintf(r->cfg->syslog.port, sizeof r->cfg->syslog.port, "0");
    snprintf(r->cfg->relp.port, sizeof r->cfg->relp.port, "0");
    r->cfg->flush_ms = 5;
    r->pool = ym_batch_pool_create(batches);
    r->out = ym_queue_create(batches);
    struct ym_error err;
    assert_int_equal(intake_devices_create(r->cfg, &r->devices, &err), YM_OK);
    struct intake_options opt = {r->cfg, r->pool, r->out, r->devices};
    assert_int_equal(intake_start(&opt, &r->in, &err), YM_OK);
}

static void rig_stop(struct rig *r)
{
    intake_stop(r->in);
    void *b;
    while (ym_queue_pop(r->out, 0, &b) == YM_OK)
        ym_batch_put(b);
    ym_queue_destroy(r->out);
    ym_batch_pool_destroy(r->pool);
    intake_devices_destroy(r->devices);
    ym_config_free(r->cfg);
}

/* Pops batches until `want` records were copied out (or the wait ends). */
static size_t collect(struct rig *r, struct rec_copy *out, size_t want)
{
    size_t got = 0;
    int64_t deadline = ym_time_mono_ns() + (int64_t)WAIT_MS * 1000000;
    while (got < want && ym_time_mono_ns() < deadline) {
        void *item;
        if (ym_queue_pop(r->out, 100, &item) != YM_OK)
            continue;
        struct ym_batch *b = item;
        for (uint32_t i = 0; i < b->count; i++, got++) {
            if (!out || got >= want)
                continue;
            snprintf(out[got].raw, sizeof out[got].raw, "%s", b->recs[i].raw);
            out[got].transport = b->recs[i].transport;
            out[got].ack = b->recs[i].ack;
            out[got].device = b->recs[i].device;
            out[got].received_ns = b->recs[i].received_ns;
        }
        ym_batch_put(b);
    }
    return got;
}

static int connect_to(uint16_t port, int type)
{
    int fd = socket(AF_INET, type, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

static void send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        assert_true(w > 0);
        p += w;
        n -= (size_t)w;
    }
}

/* Reads until `want` bytes came, the peer closed, or timeout_ms passed. */
static size_t recv_some(int fd, char *buf, size_t want, int timeout_ms)
{
    size_t got = 0;
    while (got < want) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, timeout_ms) <= 0)
            break;
        ssize_t n = recv(fd, buf + got, want - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    buf[got] = '\0';
    return got;
}

static void tcp_and_udp_logs_arrive_in_batches(void **state)
{
    (void)state;
    struct rig r;
    rig_start(&r, 4);
    uint16_t port = intake_bound_port(r.in, YM_TR_TCP);
    assert_true(port != 0);
    assert_int_equal(intake_bound_port(r.in, YM_TR_UDP), port);

    int t = connect_to(port, SOCK_STREAM);
    const char stream[] = "26 <13>Nov 22 10:00:00 fw1 a\n<13>Nov 22 10:00:01 fw1 lf\r\n";
    send_all(t, stream, sizeof stream - 1);
    struct rec_copy recs[4];
    assert_int_equal(collect(&r, recs, 2), 2);
    assert_string_equal(recs[0].raw, "<13>Nov 22 10:00:00 fw1 a");
    assert_string_equal(recs[1].raw, "<13>Nov 22 10:00:01 fw1 lf");
    assert_int_equal(recs[0].transport, YM_TR_TCP);
    assert_non_null(recs[0].device);
    assert_string_equal(recs[0].device->name, "fw1");
    assert_string_equal(recs[0].device->tenant, "unassigned");
    assert_true(recs[0].received_ns > 0);
    close(t);

    int u = connect_to(port, SOCK_DGRAM);
    send_all(u, "<13>udp datagram\n", 17);
    assert_int_equal(collect(&r, recs, 1), 1);
    assert_string_equal(recs[0].raw, "<13>udp datagram");
    assert_int_equal(recs[0].transport, YM_TR_UDP);
    close(u);

    struct intake_stats st;
    int64_t deadline = ym_time_mono_ns() + (int64_t)WAIT_MS * 1000000;
    do {
        intake_stats(r.in, &st);
    } while (st.connections && ym_time_mono_ns() < deadline);
    assert_int_equal(st.received[YM_TR_TCP], 2);
    assert_int_equal(st.received[YM_TR_UDP], 1);
    assert_int_equal(st.connections_total, 1);
    assert_int_equal(st.connections, 0);
    rig_stop(&r);
}

static void relp_is_answered_only_after_ack(void **state)
{
    (void)state;
    struct rig r;
    rig_start(&r, 4);
    int s = connect_to(intake_bound_port(r.in, YM_TR_RELP), SOCK_STREAM);
    const char open_frame[] = "1 open 30 relp_version=0\ncommands=syslog\n";
    send_all(s, open_frame, sizeof open_frame - 1);
    char buf[512];
    const char open_rsp[] = "1 rsp 58 200 OK\nrelp_version=0\nrelp_software=yamori\ncommands=syslog\n";
    assert_int_equal(recv_some(s, buf, sizeof open_rsp - 1, WAIT_MS), sizeof open_rsp - 1);
    assert_string_equal(buf, open_rsp);

    const char msgs[] = "2 syslog 13 <13>relp one\n\n3 syslog 12 <13>relp two\n";
    send_all(s, msgs, sizeof msgs - 1);
    struct rec_copy recs[2];
    assert_int_equal(collect(&r, recs, 2), 2);
    assert_string_equal(recs[0].raw, "<13>relp one");
    assert_int_equal(recs[0].transport, YM_TR_RELP);
    assert_true(recs[0].ack != 0 && recs[1].ack != 0 && recs[0].ack != recs[1].ack);
    /* the batch went out; nothing may be answered before the archive acks */
    assert_int_equal(recv_some(s, buf, 1, 200), 0);
    struct intake_stats st;
    intake_stats(r.in, &st);
    assert_int_equal(st.relp_unacked, 2);

    intake_ack(r.in, &recs[1].ack, 1); /* out of order: 2 still holds 3 back */
    assert_int_equal(recv_some(s, buf, 1, 200), 0);
    intake_ack(r.in, &recs[0].ack, 1);
    const char acks[] = "2 rsp 6 200 OK\n3 rsp 6 200 OK\n";
    assert_int_equal(recv_some(s, buf, sizeof acks - 1, WAIT_MS), sizeof acks - 1);
    assert_string_equal(buf, acks);

    send_all(s, "4 close 0\n", 10);
    assert_int_equal(recv_some(s, buf, 100, WAIT_MS), 15);
    assert_string_equal(buf, "4 rsp 6 200 OK\n");
    close(s);
    rig_stop(&r);
}

static void relp_close_after_half_close_still_gets_every_answer(void **state)
{
    (void)state;
    struct rig r;
    rig_start(&r, 4);
    int s = connect_to(intake_bound_port(r.in, YM_TR_RELP), SOCK_STREAM);
    const char frames[] = "1 open 0\n2 syslog 5 <13>x\n3 close 0\n";
    send_all(s, frames, sizeof frames - 1);
    shutdown(s, SHUT_WR); /* the sender sent everything and waits */
    char buf[512];
    assert_int_equal(recv_some(s, buf, 68, WAIT_MS), 68); /* the open answer */
    assert_non_null(strstr(buf, "1 rsp 58 200 OK"));
    struct rec_copy rec;
    assert_int_equal(collect(&r, &rec, 1), 1);
    intake_ack(r.in, &rec.ack, 1);
    const char rest[] = "2 rsp 6 200 OK\n3 rsp 6 200 OK\n";
    assert_int_equal(recv_some(s, buf, 200, WAIT_MS), sizeof rest - 1); /* then closed */
    assert_string_equal(buf, rest);
    close(s);
    rig_stop(&r);
}

static void relp_garbage_gets_serverclose(void **state)
{
    (void)state;
    struct rig r;
    rig_start(&r, 2);
    int s = connect_to(intake_bound_port(r.in, YM_TR_RELP), SOCK_STREAM);
    send_all(s, "GET / HTTP/1.0\r\n\r\n", 18);
    char buf[64];
    assert_int_equal(recv_some(s, buf, 60, WAIT_MS), 16);
    assert_string_equal(buf, "0 serverclose 0\n");
    close(s);
    struct intake_stats st;
    int64_t deadline = ym_time_mono_ns() + (int64_t)WAIT_MS * 1000000;
    do {
        intake_stats(r.in, &st);
    } while ((st.framing_errors == 0 || st.connections) && ym_time_mono_ns() < deadline);
    assert_int_equal(st.framing_errors, 1);
    assert_int_equal(st.connections, 0);
    rig_stop(&r);
}

static void back_pressure_loses_no_stream_line(void **state)
{
    (void)state;
    struct rig r;
    rig_start(&r, 2); /* two batches: the sender must wait for the test to pop */
    int t = connect_to(intake_bound_port(r.in, YM_TR_TCP), SOCK_STREAM);
    enum { LINES = 20000 };
    char *data = malloc((size_t)LINES * 40);
    size_t len = 0;
    for (int i = 0; i < LINES; i++)
        len += (size_t)snprintf(data + len, 40, "<13>line %d\n", i);
    pid_t pid = fork();
    if (pid == 0) {
        send_all(t, data, len);
        _exit(0);
    }
    close(t);
    /* let the pipeline fill before popping */
    struct intake_stats st;
    int64_t deadline = ym_time_mono_ns() + (int64_t)WAIT_MS * 1000000;
    do {
        usleep(1000);
        intake_stats(r.in, &st);
    } while (ym_batch_pool_in_use(r.pool) < 2 && ym_time_mono_ns() < deadline);
    assert_int_equal(collect(&r, NULL, LINES), LINES);
    free(data);
    rig_stop(&r);
}

static void udp_is_dropped_and_counted_when_the_pipeline_is_full(void **state)
{
    (void)state;
    struct rig r;
    rig_start(&r, 1); /* one batch in flight: once it is queued, nothing more fits */
    uint16_t port = intake_bound_port(r.in, YM_TR_TCP);
    int t = connect_to(port, SOCK_STREAM);
    enum { LINES = 1100 };
    char line[32];
    for (int i = 0; i < LINES; i++) {
        int n = snprintf(line, sizeof line, "<13>tcp %d\n", i);
        send_all(t, line, (size_t)n);
    }
    int64_t deadline = ym_time_mono_ns() + (int64_t)WAIT_MS * 1000000;
    while (ym_queue_len(r.out) < 1 && ym_time_mono_ns() < deadline)
        usleep(1000);
    assert_int_equal(ym_queue_len(r.out), 1);
    int u = connect_to(port, SOCK_DGRAM);
    for (int i = 0; i < 5; i++)
        send_all(u, "<13>udp\n", 8);
    struct intake_stats st;
    do {
        usleep(1000);
        intake_stats(r.in, &st);
    } while (st.udp_dropped < 5 && ym_time_mono_ns() < deadline);
    assert_int_equal(st.udp_dropped, 5);
    /* the TCP lines held back meanwhile all arrive once the batch is taken */
    assert_int_equal(collect(&r, NULL, LINES), LINES);
    close(u);
    close(t);
    rig_stop(&r);
}

static void busy_port_is_named_in_the_error(void **state)
{
    (void)state;
    struct rig r;
    rig_start(&r, 2);
    struct ym_config *cfg = ym_config_default();
    cfg->syslog.enabled = 0;
    char arg[32];
    snprintf(arg, sizeof arg, "127.0.0.1:%u", (unsigned)intake_bound_port(r.in, YM_TR_RELP));
    assert_int_equal(ym_config_parse_listen(arg, &cfg->relp), YM_OK);
    struct intake_options opt = {cfg, r.pool, r.out, r.devices};
    struct intake *second = NULL;
    struct ym_error err;
    assert_int_not_equal(intake_start(&opt, &second, &err), YM_OK);
    char want[80];
    snprintf(want, sizeof want, "relp %s: Address already in use", arg);
    assert_string_equal(err.reason, want);
    ym_config_free(cfg);
    rig_stop(&r);
}

/* flush_ms is 10 s here, longer than any wait of this test: a batch that
 * arrives came through the adaptive hand-on, not the timer. While a batch
 * waits on the queue (the archive writer is busy), new logs gather in the
 * batch being filled; once the queue is empty they move on together. */
static void partial_batch_moves_on_when_the_queue_is_empty(void **state)
{
    (void)state;
    struct rig r;
    rig_start(&r, 4);
    intake_stop(r.in);
    r.cfg->flush_ms = 10000;
    struct ym_error err;
    struct intake_options opt = {r.cfg, r.pool, r.out, r.devices};
    assert_int_equal(intake_start(&opt, &r.in, &err), YM_OK);
    int t = connect_to(intake_bound_port(r.in, YM_TR_TCP), SOCK_STREAM);

    /* idle: one line is a batch of its own */
    send_all(t, "<13>alone\n", 10);
    struct rec_copy recs[2];
    assert_int_equal(collect(&r, recs, 1), 1);
    assert_string_equal(recs[0].raw, "<13>alone");

    /* busy: a batch waits on the queue while two lines arrive apart */
    struct ym_batch *waiting;
    assert_int_equal(ym_batch_pool_get(r.pool, 0, &waiting), YM_OK);
    assert_int_equal(ym_queue_try_push(r.out, waiting), YM_OK);
    struct intake_stats st;
    int64_t deadline = ym_time_mono_ns() + (int64_t)WAIT_MS * 1000000;
    send_all(t, "<13>first\n", 10);
    do {
        usleep(1000);
        intake_stats(r.in, &st);
    } while (st.received[YM_TR_TCP] < 2 && ym_time_mono_ns() < deadline);
    send_all(t, "<13>second\n", 11);
    do {
        usleep(1000);
        intake_stats(r.in, &st);
    } while (st.received[YM_TR_TCP] < 3 && ym_time_mono_ns() < deadline);
    assert_int_equal(st.received[YM_TR_TCP], 3);
    assert_int_equal(ym_queue_len(r.out), 1);
    void *item;
    assert_int_equal(ym_queue_pop(r.out, 0, &item), YM_OK);
    assert_ptr_equal(item, waiting);
    ym_batch_put(waiting);

    assert_int_equal(ym_queue_pop(r.out, WAIT_MS, &item), YM_OK);
    struct ym_batch *b = item;
    assert_int_equal(b->count, 2);
    assert_string_equal(b->recs[0].raw, "<13>first");
    assert_string_equal(b->recs[1].raw, "<13>second");
    ym_batch_put(b);
    close(t);
    rig_stop(&r);
}

int main(void)
{
    ym_log_level_set(YM_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tcp_and_udp_logs_arrive_in_batches),
        cmocka_unit_test(relp_is_answered_only_after_ack),
        cmocka_unit_test(relp_close_after_half_close_still_gets_every_answer),
        cmocka_unit_test(relp_garbage_gets_serverclose),
        cmocka_unit_test(back_pressure_loses_no_stream_line),
        cmocka_unit_test(udp_is_dropped_and_counted_when_the_pipeline_is_full),
        cmocka_unit_test(busy_port_is_named_in_the_error),
        cmocka_unit_test(partial_batch_moves_on_when_the_queue_is_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
