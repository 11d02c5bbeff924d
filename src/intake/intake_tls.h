/* intake_tls: the OpenSSL side of the RFC 5425 listener (syslog over TLS).
 *
 * One SSL_CTX per intake, built from the configuration's certificate, key
 * and (for mutual TLS) CA bundle; one non-blocking SSL per connection,
 * driven by the intake thread. The framing inside TLS is the same as on TCP
 * (intake_frame.h: RFC 5425 octet counting, newline framing tolerated).
 * Memory: the context is owned by the caller (intake_tls_ctx_destroy); SSL
 * objects by the connection. The intake thread alone uses them.
 * Status: YM_EIO (files unreadable or not matching, err says which), YM_EINVAL. */
#ifndef INTAKE_TLS_H
#define INTAKE_TLS_H

#include <stddef.h>
#include <sys/types.h>

#include <openssl/ssl.h>

#include "core/ym_config.h"
#include "core/ym_status.h"

enum ym_status intake_tls_ctx_create(const struct ym_tls_config *tc, SSL_CTX **out,
                                     struct ym_error *err);
void intake_tls_ctx_destroy(SSL_CTX *ctx);

enum intake_tls_io {
    INTAKE_TLS_DATA,       /* *got bytes read (> 0) */
    INTAKE_TLS_WANT_READ,  /* nothing now; wait for the socket to be readable */
    INTAKE_TLS_WANT_WRITE, /* the handshake needs the socket to be writable */
    INTAKE_TLS_EOF,        /* the peer closed */
    INTAKE_TLS_ERROR,      /* handshake or protocol failure; reason in why */
};
/* Reads decrypted bytes into buf (handshaking first when needed). */
enum intake_tls_io intake_tls_read(SSL *ssl, char *buf, size_t cap, size_t *got, char *why,
                                   size_t why_cap);

#endif
