#pragma once

#include <string>
#include <string_view>

#include "config/config_value.h"
#include "config/env.h"

namespace sr::host {

// Parses one YAML document into a ConfigValue tree, expanding ${VAR} in every scalar value.
// `file_label` prefixes every error ("plugins.yaml:3:7: ..."). Throws ConfigError.
ConfigValue ReadYaml(std::string_view text, const std::string& file_label, const EnvLookup& lookup);

}  // namespace sr::host
