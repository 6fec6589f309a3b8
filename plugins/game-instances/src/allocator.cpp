#include "allocator.h"

#include <exception>
#include <optional>
#include <string>
#include <vector>

namespace sr::game_instances {

struct Allocator::Attempt {
  AllocationRequest request;
  Done done;
  int max_attempts = 0;
  std::vector<std::uint64_t> tried;
  int last_status = 0;  // of the last failed agent: 502 or 504
  std::string last_error;
};

void Allocator::Allocate(const AllocationRequest& request, Done done) {
  auto attempt = std::make_shared<Attempt>();
  attempt->request = request;
  attempt->done = std::move(done);
  attempt->max_attempts =
      request.max_attempts > 0 ? request.max_attempts : options_.default_max_attempts;
  Try(std::move(attempt));
}

void Allocator::Fail(const std::shared_ptr<Attempt>& attempt, int status, std::string error) {
  journal_.AllocationFailed(attempt->request.region, error, status);
  attempt->done(AllocationOutcome{status, std::nullopt, std::move(error)});
}

void Allocator::Try(std::shared_ptr<Attempt> attempt) {
  const std::string& region = attempt->request.region;
  std::optional<Fleet::Reservation> reservation =
      fleet_.Reserve(region, attempt->request.placement, attempt->tried, clock_());
  if (!reservation) {
    if (attempt->tried.empty()) {
      return Fail(attempt, 503, "no free capacity in region '" + region + "'");
    }
    return Fail(attempt, attempt->last_status,
                "every agent tried failed (" + std::to_string(attempt->tried.size()) +
                    " tried; no other spawner of region '" + region +
                    "' has a free slot); last: " + attempt->last_error);
  }
  attempt->tried.push_back(reservation->spawner_id);
  auto call = AgentCall("POST", reservation->host, reservation->port, "/spawn", "{}");
  Fleet::Reservation held = *reservation;
  bool started = agents_.Post(std::move(call), [this, attempt, held](AgentResult result) {
    Answered(attempt, held, std::move(result));
  });
  if (!started) {
    fleet_.Abandon(held, /*agent_failed=*/false, clock_());
    Fail(attempt, 503, "too many agent calls are in flight; try again");
  }
}

void Allocator::Answered(std::shared_ptr<Attempt> attempt, const Fleet::Reservation& reservation,
                         AgentResult result) {
  std::string agent = "spawner " + std::to_string(reservation.spawner_id);
  std::optional<AgentInstance> started;
  if (AnsweredOk(result)) started = ParseAgentSpawn(result.body);
  if (started) {
    std::optional<Instance> confirmed;
    try {
      confirmed = fleet_.Confirm(reservation, *started, "allocation", clock_());
    } catch (const std::exception& error) {
      // Only with several masters (the cluster's sequence is unreachable). The agent runs the
      // instance; the reconciliation adopts it once ids can be drawn again.
      fleet_.Abandon(reservation, /*agent_failed=*/false, clock_());
      return Fail(attempt, 503, std::string("no instance id could be drawn: ").append(error.what()));
    }
    Instance instance = *confirmed;
    journal_.Started(instance, [attempt, instance] {
      attempt->done(AllocationOutcome{201, instance, {}});
    });
    return;
  }
  fleet_.Abandon(reservation, /*agent_failed=*/true, clock_());
  if (result.kind == AgentResult::Kind::kResponse) {
    attempt->last_status = 502;
    attempt->last_error = result.status == 200
                              ? agent + " answered 200 without an instance id and port"
                              : agent + " answered " + std::to_string(result.status) + ": " +
                                    AgentErrorMessage(result.body);
  } else {
    attempt->last_status = result.kind == AgentResult::Kind::kTimeout ? 504 : 502;
    attempt->last_error = agent + ": " + result.message;
  }
  if (static_cast<int>(attempt->tried.size()) >= attempt->max_attempts) {
    return Fail(attempt, attempt->last_status,
                "the agents of region '" + attempt->request.region + "' failed " +
                    std::to_string(attempt->tried.size()) +
                    " attempt(s); last: " + attempt->last_error);
  }
  Try(std::move(attempt));
}

}  // namespace sr::game_instances
