// The two guards the plugin provides, as pure decisions over RequestFacts.
//
//   api-key[:spawner|operator|admin]  X-API-Key, compared in constant time; a key needs at
//                                     least the named role (any key when none is named).
//   session[:viewer|operator|admin]   the sr_session cookie; state-changing methods also need
//                                     the CSRF token and a same-origin Origin/Referer.
#pragma once

#include <string_view>
#include <vector>

#include "api_key_verifier.h"
#include "auth_core.h"
#include "http_types.h"

namespace sr::auth {

struct GuardVerdict {
  enum class Decision { kAllow, kDeny, kAbstain };
  Decision decision = Decision::kDeny;
  HttpReply reply;                      // what to answer unless allowed
  std::vector<HeaderField> attributes;  // request attributes when allowed

  static GuardVerdict Allow(std::vector<HeaderField> attributes);
  static GuardVerdict Deny(HttpReply reply);
  static GuardVerdict Abstain(HttpReply reply);
};

class ApiKeyGuard {
 public:
  // `verifier` must not change once requests arrive.
  ApiKeyGuard(const ApiKeyVerifier& verifier, AuthCore& core);
  GuardVerdict Check(const RequestFacts& request, std::string_view argument);

 private:
  const ApiKeyVerifier& verifier_;
  AuthCore& core_;
};

class SessionGuard {
 public:
  explicit SessionGuard(AuthCore& core);
  GuardVerdict Check(const RequestFacts& request, std::string_view argument);

 private:
  AuthCore& core_;
};

// Seconds for a Retry-After header: at least 1, rounded up.
std::int64_t RetryAfterSeconds(std::int64_t wait_ms);

}  // namespace sr::auth
