/* Device lookup: hostname, longest CIDR, IPv6, unknown senders and their cap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <sys/socket.h>

#include "core/ym_log.h"
#include "intake/intake_devices.h"

static struct ym_peer peer_of(const char *text)
{
    struct ym_peer p;
    memset(&p, 0, sizeof p);
    struct in_addr v4;
    if (inet_pton(AF_INET, text, &v4) == 1) {
        p.addr[10] = p.addr[11] = 0xff;
        memcpy(p.addr + 12, &v4, 4);
        p.family = AF_INET;
    } else {
        assert_int_equal(inet_pton(AF_INET6, text, p.addr), 1);
        p.family = AF_INET6;
    }
    p.port = 514;
    return p;
}

static char *fw_addrs[] = {"198.51.100.0/24"};
static char *fw_hosts[] = {"fw01", "fw01.example.net"};
static char *core_addrs[] = {"198.51.100.7", "2001:db8::/32"};
static char *wide_addrs[] = {"198.51.0.0/16"};

static struct ym_device_config devs[] = {
    {.name = "fw01", .tenant = "acme", .kind = "asa", .timezone = "Asia/Tokyo",
     .addresses = fw_addrs, .address_count = 1, .hostnames = fw_hosts, .hostname_count = 2},
    {.name = "core", .tenant = "acme", .kind = "panos", .timezone = "",
     .addresses = core_addrs, .address_count = 2},
    {.name = "wide", .tenant = "beta", .kind = "syslog", .timezone = "",
     .addresses = wide_addrs, .address_count = 1},
};

static struct intake_devices *make(void)
{
    struct ym_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.devices = devs;
    cfg.device_count = 3;
    struct intake_devices *d = NULL;
    struct ym_error err;
    assert_int_equal(intake_devices_create(&cfg, &d, &err), YM_OK);
    return d;
}

static void hostname_wins_over_address(void **state)
{
    (void)state;
    struct intake_devices *d = make();
    struct ym_peer p = peer_of("203.0.113.9");
    const struct ym_device *dev = intake_devices_lookup(d, &p, "FW01.example.net", 16, 1);
    assert_string_equal(dev->name, "fw01");
    assert_string_equal(dev->tenant, "acme");
    assert_true(dev->configured);
    intake_devices_destroy(d);
}

static void longest_cidr_matches(void **state)
{
    (void)state;
    struct intake_devices *d = make();
    struct ym_peer exact = peer_of("198.51.100.7"), in24 = peer_of("198.51.100.8"),
                   in16 = peer_of("198.51.7.1"), v6 = peer_of("2001:db8:1::5");
    assert_string_equal(intake_devices_lookup(d, &exact, NULL, 0, 1)->name, "core");
    assert_string_equal(intake_devices_lookup(d, &in24, "-", 1, 1)->name, "fw01");
    assert_string_equal(intake_devices_lookup(d, &in16, "", 0, 1)->name, "wide");
    assert_string_equal(intake_devices_lookup(d, &v6, NULL, 0, 1)->name, "core");
    intake_devices_destroy(d);
}

struct seen {
    int count;
    char names[4][400];
    uint64_t logs[4];
};

static void remember(void *arg, const struct intake_unknown_sender *s)
{
    struct seen *seen = arg;
    if (seen->count < 4) {
        snprintf(seen->names[seen->count], sizeof seen->names[0], "%s|%s|%s", s->device->name, s->address,
                 s->hostname);
        seen->logs[seen->count] = s->logs;
    }
    seen->count++;
}

static void unknown_senders_get_named_devices_in_unassigned(void **state)
{
    (void)state;
    struct intake_devices *d = make();
    struct ym_peer a = peer_of("192.0.2.44"), b = peer_of("2001:db9::1");
    const struct ym_device *x = intake_devices_lookup(d, &a, "router9", 7, 10);
    const struct ym_device *y = intake_devices_lookup(d, &b, NULL, 0, 11);
    assert_ptr_equal(intake_devices_lookup(d, &a, "router9", 7, 12), x);
    assert_string_equal(x->name, "router9");
    assert_string_equal(x->tenant, "unassigned");
    assert_string_equal(x->kind, "auto");
    assert_false(x->configured);
    assert_string_equal(y->name, "2001:db9::1");
    struct seen seen = {0};
    intake_devices_unknown_each(d, remember, &seen);
    assert_int_equal(seen.count, 2);
    assert_string_equal(seen.names[0], "router9|192.0.2.44|router9");
    assert_int_equal(seen.logs[0], 2);
    assert_string_equal(seen.names[1], "2001:db9::1|2001:db9::1|");
    intake_devices_destroy(d);
}

static void unknown_senders_beyond_the_cap_share_other(void **state)
{
    (void)state;
    struct intake_devices *d = make();
    struct ym_peer p = peer_of("192.0.2.1");
    char host[32];
    for (int i = 0; i < INTAKE_UNKNOWN_MAX; i++) {
        int n = snprintf(host, sizeof host, "h%d", i);
        assert_string_equal(intake_devices_lookup(d, &p, host, (size_t)n, 1)->name, host);
    }
    const struct ym_device *o1 = intake_devices_lookup(d, &p, "late1", 5, 2);
    const struct ym_device *o2 = intake_devices_lookup(d, &p, "late2", 5, 2);
    assert_string_equal(o1->name, "other");
    assert_ptr_equal(o1, o2);
    assert_string_equal(intake_devices_lookup(d, &p, "h17", 3, 3)->name, "h17");
    struct seen seen = {0};
    intake_devices_unknown_each(d, remember, &seen);
    assert_int_equal(seen.count, INTAKE_UNKNOWN_MAX + 1);
    intake_devices_destroy(d);
}

static void bad_address_in_config_is_an_error(void **state)
{
    (void)state;
    char *addrs[] = {"10.0.0.0/33"};
    struct ym_device_config bad = {.name = "x", .tenant = "t", .addresses = addrs, .address_count = 1};
    struct ym_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.devices = &bad;
    cfg.device_count = 1;
    struct intake_devices *d = NULL;
    struct ym_error err;
    assert_int_equal(intake_devices_create(&cfg, &d, &err), YM_EINVAL);
    assert_non_null(strstr(err.reason, "10.0.0.0/33"));
}

int main(void)
{
    ym_log_level_set(YM_LOG_WARN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hostname_wins_over_address),
        cmocka_unit_test(longest_cidr_matches),
        cmocka_unit_test(unknown_senders_get_named_devices_in_unassigned),
        cmocka_unit_test(unknown_senders_beyond_the_cap_share_other),
        cmocka_unit_test(bad_address_in_config_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
