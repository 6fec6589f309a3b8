#include "spawner_feed.h"

#include <algorithm>
#include <array>
#include <sr/text.hpp>

namespace sr::dashboard {

namespace {

// The bytes one node of an unordered_map takes besides its value: the next pointer and
// malloc's own header, rounded as glibc rounds chunks (16 bytes).
constexpr std::size_t kNodeOverhead = sizeof(void*) + 8;
// Ids a tick keeps room for between ticks (10,000 heartbeats/s for 2 s fit twice over).
constexpr std::size_t kKeptCapacity = 1 << 16;
constexpr std::size_t RoundChunk(std::size_t bytes) { return (bytes + 15) / 16 * 16; }

}  // namespace

SpawnerFeed::SpawnerFeed(SpawnerSource* source, std::uint64_t epoch)
    : source_(source), epoch_(epoch) {}

FleetTotals SpawnerFeed::CurrentTotals() {
  if (source_ == nullptr) return FleetTotals{};
  std::optional<FleetTotals> totals = source_->Totals();
  return totals ? *totals : FleetTotals{};
}

std::size_t SpawnerFeed::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

std::size_t SpawnerFeed::MemoryBytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::size_t bytes =
      entries_.size() * RoundChunk(sizeof(std::pair<const std::uint64_t, Entry>) + kNodeOverhead) +
      entries_.bucket_count() * sizeof(void*) +
      (touched_.capacity() + removed_.capacity()) * sizeof(std::uint64_t);
  for (const auto& [id, entry] : entries_) {
    if (entry.status.capacity() > 15) bytes += RoundChunk(entry.status.capacity() + 1 + 8);
  }
  return bytes;
}

void SpawnerFeed::TouchLocked(std::uint64_t id, Entry& entry) {
  if (entry.queued) return;
  entry.queued = true;
  touched_.push_back(id);
}

void SpawnerFeed::EraseLocked(std::uint64_t id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  if (it->second.suspect) --suspect_;
  entries_.erase(it);
  removed_.push_back(id);
}

void SpawnerFeed::ApplyLocked(const SpawnerState& state, Source from) {
  auto [it, inserted] = entries_.try_emplace(state.id);
  Entry& entry = it->second;
  if (from != Source::kEvent) entry.seen = generation_;
  if (inserted) {
    entry.revision = state.revision;
    entry.last_seen_ms = state.last_seen_ms;
    entry.max_instances = state.max_instances;
    entry.current_instances = state.current_instances;
    entry.status.assign(state.status);
    entry.suspect = state.suspect;
    if (entry.suspect) ++suspect_;
    if (from != Source::kPrime) {
      entry.fresh = true;  // clients learn it whole
      TouchLocked(state.id, entry);
    }
    return;
  }
  const std::uint64_t held = entry.revision;
  std::uint8_t changed = 0;
  if (state.revision > held) {
    if (entry.max_instances != state.max_instances) changed |= kMax;
    if (entry.current_instances != state.current_instances) changed |= kCurrent;
    if (entry.status != state.status) changed |= kStatus;
    if (entry.last_seen_ms != state.last_seen_ms) changed |= kLastSeen;
    entry.revision = state.revision;
    entry.last_seen_ms = state.last_seen_ms;
    entry.max_instances = state.max_instances;
    entry.current_instances = state.current_instances;
    if (changed & kStatus) entry.status.assign(state.status);
  }
  // Health also moves with time alone, so a visit's word on it counts at the same revision;
  // an event's only when it is news.
  bool health_applies = state.revision > held || (from != Source::kEvent && state.revision == held);
  if (health_applies && entry.suspect != state.suspect) {
    entry.suspect = state.suspect;
    suspect_ += entry.suspect ? 1 : -1;
    changed |= kHealth;
  }
  if (changed != 0) {
    entry.changed |= changed;
    TouchLocked(state.id, entry);
  }
}

bool SpawnerFeed::ReconcileLocked(Source from) {
  ++generation_;
  bool ok = source_->Visit([&](const SpawnerState& state) { ApplyLocked(state, from); });
  if (!ok) return false;
  // Not in the directory any more and untouched since the last tick: its removal event was
  // lost. (A spawner touched since then was registered after the visit copied its shard.)
  std::vector<std::uint64_t> gone;
  for (const auto& [id, entry] : entries_) {
    if (entry.seen != generation_ && !entry.queued) gone.push_back(id);
  }
  for (std::uint64_t id : gone) EraseLocked(id);
  return true;
}

