/* ym_net: IP addresses and CIDR networks as text, the one parser every
 * stage uses (device addresses in the config and intake, threat-intel
 * lists, triage asset ranges, search queries).
 *
 * Addresses are 16 bytes in network order, IPv4 as v4-mapped IPv6
 * (::ffff:a.b.c.d), so that one comparison serves both families. A
 * network's prefix counts bits of those 16 bytes: an IPv4 /24 is 120.
 * Pure functions, thread-safe, no allocation. */
#ifndef YM_NET_H
#define YM_NET_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* s[0..len) is an IPv4 or IPv6 address (no brackets, no prefix): fills
 * addr, returns 4 or 6; 0 when it is not one. */
int ym_ip_parse(const char *s, size_t len, uint8_t addr[16]);

/* "ADDR" or "ADDR/BITS" (BITS: 1 to 3 decimal digits, at most 32 for IPv4,
 * 128 for IPv6; a bare address is a /32 or /128): fills net with the host
 * bits cleared and *prefix in the 128-bit space; returns 4 or 6, 0 when s
 * is not such a network. */
int ym_cidr_parse(const char *s, size_t len, uint8_t net[16], unsigned *prefix);

/* Is addr inside net/prefix (as ym_cidr_parse gives them)? Inline: intake
 * asks it for every log of a sender matched by network. */
static inline int ym_cidr_contains(const uint8_t net[16], unsigned prefix, const uint8_t addr[16])
{
    unsigned full = prefix / 8, rest = prefix % 8;
    if (memcmp(net, addr, full) != 0)
        return 0;
    if (!rest)
        return 1;
    uint8_t mask = (uint8_t)(0xffu << (8 - rest));
    return (net[full] & mask) == (addr[full] & mask);
}

#endif
