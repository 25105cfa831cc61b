#!/usr/bin/env bash
# Resident memory of the memory session store: `tessera bench memory-sessions` creates
# BENCH_SESSIONS sessions over BENCH_USERS accounts through the session service into a
# MemorySessionStore, in one process, and prints its VmRSS before and after and the growth
# per session. No server and no HTTP: a million logins through HTTP would take hours of
# scrypt on two cores. See bench/README.md.
#
# Environment: BENCH_SESSIONS (1000000), BENCH_USERS (100000), TESSERA_BIN (use this
# binary instead of building a release one).
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/servers.sh
. scripts/lib/servers.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh

sessions=${BENCH_SESSIONS:-1000000}
users=${BENCH_USERS:-100000}

bin=$(release_binary tessera "${TESSERA_BIN:-}")

log "$sessions sessions over $users users in the memory store"
"$bin" bench memory-sessions --count "$sessions" --users "$users"
