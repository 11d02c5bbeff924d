/* Fuzz target: the `asa` decoder on one log (in two zones), directly on the
 * header-split message and through parse_record, then the ECS JSON output
 * of what it produced. Seeds: tests/fuzz/corpus/asa/ (from tests/data/asa/). */
#include "fuzz_decoder.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_decoder_one("asa", "Europe/Berlin", data, size);
}
