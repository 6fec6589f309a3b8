#include "config/config_value.h"

#include <cmath>
#include <cstdio>

#include "util/strings.h"

namespace sr::host {

const ConfigValue* ConfigValue::Find(std::string_view key) const {
  for (const auto& [name, value] : members) {
    if (name == key) return &value;
  }
  return nullptr;
}

void ConfigValue::AppendJson(std::string& out) const {
  switch (kind) {
    case Kind::kNull:
      out += "null";
      return;
    case Kind::kBool:
      out += bool_value ? "true" : "false";
      return;
    case Kind::kInt:
      out += std::to_string(int_value);
      return;
    case Kind::kDouble: {
      if (!std::isfinite(double_value)) {
        out += "null";
        return;
      }
      char buffer[64];
      std::snprintf(buffer, sizeof(buffer), "%.17g", double_value);
      out += buffer;
      return;
    }
    case Kind::kString:
      out += '"';
      AppendJsonEscaped(out, text);
      out += '"';
      return;
    case Kind::kArray:
      out += '[';
      for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += ',';
        items[i].AppendJson(out);
      }
      out += ']';
      return;
    case Kind::kObject:
      out += '{';
      for (size_t i = 0; i < members.size(); ++i) {
        if (i > 0) out += ',';
        out += '"';
        AppendJsonEscaped(out, members[i].first);
        out += "\":";
        members[i].second.AppendJson(out);
      }
      out += '}';
      return;
  }
}

}  // namespace sr::host
