#!/usr/bin/env bash
# yamori serve as an operator meets it: the start banner, logs over TCP and
# UDP counted by `yamori stats`, unknown senders listed by `yamori devices
# --unknown` (and their counts adding up across a restart), SIGHUP, an
# orderly SIGTERM, and startup errors that exit non-zero with one clear line.
source "$(dirname "$0")/lib.sh"

data=$T/data
syslog=$(free_port)
relp=$(free_port)
http=$(free_port)
args=(--syslog 127.0.0.1:$syslog --relp 127.0.0.1:$relp --http 127.0.0.1:$http)

# stat_is NAME VALUE: the counter saved in state.db has this value.
stat_is() {
    "$YAMORI" stats --data "$data" --json | python3 -c '
import json, sys
c = json.load(sys.stdin)["counters"]
sys.exit(0 if c.get(sys.argv[1]) == int(sys.argv[2]) else 1)' "$1" "$2"
}

# unknown_logs HOSTNAME: logs recorded for the unknown sender with this hostname.
unknown_logs() {
    "$YAMORI" devices --data "$data" --unknown --json | python3 -c '
import json, sys
n = [json.loads(l)["logs"] for l in sys.stdin if json.loads(l).get("hostname") == sys.argv[1]]
print(n[0] if n else 0)' "$1"
}
unknown_logs_is() { [ "$(unknown_logs "$1")" = "$2" ]; }

send_tcp() { # HOSTNAME COUNT
    local i
    exec 3<>"/dev/tcp/127.0.0.1/$syslog"
    for i in $(seq 1 "$2"); do printf '<13>Nov 22 10:00:00 %s app: serve-test tcp line %d\n' "$1" "$i" >&3; done
    exec 3>&-
}
send_udp() { # HOSTNAME COUNT
    local i
    for i in $(seq 1 "$2"); do printf '<13>Nov 22 10:00:00 %s app: serve-test udp line %d' "$1" "$i" >"/dev/udp/127.0.0.1/$syslog"; done
}

log "start: data directory is created, banner says where to send logs"
start_yamori "$data" "$T/serve.log" "${args[@]}"
wait_for 30 "syslog port $syslog" port_listening "$syslog"
wait_for 10 "banner" grep -q "running; Ctrl-C" "$T/serve.log"
grep -q "data directory $data" "$T/serve.log" || fail "banner lacks the data directory"
grep -q "syslog udp+tcp 127.0.0.1:$syslog" "$T/serve.log" || fail "banner lacks the syslog listener"
grep -q "relp 127.0.0.1:$relp" "$T/serve.log" || fail "banner lacks the relp listener"
grep -q "tls off: no certificate configured (see docs/configuration.md)" "$T/serve.log" || fail "banner lacks the tls line"
grep -q "portal https://127.0.0.1:$http\|portal http://127.0.0.1:$http" "$T/serve.log" || fail "banner lacks the portal line"
[ -f "$data/state.db" ] || fail "no state.db in the data directory"

log "logs over TCP and UDP are counted and committed"
send_tcp tcphost 5
send_udp udphost 3
wait_for 30 "5 TCP logs counted" stat_is intake.received.tcp 5
wait_for 30 "3 UDP logs counted" stat_is intake.received.udp 3
wait_for 30 "8 logs committed" stat_is archive.logs_committed 8
wait_for 30 "8 logs parsed" stat_is parse.parsed 8
"$YAMORI" stats --data "$data" | grep -q "Server: running" || fail "stats does not say the server runs"
"$YAMORI" stats --data "$data" | grep -q "unassigned" || fail "stats shows no disk usage for tenant unassigned"

log "unknown senders are listed with their counts"
wait_for 30 "tcphost listed" unknown_logs_is tcphost 5
wait_for 30 "udphost listed" unknown_logs_is udphost 3
"$YAMORI" devices --data "$data" --unknown | grep -q "tcphost" || fail "devices --unknown (text) lacks tcphost"

log "startup errors exit non-zero with one line"
set +e
"$YAMORI" serve --data "$data" --syslog 127.0.0.1:$(free_port) --relp 127.0.0.1:$(free_port) --http off >"$T/second.out" 2>&1
rc=$?
set -e
[ $rc -ne 0 ] || fail "a second server on the same data directory started"
grep -q "already using data directory" "$T/second.out" || fail "second server: unclear error: $(cat "$T/second.out")"

set +e
"$YAMORI" serve --data "$T/other" --syslog 127.0.0.1:$syslog --relp 127.0.0.1:$(free_port) --http off >"$T/port.out" 2>&1
rc=$?
set -e
[ $rc -ne 0 ] || fail "a server on a port in use started"
grep -q "$syslog" "$T/port.out" || fail "port in use: the error does not name the port: $(cat "$T/port.out")"

printf 'listen:\n  syslog: 127.0.0.1:5514\nretension_days: 3\n' >"$T/bad.yaml"
set +e
"$YAMORI" serve --config "$T/bad.yaml" --data "$T/other" >"$T/bad.out" 2>&1
rc=$?
set -e
[ $rc -eq 1 ] || fail "bad config: exit $rc, expected 1"
grep -q "bad.yaml:3: unknown key 'retension_days'" "$T/bad.out" || fail "bad config: $(cat "$T/bad.out")"

set +e
"$YAMORI" serve --syslog nonsense >"$T/usage.out" 2>&1
rc=$?
set -e
[ $rc -eq 2 ] || fail "bad --syslog: exit $rc, expected 2"

log "SIGHUP without a config file is reported, the server keeps running"
kill -HUP "$YM_PID"
wait_for 10 "reload logged" grep -q "SIGHUP" "$T/serve.log"
kill -0 "$YM_PID" || fail "SIGHUP stopped the server"

log "SIGTERM: orderly stop, exit 0, final counters saved"
kill -TERM "$YM_PID"
set +e
wait "$YM_PID"
rc=$?
set -e
[ $rc -eq 0 ] || fail "serve exited $rc after SIGTERM"
grep -q "serve: stopped; 8 logs committed" "$T/serve.log" || fail "no clean stop line"
stat_is serve.running 0 || fail "state.db still says running"
"$YAMORI" stats --data "$data" | grep -q "Server: not running" || fail "stats does not see the stop"

log "restart: unknown-sender counts add up across runs"
start_yamori "$data" "$T/serve.log" "${args[@]}"
wait_for 30 "syslog port after restart" port_listening "$syslog"
send_tcp tcphost 2
wait_for 30 "tcphost count 7 after restart" unknown_logs_is tcphost 7
stop_yamori "$YM_PID"
log "ok"
