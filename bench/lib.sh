# shellcheck shell=bash
# Shared by the bench scripts (sourced after scripts/lib/servers.sh).

# Stops every server the script started and removes its folder, however it ends.
bench_cleanup_on_exit() {
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

bench_cleanup() {
    trap - EXIT INT TERM
    servers_stop_all
    if [ -n "${SERVERS_TMP:-}" ]; then rm -rf "$SERVERS_TMP"; fi
}

# release_binary PRODUCT [PATH]: PATH when given (a binary built beforehand), else PRODUCT
# built in release mode; prints the binary's path.
release_binary() {
    local product=$1 given=${2:-} bin
    if [ -n "$given" ]; then
        bin=$given
    else
        log "swift build -c release --product $product"
        swift build -c release --product "$product" >&2
        bin="$(swift build -c release --show-bin-path)/$product"
    fi
    [ -x "$bin" ] || die "no $product binary at $bin"
    echo "$bin"
}

# peer_session_ratio NAME COOKIE: for a peer app at $url, rounds of wrk against GET /live
# then GET /session (sent with `Cookie: COOKIE`), each round's requests/s, then the means
# and the ratio session/live. Uses $threads, $connections, $duration and $rounds.
peer_session_ratio() {
    local name=$1 cookie=$2 round live_rps session_rps results=()
    log "wrk -t$threads -c$connections -d$duration, $rounds rounds of live then session"
    for round in $(seq 1 "$rounds"); do
        live_rps=$(peer_wrk live /live)
        printf 'round %d  %s  GET /live     %10.0f requests/s\n' "$round" "$name" "$live_rps"
        session_rps=$(peer_wrk session /session -H "Cookie: $cookie")
        printf 'round %d  %s  GET /session  %10.0f requests/s\n' "$round" "$name" "$session_rps"
        results+=("$live_rps $session_rps")
    done
    printf '%s\n' "${results[@]}" | python3 -c '
import sys
pairs = [tuple(map(float, line.split())) for line in sys.stdin]
n = len(pairs)
live = sum(p[0] for p in pairs) / n
session = sum(p[1] for p in pairs) / n
print(f"{sys.argv[1]}   /live {live:8.0f}  /session {session:8.0f} requests/s (mean of {n})  "
      f"ratio session/live: {session / live:.2f}")' "$name"
}

peer_wrk() { # peer_wrk NAME PATH [wrk args...]: prints requests/s of $url PATH
    local name=$1 path=$2 out
    shift 2
    out=$(wrk -t"$threads" -c"$connections" -d"$duration" "$@" "$url$path")
    if grep -q 'Non-2xx or 3xx responses' <<<"$out"; then
        printf '%s\n' "$out" >&2
        die "$name: some responses were not 2xx"
    fi
    awk '/^Requests\/sec:/ { print $2 }' <<<"$out"
}
