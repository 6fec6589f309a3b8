// First start without secrets: never a default key or password. What is generated is returned
// exactly once, for one log line, and kept afterwards only as a digest or an argon2 hash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api_key_verifier.h"
#include "generated_key_store.h"
#include "password_hasher.h"
#include "password_policy.h"
#include "user_directory.h"

namespace sr::auth {

// The generated key stands in for MASTER_API_KEY, so it has its name and its role (spawner).
inline constexpr std::string_view kGeneratedKeyName = "master";

// When `spawner_key_configured` is false (neither MASTER_API_KEY nor api_keys gives a key;
// ADMIN_API_KEY does not count: it is not for spawners), adds the generated key (role
// spawner): the one stored in `store`, or a new random one, which is saved and returned.
// Returns nullopt otherwise.
std::optional<std::string> EnsureApiKey(ApiKeyVerifier& verifier, GeneratedKeyStore& store,
                                        bool spawner_key_configured);

// The generated key's digest changed on another master (cluster mode): gives the verifier's
// generated key the new digest, or removes it when `deleted`. Returns false (and changes
// nothing) when `value` is not a digest. Throws std::invalid_argument like SetDigest.
bool ApplyGeneratedKeyChange(ApiKeyVerifier& verifier, std::string_view value, bool deleted);

struct AdminBootstrap {
  enum class Outcome {
    kAdminExists,        // nothing to do
    kCreated,            // created with the given password
    kCreatedWithRandom,  // created with `password`, to be shown once
    kEmailTaken,         // no admin, but the email belongs to a non-admin user
  };
  Outcome outcome = Outcome::kAdminExists;
  std::string email;
  std::string password;  // only for kCreatedWithRandom
};

// Creates the first admin when no admin exists. `given_password` (ADMIN_PASSWORD) must pass
// the policy; throws std::invalid_argument when it does not or the email is malformed, and
// StoreError when the store fails.
AdminBootstrap EnsureAdmin(UserDirectory& users, const PasswordHasher& hasher,
                           const PasswordPolicy& policy, std::string_view email,
                           std::optional<std::string_view> given_password, std::int64_t now_ms);

}  // namespace sr::auth
