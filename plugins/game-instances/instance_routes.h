// The HTTP side (guards decided by the auth plugin; handlers narrow reads further):
//   POST   /api/allocations       api-key:operator|session:operator  → 201 {"instance"}
//   GET    /api/instances         api-key|session:viewer   ?region=&spawner_id=&status=
//   GET    /api/instances/{id}    api-key|session:viewer
//   DELETE /api/instances/{id}    api-key:operator|session:operator  → 200 {"instance"}
//   GET    /api/regions           api-key:operator|session:viewer
// Reads with an API key need an operator or admin key; a spawner's own token reads only the
// instances of its spawner. No handler blocks: agent calls complete deferred responses.
#pragma once

#include <sr/plugin.hpp>

#include "agent_client.h"
#include "allocator.h"
#include "fleet.h"
#include "journal.h"

namespace sr::game_instances {

class InstanceRoutes {
 public:
  struct Options {
    std::chrono::seconds retry_after{5};  // Retry-After of a 503
  };

  InstanceRoutes(sr::Host& host, Fleet& fleet, Allocator& allocator, AgentClient& agents,
                 Journal& journal, Options options)
      : host_(host),
        fleet_(fleet),
        allocator_(allocator),
        agents_(agents),
        journal_(journal),
        options_(options) {}

  void Add();

 private:
  // Whose instances the caller may read: every spawner's (nullopt), or only one.
  struct Reader {
    bool allowed = true;
    std::optional<std::uint64_t> only_spawner;
  };
  Reader ReaderOf(const sr::Request& request) const;

  void Allocate(sr::Request& request, sr::Response& response);
  void List(sr::Request& request, sr::Response& response);
  void GetOne(sr::Request& request, sr::Response& response);
  void Delete(sr::Request& request, sr::Response& response);
  void Regions(sr::Request& request, sr::Response& response);
  // The instance named by the path, or a 404 already written.
  std::optional<Instance> PathInstance(sr::Request& request, sr::Response& response);

  sr::Host& host_;
  Fleet& fleet_;
  Allocator& allocator_;
  AgentClient& agents_;
  Journal& journal_;
  Options options_;
};

}  // namespace sr::game_instances
