#!/usr/bin/env bash
# The dashboard's browser suite, as CTest runs it:
#   tests/browser/run.sh <spawner-master> <plugin dir> <artifacts dir>
# Installs the locked npm packages (playwright-core here, the chart library in web/) when
# they are missing or older than their lock file, then runs run.mjs against Debian's
# Chromium. Exits 77 (CTest: skipped) when Chromium is not installed.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 <spawner-master> <plugin dir> <artifacts dir>" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
chromium=${CHROMIUM_PATH:-/usr/bin/chromium}

if [[ ! -x "$chromium" ]]; then
  echo "browser tests skipped: $chromium is missing (scripts/setup.sh --test installs it)"
  exit 77
fi
for tool in node npm; do
  command -v "$tool" > /dev/null || { echo "$tool is required (scripts/setup.sh)" >&2; exit 2; }
done

# npm ci once per lock file change; a lock is what makes the run repeatable.
install_locked() {
  local dir=$1
  if [[ ! -d "$dir/node_modules" ]] ||
     [[ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]]; then
    echo "installing npm packages in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
install_locked "$here"
install_locked "$root/web"
[[ -f "$root/web/vendor/uPlot.esm.js" ]] || (cd "$root/web" && npm run --silent vendor)

exec node "$here/run.mjs" --host "$1" --plugins "$2" --web "$root/web" --artifacts "$3"
