#!/usr/bin/env bash
# Benchmarks of spawner-registry and sqlite-store, each figure next to the host's own
# /health measured in the same run. Builds nothing: pass the build directory.
#
#   bench/registry/run.sh <build-dir> [duration-seconds]
#
# Needs wrk and curl. Every host listens on 127.0.0.1 with a free port, in a temporary
# directory that is removed at the end.
set -euo pipefail

SCRIPTS=$(cd "$(dirname "$0")" && pwd)
source "$SCRIPTS/../lib/common.sh"
bench_build_dir "<build-dir> [duration-seconds]" "$@"
DURATION=${2:-5}
WORK=$(mktemp -d /tmp/registry-bench.XXXXXX)
CONNECTIONS=32
HOST_PID=""
PORT=""

require_tools wrk curl
require_host_build "$BUILD_DIR" sqlite-store spawner-registry

cleanup() {
  stop_host
  rm -rf "$WORK"
}
trap cleanup EXIT

# start_registry_host <name> <persist: yes|no> [registry config lines...]
start_registry_host() {
  local name=$1 persist=$2
  shift 2
  local dir="$WORK/$name"
  mkdir -p "$dir"
  local yaml
  yaml=$({
    echo "server:"
    echo "  bind: 127.0.0.1"
    echo "  port: 0"
    echo "  missing_guards: allow"
    echo "  log_level: info"
    echo "plugins:"
    if [[ "$persist" == yes ]]; then
      echo "  - id: sqlite-store"
      echo "    config:"
      echo "      path: registry.db"
    fi
    echo "  - id: spawner-registry"
    if [[ $# -gt 0 ]]; then
      echo "    config:"
      for line in "$@"; do echo "      $line"; done
    fi
  })
  start_host "$BUILD_DIR" "$dir" "$yaml"
  PORT=$HOST_PORT
  HOST_DIR=$dir
}

url() { echo "http://127.0.0.1:$PORT$1"; }
rss_anon_kib() { awk '/^RssAnon:/ {print $2}' "/proc/$HOST_PID/status"; }
requests_per_second() { awk '/^Requests\/sec:/ {printf "%.0f", $2}'; }

# path_rate <path> [wrk args...]: requests per second.
path_rate() {
  local path=$1
  shift
  wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "$@" "$(url "$path")" | requests_per_second
}

# register <count>: registers exactly about <count> spawners (wrk stops each thread at its
# share; requests already in flight may add a few).
register() {
  REGISTRATIONS=$1 THREADS=2 wrk -t2 -c64 -d120s -s "$SCRIPTS/register.lua" "$(url /)" \
    > /dev/null 2>&1 &
  local wrk_pid=$!
  until [[ "$(last_id)" -ge "$1" ]]; do sleep 0.05; done
  kill -INT "$wrk_pid" 2> /dev/null || true
  wait "$wrk_pid" 2> /dev/null || true
}

# The highest id handed out so far (registers one more spawner to learn it).
last_id() {
  curl -s -X POST -H 'Content-Type: application/json' "$(url /api/spawners)" \
    -d '{"region":"probe","host":"127.0.0.1","port":1,"max_instances":1}' |
    sed -n 's/.*"id":\([0-9]*\).*/\1/p'
}

ROWS=()
row() { ROWS+=("$(printf '%s|%s|%s|%s|%s' "$@")"); }
percent() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f %%", 100 * a / b; else print "-" }'; }

echo "== heartbeats, GET by id (1,000 spawners), persistence on" >&2
start_registry_host persistent yes
register 1000
# /health twice, plain and through the same Lua request() the scripted figures use (wrk's
# own cost per request then matches); before and after, averaged, to damp drift.
health_plain=$(path_rate /health)
health_lua=$(path_rate / -s "$SCRIPTS/health.lua")
heartbeat_persistent=$(SPAWNER_IDS=1000 path_rate / -s "$SCRIPTS/heartbeat.lua")
get_by_id=$(SPAWNER_IDS=1000 path_rate / -s "$SCRIPTS/get_by_id.lua")
health_lua=$(( (health_lua + $(path_rate / -s "$SCRIPTS/health.lua")) / 2 ))
health_plain=$(( (health_plain + $(path_rate /health)) / 2 ))
stop_host
row "/health, plain wrk (sqlite-store + spawner-registry loaded)" "$health_plain req/s" \
  "$health_plain" "100 %" "-"
row "/health, through wrk's Lua request() like the rows below" "$health_lua req/s" \
  "$health_lua" "100 %" "-"
row "heartbeats, persistence on (1,000 ids)" "$heartbeat_persistent req/s" "$health_lua" \
  "$(percent "$heartbeat_persistent" "$health_lua")" ">= 80 %"
row "  same, against plain /health" "$heartbeat_persistent req/s" "$health_plain" \
  "$(percent "$heartbeat_persistent" "$health_plain")" ">= 80 %"
row "GET /api/spawners/{id} (1,000 ids)" "$get_by_id req/s" "$health_lua" \
  "$(percent "$get_by_id" "$health_lua")" "-"

echo "== heartbeats, persistence off (memory only)" >&2
start_registry_host memory no
register 1000
health_memory=$(path_rate / -s "$SCRIPTS/health.lua")
heartbeat_memory=$(SPAWNER_IDS=1000 path_rate / -s "$SCRIPTS/heartbeat.lua")
health_memory=$(( (health_memory + $(path_rate / -s "$SCRIPTS/health.lua")) / 2 ))
stop_host
row "/health via Lua (spawner-registry alone, in memory)" "$health_memory req/s" \
  "$health_memory" "100 %" "-"
row "heartbeats, persistence off (1,000 ids)" "$heartbeat_memory req/s" "$health_memory" \
  "$(percent "$heartbeat_memory" "$health_memory")" "-"

echo "== the list with 10,000 spawners, RSS with 10,000" >&2
start_registry_host list yes
health_list=$(path_rate /health)
rss_empty=$(rss_kib "$HOST_PID")
register 10000
rss_10k=$(rss_kib "$HOST_PID")
list_10k=$(path_rate /api/spawners)
# Browsers and most HTTP libraries ask for gzip, and get a copy compressed once per change.
list_10k_gzip=$(path_rate /api/spawners -H "Accept-Encoding: gzip")
rss_10k_listed=$(rss_kib "$HOST_PID")
anon_10k_listed=$(rss_anon_kib)
list_bytes=$(curl -s "$(url /api/spawners)" | wc -c)
list_gzip_bytes=$(curl -s -H "Accept-Encoding: gzip" "$(url /api/spawners)" | wc -c)
stop_host
row "GET /api/spawners, 10,000 spawners, plain ($((list_bytes / 1024)) KiB)" "$list_10k req/s" \
  "$health_list" "$(percent "$list_10k" "$health_list")" "-"
row "GET /api/spawners, 10,000 spawners, gzip ($((list_gzip_bytes / 1024)) KiB)" \
  "$list_10k_gzip req/s" "$health_list" "$(percent "$list_10k_gzip" "$health_list")" \
  ">= 2,000 req/s"
row "RSS, host + both plugins, 0 spawners" "$((rss_empty / 1024)) MiB" "-" "-" "-"
row "RSS, 10,000 spawners (after registering)" "$((rss_10k / 1024)) MiB" "-" "-" "<= 16 MiB"
row "RSS, 10,000 spawners (list served)" "$((rss_10k_listed / 1024)) MiB (anon $((anon_10k_listed / 1024)) MiB)" \
  "-" "-" "<= 16 MiB"

echo "== registrations from 0 to 100,000 (synchronous=full)" >&2
start_registry_host growth yes
health_growth=$(path_rate /health)
REGISTRATIONS=100000 THREADS=2 wrk -t2 -c128 -d600s -s "$SCRIPTS/register.lua" "$(url /)" \
  > /dev/null 2>&1 &
wrk_pid=$!
samples="$WORK/growth.samples"
start_ms=$(date +%s%3N)
while true; do
  id=$(last_id)
  echo "$(( $(date +%s%3N) - start_ms )) $id" >> "$samples"
  [[ "$id" -ge 100000 ]] && break
  sleep 0.2
done
kill -INT "$wrk_pid" 2> /dev/null || true
wait "$wrk_pid" 2> /dev/null || true
rss_100k=$(rss_kib "$HOST_PID")
curl -s -o /dev/null "$(url /api/spawners)"
rss_100k_listed=$(rss_kib "$HOST_PID")
stop_host
# Rate of each 10,000 step, from the time each multiple of 10,000 was crossed.
steps=$(awk '
  { t[NR] = $1; n[NR] = $2 }
  END {
    prev_t = 0; prev_n = 0; k = 1; out = ""
    for (step = 10000; step <= 100000; step += 10000) {
      while (k <= NR && n[k] < step) k++
      if (k > NR) break
      lo_t = (k > 1) ? t[k-1] : 0; lo_n = (k > 1) ? n[k-1] : 0
      cross = lo_t + (t[k] - lo_t) * (step - lo_n) / ((n[k] - lo_n) > 0 ? (n[k] - lo_n) : 1)
      rate = 10000 * 1000 / (cross - prev_t)
      out = out sprintf("%s%.0f", (out == "" ? "" : " "), rate)
      prev_t = cross
      if (step == 100000) total = 100000 * 1000 / cross
    }
    printf "%s|%.0f", out, total
  }' "$samples")
step_rates=${steps%|*}
growth_total=${steps#*|}
min_step=$(echo "$step_rates" | tr ' ' '\n' | sort -n | head -1)
max_step=$(echo "$step_rates" | tr ' ' '\n' | sort -n | tail -1)
row "registrations 0 -> 100,000 (overall)" "$growth_total /s" "$health_growth" \
  "$(percent "$growth_total" "$health_growth")" ">= 10,000 /s"
row "registrations per 10,000 step: min / max" "$min_step / $max_step /s" "-" "-" "flat"
row "RSS, 100,000 spawners (after registering / list served)" \
  "$((rss_100k / 1024)) / $((rss_100k_listed / 1024)) MiB" "-" "-" "-"

echo "== /health stalls during an expiry sweep of 10,000 spawners" >&2
# Spawners registered within about a second all expire before the first sweep (5 s after
# start-up), so that one sweep removes all 10,000 while a paced client samples /health.
start_registry_host sweep yes "ttl: 2s" "suspect_after: 1s" "sweep_interval: 6s"
sweep_start=$(date +%s%3N)
register 10000
quiet_stall=$(PACE_MS=1 wrk -t1 -c1 -d1s -s "$SCRIPTS/health_sampler.lua" "$(url /health)" |
  awk '/Latency/ {print $4}')
elapsed=$(( $(date +%s%3N) - sweep_start ))
window=$(( (7000 - elapsed) / 1000 + 3 ))
sweep_stall=$(PACE_MS=1 wrk -t1 -c1 -d"${window}s" --latency -s "$SCRIPTS/health_sampler.lua" \
  "$(url /health)" | awk '/Latency/ && !done {print $4; done = 1}')
expired_line=$(grep -o '[0-9]* spawner(s) expired' "$HOST_DIR/host.log" | head -1 || true)
stop_host
row "longest /health stall during the sweep ($expired_line)" "$sweep_stall" \
  "$quiet_stall without sweep" "-" "<= 5 ms"

echo
printf '| %-62s | %-28s | %-18s | %-9s | %-14s |\n' "measurement" "result" "/health same run" "vs /health" "target"
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..64})" "$(printf -- '-%.0s' {1..30})" \
  "$(printf -- '-%.0s' {1..20})" "$(printf -- '-%.0s' {1..11})" "$(printf -- '-%.0s' {1..16})"
for line in "${ROWS[@]}"; do
  IFS='|' read -r name result health ratio target <<< "$line"
  [[ "$health" =~ ^[0-9]+$ ]] && health="$health req/s"
  printf '| %-62s | %-28s | %-18s | %-9s | %-14s |\n' "$name" "$result" "$health" "$ratio" "$target"
done
echo
echo "registrations per 10,000 step (/s): $step_rates"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
