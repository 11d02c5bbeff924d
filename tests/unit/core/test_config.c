/* Unit tests of the configuration loader (core/ym_config.h): defaults,
 * a full file, and the errors a user makes, each with its line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/ym_config.h"

/* Writes text to a temp file and loads it. */
static enum ym_status load_text(const char *text, struct ym_config **cfg, struct ym_error *err)
{
    char path[] = "/tmp/ym-config-test-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t len = strlen(text);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    memset(err, 0, sizeof *err);
    enum ym_status st = ym_config_load(path, cfg, err);
    unlink(path);
    return st;
}

static void defaults_need_no_file(void **state)
{
    struct ym_config *cfg = ym_config_default();
    assert_string_equal(cfg->data_dir, "./var");
    assert_true(cfg->syslog.enabled);
    assert_string_equal(cfg->syslog.host, "127.0.0.1");
    assert_string_equal(cfg->syslog.port, "5514");
    assert_true(cfg->relp.enabled);
    assert_string_equal(cfg->relp.port, "2514");
    assert_false(cfg->tls.enabled);
    assert_string_equal(cfg->tls.port, "6514");
    assert_string_equal(cfg->http.port, "8443");
    assert_int_equal(cfg->retention_days, 90);
    assert_int_equal(cfg->udp_rcvbuf_bytes, 8 << 20);
    assert_int_equal(cfg->queue_batches, 32u);
    assert_int_equal(cfg->flush_ms, 20);
    assert_int_equal(cfg->tenant_count, 0);
    assert_int_equal(cfg->device_count, 0);
    assert_null(cfg->path);
    ym_config_free(cfg);
    ym_config_free(NULL);
}

static const char full_file[] =
    "# a SOC with two customers\n"
    "data_dir: /srv/yamori\n"
    "listen:\n"
    "  syslog: 0.0.0.0:514\n"
    "  relp: off\n"
    "  tls: '[::]:6514'\n"
    "tls:\n"
    "  cert_file: /etc/yamori/server.pem\n"
    "  key_file: /etc/yamori/server.key\n"
    "  ca_file: /etc/yamori/clients-ca.pem\n"
    "  verify_clients: required\n"
    "retention_days: 30\n"
    "udp_rcvbuf_bytes: 16MiB\n"
    "workers: 2\n"
    "queue_batches: 128\n"
    "flush_ms: 50\n"
    "devices:\n"
    "  - name: fw-tokyo\n"
    "    tenant: acme\n"
    "    kind: asa\n"
    "    timezone: \"+09:00\"\n"
    "    addresses: [192.0.2.10, 198.51.100.0/24, \"2001:db8::/32\"]\n"
    "    hostnames: [fw-tokyo.acme.example]\n"
    "  - name: ids1\n"
    "    tenant: beta-corp\n"
    "    hostnames: ids1\n"
    "tenants:\n"
    "  - name: acme\n"
    "    display_name: ACME Corporation\n"
    "  - name: beta-corp\n";

static void full_file_sets_every_key(void **state)
{
    struct ym_config *cfg = NULL;
    struct ym_error err;
    assert_int_equal(load_text(full_file, &cfg, &err), YM_OK);
    assert_string_equal(cfg->data_dir, "/srv/yamori");
    assert_string_equal(cfg->syslog.host, "0.0.0.0");
    assert_string_equal(cfg->syslog.port, "514");
    assert_false(cfg->relp.enabled);
    assert_true(cfg->tls.enabled);
    assert_string_equal(cfg->tls.host, "::");
    assert_string_equal(cfg->tls_config.cert_file, "/etc/yamori/server.pem");
    assert_int_equal(cfg->tls_config.verify_clients, 2);
    assert_int_equal(cfg->retention_days, 30);
    assert_int_equal(cfg->udp_rcvbuf_bytes, 16 << 20);
    assert_int_equal(cfg->workers, 2);
    assert_int_equal(cfg->queue_batches, 128);
    assert_int_equal(cfg->flush_ms, 50);
    assert_int_equal(cfg->tenant_count, 2);
    assert_string_equal(cfg->tenants[0].display_name, "ACME Corporation");
    assert_string_equal(cfg->tenants[1].display_name, "beta-corp"); /* defaults to the name */
    assert_non_null(ym_config_tenant(cfg, "beta-corp"));
    assert_null(ym_config_tenant(cfg, "gamma"));
    assert_int_equal(cfg->device_count, 2);
    const struct ym_device_config *d = &cfg->devices[0];
    assert_string_equal(d->kind, "asa");
    assert_string_equal(d->timezone, "+09:00");
    assert_int_equal(d->address_count, 3);
    assert_string_equal(d->addresses[2], "2001:db8::/32");
    assert_int_equal(d->hostname_count, 1);
    /* Unset kind is auto-detected; one hostname may be written without a list. */
    assert_string_equal(cfg->devices[1].kind, "auto");
    assert_string_equal(cfg->devices[1].timezone, "");
    assert_int_equal(cfg->devices[1].hostname_count, 1);
    assert_string_equal(cfg->devices[1].hostnames[0], "ids1");
    assert_non_null(cfg->path);
    ym_config_free(cfg);
}

