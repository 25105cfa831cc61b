#!/usr/bin/env bash
# What a password login costs beyond its key derivation: wrk on POST /api/login (scrypt
# check, login back-off and rate limit in Redis, a new session, the JSON answer and cookie)
# against the raw scrypt rate of the same binary with the same parameters (`tessera bench
# scrypt`: the server's PasswordHasher on one thread per core, as many as the server's
# thread pool), alternating in one run. Prints logins/s, hashes/s and the ratio
# logins/hashes: 1.00 would mean everything but scrypt is free. See bench/README.md.
#
# Environment: BENCH_DURATION (10, seconds), BENCH_CONNECTIONS (4), BENCH_ROUNDS (2),
# TESSERA_BIN (use this binary instead of building a release one).
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/servers.sh
. scripts/lib/servers.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh

duration=${BENCH_DURATION:-10}
duration=${duration%s}
connections=${BENCH_CONNECTIONS:-4}
rounds=${BENCH_ROUNDS:-2}

bench_cleanup_on_exit

ensure_debian_packages python3:python3 curl:curl redis-server:redis-server redis-cli:redis-tools wrk:wrk

bin=$(release_binary tessera "${TESSERA_BIN:-}")

servers_init
start_redis

port=$(free_port)
url="http://127.0.0.1:$port"
data="$SERVERS_TMP/tessera"
mkdir -p "$data"
# One client address logs in far more often than the default login rate allows.
TESSERA_RATE_LIMIT_LOGIN=1000000/1m start_group TERM "$SERVERS_TMP/tessera.log" "$bin" serve \
    --host 127.0.0.1 --port "$port" --public-url "$url" --data-dir "$data" --redis-url "$REDIS_URL"
live() { curl -fs "$url/health/live" >/dev/null; }
if ! wait_until 60 live; then
    tail -n 30 "$SERVERS_TMP/tessera.log" >&2
    die "tessera did not start"
fi

BENCH_PASSWORD="bench-$(python3 -c 'import secrets; print(secrets.token_urlsafe(16))')"
export BENCH_PASSWORD
"$bin" user create --username bench --password "$BENCH_PASSWORD" --data-dir "$data" >/dev/null ||
    die "tessera user create failed"

run_wrk() { # prints logins/s
    local out
    out=$(wrk -t1 -c"$connections" -d"${duration}s" --timeout 30s -s bench/login.lua "$url/api/login")
    if grep -q 'Non-2xx or 3xx responses' <<<"$out"; then
        printf '%s\n' "$out" >&2
        die "some logins were not 2xx"
    fi
    awk '/^Requests\/sec:/ { print $2 }' <<<"$out"
}

log "$rounds rounds of ${duration} s: scrypt alone, then wrk -c$connections on POST /api/login"
results=()
for round in $(seq 1 "$rounds"); do
    hashes=$("$bin" bench scrypt --duration "$duration" | awk '{ print $(NF - 1) }')
    printf 'round %d  scrypt alone      %8.2f hashes/s\n' "$round" "$hashes"
    logins=$(run_wrk)
    printf 'round %d  POST /api/login   %8.2f logins/s\n' "$round" "$logins"
    results+=("$hashes $logins")
done

printf '%s\n' "${results[@]}" | python3 -c '
import sys
pairs = [tuple(map(float, line.split())) for line in sys.stdin]
n = len(pairs)
hashes = sum(p[0] for p in pairs) / n
logins = sum(p[1] for p in pairs) / n
print(f"scrypt {hashes:.2f} hashes/s, login {logins:.2f} logins/s (means of {n}); "
      f"ratio login/scrypt: {logins / hashes:.2f}")
'
