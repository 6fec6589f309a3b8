#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "sqlite_connection.h"
#include "store_health.h"
#include "store_options.h"
#include "store_types.h"

namespace sr::sqlite_store {

// The only thread that writes. Batches that arrive while a commit runs wait, and are then
// committed together in one transaction (group commit): one WAL sync for many writers. Each
// batch runs inside its own savepoint, so a batch that fails is undone alone and the others
// still commit.
class GroupCommitWriter {
 public:
  GroupCommitWriter(std::unique_ptr<Connection> db, const StoreOptions& options,
                    StoreHealth& health);
  ~GroupCommitWriter();
  GroupCommitWriter(const GroupCommitWriter&) = delete;
  GroupCommitWriter& operator=(const GroupCommitWriter&) = delete;

  // Queues a batch; `done` runs on the writer thread after its commit or failure. A refusal
  // (closed, queue full) is returned at once and `done` is not called.
  KvWriteOutcome Submit(std::vector<KvWriteOp> ops, KvWriteCallback done);
  // Commits what is queued, then stops the thread. Later submissions are refused.
  void Stop();

  // Runs `fn` with the writer's connection between two commits. For databases that a second
  // connection cannot see (":memory:").
  template <typename Fn>
  auto WithConnection(Fn&& fn) {
    std::lock_guard<std::mutex> lock(db_mutex_);
    return fn(*db_);
  }

 private:
  struct Pending {
    std::vector<KvWriteOp> ops;
    KvWriteCallback done;
    KvWriteOutcome outcome;
  };

  void Run();
  std::vector<Pending> TakeGroup(std::unique_lock<std::mutex>& lock);
  void Commit(std::vector<Pending>& group);
  Statement& StatementFor(KvWriteOp::Kind kind);
  void Apply(const std::vector<KvWriteOp>& ops);
  static void Notify(Pending& pending);

  std::unique_ptr<Connection> db_;
  std::mutex db_mutex_;  // held for each commit
  Statement put_;
  Statement delete_;
  Statement update_;  // writes only a key that exists when the batch commits
  // Transaction control, prepared once: a group of hundreds of batches runs them hundreds of
  // times per commit.
  Statement begin_;
  Statement commit_;
  Statement savepoint_;
  Statement release_;
  Statement rollback_to_;
  StoreHealth& health_;
  std::size_t max_pending_;
  std::size_t max_ops_per_commit_;
  std::function<void(std::chrono::duration<double>)> on_commit_;

  std::mutex queue_mutex_;
  std::condition_variable queue_ready_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace sr::sqlite_store
