#!/usr/bin/env bash
# Our own samples: for every tests/data/<kind>/NAME.log that has a sibling
# NAME.expected.jsonl (one JSON document per input line), runs
#   yamori parse --kind <kind> --now 2026-11-22T12:00:00Z [--tz "$(cat NAME.tz)"]
# and requires every document to equal the expected one exactly (JSON
# equality, nothing ignored; expected documents may be written nested, as
# yamori prints them, or with dotted names, and may leave out event.original,
# which must then equal the input line). NAME.tz (optional) holds the device
# zone.
# To refresh an expected file after a deliberate change, run that command
# and review the diff before committing.
source "$(dirname "$0")/lib.sh"

n_files=0
n_fail=0
for log in "$YM_SRC"/tests/data/*/*.log; do
    [ -e "$log" ] || continue
    base=${log%.log}
    exp=$base.expected.jsonl
    [ -e "$exp" ] || continue
    kind=$(basename "$(dirname "$log")")
    args=(parse --kind "$kind" --now 2026-11-22T12:00:00Z)
    [ -e "$base.tz" ] && args+=(--tz "$(tr -d '\n' <"$base.tz")")
    set +e
    "$YAMORI" "${args[@]}" "$log" >"$T/out.jsonl" 2>"$T/err.txt"
    rc=$?
    set -e
    n_files=$((n_files + 1))
    rel=${log#"$YM_SRC"/}
    if [ $rc -ne 0 ]; then
        log "FAIL: $rel: yamori parse exited $rc: $(tail -c 300 "$T/err.txt")"
        n_fail=$((n_fail + 1))
        continue
    fi
    if ! python3 - "$exp" "$T/out.jsonl" "$rel" "$log" <<'PY'
import json, sys
exp_path, got_path, rel, log_path = sys.argv[1:5]
def flat(d, prefix="", out=None):
    # {"a":{"b":1}} and {"a.b":1} are the same document; values stay exact.
    out = {} if out is None else out
    for k, v in d.items():
        if isinstance(v, dict) and v:
            flat(v, prefix + k + ".", out)
        else:
            out[prefix + k] = v
    return out
exp = [flat(json.loads(l)) for l in open(exp_path, encoding="utf-8") if l.strip()]
got = [flat(json.loads(l)) for l in open(got_path, encoding="utf-8") if l.strip()]
# event.original is always the input line: an expected file may leave it out.
lines = [l.rstrip("\r\n") for l in open(log_path, encoding="utf-8", errors="surrogateescape")
         if l.strip(" \t\r\n")]
for e, line in zip(exp, lines):
    e.setdefault("event.original", line)
bad = 0
if len(exp) != len(got):
    print("%s: %d expected documents, got %d" % (rel, len(exp), len(got)))
    bad = 1
for i, (e, g) in enumerate(zip(exp, got), 1):
    if e != g:
        bad = 1
        print("%s: document %d differs\n  expected: %s\n  got:      %s"
              % (rel, i, json.dumps(e, sort_keys=True), json.dumps(g, sort_keys=True)))
sys.exit(bad)
PY
    then
        log "FAIL: $rel"
        n_fail=$((n_fail + 1))
    fi
done
[ $n_files -gt 0 ] || fail "no samples with expected output under tests/data/"
log "$((n_files - n_fail)) of $n_files sample files match their expected output"
echo "$((n_files - n_fail)) passed, $n_fail failed"
[ $n_fail -eq 0 ]
