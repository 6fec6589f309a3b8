// kill -9 of one master under load: every registration and deletion it acknowledged is in
// the database already, so the surviving master and a master started afterwards agree.
#include <gtest/gtest.h>

#include <iostream>

#include "cluster.h"
#include "fleet_api.h"
#include "fleet_traffic.h"

namespace sr::test::cluster {
namespace {

using namespace std::chrono_literals;

// Which acknowledged facts a master contradicts: an acknowledged spawner it does not list, or
// an acknowledged deletion it still lists ("" when none).
std::string Contradictions(const TrafficRecord& record, const std::set<std::uint64_t>& listed) {
  std::string out;
  std::size_t missing = 0;
  std::size_t resurrected = 0;
  for (std::uint64_t id : record.MustExist()) {
    if (listed.count(id) == 0 && ++missing <= 5) out.append(" missing ").append(std::to_string(id));
  }
  for (std::uint64_t id : record.deleted) {
    if (listed.count(id) != 0 && ++resurrected <= 5) {
      out.append(" deleted-but-listed ").append(std::to_string(id));
    }
  }
  if (missing + resurrected == 0) return "";
  return std::to_string(missing)
      .append(" acknowledged spawner(s) missing, ")
      .append(std::to_string(resurrected))
      .append(" acknowledged deletion(s) undone:")
      .append(out);
}

// Spawners listed that nobody was told exist: only registrations left without an answer may
// have been committed.
std::size_t Unexplained(const TrafficRecord& record, const std::set<std::uint64_t>& listed) {
  std::size_t extra = 0;
  for (std::uint64_t id : listed) {
    if (record.registered.count(id) == 0) ++extra;
  }
  return extra > record.registrations_unacknowledged ? extra - record.registrations_unacknowledged
                                                     : 0;
}

TEST_F(ClusterTest, KillNineOfOneMasterUnderLoadLosesNothingAcknowledged) {
  ASSERT_TRUE(StartMasters(2));
  FleetTraffic traffic({master(0).port(), master(1).port()}, 2);
  ASSERT_TRUE(Eventually([&] { return traffic.acknowledged() >= 200; }, 20s))
      << "the traffic does not get going";
  master(0).Kill();
  // The survivor keeps serving: its threads carry on while the dead master's are refused.
  std::uint64_t at_kill = traffic.acknowledged();
  EXPECT_TRUE(Eventually([&] { return traffic.acknowledged() >= at_kill + 100; }, 10s))
      << "the surviving master stopped acknowledging registrations";
  TrafficRecord record = traffic.Stop();
  SCOPED_TRACE(record.Summary());
  std::cout << record.Summary() << "\n";
  EXPECT_EQ(record.heartbeat_statuses.count(500), 0u);

  // The survivor: everything acknowledged on either master, once its watch has caught up.
  std::set<std::uint64_t> on_survivor;
  EXPECT_TRUE(Eventually(
      [&] {
        on_survivor = ListedIds(master(1).port()).value_or(std::set<std::uint64_t>{});
        return Contradictions(record, on_survivor).empty();
      },
      3s))
      << Contradictions(record, on_survivor);
  EXPECT_EQ(Unexplained(record, on_survivor), 0u);

  // A master started afterwards reads the same from the database alone.
  TestHost* late = StartMaster();
  ASSERT_NE(late, nullptr);
  auto on_late = ListedIds(late->port());
  ASSERT_TRUE(on_late.has_value());
  EXPECT_EQ(Contradictions(record, *on_late), "");
  EXPECT_EQ(*on_late, on_survivor);
}

}  // namespace
}  // namespace sr::test::cluster
