/* portal_sse: /api/v1/stream, server-sent events for live pages.
 *
 * DESIGN (threads, order, shutdown):
 *  - One hub thread, with its own state.db reader connection, wakes every
 *    HUB_TICK_MS: it reads the change feed after the last sequence it saw
 *    (always, so that shared answers go stale on changes: portal_cache.c)
 *    (state_changes_each; works whatever process wrote the change), turns
 *    each change into an SSE message (incident / detection), reads the
 *    current minute's log counts every COUNTERS_EVERY_NS (counters), and
 *    writes a keep-alive comment every KEEPALIVE_NS. Messages are appended
 *    to the pending output of every stream allowed to see them: a
 *    customer's stream only gets its tenant's messages, a staff stream
 *    those of its ?tenant= (or all).
 *  - A stream is a libmicrohttpd callback response. When its pending
 *    output is empty the callback suspends the connection (it then holds
 *    no pool thread); the hub resumes it after appending.
 *  - Lock: hub->lock guards the stream list and every stream's fields;
 *    taken by the hub thread and by pool threads in the callbacks.
 *  - A stream whose client does not read (pending > MAX_PENDING_BYTES) is
 *    ended rather than allowed to grow.
 *  - Shutdown (portal_sse_stop): every stream is marked closing and
 *    resumed, so its callback answers end-of-stream; the hub thread is
 *    joined; then we wait (bounded) for libmicrohttpd to release the
 *    streams before the daemon is stopped. */
#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/ym_alloc.h"
#include "core/ym_buf.h"
#include "core/ym_log.h"
#include "core/ym_time.h"
#include "portal/portal_http.h"
#include "portal/portal_internal.h"
#include "state/state_audit.h"
#include "state/state_incidents.h"

#define HUB_TICK_MS 500
#define COUNTERS_EVERY_NS (5 * YM_NS_PER_S)
#define COUNTERS_IDLE_NS (60 * YM_NS_PER_S)
#define KEEPALIVE_NS (15 * YM_NS_PER_S)
#define MAX_PENDING_BYTES (1 << 20)
#define MAX_TENANTS 256

struct sse_stream {
    struct portal_sse *hub;
    struct MHD_Connection *conn;
    char tenant[72]; /* "" = every tenant */
    struct ym_buf out;
    size_t out_off;
    int suspended;
    int closing;
    struct sse_stream *next, *prev;
};

struct portal_sse {
    struct portal *p;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    int started;
    int stop;
    struct sse_stream *streams;
    size_t count;
};

/* ---- the stream callbacks (pool threads) ---- */

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct sse_stream *s = cls;
    struct portal_sse *hub = s->hub;
    pthread_mutex_lock(&hub->lock);
    size_t pending = s->out.len - s->out_off;
    if (pending) {
        size_t n = pending < max ? pending : max;
        memcpy(buf, s->out.data + s->out_off, n);
        s->out_off += n;
        if (s->out_off == s->out.len) {
            ym_buf_clear(&s->out);
            s->out_off = 0;
        }
        pthread_mutex_unlock(&hub->lock);
        return (ssize_t)n;
    }
    if (s->closing || hub->stop) {
        pthread_mutex_unlock(&hub->lock);
        return MHD_CONTENT_READER_END_OF_STREAM;
    }
    s->suspended = 1;
    MHD_suspend_connection(s->conn);
    pthread_mutex_unlock(&hub->lock);
    return 0;
}

static void stream_free(void *cls)
{
    struct sse_stream *s = cls;
    struct portal_sse *hub = s->hub;
    pthread_mutex_lock(&hub->lock);
    if (s->prev)
        s->prev->next = s->next;
    else
        hub->streams = s->next;
    if (s->next)
        s->next->prev = s->prev;
    hub->count--;
    pthread_mutex_unlock(&hub->lock);
    ym_buf_free(&s->out);
    free(s);
}

void portal_api_stream(struct portal_req *req, struct portal_resp *resp)
{
    struct portal_sse *hub = req->portal->sse;
    struct sse_stream *s = ym_xcalloc(1, sizeof *s);
    s->hub = hub;
    s->conn = req->conn;
    snprintf(s->tenant, sizeof s->tenant, "%s", req->tenant ? req->tenant : "");
    ym_buf_adds(&s->out, "retry: 3000\n: yamori live updates\n\n");
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, s, stream_free);
    if (!r) {
        ym_buf_free(&s->out);
        free(s);
        portal_reply_internal(resp, "stream");
        return;
    }
    pthread_mutex_lock(&hub->lock);
    s->next = hub->streams;
    if (hub->streams)
        hub->streams->prev = s;
    hub->streams = s;
    hub->count++;
    pthread_mutex_unlock(&hub->lock);
    MHD_add_response_header(r, "Content-Type", "text/event-stream; charset=utf-8");
    MHD_add_response_header(r, "X-Accel-Buffering", "no");
    resp->raw = r;
    resp->status = 200;
}

