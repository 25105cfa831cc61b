"""Redis Cluster failover under a live node: a primary is killed (SIGKILL, as a crash) under
a steady load of logins and session checks.

- Sessions on the other shards never fail; the dead shard's answer 503 STORE_UNAVAILABLE
  (never 500) until its replica is promoted, then serve again.
- Logouts acknowledged just before the kill stay logged out after the promotion: the
  session store waits for a replica (WAIT 1) before it reports a revocation done.
- The killed node is then started again and rejoins as a replica, still under load: no
  answer but 200 and 503 throughout, and every session from before the kill still valid.
- The test prints the gap (kill to the first answer from the promoted replica) and how many
  acknowledged logins were lost.

The cluster is the test's own (six redis-servers, cluster-node-timeout 2000), so killing a
node disturbs no other suite.
"""

from __future__ import annotations

import binascii
import signal
import socket
import threading
import time

import requests

import tessera_e2e as e2e
from conftest import missing
from tessera_e2e import (TIMEOUT, assert_error, bearer, get_session, login, login_token,
                         new_account, wait_for)

PROMOTION_SECONDS = 30


def start_cluster(tmp_path, nodes: list) -> None:
    """Starts six cluster nodes into `nodes` (which the caller stops) and creates the cluster."""
    binary = e2e.require_binary("redis-server", "/usr/bin/redis-server")
    cli = e2e.require_binary("redis-cli", "/usr/bin/redis-cli")
    if not binary or not cli:
        missing("redis-server and redis-cli are not installed")
    while len(nodes) < 6:
        node = e2e.RedisServer(binary, cli, tmp_path / f"node{len(nodes)}-{time.monotonic_ns()}",
                               ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                                "--cluster-node-timeout", "2000"])
        # Each node also listens on its port + 10000 (the cluster bus), which must be free too.
        if node.port < 55536 and port_free(node.port + 10000):
            nodes.append(node.start())
    addresses = [f"127.0.0.1:{n.port}" for n in nodes]
    nodes[0].cli("--cluster", "create", *addresses, "--cluster-replicas", "1", "--cluster-yes")

    def ready() -> bool:
        for n in nodes:
            if "cluster_state:ok" not in n.cli("cluster", "info"):
                return False
            replication = n.cli("info", "replication")
            if "role:slave" in replication and "master_link_status:up" not in replication:
                return False
        return True

    assert wait_for(ready, 60, interval=0.2), "the cluster did not become ready"


def port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def slot_owners(node) -> dict[int, int]:
    """Primary port of every slot, from CLUSTER NODES as `node` sees it."""
    owners: dict[int, int] = {}
    for line in node.cli("cluster", "nodes").splitlines():
        parts = line.split()
        if len(parts) < 9 or "master" not in parts[2] or "fail" in parts[2]:
            continue
        port = int(parts[1].split("@")[0].rsplit(":", 1)[1])
        for ranges in parts[8:]:
            if ranges.startswith("["):
                continue
            start, _, end = ranges.partition("-")
            for slot in range(int(start), int(end or start) + 1):
                owners[slot] = port
    return owners


def token_slot(token: str) -> int:
    # Keys of a user's sessions carry the hash tag {u:<tag>}, the tag being the token's second part.
    return binascii.crc_hqx(f"u:{token.split('.')[1]}".encode(), 0) % 16384


class Load:
    """Session checks and logins in background threads, recording every answer."""

    def __init__(self, url: str, checks: list[tuple[str, bool]], accounts: list):
        self.url, self.checks, self.accounts = url, checks, accounts
        self.records: list[tuple[float, str, bool, int]] = []  # time, kind, on victim, status
        self.logins: list[tuple[float, str]] = []  # time, token
        self.stopped = threading.Event()
        self.threads = [threading.Thread(target=self.check_loop), threading.Thread(target=self.login_loop)]

    def check_loop(self) -> None:
        i = 0
        while not self.stopped.is_set():
            token, on_victim = self.checks[i % len(self.checks)]
            i += 1
            status = get_session(self.url, token).status_code
            self.records.append((time.monotonic(), "check", on_victim, status))

    def login_loop(self) -> None:
        i = 0
        while not self.stopped.is_set():
            account = self.accounts[i % len(self.accounts)]
            i += 1
            status, body, _ = login(self.url, account.username, account.password, timeout=10)
            self.records.append((time.monotonic(), "login", False, status))
            if status == 200:
                self.logins.append((time.monotonic(), body["token"]))
            time.sleep(0.05)

    def __enter__(self) -> "Load":
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        for t in self.threads:
            t.join()


