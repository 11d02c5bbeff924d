#!/usr/bin/env bash
# bench/parse: lines/s per core of each decoder listed in kinds.txt (on at
# least 1,000,000 lines: corpus samples repeated with varied addresses and
# ports, plus gen_asa.py lines for asa) and the peak RSS, then the
# whole-process rate of `yamori parse --kind asa` on a file of gen_asa.py
# lines. Prints figures only; nothing is asserted.
# Usage: bench/parse/run.sh [BUILD_DIR]     env: N=1000000 YM_SHARED=../shared
# Build first (Release): cmake -S . -B build -DCMAKE_BUILD_TYPE=Release &&
#   cmake --build build --target bench_parse yamori
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
BUILD=${1:-$repo/build}
SHARED=${YM_SHARED:-$repo/../shared}
N=${N:-1000000}
BENCH=$BUILD/bench_parse
YAMORI=$BUILD/yamori
[ -x "$BENCH" ] || { echo "bench/parse: $BENCH not built" >&2; exit 2; }
GEN=$(mktemp -d /tmp/yamori-bench-parse.XXXXXX)
trap 'rm -rf "$GEN"' EXIT

# 20,000 generated lines as samples (the pool varies them further)
python3 "$SHARED/bench/peers/gen_asa.py" 20000 "$GEN/gen_asa.log" 42

args=()
while read -r kind sources; do
    case "$kind" in ''|'#'*) continue ;; esac
    sources=${sources//\$SHARED/$SHARED}
    sources=${sources//\$GEN/$GEN}
    args+=("$kind=$sources")
done < "$here/kinds.txt"

echo "== decoders, one thread, $N lines each (lines/s per core of CPU time)"
"$BENCH" --lines "$N" "${args[@]}"

if [ -x "$YAMORI" ]; then
    echo "== yamori parse --kind asa, whole process, $N gen_asa.py lines"
    python3 "$SHARED/bench/peers/gen_asa.py" "$N" "$GEN/asa-$N.log" 7
    bytes=$(stat -c %s "$GEN/asa-$N.log")
    # GNU time gives CPU seconds and peak RSS; fall back to bash's timer
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f '%e %U %S %M' -o "$GEN/time" \
            "$YAMORI" parse --kind asa "$GEN/asa-$N.log" > /dev/null
        read -r wall user sys rss < "$GEN/time"
        awk -v n="$N" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v b="$bytes" 'BEGIN {
            printf "%d lines (%.1f MB) in %.2f s wall, %.2f s CPU: %.0f lines/s, %.0f lines/s per CPU second, peak RSS %d KiB\n",
                n, b / 1e6, w, u + s, n / w, n / (u + s), r }'
    else
        start=$(date +%s.%N)
        "$YAMORI" parse --kind asa "$GEN/asa-$N.log" > /dev/null
        end=$(date +%s.%N)
        awk -v n="$N" -v a="$start" -v e="$end" 'BEGIN { printf "%d lines in %.2f s: %.0f lines/s\n", n, e - a, n / (e - a) }'
    fi
else
    echo "== yamori not built in $BUILD: whole-process rate skipped"
fi
