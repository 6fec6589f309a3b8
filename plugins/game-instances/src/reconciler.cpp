#include "reconciler.h"

#include <algorithm>
#include <vector>

namespace sr::game_instances {

Reconciler::Reconciler(Fleet& fleet, AgentClient& agents, Journal& journal,
                       ReconcilerOptions options, Clock clock)
    : fleet_(fleet),
      agents_(agents),
      journal_(journal),
      options_(options),
      clock_(std::move(clock)),
      random_(std::random_device{}()) {}

std::int64_t Reconciler::JitteredInterval() {
  // 75 % to 125 % of the interval: polls of spawners registered together drift apart.
  std::uniform_int_distribution<std::int64_t> spread(0, options_.interval_ms / 2);
  return options_.interval_ms * 3 / 4 + spread(random_);
}

void Reconciler::Tick() {
  if (options_.leads && !options_.leads()) return;
  std::vector<std::uint64_t> ids = fleet_.SpawnerIds(/*healthy_only=*/true);
  std::int64_t now = clock_();
  std::lock_guard<std::mutex> lock(mutex_);
  std::unordered_set<std::uint64_t> current(ids.begin(), ids.end());
  for (auto it = schedule_.begin(); it != schedule_.end();) {
    bool keep = current.count(it->first) > 0 || it->second.in_flight;
    it = keep ? std::next(it) : schedule_.erase(it);
  }
  std::uniform_int_distribution<std::int64_t> first(0, options_.interval_ms);
  for (std::uint64_t id : ids) {
    auto [it, inserted] = schedule_.try_emplace(id);
    if (inserted) it->second.due_ms = now + first(random_);  // spread over one interval
  }
  StartDueLocked(now);
}

void Reconciler::Urgent(std::uint64_t spawner_id, std::uint32_t current_instances) {
  std::int64_t now = clock_();
  std::lock_guard<std::mutex> lock(mutex_);
  auto [it, inserted] = schedule_.try_emplace(spawner_id);
  Schedule& entry = it->second;
  if (entry.urgent_for == current_instances) return;
  entry.urgent_for = current_instances;
  entry.due_ms = std::min(entry.due_ms, std::max(now, entry.last_ms + options_.min_gap_ms));
  if (inserted) entry.due_ms = now;
  StartDueLocked(now);
}

void Reconciler::Settled(std::uint64_t spawner_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = schedule_.find(spawner_id);
  if (it != schedule_.end()) it->second.urgent_for.reset();
}

void Reconciler::StartDueLocked(std::int64_t now_ms) {
  if (in_flight_ >= options_.concurrency) return;
  // The most overdue first: when polls take longer than the interval allows, every spawner
  // still gets its turn.
  std::vector<std::pair<std::int64_t, std::uint64_t>> due;
  for (const auto& [id, entry] : schedule_) {
    if (!entry.in_flight && entry.due_ms <= now_ms) due.emplace_back(entry.due_ms, id);
  }
  std::size_t slots = std::min(due.size(), options_.concurrency - in_flight_);
  std::partial_sort(due.begin(), due.begin() + static_cast<std::ptrdiff_t>(slots), due.end());
  for (std::size_t i = 0; i < slots; ++i) {
    std::uint64_t id = due[i].second;
    Schedule& entry = schedule_[id];
    std::optional<Fleet::Poll> poll = fleet_.BeginPoll(id, now_ms);
    if (!poll) continue;
    entry.in_flight = true;
    entry.last_ms = now_ms;
    entry.due_ms = now_ms + JitteredInterval();
    ++in_flight_;
    auto call = AgentCall("GET", poll->host, poll->port, "/instances");
    Fleet::Poll began = *poll;
    bool started = agents_.Post(std::move(call),
                                [this, began](AgentResult result) { Finished(began, result); });
    if (!started) {
      entry.in_flight = false;
      --in_flight_;
      return;  // the client is full or stopping: the next tick tries again
    }
  }
}

void Reconciler::Finished(const Fleet::Poll& poll, const AgentResult& result) {
  if (AnsweredOk(result)) {
    if (auto listed = ParseAgentInstances(result.body)) {
      Fleet::Changes changes = fleet_.FinishPoll(poll, *listed, clock_());
      journal_.Ended(changes.ended, "gone");
      for (const auto& instance : changes.started) journal_.Started(instance);
    }
  }
  // A failed poll changes nothing: a silent agent is the registry's to expire.
  std::lock_guard<std::mutex> lock(mutex_);
  --in_flight_;
  ++polls_completed_;
  auto it = schedule_.find(poll.spawner_id);
  if (it != schedule_.end()) it->second.in_flight = false;
  StartDueLocked(clock_());
}

std::uint64_t Reconciler::polls_completed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return polls_completed_;
}

}  // namespace sr::game_instances
