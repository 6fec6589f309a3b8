// The configuration value rules, shared by the host (host/src/config/config_section.cpp) and
// sr::testing::FakeHost (sr/testing/fake_config.hpp): unit grammars for durations and sizes,
// which value kinds each typed getter accepts, range checks, and the exact wording of every
// problem. Each side keeps only its own tree (YAML with line marks, or JSON) and the prefix
// naming where the value stands. Header-only C++17, standard library only.
#ifndef SR_CONFIG_RULES_HPP
#define SR_CONFIG_RULES_HPP

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include <sr/http/text.hpp>

namespace sr::config {

using sr::http::Split;
using sr::http::Trim;

// What a configuration value is, whichever tree holds it.
enum class Kind { kNull, kBool, kInt, kDouble, kString, kArray, kObject };

inline const char* TypeName(Kind kind) {
  switch (kind) {
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return "a boolean";
    case Kind::kInt:
      return "an integer";
    case Kind::kDouble:
      return "a number";
    case Kind::kString:
      return "a string";
    case Kind::kArray:
      return "a list";
    case Kind::kObject:
      return "a mapping";
  }
  return "unknown";
}

inline bool IsScalar(Kind kind) { return kind != Kind::kArray && kind != Kind::kObject; }

// One value as the getters see it: its kind, the scalar as written, and the integer or
// boolean the reader resolved it to (when kind says so).
struct ValueView {
  Kind kind = Kind::kNull;
  std::string_view text;
  std::int64_t int_value = 0;
  bool bool_value = false;
};

// A getter's answer: the value, or the problem that follows "key 'k' " in the message.
template <typename T>
struct Checked {
  std::optional<T> value;
  std::string problem;
};

// ---- grammars ---------------------------------------------------------------------------

// A whole decimal integer with an optional '+'; nullopt on anything else or overflow.
inline std::optional<std::int64_t> ParseInt(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// A list index in a dotted key ("keys.0.name"): digits only.
inline std::optional<std::uint64_t> ParseIndex(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

inline std::optional<double> ParseNumber(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::string copy(text);
  char* end = nullptr;
  double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

struct Unit {
  std::string_view suffix;
  double factor;
};

// A non-negative number with an optional unit suffix; the first matching suffix wins.
template <size_t N>
std::optional<double> ParseWithUnit(std::string_view text, const Unit (&units)[N],
                                    double bare_factor) {
  text = Trim(text);
  double factor = bare_factor;
  for (const Unit& unit : units) {
    if (text.size() > unit.suffix.size() &&
        text.substr(text.size() - unit.suffix.size()) == unit.suffix) {
      factor = unit.factor;
      text = Trim(text.substr(0, text.size() - unit.suffix.size()));
      break;
    }
  }
  auto number = ParseNumber(text);
  if (!number || *number < 0) return std::nullopt;
  return *number * factor;
}

// "250ms", "5s", "2m", "1h" or a bare number of seconds; nullopt if malformed.
inline std::optional<std::int64_t> ParseDurationMs(std::string_view text) {
  static constexpr Unit kUnits[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}};
  auto millis = ParseWithUnit(text, kUnits, 1000);
  if (!millis || *millis > static_cast<double>(std::numeric_limits<std::int64_t>::max() / 2)) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(std::llround(*millis));
}

// "512", "64KiB", "8MiB", "1GiB", "10MB", "100B"; nullopt if malformed.
inline std::optional<std::uint64_t> ParseBytes(std::string_view text) {
  static constexpr Unit kUnits[] = {{"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0},
                                    {"KB", 1000.0},  {"MB", 1000000.0},  {"GB", 1000000000.0},
                                    {"K", 1024.0},   {"M", 1048576.0},   {"G", 1073741824.0},
                                    {"B", 1.0}};
  auto bytes = ParseWithUnit(text, kUnits, 1);
  if (!bytes || *bytes > 1.8e19) return std::nullopt;
  return static_cast<std::uint64_t>(std::llround(*bytes));
}

// ---- messages ---------------------------------------------------------------------------

// A value as a message shows it: strings quoted, other scalars as written, else the type.
inline std::string Quote(const ValueView& value) {
  if (value.kind == Kind::kString) {
    // Appended, not `"\"" + std::string(...)`: GCC 12 at -O3 reports a false -Wrestrict in
    // that operator+ (GCC PR 105651), which would stop plugins built with -Werror.
    std::string quoted;
    quoted.reserve(value.text.size() + 2);
    quoted += '"';
    quoted += value.text;
    quoted += '"';
    return quoted;
  }
  if (IsScalar(value.kind) && !value.text.empty()) return std::string(value.text);
  return TypeName(value.kind);
}

inline std::string NotAMapping(Kind kind) {
  return std::string("must be a mapping, not ") + TypeName(kind);
}
inline std::string NotAList(Kind kind) {
  return std::string("must be a list, not ") + TypeName(kind);
}
inline constexpr std::string_view kUnknownKey = "is not a known setting (check its spelling)";

// "<owner>: key '<key>' <problem>" (no key part for the section itself); the host puts
// "file:line:col: " before it.
inline std::string Problem(std::string_view owner, std::string_view key, std::string_view problem) {
  std::string message(owner);
  if (!key.empty()) message += ": key '" + std::string(key) + "'";
  return message + " " + std::string(problem);
}

// The owner's own reason for refusing `key` (config_error): "<owner>: key '<key>': <reason>".
inline std::string Reason(std::string_view owner, std::string_view key, std::string_view reason) {
  std::string message(owner);
  if (!key.empty()) message += ": key '" + std::string(key) + "'";
  return message + ": " + std::string(reason);
}

// ---- typed getters ----------------------------------------------------------------------

inline Checked<std::string> ReadText(const ValueView& value) {
  if (!IsScalar(value.kind))
    return {std::nullopt, std::string("must be text, not ") + TypeName(value.kind)};
  return {std::string(value.text), {}};
}

inline Checked<std::int64_t> ReadInt(const ValueView& value, std::int64_t min, std::int64_t max) {
  std::optional<std::int64_t> parsed;
  if (value.kind == Kind::kInt) {
    parsed = value.int_value;
  } else if (value.kind == Kind::kString) {
    parsed = ParseInt(Trim(value.text));
  }
  if (!parsed) return {std::nullopt, "must be an integer, got " + Quote(value)};
  if (*parsed < min || *parsed > max) {
    return {std::nullopt, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                              ", got " + std::to_string(*parsed)};
  }
  return {parsed, {}};
}

inline Checked<bool> ReadBool(const ValueView& value) {
  if (value.kind == Kind::kBool) return {value.bool_value, {}};
  if (value.kind == Kind::kString) {
    if (value.text == "true") return {true, {}};
    if (value.text == "false") return {false, {}};
  }
  return {std::nullopt, "must be true or false, got " + Quote(value)};
}

inline bool IsNumberOrText(Kind kind) {
  return kind == Kind::kInt || kind == Kind::kDouble || kind == Kind::kString;
}

inline Checked<std::int64_t> ReadDurationMs(const ValueView& value, std::int64_t min_ms,
                                            std::int64_t max_ms) {
  std::optional<std::int64_t> millis;
  if (IsNumberOrText(value.kind)) millis = ParseDurationMs(value.text);
  if (!millis) {
    return {std::nullopt,
            "must be a duration such as \"250ms\", \"30s\", \"5m\" or a number of seconds, got " +
                Quote(value)};
  }
  if (*millis < min_ms || *millis > max_ms) {
    return {std::nullopt, "must be between " + std::to_string(min_ms) + "ms and " +
                              std::to_string(max_ms) + "ms, got " + std::to_string(*millis) + "ms"};
  }
  return {millis, {}};
}

inline Checked<std::uint64_t> ReadBytes(const ValueView& value, std::uint64_t min,
                                        std::uint64_t max) {
  std::optional<std::uint64_t> bytes;
  if (IsNumberOrText(value.kind)) bytes = ParseBytes(value.text);
  if (!bytes) {
    return {std::nullopt,
            "must be a size such as \"64KiB\", \"8MiB\" or a number of bytes, got " + Quote(value)};
  }
  if (*bytes < min || *bytes > max) {
    return {std::nullopt, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                              " bytes, got " + std::to_string(*bytes)};
  }
  return {bytes, {}};
}

// A path from the configuration: relative ones are taken from `base_dir`.
inline std::string ResolvePath(const std::string& text, const std::filesystem::path& base_dir) {
  if (text.empty()) return text;
  std::filesystem::path path(text);
  if (path.is_relative()) path = base_dir / path;
  return path.lexically_normal().string();
}

// ---- unknown keys -----------------------------------------------------------------------

using KeySet = std::set<std::string, std::less<>>;

// Whether a getter asked for `path` or for anything below it.
inline bool WasRead(const KeySet& known, const std::string& path) {
  if (known.count(path) > 0) return true;
  auto below = known.lower_bound(path + ".");
  return below != known.end() && below->rfind(path + ".", 0) == 0;
}

}  // namespace sr::config

#endif  // SR_CONFIG_RULES_HPP
