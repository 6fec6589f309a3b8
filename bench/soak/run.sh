#!/usr/bin/env bash
# Soak: the default deployment (sqlite-store, spawner-registry, auth, dashboard-sse,
# file-distribution) with N spawners heartbeating at R per second for D seconds, optionally
# with K dashboards connected. Records the host's RSS, anonymous memory and CPU every second
# and draws them (gnuplot PNG). Builds nothing: pass a RelWithDebInfo build directory
# (it needs bin/sse_load, built with SR_BUILD_BENCH=ON).
#
#   bench/soak/run.sh <build-dir> [seconds=600] [spawners=10000] [rate=10000] [dashboards=0]
#
# Heartbeats come from wrk -t2 -c100 with a pause per connection between requests (as an
# operator's load test would pace them), ids round robin. Results go to $SOAK_OUT (default
# ./soak-<time>): samples.tsv (second, RSS KiB, anonymous KiB, CPU % of one core),
# soak.png, summary.txt (also printed).
set -euo pipefail

source "$(dirname "$0")/../lib/common.sh"
bench_build_dir "<build-dir> [seconds] [spawners] [rate] [dashboards]" "$@"
DURATION=${2:-600}
SPAWNERS=${3:-10000}
RATE=${4:-10000}
DASHBOARDS=${5:-0}
SCRIPTS=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$SCRIPTS/../.." && pwd)
OUT=${SOAK_OUT:-$PWD/soak-$(date +%Y%m%d-%H%M%S)}
LOAD="$BUILD_DIR/bin/sse_load"
WORK=$(mktemp -d /tmp/soak.XXXXXX)
API_KEY=soak-master-key-0123456789abcdef
ADMIN_PASSWORD=soak-admin-password
CONNECTIONS=100
HOST_PID=""
WRK_PID=""
STREAM_PID=""

require_tools wrk curl gnuplot
require_host_build "$BUILD_DIR" sqlite-store spawner-registry auth dashboard-sse file-distribution
require_bench_tools "$BUILD_DIR" sse_load
mkdir -p "$OUT"
ulimit -n $((DASHBOARDS * 2 + 4096))

