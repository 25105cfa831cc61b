"""The OpenAPI document `docs/openapi.yaml` is valid, and true to a running server.

The first tests need no server: they validate the document and show that
`check_response` refuses responses that drift from it. The last drives a real server
through every documented operation and holds each response to the document.
"""

from __future__ import annotations

import json
import re
import uuid
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
import requests
from openapi_spec_validator import validate as validate_openapi
from requests.structures import CaseInsensitiveDict

import openapi_contract as contract
import tessera_e2e as e2e
from cas_helpers import config_file


ISSUE_2_OPERATIONS = {
    ("POST", "/api/accounts"),
    ("POST", "/api/login"),
    ("POST", "/api/logout"),
    ("GET", "/api/session"),
    ("GET", "/api/sessions"),
    ("DELETE", "/api/sessions/{id}"),
    ("DELETE", "/api/sessions"),
    ("POST", "/api/password"),
    ("GET", "/api/admin/users"),
    ("GET", "/api/admin/users/{id}/sessions"),
    ("POST", "/api/admin/users/{id}/kickout"),
    ("POST", "/api/admin/users/{id}/disable"),
    ("POST", "/api/admin/users/{id}/enable"),
    ("PUT", "/api/admin/users/{id}/roles"),
    ("GET", "/auth/verify"),
    ("GET", "/health/live"),
    ("GET", "/health/ready"),
    ("GET", "/metrics"),
}

ISSUE_9_OPERATIONS = {
    ("GET", "/api/session/data"),
    ("GET", "/api/session/data/{key}"),
    ("PUT", "/api/session/data/{key}"),
    ("DELETE", "/api/session/data/{key}"),
}

# nginx's auth_request forwards the original method.
GATEWAY_OPERATIONS = {(method, "/auth/verify") for method in ("POST", "PUT", "PATCH", "DELETE")}

ISSUE_6_OPERATIONS = {
    ("GET", "/api/events"),
    ("POST", "/api/admin/push"),
}

ISSUE_4_OPERATIONS = {
    ("POST", "/api/codes"),
    ("POST", "/api/verification/email"),
    ("POST", "/api/password/reset"),
    ("GET", "/verify-email"),
    ("GET", "/dev/outbox"),
}

ISSUE_5_OPERATIONS = {
    ("GET", "/cas/login"),
    ("POST", "/cas/login"),
    ("GET", "/cas/logout"),
    ("GET", "/cas/validate"),
    ("GET", "/cas/serviceValidate"),
    ("GET", "/cas/p3/serviceValidate"),
}

OPERATIONS = (ISSUE_2_OPERATIONS | ISSUE_9_OPERATIONS | GATEWAY_OPERATIONS | ISSUE_4_OPERATIONS
              | ISSUE_5_OPERATIONS | ISSUE_6_OPERATIONS)

REFUSAL_CODES = {
    "NOT_LOGGED_IN", "INVALID_TOKEN", "SESSION_EXPIRED", "LOGGED_OUT", "KICKED_OUT",
    "REPLACED", "ACCOUNT_DISABLED",
}


# --- the document itself -------------------------------------------------------------


def test_document_is_valid_openapi_3_1():
    spec = contract.load_spec()
    assert spec["openapi"].startswith("3.1.")
    validate_openapi(spec)


def test_document_describes_exactly_the_operations_the_server_offers():
    assert contract.operations() == OPERATIONS


def test_error_codes_are_the_api_codes():
    codes = contract.load_spec()["components"]["schemas"]["ErrorCode"]["enum"]
    assert len(codes) == len(set(codes))
    assert set(codes) == REFUSAL_CODES | {
        "INVALID_INPUT", "WEAK_PASSWORD", "USERNAME_TAKEN", "BAD_CREDENTIALS",
        "SESSION_LIMIT", "SESSION_DATA_TOO_LARGE", "TOO_MANY_ATTEMPTS", "FORBIDDEN", "CSRF_REJECTED", "NOT_FOUND",
        "METHOD_NOT_ALLOWED", "PAYLOAD_TOO_LARGE", "STORE_UNAVAILABLE", "NOT_READY",
        "RATE_LIMITED", "UPGRADE_REQUIRED", "SELF_LOCKOUT", "CODE_INVALID", "EMAIL_NOT_VERIFIED", "DELIVERY_FAILED",
    }


@pytest.mark.parametrize("method,path", sorted(OPERATIONS))
def test_every_operation_lists_its_refusals(method, path):
    operation = contract.load_spec()["paths"][path][method.lower()]
    statuses = set(operation["responses"])
    if operation.get("security"):
        assert {"401", "503"} <= statuses
        for code in REFUSAL_CODES:
            _assert_documented_error(method, path, 401, code)
        _assert_documented_error(method, path, 503, "STORE_UNAVAILABLE", retry_after=True)
    if path.startswith("/api/admin/"):
        _assert_documented_error(method, path, 403, "FORBIDDEN")
    if operation.get("security") and method != "GET" and path != "/auth/verify":
        # The gateway's origin check belongs to the protected app (see /auth/verify).
        _assert_documented_error(method, path, 403, "CSRF_REJECTED")
    if "requestBody" in operation:
        _assert_documented_error(method, path, 400, "INVALID_INPUT")
        _assert_documented_error(method, path, 413, "PAYLOAD_TOO_LARGE")
    if "{id}" in path:
        _assert_documented_error(method, path, 404, "NOT_FOUND")
    for status in statuses:
        assert status.isdigit(), f"{method} {path}: list exact status codes, not {status}"


