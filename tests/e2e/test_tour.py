"""The README's curl tour on the embedded default, and the HTTP conventions of API.md."""

from __future__ import annotations

import requests

from tessera_e2e import (TIMEOUT, assert_error, assert_json_content_type, bearer, get_session,
                         login, login_token, new_account, register, strong_password, unique_name)

COOKIE = "tessera_session"


def set_cookies(response: requests.Response) -> list[str]:
    """Every Set-Cookie header of the response, unmerged."""
    return list(response.raw.headers.getlist("Set-Cookie"))


def session_cookie(response: requests.Response) -> str:
    found = [c for c in set_cookies(response) if c.split("=", 1)[0].strip() == COOKIE]
    assert len(found) == 1, f"want one {COOKIE} cookie, got {set_cookies(response)!r}"
    return found[0]


def cookie_parts(header: str) -> tuple[str, dict[str, str]]:
    """(value, {lower-case attribute: value}) of one Set-Cookie header."""
    first, *attributes = [p.strip() for p in header.split(";")]
    value = first.split("=", 1)[1]
    parsed = {}
    for attribute in attributes:
        name, _, val = attribute.partition("=")
        parsed[name.strip().lower()] = val.strip()
    return value, parsed


def cookie_header(token: str) -> dict[str, str]:
    return {"Cookie": f"{COOKIE}={token}"}


def test_curl_tour(node):
    username, password = unique_name("ada"), strong_password()

    status, body, r = register(node.url, username, password)
    assert status == 201, r.text
    assert_json_content_type(r)
    user = body["user"]
    assert user["username"] == username
    assert isinstance(user["id"], str) and user["id"]
    assert isinstance(user["roles"], list)
    assert user["emailVerified"] is False and user["phoneVerified"] is False
    assert user["email"] is None and user["phone"] is None
    assert isinstance(user["createdAt"], str)
    assert password not in r.text
    assert not [k for k in user if "password" in k.lower()], f"user object shows {list(user)}"

    status, body, r = login(node.url, username, password)
    assert status == 200, r.text
    assert_json_content_type(r)
    token, session = body["token"], body["session"]
    assert isinstance(token, str) and len(token) >= 32
    assert body["user"]["id"] == user["id"]
    assert session["id"] != token
    for field in ("id", "device", "createdAt", "lastSeenAt", "expiresAt"):
        assert field in session, f"session without {field}: {session}"

    r = get_session(node.url, token)
    assert r.status_code == 200, r.text
    assert_json_content_type(r)
    whoami = r.json()
    assert whoami["user"]["id"] == user["id"]
    assert whoami["user"]["username"] == username
    assert whoami["session"]["id"] == session["id"]
    assert whoami["session"]["current"] is True

    r = requests.post(node.url + "/api/logout", headers=bearer(token), timeout=TIMEOUT)
    assert r.status_code == 204, r.text

    assert_error(get_session(node.url, token), 401, "LOGGED_OUT")


def test_every_json_response_says_utf8_json(node):
    account = new_account(node.url)
    token = login_token(node.url, account.username, account.password)
    responses = [
        requests.get(node.url + "/health/live", timeout=TIMEOUT),
        requests.get(node.url + "/health/ready", timeout=TIMEOUT),
        register(node.url, account.username, strong_password())[2],          # 409 taken
        register(node.url, unique_name(), "short")[2],                        # 400 weak
        requests.post(node.url + "/api/accounts", data=b"{", timeout=TIMEOUT,
                      headers={"Content-Type": "application/json"}),          # 400 malformed
        login(node.url, account.username, "wrong-" + strong_password())[2],  # 401
        login(node.url, account.username, account.password)[2],              # 200
        get_session(node.url, token),                                         # 200
        requests.get(node.url + "/api/sessions", headers=bearer(token), timeout=TIMEOUT),
        get_session(node.url),                                                # 401
        get_session(node.url, "not-a-token"),                                 # 401
        requests.get(node.url + "/api/no-such-route", timeout=TIMEOUT),       # 404
        requests.get(node.url + "/api/login", timeout=TIMEOUT),               # 405
    ]
    for r in responses:
        assert r.content, f"{r.request.method} {r.url} → {r.status_code} without a body"
        assert_json_content_type(r)
        if r.status_code >= 400:
            assert_error(r)

    for health in responses[:2]:
        assert health.status_code == 200 and health.json()["status"] == "ok", health.text
    assert_error(responses[2], 409, "USERNAME_TAKEN")
    assert_error(responses[3], 400, "WEAK_PASSWORD")
    assert_error(responses[4], 400)
    assert_error(responses[5], 401, "BAD_CREDENTIALS")
    assert_error(responses[9], 401, "NOT_LOGGED_IN")
    assert_error(responses[10], 401, "INVALID_TOKEN")
    assert_error(responses[11], 404)
    assert_error(responses[12], 405)


