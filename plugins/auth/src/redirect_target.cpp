#include "redirect_target.h"

#include "text.h"

namespace sr::auth {

namespace {

constexpr std::size_t kMaxNextBytes = 2048;

// Bytes a browser would not accept unescaped in a Location header.
bool NeedsEscapeInLocation(unsigned char c) {
  return c <= 0x20 || c >= 0x7F || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' ||
         c == '}' || c == '|' || c == '^';
}

}  // namespace

std::optional<std::string> SafeRedirectPath(std::string_view next) {
  if (next.empty() || next.size() > kMaxNextBytes || next.front() != '/') return std::nullopt;
  // "//host" and "/\host" are protocol-relative URLs to browsers.
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return std::nullopt;
  std::string location;
  location.reserve(next.size());
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : next) {
    auto byte = static_cast<unsigned char>(c);
    // Browsers drop tabs and newlines and read '\' as '/', which could rebuild "//host".
    if (byte < 0x20 || byte == 0x7F || c == '\\') return std::nullopt;
    if (NeedsEscapeInLocation(byte)) {
      location += '%';
      location += kHex[byte >> 4];
      location += kHex[byte & 0xF];
    } else {
      location += c;
    }
  }
  return location;
}

std::string RedirectAfterLogin(std::string_view next) {
  auto safe = SafeRedirectPath(next);
  return safe ? *safe : std::string(kDefaultAfterLogin);
}

std::string LoginRedirectLocation(std::string_view path, std::string_view query) {
  std::string target(path);
  if (!query.empty()) {
    target += '?';
    target += query;
  }
  if (!SafeRedirectPath(target)) return "/login";
  return "/login?next=" + PercentEncode(target);
}

}  // namespace sr::auth
