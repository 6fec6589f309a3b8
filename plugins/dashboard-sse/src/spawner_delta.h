#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "stats.h"

namespace sr::dashboard {

// Field-level changes of known spawners, one column per field that changed in at least one
// of them: ids[i] changed fields[f][i] (nullopt: that field of that spawner did not change).
// Values are JSON; times (last_seen) are integer milliseconds relative to the delta's
// time_base, which is a tenth of an RFC 3339 string's size.
struct SpawnerChanges {
  std::vector<std::uint64_t> ids;
  std::map<std::string, std::vector<std::optional<std::string>>> fields;
};

// What changed in the spawner list between two versions.
struct SpawnerDelta {
  std::uint64_t base = 0;              // the version the change applies to
  std::uint64_t version = 0;           // the version it produces
  std::int64_t time_base_ms = 0;       // Unix ms that time offsets count from
  std::vector<std::string> upserts;    // whole objects of spawners not known before, list order
  SpawnerChanges changes;              // changed fields of known spawners
  std::vector<std::uint64_t> removed;  // ids, ascending
};

// Remembers the last spawner list (id -> fields) and diffs each new list against it, so that a
// `spawners` event carries only what changed instead of the whole fleet, and for a spawner
// that sent a heartbeat only its changed fields. Not thread-safe: one task owns it.
class SpawnerDeltaTracker {
 public:
  // Makes `list_json` (a JSON array of objects with an unsigned "id", as GET /api/spawners
  // returns it) the known list at `version`, and returns how it differs from the previous
  // one; time offsets count from `now_ms`. nullopt, with the known list kept, when the text
  // does not have that shape.
  std::optional<SpawnerDelta> Update(std::string_view list_json, std::uint64_t version,
                                     std::int64_t now_ms);

  std::uint64_t version() const { return version_; }
  std::size_t size() const { return known_.size(); }
  // Spawners whose "health" was "suspect" in the known list.
  std::uint64_t suspect() const { return suspect_; }

 private:
  struct Field {
    std::string name;
    std::string value;  // serialized JSON
  };
  using Fields = std::vector<Field>;

  std::unordered_map<std::uint64_t, Fields> known_;
  std::uint64_t version_ = 0;
  std::uint64_t suspect_ = 0;
};

// Unix ms of "2026-11-25T21:01:11.123Z" (fraction optional, UTC only); nullopt otherwise.
std::optional<std::int64_t> ParseRfc3339Utc(std::string_view text);

// The `spawners` event: {"epoch", "available", "version", "base", "time_base", "upserts",
// "changes": {"id": [...], "<field>": [...]}, "removed", "totals": {spawners, suspect,
// current_instances, max_instances}}. `epoch` changes when the dashboard restarts, so that
// clients never match versions of an earlier run.
std::string SpawnerDeltaJson(const SpawnerDelta& delta, const FleetTotals& totals,
                             std::uint64_t epoch);

}  // namespace sr::dashboard
