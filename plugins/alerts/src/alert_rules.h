// Every rule of the plugin behind one call per evaluation. Thread-safe: events (expiries,
// failed allocations) arrive on the host's event thread while evaluations run on a task.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>

#include "allocation_rule.h"
#include "capacity_rule.h"
#include "error_rate_rule.h"
#include "observation.h"
#include "resource_rules.h"
#include "spawner_rules.h"

namespace sr::alerts {

struct RuleOptions {
  std::chrono::milliseconds batch_window{std::chrono::seconds(30)};
  bool suspect = true;
  bool expired = true;
  bool allocations = true;
  CapacityOptions capacity;
  std::optional<ErrorRateOptions> errors;  // absent: not checked
  std::optional<DiskOptions> disk;
  bool store = true;
};

class AlertRules {
 public:
  explicit AlertRules(RuleOptions options);

  void OnExpired(SpawnerInfo spawner, std::int64_t now_ms);
  void OnAllocationFailed(AllocationFailure failure, std::int64_t now_ms);
  // The signals of every rule whose input `observation` holds.
  Signals Evaluate(const Observation& observation);

  const RuleOptions& options() const { return options_; }

 private:
  RuleOptions options_;
  std::mutex mutex_;  // guards the rules' state
  SuspectRule suspect_;
  ExpiryRule expiry_;
  AllocationRule allocations_;
  CapacityRule capacity_;
  std::optional<ErrorRateRule> errors_;
};

}  // namespace sr::alerts
