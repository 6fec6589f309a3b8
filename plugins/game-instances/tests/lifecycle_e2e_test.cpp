// An instance's life after its allocation: reconciliation with the agents, adoption, DELETE,
// the spawn proxy, and a master restart in the middle.
#include <algorithm>
#include <memory>
#include <thread>
#include <vector>

#include "e2e_support.h"

namespace sr::game_instances::testing {
namespace {

using sr::test::Fetch;
using sr::test::HttpResponse;
using sr::test::TestHost;

std::string IdOf(const HttpResponse& allocation) {
  return Parse(allocation.body)["instance"]["id"].GetString();
}
std::string AgentIdOf(const HttpResponse& allocation) {
  return Parse(allocation.body)["instance"]["agent_instance_id"].GetString();
}
std::string StatusOf(std::uint16_t port, const std::string& id) {
  HttpResponse response = Fetch(port, "GET", "/api/instances/" + id);
  if (response.status != 200) return "http " + std::to_string(response.status);
  return Parse(response.body)["status"].GetString();
}

TEST(LifecycleE2E, InstancesThatDieOnTheAgentBecomeGoneAndLeaveTheList) {
  TestHost host(InstancesYaml({"      reconcile_interval: 300ms\n"}));
  ASSERT_TRUE(host.Start());
  FakeAgent agent("eu", 5);
  RegisterAgent(host.port(), agent);
  ASSERT_TRUE(WaitForFree(host.port(), "eu", 5));
  HttpResponse first = Allocate(host.port(), R"({"region":"eu"})");
  HttpResponse second = Allocate(host.port(), R"({"region":"eu"})");
  ASSERT_EQ(first.status, 201);
  ASSERT_EQ(second.status, 201);

  agent.Kill(AgentIdOf(first));
  ASSERT_TRUE(Eventually([&] { return StatusOf(host.port(), IdOf(first)) == "gone"; },
                         std::chrono::seconds(5)));
  EXPECT_EQ(StatusOf(host.port(), IdOf(second)), "running");
  EXPECT_EQ(ListInstances(host.port(), "/api/instances").Size(), 1u);  // gone: not by default
  rapidjson::Document gone = ListInstances(host.port(), "/api/instances?status=gone");
  ASSERT_EQ(gone.Size(), 1u);
  EXPECT_EQ(std::string(gone[0]["id"].GetString()), IdOf(first));
  EXPECT_EQ(RegionFree(host.port(), "eu"), 4);  // its slot is free again
}

TEST(LifecycleE2E, InstancesTheMasterDidNotStartAreAdopted) {
  TestHost host(InstancesYaml({"      reconcile_interval: 300ms\n"}));
  ASSERT_TRUE(host.Start());
  FakeAgent agent("eu", 5);
  std::string local = agent.StartLocally();
  std::uint64_t spawner = RegisterAgent(host.port(), agent).id;
  ASSERT_TRUE(Eventually([&] { return ListInstances(host.port(), "/api/instances").Size() == 1; },
                         std::chrono::seconds(5)));
  rapidjson::Document list = ListInstances(host.port(), "/api/instances?region=eu");
  ASSERT_EQ(list.Size(), 1u);
  EXPECT_EQ(std::string(list[0]["agent_instance_id"].GetString()), local);
  EXPECT_EQ(std::string(list[0]["source"].GetString()), "adopted");
  EXPECT_EQ(list[0]["spawner_id"].GetUint64(), spawner);
  EXPECT_EQ(RegionFree(host.port(), "eu"), 4);
}

TEST(LifecycleE2E, PollsOfEveryAgentRunWithBoundedConcurrency) {
  TestHost host(
      InstancesYaml({"      reconcile_interval: 200ms\n      reconcile_concurrency: 3\n"}));
  ASSERT_TRUE(host.Start());
  FakeAgent::Gauge gauge;
  std::vector<std::unique_ptr<FakeAgent>> agents;
  for (int i = 0; i < 12; ++i) {
    agents.push_back(std::make_unique<FakeAgent>("eu", 2, /*delay_ms=*/150));
    agents.back()->set_list_gauge(&gauge);
    RegisterAgent(host.port(), *agents.back());
  }
  // 12 agents answering in 150 ms, 3 at a time: a round takes at least 600 ms, longer than
  // the interval, and still every agent gets its turn.
  ASSERT_TRUE(Eventually(
      [&] {
        return std::all_of(agents.begin(), agents.end(),
                           [](const auto& agent) { return agent->list_requests() >= 2; });
      },
      std::chrono::seconds(10)));
  EXPECT_LE(gauge.peak.load(), 3);
  EXPECT_GE(gauge.peak.load(), 2);
  host.Stop();
  agents.clear();
}

TEST(LifecycleE2E, AHeartbeatThatDisagreesTriggersAPollAtOnce) {
  // The regular poll is an hour away: only the heartbeat can explain a quick adoption.
  TestHost host(InstancesYaml({"      reconcile_interval: 1h\n"}));
  ASSERT_TRUE(host.Start());
  FakeAgent agent("eu", 5);
  std::uint64_t spawner = RegisterAgent(host.port(), agent).id;
  ASSERT_TRUE(WaitForFree(host.port(), "eu", 5));
  int polls_before = agent.list_requests();
  agent.StartLocally();
  ASSERT_EQ(Heartbeat(host.port(), spawner, 1, 5).status, 200);
  ASSERT_TRUE(Eventually([&] { return ListInstances(host.port(), "/api/instances").Size() == 1; },
                         std::chrono::seconds(5)));
  EXPECT_GT(agent.list_requests(), polls_before);
}

TEST(LifecycleE2E, DeleteStopsTheInstanceOnItsAgent) {
  TestHost host(InstancesYaml({"      agent_timeout: 300ms\n      reconcile_interval: 1h\n"}));
  ASSERT_TRUE(host.Start());
  auto agent = std::make_unique<FakeAgent>("eu", 5);
  RegisterAgent(host.port(), *agent);
  ASSERT_TRUE(WaitForFree(host.port(), "eu", 5));
  HttpResponse a = Allocate(host.port(), R"({"region":"eu"})");
  HttpResponse b = Allocate(host.port(), R"({"region":"eu"})");
  HttpResponse c = Allocate(host.port(), R"({"region":"eu"})");
  ASSERT_EQ(c.status, 201);

  HttpResponse deleted = Fetch(host.port(), "DELETE", "/api/instances/" + IdOf(a));
  EXPECT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(std::string(Parse(deleted.body)["instance"]["status"].GetString()), "stopped");
  EXPECT_EQ(agent->deleted(), std::vector<std::string>{AgentIdOf(a)});
  EXPECT_EQ(StatusOf(host.port(), IdOf(a)), "stopped");
  EXPECT_EQ(Fetch(host.port(), "DELETE", "/api/instances/" + IdOf(a)).status, 409);
  EXPECT_EQ(Fetch(host.port(), "DELETE", "/api/instances/i-999").status, 404);

  agent->set_refuse_delete(true);
  HttpResponse refused = Fetch(host.port(), "DELETE", "/api/instances/" + IdOf(b));
  EXPECT_EQ(refused.status, 502);
  EXPECT_NE(refused.body.find("cannot stop it now"), std::string::npos) << refused.body;
  EXPECT_EQ(StatusOf(host.port(), IdOf(b)), "running");

  agent->set_mode(FakeAgent::Mode::kSilent);
  agent->set_refuse_delete(false);
  EXPECT_EQ(Fetch(host.port(), "DELETE", "/api/instances/" + IdOf(b)).status, 504);

  agent.reset();  // nothing listens there any more
  HttpResponse unreachable = Fetch(host.port(), "DELETE", "/api/instances/" + IdOf(c));
  EXPECT_EQ(unreachable.status, 502) << unreachable.body;
  EXPECT_EQ(StatusOf(host.port(), IdOf(c)), "running");
}

TEST(LifecycleE2E, TheSpawnProxyRecordsTheInstanceItStarted) {
  TestHost host(InstancesYaml({"      reconcile_interval: 1h\n"}));
  ASSERT_TRUE(host.Start());
  FakeAgent agent("eu", 5);
  std::uint64_t spawner = RegisterAgent(host.port(), agent).id;
  ASSERT_TRUE(WaitForFree(host.port(), "eu", 5));
  HttpResponse spawned =
      Fetch(host.port(), "POST", "/api/spawners/" + std::to_string(spawner) + "/spawn", "{}",
            {{"Content-Type", "application/json"}});
  ASSERT_EQ(spawned.status, 200) << spawned.body;
  std::string agent_id = Parse(spawned.body)["id"].GetString();
  ASSERT_TRUE(Eventually([&] { return ListInstances(host.port(), "/api/instances").Size() == 1; },
                         std::chrono::seconds(5)));
  rapidjson::Document list = ListInstances(host.port(), "/api/instances");
  EXPECT_EQ(std::string(list[0]["agent_instance_id"].GetString()), agent_id);
  EXPECT_EQ(std::string(list[0]["source"].GetString()), "spawn");
  EXPECT_EQ(RegionFree(host.port(), "eu"), 4);
}

TEST(LifecycleE2E, AMasterRestartKeepsEveryInstanceAndNeverReusesAnId) {
  auto dir = std::make_shared<sr::test::TempDir>();
  HostOptions options{"      reconcile_interval: 300ms\n", /*store=*/true, /*auth=*/false};
  FakeAgent agent("eu", 10);
  std::vector<std::string> ids;
  {
    TestHost host(InstancesYaml(options), {}, dir);
    ASSERT_TRUE(host.Start());
    RegisterAgent(host.port(), agent);
    ASSERT_TRUE(WaitForFree(host.port(), "eu", 10));
    for (int i = 0; i < 3; ++i) {
      HttpResponse response = Allocate(host.port(), R"({"region":"eu"})");
      ASSERT_EQ(response.status, 201);
      ids.push_back(IdOf(response));
    }
    host.Kill();  // a crash: every 201 was committed before it was sent
  }
  // While the master is down, one instance dies and one is started on the agent.
  agent.Kill(agent.Running().front());
  std::string local = agent.StartLocally();

  TestHost host(InstancesYaml(options), {}, dir);
  ASSERT_TRUE(host.Start());
  // Every instance is back (the first poll may already have found the dead one gone).
  for (const std::string& id : ids) {
    EXPECT_EQ(Fetch(host.port(), "GET", "/api/instances/" + id).status, 200) << id;
  }
  // Then the poll: the dead one is gone, the local one adopted.
  ASSERT_TRUE(Eventually(
      [&] {
        return ListInstances(host.port(), "/api/instances?status=gone").Size() == 1 &&
               ListInstances(host.port(), "/api/instances").Size() == 3;
      },
      std::chrono::seconds(5)));
  HttpResponse next = Allocate(host.port(), R"({"region":"eu"})");
  ASSERT_EQ(next.status, 201);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), IdOf(next)), 0);
  rapidjson::Document adopted = ListInstances(host.port(), "/api/instances");
  bool found = false;
  for (const auto& instance : adopted.GetArray()) {
    found = found || instance["agent_instance_id"].GetString() == local;
  }
  EXPECT_TRUE(found);
}

