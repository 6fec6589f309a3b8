#pragma once

#include <string>

namespace sr::test {

// plugins.yaml for a host with the test-kit plugin; `server_extra` and `kit_config` are
// indented YAML lines added to the server section and the plugin's config.
inline std::string KitYaml(const std::string& server_extra = "",
                           const std::string& kit_config = "") {
  return "server:\n  bind: 127.0.0.1\n  port: 0\n  plugin_dir: {{FIXTURE_DIR}}\n" + server_extra +
         "plugins:\n  - id: test-kit\n" +
         (kit_config.empty() ? std::string() : "    config:\n" + kit_config);
}

}  // namespace sr::test
