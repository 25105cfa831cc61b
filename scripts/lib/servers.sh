# shellcheck shell=bash
# Throwaway servers for tests and benchmarks, sourced by scripts/test and bench/*.sh.
#
# Every server listens on 127.0.0.1 on a free port, keeps its data under $SERVERS_TMP,
# and runs in its own process group; servers_stop_all stops each group it started
# (call it from an EXIT trap). Nothing here stops a process it did not start.

SERVERS_TMP=${SERVERS_TMP:-}
SERVER_PGIDS=()
SERVER_STOP_SIGNALS=()

log() { printf '==> %s\n' "$*" >&2; }

die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

servers_init() {
    if [ -z "$SERVERS_TMP" ]; then
        SERVERS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tessera-servers.XXXXXX")
    fi
    # PostgreSQL runs as its own user and must be able to reach its folder below this one.
    chmod 755 "$SERVERS_TMP"
}

free_port() {
    python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

APT_UPDATED=0

# apt_install PACKAGE...: installs with apt, running `apt-get update` at most once per run.
# Package scripts must not start system-wide daemons: a policy-rc.d that answers 101 stops
# them for the length of the install.
apt_install() {
    [ "$(id -u)" = 0 ] || die "missing packages ($*); install them or run as root"
    log "installing $*"
    local policy=/usr/sbin/policy-rc.d created_policy=0 status=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod 755 "$policy"
        created_policy=1
    fi
    if [ "$APT_UPDATED" = 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 || status=$?
        APT_UPDATED=1
    fi
    if [ "$status" = 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >&2 ||
            status=$?
    fi
    if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi
    [ "$status" = 0 ] || die "apt-get install $* failed"
}

# ensure_debian_packages COMMAND:PACKAGE...: installs each package whose command (a name on
# PATH or a file path, such as a module) is missing.
ensure_debian_packages() {
    local missing=() pair cmd
    for pair in "$@"; do
        cmd=${pair%%:*}
        command -v "$cmd" >/dev/null 2>&1 || [ -x "$cmd" ] || [ -f "$cmd" ] || missing+=("${pair#*:}")
    done
    [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
}

postgres_bin_dir() {
    local dirs=(/usr/lib/postgresql/*/bin)
    [ -d "${dirs[0]}" ] || return 0
    printf '%s\n' "${dirs[@]}" | sort -V | tail -n 1
}

# The postgres binaries are not on PATH; this names a file that exists once it is installed.
postgres_initdb_path() {
    local dir
    dir=$(postgres_bin_dir)
    if [ -n "$dir" ]; then echo "$dir/initdb"; else echo /usr/lib/postgresql/initdb-missing; fi
}

# start_group SIGNAL LOGFILE COMMAND...: starts COMMAND in a new process group and
# remembers the group and the signal that stops it cleanly. Sets STARTED_PGID (the group id,
# which is also the pid of COMMAND: setsid does not fork outside a group leader).
start_group() {
    local stop_signal=$1 logfile=$2
    shift 2
    setsid "$@" >>"$logfile" 2>&1 </dev/null &
    STARTED_PGID=$!
    SERVER_PGIDS+=("$STARTED_PGID")
    SERVER_STOP_SIGNALS+=("$stop_signal")
}

group_alive() { kill -0 -- "-$1" 2>/dev/null; }

stop_group() {
    local pgid=$1 signal=${2:-TERM} i
    group_alive "$pgid" || return 0
    kill -s "$signal" -- "-$pgid" 2>/dev/null || true
    for i in $(seq 1 100); do
        group_alive "$pgid" || return 0
        sleep 0.1
    done
    kill -s KILL -- "-$pgid" 2>/dev/null || true
}

servers_stop_all() {
    local i
    for ((i = ${#SERVER_PGIDS[@]} - 1; i >= 0; i--)); do
        stop_group "${SERVER_PGIDS[$i]}" "${SERVER_STOP_SIGNALS[$i]}"
    done
    SERVER_PGIDS=()
    SERVER_STOP_SIGNALS=()
}

# wait_until SECONDS COMMAND...: runs COMMAND until it succeeds; fails after SECONDS.
wait_until() {
    local seconds=$1 deadline
    shift
    deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}

# Sets REDIS_PORT and REDIS_URL.
start_redis() {
    local dir="$SERVERS_TMP/redis"
    mkdir -p "$dir"
    REDIS_PORT=$(free_port)
    start_group TERM "$dir/redis.log" redis-server \
        --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$dir" \
        --save '' --appendonly no --protected-mode no --daemonize no
    if ! wait_until 30 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping; then
        tail -n 20 "$dir/redis.log" >&2
        die "redis-server did not start on port $REDIS_PORT"
    fi
    REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
    log "redis-server on $REDIS_URL (process group $STARTED_PGID)"
}

# cluster_ports COUNT: COUNT distinct free ports below 55536 whose cluster bus port (+10000)
# is free too, one a line. The sockets stay bound until all are found, so no two coincide.
cluster_ports() {
    python3 - "$1" <<'PY'
import random, socket, sys
held, ports = [], []
while len(ports) < int(sys.argv[1]):
    port = random.randint(20000, 55535)
    if port in ports or port + 10000 in ports or port - 10000 in ports:
        continue
    pair = []
    try:
        for p in (port, port + 10000):
            s = socket.socket()
            pair.append(s)
            s.bind(("127.0.0.1", p))
    except OSError:
        for s in pair:
            s.close()
        continue
    held += pair
    ports.append(port)
for s in held:
    s.close()
print("\n".join(map(str, ports)))
PY
}

# redis_cluster_ready PORT...: the cluster is up, and every replica finished its first sync
# (a replica that has not will never be promoted when its primary dies).
redis_cluster_ready() {
    local port
    for port in "$@"; do
        redis-cli -h 127.0.0.1 -p "$port" cluster info | grep -q '^cluster_state:ok' || return 1
        if redis-cli -h 127.0.0.1 -p "$port" info replication | grep -q '^role:slave'; then
            redis-cli -h 127.0.0.1 -p "$port" info replication | grep -q '^master_link_status:up' || return 1
        fi
    done
}

# Starts a Redis Cluster of three primaries and three replicas (cluster-node-timeout 2000 ms)
# and sets REDIS_CLUSTER_PORTS (array), REDIS_CLUSTER_PGIDS (array, same order) and
# REDIS_CLUSTER_URL (every node, comma-separated, as seeds).
start_redis_cluster() {
    local dir="$SERVERS_TMP/redis-cluster" port nodes=() seeds=()
    REDIS_CLUSTER_PORTS=()
    REDIS_CLUSTER_PGIDS=()
    mapfile -t REDIS_CLUSTER_PORTS < <(cluster_ports 6)
    for port in "${REDIS_CLUSTER_PORTS[@]}"; do
        mkdir -p "$dir/$port"
        start_group TERM "$dir/$port/redis.log" redis-server \
            --bind 127.0.0.1 --port "$port" --dir "$dir/$port" \
            --save '' --appendonly no --protected-mode no --daemonize no \
            --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000
        REDIS_CLUSTER_PGIDS+=("$STARTED_PGID")
        nodes+=("127.0.0.1:$port")
        seeds+=("127.0.0.1:$port")
    done
    for port in "${REDIS_CLUSTER_PORTS[@]}"; do
        wait_until 30 redis-cli -h 127.0.0.1 -p "$port" ping ||
            { tail -n 20 "$dir/$port/redis.log" >&2; die "cluster node did not start on port $port"; }
    done
    redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$dir/create.log" 2>&1 ||
        { tail -n 20 "$dir/create.log" >&2; die "redis-cli --cluster create failed"; }
    wait_until 60 redis_cluster_ready "${REDIS_CLUSTER_PORTS[@]}" ||
        die "the Redis Cluster on ports ${REDIS_CLUSTER_PORTS[*]} did not become ready"
    REDIS_CLUSTER_URL="redis://$(IFS=,; echo "${seeds[*]}")"
    log "Redis Cluster on ${REDIS_CLUSTER_PORTS[*]} (3 primaries, 3 replicas)"
}

# free_ports COUNT: COUNT distinct free ports, one a line (bound together, then released).
free_ports() {
    python3 - "$1" <<'PY'
import socket, sys
held = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    held.append(s)
print("\n".join(str(s.getsockname()[1]) for s in held))
for s in held:
    s.close()
PY
}

# redis_sentinel_ready NAME PRIMARY_PORT REPLICA_PORT SENTINEL_PORT...: the replica finished
# its first sync, and every sentinel names the primary and knows the replica and every other
# sentinel (so that it can take part in a failover). The data nodes' password comes from
# REDISCLI_AUTH, the sentinels' from SENTINEL_AUTH.
redis_sentinel_ready() {
    local name=$1 primary=$2 replica=$3 port master others=$(($# - 4))
    shift 3
    redis-cli -h 127.0.0.1 -p "$replica" info replication | grep -q '^master_link_status:up' || return 1
    for port in "$@"; do
        [ "$(REDISCLI_AUTH=$SENTINEL_AUTH redis-cli -h 127.0.0.1 -p "$port" sentinel get-master-addr-by-name "$name" | tail -n 1)" = "$primary" ] ||
            return 1
        master=$(REDISCLI_AUTH=$SENTINEL_AUTH redis-cli -h 127.0.0.1 -p "$port" sentinel master "$name")
        grep -A1 -x 'num-slaves' <<<"$master" | tail -n 1 | grep -qx 1 || return 1
        grep -A1 -x 'num-other-sentinels' <<<"$master" | tail -n 1 | grep -qx "$others" || return 1
    done
}

# Starts a primary managed by Redis Sentinel: a primary and one replica, which require a
# password, and three sentinels (redis-server --sentinel), which require another, watching it
# as master "tessera" (declared down after 1000 ms). Waits until the replica is in sync and
# the sentinels agree, then sets REDIS_SENTINEL_URL (redis+sentinel://:<data password>@<the
# three sentinels>/tessera?sentinel_password=<sentinel password>), REDIS_SENTINEL_PRIMARY_PORT,
# REDIS_SENTINEL_REPLICA_PORT and REDIS_SENTINEL_PORTS (array).
start_redis_sentinel() {
    local dir="$SERVERS_TMP/redis-sentinel" name=tessera data_password sentinel_password ports port
    local replicaof sentinels=()
    data_password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    sentinel_password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    mapfile -t ports < <(free_ports 5)
    REDIS_SENTINEL_PRIMARY_PORT=${ports[0]}
    REDIS_SENTINEL_REPLICA_PORT=${ports[1]}
    REDIS_SENTINEL_PORTS=("${ports[@]:2}")
    for port in "$REDIS_SENTINEL_PRIMARY_PORT" "$REDIS_SENTINEL_REPLICA_PORT"; do
        mkdir -p "$dir/$port"
        replicaof=()
        [ "$port" = "$REDIS_SENTINEL_PRIMARY_PORT" ] || replicaof=(--replicaof 127.0.0.1 "$REDIS_SENTINEL_PRIMARY_PORT")
        # masterauth on both: after a failover the former primary is the other's replica.
        start_group TERM "$dir/$port/redis.log" redis-server \
            --bind 127.0.0.1 --port "$port" --dir "$dir/$port" \
            --save '' --appendonly no --protected-mode no --daemonize no \
            --requirepass "$data_password" --masterauth "$data_password" "${replicaof[@]}"
    done
    for port in "${REDIS_SENTINEL_PORTS[@]}"; do
        mkdir -p "$dir/$port"
        # A sentinel rewrites its configuration file, so each has its own.
        printf '%s\n' "port $port" "bind 127.0.0.1" "dir $dir/$port" "requirepass $sentinel_password" \
            "sentinel monitor $name 127.0.0.1 $REDIS_SENTINEL_PRIMARY_PORT 2" \
            "sentinel auth-pass $name $data_password" \
            "sentinel down-after-milliseconds $name 1000" \
            "sentinel failover-timeout $name 5000" >"$dir/$port/sentinel.conf"
        start_group TERM "$dir/$port/sentinel.log" redis-server "$dir/$port/sentinel.conf" --sentinel
        sentinels+=("127.0.0.1:$port")
    done
    if ! REDISCLI_AUTH=$data_password SENTINEL_AUTH=$sentinel_password wait_until 60 redis_sentinel_ready \
        "$name" "$REDIS_SENTINEL_PRIMARY_PORT" "$REDIS_SENTINEL_REPLICA_PORT" "${REDIS_SENTINEL_PORTS[@]}"; then
        for port in "${ports[@]}"; do tail -n 5 "$dir/$port/"*.log >&2; done
        die "the sentinels on ports ${REDIS_SENTINEL_PORTS[*]} did not agree on the primary"
    fi
    REDIS_SENTINEL_URL="redis+sentinel://:$data_password@$(IFS=,; echo "${sentinels[*]}")/$name?sentinel_password=$sentinel_password"
    log "Redis Sentinel: primary on $REDIS_SENTINEL_PRIMARY_PORT, replica on $REDIS_SENTINEL_REPLICA_PORT, sentinels on ${REDIS_SENTINEL_PORTS[*]} (master $name)"
}

# start_postgres NAME...: starts PostgreSQL, creates the databases named, and sets
# POSTGRES_PORT and DATABASE_URL (the URL of the first database).
start_postgres() {
    [ $# -gt 0 ] || set -- tessera_test
    local bin dir database
    bin=$(postgres_bin_dir)
    [ -n "$bin" ] || die "PostgreSQL binaries not found under /usr/lib/postgresql"
    dir="$SERVERS_TMP/postgres"
    mkdir -p "$dir/socket"
    chown -R postgres:postgres "$dir"
    runuser -u postgres -- "$bin/initdb" -D "$dir/data" --auth trust -U postgres \
        --encoding UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
        { tail -n 20 "$dir/initdb.log" >&2; die "initdb failed"; }
    POSTGRES_PORT=$(free_port)
    # SIGINT is PostgreSQL's "fast" shutdown: it does not wait for clients to leave.
    start_group INT "$dir/postgres.log" runuser -u postgres -- "$bin/postgres" \
        -D "$dir/data" -p "$POSTGRES_PORT" -k "$dir/socket" -c listen_addresses=127.0.0.1 \
        -c fsync=off -c synchronous_commit=off -c full_page_writes=off
    if ! wait_until 60 "$bin/pg_isready" -q -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres; then
        tail -n 20 "$dir/postgres.log" >&2
        die "PostgreSQL did not start on port $POSTGRES_PORT"
    fi
    for database in "$@"; do
        "$bin/createdb" -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres "$database" ||
            die "createdb $database failed"
    done
    DATABASE_URL=$(postgres_url "$1")
    log "PostgreSQL on $DATABASE_URL (process group $STARTED_PGID; databases $*)"
}

postgres_url() { echo "postgres://postgres@127.0.0.1:$POSTGRES_PORT/$1"; }

# make_test_certificate DIR: a throwaway CA (DIR/ca.pem) and a certificate it signed for
# 127.0.0.1 and localhost (DIR/server.pem, key DIR/server.key), valid for two days.
make_test_certificate() {
    local dir=$1
    (
        cd "$dir" &&
            openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Tessera test CA" \
                -keyout ca.key -out ca.pem &&
            openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr &&
            printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >server.ext &&
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
                -extfile server.ext -out server.pem
    ) >"$dir/openssl.log" 2>&1 || { tail -n 20 "$dir/openssl.log" >&2; die "could not make a test certificate in $dir"; }
}

# Starts a redis-server that speaks TLS only (no plain port, client certificates not asked
# for), with a certificate from a throwaway CA, and sets REDIS_TLS_URL (rediss://, trusting
# that CA through ca_file) and REDIS_TLS_CA_FILE.
start_redis_tls() {
    local dir="$SERVERS_TMP/redis-tls" port
    mkdir -p "$dir"
    make_test_certificate "$dir"
    port=$(free_port)
    start_group TERM "$dir/redis.log" redis-server \
        --bind 127.0.0.1 --port 0 --tls-port "$port" --dir "$dir" \
        --tls-cert-file "$dir/server.pem" --tls-key-file "$dir/server.key" \
        --tls-ca-cert-file "$dir/ca.pem" --tls-auth-clients no \
        --save '' --appendonly no --protected-mode no --daemonize no
    if ! wait_until 30 redis-cli --tls --cacert "$dir/ca.pem" -h 127.0.0.1 -p "$port" ping; then
        tail -n 20 "$dir/redis.log" >&2
        die "redis-server did not start with TLS on port $port"
    fi
    REDIS_TLS_CA_FILE="$dir/ca.pem"
    REDIS_TLS_URL="rediss://127.0.0.1:$port?ca_file=$REDIS_TLS_CA_FILE"
    log "redis-server with TLS on 127.0.0.1:$port (process group $STARTED_PGID)"
}

# Sets SMTP_URL (no TLS, no AUTH), SMTP_TLS_URL (STARTTLS and AUTH required), SMTPS_URL
# (TLS from connect, AUTH LOGIN required), SMTP_CA_FILE and SMTP_MAILDIR, where every
# accepted message is kept as NAME.eml with NAME.json (see scripts/lib/smtp_server.py).
# The certificate is made here, by a throwaway CA that the TLS URLs trust via ca-file.
start_smtp() {
    local dir="$SERVERS_TMP/smtp" plain starttls smtps password
    mkdir -p "$dir/maildir"
    make_test_certificate "$dir"
    password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    plain=$(free_port)
    starttls=$(free_port)
    smtps=$(free_port)
    start_group TERM "$dir/smtp.log" python3 "$(dirname "${BASH_SOURCE[0]}")/smtp_server.py" \
        --maildir "$dir/maildir" --plain-port "$plain" --starttls-port "$starttls" --smtps-port "$smtps" \
        --cert "$dir/server.pem" --key "$dir/server.key" --user tessera --password "$password"
    if ! wait_until 30 grep -q "smtp server ready" "$dir/smtp.log"; then
        tail -n 20 "$dir/smtp.log" >&2
        die "the SMTP server did not start"
    fi
    SMTP_CA_FILE="$dir/ca.pem"
    SMTP_MAILDIR="$dir/maildir"
    SMTP_URL="smtp://127.0.0.1:$plain"
    SMTP_TLS_URL="smtp://tessera:$password@127.0.0.1:$starttls?starttls=required&ca-file=$SMTP_CA_FILE"
    SMTPS_URL="smtps://tessera:$password@127.0.0.1:$smtps?ca-file=$SMTP_CA_FILE"
    log "SMTP server on 127.0.0.1 ports $plain (plain), $starttls (STARTTLS + AUTH), $smtps (smtps + AUTH LOGIN) (process group $STARTED_PGID)"
}
