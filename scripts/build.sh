#!/usr/bin/env bash
# Configures and builds one flavour of the project with Ninja (and ccache when present), with
# warnings as errors (SR_WERROR; a later -DSR_WERROR=OFF among the arguments wins).
#
#   scripts/build.sh [build-dir] [extra cmake arguments...]
set -euo pipefail

cd "$(dirname "$0")/.."
build_dir="${1:-build}"
shift || true

export CCACHE_NOHASHDIR=1  # share cached objects between build folders
if [[ ! -f "$build_dir/build.ninja" ]]; then
  cmake -S . -B "$build_dir" -G Ninja -DSR_WERROR=ON "$@"
else
  cmake -S . -B "$build_dir" -DSR_WERROR=ON "$@" > /dev/null
fi
cmake --build "$build_dir" -- -j "$(nproc)"
