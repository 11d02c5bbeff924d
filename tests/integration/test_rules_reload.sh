#!/usr/bin/env bash
# Issue 4, "reload under load loses nothing": while a paced stream of ASA
# logs flows into yamori serve (every 10th one an IP-audit attack signature
# that fires exactly one rule of the pack), the rules are reloaded several
# times, by `yamori rules reload` and by SIGHUP, and once a broken rule file
# is put beside them: `yamori rules reload` refuses it without signalling,
# and a SIGHUP sent anyway leaves the running set in place (the server says
# why). A broken triage policy does not stop the rules from reloading, and
# `yamori rules reload` says so. At the end the number of detections equals
# the number of attack logs exactly, and the generation counts the reloads
# that took.
source "$(dirname "$0")/lib.sh"

data=$T/data
syslog=$(free_port)
N=${YM_RELOAD_LOGS:-600000} # at most; the load stops when the reloads are done
RATE=${YM_RELOAD_RATE:-2000}

mkdir -p "$T/rules"
cp -r "$YM_SRC/rules/." "$T/rules/"
cat >"$T/yamori.yaml" <<EOF
tenants:
  - name: acme
devices:
  - {name: asa1, tenant: acme, kind: asa, hostnames: [asa1]}
EOF

counter() {
    "$YAMORI" stats --data "$data" --json | python3 -c '
import json, sys
print(json.load(sys.stdin)["counters"].get(sys.argv[1], 0))' "$1"
}
counter_is() { [ "$(counter "$1")" = "$2" ]; }

# The attack line fires exactly one rule of the pack for an ASA.
attack='<164>Nov 22 2026 10:00:00 asa1 : %ASA-4-400025: IPS:2151 Large ICMP packet from 203.0.113.7 to 10.1.1.20 on interface outside'
printf '%s\n' "$attack" >"$T/one.log"
n1=$("$YAMORI" rules test "$T/rules" "$T/one.log" --kind asa --json 2>/dev/null | grep -c '"rule"')
[ "$n1" = 1 ] || fail "the attack line should fire 1 rule for an ASA, fires $n1"

start_yamori "$data" "$T/serve.log" --config "$T/yamori.yaml" --rules "$T/rules" \
    --syslog 127.0.0.1:$syslog --relp off --stats-every 100
wait_for 30 "syslog port $syslog" port_listening "$syslog"
wait_for 30 "banner" grep -q "running; Ctrl-C" "$T/serve.log"
wait_for 10 "counters saved" counter_is detect.enabled 1

