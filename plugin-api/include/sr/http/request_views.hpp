// How a request's query string and Cookie headers become the name/value pairs that
// request_query and request_cookie answer from. Header-only C++17.
#ifndef SR_HTTP_REQUEST_VIEWS_HPP
#define SR_HTTP_REQUEST_VIEWS_HPP

#include <sr/http/text.hpp>
#include <sr/text.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sr::http {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// Query parameters ('+' is a space) in order of appearance. A pair whose name or value has a
// malformed escape is skipped, not kept raw: a plugin never sees undecoded text as decoded.
inline void AppendQuery(std::string_view query, Pairs& out) {
  if (query.empty()) return;
  for (std::string_view pair : Split(query, '&')) {
    if (pair.empty()) continue;
    size_t equals = pair.find('=');
    auto name = sr::PercentDecode(pair.substr(0, equals), true);
    auto value = sr::PercentDecode(
        equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1), true);
    if (name && value) out.emplace_back(std::move(*name), std::move(*value));
  }
}

// The cookies of one Cookie header value. Items without a name are skipped; a quoted value
// loses its quotes (RFC 6265 allows them around cookie-value); nothing is percent-decoded.
inline void AppendCookies(std::string_view header_value, Pairs& out) {
  for (std::string_view item : Split(header_value, ';')) {
    item = Trim(item);
    size_t equals = item.find('=');
    if (equals == std::string_view::npos || equals == 0) continue;
    std::string_view value = Trim(item.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    out.emplace_back(std::string(Trim(item.substr(0, equals))), std::string(value));
  }
}

// One decoded segment of a request path ("b%20c" is "b c"): `raw` itself when it has no
// escape (no copy), else its decoding in `scratch`. A segment with a malformed escape stays as
// written, so that it can still match a literal or a parameter.
inline std::string_view DecodePathSegment(std::string_view raw, std::string& scratch) {
  if (raw.find('%') == std::string_view::npos) return raw;
  auto decoded = sr::PercentDecode(raw, false);
  if (!decoded) return raw;
  scratch = std::move(*decoded);
  return scratch;
}

}  // namespace sr::http

#endif  // SR_HTTP_REQUEST_VIEWS_HPP
