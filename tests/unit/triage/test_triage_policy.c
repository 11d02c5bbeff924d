/* Unit tests of the triage policy (triage/triage_policy.h): field
 * conditions, each severity step (level, verdict, web success, callback,
 * assets), per-tenant values, aggregation keys, and policy files (ours in
 * rules/, and broken ones refused with the line). */
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
#include "triage/triage_policy.h"
#include "triage_test.h"

#define T0 (1700000000LL * YM_NS_PER_S)

static struct triage_policy *builtin(void)
{
    struct triage_policy *p = NULL;
    assert_int_equal(triage_policy_load(NULL, &p, NULL), YM_OK);
    return p;
}

static struct triage_policy *from_text(const char *text, enum ym_status want,
                                       struct ym_error *err)
{
    char path[] = "/tmp/ym-policy-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    struct triage_policy *p = NULL;
    assert_int_equal(triage_policy_load(path, &p, err), want);
    unlink(path);
    return p;
}

static void conditions_match_cidr_glob_and_negation(void **state)
{
    (void)state;
    struct triage_conds c;
    char why[128];
    assert_int_equal(triage_conds_parse("source.ip=10.9.0.0/16 url.original=*wp-login* "
                                        "destination.port!=443",
                                        &c, why, sizeof why),
                     YM_OK);
    struct triage_detection hit = det("r", DETECT_LEVEL_HIGH, "", T0, "source.ip", "10.9.3.4",
                                      "url.original", "/WP-LOGIN.php", "destination.port", "80",
                                      NULL);
    assert_true(triage_conds_match(&c, &hit));
    struct triage_detection other_net = det("r", DETECT_LEVEL_HIGH, "", T0, "source.ip",
                                            "10.10.0.1", "url.original", "/wp-login.php", NULL);
    assert_false(triage_conds_match(&c, &other_net));
    struct triage_detection tls = det("r", DETECT_LEVEL_HIGH, "", T0, "source.ip", "10.9.0.1",
                                      "url.original", "/wp-login", "destination.port", "443", NULL);
    assert_false(triage_conds_match(&c, &tls));
    triage_conds_free(&c);

    assert_int_equal(triage_conds_parse("source.ip 10.0.0.1", &c, why, sizeof why), YM_EINVAL);
    assert_string_equal(why, "'source.ip' is not field=value or field!=value");
    assert_int_equal(triage_conds_parse("", &c, why, sizeof why), YM_OK);
    assert_true(triage_conds_match(&c, &hit)); /* no terms: everything */
    triage_conds_free(&c);
}

static void blocked_attack_is_at_most_warning_whatever_its_level(void **state)
{
    (void)state;
    struct triage_policy *p = builtin();
    struct triage_judgement j;
    struct triage_detection d = det("r-jndi", DETECT_LEVEL_CRITICAL, "attack.t1190", T0,
                                    "source.ip", "203.0.113.9", "destination.ip", "10.0.0.5",
                                    "event.action", "reset-both", NULL);
    triage_policy_judge(p, &d, &j);
    assert_int_equal(j.verdict, TRIAGE_VERDICT_BLOCKED);
    assert_int_equal(j.severity, STATE_SEV_WARNING);
    assert_string_equal(j.reason, "rule level critical; blocked by the device (reset-both)");
    assert_false(j.exploit);

    struct triage_detection nsp = det("r-nsp", DETECT_LEVEL_HIGH, "attack.initial_access", T0,
                                      "nsp.blocked", "true", NULL);
    triage_policy_judge(p, &nsp, &j);
    assert_int_equal(j.verdict, TRIAGE_VERDICT_BLOCKED);
    triage_policy_free(p);
}

static void level_sets_the_base_and_allowed_alone_does_not_raise_it(void **state)
{
    (void)state;
    struct triage_policy *p = builtin();
    struct triage_judgement j;
    struct triage_detection high = det("r-sqli", DETECT_LEVEL_HIGH, "attack.t1190", T0,
                                       "source.ip", "203.0.113.9", "destination.ip", "10.0.0.5",
                                       "event.type", "connection,allowed", NULL);
    triage_policy_judge(p, &high, &j);
    assert_int_equal(j.verdict, TRIAGE_VERDICT_ALLOWED);
    assert_int_equal(j.severity, STATE_SEV_WARNING);
    assert_true(j.exploit);
    struct triage_detection low = det("r-low", DETECT_LEVEL_LOW, "", T0, NULL);
    triage_policy_judge(p, &low, &j);
    assert_int_equal(j.severity, STATE_SEV_INFORMATIONAL);
    assert_int_equal(j.verdict, TRIAGE_VERDICT_UNKNOWN);
    triage_policy_free(p);
}

