// argon2id password hashes (libsodium crypto_pwhash_str), with a dummy verification that
// takes as long as a real one so that unknown accounts cannot be told apart by timing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sr::auth {

struct Argon2Limits {
  std::uint64_t opslimit = 0;
  std::size_t memlimit_bytes = 0;

  // libsodium's "interactive" profile: the recommended floor for logins.
  static Argon2Limits Interactive();
  static Argon2Limits Minimum();
  bool BelowInteractive() const;
};

class PasswordHasher {
 public:
  explicit PasswordHasher(Argon2Limits limits);

  // An encoded "$argon2id$..." string with its own random salt. Throws std::runtime_error if
  // libsodium runs out of memory.
  std::string Hash(std::string_view password) const;
  // True if `password` matches `encoded`. Malformed hashes never match.
  bool Verify(std::string_view encoded, std::string_view password) const;
  // Spends the time of one Verify against a hash nobody can match.
  void VerifyDummy(std::string_view password) const;
  // True when `encoded` was made with other limits than the current ones.
  bool NeedsRehash(std::string_view encoded) const;

  const Argon2Limits& limits() const { return limits_; }

 private:
  Argon2Limits limits_;
  std::string dummy_hash_;
};

}  // namespace sr::auth
