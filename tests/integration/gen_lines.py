#!/usr/bin/env python3
"""Writes COUNT distinct syslog lines for sender MARKER to OUT.

Each line carries the marker word (so a search finds exactly one sender's
lines), a sequence number, and a body drawn from realistic device traffic
(ASA, PAN-OS-like CSV, CEF, UTF-8 text, long lines up to LONG bytes), so the
test covers more than one shape of line. Deterministic for a marker.
Usage: gen_lines.py MARKER COUNT OUT [LONG]
"""
import random
import sys

marker, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
long_max = int(sys.argv[4]) if len(sys.argv) > 4 else 4000
rnd = random.Random(marker)
bodies = [
    lambda i: "%%ASA-4-106023: Deny tcp src outside:198.51.100.%d/%d dst inside:10.0.%d.%d/443 by access-group \"outside_access_in\" [0x0, 0x0]"
    % (rnd.randint(1, 254), rnd.randint(1024, 65535), rnd.randint(0, 255), rnd.randint(1, 254)),
    lambda i: "1,2026/11/22 10:00:%02d,0011C100000,TRAFFIC,end,2561,2026/11/22 10:00:%02d,10.0.0.%d,203.0.113.%d,,,allow-web,,,ssl,vsys1,trust,untrust,ethernet1/2,ethernet1/1"
    % (i % 60, i % 60, rnd.randint(1, 254), rnd.randint(1, 254)),
    lambda i: "CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.%d dst=192.0.2.%d spt=%d"
    % (rnd.randint(1, 254), rnd.randint(1, 254), rnd.randint(1, 65535)),
    lambda i: "ログイン失敗 ユーザー=山田%d 端末=東京-%d (UTF-8 text)" % (rnd.randint(1, 99), rnd.randint(1, 9)),
    lambda i: "long " + "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789 =,.:/") for _ in range(rnd.randint(500, long_max))),
]
weights = [40, 25, 20, 10, 5]
with open(out, "w", encoding="utf-8", newline="\n") as f:
    for i in range(count):
        body = rnd.choices(bodies, weights)[0](i)
        f.write("<134>Nov 22 10:%02d:%02d host-%s app[%d]: %s seq=%07d %s\n"
                % ((i // 60) % 60, i % 60, marker, 1000 + i % 50, marker, i, body))
