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

peer_session_ratio flask "session=$cookie"
