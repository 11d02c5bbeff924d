#!/usr/bin/env bash
# Issue 3: a log its device's decoder cannot fully read is kept (found by
# search, with its raw line) and counted against that device, where
# `yamori devices` shows it.
source "$(dirname "$0")/lib.sh"

syslog=$(free_port); relp=$(free_port)
cat >"$T/yamori.yaml" <<YAML
listen:
  syslog: 127.0.0.1:$syslog
  relp: 127.0.0.1:$relp
tenants:
  - name: acme
devices:
  - name: fw-edge
    tenant: acme
    kind: asa
    addresses: [127.0.0.1]
YAML
start_yamori "$T/data" "$T/serve.log" --config "$T/yamori.yaml" --stats-every 100
wait_for 30 "syslog port" port_listening "$syslog"
{
    for i in 1 2 3; do
        printf '<164>Nov 22 2026 10:00:0%d fw01 : %%ASA-4-106023: Deny tcp src outside:198.51.100.%d/4444 dst inside:10.0.0.5/443 by access-group "outside_access_in" [0x0, 0x0]\n' "$i" "$i"
    done
    printf '<164>Nov 22 2026 10:00:04 fw01 : %%ASA-4-106023: Deny ymkbroken one\n'
    printf '<164>Nov 22 2026 10:00:05 fw01 : %%ASA-4-106023: Deny ymkbroken two\n'
} | nc -q 1 127.0.0.1 "$syslog"

errors_counted() {
    "$YAMORI" devices --config "$T/yamori.yaml" --data "$T/data" --json |
        python3 -c 'import json,sys
rows = [json.loads(l) for l in sys.stdin]
d = [r for r in rows if r.get("name") == "fw-edge"][0]
sys.exit(0 if d["logs_24h"] == 5 and d["parse_errors_24h"] == 2 else 1)'
}
wait_for 60 "5 logs and 2 parse errors counted for fw-edge" errors_counted
"$YAMORI" devices --config "$T/yamori.yaml" --data "$T/data"

# Nothing was dropped: the unreadable lines are archived, raw, with the error.
"$YAMORI" search --data "$T/data" --tenant acme --json ymkbroken >"$T/found.jsonl"
python3 - "$T/found.jsonl" <<'PY'
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1])]
assert len(docs) == 2, "want 2 unreadable logs found, got %d" % len(docs)
for d in docs:
    assert "ymkbroken" in d["raw"], d["raw"]
    assert d["fields"]["error"]["message"], d["fields"]
    assert d["fields"]["event"]["original"] == d["raw"]
print("unreadable logs kept:", [d["fields"]["error"]["message"] for d in docs])
PY
log "ok: parse errors counted per device, logs kept"
echo "1 passed, 0 failed"
