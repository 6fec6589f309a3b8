#!/usr/bin/env bash
# A cluster on this machine in one command: a throwaway PostgreSQL (scripts/pg-temp.sh), N
# masters (default 2) sharing it through the postgres-store plugin, and nginx in front of them
# as the load balancer. Prints the URLs and the secrets; Ctrl-C stops everything and removes
# the run folder (the database with it).
#
#   scripts/run-cluster.sh [--masters N] [--port P] [--bind ADDRESS] [--build-dir DIR] [--keep]
#
#   --masters N      masters to start (default 2)
#   --port P         nginx's port (default 8080); the masters listen on P+1 .. P+N, loopback only
#   --bind ADDRESS   where nginx listens (default 127.0.0.1; 0.0.0.0 to reach it from elsewhere)
#   --build-dir DIR  use this existing build instead of setting up and building into build/
#   --keep           leave the run folder (logs, each master's data) after Ctrl-C
#
# Each master gets its own folder (its plugins.yaml, data/, files/, host.log): the repository's
# plugins.yaml with postgres-store in place of sqlite-store, its own port, nginx as a trusted
# proxy. They share DATABASE_URL and the secrets MASTER_API_KEY, ADMIN_EMAIL, ADMIN_PASSWORD and
# ADMIN_API_KEY (from the environment, else generated here once, so that no master makes its own).
# The masters can be stopped and killed one by one to watch the others carry on; the script
# keeps running until Ctrl-C.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
MASTERS=2
LB_PORT=8080
LB_BIND=127.0.0.1
BUILD_DIR=""
KEEP=0

usage() {
  sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

while (($# > 0)); do
  case "$1" in
    --masters) MASTERS=${2:?}; shift 2 ;;
    --port) LB_PORT=${2:?}; shift 2 ;;
    --bind) LB_BIND=${2:?}; shift 2 ;;
    --build-dir) BUILD_DIR=${2:?}; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h | --help) usage ;;
    *) echo "run-cluster: unknown argument '$1'" >&2; usage ;;
  esac
done
[[ "$MASTERS" =~ ^[1-9][0-9]?$ ]] || { echo "run-cluster: --masters takes 1-99" >&2; exit 2; }
[[ "$LB_PORT" =~ ^[0-9]+$ ]] && ((LB_PORT > 0 && LB_PORT + MASTERS < 65536)) ||
  { echo "run-cluster: --port takes 1-$((65535 - MASTERS))" >&2; exit 2; }

if [[ -z "$BUILD_DIR" ]]; then
  "$ROOT/scripts/setup.sh"
  "$ROOT/scripts/build.sh" build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSR_BUILD_TESTS=OFF \
    -DSR_BUILD_BENCH=OFF
  BUILD_DIR=$ROOT/build
fi
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
MASTER_BIN=$BUILD_DIR/bin/spawner-master
[[ -x "$MASTER_BIN" ]] || { echo "run-cluster: no $MASTER_BIN" >&2; exit 1; }
[[ -f "$BUILD_DIR/plugins/postgres-store.so" ]] ||
  { echo "run-cluster: no postgres-store plugin in $BUILD_DIR/plugins" >&2; exit 1; }
command -v nginx > /dev/null || { echo "run-cluster: needs nginx (apt-get install nginx-light)" >&2; exit 1; }

port_in_use() {
  python3 -c 'import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try: s.bind((sys.argv[1], int(sys.argv[2])))
except OSError: sys.exit(0)
sys.exit(1)' "$1" "$2"
}
port_in_use "$LB_BIND" "$LB_PORT" && { echo "run-cluster: port $LB_PORT is taken (--port)" >&2; exit 1; }
for ((i = 1; i <= MASTERS; i++)); do
  port_in_use 127.0.0.1 $((LB_PORT + i)) &&
    { echo "run-cluster: port $((LB_PORT + i)) is taken (--port)" >&2; exit 1; }
done

# World-traversable so that the postgres user (the server runs as postgres under root) reaches
# its folder inside; the masters' own folders are 0700 (the host tightens data/ itself).
RUN=$(mktemp -d /tmp/spawner-cluster.XXXXXX)
chmod 755 "$RUN"
PIDS=()
NGINX_PID=""
PG_STARTED=0

