/* Unit tests of the evaluator (search_eval) on hand-built archive entries
 * and parsed fields: what a user expects each kind of term to match. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/ym_batch.h"
#include "parse/parse_ecs.h"
#include "search/search_eval.h"

#define ASA_LINE                                                                                  \
    "<166>Nov 22 2026 10:00:00 fw1 : %ASA-4-106023: Deny tcp src outside:198.51.100.7/51234 dst " \
    "inside:10.0.3.4/443 by access-group \"outside_in\" [0x0, 0x0]"

struct fixture {
    struct archive_entry e;
    struct ym_arena arena;
    struct ym_fields fields;
    int have_fields;
    int parses; /* times the fields callback ran */
};

static const struct ym_fields *get_fields(void *arg)
{
    struct fixture *fx = arg;
    fx->parses++;
    return fx->have_fields ? &fx->fields : NULL;
}

static int setup(void **state)
{
    static struct fixture fx;
    memset(&fx, 0, sizeof fx);
    fx.e.tenant = "acme";
    fx.e.device = "fw1";
    fx.e.kind = "asa";
    fx.e.timezone = "";
    fx.e.peer = "192.0.2.10";
    fx.e.transport = YM_TR_TCP;
    fx.e.received_ns = 1795600000LL * 1000000000LL;
    fx.e.ref = 7;
    fx.e.raw = ASA_LINE;
    fx.e.raw_len = (uint32_t)strlen(ASA_LINE);
    ym_arena_init(&fx.arena, 4096, 0);
    ym_fields_init(&fx.fields, &fx.arena);
    ecs_add(&fx.fields, ECS_EVENT_ACTION, "deny", 4);
    ecs_add(&fx.fields, ECS_SOURCE_IP, "198.51.100.7", 12);
    ecs_add_int(&fx.fields, ECS_SOURCE_PORT, 51234);
    ecs_add(&fx.fields, ECS_DESTINATION_IP, "2001:db8:0:0::1", 15);
    ecs_add_int(&fx.fields, ECS_DESTINATION_PORT, 443);
    ecs_add_array(&fx.fields, ECS_EVENT_CATEGORY, "network", 7);
    ecs_add_array(&fx.fields, ECS_EVENT_CATEGORY, "intrusion_detection", 19);
    ym_fields_add(&fx.fields, YM_FIELD_DYNAMIC, "cisco.asa.rule_name", "outside_in", 10);
    ym_fields_add_float(&fx.fields, YM_FIELD_DYNAMIC, "x.ratio", 0.5);
    ecs_add(&fx.fields, ECS_TIMESTAMP, "2026-11-22T10:00:00.000Z", 24);
    fx.have_fields = 1;
    *state = &fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    ym_arena_fini(&fx->arena);
    return 0;
}

static int matches(struct fixture *fx, const char *query)
{
    struct search_query *q = NULL;
    struct ym_error err = {0};
    if (search_query_parse(query, strlen(query), &q, &err) != YM_OK)
        fail_msg("query %s: column %d: %s", query, err.column, err.reason);
    struct search_eval_ctx ctx = {&fx->e, get_fields, fx};
    int r = search_eval_match(q, &ctx);
    search_query_destroy(q);
    return r;
}

#define YES(q) assert_true(matches(fx, q))
#define NO(q) assert_false(matches(fx, q))

static void free_text_matches_whole_words_ignoring_case(void **state)
{
    struct fixture *fx = *state;
    YES("deny");
    YES("DENY TCP");
    NO("den");
    NO("denying");
    YES("198.51.100.7");
    YES("51234");
    YES("outside_in");
    YES("%ASA-4-106023");
    YES("106023");
    NO("10623");
    /* A dotted word must be the whole dotted run: not the tail of 10.0.3.4. */
    NO("0.3.4");
    YES("0");
    YES("10.0.3.4");
}

static void phrases_match_anywhere_in_the_line(void **state)
{
    struct fixture *fx = *state;
    YES("\"deny tcp src\"");
    YES("\"ny tc\"");
    NO("\"deny udp\"");
    YES("\"by access-group \\\"outside_in\\\"\"");
}

static void wildcards_match_one_word(void **state)
{
    struct fixture *fx = *state;
    YES("Den*");
    YES("10.0.*");
    YES("198.51.100.?");
    NO("10.1.*");
    NO("*zzz*");
    YES("*");
}

static void field_values_compare_whole_and_ignore_case(void **state)
{
    struct fixture *fx = *state;
    YES("event.action:deny");
    YES("event.action:DENY");
    NO("event.action:den");
    YES("event.action:den*");
    YES("event.action:\"deny\"");
    YES("cisco.asa.rule_name:outside_in");
    NO("cisco.asa.rule_name:inside");
    NO("no.such.field:deny");
}

static void ip_values_compare_as_addresses(void **state)
{
    struct fixture *fx = *state;
    YES("source.ip:198.51.100.7");
    NO("source.ip:198.51.100.70");
    YES("destination.ip:2001:db8::1");
    YES("destination.ip:\"2001:0db8::0001\"");
    YES("source.ip:198.51.100.0/24");
    NO("source.ip:198.51.101.0/24");
    YES("source.ip:0.0.0.0/0");
    YES("destination.ip:2001:db8::/32");
    NO("destination.ip:2001:db9::/32");
    NO("destination.ip:10.0.0.0/8");
    YES("source.ip:(10.9.9.9 OR 198.51.100.7)");
}

