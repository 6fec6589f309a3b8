#include "capacity_rule.h"

#include "json_object.h"
#include "text_format.h"

namespace sr::alerts {

std::uint64_t CapacityRule::ThresholdOf(const std::string& region) const {
  auto it = options_.per_region.find(region);
  return it != options_.per_region.end() ? it->second : options_.min_free;
}

Signals CapacityRule::Evaluate(const std::vector<RegionCapacity>& regions) {
  std::map<std::string, RegionCapacity> now;
  for (const RegionCapacity& region : regions) {
    now[region.region] = region;
    seen_.insert(region.region);
  }
  Signals signals;
  for (const std::string& name : seen_) {
    std::uint64_t threshold = ThresholdOf(name);
    if (threshold == 0) continue;
    RegionCapacity region;
    region.region = name;
    if (auto it = now.find(name); it != now.end()) region = it->second;
    std::uint64_t free = region.max_instances > region.current_instances
                             ? region.max_instances - region.current_instances
                             : 0;
    Signal signal;
    signal.key = "region_capacity_low:" + name;
    signal.name = "region_capacity_low";
    signal.details = JsonObject()
                         .Str("region", name)
                         .Uint("free", free)
                         .Uint("threshold", threshold)
                         .Uint("capacity", region.max_instances)
                         .Uint("used", region.current_instances)
                         .Uint("spawners", region.spawners)
                         .Uint("suspect", region.suspect)
                         .Done();
    std::string shown = name.empty() ? std::string("(no region)") : name;
    if (free >= threshold) {
      signal.kind = Signal::Kind::kResolve;
      signal.severity = Severity::kWarning;
      signal.summary = "Region " + shown + " has " + Count(free, "free slot", "free slots") +
                       " again (threshold " + std::to_string(threshold) + ")";
    } else {
      signal.kind = Signal::Kind::kFire;
      signal.severity = free == 0 ? Severity::kCritical : Severity::kWarning;
      signal.summary = region.spawners == 0
                           ? "Region " + shown + " has no spawners left (threshold " +
                                 std::to_string(threshold) + " free slots)"
                           : "Region " + shown + " has " +
                                 Count(free, "free instance slot", "free instance slots") +
                                 ", below " + std::to_string(threshold) + " (" +
                                 std::to_string(region.current_instances) + " of " +
                                 std::to_string(region.max_instances) + " used on " +
                                 Count(region.spawners, "spawner", "spawners") + ")";
    }
    signals.push_back(std::move(signal));
  }
  return signals;
}

}  // namespace sr::alerts
