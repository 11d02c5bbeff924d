#!/usr/bin/env python3
"""Checks that `yamori search --json` output holds every input line byte for byte.

Usage: compare_raw.py INPUT_FILE SEARCH_JSONL
Prints counts; exits 1 when a line is missing, altered or duplicated.
"""
import base64
import collections
import json
import sys

want = collections.Counter()
with open(sys.argv[1], "rb") as f:
    for line in f:
        line = line.rstrip(b"\n")
        if line:
            want[line] += 1
got = collections.Counter()
with open(sys.argv[2], "rb") as f:
    for row in f:
        doc = json.loads(row)
        raw = base64.b64decode(doc["raw_base64"]) if "raw_base64" in doc else doc["raw"].encode("utf-8")
        got[raw] += 1
missing = want - got
extra = got - want
print("lines sent: %d, found: %d, missing: %d, unexpected or duplicated: %d"
      % (sum(want.values()), sum(got.values()), sum(missing.values()), sum(extra.values())))
for line in list(missing)[:3]:
    print("  missing:", line[:160])
for line in list(extra)[:3]:
    print("  unexpected:", line[:160])
sys.exit(1 if missing or extra else 0)
