#include "intake/intake_tls.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

static void ssl_reason(char *out, size_t cap)
{
    unsigned long e = ERR_get_error();
    if (e)
        ERR_error_string_n(e, out, cap);
    else
        snprintf(out, cap, "unknown TLS error");
    ERR_clear_error();
}

enum ym_status intake_tls_ctx_create(const struct ym_tls_config *tc, SSL_CTX **out,
                                     struct ym_error *err)
{
    char why[256];
    if (!tc->cert_file) {
        ym_error_set(err, "", 0, 0, "tls: no certificate configured");
        return YM_EINVAL;
    }
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) {
        ssl_reason(why, sizeof why);
        ym_error_set(err, "", 0, 0, "tls: %s", why);
        return YM_EIO;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
    /* senders often close without close_notify: that is an ordinary end */
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif
    const char *key = tc->key_file ? tc->key_file : tc->cert_file;
    if (SSL_CTX_use_certificate_chain_file(ctx, tc->cert_file) != 1) {
        ssl_reason(why, sizeof why);
        ym_error_set(err, tc->cert_file, 0, 0, "tls certificate %s: %s", tc->cert_file, why);
        SSL_CTX_free(ctx);
        return YM_EIO;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
        ssl_reason(why, sizeof why);
        ym_error_set(err, key, 0, 0, "tls key %s: %s", key, why);
        SSL_CTX_free(ctx);
        return YM_EIO;
    }
    if (tc->verify_clients) {
        if (!tc->ca_file) {
            ym_error_set(err, "", 0, 0, "tls: verifying client certificates needs ca_file");
            SSL_CTX_free(ctx);
            return YM_EINVAL;
        }
        if (SSL_CTX_load_verify_locations(ctx, tc->ca_file, NULL) != 1) {
            ssl_reason(why, sizeof why);
            ym_error_set(err, tc->ca_file, 0, 0, "tls ca_file %s: %s", tc->ca_file, why);
            SSL_CTX_free(ctx);
            return YM_EIO;
        }
        STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(tc->ca_file);
        if (names)
            SSL_CTX_set_client_CA_list(ctx, names);
        int mode = SSL_VERIFY_PEER;
        if (tc->verify_clients >= 2)
            mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
        SSL_CTX_set_verify(ctx, mode, NULL);
    } else {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    }
    *out = ctx;
    return YM_OK;
}

void intake_tls_ctx_destroy(SSL_CTX *ctx)
{
    if (ctx)
        SSL_CTX_free(ctx);
}

enum intake_tls_io intake_tls_read(SSL *ssl, char *buf, size_t cap, size_t *got, char *why,
                                   size_t why_cap)
{
    *got = 0;
    ERR_clear_error();
    errno = 0;
    int cap_int = cap > (1u << 30) ? (1 << 30) : (int)cap;
    int n = SSL_read(ssl, buf, cap_int);
    if (n > 0) {
        *got = (size_t)n;
        return INTAKE_TLS_DATA;
    }
    int e = SSL_get_error(ssl, n);
    switch (e) {
    case SSL_ERROR_WANT_READ: return INTAKE_TLS_WANT_READ;
    case SSL_ERROR_WANT_WRITE: return INTAKE_TLS_WANT_WRITE;
    case SSL_ERROR_ZERO_RETURN: return INTAKE_TLS_EOF;
    case SSL_ERROR_SYSCALL:
        if (ERR_peek_error() == 0) {
            if (errno == 0 || errno == ECONNRESET || errno == EPIPE)
                return INTAKE_TLS_EOF; /* closed without close_notify */
            snprintf(why, why_cap, "%s", strerror(errno));
            return INTAKE_TLS_ERROR;
        }
        break;
    default: break;
    }
    if (ERR_peek_error() == 0 && e == SSL_ERROR_SSL) {
        /* OpenSSL 3 reports an unexpected EOF this way */
        snprintf(why, why_cap, "TLS protocol error");
        return INTAKE_TLS_ERROR;
    }
    ssl_reason(why, why_cap);
    return INTAKE_TLS_ERROR;
}
