#include "config/config_section.h"

#include <cmath>
#include <limits>
#include <optional>

#include "config/config_error.h"
#include "util/strings.h"

namespace sr::host {

namespace {

std::optional<double> ParseNumber(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::string copy(text);
  char* end = nullptr;
  double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::string Quote(const ConfigValue& value) {
  if (value.kind == ConfigValue::Kind::kString) return "\"" + value.text + "\"";
  if (value.IsScalar() && !value.text.empty()) return value.text;
  return value.TypeName();
}

}  // namespace

std::optional<std::int64_t> ParseDurationMs(std::string_view text) {
  text = Trim(text);
  struct Unit {
    std::string_view suffix;
    double millis;
  };
  static constexpr Unit kUnits[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}};
  double factor = 1000;  // a bare number is seconds
  for (const auto& unit : kUnits) {
    if (text.size() > unit.suffix.size() &&
        text.substr(text.size() - unit.suffix.size()) == unit.suffix) {
      factor = unit.millis;
      text = Trim(text.substr(0, text.size() - unit.suffix.size()));
      break;
    }
  }
  auto number = ParseNumber(text);
  if (!number || *number < 0) return std::nullopt;
  double millis = *number * factor;
  if (millis > static_cast<double>(std::numeric_limits<std::int64_t>::max() / 2)) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(std::llround(millis));
}

std::optional<std::uint64_t> ParseBytes(std::string_view text) {
  text = Trim(text);
  struct Unit {
    std::string_view suffix;
    double bytes;
  };
  static constexpr Unit kUnits[] = {{"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0},
                                    {"KB", 1000.0},  {"MB", 1000000.0},  {"GB", 1000000000.0},
                                    {"K", 1024.0},   {"M", 1048576.0},   {"G", 1073741824.0},
                                    {"B", 1.0}};
  double factor = 1;
  for (const auto& unit : kUnits) {
    if (text.size() > unit.suffix.size() &&
        text.substr(text.size() - unit.suffix.size()) == unit.suffix) {
      factor = unit.bytes;
      text = Trim(text.substr(0, text.size() - unit.suffix.size()));
      break;
    }
  }
  auto number = ParseNumber(text);
  if (!number || *number < 0) return std::nullopt;
  double bytes = *number * factor;
  if (bytes > 1.8e19) return std::nullopt;
  return static_cast<std::uint64_t>(std::llround(bytes));
}

ConfigSection::ConfigSection(const ConfigValue* root, std::string owner, std::string file_label,
                             std::filesystem::path base_dir)
    : root_(root),
      owner_(std::move(owner)),
      file_label_(std::move(file_label)),
      base_dir_(std::move(base_dir)) {
  if (root_ != nullptr && root_->kind != ConfigValue::Kind::kObject &&
      root_->kind != ConfigValue::Kind::kNull) {
    Fail(root_, "", std::string("must be a mapping, not ") + root_->TypeName());
  }
  if (root_ == nullptr || root_->kind == ConfigValue::Kind::kNull) {
    json_ = "{}";
  } else {
    root_->AppendJson(json_);
  }
}

void ConfigSection::Fail(const ConfigValue* at, std::string_view key,
                         const std::string& problem) const {
  std::string where = file_label_;
  if (at != nullptr && at->mark.line > 0) {
    where += ":" + std::to_string(at->mark.line) + ":" + std::to_string(at->mark.column);
  }
  std::string message = where + ": " + owner_;
  if (!key.empty()) message += ": key '" + std::string(key) + "'";
  message += " " + problem;
  throw ConfigError(message);
}

const ConfigValue* ConfigSection::Resolve(std::string_view key) {
  known_.emplace(key);
  if (root_ == nullptr || root_->kind != ConfigValue::Kind::kObject) return nullptr;
  const ConfigValue* current = root_;
  for (std::string_view part : Split(key, '.')) {
    if (current->kind == ConfigValue::Kind::kObject) {
      current = current->Find(part);
    } else if (current->kind == ConfigValue::Kind::kArray) {
      auto index = ParseUint(part);
      if (!index || *index >= current->items.size()) return nullptr;
      current = &current->items[*index];
    } else {
      return nullptr;
    }
    if (current == nullptr) return nullptr;
  }
  if (current->kind == ConfigValue::Kind::kNull) return nullptr;  // `key:` alone = absent
  return current;
}

bool ConfigSection::Has(std::string_view key) { return Resolve(key) != nullptr; }

std::string ConfigSection::GetString(std::string_view key, std::string_view fallback) {
  const ConfigValue* value = Resolve(key);
  if (value == nullptr) return std::string(fallback);
  if (!value->IsScalar()) Fail(value, key, std::string("must be text, not ") + value->TypeName());
  return value->text;
}

std::int64_t ConfigSection::GetInt(std::string_view key, std::int64_t fallback, std::int64_t min,
                                   std::int64_t max) {
  const ConfigValue* value = Resolve(key);
  if (value == nullptr) return fallback;
  std::optional<std::int64_t> parsed;
  if (value->kind == ConfigValue::Kind::kInt) {
    parsed = value->int_value;
  } else if (value->kind == ConfigValue::Kind::kString) {
    parsed = ParseInt(Trim(value->text));
  }
  if (!parsed) Fail(value, key, "must be an integer, got " + Quote(*value));
  if (*parsed < min || *parsed > max) {
    Fail(value, key,
         "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
             std::to_string(*parsed));
  }
  return *parsed;
}

bool ConfigSection::GetBool(std::string_view key, bool fallback) {
  const ConfigValue* value = Resolve(key);
  if (value == nullptr) return fallback;
  if (value->kind == ConfigValue::Kind::kBool) return value->bool_value;
  if (value->kind == ConfigValue::Kind::kString) {
    if (value->text == "true") return true;
    if (value->text == "false") return false;
  }
  Fail(value, key, "must be true or false, got " + Quote(*value));
}

std::int64_t ConfigSection::GetDurationMs(std::string_view key, std::int64_t fallback_ms,
                                          std::int64_t min_ms, std::int64_t max_ms) {
  const ConfigValue* value = Resolve(key);
  if (value == nullptr) return fallback_ms;
  std::optional<std::int64_t> millis;
  if (value->kind == ConfigValue::Kind::kInt || value->kind == ConfigValue::Kind::kDouble ||
      value->kind == ConfigValue::Kind::kString) {
    millis = ParseDurationMs(value->text);
  }
  if (!millis) {
    Fail(value, key,
         "must be a duration such as \"250ms\", \"30s\", \"5m\" or a number of seconds, got " +
             Quote(*value));
  }
  if (*millis < min_ms || *millis > max_ms) {
    Fail(value, key,
         "must be between " + std::to_string(min_ms) + "ms and " + std::to_string(max_ms) +
             "ms, got " + std::to_string(*millis) + "ms");
  }
  return *millis;
}

std::uint64_t ConfigSection::GetBytes(std::string_view key, std::uint64_t fallback,
                                      std::uint64_t min, std::uint64_t max) {
  const ConfigValue* value = Resolve(key);
  if (value == nullptr) return fallback;
  std::optional<std::uint64_t> bytes;
  if (value->kind == ConfigValue::Kind::kInt || value->kind == ConfigValue::Kind::kDouble ||
      value->kind == ConfigValue::Kind::kString) {
    bytes = ParseBytes(value->text);
  }
  if (!bytes) {
    Fail(value, key,
         "must be a size such as \"64KiB\", \"8MiB\" or a number of bytes, got " + Quote(*value));
  }
  if (*bytes < min || *bytes > max) {
    Fail(value, key,
         "must be between " + std::to_string(min) + " and " + std::to_string(max) + " bytes, got " +
             std::to_string(*bytes));
  }
  return *bytes;
}

std::string ConfigSection::GetPath(std::string_view key, std::string_view fallback) {
  std::string text = GetString(key, fallback);
  if (text.empty()) return text;
  std::filesystem::path path(text);
  if (path.is_relative()) path = base_dir_ / path;
  return path.lexically_normal().string();
}

std::size_t ConfigSection::ArrayLength(std::string_view key) {
  const ConfigValue* value = Resolve(key);
  if (value == nullptr) return 0;
  if (value->kind != ConfigValue::Kind::kArray) {
    Fail(value, key, std::string("must be a list, not ") + value->TypeName());
  }
  return value->items.size();
}

std::vector<std::string_view> ConfigSection::MapKeys(std::string_view key) {
  const ConfigValue* value = Resolve(key);
  if (value == nullptr) return {};
  if (value->kind != ConfigValue::Kind::kObject) {
    Fail(value, key, std::string("must be a mapping, not ") + value->TypeName());
  }
  std::vector<std::string_view> names;
  names.reserve(value->members.size());
  for (const auto& member : value->members) names.emplace_back(member.first);
  return names;
}

void ConfigSection::RejectWithReason(std::string_view key, std::string_view message) const {
  // Walks as Resolve does, without marking the key as read, keeping the deepest value found.
  const ConfigValue* nearest = root_;
  const ConfigValue* current = root_;
  if (current != nullptr && !key.empty()) {
    for (std::string_view part : Split(key, '.')) {
      if (current->kind == ConfigValue::Kind::kObject) {
        current = current->Find(part);
      } else if (current->kind == ConfigValue::Kind::kArray) {
        auto index = ParseUint(part);
        current = index && *index < current->items.size() ? &current->items[*index] : nullptr;
      } else {
        current = nullptr;
      }
      if (current == nullptr) break;
      nearest = current;
    }
  }
  std::string where = file_label_;
  if (nearest != nullptr && nearest->mark.line > 0) {
    where += ":" + std::to_string(nearest->mark.line) + ":" + std::to_string(nearest->mark.column);
  }
  std::string text = where + ": " + owner_;
  if (!key.empty()) text += ": key '" + std::string(key) + "'";
  throw ConfigError(text + ": " + std::string(message));
}

void ConfigSection::AcceptWhole(std::string_view key) {
  known_.emplace(key);
  accepted_whole_.emplace(key);
}

void ConfigSection::FindUnknown(const ConfigValue& value, const std::string& path) const {
  if (accepted_whole_.count(path) > 0) return;
  auto visit = [&](const ConfigValue& child, const std::string& child_path) {
    bool read = known_.count(child_path) > 0;
    bool below_read = false;
    auto it = known_.lower_bound(child_path + ".");
    if (it != known_.end() && it->rfind(child_path + ".", 0) == 0) below_read = true;
    if (!read && !below_read) {
      Fail(&child, child_path, "is not a known setting (check its spelling)");
    }
    if (!child.IsScalar()) FindUnknown(child, child_path);
  };
  if (value.kind == ConfigValue::Kind::kObject) {
    for (const auto& [name, child] : value.members) {
      visit(child, path.empty() ? name : path + "." + name);
    }
  } else if (value.kind == ConfigValue::Kind::kArray) {
    for (size_t i = 0; i < value.items.size(); ++i) {
      std::string child_path = path + "." + std::to_string(i);
      // A list read only through ArrayLength but not element by element is still unknown.
      visit(value.items[i], child_path);
    }
  }
}

void ConfigSection::Reject(std::string_view key, const std::string& problem) {
  Fail(Resolve(key), key, problem);
}

void ConfigSection::Finish() {
  if (root_ == nullptr || root_->kind != ConfigValue::Kind::kObject) return;
  FindUnknown(*root_, "");
}

}  // namespace sr::host
