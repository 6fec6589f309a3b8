// The two guards the plugin provides, as pure decisions over RequestFacts.
//
//   api-key[:spawner|operator|admin]  X-API-Key or Authorization: Bearer, compared in constant
//                                     time; a key needs at least the named role (any key when
//                                     none is named) and, when it lists networks, a client
//                                     address in them. A per-spawner token (checked by the
//                                     spawner-credentials service) has the role spawner.
//   session[:viewer|operator|admin]   the session cookie; state-changing methods also need
//                                     the CSRF token and a same-origin Origin/Referer.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
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
  // Or attributes that outlive the verdict (an API key's grant), copied by nobody.
  const std::vector<HeaderField>* shared_attributes = nullptr;

  const std::vector<HeaderField>& granted() const {
    return shared_attributes ? *shared_attributes : attributes;
  }

  static GuardVerdict Allow(std::vector<HeaderField> attributes);
  static GuardVerdict Allow(const std::vector<HeaderField>* lasting_attributes);
  static GuardVerdict Deny(HttpReply reply);
  static GuardVerdict Abstain(HttpReply reply);
};

// The spawner id of a live per-spawner token, or nullopt (the "spawner-credentials" service).
// Must not block and must compare the secret in constant time.
using SpawnerTokenCheck = std::function<std::optional<std::uint64_t>(std::string_view token)>;

class ApiKeyGuard {
 public:
  // `verifier` may change while requests arrive (the generated key changed on another
  // master): each check uses one consistent set of keys. Without `spawner_tokens` only
  // configured keys are accepted.
  ApiKeyGuard(const ApiKeyVerifier& verifier, AuthCore& core,
              SpawnerTokenCheck spawner_tokens = {});
  // Reads only request.api_key and request.client_ip (the shim fills no more: ApiKeyFactsOf).
  GuardVerdict Check(const RequestFacts& request, std::string_view argument);

 private:
  const ApiKeyVerifier& verifier_;
  AuthCore& core_;
  SpawnerTokenCheck spawner_tokens_;
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
