#include "spawner_access.h"

#include <sr/cidr.hpp>

#include <charconv>

namespace sr::spawner_registry {

Caller CallerOf(const CallerAttributes& attributes, std::string_view client_address,
                bool bind_shared_key_to_address) {
  Caller caller;
  if (attributes.auth == "spawner-token") {
    caller.kind = Caller::Kind::kToken;
    // Id 0 is no spawner's: an unreadable attribute reaches nothing.
    if (attributes.spawner_id) {
      std::string_view text = *attributes.spawner_id;
      SpawnerId id = 0;
      auto parsed = std::from_chars(text.data(), text.data() + text.size(), id);
      if (parsed.ec == std::errc() && parsed.ptr == text.data() + text.size()) {
        caller.token_spawner = id;
      }
    }
    return caller;
  }
  if (attributes.auth == "api-key") {
    bool privileged = attributes.role == "operator" || attributes.role == "admin";
    if (!privileged && bind_shared_key_to_address) {
      caller.kind = Caller::Kind::kSharedKey;
      caller.address = client_address;
    }
  }
  return caller;
}

namespace {

// The same address, whether written the same way or not ("::ffff:10.0.0.1" and "10.0.0.1"):
// the text compare decides the usual case without parsing.
bool SameAddress(std::string_view a, std::string_view b) {
  if (a == b) return true;
  std::optional<sr::net::IpAddress> parsed_a = sr::net::ParseIp(a);
  std::optional<sr::net::IpAddress> parsed_b = sr::net::ParseIp(b);
  return parsed_a && parsed_b && *parsed_a == *parsed_b;
}

}  // namespace

Access CheckAccess(const SpawnerIdentity& spawner, const Caller& caller) {
  switch (caller.kind) {
    case Caller::Kind::kAny:
      return Access::kAllowed;
    case Caller::Kind::kToken:
      return caller.token_spawner == spawner.id ? Access::kAllowed : Access::kOtherToken;
    case Caller::Kind::kSharedKey:
      if (spawner.registered_from.empty()) return Access::kBindFirstUse;
      return SameAddress(spawner.registered_from, caller.address) ? Access::kAllowed
                                                                  : Access::kOtherAddress;
  }
  return Access::kOtherToken;
}

std::string ForbiddenMessage(Access access, SpawnerId id) {
  std::string spawner = "spawner " + std::to_string(id);
  if (access == Access::kOtherToken) {
    return "this token belongs to another spawner: a spawner's token acts only on its own "
           "registration, not on " +
           spawner;
  }
  return spawner +
         " was registered from another address, and a shared spawner key acts on it only "
         "from there: use the spawner's token from the registration answer, register again "
         "from this address, or set bind_shared_key_to_address: false in the registry's config";
}

std::string_view TokenCannotRegisterMessage() {
  return "a spawner's token cannot register spawners: register with an API key (the answer "
         "holds the new spawner's own token)";
}

}  // namespace sr::spawner_registry
