#include "alert_rules.h"

namespace sr::alerts {

AlertRules::AlertRules(RuleOptions options)
    : options_(std::move(options)),
      suspect_(options_.batch_window),
      expiry_(options_.batch_window),
      allocations_(options_.batch_window),
      capacity_(options_.capacity) {
  if (options_.errors) errors_.emplace(*options_.errors);
}

void AlertRules::OnExpired(SpawnerInfo spawner, std::int64_t now_ms) {
  if (!options_.expired) return;
  std::lock_guard<std::mutex> lock(mutex_);
  expiry_.OnExpired(std::move(spawner), now_ms);
}

void AlertRules::OnAllocationFailed(AllocationFailure failure, std::int64_t now_ms) {
  if (!options_.allocations) return;
  std::lock_guard<std::mutex> lock(mutex_);
  allocations_.OnFailure(std::move(failure), now_ms);
}

Signals AlertRules::Evaluate(const Observation& observation) {
  std::lock_guard<std::mutex> lock(mutex_);
  Signals signals;
  auto add = [&signals](Signals more) {
    for (Signal& signal : more) signals.push_back(std::move(signal));
  };
  std::int64_t now = observation.now_ms;
  if (options_.suspect && observation.suspect) add(suspect_.Evaluate(*observation.suspect, now));
  add(expiry_.Evaluate(now));
  add(allocations_.Evaluate(now));
  if (observation.regions) add(capacity_.Evaluate(*observation.regions));
  if (errors_ && observation.traffic) add(errors_->Evaluate(*observation.traffic, now));
  if (options_.disk && observation.disk) add(EvaluateDisk(*observation.disk, *options_.disk));
  if (options_.store && observation.store) add(EvaluateStore(*observation.store));
  return signals;
}

}  // namespace sr::alerts
