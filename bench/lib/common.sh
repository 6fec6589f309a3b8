# Shared helpers for the benchmark scripts (sourced, not run).

# A free TCP port on loopback.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# bench_build_dir <usage of the arguments> "$@": sets BUILD_DIR to the first argument, made
# absolute; without one, prints the usage and exits.
bench_build_dir() {
  local usage=$1
  shift
  if [[ $# -lt 1 ]]; then
    echo "usage: $0 $usage" >&2
    exit 2
  fi
  BUILD_DIR=$(cd "$1" && pwd)
}

# require_tools <command...>: exits unless each is on PATH.
require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" > /dev/null || { echo "$tool is required" >&2; exit 2; }
  done
}

# require_host_build <build-dir> [plugin...]: exits unless the build has spawner-master and
# the plugins.
require_host_build() {
  local build_dir=$1 plugin
  shift
  [[ -x "$build_dir/bin/spawner-master" ]] || { echo "build spawner-master first" >&2; exit 2; }
  for plugin in "$@"; do
    [[ -f "$build_dir/plugins/$plugin.so" ]] || { echo "build the $plugin plugin first" >&2; exit 2; }
  done
}

# require_bench_tools <build-dir> <tool...>: exits unless the build has each load tool of
# bench/ (they are built with -DSR_BUILD_BENCH=ON).
require_bench_tools() {
  local build_dir=$1 tool
  shift
  for tool in "$@"; do
    [[ -x "$build_dir/bin/$tool" ]] ||
      { echo "no $build_dir/bin/$tool: configure with -DSR_BUILD_BENCH=ON" >&2; exit 2; }
  done
}

# start_host <build-dir> <work-dir> <plugins.yaml text>: starts spawner-master, sets HOST_PID
# and HOST_PORT once it listens.
start_host() {
  local build_dir=$1 work=$2 yaml=$3
  printf '%s\n' "$yaml" > "$work/plugins.yaml"
  rm -f "$work/ready.json"
  (cd "$work" && exec "$build_dir/bin/spawner-master" --config plugins.yaml \
     --ready-file ready.json > host.log 2>&1) &
  HOST_PID=$!
  for _ in $(seq 1 400); do
    [[ -f "$work/ready.json" ]] && break
    if ! kill -0 "$HOST_PID" 2>/dev/null; then cat "$work/host.log" >&2; return 1; fi
    sleep 0.05
  done
  HOST_PORT=$(sed -E 's/.*"port":([0-9]+).*/\1/' "$work/ready.json")
}

stop_host() {
  if [[ -n "${HOST_PID:-}" ]]; then
    kill -TERM "$HOST_PID" 2>/dev/null || true
    wait "$HOST_PID" 2>/dev/null || true
    HOST_PID=""
  fi
}

# session_cookie <url> <email> <password> <cookie-jar>: signs in and sets COOKIE (the session
# cookie as a Cookie header value); exits when the login fails.
session_cookie() {
  local url=$1 email=$2 password=$3 jar=$4
  curl -sf -c "$jar" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" "$url/login" > /dev/null
  COOKIE=$(awk '$6 == "sr_session" {print "sr_session=" $7}' "$jar")
  [[ -n "$COOKIE" ]] || { echo "login failed" >&2; exit 1; }
}

# wrk_rate <wrk arguments...>: prints requests per second.
wrk_rate() {
  wrk "$@" 2>&1 | awk '/Requests\/sec/ {print int($2)}'
}

# Resident memory of a process in KiB.
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
peak_rss_kib() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }

# start_nginx <work-dir> <http directives> <location blocks>: nginx with 2 workers, as many
# as the host's I/O threads, on a free loopback port; sets NGINX_PID and NGINX_PORT once it
# answers.
start_nginx() {
  local work=$1 http_directives=$2 locations=$3
  NGINX_PORT=$(free_port)
  mkdir -p "$work/nginx"
  cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
$http_directives
  server {
    listen 127.0.0.1:$NGINX_PORT;
$locations
  }
}
CONF
  nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
  NGINX_PID=$!
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$NGINX_PORT/" && return 0
    sleep 0.05
  done
  cat "$work/nginx/error.log" >&2
  return 1
}

stop_nginx() {
  if [[ -n "${NGINX_PID:-}" ]]; then
    kill "$NGINX_PID" 2>/dev/null || true
    wait "$NGINX_PID" 2>/dev/null || true
    NGINX_PID=""
  fi
}

# default_deployment_yaml <repository root> [max connections per address] [dashboard clients]:
# plugins.yaml of the default deployment (sqlite-store, spawner-registry with a 60 s TTL, auth,
# dashboard-sse, file-distribution) on a free loopback port, logging warnings only.
default_deployment_yaml() {
  local root=$1 per_address=${2:-256} clients=${3:-10000}
  cat << YAML
server:
  bind: 127.0.0.1
  port: 0
  log_level: warn
  max_connections_per_address: $per_address
plugins:
  - id: sqlite-store
    config:
      path: bench.db
  - id: spawner-registry
    config:
      ttl: 60s
  - id: auth
  - id: dashboard-sse
    config:
      web_root: $root/web
      max_clients: $clients
  - id: file-distribution
YAML
}
