// sr::testing::FakeClusterDatabase and FakeClusterKv: an in-memory "kv-store" version 2
// (sr/services/kv_store.h) shared by several masters, for unit tests of plugins in cluster
// mode without PostgreSQL. Header-only C++17.
//
//   sr::testing::FakeClusterDatabase db;
//   sr::testing::FakeClusterKv a(db, "a"), b(db, "b");   // two masters
//   sr::KvStore store_a(a.v1()), store_b(b.v1());        // what each plugin looks up
//   ... write through store_a ...
//   b.Sync();  // b's watches now saw a's changes (on this thread)
//
// The database: one ordered map per namespace whose deleted keys stay as tombstones (as the
// postgres-store's rows do), one global revision drawn per changed row in commit order,
// cluster-wide sequences (next_id) and leases (lead). SetReachable(false) plays the database
// going away: reads, writes and next_id answer SR_ERR_UNAVAILABLE, healthy() is 0, leases are
// lost and watches deliver nothing until it is back (then they resume where they were).
//
// A master (FakeClusterKv) exposes the sr_kv_store_v2 table. Its watches report the changes
// the OTHER masters committed, in commit order, with the latest value of each key (a key
// changed twice between two deliveries is reported once, as the real provider's resync does).
// Delivery, chosen per master:
//   - Delivery::kManual (default): only when the test calls Sync(), on the test's thread, so
//     tests are deterministic.
//   - Delivery::kThread: also on a thread of the master's own, woken by every commit, the way
//     a real provider's change thread calls back; Sync() still works (both deliver under one
//     mutex, so a change is never reported twice or out of order).
// After Sync() returns, every change committed before the call has been delivered. A watcher
// may read and write through any master, but must not call watch or unwatch of its own
// master (deliveries hold that master's watch lock), as the contract says of unwatch.
// write_async commits before it returns; its `done` runs on the master's writer thread
// (WaitIdle() waits for those). gets() counts a master's reads of single keys (a plugin's
// read-throughs), scans() its scans. Kill() plays kill -9: the master's leases go to the next master that asks,
// its watches stop and every call answers SR_ERR_UNAVAILABLE.
//
// LIFETIME: the database must outlive its masters; namespace handles are valid for the
// database's lifetime and may be used through any of its masters. THREAD: every function of
// the table may be called from any thread, as the contract says.
#ifndef SR_TESTING_FAKE_CLUSTER_KV_HPP
#define SR_TESTING_FAKE_CLUSTER_KV_HPP

#include <sr/services/kv_store.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace sr::testing {

class FakeClusterKv;

class FakeClusterDatabase {
 public:
  FakeClusterDatabase() = default;
  FakeClusterDatabase(const FakeClusterDatabase&) = delete;
  FakeClusterDatabase& operator=(const FakeClusterDatabase&) = delete;

  // Plays the database going away (false) and coming back (true). Going away ends every lease,
  // as a dropped connection ends an advisory lock.
  void SetReachable(bool reachable) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      reachable_ = reachable;
      if (!reachable) leases_.clear();
    }
    changed_.notify_all();  // delivery threads resume after the outage
  }
  bool reachable() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return reachable_;
  }

  // The last revision drawn (0 before the first change).
  std::uint64_t revision() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return revision_;
  }

  // The live rows of namespace `name` (no tombstones), whatever the reachability.
  std::map<std::string, std::string> Rows(std::string_view name) const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::map<std::string, std::string> rows;
    auto it = namespaces_.find(name);
    if (it == namespaces_.end()) return rows;
    for (const auto& [key, row] : it->second->rows) {
      if (row.value) rows.emplace(key, *row.value);
    }
    return rows;
  }

  // The name of the master holding lease `name`, or nullopt.
  std::optional<std::string> LeaseHolder(std::string_view name) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = leases_.find(name);
    if (it == leases_.end()) return std::nullopt;
    return masters_.at(it->second);
  }

  // How many batches were committed (a batch whose ops all did nothing counts too): lets a
  // test check that work was batched.
  std::uint64_t committed_batches() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return committed_batches_;
  }

 private:
  friend class FakeClusterKv;

  struct Row {
    std::optional<std::string> value;  // nullopt: a tombstone
    std::uint64_t revision = 0;
    std::uint64_t origin = 0;  // the master that committed it
  };
  // The object behind an sr_kv_namespace* handle.
  struct Namespace {
    std::string name;
    std::map<std::string, Row, std::less<>> rows;
  };
  struct Change {
    std::string key;
    std::optional<std::string> value;
  };

  std::uint64_t Join(std::string name) {
    std::lock_guard<std::mutex> lock(mutex_);
    masters_.emplace(++last_master_, std::move(name));
    return last_master_;
  }
  // The master is gone (destroyed or killed): its leases are free for the next caller.
  void Leave(std::uint64_t master) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = leases_.begin(); it != leases_.end();) {
      it = it->second == master ? leases_.erase(it) : std::next(it);
    }
  }

  Namespace* OpenNamespace(std::string_view name) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = namespaces_.find(name);
    if (it == namespaces_.end()) {
      auto created = std::make_unique<Namespace>();
      created->name = std::string(name);
      it = namespaces_.emplace(std::string(name), std::move(created)).first;
    }
    return it->second.get();
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;  // a commit, or the database coming back
  bool reachable_ = true;
  std::uint64_t revision_ = 0;
  std::uint64_t committed_batches_ = 0;
  std::uint64_t last_master_ = 0;
  std::map<std::uint64_t, std::string> masters_;
  std::map<std::string, std::unique_ptr<Namespace>, std::less<>> namespaces_;
  std::map<std::string, std::uint64_t, std::less<>> sequences_;
  std::map<std::string, std::uint64_t, std::less<>> leases_;  // lease -> master
};

