#!/usr/bin/env bash
# Issue 5, "End to end": `yamori serve` with the shipped rules and triage
# policy is fed a scenario of real-looking logs over TCP, as the devices
# would send them:
#   1. scan:     a Cisco ASA denies 198.51.100.9 on 25 ports of 10.1.1.5
#   2. exploit:  a PAN-OS firewall lets a high-severity exploit from
#                198.51.100.9 to 10.1.1.5 through (action alert)
#   3. callback: a FireEye NX sees 10.1.1.5 call 198.51.100.9 back (C2)
# It must produce ONE incident, critical or higher, promoted with its reason
# in the timeline, and the customer's mail must arrive at a real SMTP
# server (python3-aiosmtpd, tests/integration/smtp_server.py: STARTTLS and
# AUTH required, as a provider's relay would) through the notify thread.
source "$(dirname "$0")/lib.sh"

data=$T/data
syslog=$(free_port)
smtp=$(free_port)

# A python with aiosmtpd (Debian's python3-aiosmtpd lives in /usr/bin/python3).
PY=
for p in python3 /usr/bin/python3; do
    if "$p" -c 'import aiosmtpd' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || fail "python3-aiosmtpd is not installed (scripts/install-deps.sh test)"
make_certs "$T/certs"
"$PY" "$YM_SRC/tests/integration/smtp_server.py" --port "$smtp" --cert "$T/certs/server.pem" \
    --key "$T/certs/server.key" --user yamori --password 'e2e pass' --dir "$T/mail" >"$T/smtp.log" 2>&1 &
YM_PIDS+=($!)
wait_for 20 "SMTP server on $smtp" port_listening "$smtp"

printf 'e2e pass\n' >"$T/smtp.pass"
cat >"$T/yamori.yaml" <<EOF
notify:
  smtp:
    url: smtp://127.0.0.1:$smtp
    starttls: required
    username: yamori
    password_file: $T/smtp.pass
    from: soc@yamori.example
  ca_file: $T/certs/ca.pem
  retry: {first_delay_ms: 200}
tenants:
  - name: acme
    contacts:
      - {email: security@acme.example, severities: [emergency, critical]}
devices:
  - {name: edge-asa, tenant: acme, kind: asa, hostnames: [asa1]}
  - {name: edge-pa, tenant: acme, kind: panos, hostnames: [PA-220]}
  - {name: nx, tenant: acme, kind: fireeye, hostnames: [nx01]}
EOF

counter() {
    "$YAMORI" stats --data "$data" --json | python3 -c '
import json, sys
print(json.load(sys.stdin)["counters"].get(sys.argv[1], 0))' "$1"
}
counter_at_least() { [ "$(counter "$1")" -ge "$2" ]; }
send() { printf '%s\n' "$@" >"/dev/tcp/127.0.0.1/$syslog"; }

start_yamori "$data" "$T/serve.log" --config "$T/yamori.yaml" --rules "$YM_SRC/rules" \
    --syslog 127.0.0.1:$syslog --relp off --http off
wait_for 30 "syslog port $syslog" port_listening "$syslog"
wait_for 30 "banner" grep -q "running; Ctrl-C" "$T/serve.log"
grep -q "triage policy $YM_SRC/rules/triage.yaml" "$T/serve.log" || fail "banner does not name the triage policy"

# The logs carry the current time, as devices would.
asa_t() { date -u '+%b %d %Y %H:%M:%S'; }
pan_t() { date -u '+%Y/%m/%d %H:%M:%S'; }
hdr_t() { date -u '+%b %d %H:%M:%S'; }

log "1. scan: 25 denied ports"
scan=()
for p in $(seq 20 44); do
    scan+=("<164>$(asa_t) asa1 : %ASA-4-106023: Deny tcp src outside:198.51.100.9/40$p dst inside:10.1.1.5/$p by access-group \"outside_in\" [0x0, 0x0]")
done
send "${scan[@]}"
wait_for 30 "the scan detected" counter_at_least triage.detections 1

