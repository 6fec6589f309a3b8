#include "fleet.h"

#include <algorithm>
#include <sr/rfc3339.hpp>
#include <unordered_set>

namespace sr::game_instances {

std::uint32_t Fleet::RunningLocked(std::uint64_t spawner_id) const {
  auto it = running_.find(spawner_id);
  return it == running_.end() ? 0 : static_cast<std::uint32_t>(it->second.size());
}

std::uint32_t Fleet::FreeLocked(const SpawnerState& spawner) const {
  std::uint64_t used = std::max(spawner.view.current_instances, spawner.running);
  used += spawner.reserved;
  return used >= spawner.view.max_instances
             ? 0
             : static_cast<std::uint32_t>(spawner.view.max_instances - used);
}

bool Fleet::AllocatableLocked(const SpawnerState& spawner, std::int64_t now_ms) const {
  return !spawner.view.suspect && spawner.available && spawner.cooldown_until_ms <= now_ms;
}

void Fleet::ReindexLocked(SpawnerState& spawner) {
  auto region = regions_.find(spawner.view.region);
  if (region == regions_.end()) return;
  auto& by_free = region->second.by_free;
  if (spawner.indexed_free != 0) by_free.erase({spawner.indexed_free, spawner.view.id});
  // Cool-downs end with time alone, so they are checked at the decision, not here.
  bool eligible = !spawner.view.suspect && spawner.available;
  spawner.indexed_free = eligible ? FreeLocked(spawner) : 0;
  if (spawner.indexed_free != 0) by_free.insert({spawner.indexed_free, spawner.view.id});
}

void Fleet::SetRunningLocked(std::uint64_t spawner_id) {
  auto spawner = spawners_.find(spawner_id);
  if (spawner == spawners_.end()) return;
  spawner->second.running = RunningLocked(spawner_id);
  ReindexLocked(spawner->second);
}

void Fleet::UnindexLocked(const SpawnerState& spawner) {
  auto region = regions_.find(spawner.view.region);
  if (region == regions_.end()) return;
  auto& index = region->second;
  if (spawner.indexed_free != 0) index.by_free.erase({spawner.indexed_free, spawner.view.id});
  index.all.erase(std::remove(index.all.begin(), index.all.end(), &spawner), index.all.end());
  if (index.all.empty()) regions_.erase(region);
}

void Fleet::Upsert(const SpawnerView& view, std::int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto [it, inserted] = spawners_.try_emplace(view.id);
  SpawnerState& state = it->second;
  if (!inserted && view.revision < state.view.revision) return;
  if (!inserted && view.revision == state.view.revision && view.suspect == state.view.suspect) {
    state.touched_ms = now_ms;  // a snapshot that only confirms what is known
    return;
  }
  if (!inserted && view.region != state.view.region) {
    UnindexLocked(state);
    state.indexed_free = 0;
  }
  bool index = inserted || view.region != state.view.region;
  state.view = view;
  state.available = options_.unavailable_statuses.count(view.status) == 0;
  state.running = RunningLocked(view.id);
  state.touched_ms = now_ms;
  if (index) regions_[view.region].all.push_back(&state);
  ReindexLocked(state);
}

std::vector<Instance> Fleet::RemoveLocked(std::uint64_t spawner_id, std::int64_t now_ms) {
  std::vector<Instance> gone;
  auto it = spawners_.find(spawner_id);
  if (it != spawners_.end()) {
    UnindexLocked(it->second);
    spawners_.erase(it);
  }
  auto running = running_.find(spawner_id);
  if (running == running_.end()) return gone;
  RunningSet numbers = std::move(running->second);
  running_.erase(running);
  for (const auto& [agent_id, number] : numbers) {
    auto instance = instances_.find(number);
    if (instance == instances_.end()) continue;
    instance->second.status = std::string(kGone);
    instance->second.ended_ms = now_ms;
    gone.push_back(instance->second);
  }
  return gone;
}

std::vector<Instance> Fleet::Remove(std::uint64_t spawner_id, std::int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  return RemoveLocked(spawner_id, now_ms);
}

std::vector<Instance> Fleet::Replace(const std::vector<SpawnerView>& all, std::int64_t snapshot_ms,
                                     std::int64_t now_ms) {
  for (const auto& view : all) Upsert(view, now_ms);
  std::unordered_set<std::uint64_t> present;
  present.reserve(all.size());
  for (const auto& view : all) present.insert(view.id);
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::uint64_t> missing;
  for (const auto& [id, state] : spawners_) {
    // Touched after the snapshot began: an event newer than the snapshot knows better.
    if (present.count(id) == 0 && state.touched_ms < snapshot_ms) missing.push_back(id);
  }
  // Running instances of spawners the directory does not have (restored from storage for a
  // spawner that has gone meanwhile) are gone as well.
  for (const auto& [id, running] : running_) {
    if (present.count(id) == 0 && spawners_.count(id) == 0) missing.push_back(id);
  }
  std::vector<Instance> gone;
  for (std::uint64_t id : missing) {
    auto removed = RemoveLocked(id, now_ms);
    gone.insert(gone.end(), removed.begin(), removed.end());
  }
  return gone;
}

std::optional<Fleet::Reservation> Fleet::Reserve(std::string_view region, Placement placement,
                                                 const std::vector<std::uint64_t>& skip,
                                                 std::int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = regions_.find(region);
  if (found == regions_.end()) return std::nullopt;
  const auto& by_free = found->second.by_free;
  auto usable = [&](std::uint64_t id) {
    const SpawnerState& spawner = spawners_.at(id);
    return spawner.cooldown_until_ms <= now_ms &&
           std::find(skip.begin(), skip.end(), id) == skip.end();
  };
  SpawnerState* best = nullptr;
  if (placement == Placement::kPacked) {
    // The fewest free slots, then the lowest id: the set's own order.
    for (const auto& [free, id] : by_free) {
      if (usable(id)) {
        best = &spawners_.at(id);
        break;
      }
    }
  } else {
    // The most free slots, then the lowest id: the first entry of each free count, from the
    // largest count down.
    for (auto it = by_free.rbegin(); it != by_free.rend() && best == nullptr;) {
      std::uint32_t free = it->first;
      for (auto same = by_free.lower_bound({free, 0}); same != by_free.end() && same->first == free;
           ++same) {
        if (usable(same->second)) {
          best = &spawners_.at(same->second);
          break;
        }
      }
      it = std::make_reverse_iterator(by_free.lower_bound({free, 0}));
    }
  }
  if (best == nullptr) return std::nullopt;
  ++best->reserved;
  ++best->epoch;
  ReindexLocked(*best);
  return Reservation{best->view.id, best->view.region, best->view.host, best->view.port};
}

std::uint64_t Fleet::DrawNumberLocked() {
  if (!options_.draw_number) return next_number_++;
  std::uint64_t number = options_.draw_number();
  next_number_ = std::max(next_number_, number + 1);
  return number;
}

Instance& Fleet::InsertLocked(Instance instance) {
  if (instance.running()) {
    running_[instance.spawner_id][instance.agent_instance_id] = instance.number;
    SetRunningLocked(instance.spawner_id);
  }
  std::uint64_t number = instance.number;
  return instances_.insert_or_assign(number, std::move(instance)).first->second;
}

Instance& Fleet::AddLocked(std::uint64_t number, std::uint64_t spawner_id,
                           const std::string& region, const std::string& host,
                           const AgentInstance& started, std::string_view source,
                           std::int64_t now_ms) {
  Instance instance;
  instance.number = number;
  instance.spawner_id = spawner_id;
  instance.agent_instance_id = started.id;
  instance.region = region;
  instance.host = host;
  instance.port = started.port;
  instance.status = std::string(kRunning);
  instance.started_at = started.start_time.empty() ? sr::Rfc3339Millis(now_ms) : started.start_time;
  instance.source = std::string(source);
  instance.recorded_ms = now_ms;
  return InsertLocked(std::move(instance));
}

Instance Fleet::Confirm(const Reservation& reservation, const AgentInstance& started,
                        std::string_view source, std::int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& running = running_[reservation.spawner_id];
  auto known = running.find(started.id);
  // Drawn before anything changes: when it throws, the caller abandons the reservation.
  std::optional<std::uint64_t> number;
  if (known == running.end()) number = DrawNumberLocked();
  auto spawner = spawners_.find(reservation.spawner_id);
  if (spawner != spawners_.end()) {
    if (spawner->second.reserved > 0) --spawner->second.reserved;
    spawner->second.failures = 0;
  }
  if (!number) {
    SetRunningLocked(reservation.spawner_id);
    return instances_.at(known->second);
  }
  return AddLocked(*number, reservation.spawner_id, reservation.region, reservation.host, started,
                   source, now_ms);
}

void Fleet::Abandon(const Reservation& reservation, bool agent_failed, std::int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = spawners_.find(reservation.spawner_id);
  if (found == spawners_.end()) return;
  SpawnerState& spawner = found->second;
  if (spawner.reserved > 0) --spawner.reserved;
  ReindexLocked(spawner);
  if (!agent_failed) return;
  if (++spawner.failures >= options_.failures_before_cooldown) {
    spawner.cooldown_until_ms = now_ms + options_.cooldown_ms;
    spawner.failures = 0;
  }
}

std::optional<Instance> Fleet::Record(std::uint64_t spawner_id, const AgentInstance& started,
                                      std::string_view source, std::int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto spawner = spawners_.find(spawner_id);
  if (spawner == spawners_.end()) return std::nullopt;
  auto running = running_.find(spawner_id);
  if (running != running_.end() && running->second.count(started.id) > 0) return std::nullopt;
  return AddLocked(DrawNumberLocked(), spawner_id, spawner->second.view.region,
                   spawner->second.view.host, started, source, now_ms);
}

std::vector<Instance> Fleet::List(const Filter& filter) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<Instance> out;
  for (const auto& [number, instance] : instances_) {
    if (filter.status ? instance.status != *filter.status : !instance.running()) continue;
    if (filter.region && instance.region != *filter.region) continue;
    if (filter.spawner_id && instance.spawner_id != *filter.spawner_id) continue;
    out.push_back(instance);
  }
  return out;
}

