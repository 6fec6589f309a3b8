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
// - The owner replaces it (with its set of keys) whenever its keys change.
// - Lookups take no lock: slots are only ever appended, each published by a release store
//   of the count, so both I/O threads read it on every request without contending.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

namespace sr::auth {

class VerifiedKeyCache {
 public:
  explicit VerifiedKeyCache(std::size_t capacity = 16);
  // A copy starts empty under a fresh secret: tags never outlive the keys they stood for.
  VerifiedKeyCache(const VerifiedKeyCache& other);
  VerifiedKeyCache& operator=(const VerifiedKeyCache&) = delete;

  // The record index remembered for `presented`, if any.
  std::optional<std::size_t> Find(std::string_view presented) const;
  // Remembers that `presented` verified as record `index`; ignored once full.
  void Remember(std::string_view presented, std::size_t index);
  std::size_t size() const { return size_.load(std::memory_order_acquire); }

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
  std::unique_ptr<Slot[]> slots_;           // capacity_ of them; [0, size_) are published
  std::atomic<std::size_t> size_{0};
  std::mutex remember_mutex_;  // serialises Remember
};

}  // namespace sr::auth
