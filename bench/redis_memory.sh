#!/usr/bin/env bash
# Redis memory per session: `INFO memory` (used_memory) of a fresh redis-server before and
# after BENCH_SESSIONS password logins through one node, divided by the number of sessions.
# Everything a live session keeps is counted: its hash and its entry in the user's session
# index. Then a tenth of the sessions log out, and what an ended session keeps (its
# tombstone, for the absolute timeout) is measured the same way. `MEMORY USAGE` of sampled
# keys splits the figures into the session hash, its index entry and Redis's own per-key
# bookkeeping, and `OBJECT ENCODING` of the sampled hashes tells whether Redis kept them
# compact (listpack) or converted them (hashtable).
#
# Each login is what a browser or an app sends: one of four real browser User-Agent headers
# (70 to 135 bytes), the device type and a device name of that browser or phone, taken in
# turn so that each account holds a mix of them. Accounts are registered over the API
# (POST /api/accounts), so a realistic shape with a few sessions per account is quick to set
# up. The password hash is made cheap (TESSERA_PASSWORD_COST=10) so the logins, not scrypt,
# set the pace; memory does not depend on it. See bench/README.md.
#
#   bench/redis_memory.sh                                          10,000 sessions, 100 each
#   BENCH_SESSIONS=100000 bench/redis_memory.sh                    1,000 sessions per account
#   BENCH_SESSIONS=100000 BENCH_USERS=25000 bench/redis_memory.sh  4 per account, a user's share
#
# Environment: BENCH_SESSIONS (10000), BENCH_USERS (100: sessions spread evenly over this
# many accounts), TESSERA_BIN (use this binary instead of building a release one).
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/servers.sh
. scripts/lib/servers.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh

sessions=${BENCH_SESSIONS:-10000}
users=${BENCH_USERS:-100}
[ "$users" -ge 1 ] && [ "$sessions" -ge "$users" ] || die "BENCH_SESSIONS must be at least BENCH_USERS (at least 1)"

bench_cleanup_on_exit

ensure_debian_packages python3:python3 curl:curl redis-server:redis-server redis-cli:redis-tools

bin=$(release_binary tessera "${TESSERA_BIN:-}")

servers_init
start_redis
export TESSERA_PASSWORD_COST=10

port=$(free_port)
url="http://127.0.0.1:$port"
data="$SERVERS_TMP/tessera"
mkdir -p "$data"
TESSERA_RATE_LIMIT_LOGIN=1000000/1m TESSERA_RATE_LIMIT_REGISTER=1000000/1m \
    start_group TERM "$SERVERS_TMP/tessera.log" "$bin" serve \
    --host 127.0.0.1 --port "$port" --public-url "$url" --data-dir "$data" --redis-url "$REDIS_URL"
live() { curl -fs "$url/health/live" >/dev/null; }
if ! wait_until 60 live; then
    tail -n 30 "$SERVERS_TMP/tessera.log" >&2
    die "tessera did not start"
fi

BENCH_PASSWORD="bench-$(python3 -c 'import secrets; print(secrets.token_urlsafe(16))')"
export BENCH_PASSWORD

