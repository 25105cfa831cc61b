"""Steady load for the fault scripts, and the judge of what it saw.

    load.py run URL --tokens FILE --out LOG [--workers 8] [--login-every 0 --username U]
        Keeps WORKERS keep-alive connections busy until SIGTERM. Each request is
        GET /api/session with the next token of FILE; with --login-every K, every K-th
        request of a worker is POST /api/login for U (password in $LOAD_PASSWORD) instead.
        Writes one line per request: start end method status error-code.
        A request that got no answer (refused, reset, timed out) has status 0.

    load.py check LOG --fault T0 --back T1 [--expect-down 503] [--allow 200,503]
        Judges the log against the events the fault script recorded (Unix times) and
        exits 1 when a rule is broken; see bench/faults/README.md for the rules.

    load.py sessions URL --tokens FILE
        Checks every token once; exits 1 unless every session is still valid.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import sys
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

# Longer than the server's own deadlines (10 s for PostgreSQL), so its answer is what counts.
TIMEOUT = 30


class Connection:
    """One keep-alive HTTP connection that reconnects after any failure."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, headers: dict, body: bytes | None = None):
        """Returns (status, error code or '-'); status 0 when no answer came."""
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return response.status, error_code(data)
        except (OSError, http.client.HTTPException):
            self.close()
            return 0, "-"

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def error_code(data: bytes) -> str:
    try:
        return str(json.loads(data)["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return "-"


def read_tokens(path: str) -> list[str]:
    with open(path) as f:
        tokens = [line.strip() for line in f if line.strip()]
    if not tokens:
        sys.exit(f"no tokens in {path}")
    return tokens


def run(args) -> None:
    tokens = read_tokens(args.tokens)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    lock = threading.Lock()
    out = open(args.out, "w", buffering=1)
    login = json.dumps({"method": "password", "login": args.username,
                        "password": os.environ.get("LOAD_PASSWORD", "")}).encode()

    def worker(index: int) -> None:
        conn = Connection(args.url)
        n = 0
        while not stop.is_set():
            n += 1
            start = time.time()
            if args.login_every and n % args.login_every == 0:
                method = "login"
                status, code = conn.request("POST", "/api/login",
                                            {"Content-Type": "application/json"}, login)
            else:
                method = "session"
                token = tokens[(index + n) % len(tokens)]
                status, code = conn.request("GET", "/api/session",
                                            {"Authorization": f"Bearer {token}"})
            end = time.time()
            with lock:
                out.write(f"{start:.3f} {end:.3f} {method} {status} {code}\n")
            if status == 0:
                time.sleep(0.05)   # a dead port answers at once; do not spin
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.workers)]
    for t in threads:
        t.start()
    while not stop.is_set():
        stop.wait(0.2)
    for t in threads:
        t.join()
    out.close()


def check(args) -> int:
    rows = []
    with open(args.log) as f:
        for line in f:
            start, end, method, status, code = line.split()
            rows.append((float(start), float(end), method, int(status), code))
    if not rows:
        print("FAIL: the load log is empty")
        return 1
    allowed = {int(s) for s in args.allow.split(",") if s}
    failures: list[str] = []
    before = [r for r in rows if r[1] < args.fault]
    during = [r for r in rows if args.fault + args.grace <= r[0] and r[1] <= args.back]
    after = [r for r in rows if r[0] >= args.back]

    def show(rs) -> str:
        return ", ".join(f"{s} {c}" for (s, c), _ in Counter((r[3], r[4]) for r in rs).most_common())

    started_during = [r for r in rows if args.fault + args.grace <= r[0] < args.back]
    print(f"requests: {len(rows)} ({len(before)} ended before the fault, "
          f"{len(started_during)} began while it lasted, {len(after)} began after it ended)")
    print(f"  before: {show(before)}")
    print(f"  during: {show(started_during)}")
    print(f"  after:  {show(after)}")
    if not before or not started_during or not after:
        failures.append("the load did not run across the whole fault")
    bad_before = [r for r in before if r[3] != 200]
    if bad_before:
        failures.append(f"{len(bad_before)} requests failed before the fault")
    for r in rows:
        status, code = r[3], r[4]
        if status in allowed:
            if status == 503 and args.expect_down and code != "STORE_UNAVAILABLE":
                failures.append(f"a 503 without STORE_UNAVAILABLE: {code}")
                break
            continue
        began = f"{r[0] - args.fault:+.2f} s from the fault"
        if status == 0:
            failures.append(f"a request without an answer (refused, reset or over {TIMEOUT} s), "
                            f"begun {began}, after {r[1] - r[0]:.2f} s")
        else:
            failures.append(f"a {status} {code} at {began}")
        break
    if args.expect_down:
        wrong = [r for r in during if r[3] != args.expect_down]
        if wrong:
            failures.append(f"{len(wrong)} requests while down were not {args.expect_down}: "
                            f"{show(wrong)}")
    not_ok_after = [r for r in after if r[3] != 200]
    last_failure = max((r[1] for r in not_ok_after), default=None)
    if last_failure is None:
        print("recovered: at once")
    else:
        print(f"recovered: {last_failure - args.back:.2f} s after the fault ended "
              f"({len(not_ok_after)} failed requests after it)")
        if last_failure - args.back > args.recover_within:
            failures.append(f"still failing {args.recover_within} s after the fault ended")
    # The log is in the order requests ended; the last second is counted from the last start.
    last_start = max(r[0] for r in rows)
    tail = [r for r in rows if r[0] >= last_start - 1.0]
    if any(r[3] != 200 for r in tail):
        failures.append("the last second of load was not all 200")
    failed = [r for r in rows if r[3] != 200]
    print(f"failed requests: {len(failed)} of {len(rows)}")
    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if failures else 0


def sessions(args) -> int:
    tokens = read_tokens(args.tokens)
    conn = Connection(args.url)
    results = Counter()
    for token in tokens:
        status, code = conn.request("GET", "/api/session", {"Authorization": f"Bearer {token}"})
        results[(status, code)] += 1
    lost = sum(n for (status, _), n in results.items() if status != 200)
    print(f"sessions still valid: {len(tokens) - lost} of {len(tokens)}"
          + (f" ({', '.join(f'{s} {c}: {n}' for (s, c), n in results.items() if s != 200)})"
             if lost else ""))
    return 1 if lost else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run")
    p.add_argument("url")
    p.add_argument("--tokens", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--workers", type=int, default=8)
    p.add_argument("--login-every", type=int, default=0)
    p.add_argument("--username", default="")
    p = sub.add_parser("check")
    p.add_argument("log")
    p.add_argument("--fault", type=float, required=True, help="when the fault began")
    p.add_argument("--back", type=float, required=True, help="when the fault ended")
    p.add_argument("--grace", type=float, default=0.5,
                   help="seconds after the fault for requests already in flight")
    p.add_argument("--expect-down", type=int, default=0,
                   help="the only status allowed while the fault lasts")
    p.add_argument("--allow", default="200,503",
                   help="statuses allowed at any time, comma-separated (0: no answer)")
    p.add_argument("--recover-within", type=float, default=20)
    p = sub.add_parser("sessions")
    p.add_argument("url")
    p.add_argument("--tokens", required=True)
    args = parser.parse_args()
    if args.command == "run":
        run(args)
        return 0
    return {"check": check, "sessions": sessions}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
