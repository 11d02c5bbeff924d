/* Fuzz target: the field conditions of suppressions and of the triage
 * policy's verdicts (triage_conds_parse), written by analysts in the CLI
 * and the portal: any text either parses into terms or is refused with a
 * reason, and matching the result against a detection never misbehaves
 * (CIDR prefixes, globs with many '*', '!=' terms, empty values). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "triage/triage_policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0'; /* the CLI and the API hand over C strings */
    struct triage_detection d = {
        .rule_id = "r", .tenant = "acme", .device = "fw1", .field_count = 4,
        .fields = {{"source.ip", "10.9.3.4"}, {"destination.ip", "2001:db8::1"},
                   {"url.original", "/wp-login.php?a=**b"}, {"destination.port", ""}},
    };
    struct triage_conds c;
    char why[256];
    if (triage_conds_parse(text, &c, why, sizeof why) == YM_OK) {
        triage_conds_match(&c, &d);
        for (size_t i = 0; i < c.count; i++)
            triage_cidr_contains(&c.v[i], "10.9.3.4");
        triage_conds_free(&c);
    } else if (!why[0]) {
        abort(); /* a refusal always says why */
    }
    free(text);
    return 0;
}
