// The HTTP side of the registry: the wire contract of docs/wire-contract.md. Handlers parse,
// call the registry and map its outcomes to status codes; they never block an I/O thread
// (commits and spawner calls complete deferred responses from other threads).
#pragma once

#include "compressed_list.h"

#include <cstdint>
#include <sr/metrics.hpp>
#include <sr/plugin.hpp>

#include "registry.h"
#include "spawn_client.h"
#include "spawn_target_policy.h"

namespace sr::spawner_registry {

class SpawnerRoutes {
 public:
  struct Options {
    std::uint64_t max_body_bytes = 16 << 10;
    // Shared spawner keys act only on spawners registered from the same client address.
    bool bind_shared_key_to_address = true;
    // Literal host addresses it refuses are refused at registration.
    SpawnTargetPolicy targets;
    sr::Counter heartbeats;  // accepted heartbeats (registry_metrics.h)
  };

  SpawnerRoutes(sr::Host& host, Registry& registry, SpawnClient& spawn_client, Options options);
  SpawnerRoutes(const SpawnerRoutes&) = delete;
  SpawnerRoutes& operator=(const SpawnerRoutes&) = delete;

  // Adds every route to the host.
  void Add();
  // The gzip copy of the list it keeps for clients that accept it.
  std::size_t CompressedListBytes() { return compressed_.CachedBytes(); }

 private:
  void Register(sr::Request& request, sr::Response& response);
  void Heartbeat(sr::Request& request, sr::Response& response);
  void List(sr::Request& request, sr::Response& response);
  // Sends the list, gzip-compressed when the client accepts it and the list is large.
  void SendList(sr::Request& request, sr::Response& response,
                const std::shared_ptr<const std::string>& json, bool gzip);
  void SendDeferredList(const std::shared_ptr<sr::DeferredResponse>& deferred,
                        const std::shared_ptr<const std::string>& json, bool gzip);
  static void SendGzip(sr::Response& response, const CompressedList::Source& compressed);
  void StartCompression();
  void GetOne(sr::Request& request, sr::Response& response);
  void Delete(sr::Request& request, sr::Response& response);
  void Spawn(sr::Request& request, sr::Response& response);

  // The {id} of the path, or a 400 already written.
  std::optional<SpawnerId> PathId(sr::Request& request, sr::Response& response);
  // Who the request comes from, as far as acting on one spawner is concerned.
  Caller CallerOf(const sr::Request& request) const;
  // True when the request may act on spawner `id`; else a 403 or 404 is already written.
  bool MayAct(sr::Request& request, sr::Response& response, SpawnerId id);
  void Audit(std::string_view action, SpawnerId id, std::string_view actor, std::string_view ip,
             std::string_view detail);

  sr::Host& host_;
  Registry& registry_;
  SpawnClient& spawn_client_;
  Options options_;
  CompressedList compressed_;
  // Smaller lists are cheaper to send than to compress.
  static constexpr std::size_t kGzipThresholdBytes = 8 * 1024;
};

}  // namespace sr::spawner_registry
