// A plugin's configuration section for sr::testing::FakeHost, given as JSON instead of YAML,
// with the rules of the host's ConfigSection (host/src/config/config_section.cpp): dotted
// keys, typed getters that mark keys as read, units for durations and sizes, and Finish()
// naming the first key nothing read. A plugin's config code is thus tested as it runs.
// Needs RapidJSON (Debian: rapidjson-dev; CMake: RapidJSON::RapidJSON); the SDK does not.
#ifndef SR_TESTING_FAKE_CONFIG_HPP
#define SR_TESTING_FAKE_CONFIG_HPP

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <sr/testing/fake_http.hpp>

namespace sr::testing::fake_detail {

// A value the plugin may not use; the message names the plugin and the key.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// ---------------------------------------------------------------------------------------
// Unit parsers (same grammar as the host's ParseDurationMs / ParseBytes)
// ---------------------------------------------------------------------------------------

inline std::optional<double> ParseNumber(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::string copy(text);
  char* end = nullptr;
  double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

// A number with an optional unit suffix; the first matching suffix of `units` wins.
template <size_t N>
std::optional<double> ParseWithUnit(std::string_view text,
                                    const std::pair<std::string_view, double> (&units)[N],
                                    double bare_factor) {
  text = Trim(text);
  double factor = bare_factor;
  for (const auto& [suffix, unit_factor] : units) {
    if (text.size() > suffix.size() && text.substr(text.size() - suffix.size()) == suffix) {
      factor = unit_factor;
      text = Trim(text.substr(0, text.size() - suffix.size()));
      break;
    }
  }
  auto number = ParseNumber(text);
  if (!number || *number < 0) return std::nullopt;
  return *number * factor;
}

// "250ms", "5s", "2m", "1h" or a bare number of seconds.
inline std::optional<std::int64_t> ParseDurationMs(std::string_view text) {
  static constexpr std::pair<std::string_view, double> kUnits[] = {
      {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}};
  auto millis = ParseWithUnit(text, kUnits, 1000);
  if (!millis || *millis > static_cast<double>(std::numeric_limits<std::int64_t>::max() / 2)) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(std::llround(*millis));
}

// "512", "64KiB", "8MiB", "1GiB", "10MB", "100B".
inline std::optional<std::uint64_t> ParseBytes(std::string_view text) {
  static constexpr std::pair<std::string_view, double> kUnits[] = {
      {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"KB", 1e3},         {"MB", 1e6},
      {"GB", 1e9},     {"K", 1024.0},      {"M", 1048576.0},      {"G", 1073741824.0}, {"B", 1.0}};
  auto bytes = ParseWithUnit(text, kUnits, 1);
  if (!bytes || *bytes > 1.8e19) return std::nullopt;
  return static_cast<std::uint64_t>(std::llround(*bytes));
}

// ---------------------------------------------------------------------------------------
// The section
// ---------------------------------------------------------------------------------------

class FakeConfig {
 public:
  // Throws ConfigError when `json` is not a JSON object (the host refuses such a section).
  FakeConfig(std::string_view json, std::string owner, std::filesystem::path base_dir)
      : owner_(std::move(owner)), base_dir_(std::move(base_dir)) {
    std::string_view text = Trim(json);
    document_.Parse(text.empty() ? "{}" : std::string(text).c_str());
    if (document_.HasParseError()) {
      throw ConfigError(owner_ + ": the configuration is not valid JSON (" +
                        rapidjson::GetParseError_En(document_.GetParseError()) + " at offset " +
                        std::to_string(document_.GetErrorOffset()) + ")");
    }
    if (document_.IsNull()) document_.SetObject();
    if (!document_.IsObject()) {
      throw ConfigError(owner_ + " must be a mapping, not " + TypeName(document_));
    }
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    document_.Accept(writer);
    json_ = buffer.GetString();
  }

  const std::string& Json() const { return json_; }

  bool Has(std::string_view key) { return Resolve(key) != nullptr; }

  std::string GetString(std::string_view key, std::string_view fallback) {
    const Value* value = Resolve(key);
    if (value == nullptr) return std::string(fallback);
    if (value->IsArray() || value->IsObject()) {
      Fail(key, std::string("must be text, not ") + TypeName(*value));
    }
    return Text(*value);
  }

  std::int64_t GetInt(std::string_view key, std::int64_t fallback, std::int64_t min,
                      std::int64_t max) {
    const Value* value = Resolve(key);
    if (value == nullptr) return fallback;
    std::optional<std::int64_t> parsed;
    if (value->IsInt64()) {
      parsed = value->GetInt64();
    } else if (value->IsString()) {
      parsed = ParseInt(Trim(value->GetString()));
    }
    if (!parsed) Fail(key, "must be an integer, got " + Quote(*value));
    if (*parsed < min || *parsed > max) {
      Fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                    ", got " + std::to_string(*parsed));
    }
    return *parsed;
  }

  bool GetBool(std::string_view key, bool fallback) {
    const Value* value = Resolve(key);
    if (value == nullptr) return fallback;
    if (value->IsBool()) return value->GetBool();
    if (value->IsString() && (Text(*value) == "true" || Text(*value) == "false")) {
      return Text(*value) == "true";
    }
    Fail(key, "must be true or false, got " + Quote(*value));
  }

  std::int64_t GetDurationMs(std::string_view key, std::int64_t fallback_ms, std::int64_t min_ms,
                             std::int64_t max_ms) {
    const Value* value = Resolve(key);
    if (value == nullptr) return fallback_ms;
    std::optional<std::int64_t> millis;
    if (value->IsNumber() || value->IsString()) millis = ParseDurationMs(Text(*value));
    if (!millis) {
      Fail(key,
           "must be a duration such as \"250ms\", \"30s\", \"5m\" or a number of seconds, got " +
               Quote(*value));
    }
    if (*millis < min_ms || *millis > max_ms) {
      Fail(key, "must be between " + std::to_string(min_ms) + "ms and " + std::to_string(max_ms) +
                    "ms, got " + std::to_string(*millis) + "ms");
    }
    return *millis;
  }

  std::uint64_t GetBytes(std::string_view key, std::uint64_t fallback, std::uint64_t min,
                         std::uint64_t max) {
    const Value* value = Resolve(key);
    if (value == nullptr) return fallback;
    std::optional<std::uint64_t> bytes;
    if (value->IsNumber() || value->IsString()) bytes = ParseBytes(Text(*value));
    if (!bytes) {
      Fail(key,
           "must be a size such as \"64KiB\", \"8MiB\" or a number of bytes, got " + Quote(*value));
    }
    if (*bytes < min || *bytes > max) {
      Fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                    " bytes, got " + std::to_string(*bytes));
    }
    return *bytes;
  }

