#include "plugins/dependency_resolver.h"

#include <map>
#include <set>

#include "config/config_error.h"

namespace sr::host {

std::vector<size_t> ResolveInitOrder(const std::vector<DependencyNode>& nodes,
                                     const std::function<std::string(const Capability&)>& hint) {
  // Who provides what.
  std::map<std::pair<std::uint32_t, std::string>, size_t> providers;
  for (size_t i = 0; i < nodes.size(); ++i) {
    for (const auto& capability : nodes[i].provides) {
      auto key = std::make_pair(capability.kind, capability.name);
      auto [it, inserted] = providers.emplace(key, i);
      if (!inserted && it->second != i) {
        throw ConfigError(DescribeCapability(capability) + " is provided by both plugin '" +
                          nodes[it->second].id + "' and plugin '" + nodes[i].id +
                          "'; disable one of them");
      }
    }
  }
  // Edges: provider -> dependent.
  std::vector<std::set<size_t>> before(nodes.size());  // before[i]: must init before i
  for (size_t i = 0; i < nodes.size(); ++i) {
    for (const auto& need : nodes[i].required) {
      auto it = providers.find(std::make_pair(need.kind, need.name));
      if (it == providers.end()) {
        std::string message = "plugin '" + nodes[i].id + "' requires " + DescribeCapability(need) +
                              (need.kind == 0 ? " (version >= " + std::to_string(need.version) + ")"
                                              : std::string()) +
                              ", which no enabled plugin provides";
        std::string suggestion = hint ? hint(need) : std::string();
        message += suggestion.empty() ? "" : "; enable plugin '" + suggestion + "'";
        throw ConfigError(message);
      }
      const DependencyNode& provider = nodes[it->second];
      for (const auto& offered : provider.provides) {
        if (offered.kind == need.kind && offered.name == need.name && offered.kind == 0 &&
            offered.version < need.version) {
          throw ConfigError("plugin '" + nodes[i].id + "' requires " + DescribeCapability(need) +
                            " version >= " + std::to_string(need.version) + ", but plugin '" +
                            provider.id + "' provides version " + std::to_string(offered.version));
        }
      }
      if (it->second != i) before[i].insert(it->second);
    }
    for (const auto& want : nodes[i].uses) {
      auto it = providers.find(std::make_pair(want.kind, want.name));
      if (it != providers.end() && it->second != i) before[i].insert(it->second);
    }
  }
  // Kahn's algorithm, always taking the earliest ready plugin in file order.
  std::vector<size_t> order;
  std::vector<bool> done(nodes.size(), false);
  while (order.size() < nodes.size()) {
    bool progressed = false;
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (done[i]) continue;
      bool ready = true;
      for (size_t dependency : before[i]) ready = ready && done[dependency];
      if (ready) {
        done[i] = true;
        order.push_back(i);
        progressed = true;
        break;
      }
    }
    if (!progressed) {
      // Walk from any waiting plugin until a node repeats: that is the cycle.
      size_t start = 0;
      while (done[start]) ++start;
      std::vector<size_t> path{start};
      std::set<size_t> seen{start};
      size_t current = start;
      while (true) {
        size_t next = current;
        for (size_t dependency : before[current]) {
          if (!done[dependency]) {
            next = dependency;
            break;
          }
        }
        if (seen.count(next) > 0) {
          std::string cycle;
          bool in_cycle = false;
          for (size_t node : path) {
            if (node == next) in_cycle = true;
            if (in_cycle) cycle += "'" + nodes[node].id + "' -> ";
          }
          cycle += "'" + nodes[next].id + "'";
          throw ConfigError("dependency cycle between plugins: " + cycle);
        }
        path.push_back(next);
        seen.insert(next);
        current = next;
      }
    }
  }
  return order;
}

}  // namespace sr::host
