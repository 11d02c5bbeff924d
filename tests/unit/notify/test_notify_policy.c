/* Unit tests of the notification policy (notify/notify_policy.h) and of
 * the notification keys of yamori.yaml that drive it: what happens to a
 * notification per severity and tenant, the back-off between attempts,
 * digest periods, and the configuration errors a user makes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/ym_time.h"
#include "notify/notify_policy.h"

static enum ym_status load_text(const char *text, struct ym_config **cfg, struct ym_error *err)
{
    char path[] = "/tmp/ym-notify-test-XXXXXX";
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

static const char full[] =
    "notify:\n"
    "  smtp:\n"
    "    url: smtps://mail.example.com:465\n"
    "    username: soc\n"
    "    password: pw\n"
    "    from: soc@example.com\n"
    "  retry: {attempts: 4, first_delay_ms: 1000, max_delay_ms: 5000}\n"
    "  hold_for_ack: false\n"
    "tenants:\n"
    "  - name: acme\n"
    "    language: ja\n"
    "    timezone: Asia/Tokyo\n"
    "    contacts:\n"
    "      - email: alice@acme.example\n"
    "        severities: [emergency, critical]\n"
    "      - webhook: https://hooks.slack.com/services/T/B/X\n"
    "        format: slack\n"
    "    notify: {warning: digest, informational: report}\n"
    "    require_ack: [emergency]\n"
    "    digest_interval_minutes: 30\n"
    "  - name: plain\n";

static void defaults_send_emergency_and_critical_and_keep_the_rest_for_the_report(void **state)
{
    struct ym_config *cfg;
    struct ym_error err;
    assert_int_equal(load_text(full, &cfg, &err), YM_OK);
    const struct ym_tenant_config *t = ym_config_tenant(cfg, "plain");
    assert_string_equal(t->language, "en");
    assert_int_equal(t->digest_interval_minutes, 60);
    assert_int_equal(notify_policy_decide(&cfg->notify, t, 0, "new", "new"), NOTIFY_SEND);
    assert_int_equal(notify_policy_decide(&cfg->notify, t, 1, "new", "new"), NOTIFY_SEND);
    assert_int_equal(notify_policy_decide(&cfg->notify, t, 2, "new", "new"), NOTIFY_REPORT);
    assert_int_equal(notify_policy_decide(&cfg->notify, t, 3, "new", "new"), NOTIFY_REPORT);
    /* an analyst's explicit notification is always sent */
    assert_int_equal(notify_policy_decide(&cfg->notify, t, 3, "new", "manual"), NOTIFY_SEND);
    ym_config_free(cfg);
}

static void tenant_policy_holds_digests_and_reports(void **state)
{
    struct ym_config *cfg;
    struct ym_error err;
    assert_int_equal(load_text(full, &cfg, &err), YM_OK);
    const struct ym_tenant_config *t = ym_config_tenant(cfg, "acme");
    assert_string_equal(t->language, "ja");
    assert_string_equal(t->timezone, "Asia/Tokyo");
    assert_int_equal(t->contact_count, 2);
    assert_int_equal(t->contacts[1].format, YM_WEBHOOK_SLACK);
    assert_int_equal(notify_policy_decide(&cfg->notify, t, 0, "new", "new"), NOTIFY_HOLD);
    assert_int_equal(notify_policy_decide(&cfg->notify, t, 0, "acknowledged", "new"), NOTIFY_SEND);
    /* closed as a false positive while it was held: the customer is not told */
    assert_int_equal(notify_policy_decide(&cfg->notify, t, 0, "closed", "new"), NOTIFY_CLOSED);
    assert_int_equal(notify_policy_decide(&cfg->notify, t, 1, "resolved", "promoted"),
                     NOTIFY_CLOSED);
    assert_int_equal(notify_policy_decide(&cfg->notify, t, 1, "closed", "manual"), NOTIFY_SEND);
    assert_int_equal(notify_policy_decide(&cfg->notify, t, 1, "new", "new"), NOTIFY_SEND);
    assert_int_equal(notify_policy_decide(&cfg->notify, t, 2, "new", "new"), NOTIFY_DIGEST);
    assert_int_equal(notify_policy_decide(&cfg->notify, t, 3, "new", "promoted"), NOTIFY_REPORT);
    /* contacts by severity: the mail contact does not get warnings */
    assert_true(notify_policy_contact_wants(&t->contacts[0], 1u << 1));
    assert_false(notify_policy_contact_wants(&t->contacts[0], 1u << 2));
    assert_true(notify_policy_contact_wants(&t->contacts[1], 1u << 2));
    ym_config_free(cfg);
}

