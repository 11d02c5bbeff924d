#!/usr/bin/env bash
# The analyst's incident commands on incidents made the real way: log files
# replayed through parse, rules and triage (yamori triage replay) into a
# state store, then listed, shown and worked with yamori incidents,
# suppress and tune. Scenarios: a web attack answered 200 (critical at
# once), and on an ASA a port scan, an IPS exploit let through and the
# target calling the attacker back 3 minutes later (one incident, promoted
# to critical with the reason in its timeline).
source "$(dirname "$0")/lib.sh"

data=$T/data
rules=$YM_SRC/rules
run() { "$YAMORI" "$@" --data "$data"; }
json_get() { # FILE PYTHON-EXPR over the objects of FILE (one per line) as `objs`
    python3 -c 'import json,sys; objs=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]; print(eval(sys.argv[2]))' "$1" "$2"
}

cat >"$T/web.log" <<'LOGS'
{"@timestamp":"2026-11-20T09:00:00Z","source":{"ip":"203.0.113.9"},"destination":{"ip":"10.0.0.5"},"url":{"original":"/index.html"},"http":{"response":{"status_code":200}}}
{"@timestamp":"2026-11-20T09:00:01Z","source":{"ip":"203.0.113.9"},"destination":{"ip":"10.0.0.5"},"url":{"original":"/item?id=1%20UNION%20SELECT%20pass%20FROM%20users"},"http":{"response":{"status_code":200}}}
{"@timestamp":"2026-11-20T09:00:02Z","source":{"ip":"203.0.113.9"},"destination":{"ip":"10.0.0.5"},"url":{"original":"/item?id=2%20UNION%20SELECT%20pass%20FROM%20users"},"http":{"response":{"status_code":200}}}
{"@timestamp":"2026-11-20T09:00:03Z","source":{"ip":"198.51.100.4"},"destination":{"ip":"10.0.0.5"},"url":{"original":"/../../etc/passwd"},"http":{"response":{"status_code":404}}}
LOGS
{
    for p in $(seq 20 44); do
        printf '<166>Nov 20 2026 10:00:%02d fw-edge-1 : %%ASA-4-106023: Deny tcp src outside:198.51.100.9/40000 dst inside:10.1.1.5/%d by access-group "outside_in" [0x0, 0x0]\n' $((p - 20)) "$p"
    done
    printf '<166>Nov 20 2026 10:01:00 fw-edge-1 : %%ASA-4-400032: IPS:4051 UDP Snork attack from 198.51.100.9 to 10.1.1.5 on interface outside\n'
    printf '<166>Nov 20 2026 10:04:00 fw-edge-1 : %%ASA-6-302013: Built outbound TCP connection 123 for outside:198.51.100.9/4444 (198.51.100.9/4444) to inside:10.1.1.5/51000 (10.1.1.5/51000)\n'
} >"$T/asa.log"

log "replay: web logs for tenant shop, ASA logs for tenant acme"
run triage replay "$T/web.log" --kind json --tenant shop --device web1 --rules "$rules" \
    >"$T/replay1.out" 2>"$T/replay1.err" || fail "replay web: $(cat "$T/replay1.err")"
grep -q '^4 logs, 3 detections (0 muted), 2 events, 1 incident' "$T/replay1.out" ||
    fail "web replay summary: $(cat "$T/replay1.out")"
run triage replay "$T/asa.log" --kind asa --tenant acme --device fw-edge-1 --rules "$rules" \
    >"$T/replay2.out" 2>"$T/replay2.err" || fail "replay asa: $(cat "$T/replay2.err")"
grep -q ' 1 incident (1 promoted)' "$T/replay2.out" || fail "asa replay summary: $(cat "$T/replay2.out")"

log "list --json: one object per incident with the issue's fields"
run incidents list --json >"$T/list.json" 2>"$T/list.err" || fail "list: $(cat "$T/list.err")"
[ "$(wc -l <"$T/list.json")" = 2 ] || fail "expected 2 incidents: $(cat "$T/list.json")"
[ "$(json_get "$T/list.json" 'sorted(o["tenant"] for o in objs)')" = "['acme', 'shop']" ] ||
    fail "tenants: $(cat "$T/list.json")"