def _assert_documented_error(method, path, status, code, retry_after=False):
    headers = {"Content-Type": contract.JSON_CONTENT_TYPE, "X-Tessera-Reason": code}
    if retry_after:
        headers["Retry-After"] = "3"
    response = PlainResponse(status, headers, error(code))
    contract.check_response(method, path, response)
    if status in (429, 503):
        del response.headers["Retry-After"]
        with pytest.raises(contract.ContractViolation, match="Retry-After"):
            contract.check_response(method, path, response)


# --- check_response refuses drift ----------------------------------------------------


@dataclass
class PlainResponse:
    """Just enough of `requests.Response` for `check_response`."""

    status_code: int
    headers: Any
    body: Any = None
    request: Any = None
    content: bytes = field(init=False)

    def __post_init__(self):
        self.headers = CaseInsensitiveDict(self.headers)
        if self.body is None:
            self.content = b""
        elif isinstance(self.body, bytes):
            self.content = self.body
        else:
            self.content = json.dumps(self.body).encode()


@dataclass
class PlainRequest:
    method: str
    url: str


NOW = "2025-01-31T12:00:00Z"
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}
SET_COOKIE = {"Set-Cookie": "tessera_session=t; HttpOnly; SameSite=Lax; Path=/"}


def valid_user():
    return {
        "id": "u1", "username": "ada", "email": None, "phone": None,
        "emailVerified": False, "phoneVerified": False, "roles": [], "createdAt": NOW,
    }


def valid_session():
    return {
        "id": "s1", "device": "web", "deviceName": None, "ip": "127.0.0.1",
        "userAgent": "pytest", "createdAt": NOW, "lastSeenAt": NOW,
        "expiresAt": "2025-01-31T12:30:00.250Z", "current": True,
    }


def valid_login_response():
    body = {"token": "t", "session": valid_session(), "user": valid_user()}
    return PlainResponse(200, {**JSON_HEADERS, **SET_COOKIE}, body)


def error(code):
    return {"error": {"code": code, "message": "m"}}


def test_check_response_accepts_a_valid_response_and_returns_its_body():
    body = contract.check_response("POST", "/api/login", valid_login_response())
    assert body["user"]["username"] == "ada"
    assert ("POST", "/api/login") in contract.exercised


def _mutated_login(mutate):
    response = valid_login_response()
    body = json.loads(response.content)
    mutate(response, body)
    response.content = json.dumps(body).encode()
    return response


def _set(name, value):
    return lambda r, b: r.headers.update({name: value})


@pytest.mark.parametrize(
    "mutate,complaint",
    [
        (lambda r, b: b["user"].pop("phoneVerified"), r"'phoneVerified' is a required property"),
        (lambda r, b: b["session"].update(token="leak"), r"'token' was unexpected"),
        (lambda r, b: b.update(refreshToken="x"), r"'refreshToken' was unexpected"),
        (lambda r, b: b["user"].update(roles="admin"), r"at \$\.user\.roles:"),
        (lambda r, b: b["user"].update(email=7), r"at \$\.user\.email:"),
        (lambda r, b: b["session"].update(current="yes"), r"at \$\.session\.current:"),
        (lambda r, b: b["session"].update(device=None), r"at \$\.session\.device:"),
        (lambda r, b: b["session"].update(createdAt="2025-01-31 12:00:00"),
         r"at \$\.session\.createdAt:"),
        (lambda r, b: b["session"].update(createdAt="2025-02-30T12:00:00Z"),
         r"at \$\.session\.createdAt:"),
        (lambda r, b: b["session"].update(expiresAt="2025-01-31T14:00:00+02:00"),
         r"at \$\.session\.expiresAt:"),
        (_set("Content-Type", "application/json"), "Content-Type 'application/json'"),
        (_set("Content-Type", "text/html; charset=utf-8"), "Content-Type 'text/html"),
        (lambda r, b: r.headers.pop("Cache-Control"), "required header Cache-Control is missing"),
        (_set("Cache-Control", "private"), "header Cache-Control: at"),
        (_set("Set-Cookie", "other=1"), "header Set-Cookie: at"),
        (lambda r, b: setattr(r, "status_code", 201), "status not documented"),
        (lambda r, b: setattr(r, "status_code", 500), "status not documented"),
    ],
)
def test_check_response_rejects_drift(mutate, complaint):
    with pytest.raises(contract.ContractViolation, match=complaint):
        contract.check_response("POST", "/api/login", _mutated_login(mutate))


def test_check_response_rejects_a_body_that_is_not_json():
    response = PlainResponse(200, JSON_HEADERS, b"<html>ok</html>")
    with pytest.raises(contract.ContractViolation, match="not UTF-8 JSON"):
        contract.check_response("GET", "/api/session", response)


