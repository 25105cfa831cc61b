"""Hostile input: every answer is a 4xx (never a 5xx) in the JSON error shape when the
application answered, the node stays up, and nothing is left half-written."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
import requests

from tessera_e2e import (TIMEOUT, assert_error, assert_raw_error, bearer, get_session,
                         login, login_token, new_account, raw_http, register,
                         strong_password, unique_name)

MB = 1024 * 1024
RNG = random.Random(20240601)
BINARY = bytes(RNG.randrange(256) for _ in range(4096))


class Probe:
    """Sends hostile requests to one node and collects every broken promise, so one run
    reports all of them."""

    def __init__(self, node):
        self.node = node
        self.problems: list[str] = []

    def http(self, method: str, path: str, what: str = "", allow_no_answer: bool = False,
             require_json: bool = True, status: int | set[int] | None = None,
             **kwargs: Any) -> requests.Response | None:
        what = f"{method} {path} {what}".strip()
        try:
            r = requests.request(method, self.node.url + path, timeout=TIMEOUT, **kwargs)
        except requests.ConnectionError as error:
            if not allow_no_answer:
                self.problems.append(f"{what}: no answer ({error.__class__.__name__})")
            return None
        if not 400 <= r.status_code < 500:
            self.problems.append(f"{what}: {r.status_code} {r.text[:200]!r}")
        elif require_json:
            try:
                assert_error(r, status)
            except AssertionError as error:
                self.problems.append(f"{what}: {error}")
        return r

    def raw(self, request: bytes, what: str, require_json: bool = False) -> None:
        try:
            assert_raw_error(raw_http(self.node.port, request), what, require_json=require_json)
        except (AssertionError, ValueError) as error:
            self.problems.append(f"{what}: {error}")
        except OSError:
            pass   # the server closed the connection on us: an acceptable answer to garbage

    def verify(self) -> None:
        try:
            live = requests.get(self.node.url + "/health/live", timeout=TIMEOUT).status_code
        except requests.RequestException as error:
            live = error
        if live != 200 or not self.node.running:
            self.problems.append(f"node is not alive afterwards (/health/live: {live})")
        assert not self.problems, "\n".join(["hostile input was mishandled:", *self.problems])


def json_post_kwargs(body: Any) -> dict[str, Any]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return {"data": data, "headers": {"Content-Type": "application/json"}}


# Bodies wrong for any JSON route of ours.
NOT_JSON_OBJECTS: list[tuple[str, bytes]] = [
    ("malformed", b"{"),
    ("trailing comma", b'{"username": "a",}'),
    ("array", b"[]"),
    ("string", b'"text"'),
    ("number", b"123"),
    ("binary", BINARY),
    ("NUL bytes", b"\x00" * 64),
    ("invalid UTF-8", b'{"username": "\xff\xfe", "password": "\xc3\x28"}'),
    ("deep nesting", b"[" * 100_000 + b"]" * 100_000),
    ("1 MB of garbage", bytes(RNG.randrange(256) for _ in range(1024)) * 1024),
]


@pytest.fixture
def probe(node):
    return Probe(node)


def test_hostile_bodies_on_accounts_and_login(node, probe):
    victim = new_account(node.url)
    big = "a" * MB
    for path, bodies in {
        "/api/accounts": [
            ("empty object", {}),
            ("null", None),
            ("missing password", {"username": unique_name()}),
            ("missing username", {"password": strong_password()}),
            ("number username", {"username": 5, "password": strong_password()}),
            ("array username", {"username": ["a"], "password": strong_password()}),
            ("object password", {"username": unique_name(), "password": {"x": 1}}),
            ("bool email", {"username": unique_name(), "password": strong_password(), "email": True}),
            ("bad email", {"username": unique_name(), "password": strong_password(), "email": "not-an-email"}),
            ("NUL in username", {"username": "ab\u0000cd" + unique_name(), "password": strong_password()}),
            ("very long username", {"username": "u" * 10_000, "password": strong_password()}),
            ("1 MB username", {"username": big, "password": strong_password()}),
            ("1 MB password", {"username": unique_name(), "password": big}),
        ],
        "/api/login": [
            ("empty object", {}),
            ("null", None),
            ("no method", {"login": victim.username, "password": victim.password + "x"}),
            ("unknown method", {"method": "magic", "login": victim.username, "password": "x"}),
            ("number method", {"method": 5, "login": victim.username, "password": "x"}),
            ("number login", {"method": "password", "login": 5, "password": "x" * 10}),
            ("bool password", {"method": "password", "login": victim.username, "password": True}),
            ("missing password", {"method": "password", "login": victim.username}),
            ("number device", {"method": "password", "login": victim.username,
                               "password": victim.password, "device": 5}),
            ("array deviceName", {"method": "password", "login": victim.username,
                                  "password": victim.password, "deviceName": ["x"]}),
            ("1 MB password", {"method": "password", "login": victim.username, "password": big}),
        ],
    }.items():
        for what, body in bodies:
            probe.http("POST", path, what, allow_no_answer=len(json.dumps(body)) >= MB,
                       **json_post_kwargs(body))
        for what, data in NOT_JSON_OBJECTS:
            probe.http("POST", path, what, allow_no_answer=len(data) >= MB,
                       **json_post_kwargs(data))
        probe.http("POST", path, "as text/plain", data=b"hello",
                   headers={"Content-Type": "text/plain"})
        probe.http("POST", path, "no body")

    # None of it created a session for the victim.
    token = login_token(node.url, victim.username, victim.password)
    r = requests.get(node.url + "/api/sessions", headers=bearer(token), timeout=TIMEOUT)
    assert r.status_code == 200 and len(r.json()["sessions"]) == 1, r.text
    probe.verify()


def test_hostile_bodies_on_authenticated_routes(node, probe, api):
    account = new_account(node.url)
    token = login_token(node.url, account.username, account.password)
    admin_name, admin_password = api.make_admin(node)
    admin = login_token(node.url, admin_name, admin_password)
    target = new_account(node.url)
    target_token = login_token(node.url, target.username, target.password)

    auth = bearer(token)
    for what, body in [
        ("empty object", {}),
        ("number passwords", {"currentPassword": 5, "newPassword": 6, "endOtherSessions": False}),
        ("missing new password", {"currentPassword": account.password}),
        ("string flag", {"currentPassword": account.password, "newPassword": strong_password(),
                         "endOtherSessions": "yes"}),
        ("weak new password", {"currentPassword": account.password, "newPassword": "short",
                               "endOtherSessions": False}),
        ("1 MB new password", {"currentPassword": account.password, "newPassword": "p" * MB,
                               "endOtherSessions": False}),
    ]:
        kwargs = json_post_kwargs(body)
        kwargs["headers"].update(auth)
        probe.http("POST", "/api/password", what, allow_no_answer=len(kwargs["data"]) >= MB, **kwargs)
    for what, data in NOT_JSON_OBJECTS:
        kwargs = json_post_kwargs(data)
        kwargs["headers"].update(auth)
        probe.http("POST", "/api/password", what, allow_no_answer=len(data) >= MB, **kwargs)
    # The password did not change.
    assert login(node.url, account.username, account.password)[0] == 200

    admin_auth = bearer(admin)
    base = f"/api/admin/users/{target.id}"
    for method, path, what, body in [
        ("PUT", base + "/roles", "roles a string", {"roles": "admin"}),
        ("PUT", base + "/roles", "roles numbers", {"roles": [1, 2]}),
        ("PUT", base + "/roles", "no roles", {}),
        ("POST", base + "/disable", "until not a date", {"until": "not a date"}),
        ("POST", base + "/disable", "until a number", {"until": 5}),
        ("POST", base + "/kickout", "device a number", {"device": 5}),
    ]:
        kwargs = json_post_kwargs(body)
        kwargs["headers"].update(admin_auth)
        probe.http(method, path, what, **kwargs)
    for path, method in [(base + "/roles", "PUT"), (base + "/disable", "POST"), (base + "/kickout", "POST")]:
        for what, data in NOT_JSON_OBJECTS:
            kwargs = json_post_kwargs(data)
            kwargs["headers"].update(admin_auth)
            probe.http(method, path, what, allow_no_answer=len(data) >= MB, **kwargs)

    for bad_id in ("nope", "0", "x" * 5000, "%00", "%ff%fe", "..%2F..%2Fetc"):
        probe.http("GET", f"/api/admin/users/{bad_id}/sessions", "unknown id", headers=admin_auth)
        probe.http("POST", f"/api/admin/users/{bad_id}/kickout", "unknown id", headers=admin_auth, json={})
        probe.http("POST", f"/api/admin/users/{bad_id}/disable", "unknown id", headers=admin_auth, json={})
        probe.http("DELETE", f"/api/sessions/{bad_id}", "unknown session", headers=auth)
    probe.http("DELETE", "/api/sessions/x", "no token", status=401)
    probe.http("GET", "/api/admin/users", "not an admin", headers=auth, status=403)
    probe.http("POST", base + "/disable", "not an admin", headers=auth, json={}, status=403)

    # The target is untouched: its session lives and its roles did not change.
    assert get_session(node.url, target_token).status_code == 200
    r = requests.get(node.url + "/api/admin/users", params={"query": target.username},
                     headers=admin_auth, timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    found = [u for u in r.json()["users"] if u["id"] == target.id]
    assert found and found[0]["roles"] == target.user["roles"], r.text
    assert get_session(node.url, token).status_code == 200
    probe.verify()


def test_hostile_headers_and_cookies(node, probe):
    account = new_account(node.url)
    token = login_token(node.url, account.username, account.password)
    port = node.port

    for what, headers, status in [
        ("garbage cookie", {"Cookie": "tessera_session=garbage"}, 401),
        ("garbled cookies", {"Cookie": ";;;===; tessera_session; tessera_session=;=x;"}, 401),
        ("empty cookie", {"Cookie": "tessera_session="}, 401),
        ("quoted cookie", {"Cookie": 'tessera_session="' + token + '"x'}, 401),
        ("16 KB cookie", {"Cookie": "tessera_session=" + "c" * 16 * 1024}, None),
        ("bearer without token", {"Authorization": "Bearer"}, 401),
        ("bearer blank", {"Authorization": "Bearer   "}, 401),
        ("bearer 20 KB", {"Authorization": "Bearer " + "A" * 20_000}, None),
        ("bearer with spaces", {"Authorization": "Bearer a b c"}, 401),
        ("basic auth", {"Authorization": "Basic dXNlcjpwYXNzd29yZA=="}, 401),
        ("unknown scheme", {"Authorization": "Token " + token + "x"}, 401),
    ]:
        probe.http("GET", "/api/session", what, headers=headers, status=status)
        probe.http("POST", "/api/logout", what, headers=headers, status=status)

    probe.http("GET", "/api/session", "60 KB cookie", allow_no_answer=True, require_json=False,
               headers={"Cookie": "tessera_session=" + "c" * 60 * 1024})
    probe.http("GET", "/api/session", "64 KB header", allow_no_answer=True, require_json=False,
               headers={"X-Junk": "j" * 64 * 1024})
    probe.http("GET", "/api/session", "2000 headers", allow_no_answer=True, require_json=False,
               headers={f"X-Junk-{i}": "v" for i in range(2000)})

    def request(head: bytes, body: bytes = b"") -> bytes:
        return head + b"\r\nConnection: close\r\nContent-Length: %d\r\n\r\n" % len(body) + body

    host = b"Host: 127.0.0.1:%d" % port
    probe.raw(request(b"GET /api/session HTTP/1.1\r\n" + host + b"\r\nCookie: tessera_session=\x00\xff\xfe\x01"),
              "binary cookie")
    probe.raw(request(b"GET /api/session HTTP/1.1\r\n" + host + b"\r\nAuthorization: Bearer \x00\xff\x80abc"),
              "binary bearer token")
    probe.raw(request(b"GET /api/session HTTP/1.1\r\n" + host + b"\r\nCookie: " + BINARY[:2000].replace(b"\r", b"").replace(b"\n", b"")),
              "binary cookie header")
    probe.raw(request(b"GET /api/session HTTP/1.1\r\nHost: \x00\xff"), "binary host")
    probe.raw(request(b"POST /api/login HTTP/1.1\r\n" + host + b"\r\nContent-Type: application/json",
                      b'{"method":"password","login":"a\x00b","password":"\x00\x00\x00\x00\x00\x00\x00\x00"}'),
              "NUL bytes in JSON strings", require_json=True)
    probe.raw(request(b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\n" + host), "100 KB path")
    probe.raw(b"POST /api/login HTTP/1.1\r\n" + host + b"\r\nConnection: close\r\n"
              b"Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
              "broken chunked encoding")
    probe.raw(BINARY + b"\r\n\r\n", "not HTTP at all")

    assert get_session(node.url, token).status_code == 200
    probe.verify()


def test_unknown_routes_and_wrong_methods(node, probe):
    for path in ("/nope", "/api/nope", "/api/accounts/x/y", "/api/v2/login", "/api/session/x/y/z",
                 "/health", "/%00", "/api/%ff%fe"):
        probe.http("GET", path, "unknown route", status=404)
        probe.http("POST", path, "unknown route", status=404, json={})
    for method, path in [
        ("GET", "/api/login"), ("PUT", "/api/login"), ("DELETE", "/api/accounts"),
        ("GET", "/api/accounts"), ("GET", "/api/logout"), ("PATCH", "/api/password"),
        ("POST", "/health/live"), ("DELETE", "/health/ready"), ("PUT", "/api/session"),
        ("PATCH", "/api/sessions"),
    ]:
        probe.http(method, path, "wrong method", status=405)
    probe.verify()


def test_refused_registrations_leave_the_username_free(node, probe, api):
    prefix = unique_name("hostile")
    name = prefix + "_x"
    good = strong_password()
    for what, body in [
        ("weak password", {"username": name, "password": "short"}),
        ("common password", {"username": name, "password": "password"}),
        ("number password", {"username": name, "password": 12345678}),
        ("bad email", {"username": name, "password": good, "email": "@@"}),
        ("bool phone", {"username": name, "password": good, "phone": False}),
        ("1 MB password", {"username": name, "password": "p" * MB}),
        ("NUL username", {"username": name + "\u0000", "password": good}),
        ("long username", {"username": name + "y" * 5000, "password": good}),
    ]:
        probe.http("POST", "/api/accounts", what, allow_no_answer=len(json.dumps(body)) >= MB,
                   **json_post_kwargs(body))
    probe.verify()

    status, body, r = register(node.url, name, good)
    assert status == 201, f"{name} was left taken by a refused registration: {r.text}"
    assert login(node.url, name, good)[0] == 200

    admin_name, admin_password = api.make_admin(node)
    admin = login_token(node.url, admin_name, admin_password)
    listed = []
    for params in ({"query": prefix}, {}):
        r = requests.get(node.url + "/api/admin/users", params=params, headers=bearer(admin),
                         timeout=TIMEOUT)
        assert r.status_code == 200, r.text
        listed += [u["username"] for u in r.json()["users"]]
    names = sorted({n for n in listed if (n or "").startswith(prefix)})
    assert names == [name], f"accounts left behind: {names}"
