#!/usr/bin/env bash
# Archive writer benchmark: 1,000,000 Cisco-ASA-like lines through
# archive_append_batches (batches of 1024, several batches per durable
# commit as the writer thread groups them), then close. Prints lines/s
# (append + seal; the writer thread with the archive's helper and sealer
# threads), CPU seconds (all threads), peak RSS, bytes on disk,
# compression ratio and the bloom filters' share.
#
# Usage: bench/archive/run.sh [LINES [BATCHES_PER_COMMIT [BLOCK_LOGS [ZSTD_LEVEL]]]]
# Env: YM_SHARED (default ../shared beside the repo), BUILD (default build-bench).
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
shared="${YM_SHARED:-$src/../shared}"
build="${BUILD:-$src/build-bench}"
lines="${1:-1000000}"
group="${2:-8}"
block="${3:-0}"
level="${4:-0}"

cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target bench_archive -j2 >/dev/null

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 "$shared/bench/peers/gen_asa.py" "$lines" "$work/asa.log"
echo "input: $lines lines, $(stat -c %s "$work/asa.log") bytes (gen_asa.py)"
"$build/bench_archive" "$work/asa.log" "$work/data" "$group" "$block" "$level"
