#include "intake/intake_net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LISTEN_BACKLOG 512

static const uint8_t v4mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

enum ym_status intake_net_listen(const char *label, const char *host, const char *port,
                                 int socktype, int *fd_out, uint16_t *bound_port,
                                 struct ym_error *err)
{
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = socktype;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    const char *h = host && host[0] ? host : NULL;
    const char *shown = h ? h : "*";
    const char *fmt = strchr(shown, ':') ? "%s [%s]:%s: %s" : "%s %s:%s: %s";
    int rc = getaddrinfo(h, port, &hints, &res);
    if (rc != 0) {
        ym_error_set(err, "", 0, 0, fmt, label, shown, port, gai_strerror(rc));
        return YM_EINVAL;
    }
    int fd = socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    res->ai_protocol);
    if (fd < 0)
        goto fail;
    int one = 1;
    if (socktype == SOCK_STREAM)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, res->ai_addr, res->ai_addrlen) != 0)
        goto fail;
    if (socktype == SOCK_STREAM && listen(fd, LISTEN_BACKLOG) != 0)
        goto fail;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    *bound_port = 0;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
        if (ss.ss_family == AF_INET)
            *bound_port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
        else if (ss.ss_family == AF_INET6)
            *bound_port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    }
    freeaddrinfo(res);
    *fd_out = fd;
    return YM_OK;
fail:;
    int e = errno;
    if (fd >= 0)
        close(fd);
    freeaddrinfo(res);
    ym_error_set(err, "", 0, 0, fmt, label, shown, port, strerror(e));
    return YM_EIO;
}

void intake_net_peer(const struct sockaddr *sa, struct ym_peer *out)
{
    memset(out, 0, sizeof *out);
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
        memcpy(out->addr, v4mapped_prefix, 12);
        memcpy(out->addr + 12, &s4->sin_addr, 4);
        out->port = ntohs(s4->sin_port);
        out->family = AF_INET;
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
        memcpy(out->addr, &s6->sin6_addr, 16);
        out->port = ntohs(s6->sin6_port);
        out->family = memcmp(out->addr, v4mapped_prefix, 12) == 0 ? AF_INET : AF_INET6;
    }
}

void intake_net_peer_text(const struct ym_peer *peer, char *out, size_t cap)
{
    char a[INET6_ADDRSTRLEN] = "-";
    if (peer->family && memcmp(peer->addr, v4mapped_prefix, 12) == 0) {
        inet_ntop(AF_INET, peer->addr + 12, a, sizeof a);
        snprintf(out, cap, "%s:%u", a, (unsigned)peer->port);
    } else if (peer->family) {
        inet_ntop(AF_INET6, peer->addr, a, sizeof a);
        snprintf(out, cap, "[%s]:%u", a, (unsigned)peer->port);
    } else {
        snprintf(out, cap, "-");
    }
}