def test_check_response_rejects_an_error_code_the_operation_cannot_answer():
    response = PlainResponse(401, JSON_HEADERS, error("BAD_CREDENTIALS"))
    with pytest.raises(contract.ContractViolation, match="code"):
        contract.check_response("GET", "/api/session", response)
    contract.check_response("POST", "/api/password", response)


def test_check_response_rejects_an_error_without_message_or_with_extra_members():
    for shape in ({"code": "NOT_FOUND"}, {"code": "NOT_FOUND", "message": "m", "stack": "x"}):
        response = PlainResponse(404, JSON_HEADERS, {"error": shape})
        with pytest.raises(contract.ContractViolation):
            contract.check_response("DELETE", "/api/sessions/{id}", response)


def test_check_response_rejects_a_body_where_none_is_documented():
    response = PlainResponse(204, JSON_HEADERS, {"ok": True})
    with pytest.raises(contract.ContractViolation, match="without a body"):
        contract.check_response("DELETE", "/api/sessions", response)


def test_check_response_checks_retry_after_is_seconds():
    in_seconds = PlainResponse(429, {**JSON_HEADERS, "Retry-After": "60"}, error("TOO_MANY_ATTEMPTS"))
    contract.check_response("POST", "/api/login", in_seconds)
    as_date = PlainResponse(429, {**JSON_HEADERS, "Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"},
                            error("TOO_MANY_ATTEMPTS"))
    with pytest.raises(contract.ContractViolation, match="Retry-After"):
        contract.check_response("POST", "/api/login", as_date)


def test_check_response_checks_the_gateway_headers():
    headers = {"X-Tessera-User-Id": "u1", "X-Tessera-User-Name": "ada",
               "X-Tessera-Roles": "admin,ops", "Cache-Control": "no-store"}
    contract.check_response("GET", "/auth/verify", PlainResponse(200, headers))
    for name in ("X-Tessera-User-Id", "X-Tessera-Roles"):
        incomplete = PlainResponse(200, {k: v for k, v in headers.items() if k != name})
        with pytest.raises(contract.ContractViolation, match=name):
            contract.check_response("GET", "/auth/verify", incomplete)
    spaced = PlainResponse(200, {**headers, "X-Tessera-Roles": "admin, ops"})
    with pytest.raises(contract.ContractViolation, match="X-Tessera-Roles"):
        contract.check_response("GET", "/auth/verify", spaced)
    refused = PlainResponse(401, {**JSON_HEADERS, "X-Tessera-Reason": "KICKED_OUT"}, error("KICKED_OUT"))
    contract.check_response("GET", "/auth/verify", refused)
    del refused.headers["X-Tessera-Reason"]
    with pytest.raises(contract.ContractViolation, match="X-Tessera-Reason"):
        contract.check_response("GET", "/auth/verify", refused)


def test_check_response_accepts_prometheus_text():
    headers = {"Content-Type": "text/plain; version=0.0.4; charset=utf-8"}
    metrics = PlainResponse(200, headers, b"# TYPE up gauge\nup 1\n")
    assert contract.check_response("GET", "/metrics", metrics).endswith("up 1\n")


def test_check_response_refuses_operations_the_document_lacks_and_mismatched_requests():
    with pytest.raises(contract.ContractViolation, match="not an operation"):
        contract.check_response("GET", "/api/me", valid_login_response())
    response = valid_login_response()
    response.request = PlainRequest("POST", "http://127.0.0.1:1/api/logout")
    with pytest.raises(contract.ContractViolation, match="checked as"):
        contract.check_response("POST", "/api/login", response)
    ended = PlainResponse(204, {"Cache-Control": "no-store"},
                          request=PlainRequest("DELETE", "http://h/api/sessions/abc"))
    contract.check_response("DELETE", "/api/sessions/{id}", ended)


def test_check_component_response_for_answers_outside_any_operation():
    not_found = PlainResponse(404, JSON_HEADERS, error("NOT_FOUND"))
    contract.check_component_response("NotFound", not_found)
    with pytest.raises(contract.ContractViolation):
        contract.check_component_response("MethodNotAllowed", not_found)


def test_unexercised_operations_lists_what_no_check_has_seen():
    contract.exercised.clear()
    contract.check_response("GET", "/health/live", PlainResponse(200, JSON_HEADERS, {"status": "ok"}))
    assert contract.unexercised_operations() == sorted(OPERATIONS - {("GET", "/health/live")})


def test_check_request_body_holds_login_to_the_documented_methods():
    password_login = {"method": "password", "login": "ada", "password": "pw", "device": "mobile"}
    contract.check_request_body("POST", "/api/login", password_login)
    contract.check_request_body("POST", "/api/login", {"method": "sms", "phone": "+15550100", "code": "123456"})
    contract.check_request_body("POST", "/api/login", {"method": "email", "email": "a@example.test", "code": "012345"})
    for body in ({"method": "sms", "phone": "+15550100", "code": "12345"},
                 {"method": "telepathy", "login": "ada"},
                 {"login": "ada", "password": "pw"}):
        with pytest.raises(contract.ContractViolation):
            contract.check_request_body("POST", "/api/login", body)


