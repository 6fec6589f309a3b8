#!/usr/bin/env bash
# find_package(SpawnerRegistry X.Y) compares the plugin ABI, not the product version: the
# installed SDK is accepted when X is its ABI major and Y at most its ABI minor.
#   package_version_test.sh <build-dir>
set -euo pipefail

build_dir=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --component sdk --prefix "$work/prefix" > "$work/install.log"
abi_h="$work/prefix/include/sr/abi.h"
major=$(sed -nE 's/^#define SR_ABI_MAJOR ([0-9]+)$/\1/p' "$abi_h")
minor=$(sed -nE 's/^#define SR_ABI_MINOR ([0-9]+)$/\1/p' "$abi_h")
product=$(sed -nE 's/^project\(SpawnerRegistry VERSION ([0-9.]+).*/\1/p' "$(dirname "$0")/../../CMakeLists.txt")

# find <version request> <accepted|refused>
case_number=0
find() {
  local request=$1 expected=$2
  case_number=$((case_number + 1))
  local dir="$work/case-$case_number"
  mkdir -p "$dir"
  cat > "$dir/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.19)
project(version_probe LANGUAGES NONE)
find_package(SpawnerRegistry $request REQUIRED)
message(STATUS "abi=\${SpawnerRegistry_VERSION} product=\${SpawnerRegistry_PRODUCT_VERSION}")
CMAKE
  if cmake -S "$dir" -B "$dir/build" -DCMAKE_PREFIX_PATH="$work/prefix" > "$dir/log" 2>&1; then
    if [[ "$expected" != accepted ]]; then
      echo "find_package(SpawnerRegistry $request) was accepted by ABI $major.$minor" >&2
      exit 1
    fi
    if ! grep -q "abi=$major.$minor product=$product" "$dir/log"; then
      echo "find_package(SpawnerRegistry $request): wrong versions reported:" >&2
      cat "$dir/log" >&2
      exit 1
    fi
  else
    if [[ "$expected" != refused ]]; then
      echo "find_package(SpawnerRegistry $request) was refused by ABI $major.$minor:" >&2
      cat "$dir/log" >&2
      exit 1
    fi
    # Refused for its version, and saying which version is installed.
    if ! grep -q "$major.$minor" "$dir/log"; then
      echo "find_package(SpawnerRegistry $request) refused without naming the ABI:" >&2
      cat "$dir/log" >&2
      exit 1
    fi
  fi
}

find "" accepted
find "$major.0" accepted
find "$major.$minor" accepted
find "$major.$minor EXACT" accepted
find "$major.$minor.7" accepted
find "$major.0...$major.$minor" accepted
find "$major.0...<$((major + 1)).0" accepted
find "$major.$((minor + 1))" refused  # a minor newer than the installed ABI
find "$major.0 EXACT" refused
find "$((major + 1)).0" refused
find "$((major - 1)).9" refused
find "$major.0...<$major.$minor" refused
echo "find_package(SpawnerRegistry X.Y) compares ABI $major.$minor (product $product)"