std::optional<Instance> Fleet::Get(std::uint64_t number) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = instances_.find(number);
  if (it == instances_.end()) return std::nullopt;
  return it->second;
}

std::vector<Fleet::RegionRow> Fleet::Regions(std::int64_t now_ms) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<RegionRow> rows;
  rows.reserve(regions_.size());
  for (const auto& [name, index] : regions_) {
    RegionRow row;
    row.region = name;
    for (const SpawnerState* spawner : index.all) {
      ++row.spawners;
      if (!spawner->view.suspect) ++row.healthy;
      row.capacity += spawner->view.max_instances;
      row.used += std::max(spawner->view.current_instances, spawner->running);
      row.reserved += spawner->reserved;
      if (AllocatableLocked(*spawner, now_ms)) row.free += FreeLocked(*spawner);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<std::uint64_t> Fleet::SpawnerIds(bool healthy_only) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::uint64_t> ids;
  ids.reserve(spawners_.size());
  for (const auto& [id, spawner] : spawners_) {
    if (!healthy_only || !spawner.view.suspect) ids.push_back(id);
  }
  return ids;
}

std::size_t Fleet::spawner_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return spawners_.size();
}

void Fleet::EndLocked(Instance& instance, std::string_view status, std::int64_t now_ms) {
  auto running = running_.find(instance.spawner_id);
  if (running != running_.end()) {
    running->second.erase(instance.agent_instance_id);
    if (running->second.empty()) running_.erase(running);
    SetRunningLocked(instance.spawner_id);
  }
  instance.status = std::string(status);
  instance.ended_ms = now_ms;
}

