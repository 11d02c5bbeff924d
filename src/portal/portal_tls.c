/* portal_tls: the portal's certificate. A configured pair
 * (portal.cert_file, portal.key_file) is read as it is; without one, the
 * pair in DATA/portal/ is used, and made on first start: a self-signed
 * P-256 certificate valid 825 days for localhost, 127.0.0.1, ::1, this
 * host's name and the listen address. Browsers warn about it until the
 * operator installs a real certificate (docs/portal.md). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/ym_alloc.h"
#include "core/ym_buf.h"
#include "core/ym_log.h"
#include "portal/portal_internal.h"

#define MAX_PEM_BYTES (1 << 20)

static enum ym_status read_file(const char *path, char **out, struct ym_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        ym_error_set(err, path, 0, 0, "cannot read: %s", strerror(errno));
        return YM_EIO;
    }
    struct ym_buf b = YM_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < MAX_PEM_BYTES)
        ym_buf_add(&b, chunk, n);
    fclose(f);
    if (b.len == 0 || b.len >= MAX_PEM_BYTES || !strstr(b.data, "-----BEGIN")) {
        ym_buf_free(&b);
        ym_error_set(err, path, 0, 0, "not a PEM file");
        return YM_EINVAL;
    }
    *out = b.data;
    return YM_OK;
}

static int add_ext(X509 *cert, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (!ext)
        return 0;
    int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return ok;
}

static int is_ip(const char *s)
{
    unsigned char buf[16];
    return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* Writes text to path with mode 0600 (key) or 0644, atomically. */
static enum ym_status write_file(const char *path, const char *text, mode_t mode,
                                 struct ym_error *err)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) {
        ym_error_set(err, tmp, 0, 0, "cannot write: %s", strerror(errno));
        return YM_EIO;
    }
    size_t len = strlen(text), off = 0;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w <= 0) {
            close(fd);
            unlink(tmp);
            ym_error_set(err, tmp, 0, 0, "cannot write: %s", strerror(errno));
            return YM_EIO;
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        ym_error_set(err, path, 0, 0, "cannot write: %s", strerror(errno));
        return YM_EIO;
    }
    return YM_OK;
}

static char *bio_text(BIO *bio)
{
    char *data;
    long n = BIO_get_mem_data(bio, &data);
    char *s = ym_xmalloc((size_t)n + 1);
    memcpy(s, data, (size_t)n);
    s[n] = '\0';
    return s;
}

static enum ym_status make_self_signed(const char *host, char **cert_pem, char **key_pem,
                                       struct ym_error *err)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *cert = X509_new();
    BIO *cb = BIO_new(BIO_s_mem()), *kb = BIO_new(BIO_s_mem());
    enum ym_status st = YM_EIO;
    if (!key || !cert || !cb || !kb)
        goto out;
    unsigned char serial[16];
    ASN1_INTEGER *sn = NULL;
    BIGNUM *bn = NULL;
    if (RAND_bytes(serial, sizeof serial) != 1)
        goto out;
    serial[0] &= 0x7f;
    bn = BN_bin2bn(serial, sizeof serial, NULL);
    sn = bn ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
    BN_free(bn);
    if (!sn)
        goto out;
    X509_set_serialNumber(cert, sn);
    ASN1_INTEGER_free(sn);
    X509_set_version(cert, 2);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 825L * 86400);
    X509_NAME *name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"yamori", -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"yamori portal",
                               -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509_set_pubkey(cert, key);

    char san[1024] = "DNS:localhost,IP:127.0.0.1,IP:::1";
    char hostname[256];
    if (gethostname(hostname, sizeof hostname) == 0 && hostname[0] &&
        strcmp(hostname, "localhost") != 0) {
        hostname[sizeof hostname - 1] = '\0';
        size_t n = strlen(san);
        snprintf(san + n, sizeof san - n, ",DNS:%s", hostname);
    }
    if (host && *host && strcmp(host, "0.0.0.0") && strcmp(host, "::") &&
        strcmp(host, "127.0.0.1") && strcmp(host, "::1") && strcmp(host, "localhost")) {
        size_t n = strlen(san);
        snprintf(san + n, sizeof san - n, ",%s:%s", is_ip(host) ? "IP" : "DNS", host);
    }
    if (!add_ext(cert, NID_basic_constraints, "critical,CA:FALSE") ||
        !add_ext(cert, NID_key_usage, "critical,digitalSignature") ||
        !add_ext(cert, NID_ext_key_usage, "serverAuth") ||
        !add_ext(cert, NID_subject_alt_name, san) ||
        !add_ext(cert, NID_subject_key_identifier, "hash"))
        goto out;
    if (!X509_sign(cert, key, EVP_sha256()))
        goto out;
    if (!PEM_write_bio_X509(cb, cert) ||
        !PEM_write_bio_PrivateKey(kb, key, NULL, NULL, 0, NULL, NULL))
        goto out;
    *cert_pem = bio_text(cb);
    *key_pem = bio_text(kb);
    st = YM_OK;
out:
    if (st != YM_OK)
        ym_error_set(err, "portal", 0, 0, "cannot make a self-signed certificate (OpenSSL)");
    BIO_free(cb);
    BIO_free(kb);
    X509_free(cert);
    EVP_PKEY_free(key);
    return st;
}

enum ym_status portal_tls_load(const struct ym_config *cfg, const char *host, char **cert_pem,
                               char **key_pem, char *path_out, size_t path_len, int *made,
                               struct ym_error *err)
{
    *made = 0;
    enum ym_status st;
    if (cfg->portal.cert_file || cfg->portal.key_file) {
        if (!cfg->portal.cert_file || !cfg->portal.key_file) {
            ym_error_set(err, "portal", 0, 0, "portal.cert_file and portal.key_file go together");
            return YM_EINVAL;
        }
        snprintf(path_out, path_len, "%s", cfg->portal.cert_file);
        if ((st = read_file(cfg->portal.cert_file, cert_pem, err)) != YM_OK)
            return st;
        if ((st = read_file(cfg->portal.key_file, key_pem, err)) != YM_OK) {
            free(*cert_pem);
            *cert_pem = NULL;
        }
        return st;
    }
    char dir[4096], cert_path[4200], key_path[4200];
    snprintf(dir, sizeof dir, "%s/portal", cfg->data_dir);
    snprintf(cert_path, sizeof cert_path, "%s/cert.pem", dir);
    snprintf(key_path, sizeof key_path, "%s/key.pem", dir);
    snprintf(path_out, path_len, "%s", cert_path);
    if (access(cert_path, R_OK) == 0 && access(key_path, R_OK) == 0) {
        if ((st = read_file(cert_path, cert_pem, err)) != YM_OK)
            return st;
        if ((st = read_file(key_path, key_pem, err)) != YM_OK) {
            free(*cert_pem);
            *cert_pem = NULL;
        }
        return st;
    }
    if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
        ym_error_set(err, dir, 0, 0, "cannot create: %s", strerror(errno));
        return YM_EIO;
    }
    if ((st = make_self_signed(host, cert_pem, key_pem, err)) != YM_OK)
        return st;
    if ((st = write_file(key_path, *key_pem, 0600, err)) != YM_OK ||
        (st = write_file(cert_path, *cert_pem, 0644, err)) != YM_OK) {
        free(*cert_pem);
        free(*key_pem);
        *cert_pem = *key_pem = NULL;
        return st;
    }
    *made = 1;
    return YM_OK;
}
