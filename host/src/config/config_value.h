#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sr/config_rules.hpp>

namespace sr::host {

// Where a value stood in its file (1-based; 0 when unknown).
struct SourceMark {
  int line = 0;
  int column = 0;
};

// A configuration tree read from YAML, with the position of every value. Scalars are
// resolved once (after ${VAR} expansion) to null, bool, int, double or string.
class ConfigValue {
 public:
  using Kind = sr::config::Kind;
  struct Member;

  Kind kind = Kind::kNull;
  bool bool_value = false;
  std::int64_t int_value = 0;
  double double_value = 0;
  std::string text;  // the scalar as written (after expansion)
  std::vector<ConfigValue> items;
  std::vector<Member> members;
  SourceMark mark;

  bool IsScalar() const { return sr::config::IsScalar(kind); }
  const ConfigValue* Find(std::string_view key) const;
  const char* TypeName() const { return sr::config::TypeName(kind); }
  // What the shared getters (sr/config_rules.hpp) read.
  sr::config::ValueView View() const { return {kind, text, int_value, bool_value}; }
  void AppendJson(std::string& out) const;
};

// A key and its value; a struct rather than std::pair, which needs a complete ConfigValue.
struct ConfigValue::Member {
  std::string first;
  ConfigValue second;
};

}  // namespace sr::host
