// The "spawner-credentials" v1 service (sr/services/spawner_credentials.h) over the registry:
// the auth plugin checks per-spawner tokens through it. Every entry is a noexcept barrier.
#pragma once

#include <sr/services/spawner_credentials.h>

#include "registry.h"

namespace sr::spawner_registry {

class SpawnerCredentialsService {
 public:
  explicit SpawnerCredentialsService(Registry& registry);
  SpawnerCredentialsService(const SpawnerCredentialsService&) = delete;
  SpawnerCredentialsService& operator=(const SpawnerCredentialsService&) = delete;

  const sr_spawner_credentials_v1* vtable() const { return &vtable_; }

 private:
  static int32_t VerifyToken(void* self, sr_str token, uint64_t* spawner_id) noexcept;

  Registry& registry_;
  sr_spawner_credentials_v1 vtable_{};
};

}  // namespace sr::spawner_registry
