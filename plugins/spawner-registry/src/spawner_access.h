// Who may act on which spawner (heartbeat, GET, DELETE by id). The auth guards have already
// decided whether a request reaches the route; this decides, from the attributes they set,
// whether it may touch this particular spawner:
//   - a spawner's token (auth=spawner-token): its own spawner only;
//   - a key with the role spawner (auth=api-key): with bind_shared_key_to_address, only the
//     spawners registered from the request's client address;
//   - operator and admin keys, sessions, and requests on routes without a guard provider
//     (server.missing_guards: allow): every spawner.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "spawner.h"

namespace sr::spawner_registry {

struct Caller {
  enum class Kind { kAny, kToken, kSharedKey };
  Kind kind = Kind::kAny;
  SpawnerId token_spawner = 0;  // kToken: the spawner its token belongs to
  std::string_view address;     // kSharedKey: the client address; lives as long as the request
};

// The request attributes the auth guards set; absent ones are nullopt.
struct CallerAttributes {
  std::optional<std::string_view> auth;
  std::optional<std::string_view> role;
  std::optional<std::string_view> spawner_id;
};

Caller CallerOf(const CallerAttributes& attributes, std::string_view client_address,
                bool bind_shared_key_to_address);

enum class Access {
  kAllowed,
  kBindFirstUse,  // allowed, and the record (restored without an address) binds to the caller
  kOtherToken,    // a token of another spawner
  kOtherAddress,  // a shared key from another address than the registering one
};

Access CheckAccess(const SpawnerIdentity& spawner, const Caller& caller);

inline bool Permits(Access access) {
  return access == Access::kAllowed || access == Access::kBindFirstUse;
}

// The message of the 403 for a refused access: what happened and what to do instead.
std::string ForbiddenMessage(Access access, SpawnerId id);
// The message of the 403 for a registration with a token.
std::string_view TokenCannotRegisterMessage();

}  // namespace sr::spawner_registry
