#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <sr/services/kv_store_provider.hpp>
#include <string>
#include <thread>

#include "connection_slot.h"
#include "store_options.h"

namespace sr::postgres_store {

// Delivers other masters' changes to watchers. Its thread LISTENs on the channel sr_kv (every
// commit notifies it) and, on each notification and at least every resync_interval (a lost
// notification, a lost connection), reads each watched namespace's rows with a revision
// above the last one it delivered, in revision order (= commit order). Rows written by this
// host are skipped but still advance the watch. After a reconnection the watches resume from
// their last revision, so nothing committed meanwhile is missed. A row holds a key's current
// state, so a key written several times between two reads is reported once, with its last
// value or as deleted: watchers converge on the database's state.
class ChangeFeed {
 public:
  ChangeFeed(const StoreOptions& options, StoreHealth& health);
  ~ChangeFeed();
  ChangeFeed(const ChangeFeed&) = delete;
  ChangeFeed& operator=(const ChangeFeed&) = delete;

  // Reports changes to `ns` with a revision above `after_rev`. Returns the watch's handle.
  std::uint64_t Watch(std::string ns, std::int64_t after_rev, KvChangeVisitor visitor);
  // Ends a watch; returns after a call of its visitor in progress has returned.
  void Unwatch(std::uint64_t handle);
  // Stops the thread (idempotent).
  void Stop();

 private:
  struct Watcher {
    std::string ns;
    std::int64_t last_rev = 0;
    std::shared_ptr<KvChangeVisitor> visitor;
  };

  void Run();
  // Delivers every watch's pending changes; throws PgError.
  void Sync(PgConnection& conn);
  void SyncOne(PgConnection& conn, std::uint64_t handle, const std::string& ns, std::int64_t after);
  // Waits for a notification, the resync interval or Stop.
  void Wait(PgConnection* conn, std::chrono::milliseconds timeout);

  ConnectionSlot slot_;
  std::string origin_;
  std::chrono::milliseconds resync_interval_;
  int wake_fd_ = -1;  // eventfd: Stop wakes the thread out of poll()

  std::mutex mutex_;  // guards watchers_ and next_handle_
  std::map<std::uint64_t, Watcher> watchers_;
  std::uint64_t next_handle_ = 1;
  // Held while a visitor runs: Unwatch takes it to wait for a call in progress.
  std::mutex dispatch_mutex_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace sr::postgres_store
