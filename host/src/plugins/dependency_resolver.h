#pragma once

#include <functional>
#include <string>
#include <vector>

#include "plugins/capability.h"

namespace sr::host {

struct DependencyNode {
  std::string id;
  std::vector<Capability> provides;
  std::vector<Capability> required;
  std::vector<Capability> uses;
};

// Orders plugins so that every provider comes before the plugins that require or use it,
// keeping the plugins.yaml order where nothing else decides. Throws ConfigError for two
// providers of one capability, a missing or too old hard dependency, or a cycle.
// `hint` may name a disabled plugin that would provide a missing capability.
std::vector<size_t> ResolveInitOrder(
    const std::vector<DependencyNode>& nodes,
    const std::function<std::string(const Capability&)>& hint = nullptr);

}  // namespace sr::host