  // Relative paths are resolved against the base folder (the folder of plugins.yaml).
  std::string GetPath(std::string_view key, std::string_view fallback) {
    std::string text = GetString(key, fallback);
    if (text.empty()) return text;
    std::filesystem::path path(text);
    if (path.is_relative()) path = base_dir_ / path;
    return path.lexically_normal().string();
  }

  std::size_t ArrayLength(std::string_view key) {
    const Value* value = Resolve(key);
    if (value == nullptr) return 0;
    if (!value->IsArray()) Fail(key, std::string("must be a list, not ") + TypeName(*value));
    return value->Size();
  }

  // The keys of the mapping at `key` in document order (empty when absent); marks `key` only.
  std::vector<std::string> MapKeys(std::string_view key) {
    const Value* value = Resolve(key);
    if (value == nullptr) return {};
    if (!value->IsObject()) Fail(key, std::string("must be a mapping, not ") + TypeName(*value));
    std::vector<std::string> names;
    for (const auto& member : value->GetObject()) {
      names.emplace_back(member.name.GetString(), member.name.GetStringLength());
    }
    return names;
  }

  // The plugin's own reason for refusing `key` (config_error). JSON has no lines: the message
  // names plugin and key as the host's does after "plugins.yaml:LINE:COL: ".
  [[noreturn]] void RejectWithReason(std::string_view key, std::string_view message) const {
    throw ConfigError(owner_ + ": key '" + std::string(key) + "': " + std::string(message));
  }

