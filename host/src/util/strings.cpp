#include "util/strings.h"

#include <charconv>
#include <limits>

namespace sr::host {

std::optional<std::uint64_t> ParseUint(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::int64_t> ParseInt(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string JsonError(std::string_view message) {
  std::string out = "{\"error\":\"";
  AppendJsonEscaped(out, message);
  out += "\"}";
  return out;
}

}  // namespace sr::host
