#include "intake/intake_devices.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "core/ym_alloc.h"
#include "core/ym_log.h"
#include "core/ym_net.h"

#define OTHER_NAME "other"

struct cidr {
    uint8_t addr[16]; /* network, IPv4 as v4-mapped */
    unsigned bits;    /* prefix length over the 128 bits */
    const struct ym_device *dev;
};

struct host_slot {
    const char *name; /* NULL = empty slot */
    size_t len;
    const struct ym_device *dev;
};

/* One unknown sender. The counters are atomics so that the intake thread
 * updates them without the lock while _each reads them. */
struct unknown {
    struct ym_device dev;
    char address[64];
    char hostname[256];
    char *key; /* name used to find it again: hostname, else address */
    size_t key_len;
    int64_t first_seen_ns;
    _Atomic int64_t last_seen_ns;
    _Atomic uint64_t logs;
};

struct intake_devices {
    struct ym_device *configured;
    size_t configured_count;
    struct cidr *cidrs; /* longest prefix first */
    size_t cidr_count;
    struct host_slot *hosts; /* open addressing, power-of-two size */
    size_t host_cap;
    uint32_t next_id;

    /* The unknown table is changed by the intake thread only, so that
     * thread reads it without the lock; `lock` guards changes against the
     * _each readers (any thread). */
    pthread_mutex_t lock;
    struct unknown **unknowns; /* in order of first sight */
    size_t unknown_count, unknown_cap;
    uint32_t *index; /* unknowns index + 1, 0 = empty; open addressing */
    size_t index_cap;
    struct unknown *other; /* shared by senders beyond INTAKE_UNKNOWN_MAX */
    struct unknown *last;  /* last unknown found (intake thread only) */
};

static uint64_t hash_nocase(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        h = (h ^ c) * 1099511628211ull;
    }
    return h;
}

static int same_nocase(const char *a, size_t alen, const char *b, size_t blen)
{
    return alen == blen && strncasecmp(a, b, alen) == 0;
}

static int parse_cidr(const char *text, struct cidr *out)
{
    memset(out, 0, sizeof *out);
    return ym_cidr_parse(text, strlen(text), out->addr, &out->bits) ? 0 : -1;
}

static int cidr_longer_first(const void *a, const void *b)
{
    const struct cidr *x = a, *y = b;
    return (int)y->bits - (int)x->bits;
}

static void host_insert(struct intake_devices *d, const char *name, const struct ym_device *dev)
{
    size_t len = strlen(name);
    size_t i = hash_nocase(name, len) & (d->host_cap - 1);
    while (d->hosts[i].name) {
        if (same_nocase(d->hosts[i].name, d->hosts[i].len, name, len))
            return; /* first device naming a hostname keeps it */
        i = (i + 1) & (d->host_cap - 1);
    }
    d->hosts[i] = (struct host_slot){name, len, dev};
}

static const struct ym_device *host_find(const struct intake_devices *d, const char *name,
                                         size_t len)
{
    if (!d->host_cap)
        return NULL;
    size_t i = hash_nocase(name, len) & (d->host_cap - 1);
    while (d->hosts[i].name) {
        if (same_nocase(d->hosts[i].name, d->hosts[i].len, name, len))
            return d->hosts[i].dev;
        i = (i + 1) & (d->host_cap - 1);
    }
    return NULL;
}

