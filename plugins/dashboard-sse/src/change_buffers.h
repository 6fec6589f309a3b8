#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

// Events that reach the dashboard one by one (registry changes, HTTP errors) are gathered
// between two flushes and sent as one event: a burst of a thousand registrations becomes a
// few events instead of a thousand broadcasts. Both buffers are filled on the host's event
// thread and emptied by a periodic task.
namespace sr::dashboard {

// The unsigned "id" member of a JSON object, or nullopt.
std::optional<std::uint64_t> ParseObjectId(std::string_view json);

class SpawnerChangeBuffer {
 public:
  // Above `max_pending` distinct spawners the buffer gives up until the next flush: such a
  // burst reaches clients through the next `spawners` delta instead.
  explicit SpawnerChangeBuffer(std::size_t max_pending);

  // A `spawner.registered` payload (the spawner's object). False if it has no id.
  bool AddRegistered(std::string_view spawner_json);
  // A `spawner.removed` payload ({"id": N, "reason": ...}). False if it has no id.
  bool AddRemoved(std::string_view removal_json);

  // The `spawner` event {"epoch", "upserts": [...], "removed": [...]} for what gathered since
  // the last call, or nullopt if nothing did. The last word per spawner wins.
  std::optional<std::string> Take(std::uint64_t epoch);

 private:
  void Put(std::uint64_t id, std::optional<std::string> object);

  const std::size_t max_pending_;
  std::mutex mutex_;
  std::map<std::uint64_t, std::optional<std::string>> pending_;  // nullopt: removed
  bool overflowed_ = false;
};

class ErrorEventBuffer {
 public:
  // Keeps the newest `max_pending` errors between flushes and counts the others. `list_key`
  // names the array of the event: "errors" for `http_error`, "failures" for
  // `allocation_failed` (the same rules for another topic's objects).
  explicit ErrorEventBuffer(std::size_t max_pending, std::string list_key = "errors");

  // An `http.error` (or `allocation.failed`) payload. False (and ignored) unless it is a JSON
  // object.
  bool Add(std::string_view error_json);
  // The event {"<list_key>": [...oldest first], "dropped": N}, or nullopt if none came.
  std::optional<std::string> Take();

 private:
  const std::size_t max_pending_;
  const std::string list_key_;
  std::mutex mutex_;
  std::deque<std::string> pending_;
  std::uint64_t dropped_ = 0;
};

}  // namespace sr::dashboard
