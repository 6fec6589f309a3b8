#!/usr/bin/env bash
# Heartbeats with persistence against the same host's GET /health, same wrk settings, same
# run: the default deployment (sqlite-store, spawner-registry, auth, dashboard-sse,
# file-distribution), N spawners registered, then ROUNDS rounds of /health and heartbeats,
# alternating, and /health once more at the end; each heartbeat phase is compared with the
# mean of the /health phases on either side of it, which damps the drift of a shared
# machine. Both go through a preformatted Lua request with the same headers and no Lua
# response hook, so wrk spends the same on each; a heartbeat that is not answered 200 fails
# the run (wrk's count of non-2xx answers). Builds nothing.
#
#   bench/soak/heartbeat_vs_health.sh <build-dir> [seconds=10] [spawners=10000] [rounds=3]
set -euo pipefail

source "$(dirname "$0")/../lib/common.sh"
bench_build_dir "<build-dir> [seconds] [spawners] [rounds]" "$@"
DURATION=${2:-10}
SPAWNERS=${3:-10000}
ROUNDS=${4:-3}
SCRIPTS=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$SCRIPTS/../.." && pwd)
WORK=$(mktemp -d /tmp/heartbeat-vs-health.XXXXXX)
API_KEY=bench-master-key-0123456789abcdef
WRK_ARGS=(-t2 -c64 -d"${DURATION}s")
HOST_PID=""

require_tools wrk
require_host_build "$BUILD_DIR" sqlite-store spawner-registry auth dashboard-sse file-distribution
require_bench_tools "$BUILD_DIR" sse_load
cleanup() {
  stop_host
  rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/files"
ADMIN_PASSWORD=bench-admin-password MASTER_API_KEY=$API_KEY \
  start_host "$BUILD_DIR" "$WORK" "$(default_deployment_yaml "$ROOT")"
URL="http://127.0.0.1:$HOST_PORT/"
"$BUILD_DIR/bin/sse_load" register --port "$HOST_PORT" --api-key "$API_KEY" --count "$SPAWNERS" \
  --threads 4 > /dev/null

health() { API_KEY=$API_KEY wrk_rate "${WRK_ARGS[@]}" -s "$SCRIPTS/../registry/health.lua" "$URL"; }
heartbeats() {
  local out
  out=$(SPAWNER_IDS=$SPAWNERS API_KEY=$API_KEY CHECK_IN_LUA=0 \
    wrk "${WRK_ARGS[@]}" -s "$SCRIPTS/../registry/heartbeat.lua" "$URL" 2>&1)
  if grep -q "Non-2xx" <<< "$out"; then
    echo "heartbeats were refused:" >&2
    echo "$out" >&2
    return 1
  fi
  awk '/Requests\/sec/ {print int($2)}' <<< "$out"
}

echo "wrk ${WRK_ARGS[*]}, $SPAWNERS spawners, persistence on (sqlite-store, synchronous full)"
ratios=()
before=$(health)
for round in $(seq 1 "$ROUNDS"); do
  beats=$(heartbeats)
  after=$(health)
  ratio=$(awk -v h="$beats" -v a="$before" -v b="$after" 'BEGIN { printf "%.2f", h / ((a + b) / 2) }')
  echo "round $round: /health $before, heartbeats $beats, /health $after req/s: $ratio"
  ratios+=("$ratio")
  before=$after
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{ r[NR] = $1 } END {
  printf "heartbeats / health: median %.2f of %d rounds (lowest %.2f, highest %.2f; target >= 0.80)\n",
    r[int((NR + 1) / 2)], NR, r[1], r[NR] }'
echo "host RSS at the end: $(( $(rss_kib "$HOST_PID") / 1024 )) MiB"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