cleanup() {
  trap - INT TERM EXIT
  echo
  echo "run-cluster: stopping"
  [[ -n "$NGINX_PID" ]] && kill -QUIT "$NGINX_PID" 2> /dev/null || true
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2> /dev/null || true; done
  # A master drains for up to its shutdown_deadline (10 s); one that is still there after 15 s
  # is stuck, and is killed rather than left running once this script is gone.
  for _ in $(seq 1 150); do
    local running=0
    for pid in "${PIDS[@]}" $NGINX_PID; do kill -0 "$pid" 2> /dev/null && running=1; done
    ((running)) || break
    sleep 0.1
  done
  for pid in "${PIDS[@]}" $NGINX_PID; do
    if kill -0 "$pid" 2> /dev/null; then
      echo "run-cluster: pid $pid did not stop within 15 s; killing it" >&2
      kill -KILL "$pid" 2> /dev/null || true
    fi
    wait "$pid" 2> /dev/null || true
  done
  ((PG_STARTED)) && "$ROOT/scripts/pg-temp.sh" stop "$RUN/postgres" || true
  if ((KEEP)); then
    echo "run-cluster: logs and data kept in $RUN"
  else
    rm -rf "$RUN"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "run-cluster: starting PostgreSQL"
PG_STARTED=1
DATABASE_URL=$("$ROOT/scripts/pg-temp.sh" start "$RUN/postgres")
export DATABASE_URL

# Shared secrets: one value for every master.
secret() { openssl rand -hex "$1"; }
export MASTER_API_KEY=${MASTER_API_KEY:-$(secret 24)}
export ADMIN_EMAIL=${ADMIN_EMAIL:-admin@example.com}
export ADMIN_PASSWORD=${ADMIN_PASSWORD:-$(secret 12)}
export ADMIN_API_KEY=${ADMIN_API_KEY:-$(secret 24)}

# plugins.yaml of master i: the default deployment with postgres-store for sqlite-store.
master_yaml() {
  python3 - "$ROOT/plugins.yaml" "$1" "$ROOT/web" << 'PY'
import sys
path, port, web_root = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(path).read()

def swap(old, new):
    global text
    if old not in text:
        sys.exit(f"run-cluster: {path} no longer has {old!r}; update scripts/run-cluster.sh")
    text = text.replace(old, new, 1)

# Loopback only: clients come through nginx, which is then the one proxy to trust.
swap("  bind: 0.0.0.0\n", "  bind: 127.0.0.1\n  trusted_proxies:\n    - 127.0.0.1\n")
swap("  port: 8081\n", f"  port: {port}\n")
swap("  - id: sqlite-store\n    config:\n      path: ${DB_PATH:-data/registry.db}\n",
     "  - id: postgres-store\n    config:\n      conninfo: ${DATABASE_URL}\n")
# Relative paths resolve beside plugins.yaml, which is in the master's own folder.
swap("  - id: dashboard-sse\n", f"  - id: dashboard-sse\n    config:\n      web_root: {web_root}\n")
print(text, end="")
PY
}

start_master() {
  local i=$1 dir=$RUN/master-$1
  mkdir -p "$dir"
  chmod 700 "$dir"
  master_yaml $((LB_PORT + i)) > "$dir/plugins.yaml"
  (cd "$dir" && exec "$MASTER_BIN" --config plugins.yaml --ready-file ready.json \
     > host.log 2>&1) &
  PIDS+=($!)
}

wait_ready() {
  local i=$1 dir=$RUN/master-$1 pid=${PIDS[$(($1 - 1))]}
  for _ in $(seq 1 600); do
    [[ -f "$dir/ready.json" ]] && return 0
    if ! kill -0 "$pid" 2> /dev/null; then
      echo "run-cluster: master-$i did not start; its log:" >&2
      tail -n 30 "$dir/host.log" >&2
      exit 1
    fi
    sleep 0.05
  done
  echo "run-cluster: master-$i did not listen within 30 s" >&2
  exit 1
}

echo "run-cluster: starting $MASTERS masters"
# All at once, as a real cluster restart would: bootstrap must not diverge between them.
for ((i = 1; i <= MASTERS; i++)); do start_master "$i"; done
for ((i = 1; i <= MASTERS; i++)); do wait_ready "$i"; done

mkdir -p "$RUN/nginx"
{
  echo "upstream masters {"
  for ((i = 1; i <= MASTERS; i++)); do
    # A master that refuses connections (stopped, killed) is left out for 5 s, then retried.
    echo "    server 127.0.0.1:$((LB_PORT + i)) max_fails=1 fail_timeout=5s;"
  done
  echo "    keepalive 64;"
  echo "}"
} > "$RUN/nginx/upstream.conf"
cat > "$RUN/nginx/nginx.conf" << CONF
worker_processes 2;
daemon off;
pid $RUN/nginx/nginx.pid;
error_log $RUN/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log $RUN/nginx/access.log;
  include $RUN/nginx/upstream.conf;
  server {
    listen $LB_BIND:$LB_PORT;
    # Builds are uploaded through here: the masters enforce their own limit, and the body is
    # streamed to them rather than spooled to nginx's disk first.
    client_max_body_size 0;
    proxy_request_buffering off;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host \$host;
    # The masters trust 127.0.0.1 (server.trusted_proxies), so they see the real client.
    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto \$scheme;
    # Only a failed connection moves a request to the next master: a POST that reached a
    # master which then died is answered 502, never sent twice.
    proxy_next_upstream error timeout;
    location / {
      proxy_pass http://masters;
    }
    # The dashboard's server-sent events: delivered as they come, and kept open.
    location = /events {
      proxy_pass http://masters;
      proxy_buffering off;
      proxy_cache off;
      proxy_read_timeout 1h;
    }
  }
}
CONF
nginx -t -q -e "$RUN/nginx/error.log" -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf"
nginx -e "$RUN/nginx/error.log" -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" &
NGINX_PID=$!
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$LB_PORT/health" && break
  kill -0 "$NGINX_PID" 2> /dev/null || { cat "$RUN/nginx/error.log" >&2; exit 1; }
  sleep 0.05
