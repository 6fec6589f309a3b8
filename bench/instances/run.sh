#!/usr/bin/env bash
# Allocation benchmarks (see README.md):
#   1. the decision alone with 10,000 spawners (allocation_decision);
#   2. allocations per second through the real host against instant fake agents on loopback
#      (allocation_load), with the instances stored in SQLite (synchronous: normal) as the
#      default deployment does, then in memory.
# Builds nothing: pass the build directory (configured with SR_BUILD_BENCH=ON).
#
#   bench/instances/run.sh <build-dir> [seconds=10] [agents=50] [clients=32]
set -euo pipefail

source "$(dirname "$0")/../lib/common.sh"
bench_build_dir "<build-dir> [seconds] [agents] [clients]" "$@"
SECONDS_RUN=${2:-10}
AGENTS=${3:-50}
CLIENTS=${4:-32}
HOST_BIN="$BUILD_DIR/bin/spawner-master"
require_host_build "$BUILD_DIR" sqlite-store spawner-registry game-instances
require_bench_tools "$BUILD_DIR" allocation_decision allocation_load
WORK=$(mktemp -d /tmp/instances-bench.XXXXXX)
HOST_PID=""
cleanup() {
  if [[ -n "$HOST_PID" ]]; then kill "$HOST_PID" 2> /dev/null || true; wait "$HOST_PID" 2> /dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== the decision, 10,000 spawners"
"$BUILD_DIR/bin/allocation_decision" 10000 1
"$BUILD_DIR/bin/allocation_decision" 10000 20

run_load() {  # $1: "store" or "memory"
  local port store=""
  port=$(free_port)
  if [[ "$1" == store ]]; then
    store="  - id: sqlite-store
    config: {path: $WORK/bench.db, synchronous: normal}"
  fi
  rm -f "$WORK"/bench.db*
  cat > "$WORK/plugins.yaml" << YAML
server: {bind: 127.0.0.1, port: $port, missing_guards: allow, log_level: warn, data_dir: $WORK/data}
plugins:
$store
  - id: spawner-registry
  - id: game-instances
    config: {spawn_targets: {allow: [127.0.0.0/8]}, reconcile_interval: 1h}
YAML
  "$HOST_BIN" --config "$WORK/plugins.yaml" > "$WORK/host.log" 2>&1 &
  HOST_PID=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" > /dev/null && break; sleep 0.1; done
  echo "== allocations/s, instances $1 ($AGENTS instant agents, $CLIENTS clients, ${SECONDS_RUN}s)"
  "$BUILD_DIR/bin/allocation_load" "$port" "$AGENTS" "$CLIENTS" "$SECONDS_RUN"
  kill "$HOST_PID"; wait "$HOST_PID" || true; HOST_PID=""
}
run_load store
run_load memory
