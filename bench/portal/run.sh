#!/usr/bin/env bash
# bench/portal: the dashboard's API calls (summary, minutes, devices, open
# incidents, events, days, me; dashboard.lua) with wrk (Debian) at 100
# concurrent HTTPS connections for DURATION seconds, while a bounded
# generator (feed.py) sends Cisco-ASA-like logs at RATE lines/s into the
# same `yamori serve` over TCP. Prints requests/s, p50/p90/p99 latency, the
# ingest rate reached and the logs committed. Target: p99 < 50 ms at
# 50,000 logs/s. Everything runs on this machine (wrk, the generator and
# yamori share its cores). Every wait is bounded; daemons are stopped by PID.
# Usage: bench/portal/run.sh [YAMORI_BINARY]   env: RATE=50000 DURATION=30 CONNS=100
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
YAMORI=${1:-$repo/build/yamori}
YAMORI=$(cd "$(dirname "$YAMORI")" && pwd)/$(basename "$YAMORI")
SHARED=${YM_SHARED:-$repo/../shared}
RATE=${RATE:-50000}
DURATION=${DURATION:-30}
CONNS=${CONNS:-100}
T=$(mktemp -d /tmp/yamori-bench-portal.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill -TERM "$p" 2>/dev/null || true; done; sleep 1
            for p in "${pids[@]:-}"; do kill -KILL "$p" 2>/dev/null || true; done; rm -rf "$T"; }
trap cleanup EXIT
command -v wrk >/dev/null || { echo "bench/portal needs wrk (apt-get install wrk)"; exit 1; }

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
syslog=$(port)
http=$(port)
input=/tmp/yamori-bench-asa-200000.log
[ -s "$input" ] || python3 "$SHARED/bench/peers/gen_asa.py" 200000 "$input" 42

cat >"$T/yamori.yaml" <<EOF
tenants:
  - name: acme
  - name: globex
devices:
  - {name: fw01, tenant: acme, kind: asa, hostnames: [fw01]}
  - {name: fw02, tenant: acme, kind: asa, hostnames: [fw02]}
  - {name: asa-edge-1, tenant: globex, kind: asa, hostnames: [asa-edge-1]}
  - {name: asa-dc-2, tenant: globex, kind: asa, hostnames: [asa-dc-2]}
EOF
"$YAMORI" serve --config "$T/yamori.yaml" --data "$T/data" --syslog "127.0.0.1:$syslog" --relp off \
    --http "127.0.0.1:$http" >"$T/serve.log" 2>&1 &
ym=$!; pids+=($ym)
for _ in $(seq 1 300); do ss -Htln "sport = :$http" | grep -q . && break; sleep 0.1; done
ss -Htln "sport = :$http" | grep -q . || { cat "$T/serve.log"; echo "the portal did not listen"; exit 1; }
printf 'bench-password-1\n' | "$YAMORI" user add bench --role analyst --password-stdin \
    --config "$T/yamori.yaml" --data "$T/data" >/dev/null
cookie=$(python3 - "$http" <<'PY'
import http.client, json, ssl, sys
c = http.client.HTTPSConnection("127.0.0.1", int(sys.argv[1]), context=ssl._create_unverified_context())
c.request("POST", "/api/v1/login", json.dumps({"user": "bench", "password": "bench-password-1"}),
          {"Content-Type": "application/json"})
r = c.getresponse(); r.read()
print(r.getheader("Set-Cookie").split(";")[0])
PY
)

# A minute of logs first, so that the counts the dashboard reads are not empty.
python3 "$here/feed.py" 127.0.0.1 "$syslog" "$input" "$RATE" 5 >/dev/null
python3 "$here/feed.py" 127.0.0.1 "$syslog" "$input" "$RATE" "$((DURATION + 4))" >"$T/feed.out" &
feed=$!; pids+=($feed)
sleep 2
YM_COOKIE=$cookie wrk -t2 -c"$CONNS" -d"${DURATION}s" --timeout 10s --latency \
    -s "$here/dashboard.lua" "https://127.0.0.1:$http" >"$T/wrk.out" 2>&1
wait $feed
read -r sent feed_rate <"$T/feed.out"
committed=$("$YAMORI" stats --data "$T/data" --json | python3 -c '
import json, sys; print(json.load(sys.stdin)["counters"].get("archive.logs_committed", 0))')

pct() { awk -v p="$1" '$1 == p {print $2}' "$T/wrk.out"; }
rps=$(awk '/^Requests\/sec/ {print $2}' "$T/wrk.out")
non2xx=$(awk '/^non_2xx/ {print $2}' "$T/wrk.out")
printf '\nbench/portal: wrk -c%d for %ds on the dashboard API (HTTPS, cookie session) while\n' "$CONNS" "$DURATION"
printf 'logs are sent at %d/s, %s\n' "$RATE" "$(date -u +%FT%TZ)"
printf '%-14s %s\n' requests/s "$rps" p50 "$(pct 50%)" p90 "$(pct 90%)" p99 "$(pct 99%)" non-2xx "${non2xx:-?}"
printf '%-14s %s (%s lines/s reached by the generator)\n' "logs sent" "$sent" "$feed_rate"
printf '%-14s %s\n' "logs committed" "$committed"
printf 'target: p99 < 50 ms at 50000 logs/s\n'
grep -E "Socket errors|Non-2xx" "$T/wrk.out" || true
