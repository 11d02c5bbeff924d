#!/usr/bin/env bash
# Tampering test (issue 2): after logs are archived and sealed, `yamori
# verify` passes; flipping one byte inside a stored block makes it fail and
# name that block.
source "$(dirname "$0")/lib.sh"

data=$T/data
syslog=$(free_port); relp=$(free_port)
start_yamori "$data" "$T/serve.log" --syslog 127.0.0.1:$syslog --relp 127.0.0.1:$relp
wait_for 30 "syslog port" port_listening "$syslog"
python3 "$(dirname "$0")/gen_lines.py" ymktamper 20000 "$T/in.log" 1000
nc -q 1 127.0.0.1 "$syslog" <"$T/in.log"
has_all() { [ "$(count_matches "$data" ymktamper)" = 20000 ]; }
wait_for 120 "20000 lines archived" has_all
stop_yamori "$YM_PID" # sealing happens on close

"$YAMORI" verify --data "$data" >"$T/v1.txt" 2>&1 || { cat "$T/v1.txt"; fail "verify failed on an untouched archive"; }
cat "$T/v1.txt"

day_file=$(find "$data/archive" -name '*.db' | head -1)
[ -n "$day_file" ] || fail "no day file"
block=$(python3 - "$day_file" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT id, data FROM blocks ORDER BY id").fetchall()
assert rows, "no sealed block"
bid, blob = rows[len(rows) // 2]
b = bytearray(blob)
b[len(b) // 2] ^= 0x01
db.execute("UPDATE blocks SET data = ? WHERE id = ?", (bytes(b), bid))
db.commit()
print(bid)
PY
)
log "flipped one byte of block $block in $day_file"
if "$YAMORI" verify --data "$data" >"$T/v2.txt" 2>&1; then
    cat "$T/v2.txt"
    fail "verify did not notice the flipped byte"
fi
cat "$T/v2.txt"
grep -Eq "block[ =:#]*$block\b" "$T/v2.txt" || fail "verify did not name block $block"
log "ok: verify names block $block"
echo "1 passed, 0 failed"