# --- a real server -------------------------------------------------------------------


class CheckedClient:
    """Sends requests to a node and holds every response to the document."""

    def __init__(self, url: str):
        self.base = url.rstrip("/")

    def call(self, method, template, status, *, code=None, ids=None, token=None,
             body=None, data=None, headers=None, query=None):
        """Returns (parsed body, response) after checking the status, `code` when given,
        and the whole response against the document."""
        path = template.format(**{k: quote(v, safe="") for k, v in (ids or {}).items()})
        headers = dict(headers or {})
        if token is not None:
            headers.update(e2e.bearer(token))
        if body is not None and 200 <= status < 300:
            contract.check_request_body(method, template, body)
        if data is not None:
            headers.setdefault("Content-Type", "application/json")
        # No requests.Session: its cookie jar would authenticate requests behind our back.
        response = requests.request(
            method, self.base + path, json=body, data=data, headers=headers,
            params=query, timeout=e2e.TIMEOUT, allow_redirects=False,
        )
        assert response.status_code == status, (
            f"{method} {path}: want {status} {code or ''}, "
            f"got {response.status_code}: {response.text[:500]}"
        )
        parsed = contract.check_response(method, template, response)
        if code is not None:
            assert parsed["error"]["code"] == code, f"{method} {path}: {parsed}"
        return parsed, response

    def login(self, login, password, status=200, code=None, **device):
        body = {"method": "password", "login": login, "password": password, **device}
        return self.call("POST", "/api/login", status, code=code, body=body)[0]

    def whoami(self, token, status=200, code=None):
        return self.call("GET", "/api/session", status, code=code, token=token)[0]


def test_every_operation_answers_as_documented(node, start_node, api, tmp_path):
    contract.exercised.clear()
    client = CheckedClient(node.url)
    tag = uuid.uuid4().hex[:10]

    _health(client)
    alice, alice_id, password = _accounts(client, tag)
    password = _own_sessions(client, alice, alice_id, password)
    _session_data(client, alice, password)
    _anonymous_visitor(CheckedClient(start_node("--anonymous-sessions").url), tag)
    _administration(client, tag, alice, alice_id, password, api.make_admin(node))
    _routing_and_limits(client, tag)
    _codes(client, CheckedClient(start_node(env={"TESSERA_RATE_LIMIT_CODE_DESTINATION": "1000/1m"}).url), tag)
    _cas(start_node, tmp_path, tag)

    assert contract.unexercised_operations() == [], (
        "documented but never exercised, so not shown to exist on the server"
    )


def _codes(client, coder, tag):
    """`client`: a node with the default one-code-a-minute spacing per destination;
    `coder`: a node without it, so one address can go through several flows at once."""

    def outbox(node, to):
        return node.call("GET", "/dev/outbox", 200, query={"to": to})[0]["messages"]

    def code_in(message):
        return re.search(r"\b[0-9]{6}\b", message["text"]).group(0)

    def other_than(code):
        return "000001" if code == "000000" else "000000"

    carol, password = f"carol_{tag}@example.test", e2e.strong_password()
    client.call("POST", "/api/accounts", 201, body={"username": f"carol_{tag}", "password": password, "email": carol})
    [message] = outbox(client, carol)
    assert message["kind"] == "verification" and message["channel"] == "email"
    code = code_in(message)
    token = re.search(r"/verify-email\?token=([A-Za-z0-9_-]+)", message["text"]).group(1)
    limited = client.call("POST", "/api/codes", 429, code="RATE_LIMITED",
                          body={"channel": "email", "to": carol, "purpose": "verify"})[1]
    assert 1 <= int(limited.headers["Retry-After"]) <= 60

    verify = {"email": carol, "code": code}
    client.call("POST", "/api/verification/email", 400, code="CODE_INVALID", body={**verify, "code": other_than(code)})
    client.call("POST", "/api/verification/email", 400, code="INVALID_INPUT", body={"email": carol})
    assert client.call("POST", "/api/verification/email", 200, body=verify)[0]["user"]["emailVerified"] is True
    client.call("POST", "/api/verification/email", 400, code="CODE_INVALID", body=verify)
    page = client.call("GET", "/verify-email", 200, query={"token": token})[1]
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert all('src="/static/' in tag for tag in re.findall(r"<script[^>]*>", page.text)), "no inline script"
    client.call("GET", "/verify-email", 400, query={"token": token})
    html = client.call("GET", "/dev/outbox", 200, headers={"Accept": "text/html"}, query={"to": carol})[1]
    assert carol in html.text

    dave, dave_password = f"dave_{tag}@example.test", e2e.strong_password()
    coder.call("POST", "/api/accounts", 201, body={"username": f"dave_{tag}", "password": dave_password, "email": dave})
    for body in ({"channel": "fax", "to": dave, "purpose": "login"},
                 {"channel": "sms", "to": "+15550100", "purpose": "verify"},
                 {"channel": "email", "to": dave}):
        coder.call("POST", "/api/codes", 400, code="INVALID_INPUT", body=body)
    sent = coder.call("POST", "/api/codes", 202, body={"channel": "email", "to": dave, "purpose": "login"})[0]
    assert sent == {"resendAfter": 1}
    code = code_in(outbox(coder, dave)[0])
    login = {"method": "email", "email": dave, "code": code}
    session = coder.call("POST", "/api/login", 200, body=login)[0]
    assert session["user"]["emailVerified"] is True
    coder.call("POST", "/api/login", 400, code="CODE_INVALID", body=login)

    phone = f"+1555{uuid.uuid4().int % 10_000_000:07d}"
    coder.call("POST", "/api/codes", 202, body={"channel": "sms", "to": phone, "purpose": "login"})
    texted = coder.call("POST", "/api/login", 200,
                        body={"method": "sms", "phone": phone, "code": code_in(outbox(coder, phone)[0])})[0]
    assert (texted["user"]["phone"], texted["user"]["phoneVerified"], texted["user"]["username"]) == (phone, True, None)

    coder.call("POST", "/api/codes", 202, body={"channel": "email", "to": dave, "purpose": "reset"})
    [reset_message] = [m for m in outbox(coder, dave) if m["kind"] == "reset-code"]
    reset = {"login": dave, "code": code_in(reset_message), "newPassword": e2e.strong_password()}
    coder.call("POST", "/api/password/reset", 400, code="WEAK_PASSWORD", body={**reset, "newPassword": "short"})
    coder.call("POST", "/api/password/reset", 400, code="CODE_INVALID", body={**reset, "code": other_than(reset["code"])})
    coder.call("POST", "/api/password/reset", 400, code="INVALID_INPUT", body={**reset, "login": "not-an-address"})
    coder.call("POST", "/api/password/reset", 204, body=reset)
    coder.whoami(session["token"], 401, "KICKED_OUT")
    coder.login(dave, reset["newPassword"])
