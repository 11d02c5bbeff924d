#!/usr/bin/env bash
# The disk fills up while logs stream in over TCP: the archive's commits
# fail, `yamori serve` holds the logs it has, pushes back on the sender and
# retries; once space is freed every log is committed, exactly once.
# Needs a small tmpfs (mount as root); skipped where mounting is not allowed.
source "$(dirname "$0")/lib.sh"

mnt=$T/fs
mkdir -p "$mnt"
if ! mount -t tmpfs -o size=16m tmpfs "$mnt" 2>/dev/null; then
    log "skipped: cannot mount a tmpfs here (needs root)"
    echo "0 passed, 0 failed, 1 skipped"
    exit 0
fi
umount_fs() {
    [ -n "${YM_PID:-}" ] && stop_yamori "$YM_PID"
    umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || true
    cleanup
}
trap umount_fs EXIT

COUNT=30000
data=$mnt/data
syslog=$(free_port)
start_yamori "$data" "$T/serve.log" --syslog 127.0.0.1:$syslog --relp 127.0.0.1:$(free_port)
wait_for 30 "syslog port" port_listening "$syslog"

# Leave about 2 MiB free: far less than the ~7 MiB of (incompressible) logs.
dd if=/dev/zero of="$mnt/filler" bs=1M count=14 2>/dev/null || true

python3 - "$syslog" "$COUNT" >"$T/sender.out" 2>&1 <<'PY' &
import binascii, os, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
n = int(sys.argv[2])
s.sendall(b"".join(b"<13>Nov 22 10:00:00 fullhost app: diskfull %d %s\n"
                   % (i, binascii.hexlify(os.urandom(100))) for i in range(n)))
s.close()
PY
sender=$!

wait_for 60 "a failed commit" grep -q "commit of .* failed" "$T/serve.log"
log "disk full: commits fail as expected; freeing space"
rm -f "$mnt/filler"
wait "$sender" || fail "sender failed: $(cat "$T/sender.out")"

committed() {
    "$YAMORI" stats --data "$data" --json | python3 -c '
import json, sys
c = json.load(sys.stdin)["counters"]
sys.exit(0 if c.get("archive.logs_committed") == int(sys.argv[1]) else 1)' "$COUNT"
}
wait_for 120 "all $COUNT logs committed" committed
grep -q "commits work again" "$T/serve.log" || fail "no recovery logged"

"$YAMORI" search --data "$data" --json --limit 0 diskfull >"$T/found.jsonl" || fail "search failed"
python3 - "$T/found.jsonl" "$COUNT" <<'PY' || fail "archive content wrong"
import collections, json, sys
c = collections.Counter(json.loads(l)["raw"] for l in open(sys.argv[1]))
rows, distinct = sum(c.values()), len(c)
print("rows", rows, "distinct", distinct)
sys.exit(0 if rows == distinct == int(sys.argv[2]) else 1)
PY
stop_yamori "$YM_PID"
YM_PID=
grep -q "serve: stopped; $COUNT logs committed" "$T/serve.log" || fail "stop line does not count every log"
log "ok"
echo "1 passed, 0 failed"
