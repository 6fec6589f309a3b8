// game-instances with several masters over one database (a kv-store version 2, played by
// sr::testing::FakeClusterKv): ids from the cluster's sequence, and an instance started,
// stopped or dropped through one master followed by the other (ClusterFollower), with the
// usual events published there. Deliveries are manual (Sync), so the tests are deterministic.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>
#include <string>
#include <utility>
#include <vector>
#include <sr/testing/fake_cluster_kv.hpp>

#include "cluster_follower.h"
#include "fake_agent.h"
#include "fleet.h"
#include "journal.h"
#include "kv_instance_store.h"
#include "reconciler.h"

namespace sr::game_instances {
namespace {

using sr::testing::FakeClusterDatabase;
using sr::testing::FakeClusterKv;

class RecordingEvents final : public EventSink {
 public:
  void Publish(std::string_view topic, std::string json) override {
    std::lock_guard<std::mutex> lock(mutex_);
    published_.emplace_back(std::string(topic), std::move(json));
  }
  void Warn(std::string_view message) override {
    std::lock_guard<std::mutex> lock(mutex_);
    warnings_.emplace_back(message);
  }
  std::vector<std::pair<std::string, std::string>> published() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return published_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> published_;
  std::vector<std::string> warnings_;
};

// One master's game-instances, wired as the plugin wires them in cluster mode.
struct Master {
  Master(FakeClusterDatabase& database, const std::string& name)
      : kv(database, name), store(kv.v1()) {
    FleetOptions options;
    options.draw_number = [this] { return store.DrawNumber(); };
    fleet = std::make_unique<Fleet>(options);
    follower = std::make_unique<ClusterFollower>(store, *fleet, events);
    auto loaded = store.Load([](const std::string&) {});
    fleet->Restore(std::move(loaded.instances), loaded.next_number);
    journal = std::make_unique<Journal>(*fleet, &store, events);
    SpawnerView spawner;
    spawner.id = 7;
    spawner.region = "eu";
    spawner.host = "10.0.0.7";
    spawner.port = 9000;
    spawner.max_instances = 4;
    spawner.status = "active";
    spawner.revision = 1;
    fleet->Upsert(spawner, 1000);
  }
  // Starts an instance through the spawn proxy's path and stores it.
  Instance Start(const std::string& agent_id) {
    AgentInstance started;
    started.id = agent_id;
    started.port = 7777;
    std::optional<Instance> instance = fleet->Record(7, started, "spawn", 2000);
    EXPECT_TRUE(instance.has_value());
    journal->Started(*instance);
    kv.WaitIdle();
    return *instance;
  }
  std::vector<std::string> Listed(std::optional<std::string> status = std::nullopt) const {
    Fleet::Filter filter;
    filter.status = std::move(status);
    std::vector<std::string> ids;
    for (const auto& instance : fleet->List(filter)) ids.push_back(instance.id());
    return ids;
  }
  std::uint64_t Used() const { return fleet->Regions(3000).at(0).used; }

  FakeClusterKv kv;
  KvInstanceStore store;
  RecordingEvents events;
  std::unique_ptr<Fleet> fleet;
  std::unique_ptr<ClusterFollower> follower;
  std::unique_ptr<Journal> journal;
};

TEST(GameInstancesCluster, IdsComeFromTheClustersSequence) {
  FakeClusterDatabase database;
  Master a(database, "a");
  Master b(database, "b");
  EXPECT_TRUE(a.store.clustered());
  EXPECT_EQ(a.Start("agent-1").id(), "i-1");
  EXPECT_EQ(b.Start("agent-2").id(), "i-2");
  EXPECT_EQ(a.Start("agent-3").id(), "i-3");
  // No next_id row is fought over: the sequence counts.
  EXPECT_EQ(database.Rows("game-instances").count("next_id"), 0u);
}

TEST(GameInstancesCluster, AnInstanceOfAnotherMasterIsListedCountedStoppedAndForgotten) {
  FakeClusterDatabase database;
  Master a(database, "a");
  Master b(database, "b");
  Instance started = a.Start("agent-1");
  b.kv.Sync();
  EXPECT_EQ(b.Listed(), std::vector<std::string>{"i-1"});
  EXPECT_EQ(b.Used(), 1u) << "its slot is taken on every master";
  ASSERT_EQ(b.events.published().size(), 1u);
  EXPECT_EQ(b.events.published()[0].first, "instance.started");
  EXPECT_NE(b.events.published()[0].second.find("\"id\":\"i-1\""), std::string::npos);

  // Stopped through b (as DELETE /api/instances/i-1 there does): a follows.
  std::optional<Instance> stopped = b.fleet->MarkStopped(started.number, 4000);
  ASSERT_TRUE(stopped.has_value());
  b.journal->Ended({*stopped}, "deleted");
  b.kv.WaitIdle();
  a.kv.Sync();
  EXPECT_TRUE(a.Listed().empty());
  EXPECT_EQ(a.Listed("stopped"), std::vector<std::string>{"i-1"});
  EXPECT_EQ(a.Used(), 0u);
  auto on_a = a.events.published();
  ASSERT_FALSE(on_a.empty());
  EXPECT_EQ(on_a.back().first, "instance.stopped");
  EXPECT_NE(on_a.back().second.find("\"reason\":\"deleted\""), std::string::npos) << on_a.back().second;

  // b's retention erases it: a forgets it too, without another event.
  std::size_t events_before = a.events.published().size();
  b.journal->Dropped({*stopped});
  b.kv.WaitIdle();
  a.kv.Sync();
  EXPECT_TRUE(a.Listed("stopped").empty());
  EXPECT_EQ(a.events.published().size(), events_before);
}

TEST(GameInstancesCluster, AMasterStartingLaterReadsTheInstancesAndDrawsNewIds) {
  FakeClusterDatabase database;
  Master a(database, "a");
  a.Start("agent-1");
  Master b(database, "b");  // its Load finds i-1
  EXPECT_EQ(b.Listed(), std::vector<std::string>{"i-1"});
  EXPECT_EQ(b.Start("agent-2").id(), "i-2");
}

TEST(GameInstancesCluster, WithoutTheDatabaseNoIdIsDrawnAndTheBookStaysAsItWas) {
  FakeClusterDatabase database;
  Master a(database, "a");
  std::optional<Fleet::Reservation> reservation = a.fleet->Reserve("eu", Placement::kPacked, {}, 2000);
  ASSERT_TRUE(reservation.has_value());
  database.SetReachable(false);
  AgentInstance started;
  started.id = "agent-1";
  started.port = 7777;
  EXPECT_THROW(a.fleet->Confirm(*reservation, started, "allocation", 2000), sr::KvStoreError);
  EXPECT_TRUE(a.Listed().empty());
  // What the allocator then does: the slot is given back, and nothing else is held.
  a.fleet->Abandon(*reservation, /*agent_failed=*/false, 2000);
  EXPECT_EQ(a.fleet->Regions(3000).at(0).free, 4u);
  database.SetReachable(true);
  EXPECT_EQ(a.Start("agent-1").id(), "i-1");
}

std::int64_t Now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// An instance started on an agent behind the masters' backs is adopted once, by the master
// holding the lease, under one id; the other learns of it through the database.
TEST(GameInstancesCluster, OnlyTheLeaseHolderPollsAndAdopts) {
  FakeClusterDatabase database;
  Master a(database, "a");
  Master b(database, "b");
  sr::game_instances::testing::FakeAgent agent("us", 4);
  std::string adopted = agent.StartLocally();
  AgentClientOptions client_options;
  client_options.targets = sr::spawner_registry::SpawnTargetPolicy(
      *sr::net::CidrSet::Parse({"127.0.0.0/8"}, nullptr), {});
  AgentClient client(client_options);
  std::vector<std::unique_ptr<Reconciler>> reconcilers;
  for (Master* master : {&a, &b}) {
    SpawnerView view;
    view.id = 8;
    view.region = "us";
    view.host = "127.0.0.1";
    view.port = agent.port();
    view.max_instances = 4;
    view.status = "active";
    view.revision = 1;
    master->fleet->Upsert(view, Now());
    ReconcilerOptions options{/*interval_ms=*/20, 4, 0, {}};
    options.leads = [master] { return master->store.Lead("game-instances-reconcile"); };
    reconcilers.push_back(
        std::make_unique<Reconciler>(*master->fleet, client, *master->journal, options, Now));
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (reconcilers[0]->polls_completed() + reconcilers[1]->polls_completed() < 5 &&
         std::chrono::steady_clock::now() < deadline) {
    for (auto& reconciler : reconcilers) reconciler->Tick();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  a.kv.WaitIdle();
  b.kv.WaitIdle();
  a.kv.Sync();
  b.kv.Sync();
  EXPECT_TRUE((reconcilers[0]->polls_completed() == 0) != (reconcilers[1]->polls_completed() == 0))
      << "exactly one master polls";
  Fleet::Filter filter;
  filter.region = "us";
  for (Master* master : {&a, &b}) {
    std::vector<Instance> listed = master->fleet->List(filter);
    ASSERT_EQ(listed.size(), 1u) << "adopted once, seen by both";
    EXPECT_EQ(listed[0].agent_instance_id, adopted);
    EXPECT_EQ(listed[0].source, "adopted");
  }
  EXPECT_EQ(a.fleet->List(filter)[0].number, b.fleet->List(filter)[0].number);
}

}  // namespace
}  // namespace sr::game_instances
