#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "util/time.h"

namespace sr::host {

class HostStats;
class Mailbox;

// Open connections per client address (the TCP peer), shared by every I/O thread, so that one
// address cannot take the whole server.max_connections for itself.
class AddressCounter {
 public:
  explicit AddressCounter(std::int64_t limit) : limit_(limit) {}
  // Counts one more connection from `address`; false (nothing counted) at the limit.
  bool TryAcquire(const std::string& address);
  void Release(const std::string& address);
  std::int64_t Count(const std::string& address) const;

 private:
  std::int64_t limit_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::int64_t> counts_;
};

// One I/O thread's idle keep-alive connections (served at least one request, waiting for the
// next), oldest first. The owning thread adds and removes its connections; any thread may
// claim the oldest one for eviction when the server is full.
class IdleList {
 public:
  explicit IdleList(std::weak_ptr<Mailbox> mailbox) : mailbox_(std::move(mailbox)) {}

  void Add(std::uint64_t connection_id, SteadyClock::time_point since);
  void Remove(std::uint64_t connection_id, SteadyClock::time_point since);
  std::optional<SteadyClock::time_point> Oldest() const;
  // Removes the oldest entry if it is still `since`; returns its connection id.
  std::optional<std::uint64_t> TakeOldest(SteadyClock::time_point since);
  const std::weak_ptr<Mailbox>& mailbox() const { return mailbox_; }

 private:
  using Key = std::pair<SteadyClock::rep, std::uint64_t>;
  std::weak_ptr<Mailbox> mailbox_;
  mutable std::mutex mutex_;
  std::set<Key> entries_;
};

// The idle lists of every I/O thread: finds the connection idle for longest, server-wide,
// and decides whether a new connection needs one of them closed to stay within the cap.
class IdleConnections {
 public:
  void Register(const std::shared_ptr<IdleList>& list);
  struct Victim {
    std::shared_ptr<IdleList> list;  // whose I/O thread must close it
    std::uint64_t connection_id = 0;
  };
  // Claims the longest-idle keep-alive connection, if any; the caller has it closed.
  std::optional<Victim> ClaimOldest();

  enum class Decision { kAdmit, kEvict, kRefuse };
  struct Room {
    Decision decision = Decision::kAdmit;
    Victim victim;  // kEvict: close it, then call EvictionDone()
  };
  // For a connection just counted in `stats`: admit it, or claim an idle one to close in its
  // place, or refuse it when none is idle. Evictions claimed but not yet carried out count as
  // done, so that connections arriving together on several threads evict one each, not more.
  Room MakeRoom(const HostStats& stats, std::int64_t max_connections);
  // The claimed connection was closed (or was no longer idle and stays).
  void EvictionDone();

 private:
  std::mutex mutex_;
  std::vector<std::weak_ptr<IdleList>> lists_;
  std::mutex admission_mutex_;
  std::int64_t evictions_pending_ = 0;  // guarded by admission_mutex_
};

}  // namespace sr::host