def test_primary_killed_under_load(start_node, tmp_path):
    cluster: list = []
    try:
        run_failover(start_node, tmp_path, cluster)
    finally:
        for server in cluster:
            server.stop()


def run_failover(start_node, tmp_path, cluster: list) -> None:
    start_cluster(tmp_path, cluster)
    seeds = ",".join(f"127.0.0.1:{n.port}" for n in cluster)
    node = start_node("--redis-url", f"redis://{seeds}",
                      env={"TESSERA_RATE_LIMIT_LOGIN": "100000/1m",
                           "TESSERA_RATE_LIMIT_REGISTER": "100000/1h"})
    accounts = [new_account(node.url, "failover") for _ in range(24)]
    tokens = [login_token(node.url, a.username, a.password) for a in accounts]

    owners = slot_owners(cluster[0])
    by_port: dict[int, list[str]] = {}
    for token in tokens:
        by_port.setdefault(owners[token_slot(token)], []).append(token)
    victim_port = max(by_port, key=lambda port: len(by_port[port]))
    victim = next(n for n in cluster if n.port == victim_port)
    assert by_port[victim_port] and len(by_port) > 1, f"sessions did not spread over shards: {by_port}"

    # Sessions to revoke on the victim's shard (a user's sessions all share the user's tag).
    on_victim = [a for a, t in zip(accounts, tokens) if owners[token_slot(t)] == victim_port]
    to_revoke = [login_token(node.url, on_victim[i % len(on_victim)].username,
                             on_victim[i % len(on_victim)].password) for i in range(8)]
    assert all(owners[token_slot(t)] == victim_port for t in to_revoke)

    checks = [(t, owners[token_slot(t)] == victim_port) for t in tokens]
    with Load(node.url, checks, accounts) as load:
        time.sleep(1.5)
        for token in to_revoke:
            r = requests.post(node.url + "/api/logout", headers=bearer(token), timeout=TIMEOUT)
            assert r.status_code == 204, r.text
        # Right after the last acknowledgement, the primary dies as in a crash.
        victim._group.stop_signal = signal.SIGKILL
        victim.stop()
        killed = time.monotonic()
        victim_tokens = by_port[victim_port]

        def shard_serves() -> bool:
            return get_session(node.url, victim_tokens[0]).status_code == 200

        assert wait_for(shard_serves, PROMOTION_SECONDS, interval=0.1), (
            f"the killed primary's slots did not serve again within {PROMOTION_SECONDS} s")
        served = time.monotonic()
        time.sleep(1.5)

        # The killed node comes back (with its nodes.conf, without data) and rejoins as a
        # replica of the node that took its slots, still under load.
        victim._group.stop_signal = signal.SIGTERM
        victim.start()

        def rejoined() -> bool:
            replication = victim.cli("info", "replication")
            return "role:slave" in replication and "master_link_status:up" in replication

        assert wait_for(rejoined, PROMOTION_SECONDS, interval=0.2), (
            f"the restarted node did not rejoin as a replica within {PROMOTION_SECONDS} s")
        back = time.monotonic()
        time.sleep(1.5)

    assert node.running
    statuses = {status for _, _, _, status in load.records}
    assert statuses <= {200, 503}, f"answers other than 200 and 503 under failover: {statuses}"
    other_failures = [r for r in load.records if r[1] == "check" and not r[2] and r[3] != 200]
    assert not other_failures, f"{len(other_failures)} checks failed on shards that stayed up"
    assert any(r[1] == "check" and r[2] for r in load.records), "no check reached the victim's shard"

    for token in to_revoke:
        assert_error(get_session(node.url, token), 401, "LOGGED_OUT")
    still = [t for t in tokens if get_session(node.url, t).status_code != 200]
    assert not still, f"{len(still)} of {len(tokens)} sessions from before the kill were lost"

    acknowledged = [token for _, token in load.logins]
    lost = [t for t in acknowledged if get_session(node.url, t).status_code != 200]
    first_503 = min((t for t, _, v, s in load.records if s == 503), default=None)
    last_503 = max((t for t, _, v, s in load.records if s == 503), default=None)
    print(f"\nfailover: slots served again {served - killed:.2f} s after the kill; "
          f"503s for {((last_503 or killed) - (first_503 or killed)):.2f} s; "
          f"{len(load.records)} requests, {sum(1 for r in load.records if r[3] == 503)} answered 503; "
          f"{len(lost)} of {len(acknowledged)} acknowledged logins lost; "
          f"{len(to_revoke)} revocations all held; the killed node rejoined as a replica "
          f"{back - killed:.2f} s after the kill")
    assert not lost, f"{len(lost)} acknowledged logins were lost in the failover"
