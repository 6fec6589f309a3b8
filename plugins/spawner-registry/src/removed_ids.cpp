#include "removed_ids.h"

namespace sr::spawner_registry {

void RemovedIds::Add(SpawnerId id, std::int64_t now_ms) {
  while (!by_time_.empty() && now_ms - by_time_.front().first > horizon_ms_) {
    ids_.erase(by_time_.front().second);
    by_time_.pop_front();
  }
  if (ids_.insert(id).second) by_time_.emplace_back(now_ms, id);
}

}  // namespace sr::spawner_registry
