#!/usr/bin/env bash
# Fault test (issue 2): a RELP sender streams while `yamori serve` is killed
# with SIGKILL several times at random moments and restarted. Afterwards every
# line the server acknowledged must be in the archive exactly as sent.
# Counted: acknowledged lines lost (must be 0); lines altered (must be 0).
source "$(dirname "$0")/lib.sh"

COUNT=${COUNT:-200000}
RATE=${RATE:-5000}  # paced so that the kills fall while it streams
KILLS=${KILLS:-5}
data=$T/data
relp=$(free_port)
syslog=$(free_port)
args=(--syslog 127.0.0.1:$syslog --relp 127.0.0.1:$relp)

start_yamori "$data" "$T/serve.log" "${args[@]}"
wait_for 30 "RELP port $relp" port_listening "$relp"

python3 "$(dirname "$0")/relp_sender.py" "$relp" ymkrelpkill "$COUNT" "$T/sent.txt" "$T/acked.txt" 600 128 "$RATE" &
sender=$!

kills=0
for k in $(seq 1 "$KILLS"); do
    # A random moment while the sender streams: 0.3 to 2.3 s.
    sleep "$(python3 -c 'import random; print(round(random.uniform(0.3, 2.3), 2))')"
    kill -0 "$sender" 2>/dev/null || break
    log "kill -9 #$k (pid $YM_PID)"
    kill -KILL "$YM_PID"
    wait "$YM_PID" 2>/dev/null || true
    start_yamori "$data" "$T/serve.log" "${args[@]}"
    wait_for 60 "restart #$k listening" port_listening "$relp"
    kills=$k
done
[ "$kills" = "$KILLS" ] || fail "the sender finished after $kills of $KILLS kills: raise COUNT or lower RATE"

wait "$sender" || { tail -20 "$T/serve.log"; fail "sender could not get every line acknowledged"; }
stop_yamori "$YM_PID"

"$YAMORI" search --data "$data" --json --limit 0 ymkrelpkill >"$T/found.jsonl" 2>"$T/search.err" ||
    { cat "$T/search.err"; fail "search failed"; }
python3 - "$T/acked.txt" "$T/sent.txt" "$T/found.jsonl" <<'PY'
import json, sys
acked = set(open(sys.argv[1]).read().splitlines())
sent = set(open(sys.argv[2]).read().splitlines())
found = [json.loads(l)["raw"] for l in open(sys.argv[3])]
fs = set(found)
lost = acked - fs
altered = [r for r in found if r not in sent]
print("acknowledged: %d, found: %d (distinct %d), lost acknowledged lines: %d, altered: %d, duplicates: %d"
      % (len(acked), len(found), len(fs), len(lost), len(altered), len(found) - len(fs)))
for l in list(lost)[:3]:
    print("  lost:", l[:120])
sys.exit(1 if lost or altered else 0)
PY
"$YAMORI" verify --data "$data" >"$T/verify.txt" || { cat "$T/verify.txt"; fail "verify failed after crashes"; }
log "ok: no acknowledged line lost across $KILLS kill -9"
echo "1 passed, 0 failed"
