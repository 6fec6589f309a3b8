# Shared helpers for the benchmark scripts (sourced, not run).

# A free TCP port on loopback.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
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

# wrk_rate <wrk arguments...>: prints requests per second.
wrk_rate() {
  wrk "$@" 2>&1 | awk '/Requests\/sec/ {print int($2)}'
}

# Resident memory of a process in KiB.
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
peak_rss_kib() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }
