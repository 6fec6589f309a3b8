// dashboard-sse in the SDK's fake host: the game-instances plugin's events reach the
// dashboard stream as `instances` and `allocation_failed`, and are counted into the stats.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <sr/plugin.hpp>
#include <sr/testing/fake_host.hpp>
#include <string>

#include "stand_in_auth.h"

extern "C" const sr_plugin_descriptor* sr_plugin_entry_v1(void);  // dashboard-sse

namespace {

using sr::dashboard::testing::StandInAuth;
using sr::testing::FakeHost;
using sr::testing::StreamEvent;

std::string Instance(const std::string& id, const std::string& status, const std::string& source) {
  return R"({"id":")" + id + R"(","spawner_id":4,"agent_instance_id":"a","region":"eu",)" +
         R"("host":"10.0.0.4","port":7000,"address":"10.0.0.4:7000","status":")" + status +
         R"(","started_at":"2026-12-06T12:00:00Z","source":")" + source + R"("})";
}

rapidjson::Document Last(const std::vector<StreamEvent>& events, const std::string& name) {
  rapidjson::Document document;
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    if (it->event == name) {
      document.Parse(it->data.c_str());
      return document;
    }
  }
  ADD_FAILURE() << "no " << name << " event";
  document.SetObject();
  return document;
}

class InstanceFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    host_.SetDataDir(::testing::TempDir() + "/dashboard-sse-instance-feed");
    ASSERT_TRUE(host_.Load(sr::detail::DescriptorFor<StandInAuth>(), "{}").ok());
    ASSERT_TRUE(
        host_.Load(sr_plugin_entry_v1(), "{\"web_root\": \"" + ::testing::TempDir() + "\"}").ok());
    ASSERT_TRUE(host_.Start().ok());
  }

  FakeHost host_;
};

TEST_F(InstanceFeedTest, InstanceEventsReachTheStreamOncePerFlush) {
  host_.Deliver("instance.started", Instance("i-1", "running", "allocation"));
  host_.Deliver("instance.started", Instance("i-2", "running", "adopted"));
  host_.Deliver("instance.stopped", Instance("i-2", "gone", "adopted"));
  host_.Deliver("instance.started", "not an instance");
  host_.Deliver("allocation.failed", R"({"region":"us","error":"no capacity","status":503})");
  host_.RunDueTasks(std::chrono::milliseconds(250));

  auto events = host_.Broadcasts("dashboard");
  auto instances = Last(events, "instances");
  ASSERT_EQ(instances["started"].Size(), 1u);
  EXPECT_STREQ(instances["started"][0]["id"].GetString(), "i-1");
  ASSERT_EQ(instances["stopped"].Size(), 1u);  // the last word about i-2
  EXPECT_STREQ(instances["stopped"][0]["status"].GetString(), "gone");
  auto failures = Last(events, "allocation_failed");
  ASSERT_EQ(failures["failures"].Size(), 1u);
  EXPECT_STREQ(failures["failures"][0]["region"].GetString(), "us");

  // Nothing new: no further event.
  std::size_t count = events.size();
  host_.RunDueTasks(std::chrono::milliseconds(250));
  for (std::size_t i = count; i < host_.Broadcasts("dashboard").size(); ++i) {
    EXPECT_NE(host_.Broadcasts("dashboard")[i].event, "instances");
  }
}

TEST_F(InstanceFeedTest, AllocationsAndFailuresAreCountedInTheStats) {
  host_.Deliver("instance.started", Instance("i-1", "running", "allocation"));
  host_.Deliver("instance.started", Instance("i-2", "running", "spawn"));
  host_.Deliver("instance.started", Instance("i-3", "running", "adopted"));
  host_.Deliver("allocation.failed", R"({"region":"us","error":"agent refused","status":502})");
  host_.Deliver("allocation.failed", "[]");  // not an object: neither forwarded nor counted
  host_.RunDueTasks(std::chrono::seconds(1));
  auto stats = Last(host_.Broadcasts("dashboard"), "stats");
  EXPECT_EQ(stats["total_allocations"].GetUint64(), 2u);
  EXPECT_EQ(stats["total_allocation_failures"].GetUint64(), 1u);
  EXPECT_TRUE(stats.HasMember("allocations_per_second"));
}

}  // namespace