class FakeClusterKv {
 public:
  enum class Delivery { kManual, kThread };

  FakeClusterKv(FakeClusterDatabase& database, std::string name,
                Delivery delivery = Delivery::kManual)
      : database_(database), name_(name), id_(database.Join(std::move(name))) {
    table_.struct_size = sizeof(sr_kv_store_v2);
    table_.self = this;
    table_.open_namespace = &FakeClusterKv::OpenNamespace;
    table_.get = &FakeClusterKv::Get;
    table_.scan = &FakeClusterKv::Scan;
    table_.count = &FakeClusterKv::Count;
    table_.write = &FakeClusterKv::Write;
    table_.write_async = &FakeClusterKv::WriteAsync;
    table_.healthy = &FakeClusterKv::Healthy;
    table_.last_error = &FakeClusterKv::LastError;
    table_.next_id = &FakeClusterKv::NextId;
    table_.watch = &FakeClusterKv::Watch;
    table_.unwatch = &FakeClusterKv::Unwatch;
    table_.lead = &FakeClusterKv::Lead;
    writer_ = std::thread([this] { RunWriter(); });
    if (delivery == Delivery::kThread) deliverer_ = std::thread([this] { RunDelivery(); });
  }
  FakeClusterKv(const FakeClusterKv&) = delete;
  FakeClusterKv& operator=(const FakeClusterKv&) = delete;
  ~FakeClusterKv() {
    Stop();
    database_.Leave(id_);
  }

  // What a plugin gets from its lookup of "kv-store" version 2, and of version 1 (a v2
  // provider answers v1 lookups with its v2 table, which starts with every v1 field).
  const sr_kv_store_v2& v2() const { return table_; }
  // (Through void*, as the host hands the table over.)
  const sr_kv_store_v1& v1() const {
    const void* table = &table_;
    return *static_cast<const sr_kv_store_v1*>(table);
  }
  const std::string& name() const { return name_; }
  // How many get calls this master made (found, absent or refused): lets a test count what
  // reaches the database.
  std::uint64_t gets() const { return gets_.load(); }
  // How many scan calls this master made, likewise.
  std::uint64_t scans() const { return scans_.load(); }

  // Delivers, on the calling thread, every change committed by other masters since the last
  // delivery; returns how many calls were made. Nothing while the database is unreachable or
  // after Kill().
  std::size_t Sync() {
    std::lock_guard<std::mutex> delivering(delivery_mutex_);
    if (dead_) return 0;
    std::size_t calls = 0;
    for (auto& [handle, watch] : watches_) {
      std::vector<FakeClusterDatabase::Change> changes;
      {
        std::lock_guard<std::mutex> lock(database_.mutex_);
        if (!database_.reachable_) return calls;
        std::vector<std::pair<std::uint64_t, const std::string*>> newer;
        for (const auto& [key, row] : watch.ns->rows) {
          if (row.revision > watch.cursor && row.origin != id_) newer.emplace_back(row.revision, &key);
        }
        std::sort(newer.begin(), newer.end());
        for (const auto& [revision, key] : newer) {
          changes.push_back({*key, watch.ns->rows.find(*key)->second.value});
        }
        watch.cursor = database_.revision_;
      }
      for (const FakeClusterDatabase::Change& change : changes) {
        const std::string& value = change.value ? *change.value : std::string();
        watch.fn(watch.ctx, Str(change.key), Str(value), change.value ? 0 : 1);
        ++calls;
      }
    }
    return calls;
  }