def _cas(start_node, tmp_path, tag):
    service = "http://127.0.0.1:9/app"
    config = config_file(tmp_path, [{"id": "app", "serviceUrl": service}])
    client = CheckedClient(start_node("--config", str(config)).url)
    password = e2e.strong_password()
    client.call("POST", "/api/accounts", 201, body={"username": f"cas_{tag}", "password": password})
    _, page = client.call("GET", "/cas/login", 200, query={"service": service})
    csrf = page.cookies["tessera_cas_csrf"]
    form = {"username": f"cas_{tag}", "password": password, "service": service, "csrf": csrf}
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"tessera_cas_csrf={csrf}"}
    client.call("POST", "/cas/login", 401, data={**form, "password": "wrong"}, headers=headers)
    _, signed_in = client.call("POST", "/cas/login", 303, data=form, headers=headers)
    ticket = signed_in.headers["Location"].rsplit("=", 1)[1]
    cookie = {"Cookie": f"tessera_session={signed_in.cookies['tessera_session']}"}
    client.call("GET", "/cas/p3/serviceValidate", 200, query={"service": service, "ticket": ticket})
    for path in ("/cas/serviceValidate", "/cas/validate", "/cas/p3/serviceValidate"):
        _, again = client.call("GET", "/cas/login", 302, query={"service": service}, headers=cookie)
        fresh = again.headers["Location"].rsplit("=", 1)[1]
        client.call("GET", path, 200, query={"service": service, "ticket": fresh, "format": "JSON"})
    client.call("GET", "/cas/login", 400, query={"service": "https://evil.example/app"})
    client.call("GET", "/cas/logout", 302, query={"service": service}, headers=cookie)
    client.call("GET", "/cas/logout", 200)


def _health(client):
    assert client.call("GET", "/health/live", 200)[0] == {"status": "ok"}
    assert client.call("GET", "/health/ready", 200)[0] == {"status": "ok"}
    assert "# TYPE" in client.call("GET", "/metrics", 200)[0]


def _accounts(client, tag):
    alice, password, email = f"alice_{tag}", e2e.strong_password(), f"alice_{tag}@example.test"
    user = client.call("POST", "/api/accounts", 201,
                       body={"username": alice, "password": password, "email": email})[0]["user"]
    assert (user["username"], user["email"], user["phone"]) == (alice, email, None)
    assert user["emailVerified"] is False and user["roles"] == []

    def refused(status, code, **request):
        return client.call("POST", "/api/accounts", status, code=code, **request)[0]["error"]

    refused(409, "USERNAME_TAKEN", body={"username": alice, "password": e2e.strong_password()})
    wrong_type = refused(400, "INVALID_INPUT", body={"username": 42, "password": password})
    assert wrong_type.get("field") == "username"
    refused(400, "INVALID_INPUT", data=b'{"username": "x", ')
    refused(400, "WEAK_PASSWORD", body={"username": f"bob_{tag}", "password": "short"})
    return alice, user["id"], password


