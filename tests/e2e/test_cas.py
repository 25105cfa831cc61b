"""CAS 3.0 against a real `tessera serve`: a third-party CAS client (python-cas) validates
tickets and accepts the single-logout requests, which reach services on every kind of
session end, also after the service was down for a while."""

from __future__ import annotations

import time

import pytest
import requests
from cas import CASClient, CASClientV3

import openapi_contract as contract
import tessera_e2e as e2e
from cas_helpers import Receiver, config_file, form_login, ticket_of


@pytest.fixture
def receiver():
    receivers: list[Receiver] = []

    def start(port: int | None = None) -> Receiver:
        r = Receiver(port).start()
        receivers.append(r)
        return r

    yield start
    for r in receivers:
        r.stop()


def cas_node(start_node, tmp_path, service_url: str, *extra: str, settings: dict | None = None):
    config = config_file(tmp_path, [{"id": "shop", "serviceUrl": service_url, "singleLogout": True}], settings)
    return start_node("--config", str(config), *extra)


def wait_for_logouts(service: Receiver, count: int, timeout: float) -> list[str]:
    assert e2e.wait_for(lambda: len(service.logout_requests()) >= count, timeout), \
        f"{len(service.logout_requests())} logout requests after {timeout} s"
    return service.logout_requests()


def test_python_cas_validates_tickets_and_accepts_single_logout(start_node, tmp_path, receiver):
    service = receiver()
    node = cas_node(start_node, tmp_path, service.url)
    account = e2e.new_account(node.url, "cas", email=f"{e2e.unique_name('m')}@example.com")
    client = CASClient(version=3, service_url=service.url, server_url=node.url + "/cas/")

    browser, answer = form_login(node.url, service.url, account.username, account.password)
    ticket = ticket_of(answer)
    assert answer.headers["Location"] == f"{service.url}?ticket={ticket}"
    user, attributes, pgtiou = client.verify_ticket(ticket)
    assert user == account.username
    assert attributes["isFromNewLogin"] == "true"
    assert attributes["longTermAuthenticationRequestTokenUsed"] == "false"
    assert attributes["userId"] == account.id
    assert attributes["email"] == account.user["email"]
    assert attributes["authenticationDate"].endswith("Z")
    assert pgtiou is None
    assert client.verify_ticket(ticket)[0] is None, "a replayed ticket must fail"

    # A second service ticket from the same SSO session, without the form.
    again = browser.get(f"{node.url}/cas/login", params={"service": service.url + "/orders"},
                        allow_redirects=False, timeout=e2e.TIMEOUT)
    second = ticket_of(again)
    json_reply = requests.get(f"{node.url}/cas/p3/serviceValidate", timeout=e2e.TIMEOUT, params={
        "service": service.url + "/orders", "ticket": second, "format": "JSON"})
    body = contract.check_response("GET", "/cas/p3/serviceValidate", json_reply)
    assert body["serviceResponse"]["authenticationSuccess"]["attributes"]["isFromNewLogin"] == [False]

    logout = browser.get(f"{node.url}/cas/logout", params={"service": service.url},
                         allow_redirects=False, timeout=e2e.TIMEOUT)
    assert logout.status_code == 302 and logout.headers["Location"] == service.url
    requests_seen = wait_for_logouts(service, 2, 30)
    assert sorted(CASClientV3.verify_logout_request(r, t) for r in requests_seen for t in (ticket, second)) \
        == [False, False, True, True]
    assert any(CASClientV3.verify_logout_request(r, ticket) for r in requests_seen)
    assert any(CASClientV3.verify_logout_request(r, second) for r in requests_seen)


