#!/usr/bin/env bash
# `spawner-master --new-plugin NAME --dir DIR` writes a plugin an author can start from: it
# builds against the installed SDK from its own folder, its unit test (under the fake host)
# passes, and the real host loads it (--check) and serves its route.
#   new_plugin_test.sh <build-dir>
set -euo pipefail

build_dir=$1
master="$build_dir/bin/spawner-master"
# shellcheck source=tests/sdk/lib.sh
source "$(dirname "$0")/lib.sh"

cmake --install "$build_dir" --component sdk --prefix "$work/prefix" > "$work/install.log"

"$master" --new-plugin region-quota --dir "$work/region-quota" > "$work/new.log"
for file in CMakeLists.txt region_quota_plugin.cpp region_quota_test.cpp README.md; do
  test -s "$work/region-quota/$file"
done
# Without --dir the folder is ./NAME; a folder that is not empty is never overwritten.
(cd "$work" && "$master" --new-plugin second > /dev/null)
test -f "$work/second/second_plugin.cpp"
if (cd "$work" && "$master" --new-plugin second 2> "$work/again.log"); then
  echo "--new-plugin overwrote a folder that is not empty" >&2
  exit 1
fi
grep -q "not empty" "$work/again.log"
status=0
"$master" --new-plugin Not_Kebab --dir "$work/bad" 2> "$work/bad.log" || status=$?
if [[ $status -ne 2 ]] || [[ -e "$work/bad" ]]; then
  echo "a bad plugin name was not refused as a usage error (exit $status)" >&2
  exit 1
fi

if ! cmake -S "$work/region-quota" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
     -DCMAKE_BUILD_TYPE=Release > "$work/configure.log" 2>&1 ||
   ! cmake --build "$work/build" > "$work/build.log" 2>&1; then
  echo "the template does not build against the installed SDK:" >&2
  cat "$work/configure.log" "$work/build.log" >&2
  exit 1
fi
if ! ctest --test-dir "$work/build" --output-on-failure > "$work/ctest.log" 2>&1; then
  echo "the template's unit test fails:" >&2
  cat "$work/ctest.log" >&2
  exit 1
fi
grep -q "100% tests passed" "$work/ctest.log"

mkdir -p "$work/run/plugins"
cp "$work/build/region-quota.so" "$work/run/plugins/"
cat > "$work/run/plugins.yaml" <<YAML
server:
  bind: 127.0.0.1
  port: 0
  plugin_dir: plugins
plugins:
  - id: region-quota
    config:
      greeting: Howdy
YAML
check=$(cd "$work/run" && "$master" --config plugins.yaml --check)
if [[ "$check" != *"region-quota 0.1.0"* || "$check" != *"/region-quota/hello/{name}"* ]]; then
  echo "--check does not list the plugin and its route:" >&2
  echo "$check" >&2
  exit 1
fi
start_host "$work/run" "$master"
body=$(curl -sf "http://127.0.0.1:$port/region-quota/hello/ann")
if [[ "$body" != '{"message":"Howdy, ann!"}' ]]; then
  echo "unexpected answer: $body" >&2
  host_log
  exit 1
fi
stop_host
echo "--new-plugin wrote a plugin that builds, passes its test and serves: $body"