log "paced load at $RATE logs/s, every 10th an attack, until the reloads are done"
python3 - "$syslog" "$N" "$RATE" "$T/stop" >"$T/sender.out" 2>&1 <<'PY' &
import os, socket, sys, time
port, n, rate, stop = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
s = socket.create_connection(("127.0.0.1", port))
attacks, t0, chunk = 0, time.monotonic(), max(1, rate // 20)
sent = 0
for start in range(0, n, chunk):
    if os.path.exists(stop):
        break
    lines = []
    for i in range(start, min(n, start + chunk)):
        if i % 10 == 9:
            attacks += 1
            lines.append("<164>Nov 22 2026 10:00:00 asa1 : %%ASA-4-400025: IPS:2151 Large ICMP packet "
                         "from 203.0.113.%d to 10.1.1.%d on interface outside\n" % (i % 250 + 1, i % 200 + 1))
        else:
            lines.append("<166>Nov 22 2026 10:00:00 asa1 : %%ASA-6-302013: Built inbound TCP connection %d "
                         "for outside:198.51.100.%d/%d (198.51.100.%d/%d) to inside:10.1.2.%d/443 "
                         "(10.1.2.%d/443)\n" % (i, i % 250 + 1, 1024 + i % 60000, i % 250 + 1,
                                                1024 + i % 60000, i % 200 + 1, i % 200 + 1))
    s.sendall("".join(lines).encode())
    sent += len(lines)
    ahead = (start + chunk) / rate - (time.monotonic() - t0)
    if ahead > 0:
        time.sleep(ahead)
s.close()
print(sent, attacks)
PY
sender=$!

reloads=0 # reloads the server has handled
ok=0      # ... that took
hup() { # SIGHUP and wait until the server has handled it
    kill -HUP "$YM_PID"
    reloads=$((reloads + 1))
    wait_for 60 "reload $reloads handled" counter_is detect.reloads "$reloads"
}

log "yamori rules reload, twice"
for _ in 1 2; do
    "$YAMORI" rules reload --data "$data" >"$T/reload.out" 2>&1 || fail "rules reload failed: $(cat "$T/reload.out")"
    reloads=$((reloads + 1)); ok=$((ok + 1))
    grep -q "reloaded: generation $ok" "$T/reload.out" || fail "rules reload did not report generation $ok: $(cat "$T/reload.out")"
done

log "SIGHUP"
hup; ok=$((ok + 1))
counter_is detect.reload_failed 0 || fail "a good SIGHUP reload was refused"

log "a broken rule file: rules reload refuses it without signalling; a SIGHUP leaves the old set"
printf 'title: half written\nid: 7d0c5a52-0000-4000-8000-000000000002\nlogsource:\n  product: cisco\ndetection:\n  selection:\n    event.code: [400025\n' \
    >"$T/rules/zz_broken.yml"
if "$YAMORI" rules reload --data "$data" >"$T/reload.out" 2>&1; then
    fail "rules reload accepted a broken rule file"
fi
grep -Eq "zz_broken.yml:[0-9]+: error: " "$T/reload.out" || fail "rules reload did not say which file and line: $(cat "$T/reload.out")"
grep -q "nothing was sent" "$T/reload.out" || fail "rules reload did not say the server was left alone"
counter_is detect.reloads "$reloads" || fail "the server was signalled for a broken set"
hup
counter_is detect.reload_failed 1 || fail "the server took a set with a broken rule file"
counter_is detect.generation "$ok" || fail "the generation moved on a refused reload"
grep -Eq "rules not reloaded: .*zz_broken.yml" "$T/serve.log" || fail "the server log does not say why the reload was refused"

log "fixed again: SIGHUP and rules reload take"
rm "$T/rules/zz_broken.yml"
hup; ok=$((ok + 1))
counter_is detect.reload_failed 0 || fail "the fixed set was refused"
"$YAMORI" rules reload --data "$data" >"$T/reload.out" 2>&1 || fail "rules reload failed: $(cat "$T/reload.out")"
reloads=$((reloads + 1)); ok=$((ok + 1))

log "a broken triage policy: the rules still reload, rules reload says the policy did not"
cp "$T/rules/triage.yaml" "$T/triage.yaml.good"
printf 'events:\n  window: soon\n' >"$T/rules/triage.yaml"
if "$YAMORI" rules reload --data "$data" >"$T/reload.out" 2>&1; then
    fail "rules reload said all went well with a broken triage policy"
fi
reloads=$((reloads + 1)); ok=$((ok + 1))
grep -q "the rules were reloaded (generation $ok" "$T/reload.out" || fail "rules reload outcome: $(cat "$T/reload.out")"
grep -q "triage policy not reloaded" "$T/serve.log" || fail "the server log does not say the policy was refused"
cp "$T/triage.yaml.good" "$T/rules/triage.yaml"
hup; ok=$((ok + 1))
counter_is detect.reload_failed 0 || fail "the restored policy was refused"

kill -0 "$sender" 2>/dev/null || fail "the load ended before the reloads did (raise YM_RELOAD_LOGS)"
touch "$T/stop"
wait "$sender" || fail "sender failed: $(cat "$T/sender.out")"
read -r total attacks < <(tail -1 "$T/sender.out")
[ "$attacks" = $((total / 10)) ] || fail "sender sent $attacks attacks in $total logs"
log "every log matched by exactly one set: $total logs, $attacks detections expected"
wait_for 120 "$total logs parsed" counter_is parse.parsed "$total"
wait_for 30 "detections counted" counter_is detect.detections "$attacks"
counter_is detect.detections_lost 0 || fail "detections were lost"
counter_is detect.unmatched_logs 0 || fail "logs were not matched"
counter_is detect.generation "$ok" || fail "generation $(counter detect.generation), expected $ok"
counter_is detect.reload_failures 2 || fail "reload failures $(counter detect.reload_failures), expected 2"
stop_yamori "$YM_PID"
log "ok: $total logs, $attacks detections, $reloads reloads ($ok took, 1 refused, 1 without its policy)"
