#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sr::host {

// A descriptor's sr_capability, copied out of the plugin.
struct Capability {
  std::string name;
  std::uint32_t version = 0;
  std::uint32_t kind = 0;  // SR_CAPABILITY_*
};

std::string DescribeCapability(const Capability& capability);

}  // namespace sr::host
