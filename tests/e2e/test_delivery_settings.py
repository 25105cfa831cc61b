"""The delivery settings through the command line and the environment: a node starts with
them and logs none of their secrets; a bad one stops the node at start with a message that
names it and leaves the password out."""

from __future__ import annotations

import subprocess

import requests

from tessera_e2e import TIMEOUT


def test_a_node_starts_with_delivery_settings_and_logs_no_secret(start_node):
    password = "smtp-pass-d41d8cd98f"
    secret = "webhook-secret-9e107d9d372bb6826bd8"
    node = start_node(
        "--smtp-url", f"smtps://mailer:{password}@mail.example.com",
        "--mail-from", "Example Login <no-reply@example.com>",
        env={"TESSERA_SMS_WEBHOOK_URL": "https://sms.example.com/send", "TESSERA_SMS_WEBHOOK_SECRET": secret})
    assert requests.get(node.url + "/health/live", timeout=TIMEOUT).status_code == 200
    log = node.log_path.read_text(errors="replace")
    assert password not in log
    assert secret not in log


def test_a_bad_delivery_setting_stops_the_node_at_start(tessera_bin, tmp_path):
    cases = [
        (["--smtp-url", "smtp://mailer:hunter2-secret@mail.example.com?allow-insecure-auth=true"], "loopback"),
        (["--smtp-url", "http://mailer:hunter2-secret@mail.example.com"], "smtp-url"),
        (["--mail-from", "Tessera <no-reply@example.com>\r\nBcc: eve@example.com"], "mail-from"),
        (["--sms-webhook-secret", "hunter2-secret-long-enough"], "sms-webhook-url"),
    ]
    for args, named in cases:
        done = subprocess.run(
            [tessera_bin, "serve", "--port", "0", "--data-dir", str(tmp_path / "data"), *args],
            capture_output=True, text=True, timeout=120)
        assert done.returncode != 0, args
        assert named in done.stderr, (args, done.stderr)
        assert "hunter2" not in done.stderr + done.stdout, args
