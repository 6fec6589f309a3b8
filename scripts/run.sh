#!/usr/bin/env bash
# Sets up, builds and runs the server with the default plugins.yaml (SQLite embedded, no
# other services). Extra arguments go to spawner-master.
set -euo pipefail

cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSR_BUILD_TESTS=OFF -DSR_BUILD_BENCH=OFF
exec build/bin/spawner-master --config plugins.yaml "$@"
