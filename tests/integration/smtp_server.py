#!/usr/bin/env python3
"""A real SMTP server for the notification tests: aiosmtpd (Debian
python3-aiosmtpd) on loopback with STARTTLS required and AUTH (PLAIN, LOGIN)
required after TLS. Every accepted message is saved as DIR/NNN.eml with the
envelope in DIR/NNN.env (MAIL FROM, RCPT TO lines). Runs until killed.

usage: smtp_server.py --port P --cert server.pem --key server.key
                      --user U --password W --dir DIR [--smtps]

--smtps: TLS from the first byte (SMTPS, port 465 style) instead of STARTTLS.
"""
import argparse
import os
import signal
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Saver:
    def __init__(self, directory, implicit_tls):
        self.directory = directory
        self.implicit_tls = implicit_tls  # the listener speaks TLS only
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            base = os.path.join(self.directory, "%03d" % self.count)
        with open(base + ".env.tmp", "w") as f:
            f.write("MAIL FROM %s\n" % envelope.mail_from)
            for r in envelope.rcpt_tos:
                f.write("RCPT TO %s\n" % r)
            f.write("TLS %s\n" % ("yes" if session.ssl or self.implicit_tls else "no"))
            f.write("AUTH %s\n" % ("yes" if session.authenticated else "no"))
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        # The .eml appears complete or not at all (tests poll for it).
        os.rename(base + ".env.tmp", base + ".env")
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 2.0.0 Message accepted for delivery"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--smtps", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == a.user.encode()
              and auth_data.password == a.password.encode())
        return AuthResult(success=ok, handled=False)

    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(a.cert, a.key)
    if a.smtps:
        # auth_require_tls looks for STARTTLS; here every byte is under TLS.
        tls_kwargs = dict(ssl_context=tls, auth_require_tls=False)
    else:
        tls_kwargs = dict(tls_context=tls, require_starttls=True, auth_require_tls=True)
    ctl = Controller(Saver(a.dir, a.smtps), hostname="127.0.0.1", port=a.port,
                     auth_required=True, authenticator=authenticator,
                     server_hostname="localhost", ready_timeout=10, **tls_kwargs)
    ctl.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    ctl.stop()


if __name__ == "__main__":
    main()
