// Cross-site request forgery defence for requests authenticated by the session cookie: a
// state-changing request must carry the session's token in X-CSRF-Token and come from a page
// of this very origin.
#pragma once

#include <optional>
#include <string_view>

namespace sr::auth {

struct CsrfFacts {
  std::string_view method;
  std::optional<std::string_view> presented_token;  // X-CSRF-Token
  std::optional<std::string_view> origin;
  std::optional<std::string_view> referer;
  std::optional<std::string_view> host;
};

// POST, PUT, PATCH, DELETE, and any method this list does not know as safe.
bool IsStateChangingMethod(std::string_view method);

// True if `origin` ("https://host:port") names the same host and port as the Host header.
bool OriginMatchesHost(std::string_view origin, std::string_view host);
// The same for the origin part of a Referer URL.
bool RefererMatchesHost(std::string_view referer, std::string_view host);

// Origin decides when present, else Referer; neither means "not provably same-origin".
bool IsSameOrigin(const CsrfFacts& facts);

// Passes safe methods; for state-changing ones needs the expected token (compared in
// constant time) and a same-origin Origin or Referer.
bool CsrfCheckPasses(const CsrfFacts& facts, std::string_view expected_token);

}  // namespace sr::auth
