/* ym_net: address and network text (see ym_net.h). */
#include "core/ym_net.h"

#include <arpa/inet.h>
#include <string.h>

int ym_ip_parse(const char *s, size_t len, uint8_t addr[16])
{
    char buf[64]; /* the longest IPv6 text form is 45 bytes */
    if (!s || len == 0 || len >= sizeof buf)
        return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    struct in_addr a4;
    if (inet_pton(AF_INET, buf, &a4) == 1) {
        memset(addr, 0, 10);
        addr[10] = addr[11] = 0xff;
        memcpy(addr + 12, &a4, 4);
        return 4;
    }
    return inet_pton(AF_INET6, buf, addr) == 1 ? 6 : 0;
}

int ym_cidr_parse(const char *s, size_t len, uint8_t net[16], unsigned *prefix)
{
    if (!s)
        return 0;
    const char *slash = memchr(s, '/', len);
    size_t alen = slash ? (size_t)(slash - s) : len;
    int fam = ym_ip_parse(s, alen, net);
    if (!fam)
        return 0;
    unsigned max = fam == 4 ? 32 : 128, bits = max;
    if (slash) {
        const char *p = slash + 1, *end = s + len;
        if (p == end || end - p > 3)
            return 0;
        bits = 0;
        for (; p < end; p++) {
            if (*p < '0' || *p > '9')
                return 0;
            bits = bits * 10 + (unsigned)(*p - '0');
        }
        if (bits > max)
            return 0;
    }
    *prefix = fam == 4 ? 96 + bits : bits;
    for (unsigned i = *prefix; i < 128; i++) /* host bits */
        net[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
    return fam;
}
