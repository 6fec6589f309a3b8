#include "plugins/capability.h"

#include <sr/abi.h>

namespace sr::host {

std::string DescribeCapability(const Capability& capability) {
  if (capability.kind == SR_CAPABILITY_GUARD) return "guard '" + capability.name + "'";
  return "service '" + capability.name + "'";
}

}  // namespace sr::host
