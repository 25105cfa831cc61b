"""The seven reasons a token is refused, each produced by a real scenario over HTTP, on the
memory session store and on Redis; and the nginx `auth_request` endpoint."""

from __future__ import annotations

import time

import pytest
import requests

from tessera_e2e import (TIMEOUT, assert_error, assert_refused, bearer, get_session, login,
                         login_token, new_account)


@pytest.fixture(params=["memory", "redis"])
def serve(request, start_node):
    """Starts a node on the parametrized session store (accounts in SQLite either way)."""
    store_args = []
    if request.param == "redis":
        store_args = ["--redis-url", request.getfixturevalue("redis_url")]
    return lambda *args: start_node(*store_args, *args)


@pytest.fixture
def admin_token(api):
    def make(node) -> str:
        username, password = api.make_admin(node)
        return login_token(node.url, username, password)
    return make


def post(url: str, path: str, token: str, json=None) -> requests.Response:
    return requests.post(url + path, headers=bearer(token), json=json, timeout=TIMEOUT)


def tampered(token: str) -> str:
    """The token with one character in its middle changed to another of its alphabet; the
    two differ in their high bits, so even the last character of a base64 run decodes to
    other bytes."""
    i = len(token) // 2
    while not token[i].isalnum():
        i += 1
    replacement = "Q" if token[i] == "g" else "g"
    return token[:i] + replacement + token[i + 1:]


def test_not_logged_in(serve):
    node = serve()
    assert_refused(node.url, None, "NOT_LOGGED_IN")
    r = requests.get(node.url + "/api/sessions", timeout=TIMEOUT)
    assert_error(r, 401, "NOT_LOGGED_IN")
    r = requests.post(node.url + "/api/logout", timeout=TIMEOUT)
    assert_error(r, 401, "NOT_LOGGED_IN")


