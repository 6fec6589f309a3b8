// Spawners going suspect (silent for longer than the registry's suspect_after) and expiring
// (removed by the registry's TTL), batched: spawners that fall silent together make one
// message, not one each.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <vector>

#include "alert.h"
#include "observation.h"

namespace sr::alerts {

// "spawners_suspect": fires once the suspect set has held a spawner not yet announced for a
// whole batch window (so spawners that go silent within the window share one message), fires
// again when more spawners join it (after another window), and resolves when no spawner is
// suspect any more (they heartbeat again or expired).
class SuspectRule {
 public:
  explicit SuspectRule(std::chrono::milliseconds batch_window) : window_(batch_window) {}
  Signals Evaluate(const std::vector<SpawnerInfo>& suspect, std::int64_t now_ms);

 private:
  std::chrono::milliseconds window_;
  std::set<std::uint64_t> announced_;  // suspect spawners already in a message
  std::optional<std::int64_t> pending_since_;
};

// "spawners_expired": a notice per batch window listing the spawners that expired in it.
class ExpiryRule {
 public:
  explicit ExpiryRule(std::chrono::milliseconds batch_window) : window_(batch_window) {}
  void OnExpired(SpawnerInfo spawner, std::int64_t now_ms);
  Signals Evaluate(std::int64_t now_ms);

 private:
  static constexpr std::size_t kMaxListed = 200;  // spawners named in one message's details
  std::chrono::milliseconds window_;
  std::vector<SpawnerInfo> batch_;
  std::uint64_t batch_count_ = 0;
  std::optional<std::int64_t> first_ms_;
};

// Shared by both: the spawners as a JSON array, a summary list and per-region counts.
std::string SpawnersJson(const std::vector<SpawnerInfo>& spawners, std::size_t limit);
std::string RegionCountsJson(const std::vector<SpawnerInfo>& spawners);
std::string DescribeSpawners(const std::vector<SpawnerInfo>& spawners);

}  // namespace sr::alerts
