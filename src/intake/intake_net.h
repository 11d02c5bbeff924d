/* intake_net: socket helpers of the listeners (bind with readable errors,
 * sender addresses).
 * Memory: nothing kept; fds returned are owned by the caller. Thread-safe.
 * Status: YM_EIO (bind/listen failed; err names the address), YM_EINVAL
 * (address does not resolve). */
#ifndef INTAKE_NET_H
#define INTAKE_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/ym_batch.h"
#include "core/ym_status.h"

/* Opens a non-blocking socket of socktype (SOCK_STREAM: listening) bound
 * to host:port. Port "0" binds an ephemeral port; *bound_port tells which.
 * Errors read "label host:port: reason" ("relp 127.0.0.1:2514: Address
 * already in use"). */
enum ym_status intake_net_listen(const char *label, const char *host, const char *port,
                                 int socktype, int *fd_out, uint16_t *bound_port,
                                 struct ym_error *err);

/* Sender address into a peer (IPv4 as v4-mapped IPv6). */
void intake_net_peer(const struct sockaddr *sa, struct ym_peer *out);
/* "192.0.2.1:514" / "[2001:db8::1]:514" */
void intake_net_peer_text(const struct ym_peer *peer, char *out, size_t cap);

#endif
