#!/usr/bin/env bash
# yamori serve --demo: the tenant "demo" and its four devices exist, their
# generated logs go through the real syslog listener into the archive (every
# one read fully by its device's decoder), and
# the first attack scenario opens incidents of the shipped rules; without
# a syslog listener the demo says why and the server runs on without it.
source "$(dirname "$0")/lib.sh"

data=$T/data
syslog=$(free_port)
args=(--syslog "127.0.0.1:$syslog" --relp off --http off --rules "$YM_SRC/rules" --demo)
start_yamori "$data" "$T/serve.log" "${args[@]}"
wait_for 60 "banner" grep -q "running; Ctrl-C" "$T/serve.log"
grep -q "demo: sending ~100 logs/s for tenant 'demo'" "$T/serve.log" || fail "no demo start line"

devices_seen() { # the latest 3000 archived logs of tenant demo come from the three chatty devices
    "$YAMORI" search --data "$data" --tenant demo --limit 3000 --json '*' 2>/dev/null | python3 -c '
import json, sys
seen = {json.loads(l)["device"] for l in sys.stdin if l.strip()}
sys.exit(0 if {"demo-asa", "demo-pa", "demo-nx"} <= seen else 1)'
}
wait_for 60 "logs from demo-asa, demo-pa and demo-nx" devices_seen

incident() { "$YAMORI" incidents list --data "$data" 2>/dev/null | grep -q "demo .*$1"; }
log "waiting for the first attack scenario (20 s after start)"
wait_for 120 "an incident 'NSP high-severity attack not blocked'" incident "NSP high-severity attack not blocked"
# the callback's detections join the incident of the same hosts (triage)
event() { "$YAMORI" incidents events --data "$data" --tenant demo --all 2>/dev/null | grep -q "$1"; }
wait_for 60 "an event 'FireEye malware callback'" event "FireEye malware callback"
wait_for 30 "an event 'Network sweep'" event "Network sweep"
grep -q "demo: attack scenario 1:" "$T/serve.log" || fail "the scenario was not logged"
if "$YAMORI" incidents list --data "$data" 2>/dev/null | awk 'NR > 1 && $2 != "demo"' | grep -q .; then
    fail "incidents outside tenant demo: $("$YAMORI" incidents list --data "$data")"
fi
stop_yamori "$YM_PID"
grep -q "serve: stopped" "$T/serve.log" || fail "serve did not stop cleanly with the demo running"
# every generated log is one its device's decoder reads fully
"$YAMORI" stats --data "$data" --json | python3 -c '
import json, sys
c = json.load(sys.stdin)["counters"]
bad = {k: c.get(k) for k in ("parse.parse_errors", "parse.unparsed", "intake.framing_errors")}
ok = c.get("parse.parsed", 0) > 1000 and not any(bad.values())
sys.exit(0 if ok else "parsed %s, %s" % (c.get("parse.parsed"), bad))' || fail "demo logs not all parsed (above)"

log "--demo without a syslog listener: said, and the server runs on"
start_yamori "$T/data2" "$T/serve2.log" --syslog off --relp off --http off --rules "$YM_SRC/rules" --demo
wait_for 60 "banner" grep -q "running; Ctrl-C" "$T/serve2.log"
grep -q "demo: --demo sends its logs to the syslog listener, which is off" "$T/serve2.log" ||
    fail "no clear message: $(tail -3 "$T/serve2.log")"
stop_yamori "$YM_PID"
log "ok"
