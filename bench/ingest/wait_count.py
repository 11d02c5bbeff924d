#!/usr/bin/env python3
"""Waits until N logs are done, cheaply, and prints the time it saw that.

  wait_count.py yamori STATE_DB N TIMEOUT   archive.logs_committed >= N in state.db
  wait_count.py file   OUT_FILE N TIMEOUT   OUT_FILE holds >= N lines (counted incrementally)

Polls every 10 ms; reads each byte of a file once, so polling costs little
CPU beside the daemon being measured. Exit 1 on timeout.
"""
import os
import sqlite3
import sys
import time

mode, path, n, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
deadline = time.time() + timeout
if mode == "yamori":
    while time.time() < deadline:
        try:
            db = sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=1)
            while time.time() < deadline:
                row = db.execute("SELECT value FROM counters WHERE name = 'archive.logs_committed'").fetchone()
                if row and row[0] >= n:
                    print("%.3f" % time.time())
                    sys.exit(0)
                time.sleep(0.01)
        except sqlite3.Error:
            time.sleep(0.05)
else:
    count, pos = 0, 0
    while time.time() < deadline:
        if os.path.exists(path):
            with open(path, "rb") as f:
                f.seek(pos)
                chunk = f.read()
                pos += len(chunk)
                count += chunk.count(b"\n")
            if count >= n:
                print("%.3f" % time.time())
                sys.exit(0)
        time.sleep(0.01)
sys.exit(1)