def _own_sessions(client, alice, alice_id, password):
    client.login(alice, "not the password", 401, "BAD_CREDENTIALS")
    client.login(f"nobody_{alice}", password, 401, "BAD_CREDENTIALS")
    for body in ({"method": "password", "login": alice},
                 {"method": "telepathy", "login": alice, "password": password}):
        client.call("POST", "/api/login", 400, code="INVALID_INPUT", body=body)

    phone = client.login(alice, password, device="mobile", deviceName="Test phone")
    assert phone["user"]["id"] == alice_id
    assert (phone["session"]["device"], phone["session"]["deviceName"]) == ("mobile", "Test phone")
    web, web_response = client.call("POST", "/api/login", 200,
                                    body={"method": "password", "login": alice, "password": password})
    assert (web["session"]["device"], web["session"]["current"]) == ("web", True)
    assert web["session"]["id"] != web["token"]
    cookie = {"Cookie": "; ".join(f"{c.name}={c.value}" for c in web_response.cookies)}
    assert web["token"] in cookie["Cookie"]

    client.whoami(None, 401, "NOT_LOGGED_IN")
    client.call("GET", "/api/session", 401, code="NOT_LOGGED_IN",
                query={"tessera_session": web["token"], "token": web["token"]})
    client.whoami("not-a-token", 401, "INVALID_TOKEN")
    whoami = client.whoami(web["token"])
    assert whoami["user"] == web["user"] and whoami["session"]["id"] == web["session"]["id"]
    by_cookie = client.call("GET", "/api/session", 200, headers=cookie)[0]
    assert by_cookie["session"]["id"] == web["session"]["id"]

    sessions = client.call("GET", "/api/sessions", 200, token=web["token"])[0]["sessions"]
    assert {s["id"]: s["current"] for s in sessions} == {
        web["session"]["id"]: True, phone["session"]["id"]: False}
    client.call("GET", "/api/sessions", 401, code="NOT_LOGGED_IN")

    def end_session(session_id, status, code=None, token=web["token"]):
        client.call("DELETE", "/api/sessions/{id}", status, code=code, ids={"id": session_id},
                    token=token)

    end_session("no-such-session", 404, "NOT_FOUND")
    end_session(phone["session"]["id"], 401, "NOT_LOGGED_IN", token=None)
    end_session(phone["session"]["id"], 204)
    client.whoami(phone["token"], 401, "KICKED_OUT")

    desktop = client.login(alice, password, device="desktop")
    client.call("DELETE", "/api/sessions", 403, code="CSRF_REJECTED",
                headers={**cookie, "Origin": "https://evil.example"})
    client.whoami(desktop["token"])
    client.call("DELETE", "/api/sessions", 401, code="NOT_LOGGED_IN")
    client.call("DELETE", "/api/sessions", 204, token=web["token"])
    client.whoami(desktop["token"], 401, "KICKED_OUT")
    client.whoami(web["token"])

    new_password = e2e.strong_password()
    change = {"currentPassword": password, "newPassword": new_password, "endOtherSessions": True}

    def change_password(status, code=None, token=web["token"], **different):
        client.call("POST", "/api/password", status, code=code, token=token,
                    body={**change, **different})

    change_password(401, "NOT_LOGGED_IN", token=None)
    change_password(401, "BAD_CREDENTIALS", currentPassword="not the password")
    change_password(400, "WEAK_PASSWORD", newPassword="short")
    client.call("POST", "/api/password", 400, code="INVALID_INPUT", token=web["token"],
                body={"currentPassword": password})
    other = client.login(alice, password, device="desktop")
    change_password(204)
    client.whoami(other["token"], 401, "KICKED_OUT")
    client.whoami(web["token"])
    client.login(alice, password, 401, "BAD_CREDENTIALS")

    _, verified = client.call("GET", "/auth/verify", 200, token=web["token"])
    assert verified.headers["X-Tessera-User-Id"] == alice_id
    assert verified.headers["X-Tessera-User-Name"] == alice
    assert verified.headers["X-Tessera-Roles"] == ""
    _, refused = client.call("GET", "/auth/verify", 401, code="NOT_LOGGED_IN")
    assert refused.headers["X-Tessera-Reason"] == "NOT_LOGGED_IN"

    client.call("POST", "/api/logout", 204, token=web["token"])
    _, refused = client.call("GET", "/auth/verify", 401, code="LOGGED_OUT", token=web["token"])
    assert refused.headers["X-Tessera-Reason"] == "LOGGED_OUT"
    client.call("POST", "/api/logout", 401, code="LOGGED_OUT", token=web["token"])
    return new_password


