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
    if (entry.key.name == name) {
      throw std::invalid_argument("API key name '" + name + "' is used twice");
    }
    if (SodiumDigestEqual(entry.digest, digest)) {
      throw std::invalid_argument("API keys '" + entry.key.name + "' and '" + name +
                                  "' have the same value");
    }
  }
  verified_.Clear();  // indices and tags stand for the old set of keys
  entries_.push_back(Entry{ApiKeyMatch{std::move(name), role, std::move(networks)}, digest});
}

std::optional<ApiKeyMatch> ApiKeyVerifier::Verify(std::string_view presented) const {
  const ApiKeyMatch* match = Find(presented);
  if (match == nullptr) return std::nullopt;
  return *match;
}

const ApiKeyMatch* ApiKeyVerifier::Find(std::string_view presented) const {
  if (auto index = verified_.Find(presented); index && *index < entries_.size()) {
    return &entries_[*index].key;
  }
  const Digest candidate = DigestOfKey(presented);
  const Entry* matched = nullptr;
  // No early exit: the time taken does not depend on which key (if any) matched.
  for (const Entry& entry : entries_) {
    bool equal = compare_(entry.digest, candidate);
    if (equal && matched == nullptr) matched = &entry;
  }
  if (matched == nullptr) return nullptr;
  verified_.Remember(presented, static_cast<std::size_t>(matched - entries_.data()));
  return &matched->key;
}

}  // namespace sr::auth
