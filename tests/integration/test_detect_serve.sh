#!/usr/bin/env bash
# yamori serve runs the detection rules: real-looking Cisco ASA and PAN-OS
# logs sent over TCP fire the rules of the shipped pack, exactly as
# `yamori rules test` says they do; `yamori stats` shows the detections and
# the rule set; a broken rule file at startup is reported with file, line
# and reason while the other rules keep running; with triage in the build,
# the detections become incidents (`yamori incidents list --json`); a
# threat-intel list makes a connection to a listed address a detection, and
# SIGHUP reloads the list.
source "$(dirname "$0")/lib.sh"

data=$T/data
syslog=$(free_port)
args=(--syslog 127.0.0.1:$syslog --relp off)

printf '# bad hosts\n198.51.100.66\n' >"$T/ti.txt"
cat >"$T/yamori.yaml" <<EOF
rules:
  threat_intel:
    - {name: test-feed, path: $T/ti.txt, confidence: 90}
tenants:
  - name: acme
devices:
  - {name: asa1, tenant: acme, kind: asa, hostnames: [asa1]}
  - {name: pa1, tenant: acme, kind: panos, hostnames: [PA-220]}
EOF

# Two IP-audit attack signatures and one plain connection from an ASA, one
# critical vulnerability threat (allowed) from a PAN-OS firewall.
cat >"$T/asa.log" <<'EOF'
<164>Nov 22 2026 10:00:00 asa1 : %ASA-4-400025: IPS:2151 Large ICMP packet from 203.0.113.7 to 10.1.1.20 on interface outside
<164>Nov 22 2026 10:00:01 asa1 : %ASA-4-400032: IPS:3040 TCP NULL flags from 203.0.113.7 to 10.1.1.20 on interface outside
<166>Nov 22 2026 10:00:02 asa1 : %ASA-6-302013: Built inbound TCP connection 1234 for outside:203.0.113.7/5555 (203.0.113.7/5555) to inside:10.1.1.20/443 (10.1.1.20/443)
EOF
cat >"$T/pan.log" <<'EOF'
<14>Nov 22 10:00:05 PA-220 1,2026/11/22 10:00:05,012801096514,THREAT,vulnerability,2049,2026/11/22 10:00:05,203.0.113.7,10.1.1.20,203.0.113.7,10.1.1.20,allow-web,,,web-browsing,vsys1,untrust,trust,ethernet1/1,ethernet1/2,send_to_mac,2026/11/22 10:00:05,28191,1,52984,80,37679,80,0x403000,tcp,alert,"/cgi-bin/x",Apache Struts2 Remote Code Execution Vulnerability(33412),any,critical,client-to-server,7726,0x0,United States,10.0.0.0-10.255.255.255,0,,0,,,0,,,,,,,,0,0,0,0,0,,PA-220,,,,,0,,0,,N/A,N/A,AppThreat-0-0,0x0,0,4294967295,,
EOF

counter() { # NAME: the counter saved in state.db (0 when absent)
    "$YAMORI" stats --data "$data" --json | python3 -c '
import json, sys
print(json.load(sys.stdin)["counters"].get(sys.argv[1], 0))' "$1"
}
counter_is() { [ "$(counter "$1")" = "$2" ]; }
send() { # FILE...
    cat "$@" >"/dev/tcp/127.0.0.1/$syslog"
}
# rules test counts the same logs with the same rules (the oracle).
expected_asa=$("$YAMORI" rules test "$YM_SRC/rules" "$T/asa.log" --kind asa --json 2>/dev/null | grep -c '"rule"')
expected_pan=$("$YAMORI" rules test "$YM_SRC/rules" "$T/pan.log" --kind panos --json 2>/dev/null | grep -c '"rule"')
[ "$expected_asa" = 2 ] || fail "rules test: the two ASA IP-audit logs should fire 2 detections, got $expected_asa"
[ "$expected_pan" = 1 ] || fail "rules test: the PAN-OS critical threat should fire 1 detection, got $expected_pan"
expected=$((expected_asa + expected_pan))

log "start with the shipped rule pack: the banner says where the rules come from"
start_yamori "$data" "$T/serve.log" --config "$T/yamori.yaml" --rules "$YM_SRC/rules" "${args[@]}"
wait_for 30 "syslog port $syslog" port_listening "$syslog"
wait_for 30 "banner" grep -q "running; Ctrl-C" "$T/serve.log"
grep -Eq "rules from .*/rules \(--rules\): [0-9]+ active, 0 inactive, 0 unsupported, 0 in error" "$T/serve.log" ||
    fail "banner does not describe the rule set: $(grep rules "$T/serve.log")"
[ "$(cat "$data/serve.pid")" = "$YM_PID" ] || fail "serve.pid does not hold the server's pid"
wait_for 10 "counters saved" counter_is detect.enabled 1
active=$(counter detect.rules_active)
[ "$active" -ge 40 ] || fail "only $active rules active (the pack has more than 40)"

