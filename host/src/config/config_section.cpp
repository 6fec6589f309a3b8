#include "config/config_section.h"

#include "config/config_error.h"
#include "util/strings.h"

namespace sr::host {

namespace rules = sr::config;

namespace {

// The value or, when the shared rules refuse it, a ConfigError through `fail`.
template <typename T, typename Fail>
T Take(rules::Checked<T> checked, Fail&& fail) {
  if (!checked.value) fail(checked.problem);
  return *checked.value;
}

}  // namespace

ConfigSection::ConfigSection(const ConfigValue* root, std::string owner, std::string file_label,
                             std::filesystem::path base_dir)
    : root_(root),
      owner_(std::move(owner)),
      file_label_(std::move(file_label)),
      base_dir_(std::move(base_dir)) {
  if (root_ != nullptr && root_->kind != ConfigValue::Kind::kObject &&
      root_->kind != ConfigValue::Kind::kNull) {
    Fail(root_, "", rules::NotAMapping(root_->kind));
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
  throw ConfigError(where + ": " + rules::Problem(owner_, key, problem));
}

const ConfigValue* ConfigSection::Resolve(std::string_view key) {
  known_.emplace(key);
  if (root_ == nullptr || root_->kind != ConfigValue::Kind::kObject) return nullptr;
  const ConfigValue* current = root_;
  for (std::string_view part : Split(key, '.')) {
    if (current->kind == ConfigValue::Kind::kObject) {
      current = current->Find(part);
    } else if (current->kind == ConfigValue::Kind::kArray) {
      auto index = rules::ParseIndex(part);
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
  return Take(rules::ReadText(value->View()),
              [&](const std::string& problem) { Fail(value, key, problem); });
}

std::int64_t ConfigSection::GetInt(std::string_view key, std::int64_t fallback, std::int64_t min,
                                   std::int64_t max) {
  const ConfigValue* value = Resolve(key);
  if (value == nullptr) return fallback;
  return Take(rules::ReadInt(value->View(), min, max),
              [&](const std::string& problem) { Fail(value, key, problem); });
}

bool ConfigSection::GetBool(std::string_view key, bool fallback) {
  const ConfigValue* value = Resolve(key);
  if (value == nullptr) return fallback;
  return Take(rules::ReadBool(value->View()),
              [&](const std::string& problem) { Fail(value, key, problem); });
}

std::int64_t ConfigSection::GetDurationMs(std::string_view key, std::int64_t fallback_ms,
                                          std::int64_t min_ms, std::int64_t max_ms) {
  const ConfigValue* value = Resolve(key);
  if (value == nullptr) return fallback_ms;
  return Take(rules::ReadDurationMs(value->View(), min_ms, max_ms),
              [&](const std::string& problem) { Fail(value, key, problem); });
}

std::uint64_t ConfigSection::GetBytes(std::string_view key, std::uint64_t fallback,
                                      std::uint64_t min, std::uint64_t max) {
  const ConfigValue* value = Resolve(key);
  if (value == nullptr) return fallback;
  return Take(rules::ReadBytes(value->View(), min, max),
              [&](const std::string& problem) { Fail(value, key, problem); });
}

std::string ConfigSection::GetPath(std::string_view key, std::string_view fallback) {
  return rules::ResolvePath(GetString(key, fallback), base_dir_);
}

std::size_t ConfigSection::ArrayLength(std::string_view key) {
  const ConfigValue* value = Resolve(key);
  if (value == nullptr) return 0;
  if (value->kind != ConfigValue::Kind::kArray) {
    Fail(value, key, rules::NotAList(value->kind));
  }
  return value->items.size();
}

std::vector<std::string_view> ConfigSection::MapKeys(std::string_view key) {
  const ConfigValue* value = Resolve(key);
  if (value == nullptr) return {};
  if (value->kind != ConfigValue::Kind::kObject) {
    Fail(value, key, rules::NotAMapping(value->kind));
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
        auto index = rules::ParseIndex(part);
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
  throw ConfigError(where + ": " + rules::Reason(owner_, key, message));
}

void ConfigSection::AcceptWhole(std::string_view key) {
  known_.emplace(key);
  accepted_whole_.emplace(key);
}

void ConfigSection::FindUnknown(const ConfigValue& value, const std::string& path) const {
  if (accepted_whole_.count(path) > 0) return;
  auto visit = [&](const ConfigValue& child, const std::string& child_path) {
    if (!rules::WasRead(known_, child_path)) {
      Fail(&child, child_path, std::string(rules::kUnknownKey));
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
