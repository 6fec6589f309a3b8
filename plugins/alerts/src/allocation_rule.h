// "allocation_failed": allocations of game instances that failed (the allocation.failed
// event), batched into one notice per batch window.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alert.h"

namespace sr::alerts {

struct AllocationFailure {
  std::string region;
  std::string error;
  int status = 0;
};

class AllocationRule {
 public:
  explicit AllocationRule(std::chrono::milliseconds batch_window) : window_(batch_window) {}
  void OnFailure(AllocationFailure failure, std::int64_t now_ms);
  Signals Evaluate(std::int64_t now_ms);

 private:
  static constexpr std::size_t kMaxListed = 20;
  std::chrono::milliseconds window_;
  std::vector<AllocationFailure> listed_;
  std::map<std::string, std::uint64_t> by_region_;
  std::uint64_t count_ = 0;
  std::optional<std::int64_t> first_ms_;
};

}  // namespace sr::alerts
