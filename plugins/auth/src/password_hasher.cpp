#include "password_hasher.h"

#include <sodium.h>

#include <stdexcept>

#include "crypto.h"

namespace sr::auth {

Argon2Limits Argon2Limits::Interactive() {
  return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}

Argon2Limits Argon2Limits::Minimum() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

bool Argon2Limits::BelowInteractive() const {
  Argon2Limits interactive = Interactive();
  return opslimit < interactive.opslimit || memlimit_bytes < interactive.memlimit_bytes;
}

PasswordHasher::PasswordHasher(Argon2Limits limits) : limits_(limits) {
  InitSodium();
  // Hashing a random secret gives a valid hash with the current cost that nothing matches.
  dummy_hash_ = Hash(RandomToken(32));
}

std::string PasswordHasher::Hash(std::string_view password) const {
  char encoded[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(encoded, password.data(), password.size(), limits_.opslimit,
                            limits_.memlimit_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("password hashing ran out of memory");
  }
  return {encoded};
}

bool PasswordHasher::Verify(std::string_view encoded, std::string_view password) const {
  // crypto_pwhash_str_verify wants a NUL-terminated string of bounded length.
  if (encoded.empty() || encoded.size() >= crypto_pwhash_STRBYTES) return false;
  std::string terminated(encoded);
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

void PasswordHasher::VerifyDummy(std::string_view password) const {
  (void)Verify(dummy_hash_, password);
}

bool PasswordHasher::NeedsRehash(std::string_view encoded) const {
  if (encoded.empty() || encoded.size() >= crypto_pwhash_STRBYTES) return true;
  std::string terminated(encoded);
  return crypto_pwhash_str_needs_rehash(terminated.c_str(), limits_.opslimit,
                                        limits_.memlimit_bytes) != 0;
}

}  // namespace sr::auth
