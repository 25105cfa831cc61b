#!/usr/bin/env bash
# A peer under the same load as bench/session.sh and bench/peers/flask.sh: a Hummingbird app
# (bench/peers/hummingbird-peer) with hummingbird-auth's SessionMiddleware keeping sessions in
# Redis through RESPHummingbird's RedisPersistDriver. wrk alternates GET /live (no session)
# and GET /session (the session read from Redis) in one run and prints the ratio session/live.
# See bench/README.md.
#
# The peer is a package of its own (it is not built with the main package); its release
# build takes several minutes the first time. PEER_BIN names a binary built beforehand.
#
# Environment: BENCH_DURATION (10s), BENCH_THREADS (2), BENCH_CONNECTIONS (32), BENCH_ROUNDS (2),
# PEER_BIN.
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

peer=${PEER_BIN:-}
if [ -z "$peer" ]; then
    log "swift build -c release --product SessionPeer (bench/peers/hummingbird-peer)"
    (cd bench/peers/hummingbird-peer && swift build -c release --product SessionPeer >&2)
    peer="$(cd bench/peers/hummingbird-peer && swift build -c release --show-bin-path)/SessionPeer"
fi
[ -x "$peer" ] || die "no SessionPeer binary at $peer"

servers_init
start_redis
port=$(free_port)
url="http://127.0.0.1:$port"
REDIS_URL=$REDIS_URL PORT=$port start_group TERM "$SERVERS_TMP/peer.log" "$peer"
live() { curl -fs "$url/live" >/dev/null; }
if ! wait_until 60 live; then
    tail -n 30 "$SERVERS_TMP/peer.log" >&2
    die "the Hummingbird peer did not start"
fi
cookie=$(curl -fs -X POST -c - "$url/login" | awk '$6 == "SESSION_ID" { print $7 }')
[ -n "$cookie" ] || die "no session cookie from POST /login"
curl -fs -H "Cookie: SESSION_ID=$cookie" "$url/session" >/dev/null || die "GET /session refused the new session"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/session")" = 401 ] || die "GET /session without a cookie is not 401"

peer_session_ratio hummingbird "SESSION_ID=$cookie"
