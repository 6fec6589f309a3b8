// What follows a change of the book: the record in storage, then the event. Instances are
// written through InstanceStore (the kv-store in the plugin, memory in tests) and announced
// through EventSink once committed:
//   instance.started  the instance object (source "allocation", "spawn" or "adopted")
//   instance.stopped  the instance object with status "stopped" or "gone" and a "reason"
//                     ("deleted" or "gone")
//   allocation.failed {"region", "error", "status"}
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "fleet.h"
#include "instance.h"

namespace sr::game_instances {

class InstanceStore {
 public:
  using Done = std::function<void(bool ok, const std::string& message)>;
  struct Loaded {
    std::vector<Instance> instances;
    std::uint64_t next_number = 1;
  };

  virtual ~InstanceStore() = default;
  // Puts `put`, erases `erase` and records `next_number`, in one atomic batch; `done` runs
  // once committed (on any thread). Batches commit in the order of the calls.
  virtual void Write(const std::vector<Instance>& put, const std::vector<Instance>& erase,
                     std::uint64_t next_number, Done done) = 0;
  // Everything stored; records that cannot be read are reported through `warn` and skipped.
  virtual Loaded Load(const std::function<void(const std::string&)>& warn) = 0;
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void Publish(std::string_view topic, std::string json) = 0;
  virtual void Warn(std::string_view message) = 0;
};

class Journal {
 public:
  // `store` may be null: the instances then live in memory only.
  Journal(Fleet& fleet, InstanceStore* store, EventSink& events)
      : fleet_(fleet), store_(store), events_(events) {}

  // Writes the new instance, publishes instance.started, then runs `then` (also when the
  // write failed: the instance runs on its agent either way, and is logged).
  void Started(const Instance& instance, std::function<void()> then = {});
  void Ended(const std::vector<Instance>& instances, std::string_view reason);
  void Dropped(const std::vector<Instance>& instances);
  void AllocationFailed(std::string_view region, std::string_view error, int status);

 private:
  void Write(const std::vector<Instance>& put, const std::vector<Instance>& erase,
             InstanceStore::Done done);

  Fleet& fleet_;
  InstanceStore* store_;
  EventSink& events_;
  // Keeps next_number monotonic in storage: read and submitted together.
  std::mutex write_mutex_;
};

}  // namespace sr::game_instances
