#pragma once

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_value.h"

namespace sr::host {

// Typed, validating access to one section of plugins.yaml (the server section or a plugin's
// config). Keys are dotted paths ("tls.cert", "keys.0.name"). Every getter marks its key as
// known; Finish() refuses the first key that nothing asked for. Errors are ConfigError with
// the file, line, owner and key in one line.
class ConfigSection {
 public:
  // `root` may be null (section absent). `owner` reads like "plugin 'auth'" or "server".
  ConfigSection(const ConfigValue* root, std::string owner, std::string file_label,
                std::filesystem::path base_dir);

  bool Has(std::string_view key);
  std::string GetString(std::string_view key, std::string_view fallback);
  std::int64_t GetInt(std::string_view key, std::int64_t fallback, std::int64_t min,
                      std::int64_t max);
  bool GetBool(std::string_view key, bool fallback);
  std::int64_t GetDurationMs(std::string_view key, std::int64_t fallback_ms, std::int64_t min_ms,
                             std::int64_t max_ms);
  std::uint64_t GetBytes(std::string_view key, std::uint64_t fallback, std::uint64_t min,
                         std::uint64_t max);
  // Relative paths are resolved against the base folder.
  std::string GetPath(std::string_view key, std::string_view fallback);
  std::size_t ArrayLength(std::string_view key);
  // The keys of the mapping at `key` in file order (empty when absent). Marks `key` as known,
  // not the values below it: they are read with the getters.
  std::vector<std::string_view> MapKeys(std::string_view key);
  // Accepts everything below `key` (empty: the whole section) without checking its keys;
  // for values the owner validates itself.
  void AcceptWhole(std::string_view key);
  void Finish();
  // Refuses the value at `key` (present) with `problem`, naming file, line, owner and key.
  [[noreturn]] void Reject(std::string_view key, const std::string& problem);
  // The owner's own reason for refusing `key`: "file:line:col: owner: key 'k': message", at
  // the line of the nearest part of the key that is present (the section itself at worst).
  [[noreturn]] void RejectWithReason(std::string_view key, std::string_view message) const;

  // The whole section as JSON ("{}" when absent).
  const std::string& Json() const { return json_; }

  const std::string& owner() const { return owner_; }
  const std::filesystem::path& base_dir() const { return base_dir_; }

 private:
  const ConfigValue* Resolve(std::string_view key);
  [[noreturn]] void Fail(const ConfigValue* at, std::string_view key,
                         const std::string& problem) const;
  void FindUnknown(const ConfigValue& value, const std::string& path) const;

  const ConfigValue* root_;
  std::string owner_;
  std::string file_label_;
  std::filesystem::path base_dir_;
  std::set<std::string, std::less<>> known_;
  std::set<std::string, std::less<>> accepted_whole_;
  std::string json_;
};

// The unit grammars are the SDK's (sr/config_rules.hpp), shared with the fake host.
using sr::config::ParseBytes;
using sr::config::ParseDurationMs;

}  // namespace sr::host
