#include "config/yaml_reader.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <regex>
#include <set>

#include "config/config_error.h"

namespace sr::host {

namespace {

std::string Where(const std::string& file_label, const YAML::Mark& mark) {
  if (mark.is_null()) return file_label;
  return file_label + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

bool LooksLikeInt(const std::string& text) {
  static const std::regex kInt("[-+]?[0-9]+");
  return std::regex_match(text, kInt);
}

bool LooksLikeDouble(const std::string& text) {
  static const std::regex kDouble("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  return std::regex_match(text, kDouble);
}

// YAML 1.2 core-schema resolution of a plain scalar. Only true/false are booleans, so that a
// value like `no` stays a string.
void ResolvePlainScalar(ConfigValue& value) {
  const std::string& text = value.text;
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    value.kind = ConfigValue::Kind::kNull;
  } else if (text == "true" || text == "True" || text == "TRUE") {
    value.kind = ConfigValue::Kind::kBool;
    value.bool_value = true;
  } else if (text == "false" || text == "False" || text == "FALSE") {
    value.kind = ConfigValue::Kind::kBool;
    value.bool_value = false;
  } else if (LooksLikeInt(text)) {
    errno = 0;
    char* end = nullptr;
    long long parsed = std::strtoll(text.c_str(), &end, 10);
    if (errno == ERANGE) {
      value.kind = ConfigValue::Kind::kString;
    } else {
      value.kind = ConfigValue::Kind::kInt;
      value.int_value = parsed;
    }
  } else if (LooksLikeDouble(text)) {
    value.kind = ConfigValue::Kind::kDouble;
    value.double_value = std::strtod(text.c_str(), nullptr);
  } else {
    value.kind = ConfigValue::Kind::kString;
  }
}

ConfigValue Convert(const YAML::Node& node, const std::string& file_label, const EnvLookup& lookup,
                    int depth) {
  if (depth > 64) throw ConfigError(Where(file_label, node.Mark()) + ": nesting is too deep");
  ConfigValue value;
  value.mark = SourceMark{node.Mark().line + 1, node.Mark().column + 1};
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      value.kind = ConfigValue::Kind::kNull;
      return value;
    case YAML::NodeType::Scalar: {
      value.text = ExpandVariables(node.Scalar(), lookup, Where(file_label, node.Mark()));
      if (node.Tag() == "!") {
        value.kind = ConfigValue::Kind::kString;  // quoted: always a string
      } else {
        ResolvePlainScalar(value);
      }
      return value;
    }
    case YAML::NodeType::Sequence:
      value.kind = ConfigValue::Kind::kArray;
      for (const auto& item : node) {
        value.items.push_back(Convert(item, file_label, lookup, depth + 1));
      }
      return value;
    case YAML::NodeType::Map: {
      value.kind = ConfigValue::Kind::kObject;
      std::set<std::string> seen;
      for (const auto& entry : node) {
        if (!entry.first.IsScalar()) {
          throw ConfigError(Where(file_label, entry.first.Mark()) + ": keys must be plain text");
        }
        const std::string& key = entry.first.Scalar();
        if (!seen.insert(key).second) {
          throw ConfigError(Where(file_label, entry.first.Mark()) + ": duplicate key '" + key +
                            "'");
        }
        ConfigValue member = Convert(entry.second, file_label, lookup, depth + 1);
        if (member.mark.line == 0 || entry.second.IsNull()) {
          member.mark = SourceMark{entry.first.Mark().line + 1, entry.first.Mark().column + 1};
        }
        value.members.push_back(ConfigValue::Member{key, std::move(member)});
      }
      return value;
    }
  }
  return value;
}

}  // namespace

ConfigValue ReadYaml(std::string_view text, const std::string& file_label,
                     const EnvLookup& lookup) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    throw ConfigError(Where(file_label, e.mark) + ": syntax error: " + e.msg);
  } catch (const YAML::Exception& e) {
    throw ConfigError(Where(file_label, e.mark) + ": " + e.msg);
  }
  try {
    return Convert(root, file_label, lookup, 0);
  } catch (const YAML::Exception& e) {
    throw ConfigError(Where(file_label, e.mark) + ": " + e.msg);
  }
}

}  // namespace sr::host
