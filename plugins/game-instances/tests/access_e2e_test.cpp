// Who may allocate, stop and read instances (guards of the auth plugin, narrowed by the
// handlers): operators allocate and stop; reads need an operator key or a session; a
// spawner's own token reads only its spawner's instances; the shared spawner key reads none.
#include "e2e_support.h"

namespace sr::game_instances::testing {
namespace {

using sr::test::Fetch;
using sr::test::HttpResponse;
using sr::test::TestHost;

TEST(AccessE2E, OperatorsAllocateAndSpawnerTokensReadOnlyTheirOwn) {
  TestHost host(InstancesYaml({"      reconcile_interval: 1h\n", false, true}), InstancesEnv());
  ASSERT_TRUE(host.Start());
  FakeAgent a("eu", 3);
  FakeAgent b("eu", 3);
  Registered ra = RegisterAgent(host.port(), a, Key(kSpawnerKey));
  Registered rb = RegisterAgent(host.port(), b, Key(kSpawnerKey));
  ASSERT_TRUE(WaitForFree(host.port(), "eu", 6, Key(kOperatorKey)));

  EXPECT_EQ(Allocate(host.port(), R"({"region":"eu"})").status, 401);
  EXPECT_EQ(Allocate(host.port(), R"({"region":"eu"})", Key(kSpawnerKey)).status, 403);
  EXPECT_EQ(Allocate(host.port(), R"({"region":"eu"})", Key(ra.token)).status, 403);
  HttpResponse on_a = Allocate(host.port(), R"({"region":"eu"})", Key(kOperatorKey));
  ASSERT_EQ(on_a.status, 201) << on_a.body;
  std::string id = Parse(on_a.body)["instance"]["id"].GetString();
  std::uint64_t owner = Parse(on_a.body)["instance"]["spawner_id"].GetUint64();
  const Registered& mine = owner == ra.id ? ra : rb;
  const Registered& theirs = owner == ra.id ? rb : ra;

  EXPECT_EQ(Fetch(host.port(), "GET", "/api/instances").status, 401);
  EXPECT_EQ(Fetch(host.port(), "GET", "/api/instances", "", Key(kSpawnerKey)).status, 403);
  EXPECT_EQ(ListInstances(host.port(), "/api/instances", Key(kOperatorKey)).Size(), 1u);
  EXPECT_EQ(ListInstances(host.port(), "/api/instances", Key(mine.token)).Size(), 1u);
  EXPECT_EQ(ListInstances(host.port(), "/api/instances", Key(theirs.token)).Size(), 0u);
  EXPECT_EQ(Fetch(host.port(), "GET", "/api/instances/" + id, "", Key(mine.token)).status, 200);
  EXPECT_EQ(Fetch(host.port(), "GET", "/api/instances/" + id, "", Key(theirs.token)).status, 403);
  EXPECT_EQ(Fetch(host.port(), "GET", "/api/instances?spawner_id=" + std::to_string(mine.id), "",
                  Key(theirs.token))
                .status,
            403);
  EXPECT_EQ(Fetch(host.port(), "GET", "/api/regions", "", Key(kSpawnerKey)).status, 403);
  EXPECT_EQ(Fetch(host.port(), "DELETE", "/api/instances/" + id, "", Key(mine.token)).status, 403);
  EXPECT_EQ(Fetch(host.port(), "DELETE", "/api/instances/" + id, "", Key(kOperatorKey)).status,
            200);
}

}  // namespace
}  // namespace sr::game_instances::testing
