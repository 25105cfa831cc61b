"""Two nodes sharing Redis, PostgreSQL and a server key behind nginx round-robin, and the
device policy under concurrent logins on both session stores."""

from __future__ import annotations

import base64
import os
import threading
from collections import Counter
from types import SimpleNamespace

import pytest
import requests

from tessera_e2e import (TIMEOUT, assert_error, bearer, get_session, json_body, login,
                         login_token, new_account)

UPSTREAM = "X-Upstream-Addr"   # set by the test's nginx: which node answered


def server_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def start_cluster(start_node, redis_url: str, database_url: str, *extra: str, nodes: int = 2):
    key = server_key()
    return [start_node("--redis-url", redis_url, "--database-url", database_url,
                       "--server-key", key, *extra) for _ in range(nodes)]


@pytest.fixture
def cluster(start_node, nginx, redis_url, database_url):
    a, b = start_cluster(start_node, redis_url, database_url)
    return SimpleNamespace(a=a, b=b, proxy=nginx([a, b]))


def address(node) -> str:
    return f"127.0.0.1:{node.port}"


def test_a_login_through_nginx_is_seen_by_every_node(cluster):
    proxy = cluster.proxy.url
    account = new_account(proxy)
    token = login_token(proxy, account.username, account.password)

    served = []
    for _ in range(20):
        r = get_session(proxy, token)
        assert r.status_code == 200, f"{r.headers.get(UPSTREAM)}: {r.status_code} {r.text}"
        assert r.json()["user"]["id"] == account.id
        assert r.json()["user"]["username"] == account.username
        served.append(r.headers[UPSTREAM])

    assert set(served) == {address(cluster.a), address(cluster.b)}, served
    assert all(x != y for x, y in zip(served, served[1:])), f"requests did not alternate: {served}"
    assert Counter(served) == {address(cluster.a): 10, address(cluster.b): 10}

    for node in (cluster.a, cluster.b):
        r = get_session(node.url, token)
        assert r.status_code == 200, f"{node}: {r.text}"
        assert r.json()["user"]["id"] == account.id


def test_a_logout_on_one_node_is_refused_by_the_other_at_once(cluster):
    account = new_account(cluster.proxy.url)
    token = login_token(cluster.proxy.url, account.username, account.password)
    assert get_session(cluster.a.url, token).status_code == 200
    assert get_session(cluster.b.url, token).status_code == 200

    r = requests.post(cluster.a.url + "/api/logout", headers=bearer(token), timeout=TIMEOUT)
    assert r.status_code == 204, r.text

    assert_error(get_session(cluster.b.url, token), 401, "LOGGED_OUT")
    assert_error(get_session(cluster.a.url, token), 401, "LOGGED_OUT")
    for _ in range(2):
        assert_error(get_session(cluster.proxy.url, token), 401, "LOGGED_OUT")


def test_accounts_are_shared_through_postgresql(cluster):
    account = new_account(cluster.a.url)
    token = login_token(cluster.b.url, account.username, account.password)
    r = get_session(cluster.a.url, token)
    assert r.status_code == 200 and r.json()["user"]["id"] == account.id, r.text


def test_a_role_change_on_one_node_is_seen_by_the_next_request_on_the_other(cluster, api, database_url):
    """Accounts are cached in Redis and the entry is deleted before a write returns: no
    node keeps serving the roles an administrator just changed on another."""
    admin_name, admin_password = api.make_admin(cluster.a, database_url=database_url)
    admins = {node: login_token(node.url, admin_name, admin_password) for node in (cluster.a, cluster.b)}
    account = new_account(cluster.a.url)
    token = login_token(cluster.b.url, account.username, account.password)

    def roles_seen_by(node):
        r = get_session(node.url, token)
        assert r.status_code == 200, r.text
        return r.json()["user"]["roles"]

    def set_roles(node, roles):
        r = requests.put(f"{node.url}/api/admin/users/{account.id}/roles", json={"roles": roles},
                         headers=bearer(admins[node]), timeout=TIMEOUT)
        assert r.status_code == 200, r.text

    for writer, reader, roles in ((cluster.a, cluster.b, ["support"]), (cluster.b, cluster.a, []),
                                  (cluster.a, cluster.b, ["admin"])):
        roles_seen_by(reader)   # the reader has the account cached now
        set_roles(writer, roles)
        assert roles_seen_by(reader) == roles

    set_roles(cluster.b, [])
    r = requests.get(cluster.a.url + "/api/admin/users", headers=bearer(token), timeout=TIMEOUT)
    assert_error(r, 403, "FORBIDDEN")