TEST(LifecycleE2E, AnAllocationCutShortByACrashIsAdoptedAfterTheRestart) {
  auto dir = std::make_shared<sr::test::TempDir>();
  HostOptions options{"      reconcile_interval: 300ms\n", /*store=*/true, /*auth=*/false};
  FakeAgent slow("eu", 4, /*delay_ms=*/600);  // starts the instance after 600 ms
  {
    TestHost host(InstancesYaml(options), {}, dir);
    ASSERT_TRUE(host.Start());
    RegisterAgent(host.port(), slow);
    ASSERT_TRUE(WaitForFree(host.port(), "eu", 4));
    std::thread allocation([port = host.port()] {
      try {
        Allocate(port, R"({"region":"eu"})");
      } catch (const std::exception&) {  // the master dies under it
      }
    });
    ASSERT_TRUE(Eventually([&] { return RegionFree(host.port(), "eu") == 3; },
                           std::chrono::seconds(5)));  // reserved
    // The reservation precedes the call: kill only once the agent is working on it.
    ASSERT_TRUE(Eventually([&] { return slow.spawns_received() == 1; }, std::chrono::seconds(5)));
    host.Kill();
    allocation.join();
  }
  ASSERT_TRUE(Eventually([&] { return slow.Running().size() == 1; }, std::chrono::seconds(5)));
  TestHost host(InstancesYaml(options), {}, dir);
  ASSERT_TRUE(host.Start());
  ASSERT_TRUE(Eventually([&] { return ListInstances(host.port(), "/api/instances").Size() == 1; },
                         std::chrono::seconds(5)));
  rapidjson::Document list = ListInstances(host.port(), "/api/instances");
  EXPECT_EQ(std::string(list[0]["agent_instance_id"].GetString()), slow.Running().front());
  EXPECT_EQ(std::string(list[0]["source"].GetString()), "adopted");
  EXPECT_EQ(RegionFree(host.port(), "eu"), 3);
}

}  // namespace
}  // namespace sr::game_instances::testing
