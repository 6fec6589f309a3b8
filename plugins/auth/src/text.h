// Small text helpers: URL encoding, form bodies, HTML escaping, UTF-8 clean-up.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <sr/text.hpp>

namespace sr::auth {

// Percent-encodes every byte except RFC 3986 unreserved characters.
std::string PercentEncode(std::string_view text);
// Decodes %XX escapes (and '+' as space when `plus_is_space`); nullopt on a malformed escape.
using sr::PercentDecode;
// application/x-www-form-urlencoded; the first occurrence of a name wins. Malformed pairs
// are skipped.
std::map<std::string, std::string, std::less<>> ParseFormBody(std::string_view body);

// & < > " ' as entities, for text and attribute values of the login page.
using sr::HtmlEscape;
std::string AsciiLower(std::string_view text);
std::string_view TrimSpaces(std::string_view text);
bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle);
bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix);

// At most `max_bytes` of `text`, with invalid UTF-8 sequences and control characters other
// than tab replaced by '?', never cutting a character in half. For untrusted text that ends
// up in JSON or logs.
std::string CleanText(std::string_view text, std::size_t max_bytes);

}  // namespace sr::auth
