#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

// Game-instance events of the game-instances plugin on their way to the dashboard.
// `instance.started` and `instance.stopped` are gathered between two flushes and sent as one
// `instances` event (a burst of allocations becomes a few events, not one broadcast each);
// the instances a page shows are its own list, so only the last word per instance matters.
// Filled on the host's event thread, emptied by the flush task.
namespace sr::dashboard {

// What the dashboard reads of an instance event: the instance's id (a string chosen by the
// provider) and how it came to be ("allocation", "spawn", "adopted"; empty when absent).
struct InstanceEventFacts {
  std::string id;
  std::string source;
};

// The facts of an instance object, or nullopt unless it is a JSON object with a string "id".
std::optional<InstanceEventFacts> ParseInstanceEvent(std::string_view json);

class InstanceChangeBuffer {
 public:
  // Above `max_pending` distinct instances the buffer gives up until the next flush and the
  // event says `"overflowed": true`: pages then fetch their list again.
  explicit InstanceChangeBuffer(std::size_t max_pending);

  // An `instance.started` / `instance.stopped` payload (the instance object). Returns its
  // facts, or nullopt (and ignores it) when it has no string id.
  std::optional<InstanceEventFacts> AddStarted(std::string_view instance_json);
  std::optional<InstanceEventFacts> AddStopped(std::string_view instance_json);

  // The `instances` event {"started": [...], "stopped": [...], "overflowed": bool} for what
  // gathered since the last call, or nullopt if nothing did.
  std::optional<std::string> Take();

 private:
  std::optional<InstanceEventFacts> Put(std::string_view json, bool started);

  const std::size_t max_pending_;
  std::mutex mutex_;
  // By instance id: whether the last word was a start, and the object.
  std::map<std::string, std::pair<bool, std::string>, std::less<>> pending_;
  bool overflowed_ = false;
};

// Allocations and their failures since the start, for the stats rates. Counted on the event
// thread, read by the stats task.
class AllocationCounters {
 public:
  // An instance the master started (source "allocation" or "spawn"); adopted ones, found
  // running on an agent, were not allocated and are not counted.
  void CountStarted(const InstanceEventFacts& facts);
  void CountFailure() { failures_.fetch_add(1, std::memory_order_relaxed); }

  std::uint64_t allocations() const { return allocations_.load(std::memory_order_relaxed); }
  std::uint64_t failures() const { return failures_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> allocations_{0};
  std::atomic<std::uint64_t> failures_{0};
};

}  // namespace sr::dashboard
