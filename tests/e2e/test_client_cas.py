"""TesseraClient's CAS mode against a real `tessera serve`: the SellerConsole example app,
its own process, sends an anonymous visitor to /cas/login, validates the ticket at
/cas/p3/serviceValidate, keeps a session of its own, guards its orders page with the role
`seller`, and ends its session when Tessera's single logout reaches it."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import websockets

import tessera_e2e as e2e
from cas_helpers import config_file, form_login, ticket_of


@pytest.fixture
def seller_console(request, tessera_bin, tmp_path_factory):
    """Starts the example app (built next to the tessera binary) against a Tessera node."""
    binary = Path(tessera_bin).parent / "seller-console"
    if not os.access(binary, os.X_OK):
        pytest.fail(f"no seller-console binary at {binary}: build it with `swift build --product seller-console`")
    apps: list[e2e.ProcessGroup] = []

    def start(tessera_url: str, port: int, env: dict[str, str] | None = None) -> str:
        log = tmp_path_factory.mktemp("seller-console") / "app.log"
        app = e2e.ProcessGroup([str(binary)], log, env=e2e.clean_env(
            {"SELLER_CONSOLE_PORT": str(port), "TESSERA_URL": tessera_url, **(env or {})}))
        apps.append(app)
        app.start()
        url = f"http://{e2e.HOST}:{port}"

        def up() -> bool:
            assert app.running, f"seller-console exited with {app.returncode}:\n{app.log_tail()}"
            try:
                return requests.get(url + "/console/health", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        assert e2e.wait_for(up, 60, interval=0.1), f"seller-console did not start:\n{app.log_tail()}"
        return url

    yield start
    failed = getattr(getattr(request.node, "report_call", None), "failed", False)
    for app in apps:
        app.stop()
        if failed:
            print(f"\n--- seller-console log ({app.log_path}) ---\n{app.log_tail()}")


def console_and_node(start_node, seller_console, tmp_path, console_env=None):
    """A Tessera node registering the console, then the console; `console_env(node)` gives
    the console's extra settings."""
    port = e2e.free_port()
    callback = f"http://{e2e.HOST}:{port}/console/auth/cas"
    config = config_file(tmp_path, [{"id": "seller-console", "serviceUrl": callback, "singleLogout": True}])
    node = start_node("--config", str(config))
    env = console_env(node) if console_env else None
    return node, seller_console(node.url, port, env), callback


def sign_in(browser: requests.Session, tessera: str, app: str, account) -> requests.Response:
    """Walks the CAS redirect as a browser does: the app's page → Tessera's login form →
    back to the app with a ticket → the page. Returns the page."""
    first = browser.get(app + "/console/orders", allow_redirects=False, timeout=e2e.TIMEOUT)
    assert first.status_code == 302, first.text
    location = first.headers["Location"]
    assert location.startswith(f"{tessera}/cas/login?service="), location
    service = parse_qs(urlsplit(location).query)["service"][0]
    _, answer = form_login(tessera, service, account.username, account.password, browser)
    ticket_of(answer)
    back = browser.get(answer.headers["Location"], allow_redirects=False, timeout=e2e.TIMEOUT)
    assert back.status_code == 303 and back.headers["Location"] == "/console/orders", back.text
    assert "HttpOnly" in back.headers["Set-Cookie"]
    return browser.get(app + "/console/orders", allow_redirects=False, timeout=e2e.TIMEOUT)


def test_a_seller_signs_in_through_cas_and_single_logout_ends_the_app_session(
        start_node, seller_console, tmp_path, cli):
    node, app, _ = console_and_node(start_node, seller_console, tmp_path)
    seller = e2e.new_account(node.url, "seller")
    assert cli(node, "set-roles", seller.username, "--role", "seller").returncode == 0

    browser = requests.Session()
    page = sign_in(browser, node.url, app, seller)
    assert page.status_code == 200, page.text
    assert f"Orders for {seller.username}" in page.text

    me = browser.get(app + "/console/api/me", timeout=e2e.TIMEOUT)
    assert me.status_code == 200, me.text
    identity = me.json()
    assert identity["userID"] == seller.id and identity["username"] == seller.username
    assert identity["roles"] == ["seller"]

    # Logging out of Tessera reaches the app by single logout; its session then ends.
    logout = browser.get(f"{node.url}/cas/logout", allow_redirects=False, timeout=e2e.TIMEOUT)
    assert logout.status_code in (200, 302), logout.text

    def ended() -> bool:
        return browser.get(app + "/console/api/me", timeout=e2e.TIMEOUT).status_code == 401

    assert e2e.wait_for(ended, 30, interval=0.2), "the app session outlived the Tessera session"
    refused = browser.get(app + "/console/api/me", timeout=e2e.TIMEOUT)
    e2e.assert_error(refused, 401, "LOGGED_OUT")
    again = browser.get(app + "/console/orders", allow_redirects=False, timeout=e2e.TIMEOUT)
    assert again.status_code == 302 and again.headers["Location"].startswith(f"{node.url}/cas/login")


def test_a_user_without_the_seller_role_is_forbidden(start_node, seller_console, tmp_path):
    node, app, _ = console_and_node(start_node, seller_console, tmp_path)
    buyer = e2e.new_account(node.url, "buyer")
    page = sign_in(requests.Session(), node.url, app, buyer)
    e2e.assert_error(page, 403, "FORBIDDEN")


