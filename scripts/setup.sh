#!/usr/bin/env bash
# Installs what the project needs from Debian (and, for tests, npm). Idempotent: packages that
# are already installed are not fetched again.
#
#   scripts/setup.sh          build and run
#   scripts/setup.sh --test   also everything the tests and benchmarks use
set -euo pipefail

cd "$(dirname "$0")/.."

build_packages=(
  build-essential cmake ninja-build ccache pkg-config
  libpistache-dev rapidjson-dev libsqlite3-dev libboost-dev libspdlog-dev libfmt-dev
  libyaml-cpp-dev libcurl4-openssl-dev libsodium-dev libssl-dev zlib1g-dev libexpected-dev
  libpq-dev  # postgres-store's client library
  googletest libgtest-dev libgmock-dev
)
test_packages=(
  chromium wrk nginx-light clang libclang-rt-14-dev zip unzip python3 curl openssl
  prometheus  # promtool, which checks what GET /metrics serves
  postgresql  # the server the postgres-store and cluster tests start (tests/support/pg_server.h)
)

# The .deb check (tests/install/deb_package_test.sh): cpack's dpkg-shlibdeps step needs
# `file`; systemd-analyze verifies the unit.
package_test_packages=(file systemd)

wanted=("${build_packages[@]}")
if [[ "${1:-}" == "--test" ]]; then
  wanted+=("${test_packages[@]}" "${package_test_packages[@]}")
fi

# Node.js and npm (for the dashboard's front-end packages): any installation will do, for
# example NodeSource's, whose nodejs package already contains npm.
if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
  wanted+=(nodejs npm)
fi

missing=()
for package in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: Debian packages already installed"
fi

# Front-end packages (locked versions, no CDN at run time).
if [[ -f web/package-lock.json ]]; then
  if [[ ! -d web/node_modules ]] || [[ web/package-lock.json -nt web/node_modules/.package-lock.json ]]; then
    echo "setup: installing npm packages for web/"
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
