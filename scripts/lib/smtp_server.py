"""A throwaway SMTP server for the tests (aiosmtpd), started by scripts/lib/servers.sh.

It listens on 127.0.0.1 on up to three ports and keeps every message it accepts in a
folder, for the tests to read:

  --plain-port     no TLS, no AUTH
  --starttls-port  STARTTLS required before anything else, then AUTH (PLAIN or LOGIN)
                   required with --user / --password
  --smtps-port     TLS from connect, then AUTH LOGIN required (PLAIN is not offered, so
                   the client's LOGIN path meets a real server)

Each message is NAME.eml (the message as received, after the server removed the dot
stuffing) with NAME.json beside it: {"mail_from", "rcpt_tos", "port", "login"}. Both are
written under a temporary name and renamed, so a reader never sees half a message.
"""

import argparse
import hmac
import json
import os
import signal
import ssl
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Maildir:
    def __init__(self, folder, port):
        self.folder = folder
        self.port = port
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            name = f"{time.time_ns()}-{self.port}-{self.count}"
        login = session.auth_data.decode() if isinstance(session.auth_data, bytes) else None
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "port": self.port, "login": login}
        self.write(name + ".eml", envelope.original_content)
        self.write(name + ".json", json.dumps(meta).encode())
        return "250 OK kept as " + name

    def write(self, filename, data):
        temporary = os.path.join(self.folder, "." + filename + ".tmp")
        with open(temporary, "wb") as file:
            file.write(data)
        os.rename(temporary, os.path.join(self.folder, filename))


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        ok = hmac.compare_digest(auth_data.login, user.encode()) and hmac.compare_digest(auth_data.password, password.encode())
        return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)

    return check


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--plain-port", type=int)
    parser.add_argument("--starttls-port", type=int)
    parser.add_argument("--smtps-port", type=int)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--user", default="tessera")
    parser.add_argument("--password", default="")
    args = parser.parse_args()
    os.makedirs(args.maildir, exist_ok=True)

    controllers = []
    if args.plain_port:
        controllers.append(Controller(Maildir(args.maildir, args.plain_port), hostname="127.0.0.1", port=args.plain_port))
    if args.starttls_port or args.smtps_port:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
        check = authenticator(args.user, args.password)
    if args.starttls_port:
        controllers.append(Controller(
            Maildir(args.maildir, args.starttls_port), hostname="127.0.0.1", port=args.starttls_port,
            tls_context=context, require_starttls=True, auth_required=True, auth_require_tls=True,
            authenticator=check))
    if args.smtps_port:
        controllers.append(Controller(
            Maildir(args.maildir, args.smtps_port), hostname="127.0.0.1", port=args.smtps_port,
            ssl_context=context, auth_required=True, auth_require_tls=False,
            auth_exclude_mechanism=["PLAIN"], authenticator=check))
    for controller in controllers:
        controller.start()
    print("smtp server ready", flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    for controller in controllers:
        controller.stop()


if __name__ == "__main__":
    main()
