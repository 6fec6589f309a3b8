# Shared by the install tests (sourced, not run): runs an installed spawner-master with its
# installed plugins.yaml, as an operator would, and checks what it serves.

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# check_config <binary> <config> <expected plugin folder>: --check accepts the installed config
# and loads each plugin it lists from <expected plugin folder>.
check_config() {
  local binary=$1 config=$2 plugin_dir=$3 output
  output=$("$binary" --config "$config" --check 2>&1) || fail "--check of $config failed:
$output"
  local ids
  ids=$(sed -nE 's/^  - id: ([a-z0-9-]+)$/\1/p' "$config")
  [[ -n "$ids" ]] || fail "$config lists no plugins"
  for id in $ids; do
    grep -qE "^  $id [0-9.]+  $plugin_dir/$id\.so$" <<< "$output" ||
      fail "--check does not load $id from $plugin_dir:
$output"
  done
}

# serve_and_probe <binary> <config> <log file>: starts the host on SR_BIND/SR_PORT (exported
# by the caller), waits for GET /health, fetches a dashboard asset from the installed web
# folder, checks that the examples are not loaded, and stops it with SIGTERM (exit status 0).
serve_and_probe() {
  local binary=$1 config=$2 log=$3 pid status=0
  "$binary" --config "$config" > "$log" 2>&1 &
  pid=$!
  local base="http://$SR_BIND:$SR_PORT" health=""
  for _ in $(seq 1 300); do
    health=$(curl -s "$base/health" 2>/dev/null) && [[ -n "$health" ]] && break
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; fail "the installed host exited early"; }
    sleep 0.05
  done
  [[ "$health" == *'"status":"healthy"'* ]] || { kill "$pid"; cat "$log" >&2; fail "/health: $health"; }
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' "$base/assets/css/app.css")
  [[ "$code" == 200 ]] || { kill "$pid"; cat "$log" >&2; fail "/assets/css/app.css: $code"; }
  code=$(curl -s -o /dev/null -w '%{http_code}' "$base/examples/hello-c")
  [[ "$code" == 404 ]] || { kill "$pid"; fail "/examples/hello-c answered $code: examples load"; }
  kill -TERM "$pid"
  wait "$pid" || status=$?
  [[ $status -eq 0 ]] || { cat "$log" >&2; fail "the installed host exited $status on SIGTERM"; }
}
