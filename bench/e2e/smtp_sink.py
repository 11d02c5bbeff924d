#!/usr/bin/python3
"""A real SMTP server (aiosmtpd) that accepts every message and appends one
JSON line per message to OUT: {"accepted_ns": wall clock when DATA was
accepted, "rcpt": [...], "data": the message}. Used by bench/e2e and
tests/integration/test_e2e_scenario.sh. Usage: smtp_sink.py PORT OUT
Runs until killed; prints "ready" once listening."""
import asyncio
import json
import sys
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, path):
        self.out = open(path, "a", buffering=1)

    async def handle_DATA(self, server, session, envelope):
        t = time.time_ns()
        data = envelope.content.decode("utf-8", "replace") if isinstance(envelope.content, bytes) else envelope.content
        self.out.write(json.dumps({"accepted_ns": t, "rcpt": envelope.rcpt_tos, "data": data}) + "\n")
        return "250 OK"


def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    ctl = Controller(Sink(out), hostname="127.0.0.1", port=port)
    ctl.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        ctl.stop()


if __name__ == "__main__":
    main()
