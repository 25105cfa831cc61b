"""The operator commands, against the same data a running node serves: `tessera user
create | list | set-roles | disable | enable`."""

from __future__ import annotations

import json

import requests

from tessera_e2e import TIMEOUT, assert_refused, bearer, login, login_token, new_account


def test_operator_commands_act_on_a_running_node(start_node, redis_url, cli):
    # Sessions in Redis, so a disable from the command line ends them for the node at once.
    node = start_node("--redis-url", redis_url)
    account = new_account(node.url)
    token = login_token(node.url, account.username, account.password)

    listed = cli(node, "list", "--query", account.username[:-2], env={"TESSERA_REDIS_URL": redis_url})
    assert listed.returncode == 0, listed.stderr
    users = [json.loads(line) for line in listed.stdout.splitlines() if line.strip()]
    assert [u["username"] for u in users] == [account.username]
    assert "passwordHash" not in listed.stdout and "scrypt" not in listed.stdout

    roles = cli(node, "set-roles", account.username, "--role", "seller", "--role", "support")
    assert roles.returncode == 0, roles.stderr
    assert json.loads(roles.stdout)["roles"] == ["seller", "support"]

    # The server key lives in the node's data folder; the command finds the same one.
    disabled = cli(node, "disable", account.username, "--reason", "test", env={"TESSERA_REDIS_URL": redis_url})
    assert disabled.returncode == 0, disabled.stderr
    assert "1 session(s) ended" in disabled.stdout
    assert_refused(node.url, token, "ACCOUNT_DISABLED")
    status, body, _ = login(node.url, account.username, account.password)
    assert (status, body["error"]["code"]) == (403, "ACCOUNT_DISABLED")

    enabled = cli(node, "enable", account.id)
    assert enabled.returncode == 0, enabled.stderr
    again = login_token(node.url, account.username, account.password)
    me = requests.get(node.url + "/api/session", headers=bearer(again), timeout=TIMEOUT).json()
    assert me["user"]["roles"] == ["seller", "support"]


def test_operator_commands_refuse_bad_input_clearly(start_node, cli):
    node = start_node()
    weak = cli(node, "create", "--username", "someone", "--password", "password")
    assert weak.returncode != 0
    assert "WEAK_PASSWORD" in weak.stderr
    missing = cli(node, "disable", "nobody-by-that-name")
    assert missing.returncode != 0
    assert "no user" in missing.stderr
    bad_until = cli(node, "disable", "nobody", "--until", "tomorrow")
    assert bad_until.returncode != 0
    assert "RFC 3339" in bad_until.stderr
