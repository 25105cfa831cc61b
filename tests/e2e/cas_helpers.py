"""Pieces the CAS suites share: a service's single-logout receiver, the config file that
registers services, and a browser-like sign-in through the CAS login form."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import requests

import tessera_e2e as e2e


class Receiver:
    """A CAS service's back channel on 127.0.0.1: records every form POST it gets. It can be
    stopped (connections are then refused) and started again on the same port."""

    def __init__(self, port: int | None = None):
        self.port = port or e2e.free_port()
        self.url = f"http://{e2e.HOST}:{self.port}/app"
        self.posts: list[dict[str, list[str]]] = []
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> "Receiver":
        posts = self.posts

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                posts.append(parse_qs(self.rfile.read(length).decode()))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self):
                body = json.dumps({k.lower(): v for k, v in self.headers.items()}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer((e2e.HOST, self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def logout_requests(self) -> list[str]:
        return [post["logoutRequest"][0] for post in self.posts if "logoutRequest" in post]


def config_file(directory: Path, services: list[dict], settings: dict | None = None) -> Path:
    """A `--config` file registering `services`, with other settings beside them."""
    path = Path(directory) / "tessera.json"
    path.write_text(json.dumps({"cas": {"services": services}, **(settings or {})}))
    return path


def form_login(base: str, service: str, username: str, password: str,
               browser: requests.Session | None = None) -> tuple[requests.Session, requests.Response]:
    """Opens /cas/login for `service`, posts the form with its CSRF token; returns the
    browser (holding the session cookie) and the answer to the POST (not followed)."""
    browser = browser or requests.Session()
    page = browser.get(f"{base}/cas/login", params={"service": service}, timeout=e2e.TIMEOUT,
                       allow_redirects=False)
    assert page.status_code == 200, page.text
    csrf = re.search(r'name="csrf" value="([0-9a-z]+)"', page.text).group(1)
    answer = browser.post(f"{base}/cas/login", timeout=e2e.TIMEOUT, allow_redirects=False, data={
        "username": username, "password": password, "service": service, "csrf": csrf})
    return browser, answer


def ticket_of(answer: requests.Response) -> str:
    assert answer.status_code in (302, 303), f"{answer.status_code} {answer.text}"
    match = re.search(r"[?&]ticket=(ST-[0-9A-Za-z]+)$", answer.headers["Location"])
    assert match, answer.headers["Location"]
    return match.group(1)
