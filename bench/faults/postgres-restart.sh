#!/usr/bin/env bash
# PostgreSQL stopped and started again under load on one node (Redis for sessions,
# PostgreSQL for accounts). The load is GET /api/session with a password login every tenth
# request. While PostgreSQL is down a request may succeed (sessions and the account cache
# live in Redis) or get 503 STORE_UNAVAILABLE; never a 401 (a login that looks like a wrong
# password) or a 500. A request that needs PostgreSQL waits up to the node's 10 s deadline
# and then gets its 503, so PostgreSQL stays down longer than that. After it is back every
# request must succeed again within 20 s.
# Exits 1 when a rule is broken. See bench/faults/README.md.
#
# Environment: FAULT_DOWN (seconds PostgreSQL stays down, 15), TESSERA_BIN, NODE_ARGS.
set -euo pipefail

cd "$(dirname "$0")/../.."
. scripts/lib/servers.sh
. bench/faults/lib.sh

down=${FAULT_DOWN:-15}
faults_init "$(postgres_initdb_path):postgresql" runuser:util-linux
start_redis
start_postgres tessera_faults
postgres_pgid=$STARTED_PGID
postgres_dir="$SERVERS_TMP/postgres"
# The same command as start_postgres, on the same data folder and port.
restart_postgres() {
    start_group INT "$postgres_dir/postgres.log" runuser -u postgres -- "$(postgres_bin_dir)/postgres" \
        -D "$postgres_dir/data" -p "$POSTGRES_PORT" -k "$postgres_dir/socket" \
        -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off
    wait_until 60 "$(postgres_bin_dir)/pg_isready" -q -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres ||
        die "PostgreSQL did not start again"
}

port=$(free_port)
url="http://127.0.0.1:$port"
# The load logs in from one address far more often than the default login rate allows.
# shellcheck disable=SC2086
TESSERA_RATE_LIMIT_LOGIN=100000/1m start_node node "$port" --redis-url "$REDIS_URL" \
    --database-url "$DATABASE_URL" ${NODE_ARGS:-}
create_user node --database-url "$DATABASE_URL"
sign_in "$url" 20

start_load "$url" --login-every 10 --username fault
sleep 3
log "stopping PostgreSQL"
fault=$(now)
stop_group "$postgres_pgid" INT
sleep "$down"
log "starting PostgreSQL again on port $POSTGRES_PORT"
back=$(now)
restart_postgres
sleep 5
stop_load

python3 bench/faults/load.py check "$SERVERS_TMP/load.log" --fault "$fault" --back "$back" \
    --allow 200,503
grep -c ' login 200 ' "$SERVERS_TMP/load.log" | xargs printf 'logins that succeeded: %s\n'
python3 bench/faults/load.py sessions "$url" --tokens "$SERVERS_TMP/tokens"
log "postgres-restart: passed"