  // Waits until every `done` of write_async issued before the call has run.
  void WaitIdle() {
    std::unique_lock<std::mutex> lock(writer_mutex_);
    writer_idle_.wait(lock, [&] { return completions_.empty() && !completing_; });
  }

  // Plays kill -9 of this master: its leases are released, its watches stop and every call
  // fails with SR_ERR_UNAVAILABLE (healthy() 0, lead() 0). Pending write_async callbacks
  // still run, since their batches were committed.
  void Kill() {
    {
      std::lock_guard<std::mutex> delivering(delivery_mutex_);
      dead_ = true;
    }
    database_.Leave(id_);
  }

 private:
  struct WatchEntry {
    FakeClusterDatabase::Namespace* ns = nullptr;
    sr_kv_change_fn fn = nullptr;
    void* ctx = nullptr;
    std::uint64_t cursor = 0;  // the revision up to which changes were delivered
  };

  static FakeClusterKv& Self(void* self) { return *static_cast<FakeClusterKv*>(self); }
  static FakeClusterDatabase::Namespace* Ns(sr_kv_namespace* ns) {
    return reinterpret_cast<FakeClusterDatabase::Namespace*>(ns);
  }
  static sr_str Str(std::string_view text) { return sr_str{text.data(), text.size()}; }
  static std::string_view View(sr_str text) {
    return text.data == nullptr ? std::string_view() : std::string_view(text.data, text.size);
  }
  // Names of namespaces and leases: 1-64 of [a-z0-9_-] (`dash`), sequences without '-'.
  static bool ValidName(std::string_view name, bool dash) {
    if (name.empty() || name.size() > 64) return false;
    return std::all_of(name.begin(), name.end(), [dash](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (dash && c == '-');
    });
  }

  void SetError(std::string message) {
    std::lock_guard<std::mutex> lock(error_mutex_);
    last_error_ = std::move(message);
  }
  // SR_OK when this master may talk to the database; the caller holds database_.mutex_.
  sr_status ReachableLocked() {
    if (dead_.load()) {
      SetError("this master was killed (FakeClusterKv::Kill)");
      return SR_ERR_UNAVAILABLE;
    }
    if (!database_.reachable_) {
      SetError("database unreachable (FakeClusterDatabase::SetReachable(false))");
      return SR_ERR_UNAVAILABLE;
    }
    return SR_OK;
  }

  // Applies one batch atomically: every op is checked before any is applied.
  sr_status Commit(const sr_kv_op* ops, std::size_t count) {
    if (count > 0 && ops == nullptr) return SR_ERR_INVALID_ARGUMENT;
    for (std::size_t i = 0; i < count; ++i) {
      if (ops[i].ns == nullptr || ops[i].kind > SR_KV_UPDATE) {
        SetError("bad operation in a batch (null namespace or unknown kind)");
        return SR_ERR_INVALID_ARGUMENT;
      }
    }
    {
      std::lock_guard<std::mutex> lock(database_.mutex_);
      if (sr_status status = ReachableLocked(); status != SR_OK) return status;
      for (std::size_t i = 0; i < count; ++i) {
        auto& rows = Ns(ops[i].ns)->rows;
        std::string key(View(ops[i].key));
        auto it = rows.find(key);
        bool exists = it != rows.end() && it->second.value.has_value();
        if (ops[i].kind == SR_KV_DELETE) {
          if (!exists) continue;  // deleting nothing changes nothing
          it->second = FakeClusterDatabase::Row{std::nullopt, ++database_.revision_, id_};
          continue;
        }
        if (ops[i].kind == SR_KV_UPDATE && !exists) continue;  // never resurrects a row
        rows[key] = FakeClusterDatabase::Row{std::string(View(ops[i].value)),
                                             ++database_.revision_, id_};
      }
      ++database_.committed_batches_;
    }
    database_.changed_.notify_all();
    SetError({});
    return SR_OK;
  }

  static sr_status OpenNamespace(void* self, sr_str name, sr_kv_namespace** out) noexcept {
    if (out == nullptr || !ValidName(View(name), true)) return SR_ERR_INVALID_ARGUMENT;
    try {
      *out = reinterpret_cast<sr_kv_namespace*>(Self(self).database_.OpenNamespace(View(name)));
      return SR_OK;
    } catch (...) {
      return SR_ERR_INTERNAL;
    }
  }

