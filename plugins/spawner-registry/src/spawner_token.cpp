#include "spawner_token.h"

#include <sodium.h>

#include <charconv>
#include <stdexcept>

namespace sr::spawner_registry {

namespace {

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

}  // namespace

void InitTokens() {
  // sodium_init is thread-safe and idempotent; once is enough for this process.
  static const int result = sodium_init();
  if (result < 0) throw std::runtime_error("libsodium could not be initialized");
}

IssuedToken IssueToken(SpawnerId id) {
  InitTokens();
  unsigned char secret[kTokenSecretBytes];
  randombytes_buf(secret, sizeof(secret));
  char encoded[kTokenSecretChars + 1];
  sodium_bin2base64(encoded, sizeof(encoded), secret, sizeof(secret),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(secret, sizeof(secret));
  IssuedToken issued;
  issued.token.reserve(kTokenPrefix.size() + 21 + kTokenSecretChars);
  issued.token += kTokenPrefix;
  issued.token += std::to_string(id);
  issued.token += '_';
  issued.token.append(encoded, kTokenSecretChars);
  sodium_memzero(encoded, sizeof(encoded));
  issued.digest = DigestToken(issued.token);
  return issued;
}

TokenDigest DigestToken(std::string_view token) {
  InitTokens();
  TokenDigest digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr,
                     0);
  return digest;
}

std::optional<SpawnerId> TokenSpawnerId(std::string_view token) {
  if (token.substr(0, kTokenPrefix.size()) != kTokenPrefix) return std::nullopt;
  std::string_view rest = token.substr(kTokenPrefix.size());
  std::size_t separator = rest.find('_');
  if (separator == std::string_view::npos || separator == 0) return std::nullopt;
  std::string_view digits = rest.substr(0, separator);
  std::string_view secret = rest.substr(separator + 1);
  // Canonical decimals only: one token text per id.
  if (digits.front() == '0' || secret.size() != kTokenSecretChars) return std::nullopt;
  for (char c : secret) {
    if (!IsBase64UrlChar(c)) return std::nullopt;
  }
  SpawnerId id = 0;
  auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (parsed.ec != std::errc() || parsed.ptr != digits.data() + digits.size()) return std::nullopt;
  return id;
}

bool TokenMatches(std::string_view token, const TokenDigest& digest) {
  TokenDigest presented = DigestToken(token);
  return sodium_memcmp(presented.data(), digest.data(), digest.size()) == 0;
}

std::string DigestHex(const TokenDigest& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(digest.size() * 2);
  for (std::uint8_t byte : digest) {
    hex += kHex[byte >> 4];
    hex += kHex[byte & 0x0f];
  }
  return hex;
}

std::optional<TokenDigest> ParseDigestHex(std::string_view hex) {
  TokenDigest digest{};
  if (hex.size() != digest.size() * 2) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < digest.size(); ++i) {
    int high = nibble(hex[2 * i]);
    int low = nibble(hex[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    digest[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  return digest;
}

}  // namespace sr::spawner_registry
