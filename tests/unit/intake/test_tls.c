/* intake's TLS listener (RFC 5425) over loopback with certificates made
 * here: octet-counted and newline frames arrive; with verify_clients = 2 a
 * client without a certificate is refused and counted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/ym_alloc.h"
#include "core/ym_config.h"
#include "core/ym_log.h"
#include "core/ym_time.h"
#include "intake/intake.h"
#include "intake/intake_devices.h"

#define WAIT_MS 5000

static char dir[64];

static EVP_PKEY *make_key(void) { return EVP_EC_gen("P-256"); }

/* A certificate for cn signed by (issuer, issuer_key), or self-signed. */
static X509 *make_cert(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key)
{
    X509 *x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), (long)(ym_time_now_ns() % 1000000));
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, key);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
    if (!issuer) {
        X509V3_CTX ctx;
        X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
        X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints, "critical,CA:TRUE");
        X509_add_ext(x, ext, -1);
        X509_EXTENSION_free(ext);
    }
    X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256());
    return x;
}

static void write_pem(const char *file, X509 *x, EVP_PKEY *key)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    if (x)
        PEM_write_X509(f, x);
    if (key)
        PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
    fclose(f);
}

static int setup_pki(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ym_test_tls_XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    EVP_PKEY *ca_key = make_key(), *srv_key = make_key(), *cli_key = make_key();
    X509 *ca = make_cert("test CA", ca_key, NULL, NULL);
    X509 *srv = make_cert("localhost", srv_key, ca, ca_key);
    X509 *cli = make_cert("fw01.example.net", cli_key, ca, ca_key);
    write_pem("ca.pem", ca, NULL);
    write_pem("server.pem", srv, NULL);
    write_pem("server.key", NULL, srv_key);
    write_pem("client.pem", cli, NULL);
    write_pem("client.key", NULL, cli_key);
    X509_free(ca);
    X509_free(srv);
    X509_free(cli);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(srv_key);
    EVP_PKEY_free(cli_key);
    return 0;
}

static int teardown_pki(void **state)
{
    (void)state;
    const char *files[] = {"ca.pem", "server.pem", "server.key", "client.pem", "client.key"};
    char path[128];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
    return 0;
}

struct rig {
    struct ym_config *cfg;
    struct ym_batch_pool *pool;
    struct ym_queue *out;
    struct intake_devices *devices;
    struct intake *in;
};

static void rig_start(struct rig *r, int verify_clients)
{
    memset(r, 0, sizeof *r);
    r->cfg = ym_config_default();
    r->cfg->syslog.enabled = 0;
    r->cfg->relp.enabled = 0;
    r->cfg->tls.enabled = 1;
    snprintf(r->cfg->tls.port, sizeof r->cfg->tls.port, "0");
    r->cfg->tls_config.cert_file = ym_xasprintf("%s/server.pem", dir);
    r->cfg->tls_config.key_file = ym_xasprintf("%s/server.key", dir);
    r->cfg->tls_config.ca_file = ym_xasprintf("%s/ca.pem", dir);
    r->cfg->tls_config.verify_clients = verify_clients;
    r->cfg->flush_ms = 5;
    r->pool = ym_batch_pool_create(4);
    r->out = ym_queue_create(4);
    struct ym_error err;
    assert_int_equal(intake_devices_create(r->cfg, &r->devices, &err), YM_OK);
    struct intake_options opt = {r->cfg, r->pool, r->out, r->devices};
    enum ym_status st = intake_start(&opt, &r->in, &err);
    if (st != YM_OK)
        fprintf(stderr, "%s\n", err.reason);
    assert_int_equal(st, YM_OK);
}

static void rig_stop(struct rig *r)
{
    intake_stop(r->in);
    void *b;
    while (ym_queue_pop(r->out, 0, &b) == YM_OK)
        ym_batch_put(b);
    ym_queue_destroy(r->out);
    ym_batch_pool_destroy(r->pool);
    intake_devices_destroy(r->devices);
    ym_config_free(r->cfg);
}

