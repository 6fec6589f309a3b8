#include "spawner_feed.h"

namespace sr::dashboard {

SpawnerFeed::SpawnerFeed(SpawnerSource* source, std::uint64_t epoch)
    : source_(source), epoch_(epoch) {}

FleetTotals SpawnerFeed::CurrentTotals() {
  if (source_ == nullptr) return FleetTotals{};
  std::optional<FleetTotals> totals = source_->Totals();
  return totals ? *totals : FleetTotals{};
}

bool SpawnerFeed::Refresh(const FleetTotals& totals, std::int64_t now_ms, SpawnerDelta& delta) {
  if (!totals.available) return false;
  bool may_differ = totals.version != tracker_.version() || totals.suspect != tracker_.suspect() ||
                    totals.spawners != tracker_.size();
  if (!may_differ) return false;
  bool updated = false;
  source_->Snapshot([&](std::string_view json, std::uint64_t version) {
    if (auto computed = tracker_.Update(json, version, now_ms)) {
      delta = std::move(*computed);
      updated = true;
    }
  });
  return updated;
}

void SpawnerFeed::Prime(std::int64_t now_ms) {
  SpawnerDelta ignored;
  Refresh(CurrentTotals(), now_ms, ignored);
  version_.store(tracker_.version(), std::memory_order_release);
}

std::string SpawnerFeed::Tick(std::int64_t now_ms) {
  FleetTotals totals = CurrentTotals();
  SpawnerDelta delta;
  delta.time_base_ms = now_ms;
  if (!Refresh(totals, now_ms, delta)) {
    // Nothing changed (or the list could not be read): an empty delta keeps clients' versions
    // in step and carries the live totals.
    delta.base = tracker_.version();
    delta.version = tracker_.version();
  }
  version_.store(delta.version, std::memory_order_release);
  return SpawnerDeltaJson(delta, totals, epoch_);
}

}  // namespace sr::dashboard
