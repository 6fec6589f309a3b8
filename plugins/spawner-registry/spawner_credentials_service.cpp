#include "spawner_credentials_service.h"

namespace sr::spawner_registry {

SpawnerCredentialsService::SpawnerCredentialsService(Registry& registry) : registry_(registry) {
  vtable_.struct_size = sizeof(vtable_);
  vtable_.self = &registry_;
  vtable_.verify_token = &SpawnerCredentialsService::VerifyToken;
}

int32_t SpawnerCredentialsService::VerifyToken(void* self, sr_str token,
                                               uint64_t* spawner_id) noexcept {
  try {
    if (spawner_id == nullptr || (token.data == nullptr && token.size > 0)) return 0;
    auto& registry = *static_cast<Registry*>(self);
    std::optional<SpawnerId> id = registry.VerifyToken(std::string_view(token.data, token.size));
    if (!id) return 0;
    *spawner_id = *id;
    return 1;
  } catch (...) {
    return 0;
  }
}

}  // namespace sr::spawner_registry