@pytest.mark.parametrize("ending", ["api-logout", "kick-out", "disable", "replaced", "expiry"])
def test_every_session_end_reaches_the_service(start_node, tmp_path, receiver, cli, ending):
    service = receiver()
    extra: list[str] = []
    if ending == "expiry":
        extra += ["--idle-timeout", "3s", "--renewal-interval", "1s"]
    if ending == "replaced":
        extra += ["--max-sessions", "1"]
    node = cas_node(start_node, tmp_path, service.url, *extra, settings={"cas-slo-sweep-interval": "1s"})
    account = e2e.new_account(node.url, "end")
    browser, answer = form_login(node.url, service.url, account.username, account.password)
    ticket = ticket_of(answer)
    reply = requests.get(f"{node.url}/cas/serviceValidate", timeout=e2e.TIMEOUT,
                         params={"service": service.url, "ticket": ticket})
    assert "<cas:authenticationSuccess>" in reply.text

    if ending == "api-logout":
        assert browser.post(f"{node.url}/api/logout", timeout=e2e.TIMEOUT).status_code == 204
    elif ending == "kick-out":
        token = e2e.login_token(node.url, account.username, account.password)
        assert requests.delete(f"{node.url}/api/sessions", headers=e2e.bearer(token),
                               timeout=e2e.TIMEOUT).status_code == 204
    elif ending == "disable":
        admin = e2e.new_account(node.url, "admin")
        assert cli(node, "set-roles", admin.username, "--role", "admin").returncode == 0
        token = e2e.login_token(node.url, admin.username, admin.password)
        assert requests.post(f"{node.url}/api/admin/users/{account.id}/disable", json={},
                             headers=e2e.bearer(token), timeout=e2e.TIMEOUT).status_code == 204
    elif ending == "replaced":
        e2e.login_token(node.url, account.username, account.password)
    # expiry: nothing to do but wait past the idle timeout.

    requests_seen = wait_for_logouts(service, 1, 30)
    assert CASClientV3.verify_logout_request(requests_seen[0], ticket)


def test_a_service_down_for_thirty_seconds_still_gets_its_logout(start_node, tmp_path, receiver, redis_url):
    port = e2e.free_port()
    service_url = f"http://{e2e.HOST}:{port}/app"
    # The receiver is up for the validation only; the logout request finds it down.
    service = receiver(port)
    node = cas_node(start_node, tmp_path, service_url, "--redis-url", redis_url,
                    "--redis-namespace", e2e.unique_name("slo"),
                    settings={"cas-slo-retry-min": "1s", "cas-slo-retry-max": "4s"})
    account = e2e.new_account(node.url, "down")
    browser, answer = form_login(node.url, service_url, account.username, account.password)
    ticket = ticket_of(answer)
    user, _, _ = CASClient(version=3, service_url=service_url, server_url=node.url + "/cas/").verify_ticket(ticket)
    assert user == account.username
    service.stop()

    browser.get(f"{node.url}/cas/logout", allow_redirects=False, timeout=e2e.TIMEOUT)
    time.sleep(30)
    assert service.logout_requests() == []
    metrics = requests.get(f"{node.url}/metrics", timeout=e2e.TIMEOUT).text
    assert 'tessera_cas_logout_requests_total{service="shop",outcome="retry"}' in metrics \
        or 'tessera_cas_logout_requests_total{outcome="retry",service="shop"}' in metrics, metrics

    back = receiver(port)
    requests_seen = wait_for_logouts(back, 1, 20)
    assert CASClientV3.verify_logout_request(requests_seen[0], ticket)


def test_unregistered_services_get_an_error_page_and_no_redirect(start_node, tmp_path, receiver):
    service = receiver()
    node = cas_node(start_node, tmp_path, service.url)
    for hostile in [f"http://{e2e.HOST}:{service.port}@evil.example/app", service.url + "%2f..%2fx",
                    service.url.upper(), "https://evil.example/app", service.url + "/..;/x"]:
        r = requests.get(f"{node.url}/cas/login", params={"service": hostile, "gateway": "true"},
                         allow_redirects=False, timeout=e2e.TIMEOUT)
        assert r.status_code == 400 and "Location" not in r.headers, hostile
        assert "ST-" not in r.text
        policy = r.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "base-uri 'none'" in policy and "unsafe-inline" not in policy
