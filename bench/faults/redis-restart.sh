#!/usr/bin/env bash
# Redis killed (SIGKILL) and started again under load on one node: while it is down every
# GET /api/session must be 503 STORE_UNAVAILABLE (never a 401 that logs people out, never
# a 500), and the node must serve 200 again by itself. Prints the time to recover and exits
# 1 when a rule is broken. See bench/faults/README.md.
#
# Environment: FAULT_DOWN (seconds Redis stays down, 5), TESSERA_BIN, NODE_ARGS (extra
# `tessera serve` arguments, to try a broken setting).
set -euo pipefail

cd "$(dirname "$0")/../.."
. scripts/lib/servers.sh
. bench/faults/lib.sh

down=${FAULT_DOWN:-5}
# shellcheck disable=SC2119 # no extra packages
faults_init

# Persistence with fsync at every write, so the sessions outlive the kill.
redis_dir="$SERVERS_TMP/redis"
mkdir -p "$redis_dir"
redis_port=$(free_port)
start_redis_here() {
    start_group TERM "$redis_dir/redis.log" redis-server --bind 127.0.0.1 --port "$redis_port" \
        --dir "$redis_dir" --save '' --appendonly yes --appendfsync always \
        --protected-mode no --daemonize no
    REDIS_PGID=$STARTED_PGID
    wait_until 30 redis-cli -h 127.0.0.1 -p "$redis_port" ping || die "redis-server did not start"
}
start_redis_here

port=$(free_port)
url="http://127.0.0.1:$port"
# shellcheck disable=SC2086
start_node node "$port" --redis-url "redis://127.0.0.1:$redis_port" ${NODE_ARGS:-}
create_user node
sign_in "$url" 20

start_load "$url"
sleep 3
log "killing redis-server"
fault=$(now)
stop_group "$REDIS_PGID" KILL
sleep "$down"
log "starting redis-server again on port $redis_port"
back=$(now)
start_redis_here
wait_until 30 is_ready "$url" || log "the node is not ready 30 s after Redis came back"
sleep 5
stop_load

python3 bench/faults/load.py check "$SERVERS_TMP/load.log" --fault "$fault" --back "$back" \
    --expect-down 503 --allow 200,503
python3 bench/faults/load.py sessions "$url" --tokens "$SERVERS_TMP/tokens"
log "redis-restart: passed"