/* ---- the hub thread ---- */

/* Appends one message to every stream that may see tenant (NULL = every
 * stream: keep-alives). Then resumes the suspended ones. */
static void broadcast(struct portal_sse *hub, const char *tenant, const char *text, size_t len)
{
    pthread_mutex_lock(&hub->lock);
    for (struct sse_stream *s = hub->streams; s; s = s->next) {
        if (s->closing || (tenant && s->tenant[0] && strcmp(s->tenant, tenant) != 0))
            continue;
        if (s->out.len - s->out_off + len > MAX_PENDING_BYTES)
            s->closing = 1;
        else
            ym_buf_add(&s->out, text, len);
        if (s->suspended) {
            s->suspended = 0;
            MHD_resume_connection(s->conn);
        }
    }
    pthread_mutex_unlock(&hub->lock);
}

static void send_json(struct portal_sse *hub, const char *tenant, const char *event, int64_t id,
                      json_t *data)
{
    char *text = data ? json_dumps(data, JSON_COMPACT) : NULL;
    json_decref(data);
    if (!text)
        return;
    struct ym_buf b = YM_BUF_INIT;
    if (id > 0)
        ym_buf_printf(&b, "id: %lld\n", (long long)id);
    ym_buf_printf(&b, "event: %s\ndata: %s\n\n", event, text);
    free(text);
    broadcast(hub, tenant, b.data, b.len);
    ym_buf_free(&b);
}

static int got_event(void *arg, const struct state_event *ev)
{
    *(json_t **)arg = portal_event_json(ev);
    return 1;
}

static int got_incident(void *arg, const struct state_incident *inc)
{
    *(json_t **)arg = portal_incident_json(inc);
    return 1;
}

struct feed {
    struct portal_sse *hub;
    struct state_db *db;
    int64_t last_seq;
    int announce; /* 0 = no stream open: only follow (and make answers stale) */
    /* Changes are collected first: the visitor must not run other
     * statements on the connection while the feed's is open. */
    struct state_change v[256];
    char tenants[256][72];
    char kinds[256][32];
    size_t count;
};

static int collect_change(void *arg, const struct state_change *c)
{
    struct feed *f = arg;
    f->v[f->count] = *c;
    snprintf(f->tenants[f->count], sizeof f->tenants[0], "%s", c->tenant);
    snprintf(f->kinds[f->count], sizeof f->kinds[0], "%s", c->kind);
    f->v[f->count].tenant = f->tenants[f->count];
    f->v[f->count].kind = f->kinds[f->count];
    f->count++;
    return f->count == sizeof f->v / sizeof f->v[0];
}

static void follow_feed(struct feed *f)
{
    do {
        f->count = 0;
        if (state_changes_each(f->db, f->last_seq, 256, collect_change, f) != YM_OK)
            return;
        /* Before the pages hear of it: a page re-reading after a message
         * must not get an answer cached from before the change. */
        if (f->count)
            portal_cache_bump(f->hub->p->cache);
        for (size_t i = 0; i < f->count; i++) {
            const struct state_change *c = &f->v[i];
            f->last_seq = c->seq;
            if (!f->announce)
                continue;
            json_t *data = NULL;
            if (strncmp(c->kind, "event.", 6) == 0) {
                state_event_get(f->db, c->ref, got_event, &data);
                send_json(f->hub, c->tenant, "detection", c->seq, data);
            } else if (strncmp(c->kind, "incident.", 9) == 0) {
                state_incident_get(f->db, c->ref, got_incident, &data);
                if (data)
                    json_object_set_new(data, "change", json_string(c->kind));
                send_json(f->hub, c->tenant, "incident", c->seq, data);
            }
        }
    } while (f->count == sizeof f->v / sizeof f->v[0]);
}

struct minute_sum {
    char tenant[MAX_TENANTS][72];
    uint64_t logs[MAX_TENANTS], errors[MAX_TENANTS];
    size_t count;
};

static int sum_minute(void *arg, const struct state_db_minute *m)
{
    struct minute_sum *ms = arg;
    size_t i = 0;
    while (i < ms->count && strcmp(ms->tenant[i], m->tenant) != 0)
        i++;
    if (i == ms->count) {
        if (ms->count == MAX_TENANTS)
            return 0;
        snprintf(ms->tenant[i], sizeof ms->tenant[i], "%s", m->tenant);
        ms->logs[i] = ms->errors[i] = 0;
        ms->count++;
    }
    ms->logs[i] += m->logs;
    ms->errors[i] += m->parse_errors;
    return 0;
}

/* Sends the current minute's counts per tenant: when they changed since
 * the last send, and at least once a minute. */
