// The master's book of spawners (as the directory reports them), the instances running on
// them and the slots reserved by allocations in flight: every decision about capacity is
// made here, under one lock, so that no spawner is ever asked for more than it has.
//
// Free slots of a spawner = max_instances − max(reported current_instances, instances
// tracked as running) − reservations in flight. An allocation reserves a slot (Reserve)
// before it calls the agent and gives it back (Abandon) when the agent fails, or turns it
// into an instance (Confirm).
//
// No I/O happens here; every method is thread-safe and returns what changed, so that the
// caller persists it and publishes events.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "agent_json.h"
#include "instance.h"

namespace sr::game_instances {

// One spawner as the spawner-directory service reports it.
struct SpawnerView {
  std::uint64_t id = 0;
  std::string region;
  std::string host;
  std::uint16_t port = 0;
  std::uint32_t max_instances = 0;
  std::uint32_t current_instances = 0;
  std::string status;
  bool suspect = false;
  std::uint64_t revision = 0;
};

enum class Placement {
  kPacked,  // the spawner with the fewest free slots that still has one
  kSpread   // the spawner with the most free slots
};

struct FleetOptions {
  // An agent that failed this many allocations in a row is left out for `cooldown_ms`.
  int failures_before_cooldown = 3;
  std::int64_t cooldown_ms = 30000;
  // Stopped and gone instances stay listed (with status=stopped or gone) this long.
  std::int64_t ended_retention_ms = 5 * 60 * 1000;
  // Spawner statuses that take no allocations (a heartbeat's "status").
  std::set<std::string, std::less<>> unavailable_statuses = {"draining", "maintenance", "offline",
                                                             "stopping", "disabled"};
  // Where the numbers of new instances come from. Empty: the fleet's own counter (one
  // master). Several masters over one database draw from the cluster-wide sequence
  // (kv-store NextId), so that no two masters give out the same id. Called under the fleet's
  // lock, once per new instance; a throw (the database is unreachable) leaves the fleet as it
  // was and reaches the caller.
  std::function<std::uint64_t()> draw_number;
};

class Fleet {
 public:
  struct Reservation {
    std::uint64_t spawner_id = 0;
    std::string region;
    std::string host;
    std::uint16_t port = 0;
  };

  struct Filter {
    std::optional<std::string> region;
    std::optional<std::uint64_t> spawner_id;
    // Absent: running instances only.
    std::optional<std::string> status;
  };

  struct RegionRow {
    std::string region;
    std::uint64_t spawners = 0;
    std::uint64_t healthy = 0;   // not suspect
    std::uint64_t capacity = 0;  // sum of max_instances
    std::uint64_t used = 0;      // sum of max(current_instances, tracked running)
    std::uint64_t reserved = 0;  // allocations in flight
    std::uint64_t free = 0;      // what allocations can still take (healthy, available)
  };

  // A poll of one agent's GET /instances, begun by BeginPoll.
  struct Poll {
    std::uint64_t spawner_id = 0;
    std::string host;
    std::uint16_t port = 0;
    std::int64_t started_ms = 0;
    std::uint64_t epoch = 0;
    bool reservations_in_flight = false;
  };

  struct Changes {
    std::vector<Instance> started;  // adopted
    std::vector<Instance> ended;    // gone
  };

  explicit Fleet(FleetOptions options) : options_(std::move(options)) {}
  Fleet(const Fleet&) = delete;
  Fleet& operator=(const Fleet&) = delete;

  // ---- the directory ----
  // Applies a spawner's state unless an equal or newer revision is already known (an equal
  // revision still refreshes `suspect`, which changes with time alone).
  void Upsert(const SpawnerView& view, std::int64_t now_ms);
  // The spawner left the registry: its running instances are gone.
  std::vector<Instance> Remove(std::uint64_t spawner_id, std::int64_t now_ms);
  // A whole snapshot taken at `snapshot_ms`: every spawner in it is upserted, and a spawner
  // missing from it that no event has touched since `snapshot_ms` is removed.
  std::vector<Instance> Replace(const std::vector<SpawnerView>& all, std::int64_t snapshot_ms,
                                std::int64_t now_ms);

  // ---- allocation ----
  // Reserves a slot on the best allowed spawner of `region` not in `skip`, or nullopt.
  std::optional<Reservation> Reserve(std::string_view region, Placement placement,
                                     const std::vector<std::uint64_t>& skip, std::int64_t now_ms);
  // The agent started `started`: the reservation becomes a running instance.
  Instance Confirm(const Reservation& reservation, const AgentInstance& started,
                   std::string_view source, std::int64_t now_ms);
  // The reservation is given back; `agent_failed` counts towards the agent's cool-down.
  void Abandon(const Reservation& reservation, bool agent_failed, std::int64_t now_ms);
  // An instance started outside an allocation (the spawn proxy): nullopt when the spawner is
  // unknown or the instance is tracked already.
  std::optional<Instance> Record(std::uint64_t spawner_id, const AgentInstance& started,
                                 std::string_view source, std::int64_t now_ms);

