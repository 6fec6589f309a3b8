#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
  enum class Kind { kNull, kBool, kInt, kDouble, kString, kArray, kObject };
  struct Member;

  Kind kind = Kind::kNull;
  bool bool_value = false;
  std::int64_t int_value = 0;
  double double_value = 0;
  std::string text;  // the scalar as written (after expansion)
  std::vector<ConfigValue> items;
  std::vector<Member> members;
  SourceMark mark;

  bool IsScalar() const { return kind != Kind::kArray && kind != Kind::kObject; }
  const ConfigValue* Find(std::string_view key) const;
  const char* TypeName() const;
  void AppendJson(std::string& out) const;
};

// A key and its value; a struct rather than std::pair, which needs a complete ConfigValue.
struct ConfigValue::Member {
  std::string first;
  ConfigValue second;
};

}  // namespace sr::host
