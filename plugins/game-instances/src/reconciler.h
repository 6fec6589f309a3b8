// Keeps the book in line with the agents: each healthy spawner's GET /instances is polled
// once per interval (each at its own jittered time, at most `concurrency` at once), and soon
// after a heartbeat whose current_instances disagrees with the book (Urgent). What a poll
// finds is applied by Fleet::FinishPoll: instances gone from the agent end, unknown ones are
// adopted.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <unordered_map>
#include <unordered_set>

#include "agent_calls.h"
#include "fleet.h"
#include "journal.h"

namespace sr::game_instances {

struct ReconcilerOptions {
  std::int64_t interval_ms = 10000;
  std::size_t concurrency = 16;
  // An urgent poll of one spawner waits at least this long after its previous poll.
  std::int64_t min_gap_ms = 1000;
  // Whether this master polls now. Empty: always (one master). With several masters only
  // the holder of a lease does, so that an instance found on an agent is adopted once, under
  // one id, and the others learn of it through the database.
  std::function<bool()> leads;
};

class Reconciler {
 public:
  using Clock = std::function<std::int64_t()>;  // Unix ms

  Reconciler(Fleet& fleet, AgentClient& agents, Journal& journal, ReconcilerOptions options,
             Clock clock);

  // Schedules new spawners, forgets removed ones and starts the polls that are due. Called
  // periodically (a fraction of the interval).
  void Tick();
  // A heartbeat reported `current_instances`, which the book disagrees with: polls
  // `spawner_id` soon (after min_gap since its last poll), once per reported value, so that
  // an agent that counts differently is not polled at every heartbeat.
  void Urgent(std::uint64_t spawner_id, std::uint32_t current_instances);
  // A heartbeat agreed with the book: the next disagreement polls again.
  void Settled(std::uint64_t spawner_id);

  std::uint64_t polls_completed() const;

 private:
  struct Schedule {
    std::int64_t due_ms = 0;
    std::int64_t last_ms = 0;  // when the previous poll began
    bool in_flight = false;
    std::optional<std::uint32_t> urgent_for;  // the reported count an urgent poll was for
  };

  void StartDueLocked(std::int64_t now_ms);
  void Finished(const Fleet::Poll& poll, const AgentResult& result);
  std::int64_t JitteredInterval();

  Fleet& fleet_;
  AgentClient& agents_;
  Journal& journal_;
  ReconcilerOptions options_;
  Clock clock_;

  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, Schedule> schedule_;
  std::size_t in_flight_ = 0;
  std::uint64_t polls_completed_ = 0;
  std::minstd_rand random_;
};

}  // namespace sr::game_instances
