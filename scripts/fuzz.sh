#!/usr/bin/env bash
# Runs every libFuzzer target of a -DYM_FUZZ=ON build for SECONDS each,
# seeded from tests/fuzz/corpus/<module>/. New crashes are written to
# tests/fuzz/artifacts/; copy each (after the fix) into the module's corpus
# so that `make test` replays it.
set -uo pipefail
build=${1:?build dir}
seconds=${2:-600}
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$here/tests/fuzz/artifacts"
status=0
for bin in "$build"/fuzz_*; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin")
    module=${name#fuzz_}
    corpus="$here/tests/fuzz/corpus/$module"
    work=$(mktemp -d)
    [ -d "$corpus" ] && cp -r "$corpus"/. "$work"/ 2>/dev/null
    echo "== $name for ${seconds}s"
    if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$here/tests/fuzz/artifacts/$module-" "$work" 2>"$work.log"; then
        grep -E '^(#[0-9]+.*DONE|Done)' "$work.log" | tail -1
        echo "$name: no crash"
    else
        tail -40 "$work.log"
        echo "$name: CRASH (see tests/fuzz/artifacts/)"
        status=1
    fi
    rm -rf "$work" "$work.log"
done
exit $status