# bench_http STEP: runs one step of the load over four keep-alive connections (the Python
# below); STEP is register, login or logout. Tokens go to and come from $tokens.
tokens="$SERVERS_TMP/tokens"
bench_http() {
    python3 - "$1" "$url" "$sessions" "$users" "$tokens" <<'PY'
import http.client, json, os, sys, threading
from urllib.parse import urlsplit

step, url, sessions, users, tokens_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
password = os.environ["BENCH_PASSWORD"]
# device type, device name, User-Agent: what four common browsers and phones send.
PROFILES = [
    ("web", "Firefox on Linux", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"),
    ("web", "Chrome on Windows",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"),
    ("ios", "iPhone 16",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/18.1 Mobile/15E148 Safari/604.1"),
    ("android", "Pixel 8",
     "Mozilla/5.0 (Linux; Android 15; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
     "Mobile Safari/537.36"),
]

def register(i):
    body = {"username": f"bench{i + 1}", "password": password}
    return "POST", "/api/accounts", json.dumps(body), {"Content-Type": "application/json"}, 201

def login(i):
    # Session i belongs to account i % users, and an account's sessions take the profiles in turn.
    device, name, agent = PROFILES[(i // users) % len(PROFILES)]
    body = {"method": "password", "login": f"bench{i % users + 1}", "password": password,
            "device": device, "deviceName": name}
    return "POST", "/api/login", json.dumps(body), {"Content-Type": "application/json", "User-Agent": agent}, 200

if step == "logout":
    with open(tokens_path) as lines:
        saved = [line.strip() for line in lines if line.strip()]
    count = sessions // 10
    def logout(i):
        return "POST", "/api/logout", None, {"Authorization": f"Bearer {saved[i]}"}, 204
    request, total = logout, count
else:
    request, total = (register, users) if step == "register" else (login, sessions)

parts = urlsplit(url)
counter = iter(range(total))
lock = threading.Lock()
tokens, errors = [], []

def worker():
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    while True:
        with lock:
            i = next(counter, None)
        if i is None or errors:
            return
        method, path, body, headers, expected = request(i)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        answer = response.read()
        if response.status != expected:
            errors.append(f"{method} {path} answered {response.status}: {answer[:200]!r}")
        elif step == "login":
            with lock:
                tokens.append(json.loads(answer)["token"])

threads = [threading.Thread(target=worker) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
if errors:
    sys.exit(errors[0])
if step == "login":
    with open(tokens_path, "w") as out:
        out.write("\n".join(tokens) + "\n")
PY
}

redis() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }
used_memory() { redis info memory | awk -F: '/^used_memory:/ { print $2 + 0 }'; }

log "registering $users accounts"
bench_http register || die "registrations failed"
# A first login and logout open the node's connections and load the scripts both use, so
# that what is measured next is what sessions keep.
first=$(curl -fs -X POST "$url/api/login" -H 'Content-Type: application/json' \
    -d "{\"method\":\"password\",\"login\":\"bench1\",\"password\":\"$BENCH_PASSWORD\"}") ||
    die "the first login failed"
first_token=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["token"])' "$first")
curl -fs -X POST "$url/api/logout" -H "Authorization: Bearer $first_token" >/dev/null || die "the first logout failed"
before=$(used_memory)
keys_before=$(redis dbsize)

log "$sessions logins over $users accounts"
started=$SECONDS
bench_http login || die "logins failed"
log "logins took $((SECONDS - started)) s"
after=$(used_memory)
keys_after=$(redis dbsize)

python3 - "$sessions" "$before" "$after" "$keys_before" "$keys_after" <<'PY'
import sys
n, before, after, keys_before, keys_after = map(int, sys.argv[1:])
print(f"used_memory {before} -> {after} bytes, keys {keys_before} -> {keys_after}, "
      f"{n} sessions: {(after - before) / n:.0f} bytes per session")
PY

# What each part of a live session costs, read before the logouts fill the account cache.
sample() { redis --scan --pattern "$1" | awk 'NR <= 200'; }
mean_usage() { # mean_usage PATTERN: mean MEMORY USAGE of up to 200 keys matching PATTERN
    sample "$1" | awk '{ print "MEMORY USAGE " $0 " SAMPLES 0" }' | redis |
        awk '{ sum += $1; n++ } END { printf "%.0f", n ? sum / n : 0 }'
}
total_usage() { # total_usage PATTERN: the sum of MEMORY USAGE of every key matching PATTERN
    redis --scan --pattern "$1" | awk '{ print "MEMORY USAGE " $0 " SAMPLES 0" }' | redis |
        awk '{ sum += $1 } END { printf "%.0f", sum }'
}
hash_usage=$(mean_usage '*:s:*')
encodings=$(sample '*:s:*' | awk '{ print "OBJECT ENCODING " $0 }' | redis | sort | uniq -c |
    awk '{ printf "%s%d %s", sep, $1, $2; sep = ", " }')
index_total=$(total_usage '*:i:*')

logouts=$((sessions / 10))
log "$logouts logouts"
bench_http logout || die "logouts failed"
ended=$(used_memory)
# Logouts check their sessions first, which puts the users' accounts into the account cache.
accounts_total=$(total_usage '*:a:*')
python3 - "$sessions" "$logouts" "$before" "$after" "$((ended - accounts_total))" "$hash_usage" "$index_total" \
    "$(mean_usage '*:t:*')" "$encodings" <<'PY'
import sys
n, logouts, before, after, ended, hash_usage, index_total, tombstone_usage = map(int, sys.argv[1:9])
encodings = sys.argv[9]
live = (after - before) / n
print(f"OBJECT ENCODING of sampled session hashes: {encodings}")
print(f"a live session: {live:.0f} bytes = its hash {hash_usage} (MEMORY USAGE, with its key) "
      f"+ its index entry {index_total / n:.0f} + Redis's per-key bookkeeping "
      f"(dictionary entries for the key and its TTL, table slots) {live - hash_usage - index_total / n:.0f}")
print(f"an ended session: its tombstone {tombstone_usage} bytes (MEMORY USAGE) for the absolute timeout; "
      f"used_memory {after} -> {ended} after {logouts} logouts (cached accounts left out), "
      f"{(ended - after) / logouts:+.0f} bytes per logout")
print(f"with a tenth of the sessions ended: {(ended - before) / n:.0f} bytes per session, tombstones included")
PY
