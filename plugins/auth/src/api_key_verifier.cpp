#include "api_key_verifier.h"

#include <stdexcept>

namespace sr::auth {

namespace {
constexpr std::string_view kApiKeyDomain = "sr-auth/api-key/v1";
}  // namespace

ApiKeyVerifier::ApiKeyVerifier() : ApiKeyVerifier(&SodiumDigestEqual) {}

ApiKeyVerifier::ApiKeyVerifier(DigestComparator compare) : compare_(std::move(compare)) {}

Digest ApiKeyVerifier::DigestOfKey(std::string_view key) { return DigestOf(kApiKeyDomain, key); }

void ApiKeyVerifier::AddKey(std::string name, std::string_view key, Role role,
                            sr::net::CidrSet networks) {
  if (key.empty()) throw std::invalid_argument("API key '" + name + "' is empty");
  AddDigest(std::move(name), DigestOfKey(key), role, std::move(networks));
}

void ApiKeyVerifier::AddDigest(std::string name, const Digest& digest, Role role,
                               sr::net::CidrSet networks) {
  if (name.empty()) throw std::invalid_argument("an API key needs a name");
  for (const Entry& entry : entries_) {
    if (entry.name == name) {
      throw std::invalid_argument("API key name '" + name + "' is used twice");
    }
    if (SodiumDigestEqual(entry.digest, digest)) {
      throw std::invalid_argument("API keys '" + entry.name + "' and '" + name +
                                  "' have the same value");
    }
  }
  entries_.push_back(Entry{std::move(name), digest, role, std::move(networks)});
}

std::optional<ApiKeyMatch> ApiKeyVerifier::Verify(std::string_view presented) const {
  const Digest candidate = DigestOfKey(presented);
  const Entry* matched = nullptr;
  // No early exit: the time taken does not depend on which key (if any) matched.
  for (const Entry& entry : entries_) {
    bool equal = compare_(entry.digest, candidate);
    if (equal && matched == nullptr) matched = &entry;
  }
  if (matched == nullptr) return std::nullopt;
  return ApiKeyMatch{matched->name, matched->role, matched->networks};
}

}  // namespace sr::auth
