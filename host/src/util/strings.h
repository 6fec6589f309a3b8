#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sr/http/text.hpp>
#include <sr/text.hpp>

namespace sr::host {

// The HTTP text rules are the SDK's (sr/http/text.hpp), shared with the fake host.
using sr::http::EqualsIgnoreCase;
using sr::http::ForEachPart;
using sr::http::IsTokenChar;  // bytes allowed in an HTTP token (method, header name)
using sr::http::Split;
using sr::http::Trim;

// Parses a whole string of decimal digits; nullopt on anything else or overflow.
std::optional<std::uint64_t> ParseUint(std::string_view text);
std::optional<std::int64_t> ParseInt(std::string_view text);

// Shared with plugins through the SDK (sr/text.hpp).
using sr::AppendJsonEscaped;
using sr::PercentDecode;
using sr::ValidUtf8Length;

// {"error": message}
std::string JsonError(std::string_view message);

}  // namespace sr::host
