// The database goes away in the middle of traffic and comes back: while it is away writes are
// refused with 503 (acknowledging nothing), reads and heartbeats are answered from memory and
// /health says degraded; afterwards both masters recover by themselves and every
// acknowledged registration and deletion is there.
#include <gtest/gtest.h>

#include <iostream>
#include <algorithm>
#include <thread>
#include <vector>

#include "cluster.h"
#include "fleet_api.h"
#include "fleet_traffic.h"
#include "http_client.h"

namespace sr::test::cluster {
namespace {

using namespace std::chrono_literals;

TEST_F(ClusterTest, ADatabaseRestartInTheMiddleOfTrafficIsSurvived) {
  ASSERT_TRUE(StartMasters(2));
  const std::uint16_t a = master(0).port();
  const std::uint16_t b = master(1).port();
  std::uint64_t before = RegisterOrFail(a);
  ASSERT_NE(before, 0u);
  FleetTraffic traffic({a, b}, 2);
  ASSERT_TRUE(Eventually([&] { return traffic.acknowledged() >= 100; }, 20s));

  pg().Stop();
  for (std::uint16_t port : {a, b}) {
    std::string detail;
    EXPECT_TRUE(Eventually([&] { return HealthStatus(port, &detail) == "degraded"; }, 5s))
        << "port " << port << ": " << detail;
    EXPECT_NE(detail.find("postgres-store"), std::string::npos) << detail;
  }
  {
    // Writes are refused outright; reads and heartbeats are served from memory.
    HttpClient client(a);
    int status = 0;
    EXPECT_FALSE(Register(client, 9999, &status).has_value());
    EXPECT_EQ(status, 503);
    EXPECT_EQ(Lookup(client, before), 200);
    EXPECT_EQ(Heartbeat(client, before), 200);
    EXPECT_TRUE(ListedIds(b).has_value());
  }
  std::this_thread::sleep_for(1s);  // traffic keeps knocking at the closed door

  pg().Restart();
  // Reconnects back off to at most 5 s between attempts.
  for (std::uint16_t port : {a, b}) {
    EXPECT_TRUE(Eventually([&] { return HealthStatus(port) == "healthy"; }, 10s)) << port;
  }
  std::uint64_t recovered = traffic.acknowledged();
  EXPECT_TRUE(Eventually([&] { return traffic.acknowledged() >= recovered + 100; }, 10s))
      << "registrations do not resume";
  TrafficRecord record = traffic.Stop();
  SCOPED_TRACE(record.Summary());
  std::cout << record.Summary() << "\n";
  EXPECT_GT(record.registration_statuses[503], 0u) << "no write was refused while it was down";
  EXPECT_EQ(record.heartbeat_statuses.count(500), 0u);
  EXPECT_EQ(record.heartbeat_statuses.count(503), 0u) << "heartbeats are taken in memory";

  std::set<std::uint64_t> must_exist = record.MustExist();
  must_exist.insert(before);
  // The deletions acknowledged last (many were retried once the database was back) reach the
  // other master within a second: poll for both conditions together.
  auto still_listed = [&](const std::set<std::uint64_t>& listed) {
    std::vector<std::uint64_t> back;
    for (std::uint64_t id : record.deleted) {
      if (listed.count(id) != 0) back.push_back(id);
    }
    return back;
  };
  for (std::uint16_t port : {a, b}) {
    std::set<std::uint64_t> listed;
    EXPECT_TRUE(Eventually(
        [&] {
          listed = ListedIds(port).value_or(std::set<std::uint64_t>{});
          return std::includes(listed.begin(), listed.end(), must_exist.begin(),
                               must_exist.end()) &&
                 still_listed(listed).empty();
        },
        3s))
        << "port " << port << " lists " << listed.size() << ", " << must_exist.size()
        << " acknowledged, " << still_listed(listed).size() << " acknowledged deletion(s) "
        << "still listed (the first: "
        << (still_listed(listed).empty() ? 0 : still_listed(listed).front()) << ")";
  }
  // What the database itself holds, through a master that starts now.
  TestHost* late = StartMaster();
  ASSERT_NE(late, nullptr);
  auto from_database = ListedIds(late->port());
  ASSERT_TRUE(from_database.has_value());
  EXPECT_TRUE(std::includes(from_database->begin(), from_database->end(), must_exist.begin(),
                            must_exist.end()));
  for (std::uint64_t id : record.deleted) EXPECT_EQ(from_database->count(id), 0u) << id;
}

}  // namespace
}  // namespace sr::test::cluster