def _session_data(client, alice, password):
    token = client.login(alice, password)["token"]
    cookie = {"Cookie": f"tessera_session={token}"}
    evil = {**cookie, "Origin": "https://evil.example"}

    def data(status=200, code=None, **request):
        return client.call("GET", "/api/session/data", status, code=code, **request)[0]

    def attribute(method, key, status, code=None, **request):
        return client.call(method, "/api/session/data/{key}", status, code=code, ids={"key": key},
                           **request)[0]

    data(401, "NOT_LOGGED_IN")
    assert data(token=token) == {"data": {}}
    cart = {"items": ["book", "pen"], "total": 12.5}
    attribute("PUT", "cart", 204, token=token, body={"value": cart})
    attribute("PUT", "wizard:step", 204, headers=cookie, body={"value": 3})
    attribute("PUT", "note", 204, token=token, body={"value": None})
    assert attribute("GET", "cart", 200, token=token) == {"value": cart}
    assert attribute("GET", "note", 200, headers=cookie) == {"value": None}
    assert data(token=token) == {"data": {"cart": cart, "note": None, "wizard:step": 3}}

    attribute("GET", "no-such-key", 404, "NOT_FOUND", token=token)
    attribute("GET", "no such key", 400, "INVALID_INPUT", token=token)
    attribute("GET", "cart", 401, "NOT_LOGGED_IN")
    attribute("PUT", "cart", 400, "INVALID_INPUT", token=token, body={"items": []})
    attribute("PUT", "cart", 400, "INVALID_INPUT", token=token, data=b'{"value": [1,]}')
    attribute("PUT", "cart", 413, "SESSION_DATA_TOO_LARGE", token=token, body={"value": "x" * 5000})
    attribute("PUT", "cart", 401, "NOT_LOGGED_IN", body={"value": 1})
    attribute("PUT", "cart", 403, "CSRF_REJECTED", headers=evil, body={"value": 1})
    attribute("DELETE", "cart", 403, "CSRF_REJECTED", headers=evil)
    attribute("DELETE", "cart", 401, "NOT_LOGGED_IN")
    assert attribute("GET", "cart", 200, token=token) == {"value": cart}

    attribute("DELETE", "cart", 204, token=token)
    attribute("DELETE", "cart", 204, headers=cookie)
    assert data(headers=cookie) == {"data": {"note": None, "wizard:step": 3}}

    client.call("POST", "/api/logout", 204, token=token)
    data(401, "LOGGED_OUT", token=token)
    attribute("PUT", "cart", 401, "LOGGED_OUT", token=token, body={"value": 1})


def _anonymous_visitor(client, tag):
    """A node with anonymous sessions: a visitor's first write starts a session, and login
    carries its data into a new one."""
    def attribute(method, key, status, code=None, **request):
        return client.call(method, "/api/session/data/{key}", status, code=code, ids={"key": key},
                           **request)

    attribute("PUT", "cart", 403, "CSRF_REJECTED", headers={"Origin": "https://evil.example"},
              body={"value": []})
    _, started = attribute("PUT", "cart", 204, body={"value": ["book"]})
    visitor = started.cookies["tessera_session"]
    cookie = {"Cookie": f"tessera_session={visitor}"}
    assert client.call("GET", "/api/session/data", 200, headers=cookie)[0] == {"data": {"cart": ["book"]}}
    client.call("GET", "/api/session", 401, code="NOT_LOGGED_IN", headers=cookie)

    username, password = f"visitor_{tag}", e2e.strong_password()
    client.call("POST", "/api/accounts", 201, body={"username": username, "password": password})
    login, _ = client.call("POST", "/api/login", 200, headers=cookie,
                           body={"method": "password", "login": username, "password": password})
    assert login["token"] != visitor
    assert client.call("GET", "/api/session/data", 200, token=login["token"])[0] == {
        "data": {"cart": ["book"]}}
    client.call("GET", "/api/session/data", 401, code="LOGGED_OUT", headers=cookie)
    _, refused = attribute("PUT", "cart", 401, "LOGGED_OUT", headers=cookie, body={"value": []})
    assert "tessera_session=;" in refused.headers.get("Set-Cookie", ""), refused.headers


