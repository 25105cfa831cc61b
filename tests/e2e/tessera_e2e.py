"""Processes and HTTP helpers for the end-to-end suites.

The fixtures in conftest.py hand these out; tests may also import the plain functions
(`bearer`, `assert_error`, `raw_http`, …) directly.

Every process started here runs in its own process group and is stopped by that group's
id: by its fixture at teardown, and by an exit handler if the run is interrupted.
"""

from __future__ import annotations

import atexit
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import pytest
import requests

HOST = "127.0.0.1"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
# Generous: a debug build hashes passwords with a memory-hard KDF on two shared cores.
TIMEOUT = float(os.environ.get("TESSERA_E2E_HTTP_TIMEOUT", "60"))


# --- processes --------------------------------------------------------------------------


def free_port() -> int:
    """A port that was free a moment ago (bind port 0, read it, release it)."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_for(check: Callable[[], Any], timeout: float, interval: float = 0.05) -> Any:
    """Calls `check` until it returns something truthy; returns that, or None on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)


_live_groups: dict[int, subprocess.Popen] = {}


@atexit.register
def _kill_leftovers() -> None:
    for pgid in list(_live_groups):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class ProcessGroup:
    """One command in its own process group, output appended to a log file."""

    def __init__(self, argv: list[str], log_path: Path, env: dict[str, str] | None = None,
                 cwd: Path | None = None, stop_signal: int = signal.SIGTERM):
        self.argv = argv
        self.log_path = Path(log_path)
        self.env = env
        self.cwd = cwd
        self.stop_signal = stop_signal
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        assert not self.running, "already running"
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env=self.env, cwd=self.cwd, start_new_session=True)
        _live_groups[self.process.pid] = self.process

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def returncode(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def stop(self, timeout: float = 10) -> None:
        """The stop signal to the whole group, then SIGKILL if it has not ended in time."""
        if self.process is None:
            return
        pgid = self.process.pid
        try:
            if self.process.poll() is None:
                os.killpg(pgid, self.stop_signal)
                try:
                    self.process.wait(timeout)
                except subprocess.TimeoutExpired:
                    pass
            # Children left in the group (if any) go too.
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        _live_groups.pop(pgid, None)

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])


