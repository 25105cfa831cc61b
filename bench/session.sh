#!/usr/bin/env bash
# How much a session check costs: GET /api/session (one Redis round trip) against
# GET /health/live (no store) of the same release build on the Redis session store, with
# wrk, alternating live, session, live, session in one run. Prints the requests/s of each
# and the ratio session/live. See bench/README.md.
#
# Environment: BENCH_DURATION (10s), BENCH_THREADS (2), BENCH_CONNECTIONS (32),
# BENCH_ROUNDS (2), TESSERA_BIN (use this binary instead of building a release one).
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/servers.sh
. scripts/lib/servers.sh

duration=${BENCH_DURATION:-10s}
threads=${BENCH_THREADS:-2}
connections=${BENCH_CONNECTIONS:-32}
rounds=${BENCH_ROUNDS:-2}

cleanup() {
    trap - EXIT INT TERM
    servers_stop_all
    if [ -n "${SERVERS_TMP:-}" ]; then rm -rf "$SERVERS_TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ensure_debian_packages python3:python3 redis-server:redis-server redis-cli:redis-tools wrk:wrk

if [ -n "${TESSERA_BIN:-}" ]; then
    bin=$TESSERA_BIN
else
    log "swift build -c release"
    swift build -c release --product tessera
    bin="$(swift build -c release --show-bin-path)/tessera"
fi
[ -x "$bin" ] || die "no tessera binary at $bin"

servers_init
start_redis

port=$(free_port)
url="http://127.0.0.1:$port"
data="$SERVERS_TMP/tessera"
mkdir -p "$data"
start_group TERM "$SERVERS_TMP/tessera.log" "$bin" serve --host 127.0.0.1 --port "$port" \
    --public-url "$url" --data-dir "$data" --redis-url "$REDIS_URL"

http_status() { # http_status URL: prints the status code of a GET
    python3 - "$1" <<'PY'
import sys, urllib.error, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=5).status)
except urllib.error.HTTPError as error:
    print(error.code)
except OSError:
    print(0)
PY
}
live() { [ "$(http_status "$url/health/live")" = 200 ]; }
if ! wait_until 60 live; then
    tail -n 30 "$SERVERS_TMP/tessera.log" >&2
    die "tessera did not start"
fi

password="bench-$(python3 -c 'import secrets; print(secrets.token_urlsafe(16))')"
"$bin" user create --username bench --password "$password" --data-dir "$data" >/dev/null ||
    die "tessera user create failed"
token=$(
    BENCH_PASSWORD=$password python3 - "$url" <<'PY'
import json, os, sys, urllib.request
body = json.dumps({"method": "password", "login": "bench", "password": os.environ["BENCH_PASSWORD"]})
request = urllib.request.Request(sys.argv[1] + "/api/login", data=body.encode(),
                                 headers={"Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(request, timeout=30))["token"])
PY
) || die "login failed"

run_wrk() { # run_wrk NAME PATH [wrk args...]: prints requests/s
    local name=$1 path=$2 out
    shift 2
    out=$(wrk -t"$threads" -c"$connections" -d"$duration" "$@" "$url$path")
    if grep -q 'Non-2xx or 3xx responses' <<<"$out"; then
        printf '%s\n' "$out" >&2
        die "$name: some responses were not 2xx"
    fi
    awk '/^Requests\/sec:/ { print $2 }' <<<"$out"
}

log "wrk -t$threads -c$connections -d$duration, $rounds rounds of live then session"
live_runs=()
session_runs=()
for round in $(seq 1 "$rounds"); do
    rps=$(run_wrk live /health/live)
    live_runs+=("$rps")
    printf 'round %d  GET /health/live   %10.0f requests/s\n' "$round" "$rps"
    rps=$(run_wrk session /api/session -H "Authorization: Bearer $token")
    session_runs+=("$rps")
    printf 'round %d  GET /api/session   %10.0f requests/s\n' "$round" "$rps"
done

python3 - "${#live_runs[@]}" "${live_runs[@]}" "${session_runs[@]}" <<'PY'
import sys
n = int(sys.argv[1])
live = [float(x) for x in sys.argv[2:2 + n]]
session = [float(x) for x in sys.argv[2 + n:]]
mean_live, mean_session = sum(live) / n, sum(session) / n
print(f"GET /health/live  {mean_live:10.0f} requests/s (mean of {n})")
print(f"GET /api/session  {mean_session:10.0f} requests/s (mean of {n})")
print(f"ratio session/live: {mean_session / mean_live:.2f}")
PY
