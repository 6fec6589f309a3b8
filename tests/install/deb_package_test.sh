#!/usr/bin/env bash
# The Debian packages, from an existing build folder (scripts/test.sh runs it on the release
# build): `cpack -G DEB`, the packages' names and control data (shlibdeps, conffiles,
# maintainer scripts), then spawner-registry unpacked in a scratch root (dpkg -x) and its host
# run with its installed plugins.yaml: --check, a real start on a free loopback port, /health.
# The unit is checked with `systemd-analyze verify` against the scratch root where systemd is
# installed, and postinst runs against stand-ins of adduser and systemd's helpers.
#   deb_package_test.sh <build-dir>
set -euo pipefail

build_dir=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/installed_host.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

version=$(sed -nE 's/^CMAKE_PROJECT_VERSION:STATIC=(.*)$/\1/p' "$build_dir/CMakeCache.txt")
[[ -n "$version" ]] || fail "no project version in $build_dir/CMakeCache.txt"
rm -f "$build_dir"/packages/*.deb
(cd "$build_dir" && cpack -G DEB > "$work/cpack.log" 2>&1) || { cat "$work/cpack.log" >&2; fail "cpack"; }
deb=$build_dir/packages/spawner-registry_${version}_amd64.deb
dev=$build_dir/packages/spawner-registry-dev_${version}_all.deb
test -f "$deb" || fail "no $(basename "$deb"): $(ls "$build_dir/packages")"
test -f "$dev" || fail "no $(basename "$dev"): $(ls "$build_dir/packages")"

# Control data: library dependencies found by dpkg-shlibdeps, adduser for postinst, the
# configuration as conffiles, executable maintainer scripts that parse.
depends=$(dpkg-deb -f "$deb" Depends)
for wanted in adduser libc6 libpistache libsodium libsqlite3 libyaml-cpp libspdlog; do
  [[ "$depends" == *"$wanted"* ]] || fail "Depends lacks $wanted: $depends"
done
dpkg-deb -e "$deb" "$work/control"
[[ "$(sort "$work/control/conffiles")" == \
   "$(printf '%s\n' /etc/spawner-registry/environment /etc/spawner-registry/plugins.yaml)" ]] ||
  fail "conffiles: $(cat "$work/control/conffiles")"
for script in postinst prerm postrm; do
  test -x "$work/control/$script" || fail "$script is missing or not executable"
  sh -n "$work/control/$script" || fail "$script does not parse"
done
dev_files=$(dpkg-deb -c "$dev")
grep -q '\./usr/include/sr/abi\.h$' <<< "$dev_files" || fail "the -dev package lacks sr/abi.h"
grep -q 'SpawnerRegistryConfig\.cmake$' <<< "$dev_files" || fail "the -dev package lacks the CMake package"
if grep -q '\./usr/bin/' <<< "$dev_files"; then fail "the -dev package ships the host"; fi
if dpkg-deb -c "$deb" | grep -c '\./usr/include/' > /dev/null; then
  fail "the runtime package ships headers"
fi

root=$work/root
dpkg -x "$deb" "$root"
built=$(cd "$build_dir/plugins" && ls -- *.so | sort)
shipped=$(cd "$root/usr/lib/spawner-registry/plugins" && ls -- *.so | sort)
[[ "$built" == "$shipped" ]] || fail "the package's plugins differ from the built ones"
config=$root/etc/spawner-registry/plugins.yaml
grep -qF 'plugin_dir: ${SR_PLUGIN_DIR:-/usr/lib/spawner-registry/plugins}' "$config" ||
  fail "plugins.yaml does not name /usr/lib/spawner-registry/plugins"
grep -qF 'data_dir: ${SR_DATA_DIR:-/var/lib/spawner-registry}' "$config" ||
  fail "plugins.yaml does not keep data in /var/lib/spawner-registry"
grep -qF 'web_root: ${SR_WEB_DIR:-/usr/share/spawner-registry/web}' "$config" ||
  fail "plugins.yaml does not name /usr/share/spawner-registry/web"
unit=$root/usr/lib/systemd/system/spawner-registry.service
for wanted in "ExecStart=/usr/bin/spawner-master --config /etc/spawner-registry/plugins.yaml" \
              StateDirectory=spawner-registry ProtectSystem=strict PrivateTmp=true \
              NoNewPrivileges=true LimitNOFILE=65536 Restart=on-failure \
              EnvironmentFile=-/etc/spawner-registry/environment User=spawner-registry; do
  grep -qx -- "$wanted" "$unit" || fail "the unit lacks '$wanted'"
done

# The unpacked host with the unpacked config. The package's absolute paths point into /usr;
# here the same files live under the scratch root, which the config's variables move.
export SR_PLUGIN_DIR=$root/usr/lib/spawner-registry/plugins
export SR_WEB_DIR=$root/usr/share/spawner-registry/web
export SR_DATA_DIR=$work/data SR_BIND=127.0.0.1 SR_PORT
SR_PORT=$(free_port)
unset DB_PATH MASTER_API_KEY ADMIN_PASSWORD
check_config "$root/usr/bin/spawner-master" "$config" "$SR_PLUGIN_DIR"
(cd "$work" && serve_and_probe "$root/usr/bin/spawner-master" "$config" "$work/host.log")
test -f "$SR_DATA_DIR/registry.db" || fail "no database in SR_DATA_DIR"
[[ $(stat -c %a "$SR_DATA_DIR") == 700 ]] || fail "SR_DATA_DIR is not 0700"

# postinst against stand-ins: it makes the system user and the data folder, fixes the
# secrets file's mode and enables the unit; nothing on this machine changes.
stubs=$work/stubs
mkdir -p "$stubs"
for tool in adduser install chown chmod deb-systemd-helper deb-systemd-invoke systemctl; do
  printf '#!/bin/sh\necho "%s $*" >> "%s"\n' "$tool" "$work/calls" > "$stubs/$tool"
done
printf '#!/bin/sh\nexit 2\n' > "$stubs/getent"  # the user does not exist yet
chmod +x "$stubs"/*
PATH="$stubs:$PATH" sh "$work/control/postinst" configure || fail "postinst configure failed"
grep -q '^adduser --system --group .*spawner-registry$' "$work/calls" ||
  fail "postinst does not add the system user: $(cat "$work/calls")"
grep -q '^deb-systemd-helper .*spawner-registry.service' "$work/calls" ||
  fail "postinst does not enable the unit: $(cat "$work/calls")"

if command -v systemd-analyze > /dev/null && [[ -d /usr/lib/systemd/system ]]; then
  # verify resolves the unit's dependencies and ExecStart= inside --root: give the scratch
  # root this machine's units.
  cp -rn /usr/lib/systemd/system/. "$root/usr/lib/systemd/system/"
  verify=$(systemd-analyze verify --root="$root" --man=no \
             /usr/lib/systemd/system/spawner-registry.service 2>&1) ||
    fail "systemd-analyze verify: $verify"
  [[ -z "$verify" ]] || fail "systemd-analyze verify warns: $verify"
  echo "systemd-analyze verify: the unit is clean"
else
  echo "SKIPPED: systemd-analyze verify (systemd is not installed here)"
fi
echo "packages $(basename "$deb") and $(basename "$dev"): control data, unpacked host and unit OK"