# --- device policy under concurrent logins ---------------------------------------------

LOGINS = 20
LIMIT = 3


def concurrent_logins(urls: list[str], username: str, password: str) -> list[requests.Response]:
    """LOGINS logins at once, spread over `urls`, released together by a barrier."""
    barrier = threading.Barrier(LOGINS)
    results: list[requests.Response | BaseException | None] = [None] * LOGINS

    def one(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            # Twenty password hashes queue up on two cores: give the last one time.
            results[i] = login(urls[i % len(urls)], username, password, timeout=4 * TIMEOUT)[2]
        except BaseException as error:   # reported below, with the others
            results[i] = error

    threads = [threading.Thread(target=one, args=(i,)) for i in range(LOGINS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=5 * TIMEOUT)
    errors = [r for r in results if not isinstance(r, requests.Response)]
    assert not errors, f"{len(errors)} logins did not get an answer: {errors[:3]}"
    return results  # type: ignore[return-value]


@pytest.fixture(params=["memory", "redis"])
def policy_nodes(request, start_node):
    """Start nodes with the given device-policy flags: one memory node, or two nodes on
    Redis and PostgreSQL (the logins then race across processes)."""
    def start(*flags: str):
        if request.param == "memory":
            return [start_node(*flags)]
        return start_cluster(start_node, request.getfixturevalue("redis_url"),
                             request.getfixturevalue("database_url"), *flags)
    return start


def live_tokens(url: str, tokens: list[str]) -> tuple[list[str], list[requests.Response]]:
    alive, refused = [], []
    for token in tokens:
        r = get_session(url, token)
        if r.status_code == 200:
            alive.append(token)
        else:
            refused.append(r)
    return alive, refused


def test_concurrent_logins_replace_down_to_the_limit(policy_nodes):
    nodes = policy_nodes("--max-sessions", str(LIMIT), "--session-overflow", "replace")
    account = new_account(nodes[0].url)
    responses = concurrent_logins([n.url for n in nodes], account.username, account.password)

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {200: LOGINS}, f"{statuses}: {[r.text for r in responses if r.status_code != 200][:3]}"
    tokens = [r.json()["token"] for r in responses]
    assert len(set(tokens)) == LOGINS

    alive, refused = live_tokens(nodes[-1].url, tokens)
    assert len(alive) == LIMIT, f"{len(alive)} sessions alive, want {LIMIT}"
    for r in refused:
        assert_error(r, 401, "REPLACED")

    r = requests.get(nodes[0].url + "/api/sessions", headers=bearer(alive[0]), timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    assert len(r.json()["sessions"]) == LIMIT, r.json()


def test_concurrent_logins_over_the_limit_are_rejected(policy_nodes):
    nodes = policy_nodes("--max-sessions", str(LIMIT), "--session-overflow", "reject")
    account = new_account(nodes[0].url)
    responses = concurrent_logins([n.url for n in nodes], account.username, account.password)

    accepted = [r for r in responses if r.status_code == 200]
    rejected = [r for r in responses if r.status_code != 200]
    assert len(accepted) == LIMIT, Counter(r.status_code for r in responses)
    assert len(rejected) == LOGINS - LIMIT
    for r in rejected:
        assert_error(r, 409, "SESSION_LIMIT")

    tokens = [json_body(r)["token"] for r in accepted]
    alive, refused = live_tokens(nodes[-1].url, tokens)
    assert len(alive) == LIMIT and not refused, [r.text for r in refused]

    r = requests.get(nodes[0].url + "/api/sessions", headers=bearer(alive[0]), timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    assert len(r.json()["sessions"]) == LIMIT, r.json()

    # A slot freed by a logout is available again.
    r = requests.post(nodes[0].url + "/api/logout", headers=bearer(alive[0]), timeout=TIMEOUT)
    assert r.status_code == 204, r.text
    login_token(nodes[-1].url, account.username, account.password)