static void hold_for_ack_holds_every_immediate_notice_of_a_new_incident(void **state)
{
    struct ym_config *cfg = ym_config_default();
    cfg->notify.hold_for_ack = 1;
    struct ym_tenant_config t = {.name = "x", .notify_mode = {YM_NOTIFY_IMMEDIATE,
                                 YM_NOTIFY_IMMEDIATE, YM_NOTIFY_REPORT, YM_NOTIFY_REPORT}};
    assert_int_equal(notify_policy_decide(&cfg->notify, &t, 1, "new", "new"), NOTIFY_HOLD);
    assert_int_equal(notify_policy_decide(&cfg->notify, &t, 1, "responding", "promoted"),
                     NOTIFY_SEND);
    ym_config_free(cfg);
}

static void backoff_doubles_from_the_first_delay_up_to_the_maximum(void **state)
{
    struct ym_notify_config nc = {.retry_first_delay_ms = 200, .retry_max_delay_ms = 1000};
    assert_int_equal(notify_policy_backoff_ms(&nc, 1), 200);
    assert_int_equal(notify_policy_backoff_ms(&nc, 2), 400);
    assert_int_equal(notify_policy_backoff_ms(&nc, 3), 800);
    assert_int_equal(notify_policy_backoff_ms(&nc, 4), 1000);
    assert_int_equal(notify_policy_backoff_ms(&nc, 60), 1000); /* no overflow */
    struct ym_config *cfg = ym_config_default(); /* 10 s, 20 s, ... 10 min */
    assert_int_equal(notify_policy_backoff_ms(&cfg->notify, 1), 10000);
    assert_int_equal(notify_policy_backoff_ms(&cfg->notify, 7), 600000);
    ym_config_free(cfg);
}

static void digest_periods_start_on_the_interval(void **state)
{
    int64_t h = 3600 * YM_NS_PER_S;
    int64_t t = 1795341600LL * YM_NS_PER_S; /* 2026-11-22T10:00:00Z */
    assert_true(notify_policy_digest_period_ns(60, t) == t);
    assert_true(notify_policy_digest_period_ns(60, t + h - 1) == t);
    assert_true(notify_policy_digest_period_ns(60, t + h) == t + h);
    assert_true(notify_policy_digest_period_ns(30, t + 45 * 60 * YM_NS_PER_S) == t + h / 2);
}

static void expect_error(const char *text, const char *reason_part, int line)
{
    struct ym_config *cfg = NULL;
    struct ym_error err;
    enum ym_status st = load_text(text, &cfg, &err);
    if (st == YM_OK) {
        ym_config_free(cfg);
        fail_msg("accepted: %s", text);
    }
    if (!strstr(err.reason, reason_part))
        fail_msg("reason '%s' lacks '%s'", err.reason, reason_part);
    if (line)
        assert_int_equal(err.line, line);
}

static void notification_mistakes_are_errors_with_their_line(void **state)
{
    expect_error("notify:\n  smtp:\n    url: http://mail\n", "notify.smtp.url", 3);
    expect_error("notify:\n  smtp:\n    starttls: maybe\n", "required, optional or off", 3);
    expect_error("notify:\n  smtp:\n    url: smtp://m\n    username: u\n", "needs password", 0);
    expect_error("notify:\n  smtp:\n    password_file: /nonexistent/pw\n", "cannot open", 3);
    expect_error("notify:\n  retry:\n    attempts: 0\n", "out of range", 3);
    expect_error("notify:\n  retry: {first_delay_ms: 5000, max_delay_ms: 1000}\n", "max_delay_ms",
                 0);
    expect_error("notify:\n  sender: x\n", "unknown key 'sender'", 2);
    expect_error("tenants:\n  - name: a\n    language: fr\n", "en or ja", 3);
    expect_error("tenants:\n  - name: a\n    contacts:\n      - email: not-an-address\n",
                 "not an email address", 4);
    expect_error("tenants:\n  - name: a\n    contacts:\n      - email: a@b.c\n"
                 "        webhook: https://x\n",
                 "either email or webhook", 4);
    expect_error("tenants:\n  - name: a\n    contacts:\n      - webhook: https://x\n"
                 "        format: discord\n",
                 "generic, slack or teams", 5);
    expect_error("tenants:\n  - name: a\n    notify: {critical: later}\n",
                 "immediate, digest or report", 3);
    expect_error("tenants:\n  - name: a\n    require_ack: [urgent]\n", "emergency, critical", 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_send_emergency_and_critical_and_keep_the_rest_for_the_report),
        cmocka_unit_test(tenant_policy_holds_digests_and_reports),
        cmocka_unit_test(hold_for_ack_holds_every_immediate_notice_of_a_new_incident),
        cmocka_unit_test(backoff_doubles_from_the_first_delay_up_to_the_maximum),
        cmocka_unit_test(digest_periods_start_on_the_interval),
        cmocka_unit_test(notification_mistakes_are_errors_with_their_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