log "2. exploit let through by the PAN-OS firewall"
before=$(counter triage.detections)
t=$(pan_t)
send "<14>$(hdr_t) PA-220 1,$t,012801096514,THREAT,vulnerability,2049,$t,198.51.100.9,10.1.1.5,198.51.100.9,10.1.1.5,allow-web,,,web-browsing,vsys1,untrust,trust,ethernet1/1,ethernet1/2,send_to_mac,$t,28191,1,40111,80,40111,80,0x403000,tcp,alert,\"/struts2-showcase/index.action\",Apache Struts2 Remote Code Execution Vulnerability(33412),any,high,client-to-server,7726,0x0,United States,10.0.0.0-10.255.255.255,0,,0,,,0,,,,,,,,0,0,0,0,0,,PA-220,,,,,0,,0,,N/A,N/A,AppThreat-0-0,0x0,0,4294967295,,"
wait_for 30 "the exploit detected" counter_at_least triage.detections $((before + 1))

log "3. callback seen by FireEye"
before=$(counter triage.detections)
send "<164>$(hdr_t) nx01 LEEF:1.0|FireEye|MPS|9.0.2|malware-callback|sev=9	src=10.1.1.5	dst=198.51.100.9	dstPort=80	cncHost=c2.badexample.org	cncPort=80	sname=Backdoor.APT.Example	act=notified"
wait_for 30 "the callback detected" counter_at_least triage.detections $((before + 1))

log "one incident, critical or higher, promoted with its reason"
incidents() { "$YAMORI" incidents list --data "$data" --json >"$T/list.json"; }
one_incident() { incidents && [ "$(grep -c . "$T/list.json")" -ge 1 ]; }
wait_for 30 "an incident" one_incident
# Give triage the tick it needs to write the callback's event, then check.
wait_for 30 "the callback's event linked" counter_at_least triage.incidents_promoted 1
incidents
[ "$(grep -c . "$T/list.json")" = 1 ] || fail "expected ONE incident: $(cat "$T/list.json")"
read -r id sev src dst < <(python3 -c '
import json, sys
o = json.loads(open(sys.argv[1]).readline())
print(o["id"], o["severity"], o.get("source.ip", ""), o.get("destination.ip", ""))' "$T/list.json")
case "$sev" in emergency | critical) ;; *) fail "incident $id is $sev, not critical or higher" ;; esac
[ "$src" = 198.51.100.9 ] && [ "$dst" = 10.1.1.5 ] || fail "incident $id is $src -> $dst"
"$YAMORI" incidents show "$id" --data "$data" --json >"$T/show.json" || fail "incidents show $id"
python3 - "$T/show.json" <<'PY' || fail "no promotion with a reason in the timeline: $(cat "$T/show.json")"
import json, sys
o = json.loads(open(sys.argv[1]).readline())
promos = [t for t in o["timeline"] if t["kind"] == "promotion"]
assert promos and all(t["text"] for t in promos), promos
assert any("10.1.1.5" in t["text"] and "198.51.100.9" in t["text"] for t in promos), promos
print("promotion:", promos[0]["text"])
PY

log "the customer's mail arrives at the SMTP server"
mail_for_incident() { # an .eml to the contact, sent over TLS with AUTH, naming the target
    local env
    for env in "$T"/mail/*.env; do
        [ -f "$env" ] || continue
        grep -q "RCPT TO security@acme.example" "$env" && grep -q "TLS yes" "$env" &&
            grep -q "AUTH yes" "$env" && grep -q "10.1.1.5" "${env%.env}.eml" && return 0
    done
    return 1
}
wait_for 60 "a mail to security@acme.example about 10.1.1.5" mail_for_incident
"$YAMORI" incidents show "$id" --data "$data" --json >"$T/show.json"
grep -q '"kind":"notification"' "$T/show.json" || fail "the notification is not on the incident's timeline"
stop_yamori "$YM_PID"
log "ok: incident $id ($sev), $(ls "$T"/mail/*.eml | wc -l) mail(s) accepted"
