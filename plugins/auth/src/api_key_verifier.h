// Checks presented API keys against the configured ones without leaking, through timing,
// which key matched, how long the stored keys are, or how much of a guess was right.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sr/cidr.hpp>
#include "crypto.h"
#include "http_types.h"
#include "roles.h"
#include "verified_key_cache.h"

namespace sr::auth {

struct ApiKeyMatch {
  std::string name;
  Role role = Role::kSpawner;
  sr::net::CidrSet networks;  // client addresses the key is valid from; empty: any
  // The request attributes this key grants (ApiKeyGrant), made once when the key is stored:
  // the guard runs on every request and hands them over without building them again.
  std::vector<HeaderField> grant;

  bool ValidFrom(std::string_view client_ip) const {
    return networks.empty() || networks.Contains(client_ip);
  }
};

// user "key:<name>", role, auth "api-key", key "<name>".
std::vector<HeaderField> ApiKeyGrant(std::string_view name, Role role);

class ApiKeyVerifier {
 public:
  // Compares two digests in constant time. Injectable so that a test can prove every
  // verification goes through it; production code keeps the default.
  using DigestComparator = std::function<bool(const Digest&, const Digest&)>;
  // A matched key's record, or null. It stays valid as long as the verifier, even if the
  // keys change meanwhile: every set of keys ever published is kept (see generations_).
  using Match = const ApiKeyMatch*;

  ApiKeyVerifier();
  explicit ApiKeyVerifier(DigestComparator compare);

  // The digest under which a key is stored; only digests are kept, never the key itself.
  static Digest DigestOfKey(std::string_view key);

  // Adds a key. Throws std::invalid_argument for an empty or duplicate name, or a value that
  // another key already has (two names for one secret would make rotation misleading).
  // `networks`: the client addresses the key is valid from (empty: any address).
  void AddKey(std::string name, std::string_view key, Role role, sr::net::CidrSet networks = {});
  void AddDigest(std::string name, const Digest& digest, Role role, sr::net::CidrSet networks = {});
  // Gives the key `name` the digest `digest` (adding it when absent), or removes it when
  // `digest` is nullopt: the generated key changed on another master. Keys being checked
  // meanwhile finish against the old set. Throws std::invalid_argument like AddDigest.
  void SetDigest(const std::string& name, const std::optional<Digest>& digest, Role role);

  // The key that `presented` equals, if any. A value not seen verified before is always
  // compared against every stored digest; one that was is answered from the set's cache of
  // verified keys (one SipHash, no BLAKE2b). The guard runs it on every request.
  Match Find(std::string_view presented) const;
  std::optional<ApiKeyMatch> Verify(std::string_view presented) const;

  const DigestComparator& comparator() const { return compare_; }
  bool empty() const { return size() == 0; }
  std::size_t size() const;

 private:
  struct Entry {
    ApiKeyMatch key;
    Digest digest;
  };
  // One generation of the keys with its own cache of verified keys: the cache's indices and
  // tags stand for exactly this set, so replacing the set is what clears the cache, and a
  // check that raced with a change can only ever remember into the set it read.
  struct KeySet {
    std::vector<Entry> entries;
    mutable VerifiedKeyCache verified;  // at most one tag per key
  };

  const KeySet& Current() const { return *current_.load(std::memory_order_acquire); }
  // Copies the current set, lets `change` edit the copy and publishes it. Throws what
  // `change` throws (and then publishes nothing).
  template <typename Change>
  void Replace(Change&& change);

  DigestComparator compare_;
  // Checks run on every request on both I/O threads, so they take no lock and count no
  // references: they read the current set through an atomic pointer. A replaced set is
  // kept until the verifier goes, because a check may still be reading it. Keys change a
  // handful of times in a process's life (configuration, a rotated generated key), so the
  // sets kept stay few and small.
  std::mutex change_mutex_;  // serialises Replace
  std::vector<std::unique_ptr<const KeySet>> generations_;
  std::atomic<const KeySet*> current_{nullptr};
};

}  // namespace sr::auth
