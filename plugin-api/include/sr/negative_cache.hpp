// sr::NegativeCache: the keys a shared store said it does not hold, remembered for a short
// while, so that a plugin that reads through to the store on a miss (cluster mode) answers a
// repeated unknown key from memory instead of with one more database round trip on an I/O
// thread. Header-only C++17, independent of the ABI.
//
//   sr::NegativeCache misses(2000, 4096);              // 2 s, at most 4096 keys
//   if (misses.Absent(key, now_ms)) return nullopt;    // answered without the store
//   sr::NegativeCache::Ticket ticket = misses.BeforeRead(key);
//   auto value = store.Get(key);
//   if (!value) misses.Remember(key, ticket, now_ms);
//   ...
//   misses.Forget(key);  // on every put of the key this process learns of: its own writes,
//                        // and the other masters' changes as the watch delivers them
//
// Contract: a remembered miss ends after the TTL, or at once when Forget learns of the key.
// A key created elsewhere after a miss is therefore found as soon as its change is delivered
// (or the TTL has passed), never later. A client that learnt the key from its creator (a
// session cookie, an id handed out after its commit) never meets such a miss: the key was in
// the store before the client could name it.
//
// The race it closes: a read that found nothing, then a put of that key delivered (Forget),
// then Remember of the stale miss. Forget advances a generation of the key's stripe, the ticket
// taken before the read records it, and Remember stores nothing when it moved: a miss is kept
// only when no put of the key (or of a key of the same stripe, which merely costs a read) was
// learnt while the store was being read.
//
// The keys themselves are stored, not hashes of them: a hash collision would make a real key
// look absent for a TTL. Keep keys short (a store key, a digest): memory is about
// capacity * (key size + 100 bytes). Past the capacity the oldest entry goes first, so a flood
// of distinct keys costs bounded memory (and the cache no longer helps it; only repeated keys
// are spared the store).
//
// Times are the caller's clock in milliseconds, passed in (tests move it by hand); a steady
// clock is best. An entry stamped later than `now_ms` (a wall clock that stepped back) counts
// as expired. A TTL or capacity of 0 remembers nothing. THREAD: every function may be called
// from any thread (one mutex, never held across the caller's I/O).
#ifndef SR_NEGATIVE_CACHE_HPP
#define SR_NEGATIVE_CACHE_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sr {

class NegativeCache {
 public:
  // What BeforeRead saw of the key's stripe; only Remember reads it.
  class Ticket {
   private:
    friend class NegativeCache;
    Ticket(std::size_t stripe, std::uint64_t generation)
        : stripe_(stripe), generation_(generation) {}
    std::size_t stripe_;
    std::uint64_t generation_;
  };

  NegativeCache(std::int64_t ttl_ms, std::size_t capacity)
      : ttl_ms_(ttl_ms), capacity_(capacity) {}
  NegativeCache(const NegativeCache&) = delete;
  NegativeCache& operator=(const NegativeCache&) = delete;

  // True when the store said `key` was absent less than the TTL ago and nothing has told of
  // it since. An expired entry is dropped on the way.
  bool Absent(std::string_view key, std::int64_t now_ms) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = index_.find(key);
    if (it == index_.end()) return false;
    if (!Expired(it->second->stamped_ms, now_ms)) return true;
    Erase(it);
    return false;
  }

  // Take before reading the store for `key`.
  Ticket BeforeRead(std::string_view key) const {
    const std::size_t stripe = StripeOf(key);
    std::lock_guard<std::mutex> lock(mutex_);
    return Ticket(stripe, generations_[stripe]);
  }

  // The store said `key` is absent, in a read begun after `ticket` was taken. False when it
  // was not remembered: a put of the key may have been learnt meanwhile, or the cache is off.
  bool Remember(std::string_view key, const Ticket& ticket, std::int64_t now_ms) {
    if (ttl_ms_ <= 0 || capacity_ == 0) return false;
    const std::size_t stripe = StripeOf(key);
    std::lock_guard<std::mutex> lock(mutex_);
    if (stripe != ticket.stripe_ || generations_[stripe] != ticket.generation_) return false;
    if (auto it = index_.find(key); it != index_.end()) Erase(it);
    // Oldest first; stamps only grow with a steady clock, so the expired ones lead.
    while (!order_.empty() &&
           (order_.size() >= capacity_ || Expired(order_.front().stamped_ms, now_ms))) {
      Erase(index_.find(std::string_view(order_.front().key)));
    }
    order_.push_back(Entry{std::string(key), now_ms});
    index_.emplace(std::string_view(order_.back().key), std::prev(order_.end()));
    return true;
  }

  // This process learnt of `key` (wrote it, or was told another master did): it is no longer
  // absent, and a read of it in flight must not remember it so.
  void Forget(std::string_view key) {
    const std::size_t stripe = StripeOf(key);
    std::lock_guard<std::mutex> lock(mutex_);
    ++generations_[stripe];
    if (auto it = index_.find(key); it != index_.end()) Erase(it);
  }

  // Entries held, expired ones included until they are met.
  std::size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return order_.size();
  }
  std::int64_t ttl_ms() const { return ttl_ms_; }
  std::size_t capacity() const { return capacity_; }

 private:
  struct Entry {
    std::string key;
    std::int64_t stamped_ms;
  };
  using Order = std::list<Entry>;
  // Views into the list's keys, which stay put while their node lives.
  using Index = std::unordered_map<std::string_view, Order::iterator>;

  static constexpr std::size_t kStripes = 64;

  static std::size_t StripeOf(std::string_view key) {
    return std::hash<std::string_view>()(key) % kStripes;
  }
  bool Expired(std::int64_t stamped_ms, std::int64_t now_ms) const {
    return now_ms < stamped_ms || now_ms - stamped_ms >= ttl_ms_;
  }
  void Erase(Index::iterator it) {
    Order::iterator entry = it->second;
    index_.erase(it);  // first: its key views the node
    order_.erase(entry);
  }

  const std::int64_t ttl_ms_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  Order order_;  // oldest first
  Index index_;
  std::array<std::uint64_t, kStripes> generations_{};
};

}  // namespace sr

#endif  // SR_NEGATIVE_CACHE_HPP
