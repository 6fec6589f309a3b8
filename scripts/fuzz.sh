#!/usr/bin/env bash
# Builds every libFuzzer target with clang and runs each for a bounded time, starting from
# the seed corpora in the repository (copied: runs never change the repository).
#
#   scripts/fuzz.sh [--seconds N] [--only name] [--keep DIR]
# Prints one line per target with its executions and crashes; fails if any target crashed.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
seconds=20
only=""
keep=""
while (($#)); do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    *) echo "usage: $0 [--seconds N] [--only name] [--keep DIR]" >&2; exit 2 ;;
  esac
done

export CCACHE_NOHASHDIR=1
if [[ ! -f build-fuzz/build.ninja ]]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSR_WERROR=ON -DSR_BUILD_FUZZERS=ON -DSR_BUILD_TESTS=OFF -DSR_BUILD_BENCH=OFF -DSR_BUILD_EXAMPLES=OFF \
    > /dev/null
fi
cmake --build build-fuzz --target fuzzers -- -j "$(nproc)"

work=${keep:-$(mktemp -d)}
mkdir -p "$work"
failed=0
for fuzzer in build-fuzz/fuzz/fuzz_*; do
  name=$(basename "$fuzzer")
  if [[ -n "$only" && "$name" != "$only" ]]; then continue; fi
  corpus="$work/corpus/$name"
  artifacts="$work/artifacts/$name"
  mkdir -p "$corpus" "$artifacts"
  # Seeds: tests/fuzz/corpus/<name>/ and plugins/*/fuzz/corpus/<name>/.
  for seeds in "$root/tests/fuzz/corpus/$name" "$root"/plugins/*/fuzz/corpus/"$name"; do
    if [[ -d "$seeds" ]]; then cp -n "$seeds"/* "$corpus"/ 2>/dev/null || true; fi
  done
  log="$work/$name.log"
  set +e
  "$fuzzer" "$corpus" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" > "$log" 2>&1
  status=$?
  set -e
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
  crashes=$(find "$artifacts" -type f | wc -l)
  printf '%-28s %10s executions in %ss, %d crash(es)\n' "$name" "$runs" "$seconds" "$crashes"
  if ((status != 0 || crashes > 0)); then
    failed=1
    tail -40 "$log"
  fi
done
if [[ -z "$keep" ]]; then rm -rf "$work"; fi
exit "$failed"
