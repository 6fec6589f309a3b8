#include "spawner.h"

namespace sr::spawner_registry {

std::shared_ptr<const SpawnerIdentity> MakeIdentity(SpawnerId id, std::string region,
                                                    std::string host, std::uint16_t port,
                                                    std::optional<TokenDigest> token_digest,
                                                    std::string registered_from) {
  auto identity = std::make_shared<SpawnerIdentity>();
  identity->id = id;
  identity->token_digest = token_digest;
  identity->registered_from = std::move(registered_from);
  identity->region = std::move(region);
  identity->host = std::move(host);
  identity->port = port;
  return identity;
}

std::shared_ptr<const SpawnerIdentity> BindIdentity(const SpawnerIdentity& identity,
                                                    std::string_view address) {
  auto bound = std::make_shared<SpawnerIdentity>(identity);
  bound->registered_from = std::string(address);
  return bound;
}

}  // namespace sr::spawner_registry
