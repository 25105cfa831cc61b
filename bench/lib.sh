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