def test_an_anonymous_visitor_is_sent_to_the_cas_login(start_node, seller_console, tmp_path):
    node, app, callback = console_and_node(start_node, seller_console, tmp_path)
    first = requests.get(app + "/console/orders", allow_redirects=False, timeout=e2e.TIMEOUT)
    assert first.status_code == 302
    location = urlsplit(first.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{node.url}/cas/login"
    assert parse_qs(location.query)["service"] == [callback + "?next=/console/orders"]
    e2e.assert_error(requests.get(app + "/console/api/me", timeout=e2e.TIMEOUT), 401, "NOT_LOGGED_IN")


def test_forged_tickets_and_logout_requests_change_nothing(start_node, seller_console, tmp_path):
    node, app, callback = console_and_node(start_node, seller_console, tmp_path)
    browser = requests.Session()
    forged = browser.get(callback, params={"ticket": "ST-" + "a" * 32, "next": "/console/orders"},
                         allow_redirects=False, timeout=e2e.TIMEOUT)
    e2e.assert_error(forged, 401, "INVALID_TOKEN")
    assert "Set-Cookie" not in forged.headers
    garbage = requests.post(callback, data={"logoutRequest": "<x>not a ticket</x>"}, timeout=e2e.TIMEOUT)
    e2e.assert_error(garbage, 400, "INVALID_INPUT")
    # `next` never leads off the app.
    away = browser.get(callback, params={"next": "//evil.example/"}, allow_redirects=False, timeout=e2e.TIMEOUT)
    assert away.status_code == 303 and away.headers["Location"] == "/"


# Tessera and the console under one origin, as the console's README sets them up: the
# orders page may then open Tessera's event socket (Tessera checks the socket's Origin).
ONE_ORIGIN_SITE = """
    upstream tessera {{ server {tessera}; }}
    upstream console {{ server {console}; }}
    server {{
        listen {host}:{port};
        location / {{ proxy_pass http://tessera; proxy_set_header Host $http_host; }}
        location /console/ {{ proxy_pass http://console; proxy_set_header Host $http_host; }}
        location = /api/events {{
            proxy_pass http://tessera;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;
            proxy_read_timeout 1h;
        }}
    }}
"""


def test_a_new_order_reaches_the_seller_s_open_page_live(start_node, seller_console, nginx, tmp_path, cli, api):
    proxy_port, console_port = e2e.free_port(), e2e.free_port()
    origin = f"http://{e2e.HOST}:{proxy_port}"
    config = config_file(tmp_path, [{"id": "seller-console", "serviceUrl": origin + "/console/auth/cas", "singleLogout": True}])
    node = start_node("--config", str(config), "--public-url", origin)
    name, password = api.make_admin(node)
    seller_console(origin, console_port, {
        "SELLER_CONSOLE_URL": origin, "TESSERA_PUSH_TOKEN": e2e.login_token(node.url, name, password)})
    nginx([], site=ONE_ORIGIN_SITE.format(
        tessera=f"{e2e.HOST}:{node.port}", console=f"{e2e.HOST}:{console_port}", host=e2e.HOST, port=proxy_port),
        port=proxy_port)

    seller = e2e.new_account(node.url, "seller")
    assert cli(node, "set-roles", seller.username, "--role", "seller").returncode == 0
    browser = requests.Session()
    page = sign_in(browser, origin, origin, seller)
    assert page.status_code == 200, page.text
    # The socket the page opens: Tessera's, from the page's origin, with the seller's cookie.
    events_url = origin.replace("http://", "ws://", 1) + "/api/events"
    assert json.dumps(events_url) in page.text
    tessera_cookie = browser.cookies.get("tessera_session")
    assert tessera_cookie

    buyer = e2e.new_account(node.url, "buyer")
    buyer_browser = requests.Session()
    sign_in(buyer_browser, origin, origin, buyer)

    async def scenario():
        async with websockets.connect(events_url, origin=origin, open_timeout=10,
                                      additional_headers={"Cookie": f"tessera_session={tessera_cookie}"}) as socket:
            placed = await asyncio.to_thread(
                buyer_browser.post, origin + "/console/api/orders", timeout=e2e.TIMEOUT,
                json={"sellerId": seller.id, "item": "tea", "quantity": 2})
            assert placed.status_code == 201, placed.text
            while True:
                event = json.loads(await asyncio.wait_for(socket.recv(), 10))
                if event["type"] == "push":
                    return placed.json(), event

    order, event = asyncio.run(scenario())
    assert event["event"] == "order.created"
    assert event["data"] == {"id": order["id"], "item": "tea", "quantity": 2}
    listed = browser.get(origin + "/console/orders", timeout=e2e.TIMEOUT)
    assert f"<td>{order['id']}</td><td>tea</td><td>2</td>" in listed.text

    app = origin + "/console/api/orders"
    bad = buyer_browser.post(app, json={"sellerId": seller.id, "item": "", "quantity": 2}, timeout=e2e.TIMEOUT)
    e2e.assert_error(bad, 400, "INVALID_INPUT")
    e2e.assert_error(buyer_browser.post(app, data="{", timeout=e2e.TIMEOUT), 400, "INVALID_INPUT")
