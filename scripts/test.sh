#!/usr/bin/env bash
# Sets up, builds and runs every test:
#   1. the release build (-DCMAKE_BUILD_TYPE=Release, warnings as errors): unit, loader,
#      end-to-end, SDK out-of-tree, install and browser tests; then the .deb packages from
#      that same build, unpacked and run in a scratch root. The end-to-end tests include the
#      cluster tests (label "cluster": two and three masters over a PostgreSQL of their own,
#      initdb'd in a temporary folder; 15-35 s of the stage with -j2);
#   2. everything again under AddressSanitizer + UndefinedBehaviorSanitizer (the cluster tests
#      too, 20-40 s: every master they start runs instrumented, postgres-store included);
#   3. the tests labelled "concurrency" (host, streams, shutdown, registry, store, auth, uploads)
#      under ThreadSanitizer;
#   4. each fuzz target for a short, bounded time.
# Stages can be chosen: scripts/test.sh release asan tsan fuzz (default: all).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
stages=("$@")
if ((${#stages[@]} == 0)); then stages=(release asan tsan fuzz); fi

scripts/setup.sh --test
jobs=$(nproc)
export CTEST_OUTPUT_ON_FAILURE=1

stage() { echo; echo "=== $* ($(date +%H:%M:%S)) ==="; }

for name in "${stages[@]}"; do
  case "$name" in
    release)
      stage "release build"
      scripts/build.sh build-release -DCMAKE_BUILD_TYPE=Release -DSR_WERROR=ON
      stage "release tests"
      ctest --test-dir build-release -j "$jobs" --timeout 300 --no-tests=error
      stage "Debian packages (from the release build)"
      tests/install/deb_package_test.sh build-release
      ;;
    asan)
      stage "ASan+UBSan build"
      scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DSR_SANITIZE=address,undefined \
        -DSR_BUILD_BENCH=OFF
      stage "ASan+UBSan tests"
      ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1 \
      UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      LSAN_OPTIONS=suppressions=$root/tests/sanitizers/lsan.supp \
        ctest --test-dir build-asan -j "$jobs" --timeout 600 --no-tests=error -LE browser
      ;;
    tsan)
      stage "TSan build (concurrency tests only)"
      export CCACHE_NOHASHDIR=1
      cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSR_WERROR=ON \
        -DSR_SANITIZE=thread \
        -DSR_BUILD_BENCH=OFF > /dev/null
      cmake --build build-tsan --target tsan_targets -- -j "$jobs"
      stage "TSan tests"
      TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$root/tests/sanitizers/tsan.supp" \
        ctest --test-dir build-tsan -j "$jobs" --timeout 600 --no-tests=error -L concurrency
      ;;
    fuzz)
      stage "fuzzers (bounded runs)"
      scripts/fuzz.sh --seconds 20
      ;;
    *)
      echo "unknown stage '$name' (release, asan, tsan, fuzz)" >&2
      exit 2
      ;;
  esac
done
stage "all tests passed"