def _administration(client, tag, alice, alice_id, password, admin):
    user_token = client.login(alice, password)["token"]
    admin_token = client.login(*admin)["token"]

    def manage(method, action, status, code=None, user=alice_id, token=admin_token, **request):
        return client.call(method, "/api/admin/users/{id}" + action, status, code=code,
                           ids={"id": user}, token=token, **request)[0]

    client.call("GET", "/api/admin/users", 401, code="NOT_LOGGED_IN")
    client.call("GET", "/api/admin/users", 403, code="FORBIDDEN", token=user_token)
    manage("POST", "/kickout", 403, "FORBIDDEN", token=user_token)
    manage("PUT", "/roles", 403, "FORBIDDEN", token=user_token, body={"roles": ["admin"]})

    found = client.call("GET", "/api/admin/users", 200, token=admin_token, query={"query": tag})
    assert [u["id"] for u in found[0]["users"]] == [alice_id]
    everyone = client.call("GET", "/api/admin/users", 200, token=admin_token)[0]["users"]
    assert {alice, admin[0]} <= {u["username"] for u in everyone}

    nobody = f"no-such-user-{tag}"
    for method, action in [("GET", "/sessions"), ("POST", "/kickout"), ("POST", "/disable"),
                           ("POST", "/enable")]:
        manage(method, action, 404, "NOT_FOUND", user=nobody)
    manage("PUT", "/roles", 404, "NOT_FOUND", user=nobody, body={"roles": []})

    mobile = client.login(alice, password, device="mobile")
    listed = manage("GET", "/sessions", 200)["sessions"]
    web_id = client.whoami(user_token)["session"]["id"]
    assert {s["id"] for s in listed} == {web_id, mobile["session"]["id"]}
    assert not any(s["current"] for s in listed)

    manage("POST", "/kickout", 400, "INVALID_INPUT", body={"device": 7})
    manage("POST", "/kickout", 204, body={"device": "mobile"})
    client.whoami(mobile["token"], 401, "KICKED_OUT")
    client.whoami(user_token)
    manage("POST", "/kickout", 204)
    client.whoami(user_token, 401, "KICKED_OUT")

    user_token = client.login(alice, password)["token"]
    until = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    manage("POST", "/disable", 400, "INVALID_INPUT", body={"until": "tomorrow"})
    manage("POST", "/disable", 204, body={"until": until, "reason": "contract test"})
    client.whoami(user_token, 401, "ACCOUNT_DISABLED")
    client.login(alice, password, 403, "ACCOUNT_DISABLED")
    manage("POST", "/enable", 204)
    client.login(alice, password)

    manage("PUT", "/roles", 400, "INVALID_INPUT", body={"roles": "auditor"})
    user = manage("PUT", "/roles", 200, body={"roles": ["auditor"]})["user"]
    assert (user["id"], user["roles"]) == (alice_id, ["auditor"])
    fresh = client.login(alice, password)["token"]
    _, verified = client.call("GET", "/auth/verify", 200, token=fresh)
    assert verified.headers["X-Tessera-Roles"] == "auditor"
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        client.call(method, "/auth/verify", 200, token=fresh)
        client.call(method, "/auth/verify", 401, code="NOT_LOGGED_IN")

    admin_id = client.whoami(admin_token)["user"]["id"]
    manage("POST", "/disable", 409, "SELF_LOCKOUT", user=admin_id)
    manage("POST", "/kickout", 409, "SELF_LOCKOUT", user=admin_id)
    manage("PUT", "/roles", 409, "SELF_LOCKOUT", user=admin_id, body={"roles": []})

    push = {"userId": alice_id, "event": "contract.check", "data": {"n": 1}}
    client.call("POST", "/api/admin/push", 202, token=admin_token, body=push)
    client.call("POST", "/api/admin/push", 404, code="NOT_FOUND", token=admin_token, body={**push, "userId": nobody})
    client.call("POST", "/api/admin/push", 400, code="INVALID_INPUT", token=admin_token, body={**push, "event": "no spaces"})
    client.call("POST", "/api/admin/push", 403, code="FORBIDDEN", token=fresh, body=push)
    # Without the WebSocket upgrade the live-events address answers in JSON.
    client.call("GET", "/api/events", 426, code="UPGRADE_REQUIRED", token=fresh)
    client.call("GET", "/api/events", 401, code="NOT_LOGGED_IN")


def _routing_and_limits(client, tag):
    for method, path, status, component in [("GET", "/api/no-such-route", 404, "NotFound"),
                                            ("PATCH", "/api/session", 405, "MethodNotAllowed")]:
        # No operation covers these requests; their answers are documented as components.
        response = requests.request(method, client.base + path, timeout=e2e.TIMEOUT)
        assert response.status_code == status, f"{method} {path}: {response.status_code}"
        contract.check_component_response(component, response)

    for path in ("/api/login", "/api/accounts"):
        _oversized(client, path)

    # Failures per login identifier back off from the 30th (API.md's default limits).
    stranger = {"method": "password", "login": f"stranger_{tag}", "password": "wrong password"}
    for _ in range(40):
        response = requests.post(f"{client.base}/api/login", json=stranger, timeout=e2e.TIMEOUT)
        body = contract.check_response("POST", "/api/login", response)
        if response.status_code == 429:
            assert body["error"]["code"] == "TOO_MANY_ATTEMPTS"
            assert int(response.headers["Retry-After"]) > 0
            break
        assert (response.status_code, body["error"]["code"]) == (401, "BAD_CREDENTIALS")
    else:
        pytest.fail("40 failed logins for one identifier were never answered 429 TOO_MANY_ATTEMPTS")


def _oversized(client, path):
    """A 2 MiB body. A server may answer 413 and close before reading it all, and the
    client may then lose the answer to the reset (the robustness suites accept that); an
    answer that arrives must be the documented one."""
    port = urlsplit(client.base).port
    body = json.dumps({"method": "password", "login": "x", "password": "p" * (2 << 20)}).encode()
    head = (f"POST {path} HTTP/1.1\r\nHost: {e2e.HOST}:{port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n").encode()
    raw = e2e.raw_http(port, head + body)
    if raw.status is None:
        warnings.warn(f"POST {path} with 2 MiB: connection closed before an answer; 413 unchecked")
        return
    assert raw.status == 413, f"POST {path} with 2 MiB: {raw.status} {raw.body[:300]!r}"
    answer = contract.check_response("POST", path, PlainResponse(raw.status, raw.headers, raw.body))
    assert answer["error"]["code"] == "PAYLOAD_TOO_LARGE"
