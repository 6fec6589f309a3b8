// The spawners removed lately, for cluster mode: a change from another master may be read
// before a local deletion commits and delivered after it (the store reports rows, not the
// order of our own work), and the initial scan may read a row that a watched deletion has
// already removed. Ids are never reused, so a put for an id removed here is stale and is
// ignored. Kept for `horizon_ms`, far longer than the watch's delivery delay (about a
// second), so that it stays small. Not thread-safe: the registry guards it.
#pragma once

#include <cstdint>
#include <deque>
#include <unordered_set>
#include <utility>

#include "spawner.h"

namespace sr::spawner_registry {

class RemovedIds {
 public:
  explicit RemovedIds(std::int64_t horizon_ms) : horizon_ms_(horizon_ms) {}

  // Remembers `id` as removed at `now_ms` (steady clock), and forgets what is older than the
  // horizon.
  void Add(SpawnerId id, std::int64_t now_ms);
  bool Contains(SpawnerId id) const { return ids_.count(id) != 0; }
  std::size_t size() const { return ids_.size(); }

 private:
  std::int64_t horizon_ms_;
  std::deque<std::pair<std::int64_t, SpawnerId>> by_time_;  // oldest first
  std::unordered_set<SpawnerId> ids_;
};

}  // namespace sr::spawner_registry
