"""Live session events over WebSocket (`GET /api/events`): what a socket hears, how it is
refused, its limits, and events crossing nodes through Redis behind nginx."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time

import pytest
import requests
import websockets

from tessera_e2e import TIMEOUT, bearer, json_body, login, login_token, new_account, wait_for

POLICY_VIOLATION = 1008


def ws_url(base: str) -> str:
    return base.replace("http://", "ws://", 1) + "/api/events"


def connect(base: str, token: str | None = None, origin: str | None = None, cookie: str | None = None):
    headers = {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if cookie is not None:
        headers["Cookie"] = f"tessera_session={cookie}"
    return websockets.connect(ws_url(base), origin=origin, additional_headers=headers, open_timeout=10)


async def receive(socket, timeout: float = 5) -> dict:
    return json.loads(await asyncio.wait_for(socket.recv(), timeout))


async def closed_with(socket, timeout: float = 5) -> tuple[int | None, str | None]:
    """Waits for the server to close the socket; returns its close code and reason."""
    try:
        while True:
            await asyncio.wait_for(socket.recv(), timeout)
    except websockets.ConnectionClosed as closed:
        return (closed.rcvd.code, closed.rcvd.reason) if closed.rcvd else (None, None)


async def refused(base: str, **kwargs) -> tuple[int, dict | None]:
    try:
        async with connect(base, **kwargs):
            pytest.fail("the upgrade was accepted")
    except websockets.InvalidStatus as refusal:
        body = bytes(refusal.response.body or b"")
        return refusal.response.status_code, json.loads(body) if body else None


def admin_token(node, api) -> str:
    name, password = api.make_admin(node)
    return login_token(node.url, name, password)


def test_a_socket_hears_new_logins_pushes_and_then_its_own_end(node, api):
    account = new_account(node.url)
    watched = login_token(node.url, account.username, account.password)
    other = login_token(node.url, account.username, account.password, device="mobile")
    admin = admin_token(node, api)

    async def scenario():
        async with connect(node.url, token=watched) as socket:
            status, body, _ = login(node.url, account.username, account.password, device="desktop", device_name="Work PC")
            assert status == 200
            created = await receive(socket)
            assert created == {"type": "session.created", "sessionId": body["session"]["id"], "device": "desktop",
                               "deviceName": "Work PC", "ip": "127.0.0.1"}

            data = {"order": "o-17", "total": 42.5, "items": ["书", None]}
            r = requests.post(node.url + "/api/admin/push", headers=bearer(admin), timeout=TIMEOUT,
                              json={"userId": account.id, "event": "order.created", "data": data})
            assert r.status_code == 202, r.text
            assert await receive(socket) == {"type": "push", "event": "order.created", "data": data}

            mine = requests.get(node.url + "/api/session", headers=bearer(watched), timeout=TIMEOUT).json()["session"]["id"]
            started = time.monotonic()
            r = requests.delete(node.url + f"/api/sessions/{mine}", headers=bearer(other), timeout=TIMEOUT)
            assert r.status_code == 204
            assert await receive(socket) == {"type": "session.ended", "reason": "KICKED_OUT"}
            assert await closed_with(socket) == (POLICY_VIOLATION, "KICKED_OUT")
            assert time.monotonic() - started < 1

    asyncio.run(scenario())


@pytest.mark.parametrize("how", ["logout", "replaced", "disabled"])
def test_every_way_a_session_ends_reaches_its_socket(start_node, api, how):
    node = start_node("--max-sessions", "1") if how == "replaced" else start_node()
    account = new_account(node.url)
    token = login_token(node.url, account.username, account.password)
    admin = admin_token(node, api) if how == "disabled" else None
    expected = {"logout": "LOGGED_OUT", "replaced": "REPLACED", "disabled": "ACCOUNT_DISABLED"}[how]

    async def scenario():
        async with connect(node.url, token=token) as socket:
            if how == "logout":
                assert requests.post(node.url + "/api/logout", headers=bearer(token), timeout=TIMEOUT).status_code == 204
            elif how == "replaced":
                login_token(node.url, account.username, account.password)
            else:
                r = requests.post(node.url + f"/api/admin/users/{account.id}/disable", headers=bearer(admin),
                                  json={}, timeout=TIMEOUT)
                assert r.status_code == 204, r.text
            assert await receive(socket) == {"type": "session.ended", "reason": expected}
            assert await closed_with(socket) == (POLICY_VIOLATION, expected)

    asyncio.run(scenario())


def test_an_idle_session_expires_under_an_open_socket_which_does_not_keep_it_alive(start_node):
    node = start_node("--idle-timeout", "3s", "--renewal-interval", "1s", env={"TESSERA_EVENTS_RECHECK_INTERVAL": "1s"})
    account = new_account(node.url)
    token = login_token(node.url, account.username, account.password)

    async def scenario():
        async with connect(node.url, token=token) as socket:
            started = time.monotonic()
            assert await receive(socket, timeout=10) == {"type": "session.ended", "reason": "SESSION_EXPIRED"}
            assert await closed_with(socket) == (POLICY_VIOLATION, "SESSION_EXPIRED")
            assert time.monotonic() - started >= 2

    asyncio.run(scenario())
    r = requests.get(node.url + "/api/session", headers=bearer(token), timeout=TIMEOUT)
    assert r.status_code == 401 and r.headers.get("X-Tessera-Reason") == "SESSION_EXPIRED"


def test_upgrades_are_refused_with_the_api_s_own_errors(node):
    account = new_account(node.url)
    token = login_token(node.url, account.username, account.password)
    foreign = "http://evil.example"

    async def scenario():
        status, body = await refused(node.url)
        assert (status, body["error"]["code"]) == (401, "NOT_LOGGED_IN")
        status, body = await refused(node.url, token="ts1.forged")
        assert (status, body["error"]["code"]) == (401, "INVALID_TOKEN")
        # Cross-site WebSocket hijacking: a browser sends the victim's cookie from any site.
        status, body = await refused(node.url, cookie=token, origin=foreign)
        assert (status, body["error"]["code"]) == (403, "CSRF_REJECTED")
        status, body = await refused(node.url, cookie=token)
        assert (status, body["error"]["code"]) == (403, "CSRF_REJECTED")
        status, body = await refused(node.url, token=token, origin=foreign)
        assert (status, body["error"]["code"]) == (403, "CSRF_REJECTED")
        async with connect(node.url, cookie=token, origin=node.url) as socket:
            await socket.ping()
        async with connect(node.url, token=token) as socket:
            await socket.ping()

    asyncio.run(scenario())
    plain = requests.get(node.url + "/api/events", headers=bearer(token), timeout=TIMEOUT)
    assert plain.status_code == 426 and json_body(plain)["error"]["code"] == "UPGRADE_REQUIRED"
    assert requests.get(node.url + "/api/events", timeout=TIMEOUT).status_code == 401


def test_a_socket_that_floods_or_sends_too_much_is_closed(node):
    account = new_account(node.url)
    token = login_token(node.url, account.username, account.password)

    async def scenario():
        async with connect(node.url, token=token) as socket:
            for _ in range(40):
                await socket.send("{}")
            assert (await closed_with(socket))[0] == POLICY_VIOLATION
        async with connect(node.url, token=token) as socket:
            await socket.send("x" * 5000)
            assert (await closed_with(socket))[0] == 1009
        # The session itself is untouched by what its socket did.
        async with connect(node.url, token=token) as socket:
            await socket.ping()

    asyncio.run(scenario())


def test_admin_push_refuses_what_it_cannot_deliver(node, api):
    admin = admin_token(node, api)
    account = new_account(node.url)

    def push(body):
        return requests.post(node.url + "/api/admin/push", headers=bearer(admin), json=body, timeout=TIMEOUT)

    assert push({"userId": "no-such-user", "event": "e", "data": 1}).status_code == 404
    for body in ({"userId": account.id, "data": 1}, {"userId": account.id, "event": "e"},
                 {"userId": account.id, "event": "bad name!", "data": 1},
                 {"userId": account.id, "event": "e", "data": "x" * 9000}):
        r = push(body)
        assert r.status_code == 400 and json_body(r)["error"]["code"] == "INVALID_INPUT", (body, r.text)
    user_token = login_token(node.url, account.username, account.password)
    r = requests.post(node.url + "/api/admin/push", headers=bearer(user_token), timeout=TIMEOUT,
                      json={"userId": account.id, "event": "e", "data": 1})
    assert r.status_code == 403


def test_a_kick_out_on_one_node_closes_sockets_held_by_both_nodes_behind_nginx(start_node, nginx, redis_url, database_url, api):
    key = base64.b64encode(os.urandom(32)).decode()
    a, b = (start_node("--redis-url", redis_url, "--database-url", database_url, "--server-key", key) for _ in range(2))
    proxy = nginx([a, b])
    account = new_account(proxy.url)
    first = login_token(proxy.url, account.username, account.password)
    second = login_token(proxy.url, account.username, account.password, device="mobile")
    admin_name, admin_password = api.make_admin(a, database_url=database_url)
    admin = login_token(a.url, admin_name, admin_password)

    async def scenario():
        # Round robin: two sockets opened one after the other land on different nodes.
        async with connect(proxy.url, token=first) as one, connect(proxy.url, token=second) as two:
            await one.ping()
            await two.ping()
            started = time.monotonic()
            r = requests.post(a.url + f"/api/admin/users/{account.id}/kickout", headers=bearer(admin), json={}, timeout=TIMEOUT)
            assert r.status_code == 204
            for socket in (one, two):
                assert await receive(socket, timeout=1) == {"type": "session.ended", "reason": "KICKED_OUT"}
                assert await closed_with(socket, timeout=1) == (POLICY_VIOLATION, "KICKED_OUT")
            assert time.monotonic() - started < 1

    asyncio.run(scenario())

    def upstreams_of_sockets():
        return {line.split()[-1] for line in proxy.access_log().splitlines() if "/api/events" in line and " 101 " in line}

    assert wait_for(lambda: len(upstreams_of_sockets()) == 2, 5), proxy.access_log()


def test_a_thousand_sockets_stay_open_for_a_minute_and_all_hear_a_push(node, api):
    sockets_wanted, hold_seconds = 1000, 60
    admin = admin_token(node, api)
    account = new_account(node.url)
    tokens = [login_token(node.url, account.username, account.password) for _ in range(10)]
    before = node.rss_kib()

    async def scenario():
        sockets = []
        for i in range(sockets_wanted):
            sockets.append(await connect(node.url, token=tokens[i % len(tokens)]))
        opened = node.rss_kib()
        deadline = time.monotonic() + hold_seconds
        while time.monotonic() < deadline:
            await asyncio.sleep(10)
            await asyncio.gather(*(socket.ping() for socket in sockets))
        assert all(socket.state is websockets.protocol.State.OPEN for socket in sockets)
        r = requests.post(node.url + "/api/admin/push", headers=bearer(admin), timeout=TIMEOUT,
                          json={"userId": account.id, "event": "roll-call", "data": None})
        assert r.status_code == 202
        heard = await asyncio.gather(*(receive(socket, timeout=10) for socket in sockets))
        assert all(message == {"type": "push", "event": "roll-call", "data": None} for message in heard)
        await asyncio.gather(*(socket.close() for socket in sockets))
        return opened

    opened = asyncio.run(scenario())
    per_socket = (opened - before) * 1024 / sockets_wanted
    print(f"\n{sockets_wanted} sockets for {hold_seconds} s: RSS {before} KiB -> {opened} KiB, "
          f"about {per_socket / 1024:.1f} KiB per socket")