def require_binary(name: str, *fallbacks: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for path in fallbacks:
        if os.access(path, os.X_OK):
            return path
    return None


# --- Tessera nodes ----------------------------------------------------------------------


def _flag_given(args: Iterable[str], flag: str) -> bool:
    return any(a == flag or a.startswith(flag + "=") for a in args)


def _flag_value(args: list[str], flag: str) -> str | None:
    for i, a in enumerate(args):
        if a == flag and i + 1 < len(args):
            return args[i + 1]
        if a.startswith(flag + "="):
            return a[len(flag) + 1:]
    return None


# Nodes and the CLI hash passwords with scrypt N=2^12 instead of the default 2^16: the
# suites log in hundreds of times on a debug build. The cost parameter itself is covered by
# the Swift tests; its real price is measured by bench/.
PASSWORD_COST = "12"


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The test's environment without TESSERA_* settings a developer may have exported
    (a stray TESSERA_REDIS_URL would change what a node is), plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TESSERA_")}
    env["TESSERA_PASSWORD_COST"] = PASSWORD_COST
    env.update(extra or {})
    return env


class Node:
    """A running `tessera serve` on 127.0.0.1.

    `stop()` and `start()` restart it on the same port and data folder with the same
    arguments; `logs()` is everything it wrote to stdout and stderr so far.
    """

    def __init__(self, binary: str, extra_args: Iterable[str], data_dir: Path, log_path: Path,
                 port: int | None = None, env: dict[str, str] | None = None):
        self.port = port or free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.data_dir = Path(data_dir)
        self.log_path = Path(log_path)
        self.extra_args = list(extra_args)
        args = ["serve", "--port", str(self.port), "--data-dir", str(self.data_dir)]
        if not _flag_given(self.extra_args, "--host"):
            args += ["--host", HOST]
        if not _flag_given(self.extra_args, "--public-url"):
            args += ["--public-url", self.url]
        if not _flag_given(self.extra_args, "--dev"):
            args += ["--dev"]
        self.argv = [binary, *args, *self.extra_args]
        self.public_url = _flag_value(self.argv, "--public-url")
        self.database_url = _flag_value(self.extra_args, "--database-url")
        self.redis_url = _flag_value(self.extra_args, "--redis-url")
        self.config = _flag_value(self.extra_args, "--config")
        self._group = ProcessGroup(self.argv, self.log_path, env=clean_env(env))

    def __repr__(self) -> str:
        return f"<Node {self.url} {' '.join(self.extra_args)}>"

    @property
    def running(self) -> bool:
        return self._group.running

    def start(self, timeout: float = 60) -> "Node":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._group.start()

        def live() -> bool:
            if not self._group.running:
                pytest.fail(f"tessera exited with {self._group.returncode} while starting: "
                            f"{' '.join(self.argv)}\n--- log ---\n{self.log_tail()}",
                            pytrace=False)
            try:
                return requests.get(self.url + "/health/live", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        if not wait_for(live, timeout, interval=0.1):
            self._group.stop()
            pytest.fail(f"tessera did not answer 200 on /health/live within {timeout:.0f} s: "
                        f"{' '.join(self.argv)}\n--- log ---\n{self.log_tail()}", pytrace=False)
        return self

    def stop(self) -> None:
        self._group.stop()

    def rss_kib(self) -> int:
        """The resident memory of the tessera process, from /proc (Linux)."""
        assert self._group.process is not None
        for line in Path(f"/proc/{self._group.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS in /proc status")

    def logs(self) -> str:
        return self._group.log_text()

    def log_tail(self, lines: int = 60) -> str:
        return self._group.log_tail(lines)


# --- redis-server -----------------------------------------------------------------------


class RedisError(Exception):
    pass


def _encode_command(args) -> bytes:
    parts = [a if isinstance(a, bytes) else str(a).encode() for a in args]
    return b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts)


class RedisConnection:
    """One RESP2 connection: replies come back as bytes, ints, lists or None, exactly as
    stored (redis-cli's output escapes and reformats). Usable as a context manager."""

    def __init__(self, port: int, timeout: float = 10):
        self._socket = socket.create_connection((HOST, port), timeout=timeout)
        self._reader = self._socket.makefile("rb")

    def command(self, *args: str | bytes) -> Any:
        self._socket.sendall(_encode_command(args))
        return _read_reply(self._reader)

    def close(self) -> None:
        self._reader.close()
        self._socket.close()

    def __enter__(self) -> "RedisConnection":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def resp_command(port: int, *args: str | bytes, timeout: float = 10) -> Any:
    """One command on a fresh connection."""
    with RedisConnection(port, timeout) as connection:
        return connection.command(*args)


def _read_reply(reader) -> Any:
    line = reader.readline()
    if not line:
        raise RedisError("connection closed")
    kind, rest = line[:1], line[1:-2]
    if kind == b"+":
        return rest
    if kind == b"-":
        raise RedisError(rest.decode(errors="replace"))
    if kind == b":":
        return int(rest)
    if kind == b"$":
        n = int(rest)
        if n < 0:
            return None
        data = reader.read(n + 2)
        return data[:-2]
    if kind == b"*":
        n = int(rest)
        return None if n < 0 else [_read_reply(reader) for _ in range(n)]
    raise RedisError(f"unexpected reply {line!r}")


class RedisServer:
    """A redis-server owned by one test, on a port it keeps across stop() and start()."""

    def __init__(self, binary: str, cli_binary: str | None, directory: Path, extra_args: Iterable[str] = ()):
        self.port = free_port()
        self.url = f"redis://{HOST}:{self.port}"
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.cli_binary = cli_binary
        # Later arguments win over earlier ones, so extra_args can turn persistence on.
        argv = [binary, "--bind", HOST, "--port", str(self.port), "--dir", str(self.dir),
                "--save", "", "--appendonly", "no", "--protected-mode", "no",
                "--daemonize", "no", *extra_args]
        self._group = ProcessGroup(argv, self.dir / "redis.log")

    def __repr__(self) -> str:
        return f"<RedisServer {self.url}>"

    @property
    def running(self) -> bool:
        return self._group.running

    def start(self, timeout: float = 30) -> "RedisServer":
        self._group.start()

        def ready() -> bool:
            if not self._group.running:
                pytest.fail(f"redis-server exited while starting\n{self._group.log_tail()}",
                            pytrace=False)
            try:
                return self.command("PING") == b"PONG"
            except (OSError, RedisError):
                return False

        if not wait_for(ready, timeout):
            self._group.stop()
            pytest.fail(f"redis-server did not start on {self.port}\n{self._group.log_tail()}",
                        pytrace=False)
        return self

    def stop(self) -> None:
        self._group.stop()

    def command(self, *args: str | bytes) -> Any:
        """One command on a fresh connection (database 0)."""
        return resp_command(self.port, *args)

    def connect(self) -> RedisConnection:
        return RedisConnection(self.port)

    def cli(self, *args: str) -> str:
        """Runs redis-cli against this server and returns its stdout."""
        if not self.cli_binary:
            pytest.fail("redis-cli is not installed", pytrace=False)
        done = subprocess.run([self.cli_binary, "-h", HOST, "-p", str(self.port), *args],
                              capture_output=True, text=True, errors="replace", timeout=60)
        assert done.returncode == 0, f"redis-cli {' '.join(args)} failed: {done.stderr}"
        return done.stdout

    def logs(self) -> str:
        return self._group.log_text()


# --- nginx ------------------------------------------------------------------------------


NGINX_CONF = """\
{user}
worker_processes 1;
daemon off;
master_process on;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 512; }}
http {{
    log_format upstream '$remote_addr "$request" $status $upstream_addr';
    access_log {dir}/access.log upstream;
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ""      close;
    }}
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    client_max_body_size 4m;
    upstream tessera {{
{servers}
    }}
    server {{
        listen {host}:{port};
        location / {{
            proxy_pass http://tessera;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # A failing node shows as an error here instead of being hidden by a retry.
            proxy_next_upstream off;
            # Which node answered: the cluster tests count on it.
            add_header X-Upstream-Addr $upstream_addr always;
        }}
        # Live events: the WebSocket upgrade passes through, and a socket may stay quiet
        # for as long as the server's pings keep it alive.
        location = /api/events {{
            proxy_pass http://tessera;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_read_timeout 1h;
            proxy_next_upstream off;
        }}
    }}
}}
"""


def _host_port(upstream: Any) -> str:
    url = upstream.url if hasattr(upstream, "url") else str(upstream)
    return url.split("://", 1)[-1].rstrip("/")


class Nginx:
    """nginx with a round-robin upstream over the given nodes (or URLs); or, with `site`,
    the given upstream and server blocks (text for nginx's `http` block) instead."""

    def __init__(self, binary: str, directory: Path, upstreams: Iterable[Any],
                 site: str | None = None, port: int | None = None):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.upstreams = [_host_port(u) for u in upstreams]
        assert self.upstreams or site, "nginx needs at least one upstream"
        conf = NGINX_CONF.format(
            user="user root;" if os.geteuid() == 0 else "",
            dir=self.dir, host=HOST, port=self.port,
            servers="\n".join(f"        server {u};" for u in self.upstreams))
        if site is not None:
            conf = conf[:conf.index("    upstream tessera {")] + site + "\n}\n"
        self.conf_path = self.dir / "nginx.conf"
        self.conf_path.write_text(conf)
        argv = [binary, "-e", str(self.dir / "error.log"), "-p", str(self.dir), "-c", str(self.conf_path)]
        self._group = ProcessGroup(argv, self.dir / "nginx.out")

    def start(self, timeout: float = 30) -> "Nginx":
        self._group.start()

        def listening() -> bool:
            if not self._group.running:
                pytest.fail(f"nginx exited while starting\n{self.error_log()}", pytrace=False)
            try:
                with socket.create_connection((HOST, self.port), timeout=1):
                    return True
            except OSError:
                return False

        if not wait_for(listening, timeout):
            self._group.stop()
            pytest.fail(f"nginx did not listen on {self.port}\n{self.error_log()}", pytrace=False)
        return self

    def stop(self) -> None:
        self._group.stop()

    def access_log(self) -> str:
        """One line per request: client, request line, status, the upstream that served it."""
        path = self.dir / "access.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def error_log(self) -> str:
        path = self.dir / "error.log"
        return path.read_text(errors="replace") if path.exists() else self._group.log_text()


# --- HTTP API helpers -------------------------------------------------------------------


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def json_body(response: requests.Response) -> Any:
    """The parsed JSON body, or None when there is none or it is not JSON."""
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def register(url: str, username: str, password: str, email: str | None = None,
             timeout: float = TIMEOUT, **extra: Any) -> tuple[int, Any, requests.Response]:
    """POST /api/accounts → (status, json, response); `extra` adds body fields."""
    payload: dict[str, Any] = {"username": username, "password": password}
    if email is not None:
        payload["email"] = email
    payload.update(extra)
    r = requests.post(url + "/api/accounts", json=payload, timeout=timeout)
    return r.status_code, json_body(r), r


def login(url: str, login: str, password: str, device: str | None = None,
          device_name: str | None = None, headers: dict[str, str] | None = None,
          timeout: float = TIMEOUT) -> tuple[int, Any, requests.Response]:
    """POST /api/login with method password → (status, json, response)."""
    payload: dict[str, Any] = {"method": "password", "login": login, "password": password}
    if device is not None:
        payload["device"] = device
    if device_name is not None:
        payload["deviceName"] = device_name
    r = requests.post(url + "/api/login", json=payload, headers=headers, timeout=timeout)
    return r.status_code, json_body(r), r


def unique_name(prefix: str = "user") -> str:
    """A username no other test (or earlier run on the same database) has used."""
    return f"{prefix}_{secrets.token_hex(6)}"


def strong_password() -> str:
    return "pw-" + secrets.token_urlsafe(18)


@dataclass
class Account:
    username: str
    password: str
    user: dict

    @property
    def id(self) -> str:
        return self.user["id"]


def new_account(url: str, prefix: str = "user", email: str | None = None) -> Account:
    """Registers a fresh user and checks the 201."""
    username, password = unique_name(prefix), strong_password()
    status, body, r = register(url, username, password, email=email)
    assert status == 201, f"register {username}: {status} {r.text}"
    assert isinstance(body, dict) and isinstance(body.get("user"), dict), r.text
    return Account(username, password, body["user"])


def login_token(url: str, login_name: str, password: str, **kwargs: Any) -> str:
    """Logs in and returns the token, checking the 200."""
    status, body, r = login(url, login_name, password, **kwargs)
    assert status == 200, f"login {login_name}: {status} {r.text}"
    assert isinstance(body, dict) and isinstance(body.get("token"), str) and body["token"], r.text
    return body["token"]


def get_session(url: str, token: str | None = None, **kwargs: Any) -> requests.Response:
    headers = dict(kwargs.pop("headers", None) or {})
    if token is not None:
        headers.update(bearer(token))
    return requests.get(url + "/api/session", headers=headers, timeout=TIMEOUT, **kwargs)


def assert_json_content_type(response: requests.Response) -> None:
    ct = response.headers.get("Content-Type", "")
    normalized = ";".join(part.strip() for part in ct.lower().split(";"))
    assert normalized == "application/json;charset=utf-8", (
        f"{response.request.method} {response.url} → {response.status_code}: "
        f"Content-Type {ct!r}, want {JSON_CONTENT_TYPE!r}")


def assert_error(response: requests.Response, status: int | Iterable[int] | None = None,
                 code: str | None = None) -> dict:
    """The response is an error in the contract's shape; returns its `error` object."""
    where = f"{response.request.method} {response.url} → {response.status_code} {response.text[:300]!r}"
    if status is not None:
        allowed = {status} if isinstance(status, int) else set(status)
        assert response.status_code in allowed, f"want {sorted(allowed)}: {where}"
    assert_json_content_type(response)
    body = json_body(response)
    assert isinstance(body, dict) and isinstance(body.get("error"), dict), f"no error object: {where}"
    error = body["error"]
    assert isinstance(error.get("code"), str) and error["code"], f"no error code: {where}"
    assert error["code"] == error["code"].upper(), f"code not UPPER_SNAKE_CASE: {where}"
    assert isinstance(error.get("message"), str) and error["message"], f"no error message: {where}"
    if code is not None:
        assert error["code"] == code, f"want code {code}: {where}"
    return error


def assert_refused(url: str, token: str | None, code: str) -> None:
    """GET /api/session with this token is refused with 401 and `code`."""
    assert_error(get_session(url, token), 401, code)


# --- raw HTTP ---------------------------------------------------------------------------


@dataclass
class RawResponse:
    status: int | None          # None: the server closed the connection without answering
    headers: dict[str, str]
    body: bytes
    raw: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def raw_http(port: int, request: bytes, timeout: float = 30) -> RawResponse:
    """Sends `request` bytes as they are and reads until the server closes the connection
    (requests must say `Connection: close`) or the response's Content-Length is read."""
    chunks: list[bytes] = []
    with socket.create_connection((HOST, port), timeout=timeout) as s:
        try:
            s.sendall(request)
        except (BrokenPipeError, ConnectionResetError):
            pass
        while True:
            try:
                data = s.recv(65536)
            except ConnectionResetError:
                break
            if not data:
                break
            chunks.append(data)
            if _complete(b"".join(chunks)):
                break
    raw = b"".join(chunks)
    return _parse_raw(raw)


def _complete(raw: bytes) -> bool:
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            try:
                return len(body) >= int(value.strip())
            except ValueError:
                return False
    return False


def _parse_raw(raw: bytes) -> RawResponse:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = None
    if lines and lines[0].startswith(b"HTTP/"):
        parts = lines[0].split()
        if len(parts) >= 2 and parts[1].isdigit():
            status = int(parts[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower().decode(errors="replace")] = value.strip().decode(errors="replace")
    return RawResponse(status, headers, body, raw)


def assert_raw_error(response: RawResponse, what: str, require_json: bool = True) -> None:
    """A hostile raw request got a 4xx (or no answer at all), never a 5xx; when the
    application answered, the body is the JSON error shape."""
    if response.status is None:
        return
    assert 400 <= response.status < 500, f"{what}: got {response.status}: {response.raw[:300]!r}"
    if not require_json:
        return
    ct = (response.header("content-type") or "").lower().replace(" ", "")
    assert ct == "application/json;charset=utf-8", f"{what}: Content-Type {ct!r}"
    body = json.loads(response.body.decode("utf-8"))
    assert isinstance(body.get("error"), dict) and body["error"].get("code"), f"{what}: {body!r}"
