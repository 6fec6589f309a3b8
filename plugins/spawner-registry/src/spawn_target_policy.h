// Where the spawn proxy may connect (config `spawn_targets`), so that it cannot be used to
// reach the master's own network. Decided per address, in this order:
//   1. an address in `deny` is refused;
//   2. an address in `allow` is allowed;
//   3. the default denies: link-local (169.254.0.0/16, fe80::/10), unspecified (0.0.0.0/8,
//      ::), multicast (224.0.0.0/4, ff00::/8), broadcast (255.255.255.255), and loopback
//      (127.0.0.0/8, ::1) unless the spawner registered from a loopback address;
//   4. everything else is allowed.
#pragma once

#include <sr/cidr.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace sr::spawner_registry {

class SpawnTargetPolicy {
 public:
  SpawnTargetPolicy() = default;  // the default denies only
  SpawnTargetPolicy(sr::net::CidrSet allow, sr::net::CidrSet deny)
      : allow_(std::move(allow)), deny_(std::move(deny)) {}

  // `owner_on_loopback`: the spawner registered from a loopback address.
  bool Allows(const sr::net::IpAddress& target, bool owner_on_loopback) const;

  // Whether a spawner registered from `registered_from` may ever be reached at `host`: false
  // only for a literal address this policy refuses (a host name is checked at spawn time,
  // on every address it resolves to).
  bool MayRegister(std::string_view host, std::string_view registered_from) const;

  static bool IsLoopbackAddress(std::string_view address);

 private:
  sr::net::CidrSet allow_;
  sr::net::CidrSet deny_;
};

// The message of a refused target: "spawn target <addr> is not allowed by spawn_targets".
std::string RefusedTargetMessage(std::string_view address);

}  // namespace sr::spawner_registry
