#!/usr/bin/env bash
# The dashboard under load: N concurrent /events clients (one session cookie) while the
# registry holds M spawners, for D seconds, twice:
#   1. steady fleet: the spawners registered, nothing changes;
#   2. busy fleet:   every spawner sends a heartbeat every 10 s (M/10 heartbeats per second),
#                    so every `spawners` delta carries the spawners seen since the last tick.
# Reports the host's CPU and RSS over the window and checks that every client received every
# `stats` event. Builds nothing: pass the build directory (configured with SR_BUILD_BENCH=ON).
#
#   bench/dashboard/run.sh <build-dir> [duration-seconds=60] [clients=1000] [spawners=10000]
set -euo pipefail

source "$(dirname "$0")/../lib/common.sh"
bench_build_dir "<build-dir> [duration-seconds] [clients] [spawners]" "$@"
DURATION=${2:-60}
CLIENTS=${3:-1000}
SPAWNERS=${4:-10000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LOAD="$BUILD_DIR/bin/sse_load"
WORK=$(mktemp -d /tmp/dashboard-bench.XXXXXX)
API_KEY=bench-master-key-0123456789abcdef
ADMIN_KEY=bench-admin-key-0123456789abcdef
ADMIN_PASSWORD=bench-admin-password
HOST_PID=""

require_tools curl
require_host_build "$BUILD_DIR" sqlite-store auth spawner-registry dashboard-sse
require_bench_tools "$BUILD_DIR" sse_load

# Two sockets per client (ours and the host's) plus headroom.
ulimit -n $((CLIENTS * 2 + 4096))

cleanup() {
  stop_host
  rm -rf "$WORK"
}
trap cleanup EXIT

ADMIN_EMAIL=bench@example.com ADMIN_PASSWORD=$ADMIN_PASSWORD MASTER_API_KEY=$API_KEY \
  ADMIN_API_KEY=$ADMIN_KEY \
  start_host "$BUILD_DIR" "$WORK" "$(cat << EOF
server:
  bind: 127.0.0.1
  port: 0
  log_level: warn
  max_connections_per_address: $((CLIENTS + 100))
plugins:
  - id: sqlite-store
    config:
      path: bench.db
      synchronous: normal
  - id: auth
  - id: spawner-registry
    config:
      ttl: 30m
      max_body_bytes: 16KiB
  - id: dashboard-sse
    config:
      web_root: $ROOT/web
      max_clients: $((CLIENTS + 100))
EOF
)"
PORT=$HOST_PORT
URL="http://127.0.0.1:$PORT"

echo "== setup: $SPAWNERS spawners, one signed-in session"
"$LOAD" register --port "$PORT" --api-key "$API_KEY" --count "$SPAWNERS" --threads 8
session_cookie "$URL" bench@example.com "$ADMIN_PASSWORD" "$WORK/cookies"
LIST_BYTES=$(curl -sf -H "X-API-Key: $ADMIN_KEY" "$URL/api/spawners" | wc -c)
echo "spawner_list_bytes: $LIST_BYTES"
echo "host_rss_mib_before_clients: $(awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$HOST_PID/status")"

status=0
echo
echo "== 1. steady fleet: $CLIENTS clients x $SPAWNERS spawners, ${DURATION} s"
"$LOAD" stream --port "$PORT" --cookie "$COOKIE" --clients "$CLIENTS" --duration "$DURATION" \
  --host-pid "$HOST_PID" || status=1

echo
RATE=$((SPAWNERS / 10))
echo "== 2. busy fleet: same, with $RATE heartbeats/s (every spawner every 10 s)"
# Heartbeats start first and run past the window (the clients take a few seconds to connect).
"$LOAD" heartbeat --port "$PORT" --api-key "$API_KEY" --first-id 1 --count "$SPAWNERS" \
  --rate "$RATE" --duration $((DURATION + 30)) > "$WORK/heartbeat.out" &
HEARTBEAT_PID=$!
sleep 3
"$LOAD" stream --port "$PORT" --cookie "$COOKIE" --clients "$CLIENTS" --duration "$DURATION" \
  --host-pid "$HOST_PID" || status=1
wait "$HEARTBEAT_PID" || true
cat "$WORK/heartbeat.out"

echo
echo "host_rss_mib_peak: $(awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$HOST_PID/status")"
if grep -qiE "error|dropp" "$WORK/host.log"; then
  echo "--- host log (errors, drops) ---"
  grep -iE "error|dropp" "$WORK/host.log" | tail -20
fi
exit "$status"
