#!/usr/bin/env bash
# Configures and builds one flavour of the project with Ninja (and ccache when present).
#
#   scripts/build.sh [build-dir] [extra cmake arguments...]
set -euo pipefail

cd "$(dirname "$0")/.."
build_dir="${1:-build}"
shift || true

export CCACHE_NOHASHDIR=1  # share cached objects between build folders
if [[ ! -f "$build_dir/build.ninja" ]]; then
  cmake -S . -B "$build_dir" -G Ninja "$@"
else
  cmake -S . -B "$build_dir" "$@" > /dev/null
fi
cmake --build "$build_dir" -- -j "$(nproc)"