static void send_counters(struct portal_sse *hub, struct state_db *db, struct minute_sum *last,
                          int force)
{
    int64_t now = ym_time_now_ns();
    int64_t minute = now - now % (60 * YM_NS_PER_S);
    struct minute_sum *cur = ym_xcalloc(1, sizeof *cur);
    if (state_db_minutes_each(db, NULL, minute, 0, sum_minute, cur) != YM_OK) {
        free(cur);
        return;
    }
    for (size_t i = 0; i < cur->count; i++) {
        int changed = 1;
        for (size_t k = 0; k < last->count; k++)
            if (strcmp(last->tenant[k], cur->tenant[i]) == 0)
                changed = last->logs[k] != cur->logs[i] || last->errors[k] != cur->errors[i];
        if (!changed && !force)
            continue;
        send_json(hub, cur->tenant[i], "counters", 0,
                  json_pack("{s:o, s:s, s:I, s:I}", "t", portal_json_time(minute), "tenant",
                            cur->tenant[i], "logs", (json_int_t)cur->logs[i], "parse_errors",
                            (json_int_t)cur->errors[i]));
    }
    *last = *cur;
    free(cur);
}

static void *hub_main(void *arg)
{
    struct portal_sse *hub = arg;
    struct ym_error err = {0};
    struct feed *f = ym_xcalloc(1, sizeof *f);
    struct minute_sum *last = ym_xcalloc(1, sizeof *last);
    f->hub = hub;
    if (state_db_open(hub->p->data_dir, STATE_DB_READER, &f->db, &err) != YM_OK) {
        ym_log(YM_LOG_ERROR, "portal: live updates off: %s", err.reason);
        f->db = NULL;
    } else if (state_changes_last(f->db, &f->last_seq) != YM_OK) {
        f->last_seq = 0;
    }
    int64_t last_counters = 0, last_forced = 0, last_keepalive = ym_time_mono_ns();
    pthread_mutex_lock(&hub->lock);
    while (!hub->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += HUB_TICK_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&hub->wake, &hub->lock, &until);
        if (hub->stop)
            continue;
        /* The feed is followed even with no stream open: shared answers
         * must go stale on changes, and a stream opened later must not
         * get a backlog of old changes. */
        int streams = hub->count > 0;
        pthread_mutex_unlock(&hub->lock);
        int64_t mono = ym_time_mono_ns();
        if (f->db) {
            f->announce = streams;
            follow_feed(f);
        }
        if (f->db && streams) {
            if (mono - last_counters >= COUNTERS_EVERY_NS) {
                int force = mono - last_forced >= COUNTERS_IDLE_NS;
                send_counters(hub, f->db, last, force);
                last_counters = mono;
                if (force)
                    last_forced = mono;
            }
        }
        if (streams && mono - last_keepalive >= KEEPALIVE_NS) {
            static const char ka[] = ": keep-alive\n\n";
            broadcast(hub, NULL, ka, sizeof ka - 1);
            last_keepalive = mono;
        }
        pthread_mutex_lock(&hub->lock);
    }
    pthread_mutex_unlock(&hub->lock);
    state_db_close(f->db);
    free(f);
    free(last);
    return NULL;
}

enum ym_status portal_sse_start(struct portal *p, struct portal_sse **out)
{
    struct portal_sse *hub = ym_xcalloc(1, sizeof *hub);
    hub->p = p;
    pthread_mutex_init(&hub->lock, NULL);
    pthread_cond_init(&hub->wake, NULL);
    if (pthread_create(&hub->thread, NULL, hub_main, hub) != 0) {
        pthread_cond_destroy(&hub->wake);
        pthread_mutex_destroy(&hub->lock);
        free(hub);
        return YM_EIO;
    }
    pthread_setname_np(hub->thread, "ym-sse");
    hub->started = 1;
    *out = hub;
    return YM_OK;
}

void portal_sse_stop(struct portal_sse *hub)
{
    if (!hub)
        return;
    pthread_mutex_lock(&hub->lock);
    hub->stop = 1;
    for (struct sse_stream *s = hub->streams; s; s = s->next) {
        s->closing = 1;
        if (s->suspended) {
            s->suspended = 0;
            MHD_resume_connection(s->conn);
        }
    }
    pthread_cond_signal(&hub->wake);
    pthread_mutex_unlock(&hub->lock);
    pthread_join(hub->thread, NULL);
    /* libmicrohttpd releases each ended stream (stream_free) soon. */
    for (int i = 0; i < 300; i++) {
        pthread_mutex_lock(&hub->lock);
        size_t left = hub->count;
        pthread_mutex_unlock(&hub->lock);
        if (left == 0)
            break;
        usleep(10000);
    }
    pthread_mutex_lock(&hub->lock);
    size_t left = hub->count;
    pthread_mutex_unlock(&hub->lock);
    if (left) {
        /* A stream still refers to the hub: leave it allocated rather
         * than free memory a callback may still use. */
        ym_log(YM_LOG_WARN, "portal: %zu live streams did not end in time", left);
        return;
    }
    pthread_cond_destroy(&hub->wake);
    pthread_mutex_destroy(&hub->lock);
    free(hub);
}
