#include "group_commit_writer.h"

#include "batch_fold.h"
#include "schema.h"

namespace sr::postgres_store {
namespace {

// Bounds memory while the database is slow: beyond this many waiting batches, refuse.
constexpr std::size_t kMaxPending = 100000;
// A group stops growing here so one transaction stays short.
constexpr std::size_t kMaxOpsPerCommit = 20000;
// pg_notify payloads are limited to 8000 bytes; listeners resync every watch on any
// notification, so a cut list loses nothing.
constexpr std::size_t kMaxNotifyBytes = 7000;

constexpr const char* kPutSql =
    "INSERT INTO sr_kv (ns, key, value, rev, origin, changed_at) "
    "SELECT n, k, v, nextval('sr_kv_rev'), $4, now() "
    "FROM unnest($1::text[], $2::bytea[], $3::bytea[]) AS t(n, k, v) "
    "ON CONFLICT (ns, key) DO UPDATE SET value = EXCLUDED.value, rev = EXCLUDED.rev, "
    "origin = EXCLUDED.origin, changed_at = EXCLUDED.changed_at";
// A delete leaves a tombstone (value NULL) with a new revision, so watchers see it; a key
// that is absent or already deleted is left alone.
constexpr const char* kDeleteSql =
    "UPDATE sr_kv SET value = NULL, rev = nextval('sr_kv_rev'), origin = $3, changed_at = now() "
    "FROM unnest($1::text[], $2::bytea[]) AS t(n, k) "
    "WHERE sr_kv.ns = t.n AND sr_kv.key = t.k AND sr_kv.value IS NOT NULL";
// SR_KV_UPDATE: only live rows, so a late write-behind never resurrects a deleted key.
constexpr const char* kUpdateSql =
    "UPDATE sr_kv SET value = t.v, rev = nextval('sr_kv_rev'), origin = $4, changed_at = now() "
    "FROM unnest($1::text[], $2::bytea[], $3::bytea[]) AS t(n, k, v) "
    "WHERE sr_kv.ns = t.n AND sr_kv.key = t.k AND sr_kv.value IS NOT NULL";

std::int64_t Ticks(std::chrono::steady_clock::time_point at) {
  return at.time_since_epoch().count();
}

}  // namespace

GroupCommitWriter::GroupCommitWriter(const StoreOptions& options, StoreHealth& health)
    : slot_(options.conninfo, health),
      health_(health),
      origin_(options.host_name),
      on_commit_(options.on_commit),
      thread_([this] { Run(); }) {}

GroupCommitWriter::~GroupCommitWriter() { Stop(); }

KvWriteOutcome GroupCommitWriter::Submit(std::vector<KvWriteOp> ops, KvWriteCallback done) {
  std::int64_t refuse_until = refuse_until_.load();
  if (refuse_until != 0 && Ticks(std::chrono::steady_clock::now()) < refuse_until) {
    return {KvStatus::kUnavailable,
            std::string("database unreachable: ").append(health_.last_error())};
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_) return {KvStatus::kUnavailable, "the store is stopping"};
  if (queue_.size() >= kMaxPending) {
    return {KvStatus::kUnavailable, "too many writes waiting for the database"};
  }
  std::size_t bytes = 0;
  for (const KvWriteOp& op : ops) bytes += op.ns.size() + op.key.size() + op.value.size();
  queued_bytes_.fetch_add(bytes, std::memory_order_relaxed);
  queue_.push_back(Pending{std::move(ops), std::move(done), bytes});
  ready_.notify_one();
  return {};
}

void GroupCommitWriter::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  ready_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void GroupCommitWriter::Run() {
  for (;;) {
    std::vector<Pending> group;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything was committed
      std::size_t ops = 0;
      while (!queue_.empty() &&
             (group.empty() || ops + queue_.front().ops.size() <= kMaxOpsPerCommit)) {
        ops += queue_.front().ops.size();
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::vector<KvWriteOp> all;
    for (Pending& pending : group) {
      for (KvWriteOp& op : pending.ops) all.push_back(std::move(op));
    }
    KvWriteOutcome outcome = Commit(all);
    for (Pending& pending : group) {
      queued_bytes_.fetch_sub(pending.bytes, std::memory_order_relaxed);
      if (pending.done) pending.done(outcome);
    }
  }
}

KvWriteOutcome GroupCommitWriter::Commit(const std::vector<KvWriteOp>& ops) {
  if (ops.empty()) return {};
  auto started = std::chrono::steady_clock::now();
  FoldedBatch folded = Fold(ops);
  std::string notify;
  for (std::string_view ns : folded.namespaces) {
    if (notify.size() + ns.size() + 1 > kMaxNotifyBytes) break;
    if (!notify.empty()) notify.push_back(',');
    notify.append(ns);
  }
  try {
    slot_.Run([&](PgConnection& conn) {
      conn.Exec("BEGIN");
      try {
        std::string lock_key;
        conn.Query("SELECT pg_advisory_xact_lock($1)", {Int8(kRevisionLock, lock_key)});
        std::string ns_array;
        std::string key_array;
        std::string value_array;
        if (!folded.puts.empty()) {
          conn.Query(kPutSql,
                     {TextArray(folded.puts.ns, ns_array), ByteaArray(folded.puts.keys, key_array),
                      ByteaArray(folded.puts.values, value_array), Text(origin_)});
        }
        if (!folded.deletes.empty()) {
          conn.Query(kDeleteSql, {TextArray(folded.deletes.ns, ns_array),
                                  ByteaArray(folded.deletes.keys, key_array), Text(origin_)});
        }
        if (!folded.updates.empty()) {
          conn.Query(kUpdateSql, {TextArray(folded.updates.ns, ns_array),
                                  ByteaArray(folded.updates.keys, key_array),
                                  ByteaArray(folded.updates.values, value_array), Text(origin_)});
        }
        conn.Query("SELECT pg_notify('sr_kv', $1)", {Text(notify)});
        conn.Exec("COMMIT");
      } catch (const PgError&) {
        if (conn.ok()) {
          try {
            conn.Exec("ROLLBACK");
          } catch (const PgError&) {  // the statement's error is the one to report
          }
        }
        throw;
      }
    });
  } catch (const PgError& e) {
    if (e.connection_lost()) {
      refuse_until_.store(Ticks(std::chrono::steady_clock::now() + backoff_.Next()));
      health_.Fail(e.what());
      return {KvStatus::kUnavailable, std::string("database unreachable: ").append(e.what())};
    }
    health_.NoteError(e.what());
    return {KvStatus::kInternal, e.what()};
  }
  refuse_until_.store(0);
  backoff_.Reset();
  health_.Ok();
  if (on_commit_) on_commit_(std::chrono::steady_clock::now() - started, ops.size());
  return {};
}

}  // namespace sr::postgres_store
