// Per-spawner tokens: "srt_<id>_<43 base64url characters of 32 random bytes>". The registry
// hands a token out once, in the answer to the registration, and keeps only its BLAKE2b-256
// digest; the id inside lets a check look up exactly one spawner.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "spawner.h"

namespace sr::spawner_registry {

inline constexpr std::string_view kTokenPrefix = "srt_";
inline constexpr std::size_t kTokenSecretBytes = 32;
inline constexpr std::size_t kTokenSecretChars = 43;  // base64url without padding

struct IssuedToken {
  std::string token;
  TokenDigest digest{};
};

// Initializes libsodium (once per process; later calls are free). Throws std::runtime_error
// when it cannot be initialized. The functions below call it themselves.
void InitTokens();

// A fresh token for spawner `id` (libsodium's randombytes_buf). Throws std::runtime_error
// when libsodium cannot be initialized.
IssuedToken IssueToken(SpawnerId id);

TokenDigest DigestToken(std::string_view token);

// The spawner id a well-formed token names; nullopt for anything that is not a token.
std::optional<SpawnerId> TokenSpawnerId(std::string_view token);

// True when `token`'s digest equals `digest`; compared in constant time (sodium_memcmp).
bool TokenMatches(std::string_view token, const TokenDigest& digest);

// Lowercase hex, for the stored record.
std::string DigestHex(const TokenDigest& digest);
std::optional<TokenDigest> ParseDigestHex(std::string_view hex);

}  // namespace sr::spawner_registry
