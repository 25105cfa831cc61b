"""No answer tells whether an account exists: login, registration, code sending and
password reset answer a known and an unknown account with the same status and body, and
take the same time (medians of 200 interleaved samples within 20%)."""

from __future__ import annotations

import statistics
import time
from typing import Callable

import requests

from tessera_e2e import TIMEOUT, new_account, strong_password, unique_name

SAMPLES = 200
TOLERANCE = 0.20

# Limits high enough that 200 samples of each pair are answered, not refused.
GENEROUS = {
    "TESSERA_RATE_LIMIT_LOGIN": "1000000/1m",
    "TESSERA_RATE_LIMIT_REGISTER": "1000000/1h",
    "TESSERA_RATE_LIMIT_CODE_DESTINATION": "1000000/1m",
    "TESSERA_RATE_LIMIT_CODE_DAILY": "1000000/1d",
    "TESSERA_RATE_LIMIT_CODE_IP": "1000000/1h",
    "TESSERA_LOGIN_BACKOFF_AFTER": "1000000",
}


def answer(response: requests.Response) -> tuple[int, str]:
    """What a client sees, with what differs by construction (ids, names, times) left out."""
    body = response.json()
    if "user" in body:
        user = body["user"]
        return response.status_code, str(sorted((k, v) for k, v in user.items()
                                                 if k not in ("id", "username", "email", "createdAt")))
    return response.status_code, response.text


def compare(known: Callable[[], requests.Response], unknown: Callable[[], requests.Response]) -> None:
    """Interleaves the two requests so drift in the machine's load hits both alike."""
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    answers: dict[str, set[tuple[int, str]]] = {"known": set(), "unknown": set()}
    for i in range(SAMPLES):
        order = [("known", known), ("unknown", unknown)]
        for which, send in order if i % 2 == 0 else reversed(order):
            started = time.perf_counter()
            response = send()
            times[which].append(time.perf_counter() - started)
            answers[which].add(answer(response))
    assert answers["known"] == answers["unknown"] and len(answers["known"]) == 1, answers
    known_median, unknown_median = statistics.median(times["known"]), statistics.median(times["unknown"])
    ratio = known_median / unknown_median
    assert abs(ratio - 1) <= TOLERANCE, (
        f"medians differ: known {known_median * 1000:.2f} ms, unknown {unknown_median * 1000:.2f} ms")


def post(url: str, path: str, body: dict) -> Callable[[], requests.Response]:
    return lambda: requests.post(url + path, json=body, timeout=TIMEOUT)


def start(start_node):
    """A node with the cheapest password hashing, so that 400 requests fit a test's time."""
    url = start_node("--password-cost", "10", env=GENEROUS).url
    email = f"{unique_name('known')}@example.test"
    account = new_account(url, prefix="known", email=email)
    return url, account, email, f"{unique_name('nobody')}@example.test"


def test_password_login(start_node):
    url, account, _, _ = start(start_node)
    compare(post(url, "/api/login", {"method": "password", "login": account.username, "password": "wrong " + strong_password()}),
            post(url, "/api/login", {"method": "password", "login": unique_name("nobody"), "password": "wrong " + strong_password()}))


def test_code_sending(start_node):
    url, _, email, nobody = start(start_node)
    for purpose in ("login", "reset"):
        compare(post(url, "/api/codes", {"channel": "email", "to": email, "purpose": purpose}),
                post(url, "/api/codes", {"channel": "email", "to": nobody, "purpose": purpose}))


def test_code_login_and_password_reset(start_node):
    url, _, email, nobody = start(start_node)
    compare(post(url, "/api/login", {"method": "email", "email": email, "code": "000000"}),
            post(url, "/api/login", {"method": "email", "email": nobody, "code": "000000"}))
    compare(post(url, "/api/password/reset", {"login": email, "code": "000000", "newPassword": strong_password()}),
            post(url, "/api/password/reset", {"login": nobody, "code": "000000", "newPassword": strong_password()}))


def test_registration(start_node):
    url, _, email, _ = start(start_node)

    def register(address: Callable[[], str]) -> Callable[[], requests.Response]:
        return lambda: requests.post(url + "/api/accounts", timeout=TIMEOUT, json={
            "username": unique_name("r"), "password": strong_password(), "email": address()})

    compare(register(lambda: email), register(lambda: f"{unique_name('new')}@example.test"))
