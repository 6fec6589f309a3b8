#!/usr/bin/env bash
# /health throughput of spawner-master beside nginx answering a static 200, in one run on this
# machine: wrk -t2 -c64 against each, same duration, one after the other.
#
#   bench/host/health_vs_nginx.sh <build-dir> [duration, default 15s]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/common.sh"
build_dir=$(cd "${1:?usage: $0 <build-dir> [duration]}" && pwd)
duration=${2:-15s}
work=$(mktemp -d)
nginx_pid=""
cleanup() {
  stop_host
  if [[ -n "$nginx_pid" ]]; then kill "$nginx_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

start_host "$build_dir" "$work" "server:
  bind: 127.0.0.1
  port: 0
  io_threads: 2
plugins: []"

nginx_port=$(free_port)
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$nginx_port;
    location /health { default_type application/json; return 200 '{"status":"healthy"}'; }
  }
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
nginx_pid=$!
sleep 0.5

wrk_args=(-t2 -c64 -d"$duration" --latency)
host_rate=$(wrk_rate "${wrk_args[@]}" "http://127.0.0.1:$HOST_PORT/health")
nginx_rate=$(wrk_rate "${wrk_args[@]}" "http://127.0.0.1:$nginx_port/health")
ratio=$(python3 -c "print(f'{$host_rate / $nginx_rate:.2f}')")
printf '%-34s %12s\n' "server" "requests/s"
printf '%-34s %12s\n' "spawner-master GET /health" "$host_rate"
printf '%-34s %12s\n' "nginx static 200" "$nginx_rate"
printf '%-34s %12s\n' "ratio (host / nginx)" "$ratio"
