# Shared by the SDK shell tests: a scratch folder removed on exit, and the real host started
# in a folder of its own, waited for and stopped.
#   source "$(dirname "$0")/lib.sh"
# After sourcing: $work is the scratch folder. start_host DIR MASTER starts MASTER with
# DIR/plugins.yaml and sets $port; stop_host ends it with SIGTERM and fails if it fails.

work=$(mktemp -d)
host_pid=""
host_dir=""

cleanup_sdk_test() {
  if [[ -n "$host_pid" ]]; then kill "$host_pid" 2>/dev/null || true; wait "$host_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup_sdk_test EXIT

start_host() {
  host_dir=$1
  local master=$2
  (cd "$host_dir" && exec "$master" --config plugins.yaml --ready-file ready.json > host.log 2>&1) &
  host_pid=$!
  for _ in $(seq 1 200); do
    [[ -f "$host_dir/ready.json" ]] && break
    sleep 0.05
  done
  if [[ ! -f "$host_dir/ready.json" ]]; then
    echo "the host did not become ready:" >&2
    cat "$host_dir/host.log" >&2
    exit 1
  fi
  port=$(sed -E 's/.*"port":([0-9]+).*/\1/' "$host_dir/ready.json")
}

# Prints the host's log to stderr, for a failure message.
host_log() { cat "$host_dir/host.log" >&2; }

stop_host() {
  kill -TERM "$host_pid"
  wait "$host_pid"
  host_pid=""
}
