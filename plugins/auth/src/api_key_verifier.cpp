#include "api_key_verifier.h"

#include <algorithm>
#include <stdexcept>

namespace sr::auth {

namespace {
constexpr std::string_view kApiKeyDomain = "sr-auth/api-key/v1";
}  // namespace

std::vector<HeaderField> ApiKeyGrant(std::string_view name, Role role) {
  return {{"user", std::string("key:").append(name)},
          {"role", std::string(RoleName(role))},
          {"auth", "api-key"},
          {"key", std::string(name)}};
}

ApiKeyVerifier::ApiKeyVerifier() : ApiKeyVerifier(&SodiumDigestEqual) {}

ApiKeyVerifier::ApiKeyVerifier(DigestComparator compare) : compare_(std::move(compare)) {
  generations_.push_back(std::make_unique<const KeySet>());
  current_.store(generations_.back().get(), std::memory_order_release);
}

Digest ApiKeyVerifier::DigestOfKey(std::string_view key) { return DigestOf(kApiKeyDomain, key); }

std::size_t ApiKeyVerifier::size() const { return Current().entries.size(); }

template <typename Change>
void ApiKeyVerifier::Replace(Change&& change) {
  std::lock_guard lock(change_mutex_);
  auto next = std::make_unique<KeySet>();  // a fresh cache under a fresh secret
  next->entries = Current().entries;
  change(next->entries);
  generations_.push_back(std::move(next));
  current_.store(generations_.back().get(), std::memory_order_release);
}

namespace {

template <typename Entries>
void CheckNewKey(const Entries& entries, const std::string& name, const Digest& digest) {
  if (name.empty()) throw std::invalid_argument("an API key needs a name");
  for (const auto& entry : entries) {
    if (entry.key.name == name) {
      throw std::invalid_argument("API key name '" + name + "' is used twice");
    }
    if (SodiumDigestEqual(entry.digest, digest)) {
      throw std::invalid_argument("API keys '" + entry.key.name + "' and '" + name +
                                  "' have the same value");
    }
  }
}

}  // namespace

void ApiKeyVerifier::AddKey(std::string name, std::string_view key, Role role,
                            sr::net::CidrSet networks) {
  if (key.empty()) throw std::invalid_argument("API key '" + name + "' is empty");
  AddDigest(std::move(name), DigestOfKey(key), role, std::move(networks));
}

void ApiKeyVerifier::AddDigest(std::string name, const Digest& digest, Role role,
                               sr::net::CidrSet networks) {
  Replace([&](std::vector<Entry>& entries) {
    CheckNewKey(entries, name, digest);
    std::vector<HeaderField> grant = ApiKeyGrant(name, role);
    entries.push_back(
        Entry{ApiKeyMatch{std::move(name), role, std::move(networks), std::move(grant)}, digest});
  });
}

void ApiKeyVerifier::SetDigest(const std::string& name, const std::optional<Digest>& digest,
                               Role role) {
  Replace([&](std::vector<Entry>& entries) {
    entries.erase(std::remove_if(entries.begin(), entries.end(),
                                 [&](const Entry& entry) { return entry.key.name == name; }),
                  entries.end());
    if (!digest) return;
    CheckNewKey(entries, name, *digest);
    entries.push_back(Entry{ApiKeyMatch{name, role, {}, ApiKeyGrant(name, role)}, *digest});
  });
}

std::optional<ApiKeyMatch> ApiKeyVerifier::Verify(std::string_view presented) const {
  Match match = Find(presented);
  if (match == nullptr) return std::nullopt;
  return *match;
}

ApiKeyVerifier::Match ApiKeyVerifier::Find(std::string_view presented) const {
  const KeySet& keys = Current();
  const std::vector<Entry>& entries = keys.entries;
  if (auto index = keys.verified.Find(presented); index && *index < entries.size()) {
    return &entries[*index].key;
  }
  const Digest candidate = DigestOfKey(presented);
  const Entry* matched = nullptr;
  // No early exit: the time taken does not depend on which key (if any) matched.
  for (const Entry& entry : entries) {
    bool equal = compare_(entry.digest, candidate);
    if (equal && matched == nullptr) matched = &entry;
  }
  if (matched == nullptr) return nullptr;
  keys.verified.Remember(presented, static_cast<std::size_t>(matched - entries.data()));
  return &matched->key;
}

}  // namespace sr::auth