static void web_attack_answered_2xx_is_critical_and_404_is_not(void **state)
{
    (void)state;
    struct triage_policy *p = builtin();
    struct triage_judgement j;
    struct triage_detection ok = det("r-sqli", DETECT_LEVEL_HIGH, "attack.initial_access,attack.t1190",
                                     T0, "source.ip", "203.0.113.9", "destination.ip", "10.0.0.5",
                                     "http.response.status_code", "200", NULL);
    triage_policy_judge(p, &ok, &j);
    assert_true(j.success);
    assert_int_equal(j.severity, STATE_SEV_CRITICAL);
    assert_string_equal(j.reason,
                        "rule level high; the server answered HTTP 200: the attack very likely worked");
    struct triage_detection missed = ok;
    missed.fields[2].value = "404";
    triage_policy_judge(p, &missed, &j);
    assert_false(j.success);
    assert_int_equal(j.severity, STATE_SEV_WARNING);
    /* a critical rule that worked is an emergency */
    struct triage_detection jndi = ok;
    jndi.level = DETECT_LEVEL_CRITICAL;
    triage_policy_judge(p, &jndi, &j);
    assert_int_equal(j.severity, STATE_SEV_EMERGENCY);
    triage_policy_free(p);
}

static void malware_callback_is_success_and_blocked_c2_is_not(void **state)
{
    (void)state;
    struct triage_policy *p = builtin();
    struct triage_judgement j;
    struct triage_detection cb = det("r-c2", DETECT_LEVEL_HIGH, "attack.command_and_control", T0,
                                     "source.ip", "10.0.0.5", "destination.ip", "198.51.100.7",
                                     NULL);
    triage_policy_judge(p, &cb, &j);
    assert_true(j.callback);
    assert_int_equal(j.severity, STATE_SEV_CRITICAL);
    assert_non_null(strstr(j.reason, "a callback from 10.0.0.5 to 198.51.100.7"));
    struct triage_detection blocked = det("r-c2", DETECT_LEVEL_HIGH, "attack.command_and_control",
                                          T0, "source.ip", "10.0.0.5", "event.action", "block-url",
                                          NULL);
    triage_policy_judge(p, &blocked, &j);
    assert_false(j.callback);
    assert_int_equal(j.severity, STATE_SEV_WARNING);
    /* below min_level (high): not a callback */
    struct triage_detection low = det("r-port", DETECT_LEVEL_LOW, "attack.command_and_control", T0,
                                      "source.ip", "10.0.0.5", NULL);
    triage_policy_judge(p, &low, &j);
    assert_false(j.callback);
    triage_policy_free(p);
}

static const char assets_policy[] =
    "assets:\n"
    "  - name: dmz-web\n"
    "    networks: [192.0.2.0/28]\n"
    "    criticality: critical\n"
    "  - name: legacy-erp\n"
    "    tenant: acme\n"
    "    networks: [10.20.0.15]\n"
    "    vulnerable: true\n"
    "tenants:\n"
    "  kumo:\n"
    "    incident_min: warning\n"
    "    sla: {critical: 30m, warning: 4h}\n"
    "rules:\n"
    "  r-scan:\n"
    "    aggregate: [source.ip]\n"
    "    severity: informational\n";

static void asset_criticality_and_vulnerability_raise_the_severity(void **state)
{
    (void)state;
    struct triage_policy *p = from_text(assets_policy, YM_OK, NULL);
    struct triage_judgement j;
    struct triage_detection web = det("r-sqli", DETECT_LEVEL_HIGH, "attack.t1190", T0,
                                      "source.ip", "203.0.113.9", "destination.ip", "192.0.2.5",
                                      NULL);
    triage_policy_judge(p, &web, &j);
    assert_int_equal(j.severity, STATE_SEV_CRITICAL);
    assert_non_null(strstr(j.reason, "target 192.0.2.5 (dmz-web) is a critical asset"));
    struct triage_detection erp = web;
    erp.fields[1].value = "10.20.0.15";
    triage_policy_judge(p, &erp, &j);
    assert_int_equal(j.severity, STATE_SEV_CRITICAL);
    assert_non_null(strstr(j.reason, "(legacy-erp) is known vulnerable"));
    erp.tenant = "kumo"; /* the same address at another customer is not that asset */
    triage_policy_judge(p, &erp, &j);
    assert_int_equal(j.severity, STATE_SEV_WARNING);
    struct triage_detection elsewhere = web;
    elsewhere.fields[1].value = "10.0.0.9";
    triage_policy_judge(p, &elsewhere, &j);
    assert_int_equal(j.severity, STATE_SEV_WARNING);
    /* the rule's fixed severity */
    struct triage_detection scan = det("r-scan", DETECT_LEVEL_HIGH, "", T0, NULL);
    triage_policy_judge(p, &scan, &j);
    assert_int_equal(j.severity, STATE_SEV_INFORMATIONAL);
    triage_policy_free(p);
}

