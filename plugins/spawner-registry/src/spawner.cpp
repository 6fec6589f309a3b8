#include "spawner.h"

#include <sr/text.hpp>

#include "json_text.h"

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
  std::string& prefix = identity->json_prefix;
  prefix.reserve(64 + identity->region.size() + identity->host.size());
  prefix += "{\"id\":";
  AppendUnsigned(prefix, id);
  prefix += ",\"region\":";
  sr::AppendJsonString(prefix, identity->region);
  prefix += ",\"host\":";
  sr::AppendJsonString(prefix, identity->host);
  prefix += ",\"port\":";
  AppendUnsigned(prefix, port);
  prefix += ",\"max_instances\":";
  return identity;
}

std::shared_ptr<const SpawnerIdentity> BindIdentity(const SpawnerIdentity& identity,
                                                    std::string_view address) {
  auto bound = std::make_shared<SpawnerIdentity>(identity);
  bound->registered_from = std::string(address);
  return bound;
}

}  // namespace sr::spawner_registry
