#!/usr/bin/env bash
# A peer under the same load as bench/session.sh: Flask with Flask-Session on Redis, served
# by gunicorn with one worker process per core. wrk alternates GET /live (no session) and
# GET /session (the session read from Redis) in one run and prints the ratio session/live,
# the figure to hold against Tessera's. See bench/README.md.
#
# Environment: BENCH_DURATION (10s), BENCH_THREADS (2), BENCH_CONNECTIONS (32), BENCH_ROUNDS (2).
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=scripts/lib/servers.sh
. scripts/lib/servers.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh

duration=${BENCH_DURATION:-10s}
threads=${BENCH_THREADS:-2}
connections=${BENCH_CONNECTIONS:-32}
rounds=${BENCH_ROUNDS:-2}

bench_cleanup_on_exit

ensure_debian_packages python3:python3 curl:curl redis-server:redis-server redis-cli:redis-tools wrk:wrk
if ! python3 -c 'import flask, flask_session, redis, gunicorn' 2>/dev/null; then
    log "pip install flask flask-session redis gunicorn"
    python3 -m pip install -q flask flask-session redis gunicorn >&2
fi

servers_init
start_redis
port=$(free_port)
url="http://127.0.0.1:$port"
FLASK_SECRET_KEY=$(head -c 32 /dev/urandom | base64) REDIS_URL=$REDIS_URL start_group TERM "$SERVERS_TMP/gunicorn.log" python3 -m gunicorn \
    --chdir bench/peers/flask --workers "$(nproc)" --bind "127.0.0.1:$port" app:app
live() { curl -fs "$url/live" >/dev/null; }
if ! wait_until 60 live; then
    tail -n 30 "$SERVERS_TMP/gunicorn.log" >&2
    die "gunicorn did not start"
fi
cookie=$(curl -fs -X POST -c - "$url/login" | awk '$6 == "session" { print $7 }')
[ -n "$cookie" ] || die "no session cookie from POST /login"

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
results=()
for round in $(seq 1 "$rounds"); do
    live_rps=$(run_wrk live /live)
    printf 'round %d  flask  GET /live     %10.0f requests/s\n' "$round" "$live_rps"
    session_rps=$(run_wrk session /session -H "Cookie: session=$cookie")
    printf 'round %d  flask  GET /session  %10.0f requests/s\n' "$round" "$session_rps"
    results+=("$live_rps $session_rps")
done
printf '%s\n' "${results[@]}" | python3 -c '
import sys
pairs = [tuple(map(float, line.split())) for line in sys.stdin]
n = len(pairs)
live = sum(p[0] for p in pairs) / n
session = sum(p[1] for p in pairs) / n
print(f"flask   /live {live:8.0f}  /session {session:8.0f} requests/s (mean of {n})  "
      f"ratio session/live: {session / live:.2f}")
'
