#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sr/text.hpp>

namespace sr::host {

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string ToLower(std::string_view text);
std::string_view Trim(std::string_view text);
std::vector<std::string_view> Split(std::string_view text, char separator);

// Parses a whole string of decimal digits; nullopt on anything else or overflow.
std::optional<std::uint64_t> ParseUint(std::string_view text);
std::optional<std::int64_t> ParseInt(std::string_view text);

// Shared with plugins through the SDK (sr/text.hpp).
using sr::AppendJsonEscaped;
using sr::PercentDecode;
using sr::ValidUtf8Length;

// True for bytes allowed in an HTTP token (method, header name).
bool IsTokenChar(char c);

// {"error": message}
std::string JsonError(std::string_view message);

}  // namespace sr::host
