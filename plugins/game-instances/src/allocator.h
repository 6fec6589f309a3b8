// One allocation: reserve a slot on the best spawner of the region, ask its agent to spawn
// (POST /spawn, off the request thread), and on failure give the slot back and try the next
// candidate, up to max_attempts. The outcome:
//   201 the instance; 503 no free slot in the region (Retry-After);
//   502 the agents refused or answered badly; 504 the last agent tried was silent.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "agent_client.h"
#include "allocation_request.h"
#include "fleet.h"
#include "journal.h"

namespace sr::game_instances {

struct AllocationOutcome {
  int status = 0;
  std::optional<Instance> instance;  // with 201
  std::string error;                 // otherwise
};

struct AllocatorOptions {
  int default_max_attempts = 3;
};

class Allocator {
 public:
  using Done = std::function<void(AllocationOutcome)>;
  using Clock = std::function<std::int64_t()>;  // Unix ms

  Allocator(Fleet& fleet, AgentClient& agents, Journal& journal, AllocatorOptions options,
            Clock clock)
      : fleet_(fleet),
        agents_(agents),
        journal_(journal),
        options_(options),
        clock_(std::move(clock)) {}

  // `done` runs once: at once when no slot is free, else on the agent client's thread.
  void Allocate(const AllocationRequest& request, Done done);

 private:
  struct Attempt;
  void Try(std::shared_ptr<Attempt> attempt);
  void Answered(std::shared_ptr<Attempt> attempt, const Fleet::Reservation& reservation,
                AgentResult result);
  void Fail(const std::shared_ptr<Attempt>& attempt, int status, std::string error);

  Fleet& fleet_;
  AgentClient& agents_;
  Journal& journal_;
  AllocatorOptions options_;
  Clock clock_;
};

}  // namespace sr::game_instances
