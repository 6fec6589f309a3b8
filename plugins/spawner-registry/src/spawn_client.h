#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "spawn_target_policy.h"

namespace sr::spawner_registry {

struct SpawnCall {
  std::string host;
  std::uint16_t port = 0;
  std::string body;
  std::string content_type;        // of `body`; empty: application/json
  bool owner_on_loopback = false;  // the spawner registered from loopback (SpawnTargetPolicy)
  // The spawn proxy's call; game-instances also reads GET /instances and sends
  // DELETE /instance/{id} through the same client (a body is sent with POST only).
  std::string method = "POST";
  std::string path = "/spawn";
};

struct SpawnResult {
  enum class Kind {
    kResponse,     // the spawner answered: status, body, content_type
    kUnreachable,  // no connection (refused, unresolvable, connect timeout)
    kTimeout,      // connected, but no complete answer in time
    kTooLarge,     // the answer exceeded the response cap
    kFailed,       // a broken answer, or the client is stopping
    kRefused       // every address of the host is refused by spawn_targets: never connected
  };
  Kind kind = Kind::kFailed;
  int status = 0;
  std::string body;
  std::string content_type;
  std::string message;  // why, when not kResponse
};

struct SpawnClientOptions {
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds total_timeout{5000};
  std::size_t max_response_bytes = 1 << 20;
  std::size_t max_in_flight = 256;
  SpawnTargetPolicy targets;
};

// Calls http://host:port/spawn (or another path of the agent) on a thread of its own (libcurl's
// multi interface), so no request thread ever waits for a spawner. Thread-safe.
//
// Every address is checked against `targets` just before libcurl opens a socket to it
// (CURLOPT_OPENSOCKETFUNCTION), after name resolution: the address checked is the address
// connected to, so a name that resolves differently later (DNS rebinding) gains nothing.
// A refused address gets no socket at all; libcurl goes on with the host's next address.
// Connections are never reused across calls, so every call is checked.
class SpawnClient {
 public:
  using Done = std::function<void(SpawnResult)>;

  explicit SpawnClient(SpawnClientOptions options);
  ~SpawnClient();
  SpawnClient(const SpawnClient&) = delete;
  SpawnClient& operator=(const SpawnClient&) = delete;

  // Starts a call; `done` runs once on the client's thread. False (and `done` never runs)
  // when max_in_flight calls are already running or the client is stopped.
  bool Post(SpawnCall call, Done done);
  // Ends running calls (their `done` gets kFailed) and joins the thread.
  void Stop();

  std::chrono::milliseconds timeout() const { return options_.total_timeout; }

 private:
  struct Transfer;

  void Run();
  void StartQueued();
  void FinishDone();
  void Start(std::unique_ptr<Transfer> transfer);
  SpawnResult ResultOf(Transfer& transfer, int code);

  SpawnClientOptions options_;
  void* multi_ = nullptr;  // CURLM*

  std::mutex mutex_;  // guards queued_, in_flight_ and stopping_
  std::vector<std::unique_ptr<Transfer>> queued_;
  std::size_t in_flight_ = 0;
  bool stopping_ = false;

  std::map<void*, std::unique_ptr<Transfer>> running_;  // by CURL*; client thread only
  std::thread thread_;
};

}  // namespace sr::spawner_registry
