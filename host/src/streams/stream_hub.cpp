#include "streams/stream_hub.h"

#include "util/time.h"

namespace sr::host {

// Event ids start from the start-up time in microseconds, so that they keep increasing
// across restarts and a client's stale Last-Event-ID is recognised as such.
StreamHub::StreamHub() : first_event_id_(static_cast<std::uint64_t>(UnixMillis()) * 1000) {}

sr_stream_group* StreamHub::Create(const std::string& owner, const std::string& name,
                                   const StreamGroupOptions& options) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (groups_.count(name) > 0) return nullptr;
  auto handle = std::make_unique<sr_stream_group>();
  handle->group = std::make_shared<StreamGroup>(owner, name, options, first_event_id_);
  sr_stream_group* raw = handle.get();
  groups_.emplace(name, std::move(handle));
  return raw;
}

void StreamHub::RemoveOwner(const std::string& owner) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = groups_.begin(); it != groups_.end();) {
    it = it->second->group->owner() == owner ? groups_.erase(it) : std::next(it);
  }
}

}  // namespace sr::host