std::optional<std::pair<std::string, std::uint16_t>> Fleet::AgentAddress(
    std::uint64_t spawner_id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = spawners_.find(spawner_id);
  if (it == spawners_.end()) return std::nullopt;
  return std::make_pair(it->second.view.host, it->second.view.port);
}

std::optional<Instance> Fleet::MarkStopped(std::uint64_t number, std::int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = instances_.find(number);
  if (it == instances_.end() || !it->second.running()) return std::nullopt;
  auto spawner = spawners_.find(it->second.spawner_id);
  if (spawner != spawners_.end()) ++spawner->second.epoch;
  EndLocked(it->second, kStopped, now_ms);
  return it->second;
}

std::optional<Fleet::Poll> Fleet::BeginPoll(std::uint64_t spawner_id, std::int64_t now_ms) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = spawners_.find(spawner_id);
  if (it == spawners_.end()) return std::nullopt;
  const SpawnerState& spawner = it->second;
  return Poll{spawner_id, spawner.view.host, spawner.view.port,
              now_ms,     spawner.epoch,     spawner.reserved > 0};
}

Fleet::Changes Fleet::FinishPoll(const Poll& poll, const std::vector<AgentInstance>& listed,
                                 std::int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  Changes changes;
  auto spawner = spawners_.find(poll.spawner_id);
  if (spawner == spawners_.end()) return changes;  // removed meanwhile: Remove handled it
  std::unordered_set<std::string> present;
  present.reserve(listed.size());
  for (const auto& instance : listed) present.insert(instance.id);
  auto running = running_.find(poll.spawner_id);
  if (running != running_.end()) {
    std::vector<std::uint64_t> missing;
    for (const auto& [agent_id, number] : running->second) {
      if (present.count(agent_id) > 0) continue;
      const Instance& instance = instances_.at(number);
      if (instance.recorded_ms < poll.started_ms) missing.push_back(number);
    }
    for (std::uint64_t number : missing) {
      Instance& instance = instances_.at(number);
      EndLocked(instance, kGone, now_ms);
      changes.ended.push_back(instance);
    }
  }
  bool quiet = !poll.reservations_in_flight && spawner->second.epoch == poll.epoch &&
               spawner->second.reserved == 0;
  if (!quiet) return changes;
  const std::string region = spawner->second.view.region;
  const std::string host = spawner->second.view.host;
  for (const auto& listed_instance : listed) {
    auto known = running_.find(poll.spawner_id);
    if (known != running_.end() && known->second.count(listed_instance.id) > 0) continue;
    std::uint64_t number = 0;
    try {
      number = DrawNumberLocked();
    } catch (const std::exception&) {
      break;  // no id to give now (the database is away): the next poll adopts the rest
    }
    changes.started.push_back(
        AddLocked(number, poll.spawner_id, region, host, listed_instance, "adopted", now_ms));
  }
  return changes;
}

