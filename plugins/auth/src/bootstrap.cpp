#include "bootstrap.h"

#include <stdexcept>

#include "crypto.h"

namespace sr::auth {

namespace {
constexpr std::size_t kGeneratedKeyBytes = 32;       // 256 bits
constexpr std::size_t kGeneratedPasswordBytes = 24;  // 192 bits, 32 characters
}  // namespace

std::optional<std::string> EnsureApiKey(ApiKeyVerifier& verifier, GeneratedKeyStore& store,
                                        bool spawner_key_configured) {
  if (spawner_key_configured) return std::nullopt;
  if (auto digest = store.Load()) {
    // Set, not add: in a cluster the watch of the store may have brought it in already.
    verifier.SetDigest(std::string(kGeneratedKeyName), *digest, Role::kSpawner);
    return std::nullopt;
  }
  std::string key = RandomToken(kGeneratedKeyBytes);
  Digest digest = ApiKeyVerifier::DigestOfKey(key);
  store.Save(digest);
  verifier.SetDigest(std::string(kGeneratedKeyName), digest, Role::kSpawner);
  return key;
}

bool ApplyGeneratedKeyChange(ApiKeyVerifier& verifier, std::string_view value, bool deleted) {
  std::optional<Digest> digest;
  if (!deleted) {
    digest = DigestFromHex(value);
    if (!digest) return false;
  }
  verifier.SetDigest(std::string(kGeneratedKeyName), digest, Role::kSpawner);
  return true;
}

AdminBootstrap EnsureAdmin(UserDirectory& users, const PasswordHasher& hasher,
                           const PasswordPolicy& policy, std::string_view email,
                           std::optional<std::string_view> given_password, std::int64_t now_ms) {
  AdminBootstrap result;
  auto normalized = NormalizeEmail(email);
  if (!normalized) {
    throw std::invalid_argument("the admin email '" + std::string(email) + "' is not valid");
  }
  result.email = *normalized;
  if (users.AnyAdmin()) return result;
  if (users.FindByEmail(*normalized)) {
    result.outcome = AdminBootstrap::Outcome::kEmailTaken;
    return result;
  }
  std::string password;
  if (given_password) {
    if (auto problem = policy.Problem(*given_password)) {
      throw std::invalid_argument("ADMIN_PASSWORD is refused: " + *problem);
    }
    password = std::string(*given_password);
    result.outcome = AdminBootstrap::Outcome::kCreated;
  } else {
    password = RandomToken(kGeneratedPasswordBytes);
    result.outcome = AdminBootstrap::Outcome::kCreatedWithRandom;
  }
  auto created = users.Create(*normalized, Role::kAdmin, hasher.Hash(password), now_ms);
  if (!created) throw std::invalid_argument("cannot create the admin " + *normalized);
  if (result.outcome == AdminBootstrap::Outcome::kCreatedWithRandom) {
    result.password = std::move(password);
  }
  return result;
}

}  // namespace sr::auth
