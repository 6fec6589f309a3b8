#!/usr/bin/env bash
# `cmake --install` to a temporary prefix, as a distributor or an operator without the .deb
# would: the layout (every plugin the build made, the web files, plugins.yaml with the
# prefix's absolute paths, the unit), the SDK as its own component, and the installed host
# serving with the installed plugins.yaml unchanged. Without plugin_dir, the host finds the
# installed plugins relative to itself.
#   install_tree_test.sh <build-dir>
set -euo pipefail

build_dir=$(cd "$1" && pwd)
source "$(dirname "$0")/installed_host.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

cmake --install "$build_dir" --component runtime --prefix "$prefix" > "$work/install.log"
test -x "$prefix/bin/spawner-master" || fail "no bin/spawner-master"
# Every plugin of the tree (whatever add_registry_plugin built into plugins/), no fixture.
built=$(cd "$build_dir/plugins" && ls -- *.so | sort)
installed=$(cd "$prefix/lib/spawner-registry/plugins" && ls -- *.so | sort)
[[ "$built" == "$installed" ]] || fail "installed plugins differ from the built ones:
built:     $(echo $built)
installed: $(echo $installed)"
for file in pages/dashboard.html assets/css/app.css vendor/uPlot.esm.js; do
  test -f "$prefix/share/spawner-registry/web/$file" || fail "web file $file not installed"
done
config=$prefix/etc/spawner-registry/plugins.yaml
test -f "$config" || fail "no etc/spawner-registry/plugins.yaml"
[[ $(stat -c %a "$prefix/etc/spawner-registry/environment") == 600 ]] ||
  fail "etc/spawner-registry/environment (secrets) is not mode 0600"
unit=$prefix/lib/systemd/system/spawner-registry.service
grep -qx "ExecStart=$prefix/bin/spawner-master --config $prefix/etc/spawner-registry/plugins.yaml" \
  "$unit" || fail "the unit does not start the installed host with the installed config"
for wanted in "plugin_dir: \${SR_PLUGIN_DIR:-$prefix/lib/spawner-registry/plugins}" \
              "data_dir: \${SR_DATA_DIR:-$prefix/var/lib/spawner-registry}" \
              "web_root: \${SR_WEB_DIR:-$prefix/share/spawner-registry/web}"; do
  grep -qF "$wanted" "$config" || fail "plugins.yaml lacks '$wanted'"
done
# The repository's plugins.yaml and the installed one load the same plugins.
ids() { sed -nE 's/^  - id: ([a-z0-9-]+)$/\1/p' "$1"; }
[[ "$(ids "$config")" == "$(ids "$(dirname "$0")/../../plugins.yaml")" ]] ||
  fail "the installed plugins.yaml loads other plugins than the repository's: a plugin added to
plugins.yaml belongs in packaging/plugins.yaml.in too (with absolute paths for its files)"
test ! -e "$prefix/include" || fail "the runtime component installs SDK headers"

cmake --install "$build_dir" --component sdk --prefix "$work/sdk" > "$work/install-sdk.log"
for file in include/sr/abi.h include/sr/plugin.hpp include/sr/testing/fake_host.hpp \
            lib/cmake/SpawnerRegistry/SpawnerRegistryConfig.cmake; do
  test -f "$work/sdk/$file" || fail "the sdk component lacks $file"
done
test ! -e "$work/sdk/bin" || fail "the sdk component installs the host"

# The installed host with the installed config, as is: data goes to the prefix's var/lib
# (created 0700), the first start's secrets are generated there.
export SR_BIND=127.0.0.1 SR_PORT
SR_PORT=$(free_port)
unset SR_DATA_DIR SR_PLUGIN_DIR SR_WEB_DIR DB_PATH MASTER_API_KEY ADMIN_PASSWORD
check_config "$prefix/bin/spawner-master" "$config" "$prefix/lib/spawner-registry/plugins"
(cd "$work" && serve_and_probe "$prefix/bin/spawner-master" "$config" "$work/host.log")
data=$prefix/var/lib/spawner-registry
[[ $(stat -c %a "$data") == 700 ]] || fail "the data folder is not 0700"
test -f "$data/registry.db" || fail "no database in the data folder"
test -f "$data/first-start-secrets" || fail "no first-start secrets in the data folder"

# SR_DATA_DIR moves the data.
SR_DATA_DIR=$work/elsewhere check_config "$prefix/bin/spawner-master" "$config" \
  "$prefix/lib/spawner-registry/plugins"
test -f "$work/elsewhere/registry.db" || fail "SR_DATA_DIR did not move the database"

# Without plugin_dir the installed host finds its plugins relative to itself.
grep -v '^  plugin_dir:' "$config" > "$work/no-plugin-dir.yaml"
check_config "$prefix/bin/spawner-master" "$work/no-plugin-dir.yaml" \
  "$prefix/lib/spawner-registry/plugins"
echo "install tree at $prefix: layout, SDK component and installed host OK"
