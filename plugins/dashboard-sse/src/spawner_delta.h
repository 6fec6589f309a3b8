#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
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

// What changed in the spawner list between two versions of the dashboard's feed.
struct SpawnerDelta {
  std::uint64_t base = 0;              // the version the change applies to
  std::uint64_t version = 0;           // the version it produces
  std::int64_t time_base_ms = 0;       // Unix ms that time offsets count from
  std::vector<std::string> upserts;    // whole objects of spawners not known before, list order
  SpawnerChanges changes;              // changed fields of known spawners
  std::vector<std::uint64_t> removed;  // ids, ascending
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
