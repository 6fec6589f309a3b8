// The registry's cluster mode (see "Cluster mode" in registry.h): what changes when several
// masters share one store.
#include <algorithm>
#include <exception>
#include <string>

#include "registry.h"
#include "registry_internal.h"
#include "spawner_codec.h"
#include "spawner_json.h"
#include "spawner_token.h"

namespace sr::spawner_registry {

namespace {

// Another master's last_seen (wall clock) as a moment of this master's steady clock: as long
// ago as it is by the wall clock (masters keep their clocks in step, NTP), and never in the
// future, since the other clock may run a little ahead.
std::int64_t SteadyFromWall(std::int64_t wall_ms, const RegistryClock& clock) {
  const std::int64_t age_ms = std::max<std::int64_t>(clock.WallMs() - wall_ms, 0);
  return clock.SteadyMs() - age_ms;
}

}  // namespace

void Registry::LoadClustered(LoadSummary& summary) {
  // Watched before the scan, so that nothing committed in between is missed; a change the
  // scan also reads is merged twice, which changes nothing the second time.
  watch_ = store_->WatchSpawners(
      [this](std::string_view key, std::string_view value, bool deleted) {
        ApplyRemote(key, value, deleted);
      });
  const std::int64_t grace_start_ms = clock_.SteadyMs();
  store_->Scan(RegistryStore::Table::kSpawners, [&](std::string_view key, std::string_view value) {
    std::string problem;
    std::optional<StoredSpawner> stored = DecodeSpawnerRow(key, value, problem);
    if (!stored) {
      ++summary.unreadable;
      warn_(std::string("ignoring ").append(problem));
      return;
    }
    // The grace rule, as for a single master: after a restart of the whole cluster nobody
    // could receive heartbeats, so every loaded spawner gets one full TTL.
    Adopt(std::move(*stored), grace_start_ms, false);
    ++summary.spawners;
  });
  summary.next_id = 0;
}

void Registry::RegisterClustered(Registration registration, std::string registered_from,
                                 Done done) {
  // Counted before the id is drawn, so that concurrent registrations cannot overshoot.
  if (table_.size() + registrations_in_flight_.fetch_add(1) >= options_.max_spawners) {
    registrations_in_flight_.fetch_sub(1);
    done(internal::Full(options_.max_spawners));
    return;
  }
  SpawnerId id = 0;
  try {
    id = store_->NextSpawnerId();
  } catch (const std::exception& error) {
    registrations_in_flight_.fetch_sub(1);
    done(internal::Unavailable(
        std::string("the registration could not be stored: ").append(error.what())));
    return;
  }
  IssuedToken token = IssueToken(id);
  SpawnerTable::Entry entry =
      NewEntry(std::move(registration), std::move(registered_from), id, token.digest);
  SpawnerSnapshot snapshot{entry.identity, entry.load, entry.last_seen_ms, false};
  std::vector<RegistryStore::Write> writes;
  writes.push_back(internal::PutSpawner(snapshot));
  store_->Commit(std::move(writes), [this, id, entry = std::move(entry),
                                     snapshot = std::move(snapshot),
                                     token = std::move(token.token), done = std::move(done)](
                                        bool ok, const std::string& error) mutable {
    if (!ok) {
      registrations_in_flight_.fetch_sub(1);
      done(internal::Unavailable("the registration could not be stored: " + error));
      return;
    }
    misses_.Forget(SpawnerKey(id));
    {
      std::lock_guard<std::mutex> lock(removed_mutex_);
      // Another master may have reported it already (its heartbeat written back before this
      // callback ran): then it is known and was announced.
      if (!removed_.Contains(id) && table_.InsertNew(std::move(entry))) {
        events_.Publish("spawner.registered", SpawnerEventJson(snapshot));
      }
    }
    registrations_in_flight_.fetch_sub(1);
    done(ChangeOutcome{ChangeOutcome::Result::kOk, id, {}, std::move(token)});
  });
}

void Registry::ApplyRemote(std::string_view key, std::string_view value, bool deleted) {
  if (deleted) {
    std::optional<SpawnerId> id = ParseSpawnerKey(key);
    if (!id) return;  // no spawner of ours has such a key
    std::lock_guard<std::mutex> lock(order_mutex_);  // no write-behind update after it
    // Why the other master removed it is not stored: it expired if it was silent here too.
    Removed(*id, table_.IsExpired(*id, Now()) ? "expired" : "deleted");
    return;
  }
  // Before anything else: a read-through in flight must not remember the id as unknown.
  misses_.Forget(key);
  std::string problem;
  std::optional<StoredSpawner> stored = DecodeSpawnerRow(key, value, problem);
  if (!stored) {
    if (warn_) warn_(std::string("ignoring another master's change: ").append(problem));
    return;
  }
  const std::int64_t alive_at_ms = SteadyFromWall(stored->last_seen_ms, clock_);
  Adopt(std::move(*stored), alive_at_ms, true);
}

bool Registry::ReadThrough(SpawnerId id) {
  if (!clustered_) return false;
  {
    std::lock_guard<std::mutex> lock(removed_mutex_);
    if (removed_.Contains(id)) return false;
  }
  const std::string key = SpawnerKey(id);
  const std::int64_t asked_ms = clock_.SteadyMs();
  if (misses_.Absent(key, asked_ms)) return false;
  if (!reads_.Take(asked_ms)) {
    constexpr std::int64_t kReportEveryMs = 10'000;
    const std::uint64_t refused = reads_.RefusalsToReport(asked_ms, kReportEveryMs);
    if (refused > 0 && warn_) {
      warn_(std::to_string(refused) +
            " requests for spawners this master does not hold were answered without reading "
            "the database: more than " +
            std::to_string(kReadsPerSecond) + " a second (a flood of unknown ids?)");
    }
    return false;
  }
  const NegativeCache::Ticket ticket = misses_.BeforeRead(key);
  std::optional<std::string> value;
  try {
    value = store_->ReadSpawner(key);
  } catch (const std::exception&) {
    return false;  // the database is unreachable: answer from memory
  }
  if (!value) {
    misses_.Remember(key, ticket, clock_.SteadyMs());
    return false;
  }
  std::optional<StoredSpawner> stored = DecodeStoredSpawner(id, *value);
  if (!stored) return false;
  const std::int64_t alive_at_ms = SteadyFromWall(stored->last_seen_ms, clock_);
  Adopt(std::move(*stored), alive_at_ms, true);
  return table_.Identity(id) != nullptr;
}

void Registry::Adopt(StoredSpawner stored, std::int64_t alive_at_ms, bool publish) {
  const SpawnerId id = stored.id;
  // order_mutex_: events go out in the order of the spawner's revisions, as write-behind
  // batches publish theirs under it.
  std::lock_guard<std::mutex> order(order_mutex_);
  std::lock_guard<std::mutex> removed(removed_mutex_);
  if (removed_.Contains(id)) return;  // a put read before its deletion (RemovedIds)
  const Liveness now = Now();
  SpawnerTable::RemoteState remote{stored.load, stored.last_seen_ms, alive_at_ms,
                                   stored.registered_from};
  SpawnerTable::MergeOutcome merged = table_.Merge(id, remote, now);
  if (merged.found) {
    if (publish && merged.changed) {
      events_.Publish("spawner.updated", SpawnerEventJson(*merged.changed));
    }
    return;
  }
  table_.Insert(EntryOf(std::move(stored), alive_at_ms));
  if (!publish) return;
  if (std::optional<SpawnerSnapshot> added = table_.Get(id, now)) {
    events_.Publish("spawner.registered", SpawnerEventJson(*added));
  }
}

}  // namespace sr::spawner_registry
