// plugins.yaml as an operator might break it: every input parses or throws ConfigError.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config_error.h"
#include "config/config_section.h"
#include "config/host_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "SET") return std::string("value");
    return std::nullopt;
  };
  try {
    auto config = sr::host::ParseHostConfig(text, "/fuzz/plugins.yaml", env);
    // Exercise the typed getters on every plugin's section too.
    for (const auto& plugin : config.plugins) {
      sr::host::ConfigSection section(plugin.config, "plugin", "plugins.yaml", "/fuzz");
      try {
        section.GetDurationMs("ttl", 1, 0, 1000000);
        section.GetBytes("size", 1, 0, 1 << 30);
        section.GetString("keys.0.name", "");
        section.Finish();
      } catch (const sr::host::ConfigError&) {
      }
      (void)section.Json();
    }
  } catch (const sr::host::ConfigError&) {
  }
  return 0;
}