[ "$(json_get "$T/list.json" 'all(set(o) >= {"id","tenant","severity","status","title","created","source.ip","destination.ip"} for o in objs)')" = True ] ||
    fail "missing fields: $(cat "$T/list.json")"
shop=$(json_get "$T/list.json" '[o["id"] for o in objs if o["tenant"]=="shop"][0]')
acme=$(json_get "$T/list.json" '[o["id"] for o in objs if o["tenant"]=="acme"][0]')
[ "$(json_get "$T/list.json" '[(o["severity"],o["status"],o["source.ip"],o["source"]["ip"],o["destination"]["ip"]) for o in objs if o["tenant"]=="shop"][0]')" = \
  "('critical', 'new', '203.0.113.9', '203.0.113.9', '10.0.0.5')" ] || fail "shop incident: $(cat "$T/list.json")"
[ "$(json_get "$T/list.json" '[o["created"] for o in objs if o["tenant"]=="shop"][0]')" = "2026-11-20T09:00:01.000Z" ] ||
    fail "created is the RFC 3339 time of the detection"
run incidents list --tenant acme --severity critical,emergency >"$T/list.txt" || fail "list text"
grep -q "ASA IP audit: attack signature: 198.51.100.9 -> 10.1.1.5" "$T/list.txt" || fail "text list: $(cat "$T/list.txt")"

log "show --json: the promoted ASA incident with its reason, its events and the scan left as an event"
run incidents show "$acme" --json >"$T/show.json" || fail "show"
[ "$(json_get "$T/show.json" 'objs[0]["severity"]')" = critical ] || fail "acme severity: $(cat "$T/show.json")"
[ "$(json_get "$T/show.json" '[t["kind"] for t in objs[0]["timeline"]]')" = "['detection', 'promotion', 'detection']" ] ||
    fail "timeline kinds: $(cat "$T/show.json")"
json_get "$T/show.json" '[t["text"] for t in objs[0]["timeline"] if t["kind"]=="promotion"][0]' |
    grep -q "promoted warning to critical: 10.1.1.5 connected to 198.51.100.9 3 min after" ||
    fail "promotion reason: $(cat "$T/show.json")"
[ "$(json_get "$T/show.json" 'all({"time","kind","text"} <= set(t) for t in objs[0]["timeline"])')" = True ] ||
    fail "timeline entries need time, kind, text"
[ "$(json_get "$T/show.json" 'len(objs[0]["events"])')" = 2 ] || fail "linked events"
run incidents events --tenant acme --json >"$T/events.json" || fail "events"
json_get "$T/events.json" '[(o["title"],o["severity"],o.get("incident_id")) for o in objs]' | grep -q "'Port scan: one source denied on many ports of one host', 'warning', None" ||
    fail "the blocked scan stays a warning event: $(cat "$T/events.json")"

log "the life cycle: refused moves give a reason and exit 1"
run incidents ack "$shop" --as alice >"$T/ack.out" || fail "ack"
out=$(run incidents ack "$shop" --as alice 2>&1) && fail "second ack accepted"
echo "$out" | grep -q "the incident is already acknowledged" || fail "ack reason: $out"
out=$(run incidents status "$shop" resolved --as alice 2>&1) && fail "resolved without resolution"
echo "$out" | grep -q "resolved needs a resolution" || fail "resolution reason: $out"
run incidents assign "$shop" bob --as alice >/dev/null || fail "assign"
run incidents comment "$shop" "Pentest by the customer?" --as alice >/dev/null || fail "internal comment"
run incidents comment "$shop" "Please patch the item page" --customer --as alice >/dev/null || fail "customer comment"
run incidents notify "$shop" --as alice >"$T/notify.out" || fail "notify"
grep -q "queued; the notify thread of the running \`yamori serve\` sends it" "$T/notify.out" || fail "notify says who sends: $(cat "$T/notify.out")"
run incidents status "$shop" resolved --resolution true_positive --note "patched" --as alice >/dev/null || fail "resolve"
out=$(run incidents status "$shop" responding --as alice 2>&1) && fail "resolved -> responding accepted"
echo "$out" | grep -q "reopen it first" || fail "reopen reason: $out"
run incidents status "$shop" reopen --as alice >/dev/null || fail "reopen"
run incidents show "$shop" --json >"$T/shop.json" || fail "show shop"
[ "$(json_get "$T/shop.json" '(objs[0]["status"], objs[0]["assignee"], objs[0]["resolution"])')" = "('acknowledged', 'bob', '')" ] ||
    fail "after reopen: $(cat "$T/shop.json")"
