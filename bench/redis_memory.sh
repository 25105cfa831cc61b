#!/usr/bin/env bash
# Redis memory per session: `INFO memory` (used_memory) of a fresh redis-server before and
# after BENCH_SESSIONS password logins through one node, divided by the number of sessions.
# Everything a live session keeps is counted: its hash, the user's session index, the
# device index. Then a tenth of the sessions log out, and what an ended session keeps (its
# tombstone, for the absolute timeout) is measured the same way. `MEMORY USAGE` of sampled
# keys splits the figures into the session hash, its index entry and Redis's own per-key
# bookkeeping. The password hash is made cheap (TESSERA_PASSWORD_COST=10) so the logins,
# not scrypt, set the pace; memory does not depend on it. See bench/README.md.
#
# Environment: BENCH_SESSIONS (10000), BENCH_USERS (100: sessions spread over this many
# accounts), TESSERA_BIN (use this binary instead of building a release one).
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/servers.sh
. scripts/lib/servers.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh

sessions=${BENCH_SESSIONS:-10000}
users=${BENCH_USERS:-100}

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
TESSERA_RATE_LIMIT_LOGIN=1000000/1m start_group TERM "$SERVERS_TMP/tessera.log" "$bin" serve \
    --host 127.0.0.1 --port "$port" --public-url "$url" --data-dir "$data" --redis-url "$REDIS_URL"
live() { curl -fs "$url/health/live" >/dev/null; }
if ! wait_until 60 live; then
    tail -n 30 "$SERVERS_TMP/tessera.log" >&2
    die "tessera did not start"
fi

BENCH_PASSWORD="bench-$(python3 -c 'import secrets; print(secrets.token_urlsafe(16))')"
export BENCH_PASSWORD
log "creating $users accounts"
for i in $(seq 1 "$users"); do
    "$bin" user create --username "bench$i" --password "$BENCH_PASSWORD" --data-dir "$data" \
        >/dev/null 2>&1 || die "tessera user create bench$i failed"
done

used_memory() {
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" info memory | awk -F: '/^used_memory:/ { print $2 + 0 }'
}
# The first login creates the keys every later login shares (limits, scripts loaded).
# A first login and logout open the node's connections and load the scripts both use, so
# that what is measured next is what sessions keep.
first=$(curl -fs -X POST "$url/api/login" -H 'Content-Type: application/json' \
    -d "{\"method\":\"password\",\"login\":\"bench1\",\"password\":\"$BENCH_PASSWORD\"}") ||
    die "the first login failed"
first_token=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["token"])' "$first")
curl -fs -X POST "$url/api/logout" -H "Authorization: Bearer $first_token" >/dev/null || die "the first logout failed"
before=$(used_memory)
keys_before=$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" dbsize)

log "$sessions logins over $users accounts"
tokens="$SERVERS_TMP/tokens"
python3 - "$url" "$sessions" "$users" "$tokens" <<'PY' || die "logins failed"
import http.client, json, os, sys, threading
from urllib.parse import urlsplit
url, total, users, tokens_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
tokens = []
parts = urlsplit(url)
counter = iter(range(total))
lock = threading.Lock()
errors = []

def worker():
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    while True:
        with lock:
            i = next(counter, None)
        if i is None or errors:
            return
        body = json.dumps({"method": "password", "login": f"bench{i % users + 1}",
                           "password": os.environ["BENCH_PASSWORD"], "device": f"d{i}"})
        conn.request("POST", "/api/login", body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        answer = response.read()
        if response.status != 200:
            errors.append(response.status)
        else:
            with lock:
                tokens.append(json.loads(answer)["token"])

threads = [threading.Thread(target=worker) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
if errors:
    sys.exit(f"a login answered {errors[0]}")
with open(tokens_path, "w") as out:
    out.write("\n".join(tokens) + "\n")
PY
after=$(used_memory)
keys_after=$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" dbsize)

python3 - "$sessions" "$before" "$after" "$keys_before" "$keys_after" <<'PY'
import sys
n, before, after, keys_before, keys_after = map(int, sys.argv[1:])
print(f"used_memory {before} -> {after} bytes, keys {keys_before} -> {keys_after}, "
      f"{n} sessions: {(after - before) / n:.0f} bytes per session")
PY

logouts=$((sessions / 10))
log "$logouts logouts"
python3 - "$url" "$tokens" "$logouts" <<'PY' || die "logouts failed"
import http.client, sys
from urllib.parse import urlsplit
url, tokens_path, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
parts = urlsplit(url)
conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
with open(tokens_path) as lines:
    tokens = [line.strip() for line in lines if line.strip()][:count]
for token in tokens:
    conn.request("POST", "/api/logout", headers={"Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    response.read()
    if response.status != 204:
        sys.exit(f"a logout answered {response.status}")
PY
ended=$(used_memory)

# MEMORY USAGE of a sample of each kind of key: what each part of a session costs.
sample_usage() { # sample_usage PATTERN: mean MEMORY USAGE of up to 200 keys matching PATTERN
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" --scan --pattern "$1" | head -n 200 |
        while read -r key; do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" memory usage "$key" samples 0; done |
        awk '{ sum += $1; n++ } END { printf "%.0f", n ? sum / n : 0 }'
}
index_total=0
while read -r key; do
    index_total=$((index_total + $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" memory usage "$key" samples 0)))
done < <(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" --scan --pattern '*:i:*')
# Logouts check their sessions first, which puts the users' accounts into the account cache.
accounts_total=0
while read -r key; do
    accounts_total=$((accounts_total + $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" memory usage "$key" samples 0)))
done < <(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" --scan --pattern '*:a:*')
python3 - "$sessions" "$logouts" "$before" "$after" "$((ended - accounts_total))" "$(sample_usage '*:s:*')" "$index_total" \
    "$(sample_usage '*:t:*')" <<'PY'
import sys
n, logouts, before, after, ended, hash_usage, index_total, tombstone_usage = map(int, sys.argv[1:])
live = (after - before) / n
live_after = n - logouts
print(f"a live session: {live:.0f} bytes = its hash {hash_usage} (MEMORY USAGE, with its key) "
      f"+ its index entry {index_total / live_after:.0f} + Redis's per-key bookkeeping "
      f"(dictionary entries for the key and its TTL, table slots) {live - hash_usage - index_total / live_after:.0f}")
print(f"an ended session: its tombstone {tombstone_usage} bytes (MEMORY USAGE) for the absolute timeout; "
      f"used_memory {after} -> {ended} after {logouts} logouts (cached accounts left out), "
      f"{(ended - after) / logouts:+.0f} bytes per logout")
print(f"with a tenth of the sessions ended: {(ended - before) / n:.0f} bytes per session, tombstones included")
PY
