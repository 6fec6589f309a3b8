#!/usr/bin/env bash
# Heartbeats with persistence against the same host's GET /health, same wrk settings, same
# run: the default deployment (sqlite-store, spawner-registry, auth, dashboard-sse,
# file-distribution), N spawners registered, then /health, heartbeats, /health again (the
# two /health runs averaged to damp drift). Both go through a preformatted Lua request with
# the same headers, so wrk spends the same on each. Builds nothing.
#
#   bench/soak/heartbeat_vs_health.sh <build-dir> [seconds=10] [spawners=10000]
set -euo pipefail

[[ $# -ge 1 ]] || { echo "usage: $0 <build-dir> [seconds] [spawners]" >&2; exit 2; }
source "$(dirname "$0")/../lib/common.sh"
BUILD_DIR=$(cd "$1" && pwd)
DURATION=${2:-10}
SPAWNERS=${3:-10000}
SCRIPTS=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$SCRIPTS/../.." && pwd)
WORK=$(mktemp -d /tmp/heartbeat-vs-health.XXXXXX)
API_KEY=bench-master-key-0123456789abcdef
WRK_ARGS=(-t2 -c64 -d"${DURATION}s")
HOST_PID=""

command -v wrk > /dev/null || { echo "wrk is required" >&2; exit 2; }
[[ -x "$BUILD_DIR/bin/sse_load" ]] || { echo "no sse_load: configure with -DSR_BUILD_BENCH=ON" >&2; exit 2; }
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
health_before=$(health)
heartbeats=$(SPAWNER_IDS=$SPAWNERS API_KEY=$API_KEY \
  wrk_rate "${WRK_ARGS[@]}" -s "$SCRIPTS/../registry/heartbeat.lua" "$URL")
health_after=$(health)
health_mean=$(( (health_before + health_after) / 2 ))
echo "wrk ${WRK_ARGS[*]}, $SPAWNERS spawners, persistence on (sqlite-store, synchronous full)"
echo "/health: $health_before then $health_after req/s (mean $health_mean)"
echo "heartbeats: $heartbeats req/s"
awk -v h="$heartbeats" -v m="$health_mean" 'BEGIN { printf "heartbeats / health: %.2f (target >= 0.80)\n", h / m }'
echo "host RSS at the end: $(( $(rss_kib "$HOST_PID") / 1024 )) MiB"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
