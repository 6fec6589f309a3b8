#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sr::host {

// Reads a .env file (KEY=VALUE lines, '#' comments, optional `export `, single or double
// quotes) and sets each variable that the real environment does not already define.
// A missing file is not an error. Throws ConfigError naming the file and line of a bad line.
void LoadDotEnv(const std::string& path);

// Parses .env text into (name, value) pairs in file order. `label` prefixes errors.
std::vector<std::pair<std::string, std::string>> ParseDotEnv(std::string_view text,
                                                             const std::string& label);

using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
EnvLookup ProcessEnvironment();

// Expands ${NAME} and ${NAME:-fallback} in `text`; "$$" is a literal '$'. Throws ConfigError
// (with `where` as the location prefix) when a variable is unset and has no fallback.
std::string ExpandVariables(std::string_view text, const EnvLookup& lookup,
                            const std::string& where);

}  // namespace sr::host
