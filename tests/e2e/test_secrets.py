"""No session token and no password in a dump of Redis, in the node's log or in its data
folder, after a run of registrations, logins, logouts, password changes and kick-outs."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

import requests

from tessera_e2e import (TIMEOUT, bearer, get_session, login, login_token, new_account,
                         strong_password, unique_name)

WINDOW = 20   # no run of this many characters of a token may appear


def windows(secret: str, size: int = WINDOW) -> set[str]:
    if len(secret) <= size:
        return {secret}
    return {secret[i:i + size] for i in range(len(secret) - size + 1)}


def find_leaks(haystack: bytes, where: str, tokens: list[str], passwords: list[str],
               public: list[str]) -> list[str]:
    """Every token window or password found in `haystack`. Windows that lie inside a public
    value (a user id may be the token's shard tag) do not count."""
    leaks = []
    for token in tokens:
        for w in sorted(windows(token)):
            if any(w in p for p in public):
                continue
            at = haystack.find(w.encode())
            if at >= 0:
                context = haystack[max(0, at - 40):at + len(w) + 40]
                leaks.append(f"{where}: {WINDOW} characters of a token ({w!r}) in {context!r}")
                break
    for password in passwords:
        if password.encode() in haystack:
            leaks.append(f"{where}: a password ({password!r})")
    return leaks


def redis_dump(redis) -> bytes:
    """Every key and value of every database, each as read back over RESP and as DUMP
    serialises it, and the RDB file that SAVE writes (uncompressed: the server runs with
    rdbcompression no)."""
    parts: list[bytes] = []
    with redis.connect() as connection:
        keyspace = connection.command("INFO", "keyspace").decode()
        databases = [line.split(":")[0][2:] for line in keyspace.splitlines() if line.startswith("db")]
        for db in databases:
            connection.command("SELECT", db)
            cursor = b"0"
            while True:
                cursor, keys = connection.command("SCAN", cursor, "COUNT", "1000")
                for key in keys:
                    parts.append(key)
                    parts.extend(_values(connection, key))
                if cursor == b"0":
                    break
        connection.command("SAVE")
    rdb = Path(redis.dir) / "dump.rdb"
    assert rdb.exists(), "SAVE wrote no dump.rdb"
    parts.append(rdb.read_bytes())
    return b"\n".join(parts)


def _values(connection, key: bytes) -> list[bytes]:
    kind = connection.command("TYPE", key)
    read = {
        b"string": [("GET", key)],
        b"hash": [("HGETALL", key)],
        b"zset": [("ZRANGE", key, "0", "-1", "WITHSCORES")],
        b"set": [("SMEMBERS", key)],
        b"list": [("LRANGE", key, "0", "-1")],
        b"stream": [("XRANGE", key, "-", "+")],
    }.get(kind, [])
    values: list[bytes] = []
    for command in [*read, ("DUMP", key)]:
        values.extend(_flatten(connection.command(*command)))
    return values


def _flatten(reply) -> list[bytes]:
    if reply is None:
        return []
    if isinstance(reply, list):
        return [b for item in reply for b in _flatten(item)]
    if isinstance(reply, int):
        return [str(reply).encode()]
    return [reply]


def test_no_token_or_password_is_kept_or_logged(start_node, redis_server):
    redis = redis_server("--rdbcompression", "no")
    node = start_node("--redis-url", redis.url)

    tokens: list[str] = []
    passwords: list[str] = []
    public: list[str] = []
    for i in range(3):
        account = new_account(node.url, prefix=f"secret{i}")
        passwords.append(account.password)
        public += [account.id, account.username]

        web = login_token(node.url, account.username, account.password)
        mobile = login_token(node.url, account.username, account.password, device="mobile")
        desktop = login_token(node.url, account.username, account.password, device="desktop")
        tokens += [web, mobile, desktop]
        assert get_session(node.url, web).status_code == 200
        assert requests.get(node.url + "/auth/verify", headers=bearer(mobile),
                            timeout=TIMEOUT).status_code == 200

        wrong = "wrong-" + strong_password()
        passwords.append(wrong)
        assert login(node.url, account.username, wrong)[0] == 401

        assert requests.post(node.url + "/api/logout", headers=bearer(web),
                             timeout=TIMEOUT).status_code == 204
        sessions = requests.get(node.url + "/api/sessions", headers=bearer(mobile), timeout=TIMEOUT)
        assert sessions.status_code == 200, sessions.text
        other = [s["id"] for s in sessions.json()["sessions"] if not s["current"]]
        assert other, sessions.text
        r = requests.delete(f"{node.url}/api/sessions/{other[0]}", headers=bearer(mobile),
                            timeout=TIMEOUT)
        assert r.status_code == 204, r.text

        new_password = strong_password()
        passwords.append(new_password)
        r = requests.post(node.url + "/api/password", headers=bearer(mobile), timeout=TIMEOUT,
                          json={"currentPassword": account.password, "newPassword": new_password,
                                "endOtherSessions": True})
        assert r.status_code == 204, r.text
        tokens.append(login_token(node.url, account.username, new_password))

    leaks = find_leaks(redis_dump(redis), "Redis", tokens, passwords, public)
    node.stop()   # flush whatever it still had to write
    leaks += find_leaks(node.logs().encode(), f"log {node.log_path}", tokens, passwords, public)
    for path in sorted(Path(node.data_dir).rglob("*")):
        if path.is_file():
            leaks += find_leaks(path.read_bytes(), f"data file {path.name}", tokens, passwords, public)
    assert not leaks, "\n".join(leaks)


def test_limit_keys_name_no_identifier_even_to_someone_who_hashes_guesses(start_node, redis_server):
    """A failed login is counted per identifier and a code request per destination. Redis
    holds neither, nor the plain SHA-256 digest anyone could compute for a guessed phone
    number or address: the node keys them under its server key first."""
    redis = redis_server("--rdbcompression", "no")
    node = start_node("--redis-url", redis.url)
    email = f"{unique_name('limits')}@example.com"
    phone = "+1555" + str(secrets.randbelow(9_000_000) + 1_000_000)
    assert login(node.url, email, "wrong-" + strong_password())[0] == 401
    r = requests.post(node.url + "/api/codes", timeout=TIMEOUT,
                      json={"channel": "sms", "to": phone, "purpose": "login"})
    assert r.status_code == 202, r.text

    dump = redis_dump(redis)
    with redis.connect() as connection:
        names = [key.decode() for key in connection.command("KEYS", "*")]
    # The counts are there, so the test looks at keys that were written.
    assert any("{lf:" in name for name in names), names
    assert any("{rl:" in name for name in names), names
    for identifier in [email, phone]:
        digest = hashlib.sha256(identifier.encode()).hexdigest()[:32]
        assert identifier.encode() not in dump, identifier
        assert digest.encode() not in dump, f"the unkeyed digest of {identifier} is in Redis"
