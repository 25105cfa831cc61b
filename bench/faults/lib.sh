# shellcheck shell=bash
# What the fault scripts share: a tessera binary, nodes, a user with signed-in sessions,
# the load generator and the clock. Sourced after scripts/lib/servers.sh.

FAULTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

faults_cleanup() {
    trap - EXIT INT TERM
    if [ -n "${LOAD_PID:-}" ]; then kill -TERM "$LOAD_PID" 2>/dev/null || true; fi
    servers_stop_all
    if [ -n "${SERVERS_TMP:-}" ] && [ -z "${FAULTS_KEEP:-}" ]; then rm -rf "$SERVERS_TMP"; fi
}

faults_init() {
    trap faults_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    ensure_debian_packages python3:python3 redis-server:redis-server redis-cli:redis-tools "$@"
    # Behaviour, not speed: the debug build does, and it is usually there already.
    if [ -z "${TESSERA_BIN:-}" ]; then
        log "swift build --product tessera"
        swift build --product tessera >&2
        TESSERA_BIN="$(swift build --show-bin-path)/tessera"
    fi
    [ -x "$TESSERA_BIN" ] || die "no tessera binary at $TESSERA_BIN"
    # A cheap KDF for the user and the nodes: a debug build hashes at full cost in seconds,
    # and these scripts are about answers, not speed.
    export TESSERA_PASSWORD_COST=${TESSERA_PASSWORD_COST:-10}
    servers_init
    if [ -n "${FAULTS_KEEP:-}" ]; then log "logs and data kept in $SERVERS_TMP"; fi
}

now() { date +%s.%N; }

http_status() { # http_status URL: the status code of a GET, 0 when nothing answers
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

is_live() { [ "$(http_status "$1/health/live")" = 200 ]; }
is_ready() { [ "$(http_status "$1/health/ready")" = 200 ]; }

# start_node NAME PORT ARGS...: starts `tessera serve` on PORT with its own data folder
# (kept across restarts of NAME) and waits until it is live. Sets NODE_PGID.
start_node() {
    local name=$1 port=$2 data
    shift 2
    data="$SERVERS_TMP/$name"
    mkdir -p "$data"
    start_group TERM "$SERVERS_TMP/$name.log" "$TESSERA_BIN" serve --host 127.0.0.1 \
        --port "$port" --public-url "http://127.0.0.1:$port" --data-dir "$data" "$@"
    NODE_PGID=$STARTED_PGID
    if ! wait_until 60 is_live "http://127.0.0.1:$port"; then
        tail -n 30 "$SERVERS_TMP/$name.log" >&2
        die "node $name did not start on port $port"
    fi
    log "node $name on 127.0.0.1:$port (process group $NODE_PGID)"
}

# create_user NODE_NAME ARGS...: a user "fault" with a random password in $FAULT_PASSWORD.
create_user() {
    local name=$1
    shift
    FAULT_PASSWORD="fault-$(python3 -c 'import secrets; print(secrets.token_urlsafe(16))')"
    "$TESSERA_BIN" user create --username fault --password "$FAULT_PASSWORD" \
        --data-dir "$SERVERS_TMP/$name" "$@" >/dev/null || die "tessera user create failed"
}

# sign_in URL COUNT: logs the user in COUNT times; the tokens go to $SERVERS_TMP/tokens.
sign_in() {
    LOAD_PASSWORD=$FAULT_PASSWORD python3 - "$1" "$2" >"$SERVERS_TMP/tokens" <<'PY' ||
import json, os, sys, urllib.request
for i in range(int(sys.argv[2])):
    body = json.dumps({"method": "password", "login": "fault",
                       "password": os.environ["LOAD_PASSWORD"], "device": f"load-{i}"})
    request = urllib.request.Request(sys.argv[1] + "/api/login", data=body.encode(),
                                     headers={"Content-Type": "application/json"})
    print(json.load(urllib.request.urlopen(request, timeout=30))["token"])
PY
        die "login failed"
    log "$2 sessions signed in"
}

# start_load URL ARGS...: the load generator in the background (see load.py run).
start_load() {
    local url=$1
    shift
    LOAD_PASSWORD=$FAULT_PASSWORD python3 "$FAULTS_DIR/load.py" run "$url" \
        --tokens "$SERVERS_TMP/tokens" --out "$SERVERS_TMP/load.log" "$@" &
    LOAD_PID=$!
}

stop_load() {
    kill -TERM "$LOAD_PID"
    wait "$LOAD_PID" || die "the load generator failed"
    LOAD_PID=
}
