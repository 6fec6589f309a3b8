#!/usr/bin/env bash
# A throwaway PostgreSQL for scripts and benchmarks (the shell twin of the tests'
# sr::test::PgServer): its own initdb in a folder, listening on 127.0.0.1 on a free port with
# its unix socket in that folder, trust authentication, fsync off. Nothing of the machine's
# own PostgreSQL (service, clusters, port 5432) is used or touched.
#
#   scripts/pg-temp.sh start [dir]   initdb + start + CREATE DATABASE registry; prints the
#                                    conninfo URI (postgresql://postgres@127.0.0.1:<port>/registry)
#                                    on stdout, also kept in <dir>/conninfo. Without a dir, a new
#                                    /tmp/pg-temp.XXXXXX (named on stderr).
#   scripts/pg-temp.sh restart <dir> stops and starts the same server (same port, same data)
#   scripts/pg-temp.sh stop <dir>    stops it and removes the folder
#
# Run as root, the server runs as the `postgres` user (PostgreSQL refuses to run as root), so
# the folder is handed to that user. Needs Debian's `postgresql` package (or initdb, pg_ctl and
# postgres on PATH).
set -euo pipefail

readonly kDatabase=registry

usage() {
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# The newest installed server's binaries: Debian keeps them off PATH.
find_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -n 1)
  if [[ -n "$dir" && -x "$dir/initdb" ]]; then echo "$dir"; return; fi
  if command -v pg_config > /dev/null && [[ -x "$(pg_config --bindir)/initdb" ]]; then
    pg_config --bindir
    return
  fi
  if command -v initdb > /dev/null; then dirname "$(command -v initdb)"; return; fi
  echo "pg-temp: no PostgreSQL server found (apt-get install postgresql)" >&2
  exit 1
}

# Runs a PostgreSQL binary as the user that owns the data (postgres when we are root).
as_owner() {
  if ((EUID == 0)); then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# pg_ctl start with this folder's settings on $port; fails if the port was taken meanwhile.
start_server() {
  local dir=$1 port=$2
  as_owner "$BINDIR/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c fsync=off -c full_page_writes=off" \
    start > /dev/null
}

cmd_start() {
  local dir=${1:-}
  if [[ -z "$dir" ]]; then
    dir=$(mktemp -d /tmp/pg-temp.XXXXXX)
    echo "pg-temp: PostgreSQL in $dir (stop: $0 stop $dir)" >&2
  else
    mkdir -p "$dir"
    [[ ! -e "$dir/data" ]] || { echo "pg-temp: $dir/data exists already" >&2; exit 1; }
  fi
  dir=$(cd "$dir" && pwd)
  if ((EUID == 0)); then
    id postgres > /dev/null 2>&1 || { echo "pg-temp: no postgres user to run the server as" >&2; exit 1; }
    chown postgres: "$dir"
    runuser -u postgres -- test -w "$dir" || {
      echo "pg-temp: the postgres user cannot reach $dir (a parent folder is private?)" >&2
      exit 1
    }
  fi
  as_owner "$BINDIR/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-sync \
    > "$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  # Another process may bind the port between free_port and the server's start: try again.
  local port attempt
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    if start_server "$dir" "$port"; then break; fi
    if ((attempt == 5)); then cat "$dir/postgres.log" >&2; exit 1; fi
  done
  echo "$port" > "$dir/port"
  as_owner "$BINDIR/psql" -h "$dir" -p "$port" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE $kDatabase" > /dev/null
  local uri="postgresql://postgres@127.0.0.1:$port/$kDatabase"
  echo "$uri" > "$dir/conninfo"
  echo "$uri"
}

require_dir() {
  [[ -n "${1:-}" && -f "$1/port" && -d "$1/data" ]] || {
    echo "pg-temp: '${1:-}' is not a folder made by '$0 start'" >&2
    exit 2
  }
}

cmd_restart() {
  require_dir "${1:-}"
  local dir
  dir=$(cd "$1" && pwd)
  as_owner "$BINDIR/pg_ctl" -D "$dir/data" -m fast -w stop > /dev/null
  start_server "$dir" "$(cat "$dir/port")" || { tail -n 20 "$dir/postgres.log" >&2; exit 1; }
}

cmd_stop() {
  require_dir "${1:-}"
  # Immediate: a throwaway database needs no checkpoint, and its clients may still be connected.
  as_owner "$BINDIR/pg_ctl" -D "$1/data" -m immediate -w stop > /dev/null 2>&1 || true
  rm -rf "$1"
}

[[ $# -ge 1 ]] || usage
BINDIR=$(find_bindir)
case "$1" in
  start) cmd_start "${2:-}" ;;
  restart) cmd_restart "${2:-}" ;;
  stop) cmd_stop "${2:-}" ;;
  *) usage ;;
esac