static void tenants_override_incident_min_and_sla(void **state)
{
    (void)state;
    struct triage_policy *p = from_text(assets_policy, YM_OK, NULL);
    const struct triage_tenant_policy *acme = triage_policy_tenant(p, "acme");
    const struct triage_tenant_policy *kumo = triage_policy_tenant(p, "kumo");
    assert_int_equal(acme->incident_min, STATE_SEV_CRITICAL);
    assert_int_equal(acme->sla_ns[STATE_SEV_CRITICAL], 15 * 60 * YM_NS_PER_S);
    assert_int_equal(acme->sla_ns[STATE_SEV_WARNING], 0);
    assert_int_equal(kumo->incident_min, STATE_SEV_WARNING);
    assert_int_equal(kumo->sla_ns[STATE_SEV_CRITICAL], 30 * 60 * YM_NS_PER_S);
    assert_int_equal(kumo->sla_ns[STATE_SEV_EMERGENCY], 15 * 60 * YM_NS_PER_S); /* default kept */
    assert_int_equal(kumo->sla_ns[STATE_SEV_WARNING], 4 * 3600 * YM_NS_PER_S);
    triage_policy_free(p);
}

static void aggregation_key_from_rule_field_policy_or_default(void **state)
{
    (void)state;
    struct triage_policy *p = from_text(assets_policy, YM_OK, NULL);
    struct triage_key_fields k;
    struct triage_detection d = det("r-web", DETECT_LEVEL_HIGH, "", T0, NULL);
    assert_int_equal(triage_policy_key(p, &d, &k), 2);
    assert_string_equal(k.names[0], "source.ip");
    assert_string_equal(k.names[1], "destination.ip");
    d.agg_key = "destination.ip, url.original";
    assert_int_equal(triage_policy_key(p, &d, &k), 2);
    assert_string_equal(k.names[0], "destination.ip");
    assert_string_equal(k.names[1], "url.original");
    struct triage_detection scan = det("r-scan", DETECT_LEVEL_MEDIUM, "", T0, NULL);
    assert_int_equal(triage_policy_key(p, &scan, &k), 1);
    assert_string_equal(k.names[0], "source.ip");
    triage_policy_free(p);
}

static void broken_policy_is_refused_with_its_line(void **state)
{
    (void)state;
    struct ym_error err = {0};
    from_text("events:\n  window: soon\n", YM_EINVAL, &err);
    assert_int_equal(err.line, 2);
    assert_string_equal(err.reason, "window: a duration like 10m, 90s, 2h or 1d");
    from_text("incidents:\n  incident_min: severe\n", YM_EINVAL, &err);
    assert_int_equal(err.line, 2);
    assert_string_equal(err.reason, "severe: emergency, critical, warning or informational");
    from_text("assets:\n  - name: x\n    networks: [10.0.0.300/8]\n", YM_EINVAL, &err);
    assert_string_equal(err.reason, "10.0.0.300/8: not an address or network");
}

static void the_shipped_policy_loads_with_the_built_in_values(void **state)
{
    (void)state;
    const char *src = getenv("YM_SRC");
    char path[1024];
    snprintf(path, sizeof path, "%s/rules/triage.yaml", src ? src : ".");
    struct ym_error err = {0};
    struct triage_policy *p = NULL;
    assert_int_equal(triage_policy_load(path, &p, &err), YM_OK);
    struct triage_policy *b = builtin();
    assert_int_equal(p->window_ns, b->window_ns);
    assert_int_equal(p->samples, b->samples);
    assert_int_equal(p->blocked_count, b->blocked_count);
    assert_int_equal(p->allowed_count, b->allowed_count);
    assert_int_equal(p->callback_window_ns, b->callback_window_ns);
    assert_int_equal(p->defaults.incident_min, b->defaults.incident_min);
    assert_int_equal(p->defaults.sla_ns[STATE_SEV_CRITICAL], b->defaults.sla_ns[STATE_SEV_CRITICAL]);
    for (int i = 0; i < 5; i++)
        assert_int_equal(p->level_severity[i], b->level_severity[i]);
    triage_policy_free(p);
    triage_policy_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(conditions_match_cidr_glob_and_negation),
        cmocka_unit_test(blocked_attack_is_at_most_warning_whatever_its_level),
        cmocka_unit_test(level_sets_the_base_and_allowed_alone_does_not_raise_it),
        cmocka_unit_test(web_attack_answered_2xx_is_critical_and_404_is_not),
        cmocka_unit_test(malware_callback_is_success_and_blocked_c2_is_not),
        cmocka_unit_test(asset_criticality_and_vulnerability_raise_the_severity),
        cmocka_unit_test(tenants_override_incident_min_and_sla),
        cmocka_unit_test(aggregation_key_from_rule_field_policy_or_default),
        cmocka_unit_test(broken_policy_is_refused_with_its_line),
        cmocka_unit_test(the_shipped_policy_loads_with_the_built_in_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
