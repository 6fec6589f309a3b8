// The agent's answers (the spawner agent's own API, unchanged):
//   POST /spawn      200 {"id", "port", "pid", "status", "region", "start_time"}
//   GET /instances   200 {"instances": [the same objects]}
//   errors           {"error": "..."}
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sr::game_instances {

struct AgentInstance {
  std::string id;
  std::uint16_t port = 0;
  std::string start_time;  // as the agent wrote it; may be empty
};

// One instance object; nullopt unless it has a string "id" and a port 1..65535.
std::optional<AgentInstance> ParseAgentSpawn(std::string_view body);
// Every instance of GET /instances; nullopt when the body is not {"instances": [...]}.
// Entries without a usable id and port are skipped.
std::optional<std::vector<AgentInstance>> ParseAgentInstances(std::string_view body);
// The agent's {"error": "..."} message, or a short excerpt of whatever it sent.
std::string AgentErrorMessage(std::string_view body);

}  // namespace sr::game_instances
