#include "spawn_target_policy.h"

namespace sr::spawner_registry {

bool SpawnTargetPolicy::Allows(const sr::net::IpAddress& target, bool owner_on_loopback) const {
  if (deny_.Contains(target)) return false;
  if (allow_.Contains(target)) return true;
  if (sr::net::IsLinkLocal(target) || sr::net::IsUnspecified(target) ||
      sr::net::IsMulticast(target) || sr::net::IsBroadcast(target)) {
    return false;
  }
  return !sr::net::IsLoopback(target) || owner_on_loopback;
}

bool SpawnTargetPolicy::MayRegister(std::string_view host, std::string_view registered_from) const {
  std::optional<sr::net::IpAddress> literal = sr::net::ParseIp(host);
  return !literal || Allows(*literal, IsLoopbackAddress(registered_from));
}

bool SpawnTargetPolicy::IsLoopbackAddress(std::string_view address) {
  std::optional<sr::net::IpAddress> parsed = sr::net::ParseIp(address);
  return parsed && sr::net::IsLoopback(*parsed);
}

std::string RefusedTargetMessage(std::string_view address) {
  return "spawn target " + std::string(address) + " is not allowed by spawn_targets";
}

}  // namespace sr::spawner_registry