done

shown_host=$LB_BIND
[[ "$LB_BIND" == "0.0.0.0" ]] && shown_host=$(hostname)
cat << TEXT

Spawner Registry cluster: $MASTERS masters, one PostgreSQL, nginx in front.

  load balancer   http://$shown_host:$LB_PORT/   (dashboard, spawners' MASTER_URL)
TEXT
for ((i = 1; i <= MASTERS; i++)); do
  printf '  master-%-8d http://127.0.0.1:%d/   pid %d, log %s\n' "$i" $((LB_PORT + i)) \
    "${PIDS[$((i - 1))]}" "$RUN/master-$i/host.log"
done
cat << TEXT
  database        $DATABASE_URL
  cluster hosts   curl -H "X-API-Key: \$ADMIN_API_KEY" http://127.0.0.1:$LB_PORT/api/cluster (or the dashboard)

  MASTER_API_KEY  $MASTER_API_KEY
  ADMIN_API_KEY   $ADMIN_API_KEY
  admin login     $ADMIN_EMAIL / $ADMIN_PASSWORD
  run folder      $RUN

Try: kill -9 one master (nginx moves on to the others); restart the database with
  scripts/pg-temp.sh restart $RUN/postgres
Ctrl-C stops everything.
TEXT

# Until Ctrl-C: say when a master or nginx goes away, but keep the rest running.
declare -A reported=()
while true; do
  sleep 1
  for ((i = 1; i <= MASTERS; i++)); do
    pid=${PIDS[$((i - 1))]}
    if [[ -z "${reported[$i]:-}" ]] && ! kill -0 "$pid" 2> /dev/null; then
      code=0
      wait "$pid" 2> /dev/null || code=$?
      echo "run-cluster: master-$i (pid $pid) exited with $code; the others carry on (log: $RUN/master-$i/host.log)"
      reported[$i]=1
    fi
  done
  if ! kill -0 "$NGINX_PID" 2> /dev/null; then
    echo "run-cluster: nginx exited; see $RUN/nginx/error.log" >&2
    exit 1
  fi
done