  // ---- reading ----
  std::vector<Instance> List(const Filter& filter) const;
  std::optional<Instance> Get(std::uint64_t number) const;
  std::vector<RegionRow> Regions(std::int64_t now_ms) const;
  std::vector<std::uint64_t> SpawnerIds(bool healthy_only) const;
  std::size_t spawner_count() const;

  // ---- stopping ----
  // Where the agent of a spawner listens (its registered host and port).
  std::optional<std::pair<std::string, std::uint16_t>> AgentAddress(std::uint64_t spawner_id) const;
  // running → stopped; nullopt when the instance is unknown or not running. A poll of that
  // spawner running meanwhile adopts nothing (its list may predate the stop).
  std::optional<Instance> MarkStopped(std::uint64_t number, std::int64_t now_ms);

  // ---- reconciliation ----
  std::optional<Poll> BeginPoll(std::uint64_t spawner_id, std::int64_t now_ms) const;
  // The agent listed `listed`: instances it no longer has are gone (unless recorded after the
  // poll began), and those the master does not know are adopted (unless an allocation on
  // that spawner was in flight during the poll: it may be one of them; the next poll adopts).
  Changes FinishPoll(const Poll& poll, const std::vector<AgentInstance>& listed,
                     std::int64_t now_ms);
  // True when a heartbeat's `current_instances` differs from what the master tracks and no
  // allocation is in flight on the spawner.
  bool Disagrees(std::uint64_t spawner_id, std::uint32_t current_instances) const;

  // ---- other masters (cluster mode) ----
  // What another master's change did here.
  enum class RemoteChange { kNone, kStarted, kEnded };
  // Applies the stored state of an instance another master changed: an unknown one is added
  // (running or ended as stored), a running one that ended there ends here. Returns what
  // changed, for the events, and the instance as it now is.
  std::pair<RemoteChange, Instance> ApplyRemote(const Instance& stored);
  // Another master erased the instance (its retention ended): it leaves the book.
  void ForgetRemote(std::uint64_t number);

  // ---- retention and restart ----
  // Stopped and gone instances older than the retention are dropped and returned.
  std::vector<Instance> DropEnded(std::int64_t now_ms);
  // Instances read back at start-up; `next_number` is at least every number + 1. An instance
  // already in the book (another master's change, delivered before the read) is newer than
  // the read and kept.
  void Restore(std::vector<Instance> instances, std::uint64_t next_number);
  std::uint64_t next_number() const;

 private:
  struct SpawnerState {
    SpawnerView view;
    bool available = true;      // status not among unavailable_statuses
    std::uint32_t running = 0;  // tracked running instances (the size of running_[id])
    std::uint32_t reserved = 0;
    std::uint32_t indexed_free = 0;  // its key in RegionIndex::by_free; 0: not in it
    std::uint64_t epoch = 0;         // + 1 with every reservation and every stop
    int failures = 0;                // in a row
    std::int64_t cooldown_until_ms = 0;
    std::int64_t touched_ms = 0;  // last applied change
  };
  // Running instances of one spawner, by the agent's instance id.
  using RunningSet = std::unordered_map<std::string, std::uint64_t>;

  std::uint32_t FreeLocked(const SpawnerState& spawner) const;
  bool AllocatableLocked(const SpawnerState& spawner, std::int64_t now_ms) const;
  std::uint32_t RunningLocked(std::uint64_t spawner_id) const;
  // The number of a new instance (options_.draw_number or the counter); may throw.
  std::uint64_t DrawNumberLocked();
  Instance& AddLocked(std::uint64_t number, std::uint64_t spawner_id, const std::string& region,
                      const std::string& host, const AgentInstance& started,
                      std::string_view source, std::int64_t now_ms);
  // Puts `instance` (with its number) in the book and the running index.
  Instance& InsertLocked(Instance instance);
  void EndLocked(Instance& instance, std::string_view status, std::int64_t now_ms);
  std::vector<Instance> RemoveLocked(std::uint64_t spawner_id, std::int64_t now_ms);
  void UnindexLocked(const SpawnerState& spawner);

  FleetOptions options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, SpawnerState> spawners_;
  // A region's spawners (nodes of spawners_, whose addresses are stable), and those that are
  // healthy, available and have a free slot ordered by (free slots, id), so that a decision
  // costs O(log n) however large the region: packed takes the first, spread the first of the
  // largest free count. Spawners cooling down stay in it and are stepped over.
  struct RegionIndex {
    std::vector<SpawnerState*> all;
    std::set<std::pair<std::uint32_t, std::uint64_t>> by_free;
  };
  // Puts `spawner` at its current place in its region's by_free.
  void ReindexLocked(SpawnerState& spawner);
  void SetRunningLocked(std::uint64_t spawner_id);

  std::map<std::string, RegionIndex, std::less<>> regions_;
  std::map<std::uint64_t, Instance> instances_;  // by number: listing order
  std::unordered_map<std::uint64_t, RunningSet> running_;
  std::uint64_t next_number_ = 1;
};

}  // namespace sr::game_instances