run incidents show "$shop" --json --customer >"$T/cust.json" || fail "customer view"
grep -q "Please patch the item page" "$T/cust.json" || fail "customer comment missing in customer view"
! grep -q "Pentest by the customer" "$T/cust.json" || fail "internal note shown to the customer"
grep -q "Pentest by the customer" "$T/shop.json" || fail "internal note missing for analysts"

log "every change is audited with the actor, and the notification waits in the outbox"
audit=$(python3 -c 'import sqlite3,sys; db=sqlite3.connect(sys.argv[1]); print(db.execute("select count(*) from audit where actor=? and address=?", ("alice","cli")).fetchone()[0], db.execute("select count(*) from notifications where reason=? and state=?", ("manual","pending")).fetchone()[0])' "$data/state.db")
[ "$audit" = "7 1" ] || fail "audit entries and pending manual notification: $audit"

log "suppress and tune: muted detections are counted, searchable, and open nothing"
run suppress add --tenant shop --rule 3796df34-3b1c-569c-b635-64e307aee4b0 --where "source.ip=203.0.113.0/24" \
    --reason "the customer's scanner" --expires 30d --as carol >"$T/sup.out" || fail "suppress add"
run tune disable 1935558a-85a5-5844-a3a3-a9529a3bc31d --tenant shop --as carol >/dev/null || fail "tune disable"
run triage replay "$T/web.log" --kind json --tenant shop --device web1 --rules "$rules" \
    >"$T/replay3.out" 2>/dev/null || fail "replay 3"
grep -q '3 detections (3 muted), 2 events, 0 incidents' "$T/replay3.out" || fail "muted replay: $(cat "$T/replay3.out")"
run incidents events --tenant shop --suppressed --json >"$T/muted.json" || fail "events --suppressed"
[ "$(json_get "$T/muted.json" 'sorted(o["count"] for o in objs)')" = "[1, 2]" ] || fail "muted events: $(cat "$T/muted.json")"
run suppress list --json >"$T/sups.json" || fail "suppress list"
[ "$(json_get "$T/sups.json" '(objs[0]["hits"], objs[0]["author"], objs[0]["state"])')" = "(2, 'carol', 'active')" ] ||
    fail "suppression hits: $(cat "$T/sups.json")"
run tune list --json >"$T/tune.json" || fail "tune list"
[ "$(json_get "$T/tune.json" 'objs[0]["enabled"]')" = False ] || fail "tune list: $(cat "$T/tune.json")"
[ "$(run incidents list --json | wc -l)" = 2 ] || fail "muted detections opened an incident"
run suppress del 1 --as carol >/dev/null || fail "suppress del"
run suppress list >"$T/sups.txt" || fail "suppress list text"
grep -q "No active suppressions" "$T/sups.txt" || fail "deleted suppression still active"

log "triage check: the shipped policy loads, a broken one is named with its line"
"$YAMORI" triage check "$rules/triage.yaml" | grep -q "triage.yaml: ok" || fail "triage check on the shipped policy"
printf 'incidents:\n  incident_min: urgent\n' >"$T/bad-policy.yaml"
out=$("$YAMORI" triage check "$T/bad-policy.yaml" 2>&1) && fail "a broken policy passed the check"
echo "$out" | grep -q "bad-policy.yaml:2: urgent: emergency, critical, warning or informational" || fail "check: $out"

log "usage errors exit 2, --help exits 0"
for cmd in "incidents frob" "incidents status 1 bogus" "incidents show" "suppress add --tenant x --reason y" \
    "tune threshold r 0 --tenant x" "triage replay"; do
    set +e
    $YAMORI $cmd --data "$data" >/dev/null 2>&1
    rc=$?
    set -e
    [ "$rc" = 2 ] || fail "'$cmd' exited $rc, not 2"
done
for cmd in incidents suppress tune triage; do
    "$YAMORI" "$cmd" --help | grep -q "^Usage: yamori $cmd" || fail "$cmd --help"
done
log "ok"
