/* ym_net: the address and network forms every stage reads (config device
 * addresses, threat-intel lists, triage assets, search). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/ym_net.h"

static int ip(const char *s, uint8_t a[16]) { return ym_ip_parse(s, strlen(s), a); }

static int cidr(const char *s, uint8_t n[16], unsigned *p) { return ym_cidr_parse(s, strlen(s), n, p); }

static void addresses(void **state)
{
    (void)state;
    uint8_t a[16];
    static const uint8_t v4[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 7};
    assert_int_equal(ip("192.0.2.7", a), 4);
    assert_memory_equal(a, v4, 16);
    assert_int_equal(ip("2001:db8::1", a), 6);
    assert_int_equal(a[0], 0x20);
    assert_int_equal(a[15], 1);
    /* a length, not a NUL, ends the text */
    assert_int_equal(ym_ip_parse("192.0.2.7/24", 9, a), 4);
    assert_int_equal(ip("", a), 0);
    assert_int_equal(ip("192.0.2", a), 0);
    assert_int_equal(ip("192.0.2.256", a), 0);
    assert_int_equal(ip("fw01", a), 0);
    assert_int_equal(ip("192.0.2.7/24", a), 0);
}

static void networks(void **state)
{
    (void)state;
    uint8_t n[16], a[16];
    unsigned p = 0;
    assert_int_equal(cidr("198.51.100.77/24", n, &p), 4);
    assert_int_equal(p, 96 + 24);
    assert_int_equal(n[15], 0); /* host bits cleared */
    ip("198.51.100.200", a);
    assert_true(ym_cidr_contains(n, p, a));
    ip("198.51.101.1", a);
    assert_false(ym_cidr_contains(n, p, a));
    assert_int_equal(cidr("10.0.0.0/9", n, &p), 4); /* a prefix inside a byte */
    ip("10.127.255.255", a);
    assert_true(ym_cidr_contains(n, p, a));
    ip("10.128.0.0", a);
    assert_false(ym_cidr_contains(n, p, a));
    assert_int_equal(cidr("192.0.2.7", n, &p), 4); /* bare: one address */
    assert_int_equal(p, 128);
    assert_int_equal(cidr("2001:db8::/32", n, &p), 6);
    assert_int_equal(p, 32);
    ip("2001:db8:ffff::1", a);
    assert_true(ym_cidr_contains(n, p, a));
    ip("192.0.2.7", a); /* another family never matches */
    assert_false(ym_cidr_contains(n, p, a));
    assert_int_equal(cidr("0.0.0.0/0", n, &p), 4);
    assert_true(ym_cidr_contains(n, p, a));
    const char *bad[] = {"192.0.2.0/33", "2001:db8::/129", "192.0.2.0/", "192.0.2.0/-1",
                         "192.0.2.0/ 8", "192.0.2.0/0024", "/24", "host/24", "192.0.2.0/8x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(cidr(bad[i], n, &p), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(addresses),
        cmocka_unit_test(networks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
