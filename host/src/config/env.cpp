#include "config/env.h"

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "config/config_error.h"
#include "util/strings.h"

namespace sr::host {

namespace {

bool IsNameChar(char c, bool first) {
  if (c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return true;
  return !first && c >= '0' && c <= '9';
}

bool IsValidName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (!IsNameChar(name[i], i == 0)) return false;
  }
  return true;
}

std::string UnquoteValue(std::string_view raw, const std::string& where) {
  std::string_view value = Trim(raw);
  if (value.empty()) return {};
  char quote = value.front();
  if (quote == '\'' || quote == '"') {
    size_t end = value.find(quote, 1);
    if (end == std::string_view::npos) throw ConfigError(where + ": unterminated quote");
    std::string_view rest = Trim(value.substr(end + 1));
    if (!rest.empty() && rest.front() != '#') {
      throw ConfigError(where + ": unexpected text after the closing quote");
    }
    std::string_view inner = value.substr(1, end - 1);
    if (quote == '\'') return std::string(inner);
    std::string out;
    for (size_t i = 0; i < inner.size(); ++i) {
      if (inner[i] == '\\' && i + 1 < inner.size()) {
        char next = inner[++i];
        out += next == 'n' ? '\n' : next == 't' ? '\t' : next;
      } else {
        out += inner[i];
      }
    }
    return out;
  }
  // Unquoted: a " #" starts a comment.
  size_t comment = value.find(" #");
  if (comment != std::string_view::npos) value = Trim(value.substr(0, comment));
  return std::string(value);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ParseDotEnv(std::string_view text,
                                                             const std::string& label) {
  std::vector<std::pair<std::string, std::string>> variables;
  int line_number = 0;
  for (std::string_view raw : Split(text, '\n')) {
    ++line_number;
    std::string where = label + ":" + std::to_string(line_number);
    std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#') continue;
    if (line.substr(0, 7) == "export ") line = Trim(line.substr(7));
    size_t equals = line.find('=');
    if (equals == std::string_view::npos) throw ConfigError(where + ": expected KEY=VALUE");
    std::string name(Trim(line.substr(0, equals)));
    if (!IsValidName(name)) {
      throw ConfigError(where + ": '" + name + "' is not a valid variable name");
    }
    variables.emplace_back(std::move(name), UnquoteValue(line.substr(equals + 1), where));
  }
  return variables;
}

void LoadDotEnv(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return;
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  for (const auto& [name, value] : ParseDotEnv(text, path)) {
    // Real environment variables win over the file.
    ::setenv(name.c_str(), value.c_str(), /*overwrite=*/0);
  }
}

EnvLookup ProcessEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::string ExpandVariables(std::string_view text, const EnvLookup& lookup,
                            const std::string& where) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '$') {
      out += c;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (i + 1 >= text.size() || text[i + 1] != '{') {
      out += c;
      continue;
    }
    size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      throw ConfigError(where + ": unterminated ${ in '" + std::string(text) + "'");
    }
    std::string_view inside = text.substr(i + 2, close - i - 2);
    std::string_view name = inside;
    std::optional<std::string_view> fallback;
    size_t separator = inside.find(":-");
    if (separator != std::string_view::npos) {
      name = inside.substr(0, separator);
      fallback = inside.substr(separator + 2);
    }
    if (!IsValidName(name)) {
      throw ConfigError(where + ": '" + std::string(name) + "' is not a valid variable name");
    }
    std::optional<std::string> value = lookup(name);
    if (value && (!value->empty() || !fallback)) {
      out += *value;
    } else if (fallback) {
      out += *fallback;
    } else {
      throw ConfigError(where + ": environment variable " + std::string(name) +
                        " is not set (write ${" + std::string(name) +
                        ":-default} to give a fallback)");
    }
    i = close;
  }
  return out;
}

}  // namespace sr::host
