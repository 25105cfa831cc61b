# shellcheck shell=bash
# The CAS load of bench/cas.sh and bench/peers/django-cas.sh (sourced after bench/lib.sh):
# a service ticket works once, so wrk cannot replay one request. Each round first mints
# tickets with bench/cas_mint.lua (GET of the login endpoint with a signed-in cookie), then
# validates them, each once, with bench/cas_validate.lua, and measures a cheap endpoint of
# the same server for the baseline. Settings: BENCH_THREADS (2), BENCH_CONNECTIONS (32),
# BENCH_DURATION (10s: the baseline's and the validations' wrk runs), BENCH_MINT_DURATION
# (four times BENCH_DURATION: minting must stay ahead of validation, and django-cas-server
# mints at less than half the rate it validates).

cas_threads=${BENCH_THREADS:-2}
cas_connections=${BENCH_CONNECTIONS:-32}
cas_duration=${BENCH_DURATION:-10s}
cas_duration=${cas_duration%s}s
cas_mint_duration=${BENCH_MINT_DURATION:-$((4 * ${cas_duration%s}))s}

# cas_rps URL: requests/s of wrk on URL; dies on a non-2xx answer.
cas_rps() {
    local out
    out=$(wrk -t"$cas_threads" -c"$cas_connections" -d"$cas_duration" "$1")
    if grep -q 'Non-2xx or 3xx responses' <<<"$out"; then
        printf '%s\n' "$out" >&2
        die "$1: some responses were not 2xx"
    fi
    awk '/^Requests\/sec:/ { print $2 }' <<<"$out"
}

# cas_mint LOGIN_URL COOKIE DIR: mints tickets for BENCH_MINT_DURATION (twice
# BENCH_DURATION) into DIR/<thread>; prints tickets/s. Dies when a request got no ticket.
cas_mint() {
    local url=$1 cookie=$2 dir=$3 out failed
    rm -rf "$dir" && mkdir -p "$dir"
    out=$(BENCH_COOKIE=$cookie BENCH_TICKET_DIR=$dir \
        wrk -t"$cas_threads" -c"$cas_connections" -d"$cas_mint_duration" --timeout 30s -s bench/cas_mint.lua "$url")
    failed=$(awk '/^minted / { print $4 }' <<<"$out")
    if [ "${failed:-1}" != 0 ]; then
        printf '%s\n' "$out" >&2
        die "minting tickets at $url: ${failed:-?} requests without a ticket"
    fi
    awk '/^minted / { print $8 }' <<<"$out"
}

# cas_validate VALIDATE_URL SERVICE SPARE_PATH DIR: validates the tickets in DIR, each once,
# for SERVICE (a URL, encoded here) for BENCH_DURATION; prints validations/s. Dies when one
# is refused, or when a wrk thread ran out of tickets.
cas_validate() {
    local url=$1 service=$2 spare=$3 dir=$4 out refused exhausted
    out=$(BENCH_TICKET_DIR=$dir BENCH_SPARE_PATH=$spare \
        BENCH_SERVICE=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$service") \
        wrk -t"$cas_threads" -c"$cas_connections" -d"$cas_duration" --timeout 30s -s bench/cas_validate.lua "$url")
    read -r refused exhausted < <(awk '/^validated / { print $4, $6 }' <<<"$out")
    if [ "${refused:-1}" != 0 ]; then
        printf '%s\n' "$out" >&2
        die "validating at $url: ${refused:-?} tickets refused"
    fi
    if [ "$exhausted" != 0 ]; then
        printf '%s\n' "$out" >&2
        die "validating at $url: $exhausted wrk thread(s) ran out of tickets; raise BENCH_MINT_DURATION"
    fi
    awk '/^validated / { print $10 }' <<<"$out"
}

# cas_summary NAME: reads "live validations minted" lines and prints the means and the
# ratio validations/live.
cas_summary() {
    python3 -c '
import sys
runs = [tuple(map(float, line.split())) for line in sys.stdin]
n = len(runs)
live, validations, minted = (sum(run[i] for run in runs) / n for i in range(3))
print(f"{sys.argv[1]}  live {live:8.0f}  serviceValidate {validations:8.0f}/s  tickets issued {minted:8.0f}/s "
      f"(means of {n})  ratio serviceValidate/live: {validations / live:.2f}")
' "$1"
}
