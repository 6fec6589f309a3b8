// "region_capacity_low:<region>": a region's free instance slots (the sum of max_instances
// minus current_instances over its spawners) below a threshold.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "alert.h"
#include "observation.h"

namespace sr::alerts {

struct CapacityOptions {
  std::uint64_t min_free = 0;                       // every region; 0: not checked
  std::map<std::string, std::uint64_t> per_region;  // overrides; 0 turns one region off
};

// A region that had spawners and has none left counts as 0 free slots, so losing a whole
// region fires rather than silently dropping out of the list.
class CapacityRule {
 public:
  explicit CapacityRule(CapacityOptions options) : options_(std::move(options)) {}
  Signals Evaluate(const std::vector<RegionCapacity>& regions);

 private:
  std::uint64_t ThresholdOf(const std::string& region) const;

  CapacityOptions options_;
  std::set<std::string> seen_;
};

}  // namespace sr::alerts
