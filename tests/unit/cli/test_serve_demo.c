/* Unit tests of the demo traffic generator (cli/serve_demo.h): the tenant
 * and devices it adds to a configuration (once, leaving configured ones
 * alone), and what it sends to a syslog listener: newline-framed syslog of
 * the four demo devices, then the attack scenario (exploit let through,
 * C2 callback); a clear refusal when there is no syslog listener. */
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/serve_demo.h"
#include "core/ym_alloc.h"
#include "core/ym_config.h"

static size_t devices_of(const struct ym_config *cfg, const char *tenant)
{
    size_t n = 0;
    for (size_t i = 0; i < cfg->device_count; i++)
        n += !strcmp(cfg->devices[i].tenant, tenant);
    return n;
}

static void configure_adds_tenant_and_devices_once(void **state)
{
    (void)state;
    struct ym_config *cfg = ym_config_default();
    serve_demo_configure(cfg);
    const struct ym_tenant_config *t = ym_config_tenant(cfg, SERVE_DEMO_TENANT);
    assert_non_null(t);
    assert_string_equal(t->language, "en");
    assert_int_equal(devices_of(cfg, SERVE_DEMO_TENANT), 4);
    for (size_t i = 0; i < cfg->device_count; i++) {
        assert_int_equal(cfg->devices[i].hostname_count, 1);
        assert_string_equal(cfg->devices[i].hostnames[0], cfg->devices[i].name);
    }
    size_t tenants = cfg->tenant_count;
    serve_demo_configure(cfg);
    assert_int_equal(cfg->tenant_count, tenants);
    assert_int_equal(devices_of(cfg, SERVE_DEMO_TENANT), 4);
    ym_config_free(cfg);
}

static void configured_device_is_left_alone(void **state)
{
    (void)state;
    struct ym_config *cfg = ym_config_default();
    cfg->tenants = ym_xrealloc(cfg->tenants, (cfg->tenant_count + 1) * sizeof *cfg->tenants);
    struct ym_tenant_config *t = &cfg->tenants[cfg->tenant_count++];
    memset(t, 0, sizeof *t);
    t->name = ym_xstrdup("acme");
    t->display_name = ym_xstrdup("ACME");
    cfg->devices = ym_xrealloc(cfg->devices, (cfg->device_count + 1) * sizeof *cfg->devices);
    struct ym_device_config *d = &cfg->devices[cfg->device_count++];
    memset(d, 0, sizeof *d);
    d->name = ym_xstrdup("demo-asa");
    d->tenant = ym_xstrdup("acme");
    d->kind = ym_xstrdup("asa");
    serve_demo_configure(cfg);
    assert_int_equal(devices_of(cfg, "acme"), 1);
    assert_int_equal(devices_of(cfg, SERVE_DEMO_TENANT), 3);
    ym_config_free(cfg);
}

static void refuses_without_syslog_listener(void **state)
{
    (void)state;
    struct ym_config *cfg = ym_config_default();
    cfg->syslog.enabled = 0;
    struct serve_demo *d = (struct serve_demo *)1;
    struct ym_error err = {0};
    assert_int_equal(serve_demo_start(cfg, NULL, &d, &err), YM_EINVAL);
    assert_null(d);
    assert_non_null(strstr(err.reason, "syslog listener"));
    ym_config_free(cfg);
}

static void sends_benign_traffic_then_the_attack(void **state)
{
    (void)state;
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(lfd >= 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(lfd, 4), 0);
    socklen_t len = sizeof sa;
    assert_int_equal(getsockname(lfd, (struct sockaddr *)&sa, &len), 0);

    struct ym_config *cfg = ym_config_default();
    snprintf(cfg->syslog.host, sizeof cfg->syslog.host, "127.0.0.1");
    snprintf(cfg->syslog.port, sizeof cfg->syslog.port, "%u", (unsigned)ntohs(sa.sin_port));
    cfg->syslog.enabled = 1;
    struct serve_demo_options opt = {.rate_per_s = 200, .first_attack_s = 1, .attack_every_s = 600,
                                     .scenario_s = 3};
    struct serve_demo *d = NULL;
    struct ym_error err = {0};
    assert_int_equal(serve_demo_start(cfg, &opt, &d, &err), YM_OK);

    struct pollfd p = {lfd, POLLIN, 0};
    assert_int_equal(poll(&p, 1, 10000), 1);
    int cfd = accept(lfd, NULL, NULL);
    assert_true(cfd >= 0);
    /* Read until the scenario's last step (~4 s after start) came, or 60 s
     * at most. */
    size_t cap = 64u << 20, got = 0;
    char *buf = ym_xmalloc(cap + 1);
    time_t until = time(NULL) + 60;
    while (time(NULL) < until && got < cap) {
        struct pollfd q = {cfd, POLLIN, 0};
        if (poll(&q, 1, 1000) != 1)
            continue;
        ssize_t n = read(cfd, buf + got, cap - got);
        if (n <= 0)
            break;
        got += (size_t)n;
        buf[got] = '\0';
        if (strstr(buf, "malware-callback") && strstr(buf, "Command and Control"))
            break;
    }
    buf[got] = '\0';
    serve_demo_stop(d);

    assert_non_null(strstr(buf, " demo-asa : %ASA-6-302013: Built outbound TCP connection"));
    assert_non_null(strstr(buf, " demo-pa 1,"));
    assert_non_null(strstr(buf, " demo-nx {\"rawmsg\""));
    assert_non_null(strstr(buf, "demo-nsm SyslogAlertForwarderNSP: |")); /* the port scan */
    assert_non_null(strstr(buf, "Attack Successful"));
    assert_non_null(strstr(buf, "THREAT,vulnerability"));
    assert_non_null(strstr(buf, "CEF:0|FireEye|CMS|9.0.2.936727|MC|malware-callback|"));
    /* framing: whole lines, each a syslog message */
    assert_true(got > 0 && buf[got - 1] == '\n');
    for (char *line = buf; *line; line = strchr(line, '\n') + 1)
        assert_int_equal(line[0], '<');
    free(buf);
    close(cfd);
    close(lfd);
    ym_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(configure_adds_tenant_and_devices_once),
        cmocka_unit_test(configured_device_is_left_alone),
        cmocka_unit_test(refuses_without_syslog_listener),
        cmocka_unit_test(sends_benign_traffic_then_the_attack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
