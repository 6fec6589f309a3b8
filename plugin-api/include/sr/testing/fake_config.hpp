// A plugin's configuration section for sr::testing::FakeHost, given as JSON instead of YAML.
// The value rules (typed getters, units, ranges, messages, unknown keys) are the host's own,
// from sr/config_rules.hpp; this file only walks a JSON tree where the host walks YAML:
// dotted keys, getters that mark keys as read, Finish() naming the first key nothing read.
// Needs RapidJSON (Debian: rapidjson-dev; CMake: RapidJSON::RapidJSON); the SDK does not.
#ifndef SR_TESTING_FAKE_CONFIG_HPP
#define SR_TESTING_FAKE_CONFIG_HPP

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <sr/config_rules.hpp>
#include <sr/testing/fake_http.hpp>

namespace sr::testing::fake_detail {

// A value the plugin may not use; the message names the plugin and the key.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace rules = sr::config;

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
      throw ConfigError(rules::Problem(owner_, "", rules::NotAMapping(KindOf(document_))));
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
    return Take(key, rules::ReadText(ViewOf(*value, Text(*value))));
  }

  std::int64_t GetInt(std::string_view key, std::int64_t fallback, std::int64_t min,
                      std::int64_t max) {
    const Value* value = Resolve(key);
    if (value == nullptr) return fallback;
    return Take(key, rules::ReadInt(ViewOf(*value, Text(*value)), min, max));
  }

  bool GetBool(std::string_view key, bool fallback) {
    const Value* value = Resolve(key);
    if (value == nullptr) return fallback;
    return Take(key, rules::ReadBool(ViewOf(*value, Text(*value))));
  }

  std::int64_t GetDurationMs(std::string_view key, std::int64_t fallback_ms, std::int64_t min_ms,
                             std::int64_t max_ms) {
    const Value* value = Resolve(key);
    if (value == nullptr) return fallback_ms;
    return Take(key, rules::ReadDurationMs(ViewOf(*value, Text(*value)), min_ms, max_ms));
  }

  std::uint64_t GetBytes(std::string_view key, std::uint64_t fallback, std::uint64_t min,
                         std::uint64_t max) {
    const Value* value = Resolve(key);
    if (value == nullptr) return fallback;
    return Take(key, rules::ReadBytes(ViewOf(*value, Text(*value)), min, max));
  }

  // Relative paths are resolved against the base folder (the folder of plugins.yaml).
  std::string GetPath(std::string_view key, std::string_view fallback) {
    return rules::ResolvePath(GetString(key, fallback), base_dir_);
  }

  std::size_t ArrayLength(std::string_view key) {
    const Value* value = Resolve(key);
    if (value == nullptr) return 0;
    if (!value->IsArray()) Fail(key, rules::NotAList(KindOf(*value)));
    return value->Size();
  }

  // The keys of the mapping at `key` in document order (empty when absent); marks `key` only.
  std::vector<std::string> MapKeys(std::string_view key) {
    const Value* value = Resolve(key);
    if (value == nullptr) return {};
    if (!value->IsObject()) Fail(key, rules::NotAMapping(KindOf(*value)));
    std::vector<std::string> names;
    for (const auto& member : value->GetObject()) {
      names.emplace_back(member.name.GetString(), member.name.GetStringLength());
    }
    return names;
  }

  // The plugin's own reason for refusing `key` (config_error). JSON has no lines: the message
  // names plugin and key as the host's does after "plugins.yaml:LINE:COL: ".
  [[noreturn]] void RejectWithReason(std::string_view key, std::string_view message) const {
    throw ConfigError(rules::Reason(owner_, key, message));
  }

  void Finish() const { FindUnknown(document_, ""); }

 private:
  using Value = rapidjson::Value;

  static rules::Kind KindOf(const Value& value) {
    if (value.IsNull()) return rules::Kind::kNull;
    if (value.IsBool()) return rules::Kind::kBool;
    if (value.IsInt64()) return rules::Kind::kInt;
    if (value.IsNumber()) return rules::Kind::kDouble;
    if (value.IsString()) return rules::Kind::kString;
    if (value.IsArray()) return rules::Kind::kArray;
    return rules::Kind::kObject;
  }

  // `text` is Text(value), kept alive by the caller.
  static rules::ValueView ViewOf(const Value& value, const std::string& text) {
    rules::ValueView view;
    view.kind = KindOf(value);
    view.text = text;
    if (value.IsInt64()) view.int_value = value.GetInt64();
    if (value.IsBool()) view.bool_value = value.GetBool();
    return view;
  }

  template <typename T>
  T Take(std::string_view key, rules::Checked<T> checked) const {
    if (!checked.value) Fail(key, checked.problem);
    return *checked.value;
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

  [[noreturn]] void Fail(std::string_view key, const std::string& problem) const {
    throw ConfigError(rules::Problem(owner_, key, problem));
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
        auto index = rules::ParseIndex(part);
        if (!index || *index >= current->Size()) {
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
      if (!rules::WasRead(known_, child_path)) Fail(child_path, std::string(rules::kUnknownKey));
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
  rules::KeySet known_;
  std::string json_;
};

}  // namespace sr::testing::fake_detail

#endif  // SR_TESTING_FAKE_CONFIG_HPP
