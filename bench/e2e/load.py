#!/usr/bin/env python3
"""bench/e2e load generator: a paced background of benign Cisco ASA logs
(connections built to port 443: no rule of the pack fires on them) over one
TCP connection, and, on a second connection, attack logs from a PAN-OS
firewall (a critical vulnerability threat the firewall allowed), each from
its own source address so that each one is its own event and incident.

Writes one line per attack to OUT: "<source ip>\t<wall clock ns just before
the send>". Prints the benign rate achieved.

Usage: load.py PORT OUT [--rate 100000] [--attacks 120] [--every-ms 100]
               [--lead-s 2] [--tail-s 2]
"""
import argparse
import socket
import threading
import time

BENIGN_HOST = "asa-bench"
ATTACK_HOST = "pa-bench"


def benign_lines(n):
    out = []
    for i in range(n):
        a, b = i % 250 + 1, (i // 250) % 250 + 1
        port = 1024 + (i * 7919) % 60000
        out.append(
            "<166>Nov 22 2026 10:00:00 %s : %%ASA-6-302013: Built inbound TCP connection %d for "
            "outside:198.51.%d.%d/%d (198.51.%d.%d/%d) to inside:10.30.%d.%d/443 (10.30.%d.%d/443)\n"
            % (BENIGN_HOST, 100000 + i, b, a, port, b, a, port, b % 200, a, b % 200, a))
    return [l.encode() for l in out]


def attack_line(src, now):
    t = time.strftime("%Y/%m/%d %H:%M:%S", time.gmtime(now))
    hdr = time.strftime("%b %d %H:%M:%S", time.gmtime(now))
    return ("<14>%s %s 1,%s,012801096514,THREAT,vulnerability,2049,%s,%s,10.20.0.5,%s,10.20.0.5,"
            "allow-web,,,web-browsing,vsys1,untrust,trust,ethernet1/1,ethernet1/2,send_to_mac,%s,"
            "28191,1,52984,80,37679,80,0x403000,tcp,alert,\"/struts2-showcase/index.action\","
            "Apache Struts2 Remote Code Execution Vulnerability(33412),any,critical,client-to-server,"
            "7726,0x0,United States,10.0.0.0-10.255.255.255,0,,0,,,0,,,,,,,,0,0,0,0,0,,%s,,,,,0,,0,,"
            "N/A,N/A,AppThreat-0-0,0x0,0,4294967295,,\n"
            % (hdr, ATTACK_HOST, t, t, src, src, t, ATTACK_HOST)).encode()


def benign(port, rate, stop, sent):
    lines = benign_lines(20000)
    s = socket.create_connection(("127.0.0.1", port))
    tick = 0.005
    per_tick = max(1, int(rate * tick))
    t0 = time.monotonic()
    i = n = 0
    while not stop.is_set():
        chunk = []
        for _ in range(per_tick):
            chunk.append(lines[i])
            i = (i + 1) % len(lines)
        s.sendall(b"".join(chunk))
        n += per_tick
        ahead = n / rate - (time.monotonic() - t0)
        if ahead > 0:
            time.sleep(ahead)
    s.close()
    sent.append((n, time.monotonic() - t0))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("out")
    ap.add_argument("--rate", type=int, default=100000)
    ap.add_argument("--attacks", type=int, default=120)
    ap.add_argument("--every-ms", type=int, default=100)
    ap.add_argument("--lead-s", type=float, default=2.0)
    ap.add_argument("--tail-s", type=float, default=2.0)
    a = ap.parse_args()

    stop, sent = threading.Event(), []
    th = None
    if a.rate > 0:
        th = threading.Thread(target=benign, args=(a.port, a.rate, stop, sent))
        th.start()
        time.sleep(a.lead_s)
    s = socket.create_connection(("127.0.0.1", a.port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    with open(a.out, "w") as out:
        t0 = time.monotonic()
        for k in range(a.attacks):
            src = "198.18.%d.%d" % (k // 250, k % 250 + 1)
            line = attack_line(src, time.time())
            out.write("%s\t%d\n" % (src, time.time_ns()))
            s.sendall(line)
            ahead = (k + 1) * a.every_ms / 1000.0 - (time.monotonic() - t0)
            if ahead > 0:
                time.sleep(ahead)
    s.close()
    if th:
        time.sleep(a.tail_s)
        stop.set()
        th.join()
        n, secs = sent[0]
        print("benign: %d logs in %.1f s = %d logs/s" % (n, secs, n / secs))
    print("attacks: %d" % a.attacks)


if __name__ == "__main__":
    main()
