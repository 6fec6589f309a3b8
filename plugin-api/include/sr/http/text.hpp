// Text helpers of the HTTP rules (sr/http/): ASCII case folding, trimming, splitting and the
// RFC 9110 token alphabet. Header-only C++17, standard library only.
#ifndef SR_HTTP_TEXT_HPP
#define SR_HTTP_TEXT_HPP

#include <string_view>
#include <type_traits>
#include <vector>

namespace sr::http {

inline char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

// Optional whitespace as HTTP uses it, plus line ends.
inline std::string_view Trim(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// Calls `visit(part)` for every part, empty ones included, in order, without collecting them:
// Split for the request path, where a vector per request is an allocation per request.
// `visit` may return false to stop early; ForEachPart then returns false.
template <typename Visit>
inline bool ForEachPart(std::string_view text, char separator, Visit&& visit) {
  for (;;) {
    size_t end = text.find(separator);
    std::string_view part = text.substr(0, end);
    if constexpr (std::is_same_v<decltype(visit(part)), bool>) {
      if (!visit(part)) return false;
    } else {
      visit(part);
    }
    if (end == std::string_view::npos) return true;
    text.remove_prefix(end + 1);
  }
}

// Every part, empty ones included: "a//b" is {"a", "", "b"}.
inline std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t end = text.find(separator); end != std::string_view::npos;
       end = text.find(separator, start)) {
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  parts.push_back(text.substr(start));
  return parts;
}

namespace detail {
// One entry a byte: every header name of every request is checked byte by byte.
struct TokenAlphabet {
  bool allowed[256] = {};
  constexpr TokenAlphabet() {
    for (int c = 'a'; c <= 'z'; ++c) allowed[c] = true;
    for (int c = 'A'; c <= 'Z'; ++c) allowed[c] = true;
    for (int c = '0'; c <= '9'; ++c) allowed[c] = true;
    for (char c : std::string_view("!#$%&'*+-.^_`|~")) allowed[static_cast<unsigned char>(c)] = true;
  }
};
inline constexpr TokenAlphabet kTokenAlphabet{};
}  // namespace detail

// RFC 9110 token characters (methods, header names).
inline bool IsTokenChar(char c) {
  return detail::kTokenAlphabet.allowed[static_cast<unsigned char>(c)];
}

}  // namespace sr::http

#endif  // SR_HTTP_TEXT_HPP
