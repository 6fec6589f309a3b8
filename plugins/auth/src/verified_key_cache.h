// Remembers which configured API keys were recently presented, so that a key sent on every
// request (a spawner's heartbeats) is not hashed with BLAKE2b each time: a hit costs one
// SipHash of the presented value instead.
//
// Security properties, and why they hold:
// - Only keys that passed the full check are remembered, and only up to `capacity`: the cache
//   is bounded by the number of configured keys, never by what clients send.
// - Neither keys nor their BLAKE2b digests are kept: only a 128-bit SipHash tag under a
//   random per-instance secret, which says nothing about the key without that secret.
// - Every lookup compares the tag with every slot in constant time (sodium_memcmp), so its
//   duration depends neither on which slot matched nor on how much of a tag did.
// - The owner clears it whenever its keys change.
#pragma once

#include <array>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

namespace sr::auth {

class VerifiedKeyCache {
 public:
  explicit VerifiedKeyCache(std::size_t capacity = 16);
  // A copy starts empty under a fresh secret: tags never outlive the keys they stood for.
  VerifiedKeyCache(const VerifiedKeyCache& other);
  VerifiedKeyCache& operator=(const VerifiedKeyCache& other);

  // The record index remembered for `presented`, if any.
  std::optional<std::size_t> Find(std::string_view presented) const;
  // Remembers that `presented` verified as record `index`; ignored once full.
  void Remember(std::string_view presented, std::size_t index);
  void Clear();
  std::size_t size() const;

 private:
  static constexpr std::size_t kTagBytes = 16;
  using Tag = std::array<unsigned char, kTagBytes>;
  struct Slot {
    Tag tag;
    std::size_t index;
  };

  Tag TagOf(std::string_view presented) const;

  std::size_t capacity_;
  std::array<unsigned char, 16> secret_{};  // crypto_shorthash_siphashx24_KEYBYTES
  mutable std::mutex mutex_;                // the guard runs on the host's I/O threads
  std::vector<Slot> slots_;
};

}  // namespace sr::auth
