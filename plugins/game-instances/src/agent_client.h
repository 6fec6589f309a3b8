// Calls to spawner agents (POST /spawn, GET /instances, DELETE /instance/{id}) on one thread
// of libcurl's multi interface, so that no request thread of the host ever waits for an
// agent: a handler starts a call and completes its deferred response from `done`.
//
// Every address is checked against the spawn target policy just before a socket is opened
// (after name resolution), as the registry's spawn proxy does; connections are not reused,
// so every call is checked.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "spawn_target_policy.h"

namespace sr::game_instances {

struct AgentCall {
  std::string method;  // "GET", "POST", "DELETE"
  std::string host;
  std::uint16_t port = 0;
  std::string path;  // "/spawn"
  std::string body;  // sent as application/json when not empty (and always for POST)
};

struct AgentResult {
  enum class Kind {
    kResponse,     // the agent answered: status, body
    kUnreachable,  // no connection (refused, unresolvable, connect timeout)
    kTimeout,      // connected, but no complete answer in time
    kFailed,       // a broken or oversized answer, or the client is stopping
    kRefused       // every address refused by spawn_targets: never connected
  };
  Kind kind = Kind::kFailed;
  int status = 0;
  std::string body;
  std::string message;  // why, when not kResponse

  bool ok() const { return kind == Kind::kResponse && status == 200; }
};

struct AgentClientOptions {
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds total_timeout{5000};
  std::size_t max_response_bytes = 4 << 20;  // GET /instances of a busy agent
  std::size_t max_in_flight = 4096;
  sr::spawner_registry::SpawnTargetPolicy targets;
};

class AgentClient {
 public:
  using Done = std::function<void(AgentResult)>;

  explicit AgentClient(AgentClientOptions options);
  ~AgentClient();
  AgentClient(const AgentClient&) = delete;
  AgentClient& operator=(const AgentClient&) = delete;

  // Starts a call; `done` runs once, on the client's thread. False (and `done` never runs)
  // when max_in_flight calls are running or the client has stopped.
  bool Start(AgentCall call, Done done);
  // Ends every call (their `done` gets kFailed) and joins the thread. Idempotent.
  void Stop();

  std::size_t in_flight() const;

 private:
  struct Call;

  void Loop();
  void Begin(std::unique_ptr<Call> call);
  void Collect();
  AgentResult Outcome(Call& call, int code) const;
  void Finished();

  AgentClientOptions options_;
  void* multi_ = nullptr;  // CURLM*

  mutable std::mutex mutex_;  // guards incoming_, in_flight_, stopping_
  std::vector<std::unique_ptr<Call>> incoming_;
  std::size_t in_flight_ = 0;
  bool stopping_ = false;

  std::unordered_map<void*, std::unique_ptr<Call>> active_;  // by CURL*; client thread only
  std::thread thread_;
};

}  // namespace sr::game_instances