bool Fleet::Disagrees(std::uint64_t spawner_id, std::uint32_t current_instances) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = spawners_.find(spawner_id);
  if (it == spawners_.end() || it->second.reserved > 0) return false;
  return RunningLocked(spawner_id) != current_instances;
}

std::vector<Instance> Fleet::DropEnded(std::int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<Instance> dropped;
  for (auto it = instances_.begin(); it != instances_.end();) {
    const Instance& instance = it->second;
    if (!instance.running() && instance.ended_ms + options_.ended_retention_ms <= now_ms) {
      dropped.push_back(instance);
      it = instances_.erase(it);
    } else {
      ++it;
    }
  }
  return dropped;
}

void Fleet::Restore(std::vector<Instance> instances, std::uint64_t next_number) {
  std::lock_guard<std::mutex> lock(mutex_);
  next_number_ = std::max(next_number_, next_number);
  for (auto& instance : instances) {
    next_number_ = std::max(next_number_, instance.number + 1);
    if (instances_.count(instance.number) > 0) continue;
    InsertLocked(std::move(instance));
  }
}

std::pair<Fleet::RemoteChange, Instance> Fleet::ApplyRemote(const Instance& stored) {
  std::lock_guard<std::mutex> lock(mutex_);
  next_number_ = std::max(next_number_, stored.number + 1);
  auto found = instances_.find(stored.number);
  if (found == instances_.end()) {
    Instance& added = InsertLocked(stored);
    return {added.running() ? RemoteChange::kStarted : RemoteChange::kNone, added};
  }
  Instance& known = found->second;
  if (known.running() && !stored.running()) {
    auto spawner = spawners_.find(known.spawner_id);
    if (spawner != spawners_.end()) ++spawner->second.epoch;  // as MarkStopped: see BeginPoll
    EndLocked(known, stored.status, stored.ended_ms);
    return {RemoteChange::kEnded, known};
  }
  return {RemoteChange::kNone, known};
}

void Fleet::ForgetRemote(std::uint64_t number) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = instances_.find(number);
  if (found == instances_.end()) return;
  if (found->second.running()) EndLocked(found->second, kGone, found->second.recorded_ms);
  instances_.erase(found);
}

std::uint64_t Fleet::next_number() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return next_number_;
}

}  // namespace sr::game_instances
