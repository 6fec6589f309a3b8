#!/usr/bin/env bash
# Heartbeats through two masters sharing one PostgreSQL on this machine: a throwaway database
# (scripts/pg-temp.sh), two spawner-master processes with postgres-store, spawner-registry and
# auth, N spawners registered (half through each master), then heartbeats through both masters
# at once for D seconds (one wrk per master, ids round robin over all N, so each master also
# heartbeats spawners the other registered). Reports heartbeats/s per master and in total, the
# CPU of each master and of all PostgreSQL processes over the window (from /proc), and what the
# database did (transactions and row updates per second: the write-behind's batching).
# Builds nothing: pass a RelWithDebInfo build directory configured with SR_BUILD_BENCH=ON.
#
#   bench/cluster/run.sh <build-dir> [seconds=10] [spawners=10000] [connections-per-master=50]
#
# Results go to $CLUSTER_BENCH_OUT (default ./cluster-bench-<time>): summary.txt (also
# printed), each wrk's output, the masters' logs.
set -euo pipefail

source "$(dirname "$0")/../lib/common.sh"
bench_build_dir "<build-dir> [seconds] [spawners] [connections-per-master]" "$@"
DURATION=${2:-10}
SPAWNERS=${3:-10000}
CONNECTIONS=${4:-50}
SCRIPTS=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$SCRIPTS/../.." && pwd)
OUT=${CLUSTER_BENCH_OUT:-$PWD/cluster-bench-$(date +%Y%m%d-%H%M%S)}
LOAD="$BUILD_DIR/bin/sse_load"
API_KEY=bench-master-key-0123456789abcdef
OPERATOR_KEY=bench-operator-key-0123456789abcd
WORK=$(mktemp -d /tmp/cluster-bench.XXXXXX)
chmod 755 "$WORK"  # the database runs as postgres when we are root: it must reach its folder
PIDS=()
WRK_PIDS=()
PG_STARTED=0

require_tools wrk curl psql
require_host_build "$BUILD_DIR" postgres-store spawner-registry auth
require_bench_tools "$BUILD_DIR" sse_load
mkdir -p "$OUT"