log "ASA and PAN-OS logs over TCP fire the rules yamori rules test names"
send "$T/asa.log" "$T/pan.log"
wait_for 30 "4 logs parsed" counter_is parse.parsed 4
wait_for 30 "$expected detections" counter_is detect.detections "$expected"
counter_is detect.detections_lost 0 || fail "detections were lost"
counter_is detect.unmatched_logs 0 || fail "logs were not matched"
"$YAMORI" stats --data "$data" | grep -Eq "^Detection: +detections $expected +lost 0 +rules active $active" ||
    fail "yamori stats does not show the detections: $("$YAMORI" stats --data "$data" | grep Detection)"

if "$YAMORI" incidents --help >/dev/null 2>&1; then
    log "triage turns the detections into an incident"
    has_incident() {
        "$YAMORI" incidents list --data "$data" --json | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
sys.exit(0 if any(r.get("tenant") == "acme" and r.get("source.ip") == "203.0.113.7" for r in rows) else 1)'
    }
    wait_for 30 "an incident of tenant acme from 203.0.113.7" has_incident
fi

log "threat intel: a connection to a listed address is a detection; SIGHUP reloads the list"
callback() { # DESTINATION: an inside host connects out to it
    send_line "<166>Nov 22 2026 10:01:00 asa1 : %ASA-6-302013: Built outbound TCP connection 77 for outside:$1/443 ($1/443) to inside:10.1.1.20/51000 (10.1.1.20/51000)"
}
send_line() { printf '%s\n' "$1" >"/dev/tcp/127.0.0.1/$syslog"; }
grep -q "threat intel: 1 list, 1 indicator " "$T/serve.log" || fail "banner does not show the list: $(grep -i threat "$T/serve.log")"
callback 198.51.100.66
wait_for 30 "a threat-intel detection" counter_is detect.detections $((expected + 1))
counter_is detect.ti_logs 1 || fail "detect.ti_logs is not 1"
callback 198.51.100.77
wait_for 30 "6 logs parsed" counter_is parse.parsed 6
counter_is detect.detections $((expected + 1)) || fail "an unlisted address was detected"
echo 198.51.100.77 >>"$T/ti.txt"
kill -HUP "$YM_PID"
wait_for 30 "reload handled" counter_is detect.reloads 1
counter_is detect.ti_indicators 2 || fail "the list was not reloaded: $(counter detect.ti_indicators) indicators"
callback 198.51.100.77
wait_for 30 "the newly listed address detected" counter_is detect.detections $((expected + 2))

log "orderly stop removes serve.pid"
stop_yamori "$YM_PID"
[ ! -e "$data/serve.pid" ] || fail "serve.pid left behind after a clean stop"

log "a broken rule file at start: reported with file, line and reason; the other rules run"
mkdir -p "$T/rules"
cp -r "$YM_SRC/rules/." "$T/rules/"
printf 'title: half written\nid: 7d0c5a52-0000-4000-8000-000000000001\nlogsource:\n  product: cisco\ndetection:\n  selection:\n    event.code: [400025\n' \
    >"$T/rules/zz_broken.yml"
rm -rf "$data"
start_yamori "$data" "$T/serve2.log" --config "$T/yamori.yaml" --rules "$T/rules" "${args[@]}"
wait_for 30 "syslog port $syslog" port_listening "$syslog"
wait_for 30 "banner" grep -q "running; Ctrl-C" "$T/serve2.log"
grep -Eq "rules: $T/rules/zz_broken.yml:[0-9]+: error: .+" "$T/serve2.log" ||
    fail "the broken rule is not reported with file, line and reason: $(grep -i rules "$T/serve2.log")"
grep -Eq "rules from $T/rules \(--rules\): $active active, .* 1 in error" "$T/serve2.log" ||
    fail "the banner does not show $active rules running and 1 in error: $(grep 'rules from' "$T/serve2.log")"
send "$T/asa.log" "$T/pan.log"
wait_for 30 "$expected detections with a broken file beside the rules" counter_is detect.detections "$expected"
counter_is detect.rule_errors 1 || fail "detect.rule_errors is not 1"
stop_yamori "$YM_PID"

log "a rule set that cannot be built at all stops the start with the reason"
printf 'kinds: [asa\n' >"$T/rules/logsources.yaml"
if "$YAMORI" serve --data "$T/data3" --config "$T/yamori.yaml" --rules "$T/rules" "${args[@]}" >"$T/serve3.log" 2>&1; then
    fail "serve started with an unreadable logsource mapping"
fi
grep -q "cannot be compiled" "$T/serve3.log" || fail "no reason given: $(cat "$T/serve3.log")"
log "ok"
