#!/usr/bin/env bash
# One of two nodes killed (SIGKILL) behind nginx under load, then started again: no
# session may be lost (every token is still valid through nginx and on both nodes), no
# answer may be a 401 or a 500, and the requests that failed are counted. nginx retries an
# idempotent request on the other node (its default `proxy_next_upstream error timeout`),
# so GET /api/session should not fail at all; the count says whether it did. Exits 1 when a
# rule is broken. See bench/faults/README.md.
#
# Environment: FAULT_DOWN (seconds the node stays down, 5), TESSERA_BIN, NGINX_NEXT_UPSTREAM
# (nginx's proxy_next_upstream, default "error timeout"), NODE_ARGS.
set -euo pipefail

cd "$(dirname "$0")/../.."
. scripts/lib/servers.sh
. bench/faults/lib.sh

down=${FAULT_DOWN:-5}
faults_init nginx:nginx "$(postgres_initdb_path):postgresql" runuser:util-linux
start_redis
start_postgres tessera_faults
key=$(head -c 32 /dev/urandom | base64)
port_a=$(free_port)
port_b=$(free_port)
# shellcheck disable=SC2206 # NODE_ARGS is a list of words
node_args=(--redis-url "$REDIS_URL" --database-url "$DATABASE_URL" --server-key "$key" ${NODE_ARGS:-})
start_node a "$port_a" "${node_args[@]}"
start_node b "$port_b" "${node_args[@]}"
pgid_b=$NODE_PGID

nginx_dir="$SERVERS_TMP/nginx"
mkdir -p "$nginx_dir"
nginx_port=$(free_port)
cat >"$nginx_dir/nginx.conf" <<CONF
$([ "$(id -u)" = 0 ] && echo "user root;")
worker_processes 1;
daemon off;
pid $nginx_dir/nginx.pid;
error_log $nginx_dir/error.log warn;
events { worker_connections 512; }
http {
    access_log off;
    client_body_temp_path $nginx_dir/client_body;
    proxy_temp_path $nginx_dir/proxy;
    fastcgi_temp_path $nginx_dir/fastcgi;
    uwsgi_temp_path $nginx_dir/uwsgi;
    scgi_temp_path $nginx_dir/scgi;
    upstream tessera { server 127.0.0.1:$port_a; server 127.0.0.1:$port_b; }
    server {
        listen 127.0.0.1:$nginx_port;
        location / {
            proxy_pass http://tessera;
            proxy_next_upstream ${NGINX_NEXT_UPSTREAM:-error timeout};
        }
    }
}
CONF
start_group QUIT "$nginx_dir/nginx.out" nginx -p "$nginx_dir" -c "$nginx_dir/nginx.conf" \
    -e "$nginx_dir/error.log"
proxy="http://127.0.0.1:$nginx_port"
wait_until 30 is_live "$proxy" || { cat "$nginx_dir/error.log" >&2; die "nginx did not start"; }

create_user a --database-url "$DATABASE_URL"
sign_in "$proxy" 20

start_load "$proxy"
sleep 3
log "killing node b"
fault=$(now)
stop_group "$pgid_b" KILL
sleep "$down"
log "starting node b again"
back=$(now)
start_node b "$port_b" "${node_args[@]}"
sleep 5
stop_load

python3 bench/faults/load.py check "$SERVERS_TMP/load.log" --fault "$fault" --back "$back" \
    --allow 200,502,504,0 --recover-within 0
for url in "$proxy" "http://127.0.0.1:$port_a" "http://127.0.0.1:$port_b"; do
    python3 bench/faults/load.py sessions "$url" --tokens "$SERVERS_TMP/tokens"
done
log "node-kill: passed"
