#!/usr/bin/env bash
# Installs the SDK to a temporary prefix, builds examples/hello-cpp out of tree with
# find_package(SpawnerRegistry), and loads the result into the host.
#   out_of_tree_test.sh <build-dir> <source-dir>
set -euo pipefail

build_dir=$1
source_dir=$2
work=$(mktemp -d)
host_pid=""
cleanup() {
  if [[ -n "$host_pid" ]]; then kill "$host_pid" 2>/dev/null || true; wait "$host_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cmake --install "$build_dir" --prefix "$work/prefix" > "$work/install.log"
test -f "$work/prefix/include/sr/abi.h"
test -f "$work/prefix/include/sr/plugin.hpp"
test -f "$work/prefix/lib/cmake/SpawnerRegistry/SpawnerRegistryConfig.cmake"

# A clean, separate configure: nothing from this repository's build leaks in.
cmake -S "$source_dir/examples/hello-cpp" -B "$work/plugin-build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release > "$work/configure.log"
cmake --build "$work/plugin-build" > "$work/build.log"
mkdir -p "$work/plugins"
cp "$work/plugin-build/hello-cpp.so" "$work/plugins/"

# Only the entry symbol is exported.
exported=$(nm -D --defined-only "$work/plugins/hello-cpp.so" | awk '$2 ~ /[TtDdBb]/ {print $3}' | grep -v '^_' || true)
if [[ "$exported" != "sr_plugin_entry_v1" ]]; then
  echo "unexpected exported symbols: $exported" >&2
  exit 1
fi

cat > "$work/plugins.yaml" <<YAML
server:
  bind: 127.0.0.1
  port: 0
  plugin_dir: plugins
plugins:
  - id: hello-cpp
    config:
      greeting: Howdy
YAML
(cd "$work" && exec "$build_dir/bin/spawner-master" --config plugins.yaml --ready-file ready.json > host.log 2>&1) &
host_pid=$!
for _ in $(seq 1 200); do
  [[ -f "$work/ready.json" ]] && break
  sleep 0.05
done
port=$(sed -E 's/.*"port":([0-9]+).*/\1/' "$work/ready.json")
body=$(curl -sf "http://127.0.0.1:$port/examples/hello-cpp/outsider")
if [[ "$body" != '{"message":"Howdy, outsider!"}' ]]; then
  echo "unexpected answer: $body" >&2
  cat "$work/host.log" >&2
  exit 1
fi
kill -TERM "$host_pid"
wait "$host_pid"
host_pid=""
echo "out-of-tree plugin built against the installed SDK and served: $body"