static void numbers_compare_as_numbers(void **state)
{
    struct fixture *fx = *state;
    YES("destination.port:443");
    YES("destination.port:0443");
    YES("destination.port >= 443");
    NO("destination.port > 443");
    YES("destination.port<1024");
    YES("source.port >= 1024");
    YES("x.ratio < 1");
    NO("x.ratio >= 0.75");
    YES("destination.port:(22 OR 443)");
    NO("event.action > 1");
}

static void times_compare_as_times(void **state)
{
    struct fixture *fx = *state;
    YES("@timestamp >= 2026-11-22T10:00:00Z");
    NO("@timestamp > 2026-11-22T10:00:00Z");
    YES("@timestamp < \"2026-11-22T19:00:01+09:00\"");
    YES("@timestamp >= 2026-11-22 @timestamp < 2026-11-23");
    NO("@timestamp < 2026-11-22");
    NO("event.action >= 2026-11-22");
}

static void exists_and_arrays(void **state)
{
    struct fixture *fx = *state;
    YES("source.ip:*");
    NO("user.name:*");
    YES("event.category:network");
    YES("event.category:intrusion_detection");
    NO("event.category:authentication");
    YES("NOT user.name:*");
}

static void meta_fields_come_from_the_archive_entry(void **state)
{
    struct fixture *fx = *state;
    YES("tenant:acme");
    NO("tenant:other");
    YES("device:fw*");
    YES("kind:asa");
    YES("transport:tcp");
    YES("peer:192.0.2.0/24");
    YES("peer:192.0.2.10");
    NO("peer:2001:db8::/32");
    /* Meta fields need no parsing. */
    fx->parses = 0;
    YES("tenant:acme deny");
    assert_int_equal(fx->parses, 0);
}

static void boolean_operators(void **state)
{
    struct fixture *fx = *state;
    YES("deny AND tcp");
    NO("deny AND udp");
    YES("udp OR tcp");
    NO("udp OR icmp");
    YES("NOT udp");
    NO("NOT deny");
    YES("deny (udp OR source.ip:198.51.100.7)");
    NO("deny NOT (udp OR source.ip:198.51.100.7)");
}

static void fields_are_parsed_only_when_raw_checks_pass(void **state)
{
    struct fixture *fx = *state;
    fx->parses = 0;
    NO("permit source.ip:198.51.100.7");
    assert_int_equal(fx->parses, 0);
    NO("source.ip:198.51.100.7 AND permit");
    assert_int_equal(fx->parses, 0);
    YES("source.ip:10.0.0.0/8 OR deny");
    assert_int_equal(fx->parses, 0);
    YES("deny source.ip:198.51.100.7");
    assert_true(fx->parses >= 1);
    /* Address and port values are copied from the line by decoders: when
     * the line lacks the text, the term is false without parsing. */
    fx->parses = 0;
    NO("source.ip:203.0.113.9");
    NO("source.ip:203.0.113.0/24");
    NO("destination.port:8443");
    assert_int_equal(fx->parses, 0);
    YES("source.ip:198.51.0.0/16");
    assert_true(fx->parses >= 1);
    /* The port is in the line, the address is not: no parse either. */
    fx->parses = 0;
    NO("destination.port:443 source.ip:203.0.113.9");
    NO("destination.port:443 (source.ip:203.0.113.9 OR source.ip:203.0.113.10)");
    assert_int_equal(fx->parses, 0);
    YES("destination.port:443 (source.ip:203.0.113.9 OR source.ip:198.51.100.7)");
}

static void without_fields_field_terms_are_false(void **state)
{
    struct fixture *fx = *state;
    fx->have_fields = 0;
    NO("event.action:deny");
    NO("source.ip:*");
    YES("NOT event.action:deny");
    YES("deny");
    YES("tenant:acme");
    fx->have_fields = 1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(free_text_matches_whole_words_ignoring_case, setup, teardown),
        cmocka_unit_test_setup_teardown(phrases_match_anywhere_in_the_line, setup, teardown),
        cmocka_unit_test_setup_teardown(wildcards_match_one_word, setup, teardown),
        cmocka_unit_test_setup_teardown(field_values_compare_whole_and_ignore_case, setup, teardown),
        cmocka_unit_test_setup_teardown(ip_values_compare_as_addresses, setup, teardown),
        cmocka_unit_test_setup_teardown(numbers_compare_as_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(times_compare_as_times, setup, teardown),
        cmocka_unit_test_setup_teardown(exists_and_arrays, setup, teardown),
        cmocka_unit_test_setup_teardown(meta_fields_come_from_the_archive_entry, setup, teardown),
        cmocka_unit_test_setup_teardown(boolean_operators, setup, teardown),
        cmocka_unit_test_setup_teardown(fields_are_parsed_only_when_raw_checks_pass, setup, teardown),
        cmocka_unit_test_setup_teardown(without_fields_field_terms_are_false, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
