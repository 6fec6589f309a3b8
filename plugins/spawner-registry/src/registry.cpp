#include "registry.h"

#include <algorithm>
#include <future>
#include <stdexcept>

#include "registry_internal.h"
#include "spawner_codec.h"
#include "spawner_json.h"
#include "spawner_token.h"

namespace sr::spawner_registry {

namespace {

using internal::DeleteSpawner;
using internal::PutSpawner;
using internal::Unavailable;
using internal::Write;

struct CommitResult {
  bool ok = true;
  std::string error;
};

// Queues `writes` and returns a future for the outcome. Never blocks.
std::future<CommitResult> CommitAsync(RegistryStore& store, std::vector<Write> writes) {
  auto promise = std::make_shared<std::promise<CommitResult>>();
  std::future<CommitResult> result = promise->get_future();
  store.Commit(std::move(writes), [promise](bool ok, const std::string& error) {
    promise->set_value(CommitResult{ok, error});
  });
  return result;
}

}  // namespace

Registry::Registry(RegistryOptions options, RegistryStore* store, EventSink& events,
                   const RegistryClock& clock)
    : options_(options),
      store_(store),
      events_(events),
      clock_(clock),
      list_(table_, clock_, options_.suspect_after.count(), options_.list_max_staleness.count()),
      clustered_(store != nullptr && store->clustered()) {
  InitTokens();  // a libsodium failure stops the start instead of failing registrations
}

Registry::~Registry() { StopWatching(); }

void Registry::StopWatching() { watch_.reset(); }

SpawnerTable::Entry Registry::NewEntry(Registration registration, std::string registered_from,
                                       SpawnerId id, const TokenDigest& token_digest) const {
  SpawnerTable::Entry entry;
  entry.identity = MakeIdentity(id, std::move(registration.region), std::move(registration.host),
                                registration.port, token_digest, std::move(registered_from));
  entry.load = SpawnerLoad{registration.max_instances, registration.current_instances,
                           std::move(registration.status)};
  entry.last_seen_ms = clock_.WallMs();
  entry.alive_at_ms = clock_.SteadyMs();
  return entry;
}

SpawnerTable::Entry Registry::EntryOf(StoredSpawner stored, std::int64_t alive_at_ms) {
  SpawnerTable::Entry entry;
  entry.identity =
      MakeIdentity(stored.id, std::move(stored.region), std::move(stored.host), stored.port,
                   stored.token_digest, std::move(stored.registered_from));
  entry.load = std::move(stored.load);
  entry.last_seen_ms = stored.last_seen_ms;
  entry.alive_at_ms = alive_at_ms;
  return entry;
}

Liveness Registry::Now() const {
  return Liveness{clock_.SteadyMs(), options_.suspect_after.count(), options_.ttl.count()};
}

LoadSummary Registry::Load(const Warn& warn) {
  LoadSummary summary;
  if (store_ == nullptr) return summary;
  if (clustered_) {
    warn_ = warn;
    LoadClustered(summary);
    return summary;
  }
  std::optional<SpawnerId> stored_next;
  store_->Scan(RegistryStore::Table::kMeta, [&](std::string_view key, std::string_view value) {
    if (key != kNextIdKey) return;
    stored_next = DecodeNextId(value);
    if (!stored_next) warn("ignoring an unreadable id counter '" + std::string(value) + "'");
  });
  SpawnerId max_id = 0;
  const std::int64_t grace_start_ms = clock_.SteadyMs();
  store_->Scan(RegistryStore::Table::kSpawners, [&](std::string_view key, std::string_view value) {
    if (std::optional<SpawnerId> id = ParseSpawnerKey(key)) max_id = std::max(max_id, *id);
    std::string problem;
    std::optional<StoredSpawner> stored = DecodeSpawnerRow(key, value, problem);
    if (!stored) {
      ++summary.unreadable;
      warn(std::string("ignoring ").append(problem));
      return;
    }
    table_.Insert(EntryOf(std::move(*stored), grace_start_ms));
    ++summary.spawners;
  });
  std::lock_guard<std::mutex> lock(order_mutex_);
  // The counter is written with each registration; the largest id guards against a counter
  // lost or damaged by hand.
  next_id_ = std::max<SpawnerId>({stored_next.value_or(1), max_id + 1, 1});
  summary.next_id = next_id_;
  return summary;
}

void Registry::Register(Registration registration, std::string registered_from, Done done) {
  if (clustered_) {
    RegisterClustered(std::move(registration), std::move(registered_from), std::move(done));
    return;
  }
  std::unique_lock<std::mutex> lock(order_mutex_);
  if (table_.size() + registrations_in_flight_.load() >= options_.max_spawners) {
    lock.unlock();
    done(internal::Full(options_.max_spawners));
    return;
  }
  const SpawnerId id = next_id_++;
  IssuedToken token = IssueToken(id);
  SpawnerTable::Entry entry =
      NewEntry(std::move(registration), std::move(registered_from), id, token.digest);
  SpawnerSnapshot snapshot{entry.identity, entry.load, entry.last_seen_ms, false};

  if (store_ == nullptr) {
    table_.Insert(std::move(entry));
    // Published before a deletion can begin (it needs this lock), so spawner.removed always
    // follows. With a store the writer thread's one-at-a-time callbacks give the same order.
    events_.Publish("spawner.registered", SpawnerEventJson(snapshot));
    lock.unlock();
    done(ChangeOutcome{ChangeOutcome::Result::kOk, id, {}, std::move(token.token)});
    return;
  }
  std::vector<Write> writes;
  writes.push_back(PutSpawner(snapshot));
  writes.push_back(Write{RegistryStore::Table::kMeta, Write::Kind::kPut, std::string(kNextIdKey),
                         EncodeNextId(id + 1)});
  registrations_in_flight_.fetch_add(1);
  store_->Commit(std::move(writes), [this, entry = std::move(entry), snapshot = std::move(snapshot),
                                     token = std::move(token.token), done = std::move(done)](
                                        bool ok, const std::string& error) mutable {
    if (ok) table_.Insert(std::move(entry));
    registrations_in_flight_.fetch_sub(1);
    if (!ok) {
      done(Unavailable("the registration could not be stored: " + error));
      return;
    }
    events_.Publish("spawner.registered", SpawnerEventJson(snapshot));
    done(ChangeOutcome{ChangeOutcome::Result::kOk, snapshot.identity->id, {}, std::move(token)});
  });
}

void Registry::Delete(SpawnerId id, Done done) {
  std::unique_lock<std::mutex> lock(order_mutex_);
  if (!table_.BeginRemoval(id)) {
    lock.unlock();
    done(ChangeOutcome{ChangeOutcome::Result::kNotFound, id, {}});
    return;
  }
  if (store_ == nullptr) {
    lock.unlock();
    Removed(id, "deleted");
    done(ChangeOutcome{ChangeOutcome::Result::kOk, id, {}});
    return;
  }
  store_->Commit({DeleteSpawner(id)},
                 [this, id, done = std::move(done)](bool ok, const std::string& error) {
                   if (!ok) {
                     table_.CancelRemoval(id);
                     done(Unavailable("the deletion could not be stored: " + error));
                     return;
                   }
                   Removed(id, "deleted");
                   done(ChangeOutcome{ChangeOutcome::Result::kOk, id, {}});
                 });
}

bool Registry::Heartbeat(SpawnerId id, const HeartbeatUpdate& update) {
  return Heartbeat(id, update, Caller{}).has_value();
}

std::optional<Access> Registry::Heartbeat(SpawnerId id, const HeartbeatUpdate& update,
                                          const Caller& caller) {
  std::optional<Access> access =
      table_.Heartbeat(id, update, clock_.WallMs(), clock_.SteadyMs(), caller);
  if (access || !ReadThrough(id)) return access;
  return table_.Heartbeat(id, update, clock_.WallMs(), clock_.SteadyMs(), caller);
}

std::optional<Access> Registry::Authorize(SpawnerId id, const Caller& caller) {
  std::optional<Access> access = table_.Authorize(id, caller);
  if (access || !ReadThrough(id)) return access;
  return table_.Authorize(id, caller);
}

std::optional<SpawnerId> Registry::VerifyToken(std::string_view token) {
  std::optional<SpawnerId> id = TokenSpawnerId(token);
  if (!id) return std::nullopt;
  std::shared_ptr<const SpawnerIdentity> identity = table_.Identity(*id);
  if (!identity && ReadThrough(*id)) identity = table_.Identity(*id);
  // Hashed and compared with no lock held.
  if (!identity || !identity->token_digest || !TokenMatches(token, *identity->token_digest)) {
    return std::nullopt;
  }
  return id;
}

std::optional<SpawnerSnapshot> Registry::Get(SpawnerId id) const { return table_.Get(id, Now()); }

std::shared_ptr<const SpawnerIdentity> Registry::Identity(SpawnerId id) const {
  return table_.Identity(id);
}

SpawnerTable::Totals Registry::Totals() const { return table_.ComputeTotals(Now()); }

std::vector<std::pair<std::string, SpawnerTable::Totals>> Registry::RegionTotals() const {
  return table_.ComputeRegionTotals(Now());
}

std::vector<SpawnerSnapshot> Registry::All() const { return table_.SnapshotAll(Now()); }

void Registry::Removed(SpawnerId id, std::string_view reason) {
  // In cluster mode, remembered in the same step: a stale put from another master that
  // arrives later must find it removed (see RemovedIds).
  std::unique_lock<std::mutex> lock(removed_mutex_, std::defer_lock);
  if (clustered_) {
    lock.lock();
    removed_.Add(id, clock_.SteadyMs());
  }
  if (std::optional<SpawnerSnapshot> removed = table_.FinishRemoval(id, Now())) {
    events_.Publish("spawner.removed", RemovedEventJson(*removed, reason));
  }
}

void Registry::FlushDirty() {
  // In batches of about kFlushBatch: each batch's writes and events are built, handed over
  // and freed before the next is built, so that 10,000 heartbeats a second never hold 10,000
  // encoded records and 10,000 event payloads at once. Bounded, so that a flush ends even
  // while heartbeats keep marking spawners dirty.
  const std::size_t max_batches = table_.size() / kFlushBatch + 2;
  for (std::size_t batch = 0; batch < max_batches; ++batch) {
    if (!FlushBatch()) return;
  }
}

bool Registry::FlushBatch() {
  std::vector<SpawnerSnapshot> dirty;
  std::future<CommitResult> committed;
  {
    std::lock_guard<std::mutex> lock(order_mutex_);
    dirty = table_.TakeDirty(Now(), kFlushBatch);
    if (dirty.empty()) return false;
    if (store_ != nullptr) {
      std::vector<Write> writes;
      writes.reserve(dirty.size());
      for (const SpawnerSnapshot& spawner : dirty) {
        writes.push_back(PutSpawner(spawner));
        // Another master may have deleted it meanwhile: only update what still exists.
        if (clustered_) writes.back().kind = Write::Kind::kUpdate;
      }
      committed = CommitAsync(*store_, std::move(writes));
    }
    // Published under the lock that a removal begins with: an update taken here can never
    // reach subscribers after its spawner's spawner.removed. Publishing only queues.
    for (const SpawnerSnapshot& spawner : dirty) {
      events_.Publish("spawner.updated", SpawnerEventJson(spawner));
    }
  }
  if (store_ == nullptr || committed.get().ok) return true;
  // Kept dirty, they go with the next flush; the store has logged why this batch failed.
  std::vector<SpawnerId> ids;
  ids.reserve(dirty.size());
  for (const SpawnerSnapshot& spawner : dirty) ids.push_back(spawner.identity->id);
  table_.MarkDirty(ids);
  return false;
}

SweepSummary Registry::SweepExpired() {
  SweepSummary summary;
  if (clustered_ && !store_->Lead(kSweeperLease)) {
    summary.leading = false;
    return summary;
  }
  std::vector<SpawnerId> expired = table_.CollectExpired(Now());
  summary.expired = expired.size();
  const std::size_t batch = std::max<std::size_t>(options_.removal_batch, 1);
  for (std::size_t begin = 0; begin < expired.size(); begin += batch) {
    std::size_t end = std::min(expired.size(), begin + batch);
    std::vector<SpawnerId> marked;
    std::future<CommitResult> committed;
    {
      std::lock_guard<std::mutex> lock(order_mutex_);
      // Checked again: a heartbeat may have arrived since the candidates were collected.
      const Liveness now = Now();
      for (std::size_t i = begin; i < end; ++i) {
        if (table_.BeginRemovalIfExpired(expired[i], now)) marked.push_back(expired[i]);
      }
      if (marked.empty()) continue;
      if (store_ != nullptr) {
        std::vector<Write> writes;
        writes.reserve(marked.size());
        for (SpawnerId id : marked) writes.push_back(DeleteSpawner(id));
        committed = CommitAsync(*store_, std::move(writes));
      }
    }
    if (store_ != nullptr) {
      CommitResult result = committed.get();
      if (!result.ok) {
        for (SpawnerId id : marked) table_.CancelRemoval(id);
        summary.error = result.error;
        return summary;
      }
    }
    for (SpawnerId id : marked) Removed(id, "expired");
    summary.removed += marked.size();
  }
  return summary;
}

}  // namespace sr::spawner_registry
