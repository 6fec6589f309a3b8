#include "group_commit_writer.h"

#include <chrono>
#include <exception>

#include <sqlite3.h>

namespace sr::sqlite_store {

namespace {

void Execute(Statement& statement) {
  StatementUse use(statement);
  use->Step();
}

KvWriteOutcome Failure(KvStatus status, std::string message) {
  return KvWriteOutcome{status, std::move(message)};
}

}  // namespace

GroupCommitWriter::GroupCommitWriter(std::unique_ptr<Connection> db, const StoreOptions& options,
                                     StoreHealth& health)
    : db_(std::move(db)),
      put_(db_->get(), "INSERT OR REPLACE INTO kv (ns, key, value) VALUES (?1, ?2, ?3)"),
      delete_(db_->get(), "DELETE FROM kv WHERE ns = ?1 AND key = ?2"),
      // Version 1 of the service refuses updates; the store offers them to its C++ callers.
      update_(db_->get(), "UPDATE kv SET value = ?3 WHERE ns = ?1 AND key = ?2"),
      begin_(db_->get(), "BEGIN IMMEDIATE"),
      commit_(db_->get(), "COMMIT"),
      savepoint_(db_->get(), "SAVEPOINT batch"),
      release_(db_->get(), "RELEASE batch"),
      rollback_to_(db_->get(), "ROLLBACK TO batch"),
      health_(health),
      max_pending_(options.max_pending_batches),
      max_ops_per_commit_(options.max_ops_per_commit),
      on_commit_(options.on_commit) {
  thread_ = std::thread([this] { Run(); });
}

GroupCommitWriter::~GroupCommitWriter() { Stop(); }

KvWriteOutcome GroupCommitWriter::Submit(std::vector<KvWriteOp> ops, KvWriteCallback done) {
  std::lock_guard<std::mutex> lock(queue_mutex_);
  if (stopping_) return Failure(KvStatus::kUnavailable, "the store is closed");
  if (queue_.size() >= max_pending_) {
    return Failure(KvStatus::kUnavailable, "too many writes are waiting for the database");
  }
  queue_.push_back(Pending{std::move(ops), std::move(done), {}});
  queue_ready_.notify_one();
  return {};
}

void GroupCommitWriter::Stop() {
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    stopping_ = true;
    queue_ready_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

void GroupCommitWriter::Run() {
  std::unique_lock<std::mutex> lock(queue_mutex_);
  while (true) {
    queue_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything queued is committed
    std::vector<Pending> group = TakeGroup(lock);
    lock.unlock();
    auto started = std::chrono::steady_clock::now();
    Commit(group);
    if (on_commit_) on_commit_(std::chrono::steady_clock::now() - started);
    for (Pending& pending : group) Notify(pending);
    lock.lock();
  }
}

std::vector<GroupCommitWriter::Pending> GroupCommitWriter::TakeGroup(
    std::unique_lock<std::mutex>&) {
  std::vector<Pending> group;
  std::size_t ops = 0;
  // Always take at least one batch, however large, so that nothing waits forever.
  while (!queue_.empty() &&
         (group.empty() || ops + queue_.front().ops.size() <= max_ops_per_commit_)) {
    ops += queue_.front().ops.size();
    group.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return group;
}

void GroupCommitWriter::Notify(Pending& pending) {
  if (!pending.done) return;
  try {
    pending.done(pending.outcome);
  } catch (const std::exception&) {
    // A callback must not take the writer thread down with it; the batch is committed.
  }
}

Statement& GroupCommitWriter::StatementFor(KvWriteOp::Kind kind) {
  switch (kind) {
    case KvWriteOp::Kind::kPut:
      return put_;
    case KvWriteOp::Kind::kDelete:
      return delete_;
    case KvWriteOp::Kind::kUpdate:
      return update_;
  }
  throw SqliteError(SQLITE_MISMATCH, "unknown write operation");
}

void GroupCommitWriter::Apply(const std::vector<KvWriteOp>& ops) {
  for (const KvWriteOp& op : ops) {
    StatementUse use(StatementFor(op.kind));
    use->BindText(1, op.ns);
    use->BindBlob(2, op.key);
    if (op.kind != KvWriteOp::Kind::kDelete) use->BindBlob(3, op.value);
    use->Step();
  }
}

void GroupCommitWriter::Commit(std::vector<Pending>& group) {
  std::lock_guard<std::mutex> lock(db_mutex_);
  bool any_ops = false;
  for (const Pending& pending : group) any_ops = any_ops || !pending.ops.empty();
  if (!any_ops) return;
  const bool savepoints = group.size() > 1;
  bool committed = false;
  KvWriteOutcome failure;
  try {
    Execute(begin_);
    for (Pending& pending : group) {
      if (!db_->InTransaction()) {
        // A severe error (I/O) rolled the whole transaction back: the rest cannot commit.
        pending.outcome = failure;
        continue;
      }
      try {
        if (savepoints) Execute(savepoint_);
        Apply(pending.ops);
        if (savepoints) Execute(release_);
      } catch (const SqliteError& e) {
        pending.outcome = Failure(e.status(), e.what());
        failure = pending.outcome;
        if (savepoints && db_->InTransaction()) {
          Execute(rollback_to_);
          Execute(release_);
        }
      }
    }
    if (db_->InTransaction()) {
      Execute(commit_);
      committed = true;
    }
  } catch (const SqliteError& e) {
    failure = Failure(e.status(), e.what());
  }
  if (!committed) {
    if (db_->InTransaction()) {
      try {
        db_->Exec("ROLLBACK");
      } catch (const SqliteError&) {
        // SQLite rolls back itself when the connection's next transaction begins.
      }
    }
    if (failure.ok()) failure = Failure(KvStatus::kUnavailable, "the commit failed");
    for (Pending& pending : group) pending.outcome = failure;
  }
  if (failure.ok()) {
    health_.RecordSuccess();
  } else if (failure.status == KvStatus::kUnavailable) {
    health_.RecordFailure(failure.message);
  }
}

}  // namespace sr::sqlite_store
