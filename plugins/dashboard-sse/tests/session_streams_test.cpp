// dashboard-sse in the SDK's fake host: an /events stream follows the session it was opened
// under (the session guard is stand_in_auth.h's).
#include <gtest/gtest.h>

#include <sr/plugin.hpp>
#include <sr/testing/fake_host.hpp>

#include <string>

#include "session_streams.h"
#include "stand_in_auth.h"

extern "C" const sr_plugin_descriptor* sr_plugin_entry_v1(void);  // dashboard-sse

namespace {

using sr::dashboard::testing::StandInAuth;
using sr::testing::FakeHost;
using sr::testing::FakeResponse;

std::string Ended(const std::string& sid, const std::string& reason) {
  return "{\"session\":\"" + sid + "\",\"user\":\"ann@example.com\",\"reason\":\"" + reason + "\"}";
}

class SessionStreamsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    host_.SetDataDir(::testing::TempDir() + "/dashboard-sse-session-streams");
    ASSERT_TRUE(host_.Load(sr::detail::DescriptorFor<StandInAuth>(), "{}").ok());
    ASSERT_TRUE(
        host_.Load(sr_plugin_entry_v1(), "{\"web_root\": \"" + ::testing::TempDir() + "\"}").ok());
    ASSERT_TRUE(host_.Start().ok());
  }

  FakeResponse Open(const std::string& sid) {
    return host_.Call("GET", "/events", "", {{"X-Test-Session", sid}});
  }

  FakeHost host_;
};

TEST_F(SessionStreamsTest, SessionEndClosesItsStreamsOnly) {
  FakeResponse first = Open("aaaa");
  FakeResponse second = Open("aaaa");
  FakeResponse other = Open("bbbb");
  ASSERT_EQ(first.status, 200);
  ASSERT_NE(first.stream, nullptr);
  ASSERT_NE(second.stream, nullptr);
  ASSERT_NE(other.stream, nullptr);
  EXPECT_EQ(first.stream->Events().at(0).event, "hello");

  host_.Deliver("auth.session_ended", Ended("aaaa", "logout"));
  EXPECT_TRUE(first.stream->closed_by_plugin());
  EXPECT_TRUE(second.stream->closed_by_plugin());
  EXPECT_FALSE(other.stream->closed_by_plugin());
  EXPECT_TRUE(other.stream->connected());

  host_.Deliver("auth.session_ended", Ended("bbbb", "role_changed"));
  EXPECT_TRUE(other.stream->closed_by_plugin());
}

TEST_F(SessionStreamsTest, MalformedOrUnknownEventsCloseNothing) {
  FakeResponse open = Open("cccc");
  ASSERT_NE(open.stream, nullptr);
  for (const char* payload : {"", "garbage", "[]", "{\"session\":42}", "{\"session\":\"\"}",
                              "{\"user\":\"ann@example.com\"}"}) {
    host_.Deliver("auth.session_ended", payload);
  }
  host_.Deliver("auth.session_ended", Ended("dddd", "expired"));
  EXPECT_FALSE(open.stream->closed_by_plugin());
  EXPECT_TRUE(open.stream->connected());
}

TEST_F(SessionStreamsTest, StreamOpenedAfterItsSessionEndedIsClosedAtOnce) {
  // The end overtook a request that had already passed the guard.
  host_.Deliver("auth.session_ended", Ended("eeee", "disabled"));
  FakeResponse late = Open("eeee");
  ASSERT_NE(late.stream, nullptr);
  EXPECT_TRUE(late.stream->closed_by_plugin());
}

TEST_F(SessionStreamsTest, LeftClientsArePrunedWithAnInvisibleProbe) {
  FakeResponse gone = Open("ffff");
  FakeResponse stays = Open("ffff");
  ASSERT_NE(gone.stream, nullptr);
  ASSERT_NE(stays.stream, nullptr);
  gone.stream->Disconnect();
  host_.RunDueTasks(std::chrono::seconds(30));
  // The probe is an event with neither name nor data: an EventSource never dispatches it.
  bool probed = false;
  for (const auto& event : stays.stream->Events()) {
    if (event.event.empty() && event.data.empty()) probed = true;
  }
  EXPECT_TRUE(probed);
  // The pruned handle is gone; ending the session still closes the one that stayed.
  host_.Deliver("auth.session_ended", Ended("ffff", "password_changed"));
  EXPECT_TRUE(stays.stream->closed_by_plugin());
  EXPECT_FALSE(gone.stream->closed_by_plugin());
}

// SessionStreams on its own: what it keeps, prunes and forgets.
sr::dashboard::SessionStreams* keeper_streams = nullptr;

class Keeper final : public sr::Plugin {
 public:
  static sr::PluginInfo Info() { return {"keeper", "1.0.0", "keeps streams by session"}; }
  void Init(sr::Host& host) override {
    group_ = host.CreateStreamGroup("keeper");
    host.Route("GET", "/keep", "public", [this](sr::Request& request, sr::Response& response) {
      std::string sid(request.Header("X-Test-Session").value_or(""));
      keeper_streams->Add(sid, group_.Open(request, response));
    });
  }

 private:
  sr::StreamGroup group_;
};

TEST(SessionStreams, KeepsPrunesAndForgets) {
  sr::dashboard::SessionStreams streams;
  keeper_streams = &streams;
  FakeHost host;
  ASSERT_TRUE(host.Load(sr::detail::DescriptorFor<Keeper>(), "{}").ok());
  ASSERT_TRUE(host.Start().ok());
  std::vector<FakeResponse> opened;
  for (const char* sid : {"s1", "s1", "s1", "s2"}) {
    opened.push_back(host.Call("GET", "/keep", "", {{"X-Test-Session", sid}}));
    ASSERT_NE(opened.back().stream, nullptr);
  }
  EXPECT_EQ(streams.size(), 4u);
  opened[0].stream->Disconnect();
  opened[1].stream->Disconnect();
  EXPECT_EQ(streams.Prune(), 2u);
  EXPECT_EQ(streams.size(), 2u);
  EXPECT_EQ(streams.Prune(), 0u);
  EXPECT_EQ(streams.EndSession("s1"), 1u);
  EXPECT_TRUE(opened[2].stream->closed_by_plugin());
  EXPECT_EQ(streams.size(), 1u);
  EXPECT_EQ(streams.EndSession("s1"), 0u);
  opened[3].stream->Disconnect();
  EXPECT_EQ(streams.EndSession("s2"), 0u);  // already gone: nothing to close, still forgotten
  EXPECT_EQ(streams.size(), 0u);
  keeper_streams = nullptr;
}

TEST(DashboardSettings, ReplayBytesIsReadAndBounded) {
  const std::string web_root = "\"web_root\": \"" + ::testing::TempDir() + "\"";
  {
    FakeHost host;
    EXPECT_TRUE(
        host.Load(sr_plugin_entry_v1(), "{" + web_root + ", \"replay_bytes\": \"2MiB\"}").ok());
  }
  {
    FakeHost host;
    auto refused =
        host.Load(sr_plugin_entry_v1(), "{" + web_root + ", \"replay_bytes\": \"1KiB\"}");
    EXPECT_FALSE(refused.ok());
    EXPECT_NE(refused.error.find("replay_bytes"), std::string::npos) << refused.error;
  }
}

}  // namespace
