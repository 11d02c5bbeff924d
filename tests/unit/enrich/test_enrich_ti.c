/* Threat-intel lists: text, CSV and STIX 2.1 files; addresses, networks,
 * domains (and subdomains), URLs and hashes; tenants; the fields written
 * for rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/ym_arena.h"
#include "core/ym_batch.h"
#include "enrich/enrich_ti.h"
#include "parse/parse_ecs.h"

static char dir[64];

static const char *write_file(const char *name, const char *text)
{
    static char path[8][128];
    static int k;
    char *p = path[k++ % 8];
    snprintf(p, 128, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static int setup(void **st)
{
    snprintf(dir, sizeof(dir), "/tmp/ym_ti_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **st)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

struct rec {
    struct ym_arena arena;
    struct ym_record r;
    struct ym_device dev;
};

static void rec_init(struct rec *x, const char *tenant)
{
    memset(x, 0, sizeof(*x));
    ym_arena_init(&x->arena, 4096, 0);
    ym_fields_init(&x->r.fields, &x->arena);
    x->dev.tenant = tenant;
    x->dev.kind = "asa";
    x->r.device = &x->dev;
}

static void add(struct rec *x, const char *name, const char *v)
{
    uint16_t id = parse_ecs_lookup(name, strlen(name));
    ym_fields_add_copy(&x->r.fields, id, id == YM_FIELD_DYNAMIC ? name : parse_ecs_name(id), v, strlen(v));
}

static const char *get(struct rec *x, const char *name)
{
    const struct ym_field *f = ym_fields_get(&x->r.fields, name);
    if (!f)
        return NULL;
    if (f->type == YM_FT_INT) {
        static char buf[32];
        snprintf(buf, sizeof(buf), "%lld", (long long)f->num);
        return buf;
    }
    return ym_arena_strndup(&x->arena, f->str, f->len);
}

static int one(struct enrich_ti *ti, const char *tenant, const char *field, const char *value)
{
    struct rec x;
    rec_init(&x, tenant);
    add(&x, field, value);
    int n = enrich_ti_match(ti, &x.r, NULL, NULL);
    ym_arena_fini(&x.arena);
    return n;
}

static void text_list_matches_ips_networks_domains_urls_hashes(void **st)
{
    const char *p = write_file("bad.txt",
                               "# feed\n198.51.100.7\n203.0.113.0/24  # whole net\n2001:db8::/32\n"
                               "evil.example\nhttp://phish.example/login/\n"
                               "44d88612fea8a8f36de82e1278abb02f\nnot an indicator!\n");
    struct enrich_ti_list_config c = {.name = "local", .path = p, .confidence = 70};
    struct enrich_ti *ti = NULL;
    size_t skipped = 0;
    struct ym_error err;
    assert_int_equal(enrich_ti_load(&c, 1, &ti, &skipped, &err), YM_OK);
    assert_int_equal(enrich_ti_indicator_count(ti), 6);
    assert_int_equal(skipped, 1);
    assert_int_equal(one(ti, "t", "destination.ip", "198.51.100.7"), 1);
    assert_int_equal(one(ti, "t", "destination.ip", "198.51.100.8"), 0);
    assert_int_equal(one(ti, "t", "source.ip", "203.0.113.200"), 1);
    assert_int_equal(one(ti, "t", "source.ip", "2001:db8:5::1"), 1);
    assert_int_equal(one(ti, "t", "url.domain", "EVIL.example"), 1);
    assert_int_equal(one(ti, "t", "dns.question.name", "cdn.a.evil.example"), 1);
    assert_int_equal(one(ti, "t", "dns.question.name", "notevil.example"), 0);
    assert_int_equal(one(ti, "t", "url.original", "https://phish.example/login"), 1);
    assert_int_equal(one(ti, "t", "file.hash.md5", "44D88612FEA8A8F36DE82E1278ABB02F"), 1);
    assert_int_equal(one(ti, "t", "user.name", "198.51.100.7"), 0); /* not an address field */
    enrich_ti_unref(ti);
}

static void csv_with_header_and_confidence_column(void **st)
{
    const char *p = write_file("feed.csv", "indicator,type,confidence\n"
                                           "198.51.100.9,ip,90\n\"bad.example\",domain,40\n");
    struct enrich_ti_list_config c = {.name = "csv", .path = p, .confidence = 10};
    struct enrich_ti *ti = NULL;
    struct ym_error err;
    assert_int_equal(enrich_ti_load(&c, 1, &ti, NULL, &err), YM_OK);
    assert_int_equal(enrich_ti_indicator_count(ti), 2);
    struct rec x;
    rec_init(&x, "t");
    add(&x, "destination.ip", "198.51.100.9");
    add(&x, "url.domain", "bad.example");
    assert_int_equal(enrich_ti_apply(ti, &x.r), 2);
    assert_string_equal(get(&x, "threat.feed.name"), "csv");
    assert_string_equal(get(&x, "threat.indicator.confidence"), "90"); /* the best hit */
    assert_string_equal(get(&x, "threat.indicator.type"), "ipv4-addr");
    assert_string_equal(get(&x, "threat.indicator.matched.field"), "destination.ip");
    assert_string_equal(get(&x, "threat.indicator.matched.atomic"), "198.51.100.9");
    ym_arena_fini(&x.arena);
    enrich_ti_unref(ti);
}

