// The dashboard's event stream follows the session it was opened under: every way a session
// ends or loses its rights closes the stream within a second, and the browser's reconnect is
// decided by the guard again. Runs auth and dashboard-sse together through the real binary.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "auth_e2e_support.h"
#include "sse_client.h"

namespace sr::auth::e2e {
namespace {

using namespace std::chrono_literals;
using sr::test::Fetch;
using sr::test::SseClient;
using sr::test::TestHost;

constexpr char kViewerPassword[] = "viewer password 0123";

std::string DashboardYaml(const std::string& auth_config = "") {
  return AuthYaml(auth_config,
                  "  - id: dashboard-sse\n"
                  "    config:\n"
                  "      web_root: {{SOURCE_DIR}}/web\n"
                  "      stats_interval: 200ms\n"
                  "      assets_reload_interval: 0\n");
}

class AuthStreamsE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PluginBuilt("dashboard-sse")) {
      GTEST_SKIP() << "dashboard-sse is not built";
    }
    ASSERT_TRUE(host_.Start()) << host_.Output();
    admin_ = SignIn(port(), kAdminEmail, kAdminPassword);
    viewer_id_ = CreateUser(port(), admin_, "viewer@example.com", kViewerPassword, "viewer");
    ASSERT_NE(viewer_id_, 0u);
  }
  void TearDown() override {
    if (host_.Running()) {
      EXPECT_EQ(host_.Stop(), 0) << host_.Output();
    }
  }
  std::uint16_t port() const { return host_.port(); }

  // Opens /events as `session` and checks that the stream is live (a stats event arrives).
  std::unique_ptr<SseClient> OpenStream(const BrowserSession& session) {
    auto stream = std::make_unique<SseClient>(port());
    auto head = stream->Open("/events", "", {{"Cookie", "sr_session=" + session.cookie}});
    EXPECT_EQ(head.status, 200) << head.body;
    EXPECT_FALSE(stream->Read(2s, 1).empty()) << "no event on a fresh stream";
    return stream;
  }

  // True once the server ends `stream` within `limit`.
  static bool EndsWithin(SseClient& stream, std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      stream.Read(100ms);
      if (stream.ended()) return true;
    }
    return false;
  }

  // `act` is done while a viewer's stream is open: the stream ends within 1 s (plus the
  // event delivery's slack), and one of the admin's keeps flowing.
  void ExpectViewerStreamEnds(const std::function<void()>& act) {
    BrowserSession viewer = SignIn(port(), "viewer@example.com", kViewerPassword);
    auto viewer_stream = OpenStream(viewer);
    auto admin_stream = OpenStream(admin_);
    act();
    EXPECT_TRUE(EndsWithin(*viewer_stream, 1500ms)) << "the viewer's stream stayed open";
    EXPECT_FALSE(admin_stream->ended());
    EXPECT_FALSE(admin_stream->Read(1s, 1).empty()) << "the admin's stream stopped too";
  }

  std::string UserPath() const { return "/api/users/" + std::to_string(viewer_id_); }

  TestHost host_{DashboardYaml(), StandardEnv()};
  BrowserSession admin_;
  std::uint64_t viewer_id_ = 0;
};

TEST_F(AuthStreamsE2e, LogoutEndsTheStreamAndTheReconnectIsRefused) {
  BrowserSession viewer = SignIn(port(), "viewer@example.com", kViewerPassword);
  auto stream = OpenStream(viewer);
  auto logout = Fetch(port(), "POST", "/logout", "", SessionHeaders(viewer, true));
  EXPECT_EQ(logout.status, 200) << logout.body;
  EXPECT_TRUE(EndsWithin(*stream, 1500ms));
  SseClient again(port());
  auto head = again.Open("/events", "", {{"Cookie", "sr_session=" + viewer.cookie}});
  EXPECT_EQ(head.status, 401);
}

TEST_F(AuthStreamsE2e, DisablingTheUserEndsItsStream) {
  ExpectViewerStreamEnds([&] {
    auto response =
        Fetch(port(), "PATCH", UserPath(), R"({"disabled":true})", SessionHeaders(admin_, true));
    EXPECT_EQ(response.status, 200) << response.body;
  });
}

TEST_F(AuthStreamsE2e, ARoleChangeEndsTheStreamAndTheReconnectSucceeds) {
  BrowserSession viewer = SignIn(port(), "viewer@example.com", kViewerPassword);
  auto stream = OpenStream(viewer);
  auto response =
      Fetch(port(), "PATCH", UserPath(), R"({"role":"operator"})", SessionHeaders(admin_, true));
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_TRUE(EndsWithin(*stream, 1500ms));
  // The session lives on with its new role: the browser's reconnect is let in.
  OpenStream(viewer);
}

TEST_F(AuthStreamsE2e, AnAdminPasswordResetEndsTheStream) {
  ExpectViewerStreamEnds([&] {
    auto response = Fetch(port(), "POST", UserPath() + "/password",
                          R"({"password":"another password 0123"})", SessionHeaders(admin_, true));
    EXPECT_EQ(response.status, 200) << response.body;
  });
}

TEST_F(AuthStreamsE2e, DeletingTheUserEndsItsStream) {
  ExpectViewerStreamEnds([&] {
    auto response = Fetch(port(), "DELETE", UserPath(), "", SessionHeaders(admin_, true));
    EXPECT_EQ(response.status, 200) << response.body;
  });
}

TEST_F(AuthStreamsE2e, ChangingOwnPasswordEndsTheOldSessionsStream) {
  BrowserSession viewer = SignIn(port(), "viewer@example.com", kViewerPassword);
  auto stream = OpenStream(viewer);
  auto response = Fetch(port(), "POST", "/api/me/password",
                        std::string(R"({"current_password":")") + kViewerPassword +
                            R"(","new_password":"a new password 0123"})",
                        SessionHeaders(viewer, true));
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_TRUE(EndsWithin(*stream, 1500ms));
}

TEST(AuthStreamsExpiryE2e, AnIdleSessionThatExpiresEndsItsStream) {
  if (!PluginBuilt("dashboard-sse")) {
    GTEST_SKIP() << "dashboard-sse is not built";
  }
  // A stream alone does not keep a session alive: after the idle timeout it must end.
  TestHost host(DashboardYaml("      session_idle_timeout: 2s\n"), StandardEnv());
  ASSERT_TRUE(host.Start()) << host.Output();
  BrowserSession admin = SignIn(host.port(), kAdminEmail, kAdminPassword);
  SseClient stream(host.port());
  auto head = stream.Open("/events", "", {{"Cookie", "sr_session=" + admin.cookie}});
  ASSERT_EQ(head.status, 200) << head.body;
  auto deadline = std::chrono::steady_clock::now() + 4s;
  while (!stream.ended() && std::chrono::steady_clock::now() < deadline) stream.Read(100ms);
  EXPECT_TRUE(stream.ended()) << "the stream outlived its session";
  EXPECT_EQ(host.Stop(), 0) << host.Output();
}

}  // namespace
}  // namespace sr::auth::e2e