static void empty_file_is_the_defaults(void **state)
{
    struct ym_config *cfg = NULL;
    struct ym_error err;
    assert_int_equal(load_text("# nothing set\n", &cfg, &err), YM_OK);
    assert_string_equal(cfg->data_dir, "./var");
    assert_int_equal(cfg->retention_days, 90);
    ym_config_free(cfg);
}

static void tls_listener_stays_off_without_certificate(void **state)
{
    struct ym_config *cfg = NULL;
    struct ym_error err;
    assert_int_equal(load_text("listen:\n  tls: 127.0.0.1:7000\n", &cfg, &err), YM_OK);
    assert_false(cfg->tls.enabled);
    assert_string_equal(cfg->tls.port, "7000");
    ym_config_free(cfg);
}

/* Each bad file must fail, name the line, and say what is wrong. */
struct bad_case {
    const char *text;
    int line;
    const char *reason_part;
};

static void bad_files_fail_with_line_and_reason(void **state)
{
    static const struct bad_case cases[] = {
        {"data_dir: ./x\nretension_days: 3\n", 2, "unknown key 'retension_days'"},
        {"retention_days: 0\n", 1, "out of range"},
        {"retention_days: many\n", 1, "not a number"},
        {"udp_rcvbuf_bytes: 8MB\n", 1, "KiB, MiB, GiB"},
        {"listen:\n  syslog: localhost\n", 2, "HOST:PORT"},
        {"listen:\n  syslog: 127.0.0.1:99999\n", 2, "HOST:PORT"},
        {"listen:\n  smtp: :25\n", 2, "unknown key 'smtp'"},
        {"tls:\n  verify_clients: yes\n", 2, "none, optional or required"},
        {"tenants:\n  - name: ACME\n", 2, "not a valid tenant name"},
        {"tenants:\n  - name: unassigned\n", 2, "reserved"},
        {"tenants:\n  - name: a\n  - name: a\n", 3, "defined twice"},
        {"tenants:\n  - display_name: x\n", 2, "needs a name"},
        {"tenants:\n  - name: a\ndevices:\n  - name: fw\n    tenant: a\n    kind: cisco\n"
         "    addresses: 192.0.2.1\n",
         6, "unknown kind 'cisco'"},
        {"tenants:\n  - name: a\ndevices:\n  - name: fw\n    tenant: a\n"
         "    addresses: [192.0.2.300]\n",
         6, "not an IP address or CIDR"},
        {"tenants:\n  - name: a\ndevices:\n  - name: fw\n    tenant: a\n"
         "    addresses: [192.0.2.0/33]\n",
         6, "not an IP address or CIDR"},
        {"tenants:\n  - name: a\ndevices:\n  - name: fw\n    tenant: a\n"
         "    timezone: Mars/Olympus\n    addresses: 192.0.2.1\n",
         6, "timezone"},
        {"tenants:\n  - name: a\ndevices:\n  - name: fw\n    tenant: a\n", 4,
         "needs addresses or hostnames"},
        {"devices:\n  - name: fw\n    tenant: nobody\n    addresses: 192.0.2.1\n", 1,
         "not in tenants"},
        {"tenants:\n  - name: a\ndevices:\n  - name: fw\n    tenant: a\n    colour: red\n", 6,
         "unknown key 'colour'"},
        {"data_dir: a\ndata_dir: b\n", 2, "given twice"},
        {"data_dir: [a, b]\n", 1, "expected a text value"},
        {"tls:\n  cert_file: /x.pem\n", 1, "key_file is missing"},
        {"listen: [1, 2]\n", 1, "expected a mapping"},
        {"data_dir: 'unterminated\n", 2, "YAML"},
        {"- just\n- a list\n", 1, "expected a mapping"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ym_config *cfg = NULL;
        struct ym_error err;
        enum ym_status st = load_text(cases[i].text, &cfg, &err);
        if (st == YM_OK || err.line != cases[i].line || !strstr(err.reason, cases[i].reason_part)) {
            print_error("case %zu: status %d line %d reason '%s'\n", i, st, err.line, err.reason);
            fail();
        }
        assert_null(cfg);
        assert_non_null(strstr(err.file, "ym-config-test"));
    }
}

static void missing_file_is_an_io_error(void **state)
{
    struct ym_config *cfg = NULL;
    struct ym_error err = {0};
    assert_int_equal(ym_config_load("/nonexistent/yamori.yaml", &cfg, &err), YM_EIO);
    assert_null(cfg);
    assert_non_null(strstr(err.reason, "cannot open"));
}

static void listen_arguments_from_the_command_line(void **state)
{
    struct ym_listen l = {1, "127.0.0.1", "5514"};
    assert_int_equal(ym_config_parse_listen("10.0.0.1:1514", &l), YM_OK);
    assert_string_equal(l.host, "10.0.0.1");
    assert_string_equal(l.port, "1514");
    assert_int_equal(ym_config_parse_listen("[::1]:6514", &l), YM_OK);
    assert_string_equal(l.host, "::1");
    assert_int_equal(ym_config_parse_listen(":514", &l), YM_OK);
    assert_string_equal(l.host, "0.0.0.0");
    /* A bare port keeps the host. */
    assert_int_equal(ym_config_parse_listen("2000", &l), YM_OK);
    assert_string_equal(l.host, "0.0.0.0");
    assert_string_equal(l.port, "2000");
    assert_int_equal(ym_config_parse_listen("off", &l), YM_OK);
    assert_false(l.enabled);
    assert_int_equal(ym_config_parse_listen("127.0.0.1:0", &l), YM_EINVAL);
    assert_int_equal(ym_config_parse_listen("::1:514", &l), YM_EINVAL);
    assert_int_equal(ym_config_parse_listen("[::1]514", &l), YM_EINVAL);
    assert_int_equal(ym_config_parse_listen("host:port", &l), YM_EINVAL);
    assert_int_equal(ym_config_parse_listen("", &l), YM_EINVAL);
    assert_false(l.enabled); /* failures leave it as it was */
}

static void tenant_names(void **state)
{
    assert_true(ym_config_tenant_name_ok("acme"));
    assert_true(ym_config_tenant_name_ok("0day_labs-2"));
    assert_false(ym_config_tenant_name_ok(""));
    assert_false(ym_config_tenant_name_ok("-acme"));
    assert_false(ym_config_tenant_name_ok("Acme"));
    assert_false(ym_config_tenant_name_ok("../etc"));
    assert_false(ym_config_tenant_name_ok("a b"));
    char long_name[80];
    memset(long_name, 'a', 65);
    long_name[65] = '\0';
    assert_false(ym_config_tenant_name_ok(long_name));
    long_name[64] = '\0';
    assert_true(ym_config_tenant_name_ok(long_name));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_need_no_file),
        cmocka_unit_test(full_file_sets_every_key),
        cmocka_unit_test(empty_file_is_the_defaults),
        cmocka_unit_test(tls_listener_stays_off_without_certificate),
        cmocka_unit_test(bad_files_fail_with_line_and_reason),
        cmocka_unit_test(missing_file_is_an_io_error),
        cmocka_unit_test(listen_arguments_from_the_command_line),
        cmocka_unit_test(tenant_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
