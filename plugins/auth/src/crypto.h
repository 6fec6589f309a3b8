// Thin, typed wrappers over the libsodium primitives the auth plugin relies on.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sr::auth {

// A fixed-length digest. Secrets are only ever compared through digests of this one length,
// so a comparison can never leak the length of a stored secret.
inline constexpr std::size_t kDigestBytes = 32;
using Digest = std::array<unsigned char, kDigestBytes>;

// Initialises libsodium (idempotent, thread-safe). Throws std::runtime_error if it cannot.
void InitSodium();

// `byte_count` bytes from the system CSPRNG, encoded as unpadded base64url.
std::string RandomToken(std::size_t byte_count);

// BLAKE2b-256 of `text`, personalised by `domain` so that digests made for one purpose (API
// keys, session ids) can never be confused with those of another.
Digest DigestOf(std::string_view domain, std::string_view text);

// Constant-time equality of two digests (sodium_memcmp).
bool SodiumDigestEqual(const Digest& left, const Digest& right);

// Constant-time equality of two strings of equal length; false at once when lengths differ,
// which is only acceptable where lengths are public (e.g. fixed-size random tokens).
bool SodiumEqualSameLength(std::string_view left, std::string_view right);

// Overwrites `secret` with zeros (in a way the compiler cannot drop) and empties it, so that
// a key or password read from the configuration does not linger in memory.
void WipeSecret(std::string& secret);

std::string ToHex(const Digest& digest);
std::optional<Digest> DigestFromHex(std::string_view hex);

}  // namespace sr::auth
