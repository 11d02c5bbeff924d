#!/usr/bin/env bash
# `make run`: starts yamori serve on its embedded defaults (no config file
# needed) in the foreground; the server prints where to send logs and where
# to look. Stop it with Ctrl-C.
set -euo pipefail
bin=${1:?yamori binary}
data=${2:-var}
mkdir -p "$data"
args=(serve --data "$data")
[ -f yamori.yaml ] && args+=(--config yamori.yaml)
# DEMO=0 leaves out the demo traffic generator (docs/portal.md, "Demo").
[ "${DEMO:-1}" = 0 ] || args+=(--demo)
echo "make run: starting $bin ${args[*]}"
echo "make run: find logs with: $bin search --data $data 'QUERY'   (see docs/search.md)"
exec "$bin" "${args[@]}"
