#!/usr/bin/env bash
# Pipelined GET throughput of the RESP client against redis-benchmark on the same
# redis-server, in one run: `redis-benchmark -t get -P 16` and `resp-bench` with the same
# clients and depth, alternating, then the ratio RESP/redis-benchmark. `resp-bench` runs
# twice a round: `pipeline` (each client sends 16 GETs as one `RedisClient.pipeline`, as
# redis-benchmark's -P does; the target applies to it) and `concurrent` (16 tasks per client,
# each sending one GET at a time, pipelined by the client on the shared connection).
# See bench/README.md.
#
# Environment: BENCH_REQUESTS (1000000), BENCH_CLIENTS (4), BENCH_DEPTH (16), BENCH_ROUNDS (2),
# RESP_BENCH_BIN (use this binary instead of building a release one).
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/servers.sh
. scripts/lib/servers.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh

requests=${BENCH_REQUESTS:-1000000}
clients=${BENCH_CLIENTS:-4}
depth=${BENCH_DEPTH:-16}
rounds=${BENCH_ROUNDS:-2}

bench_cleanup_on_exit

ensure_debian_packages python3:python3 redis-server:redis-server redis-benchmark:redis-tools

bin=$(release_binary resp-bench "${RESP_BENCH_BIN:-}")

servers_init
start_redis
redis-cli -h 127.0.0.1 -p "$REDIS_PORT" set resp-bench:key xxx >/dev/null

log "$requests GETs, $clients clients, pipeline depth $depth, $rounds rounds"
reference_runs=()
pipeline_runs=()
concurrent_runs=()
for round in $(seq 1 "$rounds"); do
    rps=$(redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -t get -n "$requests" -c "$clients" -P "$depth" -q |
        tr '\r' '\n' | awk '/^GET:/ { print $2 }' | tail -n 1)
    [ -n "$rps" ] || die "redis-benchmark printed no result"
    reference_runs+=("$rps")
    printf 'round %d  redis-benchmark   %12.0f requests/s\n' "$round" "$rps"
    rps=$("$bin" "$REDIS_URL" "$requests" "$clients" "$depth" pipeline)
    pipeline_runs+=("$rps")
    printf 'round %d  RESP pipeline     %12.0f requests/s\n' "$round" "$rps"
    rps=$("$bin" "$REDIS_URL" "$requests" "$clients" "$depth" concurrent)
    concurrent_runs+=("$rps")
    printf 'round %d  RESP concurrent   %12.0f requests/s\n' "$round" "$rps"
done

python3 - "${reference_runs[*]}" "${pipeline_runs[*]}" "${concurrent_runs[*]}" <<'PY'
import sys
mean = lambda runs: sum(runs) / len(runs)
reference, pipeline, concurrent = (mean([float(x) for x in arg.split()]) for arg in sys.argv[1:4])
print(f"mean      redis-benchmark {reference:12.0f}  RESP pipeline   {pipeline:12.0f}  "
      f"ratio {pipeline / reference:.2f} (target 0.70)")
print(f"mean      redis-benchmark {reference:12.0f}  RESP concurrent {concurrent:12.0f}  "
      f"ratio {concurrent / reference:.2f}")
PY