  static sr_status Get(void* self, sr_kv_namespace* ns, sr_str key, sr_kv_row_fn fn,
                       void* ctx) noexcept {
    if (ns == nullptr || fn == nullptr) return SR_ERR_INVALID_ARGUMENT;
    FakeClusterKv& kv = Self(self);
    kv.gets_.fetch_add(1);
    std::string value;
    try {
      std::lock_guard<std::mutex> lock(kv.database_.mutex_);
      if (sr_status status = kv.ReachableLocked(); status != SR_OK) return status;
      auto it = Ns(ns)->rows.find(View(key));
      if (it == Ns(ns)->rows.end() || !it->second.value) return SR_ERR_NOT_FOUND;
      value = *it->second.value;
    } catch (...) {
      return SR_ERR_INTERNAL;
    }
    fn(ctx, key, Str(value));  // outside the lock: the callback may call the store
    return SR_OK;
  }

  static sr_status Scan(void* self, sr_kv_namespace* ns, sr_str start, sr_str end,
                        uint32_t limit, int32_t reverse, sr_kv_row_fn fn, void* ctx) noexcept {
    if (ns == nullptr || fn == nullptr) return SR_ERR_INVALID_ARGUMENT;
    FakeClusterKv& kv = Self(self);
    kv.scans_.fetch_add(1);
    std::vector<std::pair<std::string, std::string>> rows;
    try {
      std::lock_guard<std::mutex> lock(kv.database_.mutex_);
      if (sr_status status = kv.ReachableLocked(); status != SR_OK) return status;
      const auto& all = Ns(ns)->rows;
      for (auto it = all.lower_bound(View(start)); it != all.end(); ++it) {
        if (!View(end).empty() && std::string_view(it->first) >= View(end)) break;
        if (it->second.value) rows.emplace_back(it->first, *it->second.value);
      }
    } catch (...) {
      return SR_ERR_INTERNAL;
    }
    if (reverse != 0) std::reverse(rows.begin(), rows.end());
    if (limit != 0 && rows.size() > limit) rows.resize(limit);
    for (const auto& [key, value] : rows) {
      if (fn(ctx, Str(key), Str(value)) == 0) break;
    }
    return SR_OK;
  }

  static sr_status Count(void* self, sr_kv_namespace* ns, uint64_t* out) noexcept {
    if (ns == nullptr || out == nullptr) return SR_ERR_INVALID_ARGUMENT;
    FakeClusterKv& kv = Self(self);
    std::lock_guard<std::mutex> lock(kv.database_.mutex_);
    if (sr_status status = kv.ReachableLocked(); status != SR_OK) return status;
    const auto& rows = Ns(ns)->rows;
    *out = static_cast<uint64_t>(std::count_if(
        rows.begin(), rows.end(), [](const auto& row) { return row.second.value.has_value(); }));
    return SR_OK;
  }

  static sr_status Write(void* self, const sr_kv_op* ops, size_t count) noexcept {
    try {
      return Self(self).Commit(ops, count);
    } catch (...) {
      return SR_ERR_INTERNAL;
    }
  }

  static sr_status WriteAsync(void* self, const sr_kv_op* ops, size_t count, sr_kv_done_fn done,
                              void* ctx) noexcept {
    if (done == nullptr) return SR_ERR_INVALID_ARGUMENT;
    FakeClusterKv& kv = Self(self);
    try {
      sr_status status = kv.Commit(ops, count);
      if (status == SR_ERR_INVALID_ARGUMENT) return status;  // nothing queued, as documented
      std::string message = status == SR_OK ? std::string() : kv.LastErrorText();
      {
        std::lock_guard<std::mutex> lock(kv.writer_mutex_);
        kv.completions_.push_back([done, ctx, status, message] {
          done(ctx, status, Str(message));
        });
      }
      kv.writer_wake_.notify_one();
      return SR_OK;
    } catch (...) {
      return SR_ERR_INTERNAL;
    }
  }

  static int32_t Healthy(void* self) noexcept {
    FakeClusterKv& kv = Self(self);
    std::lock_guard<std::mutex> lock(kv.database_.mutex_);
    return !kv.dead_.load() && kv.database_.reachable_ ? 1 : 0;
  }

  std::string LastErrorText() {
    std::lock_guard<std::mutex> lock(error_mutex_);
    return last_error_;
  }
  static size_t LastError(void* self, char* buffer, size_t capacity) noexcept {
    FakeClusterKv& kv = Self(self);
    std::lock_guard<std::mutex> lock(kv.error_mutex_);
    if (buffer != nullptr && capacity > 0) {
      std::size_t copied = std::min(capacity - 1, kv.last_error_.size());
      std::memcpy(buffer, kv.last_error_.data(), copied);
      buffer[copied] = '\0';
    }
    return kv.last_error_.size();
  }

