#!/usr/bin/env bash
# A peer under the same load as bench/cas.sh: django-cas-server in a throwaway Django project
# (bench/peers/django-cas: SQLite, one user, one service pattern), served by gunicorn with one
# worker process per core. Each round: wrk on GET /live (a Django view without database),
# then tickets minted through GET /cas/login?service=... with the signed-in session's cookie,
# then validated, each once, on GET /cas/serviceValidate. Prints the ratio
# validations/live, the figure to hold against Tessera's. See bench/README.md.
#
# Django, django-cas-server and gunicorn come from PyPI into a virtual environment kept in
# ${XDG_CACHE_HOME:-~/.cache}/tessera-bench/django-cas.
#
# Environment: BENCH_DURATION (10s), BENCH_MINT_DURATION (four times BENCH_DURATION),
# BENCH_THREADS (2), BENCH_CONNECTIONS (32), BENCH_ROUNDS (2).
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=scripts/lib/servers.sh
. scripts/lib/servers.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh
# shellcheck source=bench/cas_load.sh
. bench/cas_load.sh

rounds=${BENCH_ROUNDS:-2}

bench_cleanup_on_exit

ensure_debian_packages python3:python3 curl:curl wrk:wrk
venv="${XDG_CACHE_HOME:-$HOME/.cache}/tessera-bench/django-cas"
if ! "$venv/bin/python" -c 'import django, cas_server, gunicorn' 2>/dev/null; then
    log "pip install django-cas-server gunicorn into $venv"
    python3 -m venv "$venv" >&2 || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
    "$venv/bin/pip" install -q django-cas-server gunicorn >&2
fi
log "$("$venv/bin/python" -c 'from importlib.metadata import version as v; print("Django", v("django"), "django-cas-server", v("django-cas-server"), "gunicorn", v("gunicorn"))')"

servers_init
port=$(free_port)
url="http://127.0.0.1:$port"
service="http://127.0.0.1:9/app/"
export PYTHONPATH=$PWD/bench/peers/django-cas DJANGO_SETTINGS_MODULE=benchcas.settings
DJANGO_SECRET_KEY=$(head -c 32 /dev/urandom | base64)
DJANGO_DB="$SERVERS_TMP/django-cas.sqlite3"
BENCH_PASSWORD="bench-$(python3 -c 'import secrets; print(secrets.token_urlsafe(16))')"
export DJANGO_SECRET_KEY DJANGO_DB BENCH_PASSWORD
"$venv/bin/python" -m benchcas.prepare setup '^http://127\.0\.0\.1:9/app/.*$' || die "setting up Django failed"

start_group TERM "$SERVERS_TMP/gunicorn.log" "$venv/bin/python" -m gunicorn \
    --workers "$(nproc)" --bind "127.0.0.1:$port" benchcas.wsgi:application
live() { curl -fs "$url/live" >/dev/null; }
if ! wait_until 60 live; then
    tail -n 30 "$SERVERS_TMP/gunicorn.log" >&2
    die "gunicorn did not start"
fi
cookie=$("$venv/bin/python" -m benchcas.prepare sign-in "$url") || die "signing in failed"
encoded_service=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$service")

log "wrk -t$cas_threads -c$cas_connections: $rounds rounds of /live ($cas_duration), tickets ($cas_mint_duration), serviceValidate ($cas_duration)"
results=()
for round in $(seq 1 "$rounds"); do
    live_rps=$(cas_rps "$url/live")
    printf 'round %d  django-cas GET /live                  %10.0f requests/s\n' "$round" "$live_rps"
    minted=$(cas_mint "$url/cas/login?service=$encoded_service" "$cookie" "$SERVERS_TMP/tickets")
    printf 'round %d  django-cas GET /cas/login (tickets)   %10.0f tickets/s\n' "$round" "$minted"
    validated=$(cas_validate "$url/cas/serviceValidate" "$service" /live "$SERVERS_TMP/tickets")
    printf 'round %d  django-cas GET /cas/serviceValidate   %10.0f validations/s\n' "$round" "$validated"
    results+=("$live_rps $validated $minted")
done
printf '%s\n' "${results[@]}" | cas_summary django-cas