cleanup() {
  [[ -n "$WRK_PID" ]] && kill "$WRK_PID" 2> /dev/null || true
  [[ -n "$STREAM_PID" ]] && kill "$STREAM_PID" 2> /dev/null || true
  stop_host
  rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/files"
ADMIN_EMAIL=soak@example.com ADMIN_PASSWORD=$ADMIN_PASSWORD MASTER_API_KEY=$API_KEY \
  start_host "$BUILD_DIR" "$WORK" \
  "$(default_deployment_yaml "$ROOT" $((DASHBOARDS + CONNECTIONS + 100)) $((DASHBOARDS + 100)))"
URL="http://127.0.0.1:$HOST_PORT"
rss_now() { awk '/^VmRSS:/ {print $2}' "/proc/$HOST_PID/status"; }
anon_now() { awk '/^RssAnon:/ {print $2}' "/proc/$HOST_PID/status"; }

rss_start=$(rss_now)
"$LOAD" register --port "$HOST_PORT" --api-key "$API_KEY" --count "$SPAWNERS" --threads 4 \
  > "$WORK/register.out"
rss_registered=$(rss_now)
anon_registered=$(anon_now)

session_cookie "$URL" soak@example.com "$ADMIN_PASSWORD" "$WORK/cookies"
if ((DASHBOARDS > 0)); then
  "$LOAD" stream --port "$HOST_PORT" --cookie "$COOKIE" --clients "$DASHBOARDS" \
    --duration "$DURATION" --host-pid "$HOST_PID" > "$OUT/dashboards.out" 2>&1 &
  STREAM_PID=$!
  sleep 5
fi

DELAY_MS=$((CONNECTIONS * 1000 / RATE))
SPAWNER_IDS=$SPAWNERS DELAY_MS=$DELAY_MS API_KEY=$API_KEY \
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s "$SCRIPTS/../registry/heartbeat.lua" "$URL/" \
  > "$WORK/wrk.out" 2>&1 &
WRK_PID=$!

# One sample a second: elapsed seconds, RSS KiB, anonymous KiB, CPU % of one core.
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$HOST_PID/stat"; }
printf '# second\trss_kib\tanon_kib\tcpu_percent\n' > "$OUT/samples.tsv"
start_ns=$(date +%s%N)
prev_ticks=$(cpu_ticks)
prev_ns=$start_ns
while kill -0 "$WRK_PID" 2> /dev/null; do
  sleep 1
  kill -0 "$HOST_PID" 2> /dev/null || { echo "the host died" >&2; exit 1; }
  now_ns=$(date +%s%N)
  now_ticks=$(cpu_ticks)
  awk -v t=$(( (now_ns - start_ns) / 1000000 )) -v rss="$(rss_now)" -v anon="$(anon_now)" \
    -v dt="$((now_ticks - prev_ticks))" -v hz="$ticks" -v ns="$((now_ns - prev_ns))" \
    'BEGIN { printf "%.0f\t%d\t%d\t%.1f\n", t / 1000, rss, anon, 100 * dt / hz / (ns / 1e9) }' \
    >> "$OUT/samples.tsv"
  prev_ticks=$now_ticks
  prev_ns=$now_ns
done
wait "$WRK_PID" || true
WRK_PID=""
[[ -n "$STREAM_PID" ]] && { wait "$STREAM_PID" || true; STREAM_PID=""; }
cp "$WORK/wrk.out" "$OUT/wrk.out"
# Where the memory goes, as the plugins report it (/api/stats "memory").
curl -sf -H "Cookie: $COOKIE" "$URL/api/stats" > "$OUT/stats.json" || true
plugin_memory=$(python3 - "$OUT/stats.json" "$SPAWNERS" << 'PY'
import json, sys
try:
    memory = json.load(open(sys.argv[1]))["memory"]
except Exception:
    sys.exit(0)
spawners = int(sys.argv[2])
for plugin in memory["plugins"]:
    items = ", ".join(f"{name} {value / 1024:.0f} KiB" for name, value in plugin["items"].items())
    print(f"plugin_memory {plugin['plugin']}: {plugin['bytes'] / 1048576:.2f} MiB "
          f"({plugin['bytes'] / spawners:.0f} bytes/spawner; {items})")
print(f"plugin_memory total: {memory['plugin_bytes'] / 1048576:.2f} MiB, "
      f"{memory['plugin_bytes'] / spawners:.0f} bytes/spawner")
PY
)

rate=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$OUT/wrk.out")
errors=$(awk '/Non-2xx|Socket errors/' "$OUT/wrk.out")
# Growth over the last half of the run (the last 5 minutes of a 10-minute soak): the last
# sample against the one at the middle.
summary=$(awk -v half=$((DURATION / 2)) '
  !/^#/ { n++; t[n] = $1; rss[n] = $2; cpu[n] = $4; if (rss[n] > peak) peak = rss[n];
          sum += $4; if ($1 <= half) mid = $2 }
  END {
    printf "rss_end_mib: %.1f\nrss_peak_mib: %.1f\nrss_growth_last_half_mib: %.2f\ncpu_mean_percent: %.1f\n",
      rss[n] / 1024, peak / 1024, (rss[n] - mid) / 1024, sum / n
  }' "$OUT/samples.tsv")
{
  echo "spawners: $SPAWNERS, paced rate asked: $RATE/s, dashboards: $DASHBOARDS, ${DURATION} s"
  echo "heartbeats_per_second: $rate"
  [[ -n "$errors" ]] && echo "wrk: $errors"
  echo "rss_start_mib: $((rss_start / 1024))"
  echo "rss_registered_mib: $((rss_registered / 1024)) (anonymous $((anon_registered / 1024)))"
  echo "$summary"
  [[ -n "$plugin_memory" ]] && echo "$plugin_memory"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
  [[ -f "$OUT/dashboards.out" ]] && grep -E '^(clients|stats|reconnects|host_)' "$OUT/dashboards.out" || true
} | tee "$OUT/summary.txt"

gnuplot << PLOT
set terminal pngcairo size 1000,500 noenhanced
set output "$OUT/soak.png"
set title "spawner-master: $SPAWNERS spawners, $rate heartbeats/s, $DASHBOARDS dashboards"
set xlabel "seconds"
set ylabel "MiB"
set y2label "CPU, % of one core"
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set key top left
set grid
plot "$OUT/samples.tsv" using 1:(\$2/1024) with lines lw 2 title "RSS", \
     "$OUT/samples.tsv" using 1:(\$3/1024) with lines title "anonymous", \
     "$OUT/samples.tsv" using 1:4 axes x1y2 with lines lc rgb "#999999" title "CPU"
PLOT
echo "samples, soak.png and summary.txt in $OUT"
