#!/usr/bin/env bash
# CAS ticket validation: GET /cas/serviceValidate against GET /health/live of the same node,
# in one run. A ticket works once, so each round mints tickets first for BENCH_MINT_DURATION
# (GET /cas/login?service=... with a signed-in session's cookie, bench/cas_mint.lua), then
# validates them, each once, for BENCH_DURATION (bench/cas_validate.lua). Prints live requests/s,
# validations/s, tickets issued/s and the ratio validations/live. One release node on Redis
# (tickets and sessions there, accounts in SQLite). See bench/README.md.
#
# Environment: BENCH_DURATION (10s), BENCH_MINT_DURATION (four times BENCH_DURATION),
# BENCH_THREADS (2), BENCH_CONNECTIONS (32), BENCH_ROUNDS (2), TESSERA_BIN (use this binary
# instead of building a release one).
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/servers.sh
. scripts/lib/servers.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh
# shellcheck source=bench/cas_load.sh
. bench/cas_load.sh

rounds=${BENCH_ROUNDS:-2}

bench_cleanup_on_exit

ensure_debian_packages python3:python3 curl:curl redis-server:redis-server redis-cli:redis-tools wrk:wrk

bin=$(release_binary tessera "${TESSERA_BIN:-}")

servers_init
start_redis

port=$(free_port)
url="http://127.0.0.1:$port"
data="$SERVERS_TMP/tessera"
mkdir -p "$data"
# Nothing listens on the service's port: validation never calls the service (no single
# logout, no proxy callback).
service="http://127.0.0.1:9/app/"
printf '{"cas": {"services": [{"id": "bench", "serviceUrl": "%s"}]}}\n' "$service" >"$data/config.json"
# Tickets wait up to five minutes (the most Tessera allows) between minting and validation.
TESSERA_CAS_TICKET_LIFETIME=5m start_group TERM "$SERVERS_TMP/tessera.log" "$bin" serve \
    --host 127.0.0.1 --port "$port" --public-url "$url" --data-dir "$data" --redis-url "$REDIS_URL" \
    --config "$data/config.json"
live() { curl -fs "$url/health/live" >/dev/null; }
if ! wait_until 60 live; then
    tail -n 30 "$SERVERS_TMP/tessera.log" >&2
    die "tessera did not start"
fi

BENCH_PASSWORD="bench-$(python3 -c 'import secrets; print(secrets.token_urlsafe(16))')"
export BENCH_PASSWORD
"$bin" user create --username bench --password "$BENCH_PASSWORD" --data-dir "$data" --config "$data/config.json" >/dev/null ||
    die "tessera user create failed"
token=$(
    python3 - "$url" <<'PY'
import json, os, sys, urllib.request
body = json.dumps({"method": "password", "login": "bench", "password": os.environ["BENCH_PASSWORD"]})
request = urllib.request.Request(sys.argv[1] + "/api/login", data=body.encode(),
                                 headers={"Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(request, timeout=30))["token"])
PY
) || die "login failed"
encoded_service=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$service")

log "wrk -t$cas_threads -c$cas_connections: $rounds rounds of /health/live ($cas_duration), tickets ($cas_mint_duration), serviceValidate ($cas_duration)"
results=()
for round in $(seq 1 "$rounds"); do
    live_rps=$(cas_rps "$url/health/live")
    printf 'round %d  tessera GET /health/live          %10.0f requests/s\n' "$round" "$live_rps"
    minted=$(cas_mint "$url/cas/login?service=$encoded_service" "tessera_session=$token" "$SERVERS_TMP/tickets")
    printf 'round %d  tessera GET /cas/login (tickets)  %10.0f tickets/s\n' "$round" "$minted"
    validated=$(cas_validate "$url/cas/serviceValidate" "$service" /health/live "$SERVERS_TMP/tickets")
    printf 'round %d  tessera GET /cas/serviceValidate  %10.0f validations/s\n' "$round" "$validated"
    results+=("$live_rps $validated $minted")
done
printf '%s\n' "${results[@]}" | cas_summary tessera
