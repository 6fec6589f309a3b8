// .env files and ${VAR} expansion: every input parses or throws ConfigError.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/config_error.h"
#include "config/env.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto variables = sr::host::ParseDotEnv(text, ".env");
    for (const auto& [name, value] : variables) {
      if (name.empty()) __builtin_trap();
    }
  } catch (const sr::host::ConfigError&) {
  }
  auto lookup = [](std::string_view name) -> std::optional<std::string> {
    if (name.size() % 2 == 0) return std::string(name);
    return std::nullopt;
  };
  try {
    sr::host::ExpandVariables(text, lookup, "fuzz");
  } catch (const sr::host::ConfigError&) {
  }
  return 0;
}
