#!/bin/bash
# Builds bench_detect against an optimised (no sanitizer) build of the
# stage libraries and runs it (generated rule sets, then the shipped pack).
# Usage: bench/detect/run.sh [ITERATIONS]
# Env: BUILD (default build-bench), the CMake build directory to use.
set -e
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${BUILD:-$src/build-bench}
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DYM_SANITIZE=OFF >/dev/null
cmake --build "$build" --target ym_detect ym_parse ym_enrich ym_core -j2 >/dev/null
cc -std=c11 -D_GNU_SOURCE -O2 -I"$src/src" "$here/bench_detect.c" -o "$build/bench_detect" \
    "$build/libym_detect.a" "$build/libym_enrich.a" "$build/libym_parse.a" "$build/libym_core.a" \
    $(pkg-config --libs libhs libpcre2-8 yaml-0.1 jansson) -lstdc++ -lm -lpthread
exec "$build/bench_detect" "${1:-300000}" "$src/rules"
