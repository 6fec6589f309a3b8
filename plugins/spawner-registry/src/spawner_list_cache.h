#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "registry_ports.h"
#include "spawner_table.h"

namespace sr::spawner_registry {

// The JSON array of every spawner, serialized once and shared by every reader (zero-copy
// responses, the directory service). A cached list is served as long as
//   - no spawner came or went since it was built (those always show in the next list), and
//   - nothing changed at all and no spawner has turned suspect since (it is then exact), or
//     it is younger than `max_staleness` (heartbeats move last_seen all the time: rebuilding
//     at most that often keeps the cost flat and bounds how stale their values can be).
// Otherwise the next read rebuilds it. One build at a time; readers that arrive during a
// build wait for it instead of starting their own.
class SpawnerListCache {
 public:
  struct Snapshot {
    std::shared_ptr<const std::string> json;
    std::uint64_t version = 0;        // the table's version when the build began
    std::uint64_t membership = 0;     // its membership version then
    std::int64_t built_at_ms = 0;     // steady clock
    std::int64_t exact_until_ms = 0;  // when a spawner turns suspect, unless heartbeats come
    std::size_t count = 0;
  };
  using Waiter = std::function<void(const Snapshot&)>;

  SpawnerListCache(const SpawnerTable& table, const RegistryClock& clock,
                   std::int64_t suspect_after_ms, std::int64_t max_staleness_ms);

  // The cached list if it is fresh; never waits for a build.
  std::optional<Snapshot> Fresh();
  // The list at once if the cached one is fresh. Otherwise queues `waiter` and returns
  // nullopt; `must_build` then says whether the caller must arrange a Build() (off the I/O
  // thread); waiters are called from that build.
  std::optional<Snapshot> GetOrWait(Waiter waiter, bool& must_build);
  // Builds if needed and serves every queued waiter. Returns the snapshot it served.
  Snapshot Build();
  // The fresh list, built on this thread if needed.
  Snapshot Get();
  // The bytes of the cached list (0 before the first build).
  std::size_t CachedBytes();

 private:
  // What freshness is judged against, read before anything else.
  struct Moment {
    std::uint64_t membership = 0;
    std::uint64_t version = 0;
    std::int64_t now_ms = 0;
  };
  Moment Now() const;
  bool IsFresh(const Snapshot& snapshot, const Moment& moment) const;
  Snapshot Serialize(const Moment& moment) const;

  const SpawnerTable& table_;
  const RegistryClock& clock_;
  std::int64_t suspect_after_ms_;
  std::int64_t max_staleness_ms_;

  std::mutex build_mutex_;  // one build at a time; never taken by table users
  std::mutex mutex_;        // guards what follows; held for pointer swaps only
  Snapshot current_;
  std::vector<std::pair<std::uint64_t, Waiter>> waiters_;  // membership each one needs
  bool build_scheduled_ = false;
};

}  // namespace sr::spawner_registry
