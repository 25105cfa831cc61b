#!/usr/bin/env bash
# How much a session check costs: GET /api/session against GET /health/live (no store) of
# the same node, for a node on the memory session store, one on Redis and one on a six-node
# Redis Cluster (one round trip each), with wrk, alternating live and session on each in one
# run. Prints the requests/s of each and the ratio session/live per store, and the CPU time
# each request cost the node (and Redis, every cluster node summed), read from /proc: a
# figure a busy machine disturbs far less than requests/s. See bench/README.md.
#
# Environment: BENCH_DURATION (10s), BENCH_THREADS (2), BENCH_CONNECTIONS (32),
# BENCH_ROUNDS (2), BENCH_STORES ("memory redis cluster"), TESSERA_BIN (use this binary
# instead of building a release one).
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/servers.sh
. scripts/lib/servers.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh

duration=${BENCH_DURATION:-10s}
threads=${BENCH_THREADS:-2}
connections=${BENCH_CONNECTIONS:-32}
rounds=${BENCH_ROUNDS:-2}
read -r -a stores <<<"${BENCH_STORES:-memory redis cluster}"

bench_cleanup_on_exit

ensure_debian_packages python3:python3 redis-server:redis-server redis-cli:redis-tools wrk:wrk

bin=$(release_binary tessera "${TESSERA_BIN:-}")

servers_init

live() { [ "$(http_status "$1/health/live")" = 200 ]; }

# start_node NAME ARGS...: one node with its own data folder and user, logged in once.
# Sets NODE_URL and NODE_TOKEN.
start_node() {
    local name=$1 port data password
    shift
    port=$(free_port)
    NODE_URL="http://127.0.0.1:$port"
    data="$SERVERS_TMP/$name"
    mkdir -p "$data"
    start_group TERM "$SERVERS_TMP/$name.log" "$bin" serve --host 127.0.0.1 --port "$port" \
        --public-url "$NODE_URL" --data-dir "$data" "$@"
    NODE_PID=$STARTED_PGID
    if ! wait_until 60 live "$NODE_URL"; then
        tail -n 30 "$SERVERS_TMP/$name.log" >&2
        die "tessera ($name) did not start"
    fi
    password="bench-$(python3 -c 'import secrets; print(secrets.token_urlsafe(16))')"
    "$bin" user create --username bench --password "$password" --data-dir "$data" >/dev/null ||
        die "tessera user create failed"
    NODE_TOKEN=$(
        BENCH_PASSWORD=$password python3 - "$NODE_URL" <<'PY'
import json, os, sys, urllib.request
body = json.dumps({"method": "password", "login": "bench", "password": os.environ["BENCH_PASSWORD"]})
request = urllib.request.Request(sys.argv[1] + "/api/login", data=body.encode(),
                                 headers={"Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(request, timeout=30))["token"])
PY
    ) || die "login failed"
}

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

# Only the node under measurement gets load; the others idle.
declare -A node_url node_token node_pid redis_pids
for store in "${stores[@]}"; do
    case $store in
    memory) start_node memory ;;
    redis)
        start_redis
        redis_pids[redis]=$STARTED_PGID
        start_node redis --redis-url "$REDIS_URL"
        ;;
    cluster)
        start_redis_cluster
        redis_pids[cluster]="${REDIS_CLUSTER_PGIDS[*]}"
        start_node cluster --redis-url "$REDIS_CLUSTER_URL"
        ;;
    *) die "unknown store in BENCH_STORES: $store (memory, redis, cluster)" ;;
    esac
    node_url[$store]=$NODE_URL node_token[$store]=$NODE_TOKEN node_pid[$store]=$NODE_PID
done

cpu_ticks() { # cpu_ticks PID...: user + system time of the processes so far, in clock ticks
    local total=0 pid
    for pid in "$@"; do
        total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
    done
    echo "$total"
}

# run_wrk NAME URL [wrk args...]: prints requests/s, the node's and Redis's CPU time over
# the run in clock ticks, and the number of requests. Uses $pid (the node under load) and
# $store_redis (its Redis processes, none for the memory store).
run_wrk() {
    local name=$1 url=$2 out node_before redis_before
    shift 2
    # shellcheck disable=SC2086 # one word per process
    node_before=$(cpu_ticks "$pid") redis_before=$(cpu_ticks $store_redis)
    out=$(wrk -t"$threads" -c"$connections" -d"$duration" "$@" "$url")
    if grep -q 'Non-2xx or 3xx responses' <<<"$out"; then
        printf '%s\n' "$out" >&2
        die "$name: some responses were not 2xx"
    fi
    printf '%s %s %s %s\n' "$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")" \
        "$(($(cpu_ticks "$pid") - node_before))" "$(($(cpu_ticks $store_redis) - redis_before))" \
        "$(awk '/requests in/ { print $1 }' <<<"$out")"
}

log "wrk -t$threads -c$connections -d$duration, $rounds rounds of live then session, per store"
results=()
for round in $(seq 1 "$rounds"); do
    for store in "${stores[@]}"; do
        url=${node_url[$store]} token=${node_token[$store]} pid=${node_pid[$store]} store_redis=${redis_pids[$store]:-}
        live=$(run_wrk "$store live" "$url/health/live")
        printf 'round %d  %-7s GET /health/live  %10.0f requests/s\n' "$round" "$store" "${live%% *}"
        session=$(run_wrk "$store session" "$url/api/session" -H "Authorization: Bearer $token")
        printf 'round %d  %-7s GET /api/session  %10.0f requests/s\n' "$round" "$store" "${session%% *}"
        results+=("$store $live $session")
    done
done

printf '%s\n' "${results[@]}" | python3 -c '
import os, sys
from collections import defaultdict
tick = 1e6 / os.sysconf("SC_CLK_TCK")  # microseconds per clock tick
runs = defaultdict(list)
for line in sys.stdin:
    store, *numbers = line.split()
    runs[store].append([float(x) for x in numbers])
for store, rows in runs.items():
    n = len(rows)
    live = sum(r[0] for r in rows) / n
    session = sum(r[4] for r in rows) / n
    print(f"{store:7}  /health/live {live:8.0f}  /api/session {session:8.0f} requests/s "
          f"(mean of {n})  ratio session/live: {session / live:.2f}")
    def cpu(offset):  # node and Redis CPU microseconds per request, over every round
        requests = sum(r[offset + 3] for r in rows)
        return (sum(r[offset + 1] for r in rows) * tick / requests, sum(r[offset + 2] for r in rows) * tick / requests)
    (live_node, _), (session_node, session_redis) = cpu(0), cpu(4)
    print(f"{store:7}  CPU per request: /health/live {live_node:5.0f} us node; /api/session {session_node:5.0f} us node"
          + (f" + {session_redis:.0f} us Redis" if store != "memory" else "")
          + f"  ratio live/session: {live_node / (session_node + session_redis):.2f}")
'