def test_unknown_account_and_wrong_password_look_alike(node):
    account = new_account(node.url)
    _, _, wrong = login(node.url, account.username, "wrong-" + strong_password())
    _, _, unknown = login(node.url, unique_name("nobody"), strong_password())
    assert_error(wrong, 401, "BAD_CREDENTIALS")
    assert_error(unknown, 401, "BAD_CREDENTIALS")
    assert wrong.json() == unknown.json()


def test_authenticated_responses_are_not_stored(node):
    account = new_account(node.url)
    token = login_token(node.url, account.username, account.password)
    for path in ("/api/session", "/api/sessions"):
        r = requests.get(node.url + path, headers=bearer(token), timeout=TIMEOUT)
        assert r.status_code == 200, r.text
        directives = [d.strip().lower() for d in r.headers.get("Cache-Control", "").split(",")]
        assert "no-store" in directives, f"GET {path}: Cache-Control {r.headers.get('Cache-Control')!r}"


def test_login_sets_the_session_cookie_with_its_attributes(node):
    account = new_account(node.url)
    status, body, r = login(node.url, account.username, account.password)
    assert status == 200, r.text
    value, attributes = cookie_parts(session_cookie(r))
    assert value == body["token"]
    assert "httponly" in attributes
    assert attributes.get("samesite", "").lower() == "lax"
    assert attributes.get("path") == "/"
    assert "secure" not in attributes, "Secure cookie on an http public URL"
    assert not any(c.startswith("__Host-") for c in set_cookies(r))


def test_the_cookie_authenticates_and_logout_clears_it(node):
    account = new_account(node.url)
    token = login_token(node.url, account.username, account.password)

    r = requests.get(node.url + "/api/session", headers=cookie_header(token), timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    assert r.json()["user"]["id"] == account.id

    r = requests.post(node.url + "/api/logout", timeout=TIMEOUT,
                      headers={**cookie_header(token), "Origin": node.url})
    assert r.status_code == 204, r.text
    value, attributes = cookie_parts(session_cookie(r))
    cleared = (value == "" or attributes.get("max-age") == "0"
               or "1970" in attributes.get("expires", ""))
    assert cleared, f"logout did not clear the cookie: {session_cookie(r)!r}"

    r = requests.get(node.url + "/api/session", headers=cookie_header(token), timeout=TIMEOUT)
    assert_error(r, 401, "LOGGED_OUT")


def test_a_token_in_the_query_string_is_ignored(node):
    account = new_account(node.url)
    token = login_token(node.url, account.username, account.password)
    for name in ("token", "access_token", COOKIE, "session", "sid"):
        r = requests.get(node.url + "/api/session", params={name: token}, timeout=TIMEOUT)
        assert_error(r, 401, "NOT_LOGGED_IN")
    assert get_session(node.url, token).status_code == 200


def test_cookie_authenticated_writes_from_another_origin_are_refused(node):
    account = new_account(node.url)
    token = login_token(node.url, account.username, account.password)
    other = login_token(node.url, account.username, account.password, device="mobile")
    evil = {**cookie_header(token), "Origin": "http://evil.example"}

    r = requests.post(node.url + "/api/logout", headers=evil, timeout=TIMEOUT)
    assert_error(r, 403, "CSRF_REJECTED")
    r = requests.delete(node.url + "/api/sessions", headers=evil, timeout=TIMEOUT)
    assert_error(r, 403, "CSRF_REJECTED")

    # Nothing happened: both sessions still work.
    r = requests.get(node.url + "/api/session", headers=cookie_header(token), timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    assert get_session(node.url, other).status_code == 200

    r = requests.post(node.url + "/api/logout", timeout=TIMEOUT,
                      headers={**cookie_header(token), "Origin": node.url})
    assert r.status_code == 204, r.text
    r = requests.get(node.url + "/api/session", headers=cookie_header(token), timeout=TIMEOUT)
    assert_error(r, 401, "LOGGED_OUT")
    assert get_session(node.url, other).status_code == 200