  static sr_status NextId(void* self, sr_str name, uint64_t* out) noexcept {
    if (out == nullptr || !ValidName(View(name), false)) return SR_ERR_INVALID_ARGUMENT;
    FakeClusterKv& kv = Self(self);
    try {
      std::lock_guard<std::mutex> lock(kv.database_.mutex_);
      if (sr_status status = kv.ReachableLocked(); status != SR_OK) return status;
      *out = ++kv.database_.sequences_[std::string(View(name))];
      return SR_OK;
    } catch (...) {
      return SR_ERR_INTERNAL;
    }
  }

  static sr_status Watch(void* self, sr_kv_namespace* ns, sr_kv_change_fn fn, void* ctx,
                         uint64_t* out) noexcept {
    if (ns == nullptr || fn == nullptr || out == nullptr) return SR_ERR_INVALID_ARGUMENT;
    FakeClusterKv& kv = Self(self);
    try {
      std::lock_guard<std::mutex> delivering(kv.delivery_mutex_);
      WatchEntry entry{Ns(ns), fn, ctx, kv.database_.revision()};
      kv.watches_.emplace(++kv.last_watch_, entry);
      *out = kv.last_watch_;
      return SR_OK;
    } catch (...) {
      return SR_ERR_INTERNAL;
    }
  }

  // Waits for a delivery in progress, since it holds delivery_mutex_ while calling back.
  static void Unwatch(void* self, uint64_t watch) noexcept {
    FakeClusterKv& kv = Self(self);
    std::lock_guard<std::mutex> delivering(kv.delivery_mutex_);
    kv.watches_.erase(watch);
  }

  static int32_t Lead(void* self, sr_str name) noexcept {
    if (!ValidName(View(name), true)) return 0;
    FakeClusterKv& kv = Self(self);
    try {
      std::lock_guard<std::mutex> lock(kv.database_.mutex_);
      if (kv.ReachableLocked() != SR_OK) return 0;
      auto [it, taken] = kv.database_.leases_.emplace(std::string(View(name)), kv.id_);
      return taken || it->second == kv.id_ ? 1 : 0;
    } catch (...) {
      return 0;
    }
  }

  void RunWriter() {
    std::unique_lock<std::mutex> lock(writer_mutex_);
    for (;;) {
      writer_wake_.wait(lock, [&] { return stopping_ || !completions_.empty(); });
      if (completions_.empty()) return;  // stopping, and nothing left to report
      std::function<void()> completion = std::move(completions_.front());
      completions_.pop_front();
      completing_ = true;
      lock.unlock();
      completion();
      lock.lock();
      completing_ = false;
      writer_idle_.notify_all();
    }
  }

  void RunDelivery() {
    std::uint64_t delivered = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(database_.mutex_);
        // The timeout covers an outage ending without a commit that would wake us.
        database_.changed_.wait_for(lock, std::chrono::milliseconds(50), [&] {
          return stopping_delivery_.load() ||
                 (database_.reachable_ && database_.revision_ != delivered);
        });
        if (stopping_delivery_.load()) return;
        delivered = database_.revision_;
      }
      Sync();
    }
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(database_.mutex_);  // no lost wake-up
      stopping_delivery_ = true;
    }
    database_.changed_.notify_all();
    if (deliverer_.joinable()) deliverer_.join();
    {
      std::lock_guard<std::mutex> lock(writer_mutex_);
      stopping_ = true;
    }
    writer_wake_.notify_all();
    if (writer_.joinable()) writer_.join();
  }

  FakeClusterDatabase& database_;
  const std::string name_;
  const std::uint64_t id_;
  sr_kv_store_v2 table_{};
  std::atomic<bool> dead_{false};
  std::atomic<std::uint64_t> gets_{0};
  std::atomic<std::uint64_t> scans_{0};

  std::mutex error_mutex_;
  std::string last_error_;

  // Held while calling watchers, so unwatch waits for a call in progress.
  std::mutex delivery_mutex_;
  std::map<std::uint64_t, WatchEntry> watches_;
  std::uint64_t last_watch_ = 0;
  std::atomic<bool> stopping_delivery_{false};
  std::thread deliverer_;

  std::mutex writer_mutex_;
  std::condition_variable writer_wake_;
  std::condition_variable writer_idle_;
  std::deque<std::function<void()>> completions_;
  bool completing_ = false;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace sr::testing

#endif  // SR_TESTING_FAKE_CLUSTER_KV_HPP
