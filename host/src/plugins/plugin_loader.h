#pragma once

#include <boost/dll/shared_library.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include <sr/abi.h>

#include "plugins/capability.h"

namespace sr::host {

// A plugin library, loaded and checked, not yet initialized.
struct LoadedPlugin {
  std::string id;
  std::filesystem::path path;
  boost::dll::shared_library library;
  sr_plugin_descriptor descriptor{};  // the plugin's descriptor, copied into a zeroed struct
  unsigned target_minor = 0;          // the oldest host ABI minor it needs (descriptor.abi_minor)
  std::string version;
  std::string description;
  std::vector<Capability> provides;
  std::vector<Capability> required;
  std::vector<Capability> uses;
};

// Loads the library at `path` (RTLD_NOW | RTLD_LOCAL, never unloaded) and checks its
// descriptor against this host: ABI major equal, target minor not newer than this host's, id
// equal to `expected_id`.
// Throws ConfigError with one line naming the plugin and the file.
LoadedPlugin LoadPlugin(const std::string& expected_id, const std::filesystem::path& path);

}  // namespace sr::host
