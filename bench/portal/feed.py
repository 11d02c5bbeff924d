#!/usr/bin/env python3
"""Bounded log generator for bench/portal: sends the lines of FILE over one
TCP connection at RATE lines per second for SECONDS seconds (paced every
10 ms), then prints how many lines it sent and the rate it achieved.

Usage: feed.py HOST PORT FILE RATE SECONDS"""
import socket
import sys
import time


def main():
    host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rate, seconds = int(sys.argv[4]), float(sys.argv[5])
    with open(path, "rb") as f:
        lines = f.read().splitlines(keepends=True)
    if not lines:
        sys.exit("no lines in " + path)
    s = socket.create_connection((host, port))
    tick = 0.01
    per_tick = max(1, int(rate * tick))
    sent, i = 0, 0
    t0 = time.monotonic()
    next_t = t0
    while True:
        now = time.monotonic()
        if now - t0 >= seconds:
            break
        if now < next_t:
            time.sleep(next_t - now)
            continue
        chunk = lines[i:i + per_tick]
        if len(chunk) < per_tick:
            chunk += lines[:per_tick - len(chunk)]
        i = (i + per_tick) % len(lines)
        s.sendall(b"".join(chunk))
        sent += per_tick
        next_t += tick
    elapsed = time.monotonic() - t0
    s.close()
    print("%d %.0f" % (sent, sent / elapsed))


if __name__ == "__main__":
    main()