def test_invalid_token(serve):
    node = serve()
    account = new_account(node.url)
    token = login_token(node.url, account.username, account.password)

    for garbage in ("garbage", "x" * 43, "A" * 200, token[: len(token) // 2], token + "A"):
        assert_refused(node.url, garbage, "INVALID_TOKEN")
    assert_refused(node.url, tampered(token), "INVALID_TOKEN")
    r = requests.get(node.url + "/api/session", timeout=TIMEOUT,
                     headers={"Cookie": f"tessera_session={tampered(token)}"})
    assert_error(r, 401, "INVALID_TOKEN")

    assert get_session(node.url, token).status_code == 200


def test_session_expired_after_idle_timeout(serve):
    node = serve("--idle-timeout", "2s")
    account = new_account(node.url)
    token = login_token(node.url, account.username, account.password)
    assert get_session(node.url, token).status_code == 200
    time.sleep(3)
    assert_refused(node.url, token, "SESSION_EXPIRED")
    # The account is fine: a new login works.
    assert get_session(node.url, login_token(node.url, account.username, account.password)).status_code == 200


def test_session_renews_while_used_until_the_absolute_timeout(serve):
    idle, absolute = 2, 5
    node = serve("--idle-timeout", f"{idle}s", "--absolute-timeout", f"{absolute}s")
    account = new_account(node.url)
    token = login_token(node.url, account.username, account.password)
    started = time.monotonic()

    alive_past_idle = False
    while True:
        r = get_session(node.url, token)
        elapsed = time.monotonic() - started
        if r.status_code != 200:
            break
        alive_past_idle = alive_past_idle or elapsed > idle + 0.5
        assert elapsed < absolute + 3, "session outlived its absolute timeout"
        time.sleep(0.4)

    assert_error(r, 401, "SESSION_EXPIRED")
    assert alive_past_idle, "a session in use expired at its idle timeout: it was not renewed"


def test_logged_out(serve):
    node = serve()
    account = new_account(node.url)
    token = login_token(node.url, account.username, account.password)
    assert post(node.url, "/api/logout", token).status_code == 204
    assert_refused(node.url, token, "LOGGED_OUT")
    assert_error(post(node.url, "/api/logout", token), 401, "LOGGED_OUT")


def test_kicked_out_by_the_same_user_from_another_session(serve):
    node = serve()
    account = new_account(node.url)
    mine = login_token(node.url, account.username, account.password, device="web")
    status, body, r = login(node.url, account.username, account.password, device="mobile")
    assert status == 200, r.text
    theirs, their_id = body["token"], body["session"]["id"]

    r = requests.get(node.url + "/api/sessions", headers=bearer(mine), timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    sessions = {s["id"]: s for s in r.json()["sessions"]}
    assert len(sessions) == 2 and their_id in sessions
    assert sessions[their_id]["current"] is False
    assert their_id != theirs

    r = requests.delete(f"{node.url}/api/sessions/{their_id}", headers=bearer(mine), timeout=TIMEOUT)
    assert r.status_code == 204, r.text
    assert_refused(node.url, theirs, "KICKED_OUT")
    assert get_session(node.url, mine).status_code == 200

    r = requests.get(node.url + "/api/sessions", headers=bearer(mine), timeout=TIMEOUT)
    assert [s["id"] for s in r.json()["sessions"]] != [their_id]
    assert len(r.json()["sessions"]) == 1


def test_kicked_out_by_ending_every_other_session(serve):
    node = serve()
    account = new_account(node.url)
    mine = login_token(node.url, account.username, account.password)
    others = [login_token(node.url, account.username, account.password, device=d)
              for d in ("mobile", "desktop")]
    r = requests.delete(node.url + "/api/sessions", headers=bearer(mine), timeout=TIMEOUT)
    assert r.status_code == 204, r.text
    for token in others:
        assert_refused(node.url, token, "KICKED_OUT")
    assert get_session(node.url, mine).status_code == 200


def test_kicked_out_by_an_admin(serve, admin_token):
    node = serve()
    admin = admin_token(node)
    account = new_account(node.url)
    token = login_token(node.url, account.username, account.password)

    sessions_url = f"{node.url}/api/admin/users/{account.id}/sessions"
    r = requests.get(sessions_url, headers=bearer(admin), timeout=TIMEOUT)
    assert r.status_code == 200 and len(r.json()["sessions"]) == 1, r.text

    r = post(node.url, f"/api/admin/users/{account.id}/kickout", admin, json={})
    assert r.status_code == 204, r.text
    assert_refused(node.url, token, "KICKED_OUT")
    assert get_session(node.url, admin).status_code == 200

    r = requests.get(sessions_url, headers=bearer(admin), timeout=TIMEOUT)
    assert r.status_code == 200 and r.json()["sessions"] == [], r.text


def test_replaced_by_a_newer_login(serve):
    node = serve("--max-sessions", "1")
    account = new_account(node.url)
    first = login_token(node.url, account.username, account.password)
    second = login_token(node.url, account.username, account.password)
    assert_refused(node.url, first, "REPLACED")
    assert get_session(node.url, second).status_code == 200


def test_account_disabled_and_enabled_again(serve, admin_token):
    node = serve()
    admin = admin_token(node)
    account = new_account(node.url)
    token = login_token(node.url, account.username, account.password)

    r = post(node.url, f"/api/admin/users/{account.id}/disable", admin, json={"reason": "test"})
    assert r.status_code == 204, r.text
    assert_refused(node.url, token, "ACCOUNT_DISABLED")
    status, _, r = login(node.url, account.username, account.password)
    assert_error(r, 403, "ACCOUNT_DISABLED")

    r = post(node.url, f"/api/admin/users/{account.id}/enable", admin)
    assert r.status_code == 204, r.text
    fresh = login_token(node.url, account.username, account.password)
    assert get_session(node.url, fresh).status_code == 200


def test_only_admins_reach_admin_routes(serve):
    node = serve()
    account = new_account(node.url)
    token = login_token(node.url, account.username, account.password)
    r = requests.get(node.url + "/api/admin/users", headers=bearer(token), timeout=TIMEOUT)
    assert_error(r, 403, "FORBIDDEN")
    r = post(node.url, f"/api/admin/users/{account.id}/kickout", token, json={})
    assert_error(r, 403, "FORBIDDEN")
    assert get_session(node.url, token).status_code == 200
    r = requests.get(node.url + "/api/admin/users", timeout=TIMEOUT)
    assert_error(r, 401, "NOT_LOGGED_IN")


def test_auth_verify_for_nginx(serve, api):
    node = serve()
    account = new_account(node.url)
    token = login_token(node.url, account.username, account.password)
    verify = node.url + "/auth/verify"

    for headers in (bearer(token), {"Cookie": f"tessera_session={token}"}):
        r = requests.get(verify, headers=headers, timeout=TIMEOUT)
        assert r.status_code == 200, r.text
        assert r.headers["X-Tessera-User-Id"] == account.id
        assert r.headers["X-Tessera-User-Name"] == account.username
        roles = {x.strip() for x in r.headers["X-Tessera-Roles"].split(",") if x.strip()}
        assert roles == set(account.user["roles"])

    admin_name, admin_password = api.make_admin(node)
    r = requests.get(verify, headers=bearer(login_token(node.url, admin_name, admin_password)),
                     timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    assert "admin" in [x.strip() for x in r.headers["X-Tessera-Roles"].split(",")]

    r = requests.get(verify, timeout=TIMEOUT)
    assert r.status_code == 401 and r.headers.get("X-Tessera-Reason") == "NOT_LOGGED_IN", r.headers
    r = requests.get(verify, headers=bearer(tampered(token)), timeout=TIMEOUT)
    assert r.status_code == 401 and r.headers.get("X-Tessera-Reason") == "INVALID_TOKEN", r.headers
    assert post(node.url, "/api/logout", token).status_code == 204
    r = requests.get(verify, headers=bearer(token), timeout=TIMEOUT)
    assert r.status_code == 401 and r.headers.get("X-Tessera-Reason") == "LOGGED_OUT", r.headers
