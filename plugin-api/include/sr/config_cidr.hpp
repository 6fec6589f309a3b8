// Reading a list of addresses and CIDR ranges from a plugin's configuration, the same way in
// every plugin (`trusted: [10.0.0.0/8, 192.168.1.7]`).
#ifndef SR_CONFIG_CIDR_HPP
#define SR_CONFIG_CIDR_HPP

#include <sr/cidr.hpp>
#include <sr/plugin.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sr::net {

// The list at `key` (absent: empty). An entry that is not an address or a range refuses the
// configuration with plugins.yaml's line, naming the entry.
inline CidrSet ReadCidrList(Config& config, const std::string& key) {
  std::vector<std::string> texts;
  const std::size_t count = config.ArrayLength(key);
  for (std::size_t i = 0; i < count; ++i) {
    texts.push_back(config.String(key + "." + std::to_string(i)));
  }
  std::string bad;
  std::optional<CidrSet> set = CidrSet::Parse(texts, &bad);
  if (!set) {
    config.Reject(key, "'" + bad + "' is not an address or a CIDR range (like 10.0.0.0/8)");
  }
  return std::move(*set);
}

}  // namespace sr::net

#endif  // SR_CONFIG_CIDR_HPP
