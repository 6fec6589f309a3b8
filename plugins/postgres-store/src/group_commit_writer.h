#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <sr/services/kv_store_provider.hpp>
#include <thread>
#include <vector>

#include "connection_slot.h"
#include "store_health.h"
#include "store_options.h"

namespace sr::postgres_store {

// The only thread that writes. Batches that arrive while a commit runs wait and are then
// committed together: one transaction per group, one statement per kind of operation over
// unnest() arrays, the revision lock held from the first revision drawn to the commit. A
// group fails or commits as a whole (every batch was checked before it was queued).
//
// While the database is down, Submit refuses at once (SR_ERR_UNAVAILABLE, nothing queued)
// until the next reconnection attempt is due.
class GroupCommitWriter {
 public:
  GroupCommitWriter(const StoreOptions& options, StoreHealth& health);
  ~GroupCommitWriter();
  GroupCommitWriter(const GroupCommitWriter&) = delete;
  GroupCommitWriter& operator=(const GroupCommitWriter&) = delete;

  // Queues a batch; `done` runs on the writer thread after its commit or failure. A refusal
  // (stopped, queue full, database down) is returned at once and `done` is not called.
  KvWriteOutcome Submit(std::vector<KvWriteOp> ops, KvWriteCallback done);
  // Commits what is queued, then stops the thread. Later submissions are refused.
  void Stop();
  // Bytes of keys and values waiting for a commit (for the plugin's memory report).
  std::size_t queued_bytes() const { return queued_bytes_.load(std::memory_order_relaxed); }

 private:
  struct Pending {
    std::vector<KvWriteOp> ops;
    KvWriteCallback done;
    std::size_t bytes = 0;
  };

  void Run();
  KvWriteOutcome Commit(const std::vector<KvWriteOp>& ops);

  ConnectionSlot slot_;
  StoreHealth& health_;
  std::string origin_;
  std::function<void(std::chrono::duration<double>, std::size_t)> on_commit_;
  // Until then Submit refuses (steady_clock ticks; 0: accepting).
  std::atomic<std::int64_t> refuse_until_{0};
  Backoff backoff_;
  std::atomic<std::size_t> queued_bytes_{0};

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace sr::postgres_store
