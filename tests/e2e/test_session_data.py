"""Session data on two nodes that share Redis and a server key: what one node writes, the
other reads at once; concurrent writers on both lose nothing; a visitor's cart survives
login on the other node."""

from __future__ import annotations

import base64
import os
import threading
from types import SimpleNamespace

import pytest
import requests

from tessera_e2e import TIMEOUT, assert_error, bearer, login, new_account

ATTRIBUTES = 50


def data_url(base: str, key: str | None = None) -> str:
    return f"{base}/api/session/data" + (f"/{key}" if key else "")


def start_pair(start_node, redis_url: str, *extra: str):
    key = base64.b64encode(os.urandom(32)).decode()
    env = {"TESSERA_SESSION_DATA_MAX_ATTRIBUTES": str(ATTRIBUTES)}
    return [start_node("--redis-url", redis_url, "--server-key", key, "--anonymous-sessions", *extra,
                       env=env) for _ in range(2)]


@pytest.fixture
def pair(start_node, nginx, redis_url):
    """Two nodes on Redis with their own SQLite: a visitor's session needs no account."""
    a, b = start_pair(start_node, redis_url)
    return SimpleNamespace(a=a, b=b, proxy=nginx([a, b]))


def put(base: str, key: str, value, token: str | None = None) -> requests.Response:
    headers = bearer(token) if token else {}
    return requests.put(data_url(base, key), json={"value": value}, headers=headers, timeout=TIMEOUT)


def get(base: str, token: str, key: str | None = None) -> requests.Response:
    return requests.get(data_url(base, key), headers=bearer(token), timeout=TIMEOUT)


def test_an_attribute_written_through_node_a_is_read_through_node_b_at_once(pair):
    started = put(pair.a.url, "cart", ["book"])
    assert started.status_code == 204, started.text
    token = started.cookies["tessera_session"]
    r = get(pair.b.url, token, "cart")
    assert r.status_code == 200 and r.json() == {"value": ["book"]}, r.text

    for step in range(10):
        writer, reader = (pair.a, pair.b) if step % 2 == 0 else (pair.b, pair.a)
        assert put(writer.url, "step", step, token).status_code == 204
        r = get(reader.url, token, "step")
        assert r.status_code == 200 and r.json() == {"value": step}, f"{reader}: {r.text}"

    # Through nginx, round-robin: each read lands on the other node than the write before it.
    for step in range(10):
        assert put(pair.proxy.url, "via-proxy", {"step": step}, token).status_code == 204
        r = get(pair.proxy.url, token, "via-proxy")
        assert r.status_code == 200 and r.json() == {"value": {"step": step}}, r.text

    assert requests.delete(data_url(pair.b.url, "cart"), headers=bearer(token), timeout=TIMEOUT).status_code == 204
    assert_error(get(pair.a.url, token, "cart"), 404, "NOT_FOUND")
    assert get(pair.a.url, token).json() == {"data": {"step": 9, "via-proxy": {"step": 9}}}


def test_fifty_writers_on_two_nodes_lose_none(pair):
    token = put(pair.a.url, "item-0", 0).cookies["tessera_session"]
    barrier = threading.Barrier(ATTRIBUTES - 1)
    statuses: list[int | BaseException | None] = [None] * ATTRIBUTES

    def write(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            node = pair.a if index % 2 == 0 else pair.b
            statuses[index] = put(node.url, f"item-{index}", index, token).status_code
        except BaseException as error:   # reported below, with the others
            statuses[index] = error

    threads = [threading.Thread(target=write, args=(i,)) for i in range(1, ATTRIBUTES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=2 * TIMEOUT)
    assert statuses[1:] == [204] * (ATTRIBUTES - 1), statuses

    expected = {f"item-{i}": i for i in range(ATTRIBUTES)}
    for node in (pair.a, pair.b):
        r = get(node.url, token)
        assert r.status_code == 200 and r.json() == {"data": expected}, f"{node}: {r.text[:500]}"
    assert_error(put(pair.b.url, "one-too-many", 1, token), 413, "SESSION_DATA_TOO_LARGE")


def test_a_visitors_cart_survives_login_on_the_other_node(start_node, redis_url, database_url):
    a, b = start_pair(start_node, redis_url, "--database-url", database_url)
    account = new_account(a.url)
    visitor = put(a.url, "cart", {"items": ["book", "pen"]}).cookies["tessera_session"]

    status, body, r = login(b.url, account.username, account.password, headers=bearer(visitor))
    assert status == 200, r.text
    token = body["token"]
    assert token != visitor
    for node in (a, b):
        r = get(node.url, token)
        assert r.status_code == 200 and r.json() == {"data": {"cart": {"items": ["book", "pen"]}}}, r.text
        assert_error(get(node.url, visitor), 401, "LOGGED_OUT")
        assert_error(put(node.url, "cart", [], visitor), 401, "LOGGED_OUT")
