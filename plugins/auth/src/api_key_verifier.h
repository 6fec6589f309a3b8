// Checks presented API keys against the configured ones without leaking, through timing,
// which key matched, how long the stored keys are, or how much of a guess was right.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sr/cidr.hpp>
#include "crypto.h"
#include "roles.h"
#include "verified_key_cache.h"

namespace sr::auth {

struct ApiKeyMatch {
  std::string name;
  Role role = Role::kSpawner;
  sr::net::CidrSet networks;  // client addresses the key is valid from; empty: any

  bool ValidFrom(std::string_view client_ip) const {
    return networks.empty() || networks.Contains(client_ip);
  }
};

class ApiKeyVerifier {
 public:
  // Compares two digests in constant time. Injectable so that a test can prove every
  // verification goes through it; production code keeps the default.
  using DigestComparator = std::function<bool(const Digest&, const Digest&)>;

  ApiKeyVerifier();
  explicit ApiKeyVerifier(DigestComparator compare);

  // The digest under which a key is stored; only digests are kept, never the key itself.
  static Digest DigestOfKey(std::string_view key);

  // Adds a key. Throws std::invalid_argument for an empty or duplicate name, or a value that
  // another key already has (two names for one secret would make rotation misleading).
  // `networks`: the client addresses the key is valid from (empty: any address).
  void AddKey(std::string name, std::string_view key, Role role, sr::net::CidrSet networks = {});
  void AddDigest(std::string name, const Digest& digest, Role role, sr::net::CidrSet networks = {});

  // The key that `presented` equals, if any. A value not seen verified before is always
  // compared against every stored digest; one that was is answered from `verified_`.
  std::optional<ApiKeyMatch> Verify(std::string_view presented) const;
  // The same check without copying the key's record (name, networks): the guard runs it on
  // every request, where those copies were allocations. Valid until the next AddKey/AddDigest.
  // A key that verified before is found through `verified_` (one SipHash, no BLAKE2b).
  const ApiKeyMatch* Find(std::string_view presented) const;

  const DigestComparator& comparator() const { return compare_; }
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    ApiKeyMatch key;
    Digest digest;
  };

  DigestComparator compare_;
  std::vector<Entry> entries_;
  // Holds at most one tag per configured key; cleared whenever a key is added.
  mutable VerifiedKeyCache verified_;
};

}  // namespace sr::auth
