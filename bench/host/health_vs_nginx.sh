#!/usr/bin/env bash
# /health throughput of spawner-master beside nginx answering a static 200, in one run on this
# machine: wrk -t2 -c64 against each, same duration, one after the other.
#
#   bench/host/health_vs_nginx.sh <build-dir> [duration, default 15s]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/common.sh"
bench_build_dir "<build-dir> [duration]" "$@"
build_dir=$BUILD_DIR
require_tools wrk nginx
require_host_build "$build_dir"
duration=${2:-15s}
work=$(mktemp -d)
cleanup() {
  stop_host
  stop_nginx
  rm -rf "$work"
}
trap cleanup EXIT

start_host "$build_dir" "$work" "server:
  bind: 127.0.0.1
  port: 0
  io_threads: 2
plugins: []"

start_nginx "$work" "" \
  "    location /health { default_type application/json; return 200 '{\"status\":\"healthy\"}'; }"

wrk_args=(-t2 -c64 -d"$duration" --latency)
host_rate=$(wrk_rate "${wrk_args[@]}" "http://127.0.0.1:$HOST_PORT/health")
nginx_rate=$(wrk_rate "${wrk_args[@]}" "http://127.0.0.1:$NGINX_PORT/health")
ratio=$(python3 -c "print(f'{$host_rate / $nginx_rate:.2f}')")
printf '%-34s %12s\n' "server" "requests/s"
printf '%-34s %12s\n' "spawner-master GET /health" "$host_rate"
printf '%-34s %12s\n' "nginx static 200" "$nginx_rate"
printf '%-34s %12s\n' "ratio (host / nginx)" "$ratio"
