#include "plugins/plugin_loader.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstring>
#include <regex>

#include "config/config_error.h"

namespace sr::host {

namespace {

constexpr size_t kMaxCapabilities = 64;
// Far beyond any descriptor a future minor could grow to; a larger struct_size is garbage.
constexpr size_t kMaxDescriptorBytes = 4096;

std::string AbiVersion(unsigned major, unsigned minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

std::vector<Capability> CopyCapabilities(const std::string& who, const char* field,
                                         const sr_capability* items, size_t count) {
  if (count == 0) return {};
  if (items == nullptr || count > kMaxCapabilities) {
    throw ConfigError(who + ": malformed descriptor (" + field + ")");
  }
  static const std::regex kName("[a-z0-9]+(-[a-z0-9]+)*");
  std::vector<Capability> out;
  for (size_t i = 0; i < count; ++i) {
    const char* name = items[i].name;
    if (name == nullptr || std::strlen(name) > 64 || !std::regex_match(name, kName)) {
      throw ConfigError(who + ": malformed capability name in " + field);
    }
    if (items[i].kind != SR_CAPABILITY_SERVICE && items[i].kind != SR_CAPABILITY_GUARD) {
      throw ConfigError(who + ": unknown capability kind in " + field);
    }
    out.push_back(Capability{name, items[i].version, items[i].kind});
  }
  return out;
}

}  // namespace

LoadedPlugin LoadPlugin(const std::string& expected_id, const std::filesystem::path& path) {
  std::string who = "plugin '" + expected_id + "' (" + path.string() + ")";
  std::error_code exists_error;
  if (!std::filesystem::exists(path, exists_error)) {
    throw ConfigError("plugin '" + expected_id + "': file not found: " + path.string());
  }
  LoadedPlugin plugin;
  plugin.id = expected_id;
  plugin.path = path;
  // RTLD_LOCAL: one plugin's symbols never bind another's. RTLD_NODELETE: code stays mapped
  // even if a handle is dropped, so no callback can outlive its library.
  auto mode = boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local |
              static_cast<boost::dll::load_mode::type>(RTLD_NODELETE);
  boost::dll::fs::error_code error;
  plugin.library.load(path, mode, error);
  if (error) {
    const char* reason = ::dlerror();
    std::string detail = reason != nullptr ? reason : error.message();
    throw ConfigError(who + ": cannot load: " + detail);
  }
  if (!plugin.library.has(SR_PLUGIN_ENTRY_SYMBOL)) {
    throw ConfigError(who + ": no " + SR_PLUGIN_ENTRY_SYMBOL +
                      " symbol: not a plugin for this host (or built for another ABI major)");
  }
  auto entry = plugin.library.get<const sr_plugin_descriptor*()>(SR_PLUGIN_ENTRY_SYMBOL);
  const sr_plugin_descriptor* descriptor = entry();
  if (descriptor == nullptr) throw ConfigError(who + ": the entry point returned no descriptor");

  // The version fields sit at fixed offsets in every ABI version; read them before trusting
  // struct_size for anything else.
  if (descriptor->struct_size < offsetof(sr_plugin_descriptor, id)) {
    throw ConfigError(who + ": malformed descriptor (struct_size " +
                      std::to_string(descriptor->struct_size) + ")");
  }
  // abi_minor is the oldest host minor the plugin needs (SR_ABI_TARGET_MINOR), not the minor
  // of the header it was compiled against: a plugin built with newer headers loads here as
  // long as it does not need more than this host offers.
  unsigned major = descriptor->abi_major;
  unsigned minor = descriptor->abi_minor;
  if (major != SR_ABI_MAJOR) {
    throw ConfigError(who + ": built for plugin ABI " + AbiVersion(major, minor) +
                      ", but this host speaks ABI " + AbiVersion(SR_ABI_MAJOR, SR_ABI_MINOR) +
                      " (the major versions must match; rebuild the plugin)");
  }
  if (minor > SR_ABI_MINOR) {
    throw ConfigError(who + ": needs a host with plugin ABI " + AbiVersion(major, minor) +
                      " or newer (its SR_ABI_TARGET_MINOR), but this host speaks ABI " +
                      AbiVersion(SR_ABI_MAJOR, SR_ABI_MINOR) +
                      " (upgrade the host, or build the plugin for an older target)");
  }
  // A descriptor from newer headers may be larger: the fields this host does not know are
  // ones the plugin, by its target, declared it can do without. They are not copied.
  if (descriptor->struct_size > kMaxDescriptorBytes) {
    throw ConfigError(who + ": malformed descriptor (struct_size " +
                      std::to_string(descriptor->struct_size) + ")");
  }
  constexpr size_t kMinimum =
      offsetof(sr_plugin_descriptor, on_plugin_init) + sizeof(descriptor->on_plugin_init);
  if (descriptor->struct_size < kMinimum) {
    throw ConfigError(who + ": malformed descriptor (struct_size " +
                      std::to_string(descriptor->struct_size) + ")");
  }
  std::memcpy(&plugin.descriptor, descriptor,
              std::min<size_t>(descriptor->struct_size, sizeof(sr_plugin_descriptor)));
  plugin.target_minor = minor;
  const sr_plugin_descriptor& copy = plugin.descriptor;
  if (copy.id == nullptr || expected_id != copy.id) {
    throw ConfigError(who + ": the library declares id '" +
                      std::string(copy.id != nullptr ? copy.id : "") +
                      "'; plugins.yaml must use the same id");
  }
  static const std::regex kSemver("[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.+-]*)?");
  if (copy.version == nullptr || !std::regex_match(copy.version, kSemver)) {
    throw ConfigError(who + ": missing or malformed version (expected semver like 1.2.3)");
  }
  if (copy.on_plugin_init == nullptr) throw ConfigError(who + ": no on_plugin_init hook");
  plugin.version = copy.version;
  plugin.description = copy.description != nullptr ? copy.description : "";
  plugin.provides = CopyCapabilities(who, "provides", copy.provides, copy.provides_count);
  plugin.required = CopyCapabilities(who, "requires", copy.required, copy.required_count);
  plugin.uses = CopyCapabilities(who, "uses", copy.uses, copy.uses_count);
  return plugin;
}

}  // namespace sr::host
