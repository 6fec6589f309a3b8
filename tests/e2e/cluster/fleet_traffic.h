// Spawner traffic against several masters at once, recording exactly what each master
// acknowledged: the failure tests then check that nothing acknowledged was lost, whatever
// happened to a master or to the database in the middle.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace sr::test::cluster {

// What the traffic saw, over all its threads.
struct TrafficRecord {
  std::set<std::uint64_t> registered;  // answered 201
  std::set<std::uint64_t> deleted;     // answered 200 to DELETE
  // DELETEs without an answer (the master died): the spawner may or may not be gone.
  std::set<std::uint64_t> delete_unknown;
  // Registrations that got no answer or a 5xx: not acknowledged, but possibly committed.
  std::uint64_t registrations_unacknowledged = 0;
  std::map<int, std::uint64_t> registration_statuses;  // status -> count (0: no answer)
  std::map<int, std::uint64_t> heartbeat_statuses;
  std::map<int, std::uint64_t> delete_statuses;

  // Acknowledged and not deleted (nor possibly deleted): must be on every master.
  std::set<std::uint64_t> MustExist() const;
  std::string Summary() const;
};

// `threads_per_master` threads per port, each registering spawners through its master,
// heartbeating the ones it registered and deleting one in eight, until Stop() (or
// destruction). A failed connection is retried after a short pause, so a killed master's
// threads keep knocking until the end.
class FleetTraffic {
 public:
  FleetTraffic(std::vector<std::uint16_t> ports, int threads_per_master);
  ~FleetTraffic();
  FleetTraffic(const FleetTraffic&) = delete;
  FleetTraffic& operator=(const FleetTraffic&) = delete;

  // Stops and joins the threads (once) and merges what they recorded.
  TrafficRecord Stop();
  // Registrations acknowledged so far, over all threads (to wait for some progress).
  std::uint64_t acknowledged() const { return acknowledged_.load(); }

 private:
  void Run(std::uint16_t port, int spawner_port_base, TrafficRecord& record);

  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> acknowledged_{0};
  std::vector<TrafficRecord> records_;  // one per thread, merged by Stop()
  std::vector<std::thread> threads_;
};

}  // namespace sr::test::cluster