  void Finish() const { FindUnknown(document_, ""); }

 private:
  using Value = rapidjson::Value;

  static std::optional<std::int64_t> ParseInt(std::string_view text) {
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    std::int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
      return std::nullopt;
    }
    return value;
  }

  static const char* TypeName(const Value& value) {
    if (value.IsNull()) return "null";
    if (value.IsBool()) return "a boolean";
    if (value.IsInt64()) return "an integer";
    if (value.IsNumber()) return "a number";
    if (value.IsString()) return "a string";
    if (value.IsArray()) return "a list";
    return "a mapping";
  }

  // A scalar as written: what the host's YAML reader keeps as the value's text.
  static std::string Text(const Value& value) {
    if (value.IsString()) return std::string(value.GetString(), value.GetStringLength());
    if (value.IsNull()) return {};
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    return buffer.GetString();
  }

  static std::string Quote(const Value& value) {
    if (value.IsString()) return "\"" + Text(value) + "\"";
    if (!value.IsArray() && !value.IsObject() && !value.IsNull()) return Text(value);
    return TypeName(value);
  }

  [[noreturn]] void Fail(std::string_view key, const std::string& problem) const {
    throw ConfigError(owner_ + ": key '" + std::string(key) + "' " + problem);
  }

  // Marks `key` as read and finds it; nullptr when absent (or null, like `key:` in YAML).
  const Value* Resolve(std::string_view key) {
    known_.emplace(key);
    const Value* current = &document_;
    for (std::string_view part : Split(key, '.')) {
      if (current->IsObject()) {
        auto member = current->FindMember(Value(
            rapidjson::StringRef(part.data(), static_cast<rapidjson::SizeType>(part.size()))));
        if (member == current->MemberEnd()) return nullptr;
        current = &member->value;
      } else if (current->IsArray()) {
        auto index = ParseInt(part);
        if (!index || *index < 0 || static_cast<std::uint64_t>(*index) >= current->Size()) {
          return nullptr;
        }
        current = &(*current)[static_cast<rapidjson::SizeType>(*index)];
      } else {
        return nullptr;
      }
    }
    return current->IsNull() ? nullptr : current;
  }

  void FindUnknown(const Value& value, const std::string& path) const {
    auto visit = [&](const Value& child, const std::string& child_path) {
      auto below = known_.lower_bound(child_path + ".");
      bool below_read = below != known_.end() && below->rfind(child_path + ".", 0) == 0;
      if (known_.count(child_path) == 0 && !below_read) {
        Fail(child_path, "is not a known setting (check its spelling)");
      }
      if (child.IsObject() || child.IsArray()) FindUnknown(child, child_path);
    };
    if (value.IsObject()) {
      for (const auto& member : value.GetObject()) {
        std::string name(member.name.GetString(), member.name.GetStringLength());
        visit(member.value, path.empty() ? name : path + "." + name);
      }
    } else if (value.IsArray()) {
      // A list read only through ArrayLength, not element by element, is still unknown.
      for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
        visit(value[i], path + "." + std::to_string(i));
      }
    }
  }

  std::string owner_;
  std::filesystem::path base_dir_;
  rapidjson::Document document_;
  std::set<std::string, std::less<>> known_;
  std::string json_;
};

}  // namespace sr::testing::fake_detail

#endif  // SR_TESTING_FAKE_CONFIG_HPP
