#!/usr/bin/env bash
# Download throughput of the file-distribution plugin beside nginx serving the same file, in one
# run on this machine: a build of <size> MB fetched by 1 client (3 times in a row) and by 20
# concurrent clients (once each), with curl writing to /dev/null. Each batch is repeated
# <trials> times, alternating host and nginx so that both see the same background load; the
# median of each is reported, and every trial is printed too. Also reports the host's resident
# memory: VmRSS before, the largest VmRSS sampled during the downloads, and VmHWM.
#
#   bench/files/run.sh <build-dir> [size-MB, default 200] [trials, default 3]
#
# Needs nginx, curl and zip. Both servers listen on 127.0.0.1 with free ports and send with
# sendfile, from a temporary directory that is removed at the end. The host runs without the
# auth plugin (missing_guards: allow), so neither side checks credentials.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/common.sh"
bench_build_dir "<build-dir> [size-MB] [trials]" "$@"
build_dir=$BUILD_DIR
size_mb=${2:-200}
trials=${3:-3}
in_a_row=3
concurrent=20
work=$(mktemp -d /tmp/files-bench.XXXXXX)
sampler_pid=""
cleanup() {
  if [[ -n "$sampler_pid" ]]; then kill "$sampler_pid" 2>/dev/null || true; fi
  stop_host
  stop_nginx
  rm -rf "$work"
}
trap cleanup EXIT

require_tools nginx curl zip
require_host_build "$build_dir" file-distribution

# The build: one stored entry of random bytes (incompressible, like a game's assets).
mkdir -p "$work/files"
head -c "${size_mb}M" /dev/urandom > "$work/payload.bin"
(cd "$work" && zip -q -0 files/game_server.zip payload.bin && rm payload.bin)
file="$work/files/game_server.zip"
file_bytes=$(stat -c %s "$file")
chmod -R a+rX "$work"  # nginx's workers may run as another user

start_host "$build_dir" "$work" "server:
  bind: 127.0.0.1
  port: 0
  io_threads: 2
  missing_guards: allow
  log_level: warn
plugins:
  - id: file-distribution
    config:
      dir: files"
host_url="http://127.0.0.1:$HOST_PORT/api/spawners/download"
# The digest of the hand-placed file is computed at start: wait for it before measuring.
for _ in $(seq 1 600); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' "$host_url/manifest") == 200 ]] && break
  sleep 0.1
done

start_nginx "$work" "  sendfile on;
  tcp_nopush on;" "    location = /api/spawners/download {
      default_type application/zip;
      alias $file;
    }"
nginx_url="http://127.0.0.1:$NGINX_PORT/api/spawners/download"

# Both read from the page cache, never from the disk.
cat "$file" > /dev/null

# download <url> <clients> <downloads per client>: prints MB/s over the whole batch.
download() {
  local url=$1 clients=$2 each=$3
  local start end client wrong pids=()
  start=$(date +%s.%N)
  for client in $(seq 1 "$clients"); do
    (for _ in $(seq 1 "$each"); do
       curl -s -o /dev/null -w '%{size_download}\n' "$url"
     done) > "$work/sizes.$client" &
    pids+=($!)
  done
  wait "${pids[@]}"
  end=$(date +%s.%N)
  wrong=$(cat "$work"/sizes.* | grep -vcx "$file_bytes" || true)
  rm -f "$work"/sizes.*
  if [[ "$wrong" != 0 ]]; then echo "incomplete downloads from $url" >&2; exit 1; fi
  python3 -c "print(f'{$clients * $each * $file_bytes / 1e6 / ($end - $start):.0f}')"
}

declare -A results
# trials_of <label> <clients> <downloads per client>: host and nginx in turn, <trials> times.
trials_of() {
  local label=$1 clients=$2 each=$3 trial
  for trial in $(seq 1 "$trials"); do
    results[$label.host]+="$(download "$host_url" "$clients" "$each") "
    results[$label.nginx]+="$(download "$nginx_url" "$clients" "$each") "
  done
}
median() { tr ' ' '\n' <<< "$1" | grep . | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }

rss_before=$(rss_kib "$HOST_PID")
(while kill -0 "$HOST_PID" 2>/dev/null; do rss_kib "$HOST_PID"; sleep 0.2; done) > "$work/rss.samples" &
sampler_pid=$!

trials_of single 1 "$in_a_row"
trials_of many "$concurrent" 1

kill "$sampler_pid" 2>/dev/null || true
wait "$sampler_pid" 2>/dev/null || true
sampler_pid=""
rss_max=$(sort -n "$work/rss.samples" | tail -1)
rss_peak=$(peak_rss_kib "$HOST_PID")

row() {
  local label=$1 name=$2 host nginx
  host=$(median "${results[$label.host]}")
  nginx=$(median "${results[$label.nginx]}")
  printf '%-22s %8s %8s %6s   host: %s / nginx: %s\n' "$name" "$host" "$nginx" \
    "$(ratio "$host" "$nginx")" "${results[$label.host]% }" "${results[$label.nginx]% }"
}
echo "build: $((file_bytes / 1000000)) MB; host io_threads 2, nginx worker_processes 2;" \
  "$(nproc) cores; MB/s, median of $trials trials"
printf '%-22s %8s %8s %6s   %s\n' "clients" "host" "nginx" "ratio" "every trial"
row single "1 ($in_a_row in a row)"
row many "$concurrent concurrent"
echo "host RSS: ${rss_before} KiB before, ${rss_max} KiB max sampled during the downloads," \
  "VmHWM ${rss_peak} KiB"
