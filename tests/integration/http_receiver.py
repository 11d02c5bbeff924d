#!/usr/bin/env python3
"""A local webhook receiver for the notification tests. Answers the first
--fail-first POSTs with 500 and the rest with 200; saves every request body
as DIR/NNN-STATUS.json (STATUS = the code it answered). A POST to a path
starting with /hang is saved as DIR/NNN-hang.json and never answered (a
receiver that hangs). Runs until killed.

usage: http_receiver.py --port P --dir DIR [--fail-first N]
"""
import argparse
import os
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
seen = 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--fail-first", type=int, default=0)
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            global seen
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n)
            with lock:
                seen += 1
                number = seen
            hang = self.path.startswith("/hang")
            code = 500 if number <= a.fail_first else 200
            name = os.path.join(a.dir, "%03d-%s" % (number, "hang" if hang else code))
            with open(name + ".tmp", "wb") as f:
                f.write(body)
            os.rename(name + ".tmp", name + ".json")
            if hang:
                threading.Event().wait()
            reply = b'{"ok":%s}' % (b"false" if code != 200 else b"true")
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, fmt, *args):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=srv.shutdown).start())
    srv.serve_forever()


if __name__ == "__main__":
    main()