/* Connects, handshakes and writes text; returns the SSL (caller frees). */
static SSL *tls_send(uint16_t port, int with_cert, const char *text, SSL_CTX **ctx_out, int *fd_out)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    char path[128];
    snprintf(path, sizeof path, "%s/ca.pem", dir);
    SSL_CTX_load_verify_locations(ctx, path, NULL);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    if (with_cert) {
        snprintf(path, sizeof path, "%s/client.pem", dir);
        assert_int_equal(SSL_CTX_use_certificate_file(ctx, path, SSL_FILETYPE_PEM), 1);
        snprintf(path, sizeof path, "%s/client.key", dir);
        assert_int_equal(SSL_CTX_use_PrivateKey_file(ctx, path, SSL_FILETYPE_PEM), 1);
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set1_host(ssl, "localhost");
    assert_int_equal(SSL_connect(ssl), 1); /* the server certificate verifies */
    SSL_write(ssl, text, (int)strlen(text));
    *ctx_out = ctx;
    *fd_out = fd;
    return ssl;
}

static size_t collect(struct rig *r, char raw[][64], size_t want, int wait_ms)
{
    size_t got = 0;
    int64_t deadline = ym_time_mono_ns() + (int64_t)wait_ms * 1000000;
    while (got < want && ym_time_mono_ns() < deadline) {
        void *item;
        if (ym_queue_pop(r->out, 50, &item) != YM_OK)
            continue;
        struct ym_batch *b = item;
        for (uint32_t i = 0; i < b->count; i++, got++) {
            if (got < want) {
                snprintf(raw[got], 64, "%s", b->recs[i].raw);
                assert_int_equal(b->recs[i].transport, YM_TR_TLS);
            }
        }
        ym_batch_put(b);
    }
    return got;
}

static void tls_frames_arrive_from_a_verified_client(void **state)
{
    (void)state;
    struct rig r;
    rig_start(&r, 2);
    SSL_CTX *ctx;
    int fd;
    SSL *ssl = tls_send(intake_bound_port(r.in, YM_TR_TLS), 1,
                        "18 <13>octet over tls<13>lf over tls\n", &ctx, &fd);
    char raw[2][64];
    assert_int_equal(collect(&r, raw, 2, WAIT_MS), 2);
    assert_string_equal(raw[0], "<13>octet over tls");
    assert_string_equal(raw[1], "<13>lf over tls");
    SSL_shutdown(ssl);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
    rig_stop(&r);
}

static void client_without_certificate_is_refused_when_required(void **state)
{
    (void)state;
    struct rig r;
    rig_start(&r, 2);
    SSL_CTX *ctx;
    int fd;
    SSL *ssl = tls_send(intake_bound_port(r.in, YM_TR_TLS), 0, "<13>should not pass\n", &ctx, &fd);
    struct intake_stats st;
    int64_t deadline = ym_time_mono_ns() + (int64_t)WAIT_MS * 1000000;
    do {
        intake_stats(r.in, &st);
    } while (st.connection_errors == 0 && ym_time_mono_ns() < deadline);
    assert_int_equal(st.connection_errors, 1);
    assert_int_equal(st.received[YM_TR_TLS], 0);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
    rig_stop(&r);
}

static void missing_certificate_file_is_a_start_error(void **state)
{
    (void)state;
    struct ym_config *cfg = ym_config_default();
    cfg->syslog.enabled = 0;
    cfg->relp.enabled = 0;
    cfg->tls.enabled = 1;
    cfg->tls_config.cert_file = ym_xasprintf("%s/nowhere.pem", dir);
    struct ym_batch_pool *pool = ym_batch_pool_create(1);
    struct ym_queue *out = ym_queue_create(1);
    struct intake_devices *devices;
    struct ym_error err;
    assert_int_equal(intake_devices_create(cfg, &devices, &err), YM_OK);
    struct intake_options opt = {cfg, pool, out, devices};
    struct intake *in = NULL;
    assert_int_equal(intake_start(&opt, &in, &err), YM_EIO);
    assert_non_null(strstr(err.reason, "nowhere.pem"));
    intake_devices_destroy(devices);
    ym_queue_destroy(out);
    ym_batch_pool_destroy(pool);
    ym_config_free(cfg);
}

int main(void)
{
    ym_log_level_set(YM_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tls_frames_arrive_from_a_verified_client),
        cmocka_unit_test(client_without_certificate_is_refused_when_required),
        cmocka_unit_test(missing_certificate_file_is_a_start_error),
    };
    return cmocka_run_group_tests(tests, setup_pki, teardown_pki);
}
