/* Fuzz target: the `panos` decoder on one log (in two zones), directly and
 * through parse_record, then the ECS JSON output of what it produced. */
#include "fuzz_decoder.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_decoder_one("panos", "America/New_York", data, size);
}
