#!/usr/bin/env python3
"""A RELP client that remembers exactly which messages the server acknowledged.

Sends COUNT distinct syslog lines (marker MARKER) to 127.0.0.1:PORT over RELP
(open / syslog / close, a window of WINDOW unacknowledged messages). When the
connection breaks (the server is being killed), it reconnects and resends every
message not yet acknowledged, until all are acknowledged or TIMEOUT seconds pass.
Writes the sent lines to SENT and the acknowledged ones to ACKED (one per line),
then prints a summary. Exit 0 when every message was acknowledged.

Usage: relp_sender.py PORT MARKER COUNT SENT ACKED [TIMEOUT] [WINDOW] [RATE]
RATE: messages per second at most (0 = as fast as the server acknowledges).
"""
import socket
import sys
import time

port, marker, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
sent_path, acked_path = sys.argv[4], sys.argv[5]
timeout = float(sys.argv[6]) if len(sys.argv) > 6 else 300
window = int(sys.argv[7]) if len(sys.argv) > 7 else 128
rate = float(sys.argv[8]) if len(sys.argv) > 8 else 0
started = time.time()
sent_total = 0

lines = ["<134>Nov 22 10:00:00 relp-host app: %s seq=%07d %%ASA-6-302013: Built inbound TCP "
         "connection %d for outside:198.51.100.%d/%d (198.51.100.%d/%d) to inside:10.0.0.%d/443 "
         "(10.0.0.%d/443)" % (marker, i, 1000 + i, i % 250 + 1, 1024 + i % 60000, i % 250 + 1,
                              1024 + i % 60000, i % 200 + 1, i % 200 + 1) for i in range(count)]
with open(sent_path, "w") as f:
    f.write("\n".join(lines) + "\n")

acked = set()
deadline = time.time() + timeout
reconnects = 0


class Broken(Exception):
    pass


def read_frame(sock, buf):
    """Returns (txnr, command, data, rest_of_buffer)."""
    while True:
        parts = buf.split(b" ", 3)
        if len(parts) >= 3:
            try:
                txnr, cmd, datalen = int(parts[0]), parts[1], parts[2]
                if b"\n" in datalen:  # "N cmd 0\n"
                    datalen, _, rest = datalen.partition(b"\n")
                    if int(datalen) == 0:
                        return txnr, cmd, b"", rest
                elif len(parts) == 4:
                    n = int(datalen)
                    body = parts[3]
                    if len(body) >= n + 1:
                        return txnr, cmd, body[:n], body[n + 1:]
            except ValueError:
                raise Broken("bad frame %r" % buf[:80])
        chunk = sock.recv(65536)
        if not chunk:
            raise Broken("connection closed")
        buf += chunk


def session():
    global reconnects, sent_total
    global started
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    started, sent_total = time.time(), 0  # pace each session; no catching up
    sock.settimeout(10)
    buf = b""
    offer = b"relp_version=0\nrelp_software=yamori-test\ncommands=syslog"
    sock.sendall(b"1 open %d %s\n" % (len(offer), offer))
    txnr, cmd, data, buf = read_frame(sock, buf)
    if cmd != b"rsp" or not data.startswith(b"200"):
        raise Broken("open refused: %r" % data)
    next_txnr = 2
    inflight = {}  # txnr -> index
    todo = [i for i in range(count) if i not in acked]
    pos = 0
    while pos < len(todo) or inflight:
        if time.time() > deadline:
            raise TimeoutError()
        while pos < len(todo) and len(inflight) < window:
            if rate and sent_total >= rate * (time.time() - started):
                if inflight:
                    break
                time.sleep(0.002)
                continue
            sent_total += 1
            msg = lines[todo[pos]].encode()
            sock.sendall(b"%d syslog %d %s\n" % (next_txnr, len(msg), msg))
            inflight[next_txnr] = todo[pos]
            next_txnr = next_txnr + 1 if next_txnr < 999999999 else 1
            pos += 1
        txnr, cmd, data, buf = read_frame(sock, buf)
        if cmd == b"serverclose":
            raise Broken("serverclose")
        if cmd == b"rsp" and txnr in inflight:
            idx = inflight.pop(txnr)
            if data.startswith(b"200"):
                acked.add(idx)
    sock.sendall(b"%d close 0\n" % next_txnr)
    try:
        read_frame(sock, buf)
    except Broken:
        pass
    sock.close()


while len(acked) < count and time.time() < deadline:
    try:
        session()
    except (OSError, Broken):
        reconnects += 1
        time.sleep(0.05)
    except TimeoutError:
        break

with open(acked_path, "w") as f:
    for i in sorted(acked):
        f.write(lines[i] + "\n")
print("relp_sender: %d sent, %d acknowledged, %d reconnects" % (count, len(acked), reconnects))
sys.exit(0 if len(acked) == count else 1)
