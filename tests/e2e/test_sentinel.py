"""Two nodes whose `--redis-url` names a Sentinel-managed primary (redis+sentinel://): every
Redis store runs unchanged on the primary the sentinels name."""

from __future__ import annotations

import base64
import os

import requests

from tessera_e2e import TIMEOUT, assert_error, bearer, get_session, login_token, new_account


def test_nodes_on_a_sentinel_primary_share_sessions(start_node, redis_sentinel_url, database_url):
    key = base64.b64encode(os.urandom(32)).decode()
    a, b = (start_node("--redis-url", redis_sentinel_url, "--database-url", database_url,
                       "--server-key", key) for _ in range(2))
    account = new_account(a.url)
    token = login_token(a.url, account.username, account.password)

    for node in (a, b):
        r = get_session(node.url, token)
        assert r.status_code == 200, f"{node}: {r.text}"
        assert r.json()["user"]["id"] == account.id

    r = requests.post(b.url + "/api/logout", headers=bearer(token), timeout=TIMEOUT)
    assert r.status_code == 204, r.text
    assert_error(get_session(a.url, token), 401, "LOGGED_OUT")
