"""Redis stopped under a running node: fail closed with 503, keep serving what needs no
store, and recover by itself when Redis is back."""

from __future__ import annotations

import requests

from tessera_e2e import (TIMEOUT, assert_error, bearer, get_session, login, login_token,
                         new_account, wait_for)

RECOVERY_SECONDS = 20


def assert_store_unavailable(r: requests.Response, code: str | None = "STORE_UNAVAILABLE") -> None:
    assert_error(r, 503, code)
    retry_after = r.headers.get("Retry-After", "")
    assert retry_after.isdigit(), f"503 without a Retry-After in seconds: {retry_after!r}"


def test_redis_outage_fails_closed_and_recovers(start_node, redis_server):
    # Persistence on, so the session outlives the restart of redis-server.
    redis = redis_server("--appendonly", "yes", "--appendfsync", "always")
    node = start_node("--redis-url", redis.url)
    account = new_account(node.url)
    token = login_token(node.url, account.username, account.password)
    assert get_session(node.url, token).status_code == 200
    assert requests.get(node.url + "/health/ready", timeout=TIMEOUT).status_code == 200

    redis.stop()

    for _ in range(3):
        assert_store_unavailable(get_session(node.url, token))
    r = requests.get(node.url + "/api/sessions", headers=bearer(token), timeout=TIMEOUT)
    assert_store_unavailable(r)
    r = requests.post(node.url + "/api/logout", headers=bearer(token), timeout=TIMEOUT)
    assert_store_unavailable(r)
    # A login cannot create a session either; it must not look like bad credentials.
    _, _, r = login(node.url, account.username, account.password)
    assert_store_unavailable(r, code=None)

    r = requests.get(node.url + "/health/live", timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    assert_error(get_session(node.url), 401, "NOT_LOGGED_IN")
    assert_error(requests.get(node.url + "/health/ready", timeout=TIMEOUT), 503, "NOT_READY")
    assert node.running

    redis.start()

    last: list[requests.Response] = []

    def session_back() -> bool:
        last[:] = [get_session(node.url, token)]
        assert last[0].status_code in (200, 503), f"{last[0].status_code} {last[0].text}"
        return last[0].status_code == 200

    assert wait_for(session_back, RECOVERY_SECONDS, interval=0.25), (
        f"no recovery {RECOVERY_SECONDS} s after Redis came back: "
        f"{last[0].status_code} {last[0].text}")
    assert last[0].json()["user"]["id"] == account.id

    assert wait_for(lambda: requests.get(node.url + "/health/ready", timeout=TIMEOUT)
                    .status_code == 200, RECOVERY_SECONDS, interval=0.25)
    # The same process served it all, and logins work again.
    assert node.running
    fresh = login_token(node.url, account.username, account.password)
    assert get_session(node.url, fresh).status_code == 200
    r = requests.post(node.url + "/api/logout", headers=bearer(token), timeout=TIMEOUT)
    assert r.status_code == 204, r.text
    assert_error(get_session(node.url, token), 401, "LOGGED_OUT")
