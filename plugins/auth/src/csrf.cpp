#include "csrf.h"

#include <string>

#include "crypto.h"
#include "text.h"

namespace sr::auth {

namespace {

struct Authority {
  std::string scheme;
  std::string host_port;  // lower-case, default port removed
};

// "host:port" without the scheme's default port, lower-cased.
std::string NormalizeHostPort(std::string_view host_port, std::string_view scheme) {
  std::string normalized = AsciiLower(host_port);
  std::string_view default_port = scheme == "https" ? ":443" : scheme == "http" ? ":80" : "";
  if (!default_port.empty() && normalized.size() > default_port.size() &&
      normalized.compare(normalized.size() - default_port.size(), default_port.size(),
                         default_port) == 0) {
    normalized.resize(normalized.size() - default_port.size());
  }
  return normalized;
}

// Scheme and authority of an absolute http(s) URL; nullopt for anything else ("null", userinfo).
std::optional<Authority> ParseOrigin(std::string_view url) {
  std::size_t separator = url.find("://");
  if (separator == std::string_view::npos) return std::nullopt;
  std::string scheme = AsciiLower(url.substr(0, separator));
  if (scheme != "http" && scheme != "https") return std::nullopt;
  std::string_view rest = url.substr(separator + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
  for (char c : authority) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == '\\') return std::nullopt;
  }
  return Authority{scheme, NormalizeHostPort(authority, scheme)};
}

bool AuthorityMatchesHost(const Authority& authority, std::string_view host) {
  host = TrimSpaces(host);
  if (host.empty()) return false;
  return authority.host_port == NormalizeHostPort(host, authority.scheme);
}

}  // namespace

bool IsStateChangingMethod(std::string_view method) {
  return !(method == "GET" || method == "HEAD" || method == "OPTIONS");
}

bool OriginMatchesHost(std::string_view origin, std::string_view host) {
  origin = TrimSpaces(origin);
  // An Origin is scheme://authority and nothing more.
  auto parsed = ParseOrigin(origin);
  if (!parsed) return false;
  std::size_t authority_end = origin.find("://") + 3;
  if (origin.find('/', authority_end) != std::string_view::npos) return false;
  return AuthorityMatchesHost(*parsed, host);
}

bool RefererMatchesHost(std::string_view referer, std::string_view host) {
  auto parsed = ParseOrigin(TrimSpaces(referer));
  return parsed && AuthorityMatchesHost(*parsed, host);
}

bool IsSameOrigin(const CsrfFacts& facts) {
  if (!facts.host) return false;
  if (facts.origin) return OriginMatchesHost(*facts.origin, *facts.host);
  if (facts.referer) return RefererMatchesHost(*facts.referer, *facts.host);
  return false;
}

bool CsrfCheckPasses(const CsrfFacts& facts, std::string_view expected_token) {
  if (!IsStateChangingMethod(facts.method)) return true;
  if (expected_token.empty() || !facts.presented_token) return false;
  // Tokens are fixed-length random strings, so comparing lengths first reveals nothing.
  bool token_ok = SodiumEqualSameLength(TrimSpaces(*facts.presented_token), expected_token);
  bool origin_ok = IsSameOrigin(facts);
  return token_ok && origin_ok;
}

}  // namespace sr::auth