void SpawnerFeed::Prime() {
  if (source_ == nullptr) return;
  std::lock_guard<std::mutex> lock(mutex_);
  ReconcileLocked(Source::kPrime);
  removed_.clear();
}

bool SpawnerFeed::OnChanged(std::string_view payload) {
  std::string status;
  std::optional<SpawnerState> state = ParseSpawnerEvent(payload, status);
  if (!state) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  ApplyLocked(*state, Source::kEvent);
  return true;
}

bool SpawnerFeed::OnRemoved(std::string_view payload) {
  std::optional<SpawnerRemoval> removal = ParseRemovalEvent(payload);
  if (!removal) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  EraseLocked(removal->id);
  return true;
}

std::string SpawnerFeed::Tick(std::int64_t now_ms) {
  FleetTotals totals = CurrentTotals();
  SpawnerDelta delta;
  delta.time_base_ms = now_ms;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (totals.available && (totals.spawners != entries_.size() || totals.suspect != suspect_)) {
      ReconcileLocked(Source::kVisit);
    }
    std::uint64_t version = version_.load(std::memory_order_relaxed);
    delta.base = version;
    delta.version = version;
    if (!touched_.empty() || !removed_.empty()) {
      delta.version = version + 1;
      BuildLocked(delta, now_ms);
    }
    version_.store(delta.version, std::memory_order_release);
  }
  return SpawnerDeltaJson(delta, totals, epoch_);
}

void SpawnerFeed::BuildLocked(SpawnerDelta& delta, std::int64_t now_ms) {
  struct Row {
    std::uint64_t id;
    const Entry* entry;
    std::uint8_t changed;
  };
  std::vector<Row> rows;
  std::sort(touched_.begin(), touched_.end());
  for (std::uint64_t id : touched_) {
    auto it = entries_.find(id);
    if (it == entries_.end()) continue;  // removed since: its id is in removed_
    Entry& entry = it->second;
    entry.queued = false;
    if (entry.fresh) {
      entry.fresh = false;
      entry.changed = 0;
      if (std::optional<std::string> json = source_->Get(id)) {
        delta.upserts.push_back(std::move(*json));
      }
      continue;
    }
    if (entry.changed != 0) rows.push_back(Row{id, &entry, entry.changed});
    entry.changed = 0;
  }
  touched_.clear();

  static constexpr std::array<std::pair<Changed, const char*>, 5> kColumns{{
      {kMax, "max_instances"},
      {kCurrent, "current_instances"},
      {kStatus, "status"},
      {kLastSeen, "last_seen"},
      {kHealth, "health"},
  }};
  for (const Row& row : rows) delta.changes.ids.push_back(row.id);
  for (const auto& [bit, name] : kColumns) {
    bool any =
        std::any_of(rows.begin(), rows.end(), [&](const Row& row) { return row.changed & bit; });
    if (!any) continue;
    auto& column = delta.changes.fields[name];
    column.resize(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if ((rows[i].changed & bit) == 0) continue;
      const Entry& entry = *rows[i].entry;
      switch (bit) {
        case kMax:
          column[i] = std::to_string(entry.max_instances);
          break;
        case kCurrent:
          column[i] = std::to_string(entry.current_instances);
          break;
        case kStatus:
          column[i].emplace();
          sr::AppendJsonString(*column[i], entry.status);
          break;
        case kLastSeen:
          column[i] = std::to_string(entry.last_seen_ms - now_ms);
          break;
        case kHealth:
          column[i] = entry.suspect ? "\"suspect\"" : "\"healthy\"";
          break;
      }
    }
  }

  std::sort(removed_.begin(), removed_.end());
  removed_.erase(std::unique(removed_.begin(), removed_.end()), removed_.end());
  delta.removed = std::move(removed_);
  removed_.clear();
  // After a burst (100,000 registrations) the list gives its memory back.
  if (touched_.capacity() > kKeptCapacity) touched_.shrink_to_fit();
}

}  // namespace sr::dashboard