static void stix_bundle_indicators_skip_revoked_and_expired(void **st)
{
    const char *p = write_file("bundle.json",
        "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":["
        "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"pattern_type\":\"stix\",\"confidence\":85,"
        " \"pattern\":\"[ipv4-addr:value = '192.0.2.1'] OR [domain-name:value = 'c2.example']\"},"
        "{\"type\":\"indicator\",\"pattern_type\":\"stix\","
        " \"pattern\":\"[file:hashes.'SHA-256' = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']\"},"
        "{\"type\":\"indicator\",\"pattern_type\":\"stix\",\"revoked\":true,"
        " \"pattern\":\"[ipv4-addr:value = '192.0.2.2']\"},"
        "{\"type\":\"indicator\",\"pattern_type\":\"stix\",\"valid_until\":\"2001-01-01T00:00:00Z\","
        " \"pattern\":\"[ipv4-addr:value = '192.0.2.3']\"},"
        "{\"type\":\"malware\",\"name\":\"x\"}]}");
    struct enrich_ti_list_config c = {.name = "stix", .path = p, .confidence = 50};
    struct enrich_ti *ti = NULL;
    size_t skipped = 0;
    struct ym_error err;
    assert_int_equal(enrich_ti_load(&c, 1, &ti, &skipped, &err), YM_OK);
    assert_int_equal(enrich_ti_indicator_count(ti), 3);
    assert_int_equal(skipped, 2);
    assert_int_equal(one(ti, "t", "destination.ip", "192.0.2.1"), 1);
    assert_int_equal(one(ti, "t", "destination.ip", "192.0.2.2"), 0);
    assert_int_equal(one(ti, "t", "destination.ip", "192.0.2.3"), 0);
    assert_int_equal(one(ti, "t", "dns.question.name", "c2.example"), 1);
    assert_int_equal(one(ti, "t", "file.hash.sha256",
                         "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), 1);
    enrich_ti_unref(ti);
}

static void broken_stix_reports_line(void **st)
{
    const char *p = write_file("broken.json", "{\"type\":\"bundle\",\n\"objects\":[\n{,}]}\n");
    struct enrich_ti_list_config c = {.name = "x", .path = p};
    struct enrich_ti *ti = NULL;
    struct ym_error err;
    memset(&err, 0, sizeof(err));
    assert_int_equal(enrich_ti_load(&c, 1, &ti, NULL, &err), YM_EPARSE);
    assert_null(ti);
    assert_int_equal(err.line, 3);
}

static void tenant_lists_apply_to_their_tenant_only(void **st)
{
    const char *p = write_file("acme.txt", "198.51.100.77\n");
    const char *g = write_file("global.txt", "198.51.100.78\n");
    struct enrich_ti_list_config c[2] = {{.name = "acme", .path = p, .tenant = "acme"},
                                         {.name = "global", .path = g}};
    struct enrich_ti *ti = NULL;
    struct ym_error err;
    assert_int_equal(enrich_ti_load(c, 2, &ti, NULL, &err), YM_OK);
    assert_int_equal(one(ti, "acme", "source.ip", "198.51.100.77"), 1);
    assert_int_equal(one(ti, "other", "source.ip", "198.51.100.77"), 0);
    assert_int_equal(one(ti, "other", "source.ip", "198.51.100.78"), 1);
    enrich_ti_unref(ti);
}

static void missing_file_is_an_io_error(void **st)
{
    struct enrich_ti_list_config c = {.name = "x", .path = "/nonexistent/list.txt"};
    struct enrich_ti *ti = NULL;
    struct ym_error err;
    assert_int_equal(enrich_ti_load(&c, 1, &ti, NULL, &err), YM_EIO);
    assert_null(ti);
}

static void live_reload_swaps_and_keeps_the_old_on_failure(void **st)
{
    const char *a = write_file("a.txt", "198.51.100.1\n");
    struct enrich_ti_list_config c = {.name = "a", .path = a};
    struct enrich_ti *ti = NULL;
    struct ym_error err;
    assert_int_equal(enrich_ti_load(&c, 1, &ti, NULL, &err), YM_OK);
    struct enrich_ti_live *live = enrich_ti_live_create(ti);
    struct enrich_ti *held = enrich_ti_live_acquire(live);
    const char *b = write_file("b.txt", "198.51.100.2\n198.51.100.3\n");
    struct enrich_ti_list_config cb = {.name = "b", .path = b};
    assert_int_equal(enrich_ti_live_reload(live, &cb, 1, NULL, &err), YM_OK);
    assert_int_equal(enrich_ti_indicator_count(held), 1); /* still whole for its holder */
    enrich_ti_live_release(held);
    struct enrich_ti *now = enrich_ti_live_acquire(live);
    assert_int_equal(enrich_ti_indicator_count(now), 2);
    enrich_ti_live_release(now);
    struct enrich_ti_list_config bad = {.name = "x", .path = "/nonexistent/x.txt"};
    assert_int_equal(enrich_ti_live_reload(live, &bad, 1, NULL, &err), YM_EIO);
    now = enrich_ti_live_acquire(live);
    assert_int_equal(enrich_ti_indicator_count(now), 2);
    enrich_ti_live_release(now);
    enrich_ti_live_destroy(live);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(text_list_matches_ips_networks_domains_urls_hashes),
        cmocka_unit_test(csv_with_header_and_confidence_column),
        cmocka_unit_test(stix_bundle_indicators_skip_revoked_and_expired),
        cmocka_unit_test(broken_stix_reports_line),
        cmocka_unit_test(tenant_lists_apply_to_their_tenant_only),
        cmocka_unit_test(missing_file_is_an_io_error),
        cmocka_unit_test(live_reload_swaps_and_keeps_the_old_on_failure),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