enum ym_status intake_devices_create(const struct ym_config *cfg, struct intake_devices **out,
                                     struct ym_error *err)
{
    struct intake_devices *d = ym_xcalloc(1, sizeof *d);
    pthread_mutex_init(&d->lock, NULL);
    d->next_id = 1;
    size_t ncfg = cfg ? cfg->device_count : 0;
    size_t naddr = 0, nhost = 0;
    for (size_t i = 0; i < ncfg; i++) {
        naddr += cfg->devices[i].address_count;
        nhost += cfg->devices[i].hostname_count;
    }
    d->configured = ym_xcalloc(ncfg ? ncfg : 1, sizeof *d->configured);
    d->cidrs = ym_xcalloc(naddr ? naddr : 1, sizeof *d->cidrs);
    if (nhost) {
        d->host_cap = 16;
        while (d->host_cap < nhost * 2)
            d->host_cap *= 2;
        d->hosts = ym_xcalloc(d->host_cap, sizeof *d->hosts);
    }
    for (size_t i = 0; i < ncfg; i++) {
        const struct ym_device_config *dc = &cfg->devices[i];
        struct ym_device *dev = &d->configured[i];
        dev->id = d->next_id++;
        dev->name = dc->name;
        dev->tenant = dc->tenant ? dc->tenant : YM_TENANT_UNASSIGNED;
        dev->kind = dc->kind ? dc->kind : "auto";
        dev->timezone = dc->timezone ? dc->timezone : "";
        dev->configured = 1;
        d->configured_count++;
        for (size_t a = 0; a < dc->address_count; a++) {
            if (parse_cidr(dc->addresses[a], &d->cidrs[d->cidr_count]) != 0) {
                ym_error_set(err, cfg->path ? cfg->path : "", 0, 0,
                             "device %s: \"%s\" is not an address or CIDR", dc->name,
                             dc->addresses[a]);
                intake_devices_destroy(d);
                return YM_EINVAL;
            }
            d->cidrs[d->cidr_count++].dev = dev;
        }
        for (size_t h = 0; h < dc->hostname_count; h++)
            host_insert(d, dc->hostnames[h], dev);
    }
    qsort(d->cidrs, d->cidr_count, sizeof *d->cidrs, cidr_longer_first);
    d->index_cap = 1024;
    d->index = ym_xcalloc(d->index_cap, sizeof *d->index);
    *out = d;
    return YM_OK;
}

void intake_devices_destroy(struct intake_devices *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->unknown_count; i++) {
        free(d->unknowns[i]->key);
        free(d->unknowns[i]);
    }
    if (d->other) {
        free(d->other->key);
        free(d->other);
    }
    free(d->unknowns);
    free(d->index);
    free(d->hosts);
    free(d->cidrs);
    free(d->configured);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

static void peer_text(const struct ym_peer *peer, char *out, size_t cap)
{
    static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    out[0] = '\0';
    if (!peer || !peer->family)
        return;
    if (memcmp(peer->addr, v4mapped, 12) == 0)
        inet_ntop(AF_INET, peer->addr + 12, out, (socklen_t)cap);
    else
        inet_ntop(AF_INET6, peer->addr, out, (socklen_t)cap);
}

static struct unknown *unknown_new(struct intake_devices *d, const char *name, size_t name_len,
                                   const char *address, const char *hostname, size_t host_len,
                                   int64_t now_ns)
{
    struct unknown *u = ym_xcalloc(1, sizeof *u);
    u->key = ym_xstrndup(name, name_len);
    u->key_len = name_len;
    u->dev.id = d->next_id++;
    u->dev.name = u->key;
    u->dev.tenant = YM_TENANT_UNASSIGNED;
    u->dev.kind = "auto";
    u->dev.timezone = "";
    u->dev.configured = 0;
    snprintf(u->address, sizeof u->address, "%s", address);
    if (host_len >= sizeof u->hostname)
        host_len = sizeof u->hostname - 1;
    memcpy(u->hostname, hostname, host_len);
    u->hostname[host_len] = '\0';
    u->first_seen_ns = now_ns;
    atomic_store(&u->last_seen_ns, now_ns);
    return u;
}

static void index_put(uint32_t *index, size_t cap, const struct unknown *u, uint32_t slot)
{
    size_t i = hash_nocase(u->key, u->key_len) & (cap - 1);
    while (index[i])
        i = (i + 1) & (cap - 1);
    index[i] = slot;
}

/* Adds u to the table (intake thread, takes the lock). */
static void unknown_add(struct intake_devices *d, struct unknown *u)
{
    pthread_mutex_lock(&d->lock);
    if (d->unknown_count == d->unknown_cap) {
        d->unknown_cap = d->unknown_cap ? d->unknown_cap * 2 : 64;
        d->unknowns = ym_xrealloc(d->unknowns, d->unknown_cap * sizeof *d->unknowns);
    }
    d->unknowns[d->unknown_count++] = u;
    pthread_mutex_unlock(&d->lock);
    if (d->unknown_count * 2 > d->index_cap) {
        size_t cap = d->index_cap * 2;
        uint32_t *index = ym_xcalloc(cap, sizeof *index);
        for (size_t i = 0; i < d->unknown_count - 1; i++)
            index_put(index, cap, d->unknowns[i], (uint32_t)i + 1);
        free(d->index);
        d->index = index;
        d->index_cap = cap;
    }
    index_put(d->index, d->index_cap, u, (uint32_t)d->unknown_count);
}

