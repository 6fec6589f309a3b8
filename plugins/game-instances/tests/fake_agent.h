// A spawner agent on a loopback port that speaks exactly the agent API:
//   POST /spawn            200 {"id","port","pid","status","region","start_time"},
//                          500 {"error":"full"} at max_instances
//   GET /instances         200 {"instances": [...]}
//   DELETE /instance/{id}  200 {"message":"instance stopped","id"}, 500 {"error":...} unknown
//   GET /health            200 {"status":"online","region","uptime"}
// Modes make it fail (500 to everything), or keep silent (never answer). It counts what it
// was asked, so tests can prove that nobody asked it beyond its maximum.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sr::game_instances::testing {

class FakeAgent {
 public:
  enum class Mode { kNormal, kFailing, kSilent };

  // GET /instances requests being answered at once, over every agent that shares it.
  struct Gauge {
    std::atomic<int> now{0};
    std::atomic<int> peak{0};
  };

  FakeAgent(std::string region, int max_instances, int delay_ms = 0);
  ~FakeAgent();
  FakeAgent(const FakeAgent&) = delete;
  FakeAgent& operator=(const FakeAgent&) = delete;

  std::uint16_t port() const { return port_; }
  const std::string& region() const { return region_; }
  int max_instances() const { return max_instances_; }

  void set_mode(Mode mode) { mode_ = mode; }
  // DELETE answers 500 (the agent refuses) while set.
  void set_refuse_delete(bool refuse) { refuse_delete_ = refuse; }
  // Counts this agent's GET /instances in `gauge` (set before the master polls it).
  void set_list_gauge(Gauge* gauge) { gauge_ = gauge; }

  // An instance the agent started on its own (or kept across a master restart).
  std::string StartLocally();
  // An instance dies on the agent (it leaves GET /instances).
  void Kill(const std::string& id);
  std::vector<std::string> Running() const;

  int spawn_requests() const { return spawn_requests_.load(); }
  // POST /spawn requests read so far, counted before the agent's delay.
  int spawns_received() const { return spawns_received_.load(); }
  // POST /spawn requests that arrived while the agent was already full.
  int spawns_beyond_max() const { return beyond_max_.load(); }
  int list_requests() const { return list_requests_.load(); }
  std::vector<std::string> deleted() const;

 private:
  void Serve();
  void Handle(int client);
  std::string Answer(const std::string& method, const std::string& path, int& status);
  std::string InstanceJson(const std::string& id, int port) const;

  std::string region_;
  int max_instances_;
  int delay_ms_;
  std::atomic<Mode> mode_{Mode::kNormal};
  std::atomic<bool> refuse_delete_{false};
  std::atomic<Gauge*> gauge_{nullptr};
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> spawn_requests_{0};
  std::atomic<int> spawns_received_{0};
  std::atomic<int> beyond_max_{0};
  std::atomic<int> list_requests_{0};
  mutable std::mutex mutex_;
  std::map<std::string, int> running_;  // id → game port
  std::vector<std::string> deleted_;
  int next_ = 1;
  std::vector<int> held_;  // connections a silent agent keeps
  std::vector<std::thread> workers_;
  std::thread thread_;
};

}  // namespace sr::game_instances::testing