cleanup() {
  local pid
  for pid in "${WRK_PIDS[@]}"; do kill "$pid" 2> /dev/null || true; done
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2> /dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2> /dev/null || true; done
  for i in 1 2; do [[ -f "$WORK/master-$i/host.log" ]] && cp "$WORK/master-$i/host.log" "$OUT/master-$i.log"; done
  ((PG_STARTED)) && "$ROOT/scripts/pg-temp.sh" stop "$WORK/postgres" || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT  # through the EXIT trap: the database and the masters go too
trap 'exit 143' TERM

PG_STARTED=1
DATABASE_URL=$("$ROOT/scripts/pg-temp.sh" start "$WORK/postgres")
PG_DATA=$WORK/postgres/data
# pg_stat_statements (shipped with Debian's server) says which statements the window cost.
psql "$DATABASE_URL" -Atq -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
"$ROOT/scripts/pg-temp.sh" restart "$WORK/postgres"
psql "$DATABASE_URL" -Atq -c "CREATE EXTENSION pg_stat_statements"

master_yaml() {
  cat << YAML
server:
  bind: 127.0.0.1
  port: 0
  log_level: warn
  max_connections_per_address: $((CONNECTIONS + 100))
plugins:
  - id: postgres-store
    config:
      conninfo: "$DATABASE_URL"
  - id: spawner-registry
    config:
      ttl: 60s
  - id: auth
    config:
      api_keys:
        - {name: ops, key: "$OPERATOR_KEY", role: operator}
YAML
}

PORTS=()
for i in 1 2; do
  mkdir -p "$WORK/master-$i"
  MASTER_API_KEY=$API_KEY ADMIN_PASSWORD=bench-admin-password \
    start_host "$BUILD_DIR" "$WORK/master-$i" "$(master_yaml)"
  PIDS+=("$HOST_PID")
  PORTS+=("$HOST_PORT")
done
HOST_PID=""  # stopped by cleanup, not by common.sh's stop_host

# Half the fleet through each master, at the same time.
start_ns=$(date +%s%N)
"$LOAD" register --port "${PORTS[0]}" --api-key "$API_KEY" --count $((SPAWNERS / 2)) \
  --threads 4 > "$WORK/register-1.out" &
reg1=$!
"$LOAD" register --port "${PORTS[1]}" --api-key "$API_KEY" --count $((SPAWNERS - SPAWNERS / 2)) \
  --threads 4 > "$WORK/register-2.out" &
reg2=$!
wait "$reg1" "$reg2"
register_ms=$((($(date +%s%N) - start_ns) / 1000000))
registered=$(awk '/^registered:/ {n += $2} END {print n + 0}' "$WORK"/register-*.out)
((registered == SPAWNERS)) || { cat "$WORK"/register-*.out >&2; echo "registration failed" >&2; exit 1; }

# Both masters must know every spawner before the heartbeats start (ids 1..N).
listed() {
  curl -sf -H "X-API-Key: $OPERATOR_KEY" "http://127.0.0.1:$1/api/spawners" |
    python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'
}
for port in "${PORTS[@]}"; do
  for _ in $(seq 1 100); do
    [[ "$(listed "$port")" == "$SPAWNERS" ]] && break
    sleep 0.1
  done
  [[ "$(listed "$port")" == "$SPAWNERS" ]] || { echo "master on $port lists $(listed "$port") of $SPAWNERS" >&2; exit 1; }
  curl -sf -o /dev/null -H "X-API-Key: $OPERATOR_KEY" "http://127.0.0.1:$port/api/spawners/$SPAWNERS" ||
    { echo "ids are not 1..$SPAWNERS" >&2; exit 1; }
done

# CPU ticks (user + system) of a process, and of the postmaster with all its children.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2> /dev/null || echo 0; }
postmaster=$(head -n 1 "$PG_DATA/postmaster.pid")
pg_ticks() {
  python3 - "$postmaster" << 'PY'
import os, sys
postmaster, total = sys.argv[1], 0
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        stat = open(f"/proc/{pid}/stat").read()
    except OSError:
        continue  # exited meanwhile
    # Fields after the command name (which may hold spaces): state ppid ... utime stime.
    fields = stat[stat.rindex(")") + 2:].split()
    if pid == postmaster or fields[1] == postmaster:
        total += int(fields[11]) + int(fields[12])
print(total)
PY
}
db_counters() {
  psql "$DATABASE_URL" -Atq -c "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()),
    (SELECT COALESCE(SUM(n_tup_upd + n_tup_ins), 0) FROM pg_stat_user_tables)"
}

ticks_per_second=$(getconf CLK_TCK)
m1_before=$(cpu_ticks "${PIDS[0]}")
m2_before=$(cpu_ticks "${PIDS[1]}")
pg_before=$(pg_ticks)
IFS='|' read -r xact_before rows_before <<< "$(db_counters)"
psql "$DATABASE_URL" -Atq -c "SELECT pg_stat_statements_reset()" > /dev/null
window_start=$(date +%s%N)
for i in 0 1; do
  SPAWNER_IDS=$SPAWNERS API_KEY=$API_KEY \
    wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s "$ROOT/bench/registry/heartbeat.lua" \
    "http://127.0.0.1:${PORTS[$i]}/" > "$OUT/wrk-master-$((i + 1)).out" 2>&1 &
  WRK_PIDS+=($!)
done
for pid in "${WRK_PIDS[@]}"; do wait "$pid"; done
WRK_PIDS=()
window_ns=$(($(date +%s%N) - window_start))
m1_after=$(cpu_ticks "${PIDS[0]}")
m2_after=$(cpu_ticks "${PIDS[1]}")
pg_after=$(pg_ticks)
# The last write-behind batch lands within the flush interval (1 s) after the window.
sleep 1.2
IFS='|' read -r xact_after rows_after <<< "$(db_counters)"

percent() {  # CPU % of one core over the window
  awk -v t="$1" -v hz="$ticks_per_second" -v ns="$window_ns" 'BEGIN { printf "%.0f", 100 * t / hz / (ns / 1e9) }'
}
rate_of() { awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$1"; }
r1=$(rate_of "$OUT/wrk-master-1.out")
r2=$(rate_of "$OUT/wrk-master-2.out")
errors=$(cat "$OUT"/wrk-master-*.out | awk '/Non-2xx|Socket errors|error/' || true)
seconds=$(awk -v ns="$window_ns" 'BEGIN { printf "%.1f", ns / 1e9 }')
{
  echo "cluster heartbeat bench: 2 masters + PostgreSQL $(psql "$DATABASE_URL" -Atq -c 'SHOW server_version'), $SPAWNERS spawners, ${DURATION} s, wrk -t1 -c$CONNECTIONS per master"
  echo "registration of $SPAWNERS (half through each master): $register_ms ms"
  echo "heartbeats_per_second: $((r1 + r2)) (master-1 $r1, master-2 $r2)"
  [[ -n "$errors" ]] && echo "wrk: $errors"
  echo "cpu_percent_of_one_core: master-1 $(percent $((m1_after - m1_before))), master-2 $(percent $((m2_after - m2_before))), postgres (all processes) $(percent $((pg_after - pg_before)))"
  awk -v x="$((xact_after - xact_before))" -v r="$((rows_after - rows_before))" -v s="$seconds" \
    -v hb="$((r1 + r2))" 'BEGIN { printf "database: %.0f transactions/s, %.0f rows written/s (%.1f heartbeats per row write, %.0f heartbeats per transaction)\n", x / s, r / s, (r > 0 ? hb * s / r : 0), (x > 0 ? hb * s / x : 0) }'
  echo "the database's busiest statements in the window (and the 1.2 s after it):"
  psql "$DATABASE_URL" -Atq -F '|' -c "SELECT calls, rows, round(total_exec_time),
      left(regexp_replace(query, '\s+', ' ', 'g'), 90) FROM pg_stat_statements
      WHERE query NOT LIKE '%pg_stat%' ORDER BY total_exec_time DESC LIMIT 6" |
    awk -F '|' -v s="$seconds" '{ printf "  %7.1f/s  %7.0f rows each  %6.0f ms in all  %s\n", $1 / s, $2 / ($1 > 0 ? $1 : 1), $3, $4 }'
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
} | tee "$OUT/summary.txt"
