// Calls to the spawner agents (POST /spawn, GET /instances, DELETE /instance/{id}) go through
// the registry's spawn client: one libcurl multi thread, every address checked against
// spawn_targets after name resolution, `done` on the client's thread, so that no request
// thread of the host waits for an agent.
#pragma once

#include <cstdint>
#include <string>

#include "spawn_client.h"

namespace sr::game_instances {

using AgentClient = sr::spawner_registry::SpawnClient;
using AgentClientOptions = sr::spawner_registry::SpawnClientOptions;
using AgentResult = sr::spawner_registry::SpawnResult;

// A call to the agent at host:port. The master's own calls never count as made by a spawner
// on loopback: the directory does not say where a spawner registered from.
inline sr::spawner_registry::SpawnCall AgentCall(std::string method, std::string host,
                                                 std::uint16_t port, std::string path,
                                                 std::string body = {}) {
  sr::spawner_registry::SpawnCall call;
  call.method = std::move(method);
  call.host = std::move(host);
  call.port = port;
  call.path = std::move(path);
  call.body = std::move(body);
  return call;
}

inline bool AnsweredOk(const AgentResult& result) {
  return result.kind == AgentResult::Kind::kResponse && result.status == 200;
}

}  // namespace sr::game_instances
