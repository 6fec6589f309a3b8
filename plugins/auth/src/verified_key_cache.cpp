#include "verified_key_cache.h"

#include <sodium.h>

#include "crypto.h"

namespace sr::auth {

static_assert(crypto_shorthash_siphashx24_KEYBYTES == 16);
static_assert(crypto_shorthash_siphashx24_BYTES == 16);

VerifiedKeyCache::VerifiedKeyCache(std::size_t capacity)
    : capacity_(capacity), slots_(std::make_unique<Slot[]>(capacity)) {
  InitSodium();
  randombytes_buf(secret_.data(), secret_.size());
}

VerifiedKeyCache::VerifiedKeyCache(const VerifiedKeyCache& other)
    : VerifiedKeyCache(other.capacity_) {}

VerifiedKeyCache::Tag VerifiedKeyCache::TagOf(std::string_view presented) const {
  Tag tag{};
  crypto_shorthash_siphashx24(tag.data(), reinterpret_cast<const unsigned char*>(presented.data()),
                              presented.size(), secret_.data());
  return tag;
}

std::optional<std::size_t> VerifiedKeyCache::Find(std::string_view presented) const {
  const Tag tag = TagOf(presented);
  std::optional<std::size_t> found;
  const std::size_t published = size_.load(std::memory_order_acquire);
  // No early exit: every slot is compared, so timing does not say which one matched.
  for (std::size_t i = 0; i < published; ++i) {
    const Slot& slot = slots_[i];
    bool equal = sodium_memcmp(slot.tag.data(), tag.data(), tag.size()) == 0;
    if (equal && !found) found = slot.index;
  }
  return found;
}

void VerifiedKeyCache::Remember(std::string_view presented, std::size_t index) {
  const Tag tag = TagOf(presented);
  std::lock_guard lock(remember_mutex_);
  const std::size_t used = size_.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < used; ++i) {
    if (sodium_memcmp(slots_[i].tag.data(), tag.data(), tag.size()) == 0) return;  // raced
  }
  if (used >= capacity_) return;
  slots_[used] = Slot{tag, index};  // not yet visible: readers stop at size_
  size_.store(used + 1, std::memory_order_release);
}

}  // namespace sr::auth
