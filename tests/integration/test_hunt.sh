#!/usr/bin/env bash
# yamori hunt as an analyst meets it: logs go through a real server into the
# archive, then rules run over the archive (retro-hunt) and name the archived
# logs that fire them; a time range that holds nothing finds nothing.
source "$(dirname "$0")/lib.sh"

data=$T/data
syslog=$(free_port)
relp=$(free_port)

log "archive a few logs through yamori serve"
start_yamori "$data" "$T/serve.log" --syslog 127.0.0.1:$syslog --relp 127.0.0.1:$relp
wait_for 30 "syslog port $syslog" port_listening "$syslog"
exec 3<>"/dev/tcp/127.0.0.1/$syslog"
printf '<13>Nov 22 10:00:00 web1 app: {"url":{"original":"/item?id=1 UNION SELECT pass FROM users"},"user_agent":{"original":"Mozilla/5.0"}}\n' >&3
printf '<13>Nov 22 10:00:01 web1 app: {"url":{"original":"/index.html"},"user_agent":{"original":"Mozilla/5.0"}}\n' >&3
printf '<13>Nov 22 10:00:02 web1 app: {"url":{"original":"/x"},"user_agent":{"original":"sqlmap/1.7.2#stable"}}\n' >&3
exec 3>&-
archived() { [ "$(count_matches "$data" 'web1')" = 3 ]; }
wait_for 30 "3 logs archived" archived

log "hunt over the last hour finds both attacks, with their archive references"
"$YAMORI" hunt --data "$data" --from -1h --json "$YM_SRC/rules" >"$T/hunt.json" 2>"$T/hunt.err" ||
    fail "hunt failed: $(cat "$T/hunt.err")"
grep -q '"title":"SQL injection attempt in URL"' "$T/hunt.json" || fail "no SQL injection: $(cat "$T/hunt.json")"
grep -q '"title":"Web vulnerability scanner user agent"' "$T/hunt.json" || fail "no scanner user agent"
grep -q '"device":"web1"' "$T/hunt.json" || fail "detections do not name the device"
grep -q '"ref":[1-9]' "$T/hunt.json" || fail "detections lack the archive reference"
[ "$(wc -l <"$T/hunt.json")" = 2 ] || fail "expected 2 detections: $(cat "$T/hunt.json")"
grep -q "3 logs hunted" "$T/hunt.err" || fail "summary: $(cat "$T/hunt.err")"

log "a range with no logs finds nothing"
"$YAMORI" hunt --data "$data" --from 2020-01-01 --to 2020-01-02 "$YM_SRC/rules" >"$T/empty.out" 2>"$T/empty.err" ||
    fail "empty hunt failed: $(cat "$T/empty.err")"
[ ! -s "$T/empty.out" ] || fail "detections in an empty range"
grep -q "0 logs hunted" "$T/empty.err" || fail "empty summary: $(cat "$T/empty.err")"

log "usage errors"
set +e
"$YAMORI" hunt --data "$data" >/dev/null 2>&1
[ $? = 2 ] || fail "hunt without --from is not a usage error"
set -e
stop_yamori "$YM_PID"
log "ok"
