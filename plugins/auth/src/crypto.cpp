#include "crypto.h"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace sr::auth {

void InitSodium() {
  // sodium_init is itself thread-safe and returns 1 when already initialised.
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

std::string RandomToken(std::size_t byte_count) {
  InitSodium();
  std::vector<unsigned char> bytes(byte_count);
  randombytes_buf(bytes.data(), bytes.size());
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string encoded(sodium_base64_encoded_len(byte_count, variant), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), bytes.data(), bytes.size(), variant);
  sodium_memzero(bytes.data(), bytes.size());
  encoded.resize(encoded.find('\0'));
  return encoded;
}

Digest DigestOf(std::string_view domain, std::string_view text) {
  InitSodium();
  // BLAKE2b keyed with the domain label: a cheap, standard way to separate purposes.
  std::array<unsigned char, crypto_generichash_KEYBYTES_MAX> key{};
  std::copy_n(domain.begin(), std::min(domain.size(), key.size()), key.begin());
  Digest digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(text.data()), text.size(), key.data(),
                     key.size());
  return digest;
}

bool SodiumDigestEqual(const Digest& left, const Digest& right) {
  return sodium_memcmp(left.data(), right.data(), left.size()) == 0;
}

bool SodiumEqualSameLength(std::string_view left, std::string_view right) {
  if (left.size() != right.size()) return false;
  if (left.empty()) return true;
  return sodium_memcmp(left.data(), right.data(), left.size()) == 0;
}

void WipeSecret(std::string& secret) {
  if (!secret.empty()) sodium_memzero(secret.data(), secret.size());
  secret.clear();
}

std::string ToHex(const Digest& digest) {
  std::string hex(digest.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  hex.pop_back();
  return hex;
}

std::optional<Digest> DigestFromHex(std::string_view hex) {
  if (hex.size() != kDigestBytes * 2) return std::nullopt;
  Digest digest{};
  std::size_t written = 0;
  if (sodium_hex2bin(digest.data(), digest.size(), hex.data(), hex.size(), nullptr, &written,
                     nullptr) != 0 ||
      written != digest.size()) {
    return std::nullopt;
  }
  return digest;
}

}  // namespace sr::auth
