"""One-time codes against real nodes, on the memory stores and on Redis: a right code
logs in once however many submit it together, and wrong codes submitted together burn it."""

from __future__ import annotations

import re
import threading
import uuid

import pytest
import requests

from tessera_e2e import TIMEOUT, new_account


# The login back-off would answer from the 30th wrong code on; out of its way, what
# refuses the right code after 50 wrong ones is the burned code itself.
NO_BACKOFF = {"TESSERA_LOGIN_BACKOFF_AFTER": "1000"}


@pytest.fixture(params=["memory", "redis"])
def url(request, start_node):
    if request.param == "memory":
        return start_node(env=NO_BACKOFF).url
    # Its own namespace, so nothing another test left in the shared Redis counts here.
    return start_node("--redis-url", request.getfixturevalue("redis_url"),
                      "--redis-namespace", f"codes-{uuid.uuid4().hex[:8]}", env=NO_BACKOFF).url


def at_once(count: int, send) -> list[requests.Response]:
    """`count` calls of `send`, released together by a barrier."""
    barrier = threading.Barrier(count)
    results: list[requests.Response | BaseException | None] = [None] * count

    def one(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = send()
        except BaseException as error:   # reported below, with the others
            results[i] = error

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=4 * TIMEOUT)
    errors = [r for r in results if not isinstance(r, requests.Response)]
    assert not errors, f"{len(errors)} requests got no answer: {errors[:3]}"
    return results  # type: ignore[return-value]




def phone() -> str:
    return f"+1555{uuid.uuid4().int % 10_000_000:07d}"


def sms_code(url: str, number: str) -> str:
    """A login code texted to `number` (an unknown number registers at its first login),
    read from the dev outbox."""
    r = requests.post(url + "/api/codes", json={"channel": "sms", "to": number, "purpose": "login"}, timeout=TIMEOUT)
    assert r.status_code == 202, r.text
    r = requests.get(url + "/dev/outbox", params={"to": number}, timeout=TIMEOUT)
    return re.search(r"\b[0-9]{6}\b", r.json()["messages"][0]["text"]).group(0)


def sms_login(url: str, number: str, code: str) -> requests.Response:
    return requests.post(url + "/api/login", json={"method": "sms", "phone": number, "code": code}, timeout=TIMEOUT)


def test_twenty_submissions_of_the_right_code_log_in_once(url):
    number = phone()
    code = sms_code(url, number)
    answers = at_once(20, lambda: sms_login(url, number, code))
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [200] + [400] * 19, statuses
    assert {r.json()["error"]["code"] for r in answers if r.status_code == 400} == {"CODE_INVALID"}


def test_fifty_wrong_codes_at_once_burn_the_code(url):
    number = phone()
    code = sms_code(url, number)
    wrong = "000001" if code == "000000" else "000000"
    answers = at_once(50, lambda: sms_login(url, number, wrong))
    assert {(r.status_code, r.json()["error"]["code"]) for r in answers} == {(400, "CODE_INVALID")}
    refused = sms_login(url, number, code)
    assert (refused.status_code, refused.json()["error"]["code"]) == (400, "CODE_INVALID"), refused.text


def test_a_registration_message_holds_a_code_and_a_link_that_each_work_once(url):
    email = f"reg-{uuid.uuid4().hex[:10]}@example.test"
    account = new_account(url, prefix="reg", email=email)
    text = requests.get(url + "/dev/outbox", params={"to": email}, timeout=TIMEOUT).json()["messages"][0]["text"]
    code = re.search(r"\b[0-9]{6}\b", text).group(0)
    link = re.search(r"(http://\S+/verify-email\?token=[A-Za-z0-9_-]+)", text).group(1)
    assert link.startswith(url)
    verify = {"email": email, "code": code}
    first = requests.post(url + "/api/verification/email", json=verify, timeout=TIMEOUT)
    assert first.status_code == 200 and first.json()["user"]["id"] == account.id, first.text
    again = requests.post(url + "/api/verification/email", json=verify, timeout=TIMEOUT)
    assert again.status_code == 400 and again.json()["error"]["code"] == "CODE_INVALID"
    page = requests.get(link, timeout=TIMEOUT)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    assert requests.get(link, timeout=TIMEOUT).status_code == 400


def test_a_code_asked_for_in_a_visitors_session_only_works_in_that_session(start_node):
    node = start_node("--anonymous-sessions")
    visitor = requests.Session()
    r = visitor.put(node.url + "/api/session/data/cart", json={"value": ["tea"]}, timeout=TIMEOUT)
    assert r.status_code == 204 and visitor.cookies.get("tessera_session"), r.text
    number = phone()
    r = visitor.post(node.url + "/api/codes", json={"channel": "sms", "to": number, "purpose": "login"}, timeout=TIMEOUT)
    assert r.status_code == 202, r.text
    text = requests.get(node.url + "/dev/outbox", params={"to": number}, timeout=TIMEOUT).json()["messages"][0]["text"]
    code = re.search(r"\b[0-9]{6}\b", text).group(0)
    login = {"method": "sms", "phone": number, "code": code}

    # Relayed to someone else, the code is worth nothing (and counts as a wrong try).
    relayed = requests.post(node.url + "/api/login", json=login, timeout=TIMEOUT)
    assert relayed.status_code == 400 and relayed.json()["error"]["code"] == "CODE_INVALID"

    signed_in = visitor.post(node.url + "/api/login", json=login, timeout=TIMEOUT)
    assert signed_in.status_code == 200, signed_in.text
    token = signed_in.json()["token"]
    data = requests.get(node.url + "/api/session/data", headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT)
    assert data.json() == {"data": {"cart": ["tea"]}}
