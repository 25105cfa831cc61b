"""The code flows through the real transports: e-mail over SMTP to the aiosmtpd server the
test script starts, texts to a local webhook receiver that checks the signature."""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import json
import os
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from conftest import missing
from tessera_e2e import TIMEOUT, bearer, free_port, login_token, new_account, wait_for

SECRET = "webhook-secret-" + uuid.uuid4().hex


@pytest.fixture
def smtp():
    url, folder = os.environ.get("TESSERA_TEST_SMTP_URL"), os.environ.get("TESSERA_TEST_SMTP_MAILDIR")
    if not url or not folder:
        missing("no SMTP server (TESSERA_TEST_SMTP_URL, TESSERA_TEST_SMTP_MAILDIR)")
    return url, Path(folder)


def mail_to(folder: Path, address: str, timeout: float = 15) -> email.message.EmailMessage:
    """The newest message the SMTP server kept for `address`, parsed."""
    def find():
        for meta in sorted(folder.glob("*.json"), reverse=True):
            if address in json.loads(meta.read_text())["rcpt_tos"]:
                return email.message_from_bytes(meta.with_suffix(".eml").read_bytes(), policy=email.policy.default)
        return None
    message = wait_for(find, timeout)
    assert message is not None, f"no mail for {address} within {timeout} s"
    return message


class Webhook:
    """A local SMS gateway: keeps every signed request it gets, refuses unsigned ones."""

    def __init__(self):
        self.received: list[dict] = []
        self.refused = 0
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                stamp = self.headers.get("X-Tessera-Timestamp", "")
                expected = "sha256=" + hmac.new(SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
                fresh = stamp.isdigit() and abs(time.time() - int(stamp)) < 300
                if not fresh or not hmac.compare_digest(expected, self.headers.get("X-Tessera-Signature", "")):
                    hook.refused += 1
                    self.send_response(401)
                else:
                    hook.received.append(json.loads(body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.port}/sms"

    def texts_to(self, number: str) -> list[dict]:
        return [m for m in self.received if m["to"] == number]


@pytest.fixture
def webhook():
    hook = Webhook()
    yield hook
    hook.server.shutdown()


def six_digits(text: str) -> str:
    return re.search(r"\b[0-9]{6}\b", text).group(0)


def test_registration_mail_arrives_over_smtp_with_a_code_and_a_link_that_each_work_once(start_node, smtp):
    smtp_url, folder = smtp
    node = start_node("--smtp-url", smtp_url)
    address = f"ada-{uuid.uuid4().hex[:10]}@example.test"
    account = new_account(node.url, prefix="mail", email=address)

    message = mail_to(folder, address)
    assert message["To"] == address
    text = message.get_content()
    code = six_digits(text)
    link = re.search(r"(http://\S+/verify-email\?token=[A-Za-z0-9_-]+)", text).group(1)
    assert link.startswith(node.url + "/verify-email?token=")
    # The code went to the mail server, and nowhere else a test could read it.
    assert requests.get(node.url + "/dev/outbox", params={"to": address}, timeout=TIMEOUT).json()["messages"] == []

    verify = {"email": address, "code": code}
    first = requests.post(node.url + "/api/verification/email", json=verify, timeout=TIMEOUT)
    assert first.status_code == 200 and first.json()["user"]["emailVerified"] is True, first.text
    again = requests.post(node.url + "/api/verification/email", json=verify, timeout=TIMEOUT)
    assert again.status_code == 400 and again.json()["error"]["code"] == "CODE_INVALID"
    assert requests.get(link, timeout=TIMEOUT).status_code == 200
    assert requests.get(link, timeout=TIMEOUT).status_code == 400
    assert code not in node.logs() and link.rsplit("=", 1)[1] not in node.logs()
    assert account.id


def test_a_reset_code_by_mail_ends_every_session_of_the_account(start_node, smtp):
    smtp_url, folder = smtp
    # Registration already mailed this address a code; the one-a-minute spacing would refuse
    # the reset code that follows at once.
    node = start_node("--smtp-url", smtp_url, env={"TESSERA_RATE_LIMIT_CODE_DESTINATION": "100/1m"})
    address = f"bo-{uuid.uuid4().hex[:10]}@example.test"
    account = new_account(node.url, prefix="reset", email=address)
    tokens = [login_token(node.url, account.username, account.password, device=d) for d in ("web", "mobile")]
    registration = mail_to(folder, address)

    r = requests.post(node.url + "/api/codes", json={"channel": "email", "to": address, "purpose": "reset"}, timeout=TIMEOUT)
    assert r.status_code == 202, r.text
    def reset_mail():
        messages = [m for m in (mail_to(folder, address),) if m.get_content() != registration.get_content()]
        return messages[0] if messages else None
    code = six_digits(wait_for(reset_mail, 15).get_content())
    new_password = "a fresh passphrase " + uuid.uuid4().hex[:6]
    r = requests.post(node.url + "/api/password/reset", json={"login": address, "code": code, "newPassword": new_password},
                      timeout=TIMEOUT)
    assert r.status_code == 204, r.text
    for token in tokens:
        refused = requests.get(node.url + "/api/session", headers=bearer(token), timeout=TIMEOUT)
        assert refused.status_code == 401 and refused.headers["X-Tessera-Reason"] == "KICKED_OUT"
    assert login_token(node.url, account.username, new_password)


def test_an_sms_login_through_the_signed_webhook_registers_the_number(start_node, webhook):
    node = start_node("--sms-webhook-url", webhook.url, "--sms-webhook-secret", SECRET)
    number = f"+1555{uuid.uuid4().int % 10_000_000:07d}"
    r = requests.post(node.url + "/api/codes", json={"channel": "sms", "to": number, "purpose": "login"}, timeout=TIMEOUT)
    assert r.status_code == 202, r.text
    assert wait_for(lambda: webhook.texts_to(number), 10), "the webhook got no text"
    text = webhook.texts_to(number)[-1]
    assert text["kind"] == "login-code" and webhook.refused == 0
    login = {"method": "sms", "phone": number, "code": six_digits(text["text"])}
    first = requests.post(node.url + "/api/login", json=login, timeout=TIMEOUT)
    assert first.status_code == 200, first.text
    assert first.json()["user"]["phone"] == number
    again = requests.post(node.url + "/api/login", json=login, timeout=TIMEOUT)
    assert again.status_code == 400 and again.json()["error"]["code"] == "CODE_INVALID"


def test_a_mail_server_that_cannot_be_reached_is_a_503_and_the_code_is_not_logged(start_node):
    node = start_node("--smtp-url", f"smtp://127.0.0.1:{free_port()}")
    address = f"cy-{uuid.uuid4().hex[:10]}@example.test"
    r = requests.post(node.url + "/api/codes", json={"channel": "email", "to": address, "purpose": "login"}, timeout=TIMEOUT)
    assert r.status_code == 503, r.text
    assert r.json()["error"]["code"] == "DELIVERY_FAILED" and int(r.headers["Retry-After"]) > 0
    assert address not in node.logs()