static struct unknown *unknown_find(struct intake_devices *d, const char *key, size_t len)
{
    if (d->last && same_nocase(d->last->key, d->last->key_len, key, len))
        return d->last;
    size_t i = hash_nocase(key, len) & (d->index_cap - 1);
    while (d->index[i]) {
        struct unknown *u = d->unknowns[d->index[i] - 1];
        if (same_nocase(u->key, u->key_len, key, len))
            return u;
        i = (i + 1) & (d->index_cap - 1);
    }
    return NULL;
}

const struct ym_device *intake_devices_lookup(struct intake_devices *d, const struct ym_peer *peer,
                                              const char *hostname, size_t hostname_len,
                                              int64_t now_ns)
{
    if (hostname_len == 1 && hostname[0] == '-') /* RFC 5424 NILVALUE */
        hostname_len = 0;
    if (!hostname)
        hostname_len = 0;
    if (hostname_len) {
        const struct ym_device *dev = host_find(d, hostname, hostname_len);
        if (dev)
            return dev;
    }
    if (peer && peer->family) {
        for (size_t i = 0; i < d->cidr_count; i++)
            if (ym_cidr_contains(d->cidrs[i].addr, d->cidrs[i].bits, peer->addr))
                return d->cidrs[i].dev;
    }

    char address[64];
    const char *key = hostname;
    size_t key_len = hostname_len;
    if (!key_len) {
        peer_text(peer, address, sizeof address);
        key = address[0] ? address : "unknown";
        key_len = strlen(key);
    } else if (key_len > 255) {
        key_len = 255; /* names stay printable in listings */
    }
    struct unknown *u = unknown_find(d, key, key_len);
    if (!u && d->unknown_count >= INTAKE_UNKNOWN_MAX) {
        if (!d->other) {
            struct unknown *o = unknown_new(d, OTHER_NAME, strlen(OTHER_NAME), "", "", 0, now_ns);
            pthread_mutex_lock(&d->lock);
            d->other = o;
            pthread_mutex_unlock(&d->lock);
            ym_log(YM_LOG_WARN, "more than %d unknown senders: further ones share device \"%s\"",
                   INTAKE_UNKNOWN_MAX, OTHER_NAME);
        }
        u = d->other;
    }
    if (!u) {
        if (key == hostname)
            peer_text(peer, address, sizeof address);
        u = unknown_new(d, key, key_len, address, hostname ? hostname : "", hostname_len, now_ns);
        unknown_add(d, u);
        ym_log(YM_LOG_INFO, "unknown sender %s (hostname \"%s\"): device \"%s\" in tenant %s",
               u->address[0] ? u->address : "-", u->hostname, u->dev.name, u->dev.tenant);
    }
    d->last = u;
    atomic_store_explicit(&u->last_seen_ns, now_ns, memory_order_relaxed);
    atomic_fetch_add_explicit(&u->logs, 1, memory_order_relaxed);
    return &u->dev;
}

static void unknown_report(const struct unknown *u, intake_unknown_fn fn, void *arg)
{
    struct intake_unknown_sender s;
    s.device = &u->dev;
    memcpy(s.address, u->address, sizeof s.address);
    memcpy(s.hostname, u->hostname, sizeof s.hostname);
    s.first_seen_ns = u->first_seen_ns;
    s.last_seen_ns = atomic_load_explicit(&u->last_seen_ns, memory_order_relaxed);
    s.logs = atomic_load_explicit(&u->logs, memory_order_relaxed);
    fn(arg, &s);
}

void intake_devices_unknown_each(struct intake_devices *d, intake_unknown_fn fn, void *arg)
{
    pthread_mutex_lock(&d->lock);
    for (size_t i = 0; i < d->unknown_count; i++)
        unknown_report(d->unknowns[i], fn, arg);
    if (d->other)
        unknown_report(d->other, fn, arg);
    pthread_mutex_unlock(&d->lock);
}

void intake_devices_each(struct intake_devices *d, intake_device_fn fn, void *arg)
{
    for (size_t i = 0; i < d->configured_count; i++)
        fn(arg, &d->configured[i]);
    pthread_mutex_lock(&d->lock);
    for (size_t i = 0; i < d->unknown_count; i++)
        fn(arg, &d->unknowns[i]->dev);
    if (d->other)
        fn(arg, &d->other->dev);
    pthread_mutex_unlock(&d->lock);
}
