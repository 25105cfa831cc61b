"""deploy/nginx/auth-request.conf with a real nginx: an app behind auth_request is
reachable only with a live Tessera session, gets the user from Tessera (never from the
client), and browsers without a session are sent to the CAS login page and back."""

from __future__ import annotations

from pathlib import Path

import requests

import tessera_e2e as e2e
from cas_helpers import Receiver, config_file, form_login, ticket_of

CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "auth-request.conf"


def test_auth_request_protects_the_app_and_sends_browsers_to_login(start_node, nginx, tmp_path):
    app = Receiver().start()
    try:
        port = e2e.free_port()
        origin = f"http://{e2e.HOST}:{port}"
        config = config_file(tmp_path, [{"id": "app", "serviceUrl": origin + "/"}])
        node = start_node("--config", str(config), "--public-url", origin, "--trusted-proxies", "127.0.0.1")
        site = (CONF.read_text()
                .replace("server 127.0.0.1:8080;", f"server {e2e.HOST}:{node.port};")
                .replace("server 127.0.0.1:9000;", f"server {e2e.HOST}:{app.port};")
                .replace("listen 127.0.0.1:8000;", f"listen {e2e.HOST}:{port};")
                .replace("https://app.example.com", origin))
        proxy = nginx([], site=site, port=port)

        anonymous = requests.get(f"{proxy.url}/app/orders", allow_redirects=False, timeout=e2e.TIMEOUT)
        assert anonymous.status_code == 302
        assert anonymous.headers["Location"] == f"{origin}/cas/login?service={origin}/app/orders"
        assert anonymous.headers["X-Tessera-Reason"] == "NOT_LOGGED_IN"
        style = requests.get(f"{proxy.url}/static/tessera.css", allow_redirects=False, timeout=e2e.TIMEOUT)
        assert style.status_code == 200 and style.headers["Content-Type"].startswith("text/css")
        forged = requests.get(f"{proxy.url}/app/orders", headers={"X-Tessera-User-Id": "root"},
                              allow_redirects=False, timeout=e2e.TIMEOUT)
        assert forged.status_code == 302

        account = e2e.new_account(proxy.url, "gw")
        browser, answer = form_login(proxy.url, f"{origin}/app/orders", account.username, account.password)
        ticket = ticket_of(answer)
        assert answer.headers["Location"] == f"{origin}/app/orders?ticket={ticket}"

        seen = browser.get(f"{proxy.url}/app/orders", headers={"X-Tessera-User-Id": "root", "X-Tessera-Roles": "admin"},
                           allow_redirects=False, timeout=e2e.TIMEOUT)
        assert seen.status_code == 200, seen.text
        headers = seen.json()
        assert headers["x-tessera-user-id"] == account.id
        assert headers["x-tessera-user-name"] == account.username
        # No roles: nginx sends no header with an empty value, and drops the client's.
        assert "x-tessera-roles" not in headers

        token = e2e.login_token(proxy.url, account.username, account.password)
        api_client = requests.get(f"{proxy.url}/report", headers=e2e.bearer(token), timeout=e2e.TIMEOUT)
        assert api_client.status_code == 200 and api_client.json()["x-tessera-user-id"] == account.id

        browser.get(f"{proxy.url}/cas/logout", timeout=e2e.TIMEOUT)
        after = browser.get(f"{proxy.url}/app/orders", allow_redirects=False, timeout=e2e.TIMEOUT)
        assert after.status_code == 302
        assert after.headers["X-Tessera-Reason"] in ("NOT_LOGGED_IN", "LOGGED_OUT")
        assert requests.get(f"{proxy.url}/_tessera/verify", timeout=e2e.TIMEOUT).status_code == 404
    finally:
        app.stop()
