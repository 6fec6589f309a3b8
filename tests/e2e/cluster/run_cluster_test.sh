#!/usr/bin/env bash
# scripts/run-cluster.sh end to end: it starts PostgreSQL, two masters and nginx; through nginx
# a spawner registers and both masters know it, the dashboard's event stream arrives unbuffered;
# on SIGINT (Ctrl-C) every process it started is gone and so is its run folder.
#
#   run_cluster_test.sh <build-dir> <source-dir>
# Exit 77 (CTest: skipped) when PostgreSQL or nginx is not installed.
set -euo pipefail

BUILD_DIR=$(cd "$1" && pwd)
SOURCE_DIR=$(cd "$2" && pwd)
ls -d /usr/lib/postgresql/*/bin > /dev/null 2>&1 || command -v initdb > /dev/null ||
  { echo "SKIP: PostgreSQL is not installed"; exit 77; }
command -v nginx > /dev/null || { echo "SKIP: nginx is not installed"; exit 77; }

WORK=$(mktemp -d /tmp/run-cluster-test.XXXXXX)
SCRIPT_PID=""
fail() {
  echo "FAIL: $*" >&2
  echo "--- run-cluster.sh output" >&2
  cat "$WORK/out" >&2 || true
  exit 1
}
# Sends `signal` to the script and waits up to 30 s for it to exit; false if it does not.
stop_script() {
  kill "-$1" "$SCRIPT_PID" 2> /dev/null || return 0
  for _ in $(seq 1 300); do
    kill -0 "$SCRIPT_PID" 2> /dev/null || { wait "$SCRIPT_PID" 2> /dev/null || true; return 0; }
    sleep 0.1
  done
  return 1
}
RUN=""
cleanup() {
  # Only if the test failed before its own SIGINT: the script then cleans up after itself.
  if [[ -n "$SCRIPT_PID" ]]; then
    stop_script INT || stop_script TERM || kill -KILL "$SCRIPT_PID" 2> /dev/null || true
  fi
  # Had the script itself to be killed, what it started must not outlive the test.
  if [[ -n "$RUN" && -d "$RUN" ]]; then
    local pid
    for pid in $(awk '/^  master-/ {print $4}' "$WORK/out" | tr -d ,) \
               $(cat "$RUN/nginx/nginx.pid" 2> /dev/null); do
      kill -KILL "$pid" 2> /dev/null || true
    done
    "$SOURCE_DIR/scripts/pg-temp.sh" stop "$RUN/postgres" 2> /dev/null || true
    rm -rf "$RUN"
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Three consecutive free ports: nginx's and the two masters'.
PORT=$(python3 - << 'PY'
import random, socket
for _ in range(200):
    base = random.randint(20000, 60000)
    sockets = []
    try:
        for port in range(base, base + 3):
            s = socket.socket()
            s.bind(("127.0.0.1", port))
            sockets.append(s)
        print(base)
        break
    except OSError:
        pass
    finally:
        for s in sockets:
            s.close()
PY
)
export MASTER_API_KEY=run-cluster-test-master-key-0123456789
export ADMIN_PASSWORD=run-cluster-test-admin-password
export ADMIN_API_KEY=run-cluster-test-admin-key-0123456789

# Started as a terminal would start it: its own session, SIGINT not ignored (bash starts a
# background command with SIGINT ignored, and an ignored signal cannot be trapped).
python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.setsid()
os.execv(sys.argv[1], sys.argv[1:])' "$SOURCE_DIR/scripts/run-cluster.sh" --build-dir "$BUILD_DIR" \
  --port "$PORT" > "$WORK/out" 2>&1 &
SCRIPT_PID=$!
for _ in $(seq 1 1200); do
  grep -q "Ctrl-C stops everything" "$WORK/out" && break
  kill -0 "$SCRIPT_PID" 2> /dev/null || fail "run-cluster.sh exited early"
  sleep 0.05
done
RUN=$(awk '/run folder/ {print $3}' "$WORK/out")
grep -q "Ctrl-C stops everything" "$WORK/out" || fail "the cluster did not come up within 60 s"
[[ -d "$RUN" ]] || fail "no run folder in the output"
LB=http://127.0.0.1:$PORT

[[ "$(curl -s "$LB/health")" == *healthy* ]] || fail "/health through nginx"
id=$(curl -sf -H "X-API-Key: $MASTER_API_KEY" -H 'Content-Type: application/json' \
  -d '{"region":"eu-west","host":"127.0.0.1","port":7777,"max_instances":4}' "$LB/api/spawners" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])') || fail "registration through nginx"
for master in $((PORT + 1)) $((PORT + 2)); do
  ok=0
  for _ in $(seq 1 50); do
    if curl -sf -o /dev/null -H "X-API-Key: $ADMIN_API_KEY" "http://127.0.0.1:$master/api/spawners/$id"; then
      ok=1
      break
    fi
    sleep 0.05
  done
  ((ok)) || fail "master on port $master does not know spawner $id"
done

curl -sf -c "$WORK/cookies" -H 'Content-Type: application/json' \
  -d "{\"email\":\"admin@example.com\",\"password\":\"$ADMIN_PASSWORD\"}" "$LB/login" > /dev/null ||
  fail "sign-in through nginx"
# The first event arrives within seconds only if nginx passes the stream on as it comes.
timeout 5 curl -sN -b "$WORK/cookies" -H 'Accept: text/event-stream' "$LB/events" \
  > "$WORK/events" 2> /dev/null || true
grep -q '^event:\|^data:' "$WORK/events" || fail "no server-sent event through nginx within 5 s"

# What must be gone after Ctrl-C: the masters (their pids are printed), nginx and PostgreSQL.
pids="$(awk '/^  master-/ {print $4}' "$WORK/out" | tr -d ,) $(cat "$RUN/nginx/nginx.pid")"
pids="$pids $(head -n 1 "$RUN/postgres/data/postmaster.pid")"
[[ $(wc -w <<< "$pids") == 4 ]] || fail "expected 4 pids, got '$pids'"
stop_script INT || fail "run-cluster.sh did not stop within 30 s of SIGINT"
SCRIPT_PID=""
# Alive: present and not a zombie (the postmaster is reparented, and reaped when its new
# parent gets to it).
alive() { [[ -r "/proc/$1/stat" ]] && [[ "$(awk '{print $3}' "/proc/$1/stat" 2> /dev/null)" != Z ]]; }
for pid in $pids; do
  if alive "$pid"; then fail "process $pid ($(tr '\0' ' ' < "/proc/$pid/cmdline")) outlived Ctrl-C"; fi
done
[[ ! -e "$RUN" ]] || fail "the run folder $RUN is left behind"
# nginx's master process and the postmaster name the run folder on their command lines.
left=$(pgrep -f "$RUN/" || true)
[[ -z "$left" ]] || fail "processes of the run folder are left: $left"
grep -q "stopping" "$WORK/out" || fail "no 'stopping' line"
echo "PASS: cluster on port $PORT came up, served and stopped cleanly"
