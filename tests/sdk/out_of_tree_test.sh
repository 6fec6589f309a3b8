#!/usr/bin/env bash
# A third party's view of the SDK: installs it to a temporary prefix, builds examples/hello-c
# and examples/hello-cpp each from its own folder with find_package(SpawnerRegistry), and
# loads both into the real host (--check, then serving).
#   out_of_tree_test.sh <build-dir> <source-dir>
set -euo pipefail

build_dir=$1
source_dir=$2
# shellcheck source=tests/sdk/lib.sh
source "$(dirname "$0")/lib.sh"

cmake --install "$build_dir" --component sdk --prefix "$work/prefix" > "$work/install.log"
test -f "$work/prefix/include/sr/abi.h"
test -f "$work/prefix/include/sr/plugin.hpp"
test -f "$work/prefix/lib/cmake/SpawnerRegistry/SpawnerRegistryConfig.cmake"
test -f "$work/prefix/lib/cmake/SpawnerRegistry/SpawnerRegistryConfigVersion.cmake"

mkdir -p "$work/plugins"
for example in hello-c hello-cpp; do
  # A clean, separate configure of a copy: nothing from this repository's build or tree leaks in.
  cp -r "$source_dir/examples/$example" "$work/$example-src"
  if ! cmake -S "$work/$example-src" -B "$work/$example-build" -G Ninja \
       -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release > "$work/configure.log" 2>&1 ||
     ! cmake --build "$work/$example-build" > "$work/build.log" 2>&1; then
    echo "$example does not build on its own against the installed SDK:" >&2
    cat "$work/configure.log" "$work/build.log" >&2
    exit 1
  fi
  cp "$work/$example-build/$example.so" "$work/plugins/"
  # Only the entry symbol is exported.
  exported=$(nm -D --defined-only "$work/plugins/$example.so" | awk '$2 ~ /[TtDdBb]/ {print $3}' | grep -v '^_' || true)
  if [[ "$exported" != "sr_plugin_entry_v1" ]]; then
    echo "$example: unexpected exported symbols: $exported" >&2
    exit 1
  fi
done

cat > "$work/plugins.yaml" <<YAML
server:
  bind: 127.0.0.1
  port: 0
  plugin_dir: plugins
plugins:
  - id: hello-c
    config:
      greeting: Bonjour
  - id: hello-cpp
    config:
      greeting: Howdy
YAML

check=$(cd "$work" && "$build_dir/bin/spawner-master" --config plugins.yaml --check)
for expected in "hello-c 1.0.0" "hello-cpp 1.0.0" "/examples/hello-c " "/examples/hello-cpp/{name}"; do
  if [[ "$check" != *"$expected"* ]]; then
    echo "--check does not list '$expected':" >&2
    echo "$check" >&2
    exit 1
  fi
done

start_host "$work" "$build_dir/bin/spawner-master"
body=$(curl -sf "http://127.0.0.1:$port/examples/hello-cpp/outsider")
if [[ "$body" != '{"message":"Howdy, outsider!"}' ]]; then
  echo "unexpected answer from hello-cpp: $body" >&2
  host_log
  exit 1
fi
body_c=$(curl -sf "http://127.0.0.1:$port/examples/hello-c")
if [[ "$body_c" != '{"message":"Bonjour","ticks":'* ]]; then
  echo "unexpected answer from hello-c: $body_c" >&2
  host_log
  exit 1
fi
stop_host
echo "hello-c and hello-cpp built against the installed SDK and served: $body_c $body"
