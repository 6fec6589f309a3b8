#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sr::host {

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string ToLower(std::string_view text);
std::string_view Trim(std::string_view text);
std::vector<std::string_view> Split(std::string_view text, char separator);

// Parses a whole string of decimal digits; nullopt on anything else or overflow.
std::optional<std::uint64_t> ParseUint(std::string_view text);
std::optional<std::int64_t> ParseInt(std::string_view text);

// Decodes %XX escapes (and '+' as space when `plus_is_space`); nullopt on a broken escape.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);

// True for bytes allowed in an HTTP token (method, header name).
bool IsTokenChar(char c);

// Length of the valid UTF-8 sequence starting at `at`, or 0 if it is broken.
size_t ValidUtf8Length(std::string_view text, size_t at);

// Appends `text` as the inside of a JSON string; broken UTF-8 becomes U+FFFD.
void AppendJsonEscaped(std::string& out, std::string_view text);
// {"error": message}
std::string JsonError(std::string_view message);

}  // namespace sr::host
