// Allocations and reconciliation at once, on real threads and sockets (fake agents on
// loopback, the real agent client): labelled `concurrency`, so it also runs under
// ThreadSanitizer.
#include "allocator.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "fake_agent.h"
#include "reconciler.h"

namespace sr::game_instances {
namespace {

using testing::FakeAgent;

class CountingEvents final : public EventSink {
 public:
  void Publish(std::string_view topic, std::string) override {
    std::lock_guard<std::mutex> lock(mutex_);
    ++counts_[std::string(topic)];
  }
  void Warn(std::string_view) override {}
  int count(const std::string& topic) {
    std::lock_guard<std::mutex> lock(mutex_);
    return counts_[topic];
  }

 private:
  std::mutex mutex_;
  std::map<std::string, int> counts_;
};

std::int64_t Now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(Allocator, ConcurrentAllocationsWhileAgentsArePolledNeitherOversubscribeNorAdoptTwice) {
  std::vector<std::unique_ptr<FakeAgent>> agents;
  Fleet fleet({});
  int capacity = 0;
  for (std::uint64_t id = 1; id <= 8; ++id) {
    agents.push_back(std::make_unique<FakeAgent>("eu", 1 + static_cast<int>(id % 4), 2));
    capacity += agents.back()->max_instances();
    SpawnerView view;
    view.id = id;
    view.region = "eu";
    view.host = "127.0.0.1";
    view.port = agents.back()->port();
    view.max_instances = static_cast<std::uint32_t>(agents.back()->max_instances());
    view.status = "active";
    view.revision = 1;
    fleet.Upsert(view, Now());
  }
  AgentClientOptions options;
  options.targets = sr::spawner_registry::SpawnTargetPolicy(
      *sr::net::CidrSet::Parse({"127.0.0.0/8"}, nullptr), {});
  AgentClient client(options);
  CountingEvents events;
  Journal journal(fleet, nullptr, events);
  Allocator allocator(fleet, client, journal, {}, Now);
  Reconciler reconciler(fleet, client, journal, {/*interval_ms=*/20, 4, 0}, Now);

  std::atomic<bool> polling{true};
  std::thread poller([&] {
    while (polling) {
      reconciler.Tick();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  std::atomic<int> created{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 6; ++i) {
        std::promise<AllocationOutcome> outcome;
        allocator.Allocate(
            AllocationRequest{"eu", t % 2 ? Placement::kSpread : Placement::kPacked, 0},
            [&](AllocationOutcome o) { outcome.set_value(std::move(o)); });
        int status = outcome.get_future().get().status;
        (status == 201 ? created : refused)++;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  // Let the polls run over the settled fleet for a while.
  auto settled_polls = reconciler.polls_completed() + 16;
  while (reconciler.polls_completed() < settled_polls) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  polling = false;
  poller.join();
  client.Stop();

  EXPECT_EQ(created.load(), capacity);
  EXPECT_EQ(refused.load(), 48 - capacity);
  for (const auto& agent : agents) EXPECT_EQ(agent->spawns_beyond_max(), 0);
  EXPECT_EQ(fleet.List({}).size(), static_cast<std::size_t>(capacity));
  Fleet::Filter gone;
  gone.status = "gone";
  EXPECT_TRUE(fleet.List(gone).empty());
  EXPECT_EQ(events.count("instance.started"), capacity);  // none adopted twice
  EXPECT_EQ(events.count("instance.stopped"), 0);
}

}  // namespace
}  // namespace sr::game_instances
