#include "verified_key_cache.h"

#include <sodium.h>

#include "crypto.h"

namespace sr::auth {

static_assert(crypto_shorthash_siphashx24_KEYBYTES == 16);
static_assert(crypto_shorthash_siphashx24_BYTES == 16);

VerifiedKeyCache::VerifiedKeyCache(std::size_t capacity) : capacity_(capacity) {
  InitSodium();
  randombytes_buf(secret_.data(), secret_.size());
  slots_.reserve(capacity_);
}

VerifiedKeyCache::VerifiedKeyCache(const VerifiedKeyCache& other)
    : VerifiedKeyCache(other.capacity_) {}

VerifiedKeyCache& VerifiedKeyCache::operator=(const VerifiedKeyCache& other) {
  if (this == &other) return *this;
  std::lock_guard lock(mutex_);
  capacity_ = other.capacity_;
  randombytes_buf(secret_.data(), secret_.size());
  slots_.clear();
  return *this;
}

VerifiedKeyCache::Tag VerifiedKeyCache::TagOf(std::string_view presented) const {
  Tag tag{};
  crypto_shorthash_siphashx24(tag.data(), reinterpret_cast<const unsigned char*>(presented.data()),
                              presented.size(), secret_.data());
  return tag;
}

std::optional<std::size_t> VerifiedKeyCache::Find(std::string_view presented) const {
  const Tag tag = TagOf(presented);
  std::optional<std::size_t> found;
  std::lock_guard lock(mutex_);
  // No early exit: every slot is compared, so timing does not say which one matched.
  for (const Slot& slot : slots_) {
    bool equal = sodium_memcmp(slot.tag.data(), tag.data(), tag.size()) == 0;
    if (equal && !found) found = slot.index;
  }
  return found;
}

void VerifiedKeyCache::Remember(std::string_view presented, std::size_t index) {
  const Tag tag = TagOf(presented);
  std::lock_guard lock(mutex_);
  for (const Slot& slot : slots_) {
    if (sodium_memcmp(slot.tag.data(), tag.data(), tag.size()) == 0) return;  // two threads raced
  }
  if (slots_.size() >= capacity_) return;
  slots_.push_back(Slot{tag, index});
}

void VerifiedKeyCache::Clear() {
  std::lock_guard lock(mutex_);
  slots_.clear();
}

std::size_t VerifiedKeyCache::size() const {
  std::lock_guard lock(mutex_);
  return slots_.size();
}

}  // namespace sr::auth
