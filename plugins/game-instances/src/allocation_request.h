// The body of POST /api/allocations:
//   {"region": "eu", "placement": "packed" | "spread", "max_attempts": 1..10}
// Only "region" is required. A bad body is refused with a message naming the field.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "fleet.h"

namespace sr::game_instances {

struct AllocationRequest {
  std::string region;
  Placement placement = Placement::kPacked;
  int max_attempts = 0;  // 0: the configured default
};

inline constexpr int kMaxAttemptsLimit = 10;

// The request, or the 400 message.
std::variant<AllocationRequest, std::string> ParseAllocationRequest(std::string_view body);

}  // namespace sr::game_instances
