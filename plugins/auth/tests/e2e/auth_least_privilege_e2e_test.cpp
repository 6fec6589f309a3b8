// Issue 10 through the real executable, seen from another plugin (the auth-test-probe
// fixture): key roles and names, key networks, Bearer, per-spawner tokens, login throttling
// that locks no one out, and auth.session_ended for every way a session ends.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "auth_e2e_support.h"

namespace sr::auth::e2e {
namespace {

using namespace std::chrono_literals;
using sr::test::Fetch;
using sr::test::FetchFrom;
using sr::test::HttpResponse;
using sr::test::TestHost;

constexpr char kLanKey[] = "e2e-lan-key-0123456789abcdefgh";
constexpr char kProbeToken[] = "srt_7_probe-secret-token";

std::string LanKeyYaml() {
  return std::string("        - {name: lan, key: \"") + kLanKey +
         "\", role: operator, networks: [\"127.0.0.2/32\", \"10.0.0.0/8\"]}\n";
}

class LeastPrivilegeE2e : public ::testing::Test {
 protected:
  void Start(const std::string& extra_config = "") {
    host_ = std::make_unique<TestHost>(
        AuthYaml(ConfiguredKeysYaml() + LanKeyYaml() + extra_config, ProbeYaml()), StandardEnv());
    ASSERT_TRUE(host_->Start()) << host_->Output();
    port_ = host_->port();
  }
  void TearDown() override {
    if (host_) {
      EXPECT_EQ(host_->Stop(), 0) << host_->Output();
    }
  }
  HttpResponse WhoAmI(const sr::test::HttpClient::Headers& headers,
                      const std::string& from = "127.0.0.1") {
    return FetchFrom(from, port_, "GET", "/test/whoami", "", headers);
  }
  std::string Events() { return Fetch(port_, "GET", "/test/session-events").body; }
  // Waits up to 3 s for an event naming `sid` with `reason`.
  bool WaitForEvent(const std::string& sid, const std::string& user, const std::string& reason) {
    std::string wanted =
        "{\"session\":\"" + sid + "\",\"user\":\"" + user + "\",\"reason\":\"" + reason + "\"}";
    for (int i = 0; i < 60; ++i) {
      if (Events().find(wanted) != std::string::npos) return true;
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << "no event " << wanted << " in " << Events();
    return false;
  }
  std::string SessionIdOf(const BrowserSession& session) {
    auto response = Fetch(port_, "GET", "/test/whoami-session", "", SessionHeaders(session));
    EXPECT_EQ(response.status, 200) << response.body;
    std::string sid = JsonField(response.body, "session");
    EXPECT_EQ(sid.size(), 32u) << response.body;
    return sid;
  }

  std::unique_ptr<TestHost> host_;
  std::uint16_t port_ = 0;
};

TEST_F(LeastPrivilegeE2e, KeysCarryRoleAndNameAndBearerWorks) {
  Start();
  auto master = WhoAmI({{"X-API-Key", kMasterKey}});
  EXPECT_EQ(master.body,
            R"({"user":"key:master","role":"spawner","auth":"api-key","key":"master"})");
  auto admin = WhoAmI({{"Authorization", std::string("Bearer ") + kAdminKey}});
  EXPECT_EQ(admin.body, R"({"user":"key:admin","role":"admin","auth":"api-key","key":"admin"})");
  EXPECT_EQ(WhoAmI({{"Authorization", "Bearer wrong-key-0123456789"}}).status, 401);
  EXPECT_EQ(Fetch(port_, "GET", "/api/audit", "",
                  {{"Authorization", std::string("Bearer ") + kMasterKey}})
                .status,
            403);
  EXPECT_EQ(
      Fetch(port_, "GET", "/api/audit", "", {{"Authorization", std::string("Bearer ") + kAdminKey}})
          .status,
      200);
}

TEST_F(LeastPrivilegeE2e, AKeyWithNetworksIsValidOnlyFromThem) {
  Start();
  auto inside = WhoAmI({{"X-API-Key", kLanKey}}, "127.0.0.2");
  EXPECT_EQ(inside.status, 200) << inside.body;
  EXPECT_EQ(JsonField(inside.body, "key"), "lan");
  auto outside = WhoAmI({{"X-API-Key", kLanKey}}, "127.0.0.3");
  EXPECT_EQ(outside.status, 403);
  EXPECT_NE(outside.body.find("not valid from this address"), std::string::npos) << outside.body;
  // Refusals by address are no guesses: far beyond api_key_rate_limit.max_failures (20), the
  // address keeps its other keys.
  for (int i = 0; i < 25; ++i) WhoAmI({{"X-API-Key", kLanKey}}, "127.0.0.3");
  EXPECT_EQ(WhoAmI({{"X-API-Key", kMasterKey}}, "127.0.0.3").status, 200);
}

TEST_F(LeastPrivilegeE2e, PerSpawnerTokensAuthenticateAsTheirSpawnerAndWrongOnesCount) {
  Start("      api_key_rate_limit: {max_failures: 2, lockout: 30s}\n");
  auto token = WhoAmI({{"X-API-Key", kProbeToken}});
  EXPECT_EQ(token.body,
            R"({"user":"spawner:7","role":"spawner","auth":"spawner-token","spawner_id":"7"})");
  EXPECT_EQ(WhoAmI({{"Authorization", std::string("Bearer ") + kProbeToken}}).status, 200);
  // A token is no admin.
  EXPECT_EQ(Fetch(port_, "GET", "/api/audit", "", {{"X-API-Key", kProbeToken}}).status, 403);
  // A wrong token is a wrong key, and counts toward the lockout.
  EXPECT_EQ(WhoAmI({{"X-API-Key", "srt_7_guess"}}, "127.0.0.4").status, 401);
  EXPECT_EQ(WhoAmI({{"X-API-Key", "srt_7_guess2"}}, "127.0.0.4").status, 401);
  auto locked = WhoAmI({{"X-API-Key", kProbeToken}}, "127.0.0.4");
  EXPECT_EQ(locked.status, 429);
  EXPECT_FALSE(locked.Header("Retry-After").empty());
}

TEST_F(LeastPrivilegeE2e, LoginThrottlingLocksOneAddressOutNeverTheAccount) {
  Start(
      "      login_rate_limit: {max_failures: 3, lockout: 30s}\n"
      "      login_account_delay: {after_failures: 2, delay: 400ms, max_delay: 1s}\n");
  auto login = [this](const std::string& from, const std::string& password) {
    return FetchFrom(
        from, port_, "POST", "/login",
        std::string("{\"email\":\"") + kAdminEmail + "\",\"password\":\"" + password + "\"}",
        {{"Content-Type", "application/json"}});
  };
  for (int i = 0; i < 3; ++i) EXPECT_EQ(login("127.0.0.2", "wrong password").status, 401);
  auto throttled = login("127.0.0.2", kAdminPassword);  // even the right one, from there
  EXPECT_EQ(throttled.status, 429);
  EXPECT_FALSE(throttled.Header("Retry-After").empty());

  // The admin, from an address without failures, gets in: later, never refused.
  auto started = std::chrono::steady_clock::now();
  auto admin = login("127.0.0.3", kAdminPassword);
  auto took = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(admin.status, 200) << admin.body;
  EXPECT_GE(took, 400ms);  // the account is under attack: its answers are delayed
  EXPECT_LT(took, 5s);

  // The same for POST /api/me/password, with the admin's session from two addresses.
  BrowserSession session{SessionCookieOf(admin), JsonField(admin.body, "csrf_token"), port_};
  auto change = [&](const std::string& from, const std::string& current) {
    return FetchFrom(
        from, port_, "POST", "/api/me/password",
        "{\"current_password\":\"" + current + "\",\"new_password\":\"the admin's new password\"}",
        SessionHeaders(session, true));
  };
  for (int i = 0; i < 3; ++i) EXPECT_EQ(change("127.0.0.4", "wrong password").status, 403);
  EXPECT_EQ(change("127.0.0.4", kAdminPassword).status, 429);
  auto changed = change("127.0.0.3", kAdminPassword);
  EXPECT_EQ(changed.status, 200) << changed.body;
}

TEST_F(LeastPrivilegeE2e, EveryWayASessionEndsIsPublished) {
  Start();
  BrowserSession admin = SignIn(port_, kAdminEmail, kAdminPassword);
  std::string admin_sid = SessionIdOf(admin);
  auto call = [&](const std::string& method, const std::string& path, const std::string& body) {
    auto response = Fetch(port_, method, path, body, SessionHeaders(admin, true));
    EXPECT_EQ(response.status / 100, 2) << method << " " << path << ": " << response.body;
  };
  std::map<std::string, std::uint64_t> ids;
  std::map<std::string, std::string> sids;
  for (const char* name : {"role", "disable", "delete", "reset", "own"}) {
    std::string email = std::string(name) + "@example.com";
    ids[name] = CreateUser(port_, admin, email, "a long user password", "viewer");
    BrowserSession user = SignIn(port_, email, "a long user password");
    sids[name] = SessionIdOf(user);
    if (std::string(name) == "own") {
      auto response = Fetch(port_, "POST", "/api/me/password",
                            R"({"current_password":"a long user password",)"
                            R"("new_password":"another long password"})",
                            SessionHeaders(user, true));
      EXPECT_EQ(response.status, 200) << response.body;
    }
  }
  auto path = [&](const char* name) { return "/api/users/" + std::to_string(ids[name]); };
  call("PATCH", path("role"), R"({"role":"operator"})");
  call("PATCH", path("disable"), R"({"disabled":true})");
  call("DELETE", path("delete"), "");
  call("POST", path("reset") + "/password", R"({"password":"a reset password!"})");
  Fetch(port_, "POST", "/logout", "", SessionHeaders(admin, true));

  WaitForEvent(sids["role"], "role@example.com", "role_changed");
  WaitForEvent(sids["disable"], "disable@example.com", "disabled");
  WaitForEvent(sids["delete"], "delete@example.com", "deleted");
  WaitForEvent(sids["reset"], "reset@example.com", "password_changed");
  WaitForEvent(sids["own"], "own@example.com", "password_changed");
  WaitForEvent(admin_sid, kAdminEmail, "logout");
}

TEST_F(LeastPrivilegeE2e, AnExpiredSessionIsPublishedWithinASecond) {
  Start("      session_idle_timeout: 1s\n");
  BrowserSession admin = SignIn(port_, kAdminEmail, kAdminPassword);
  std::string sid = SessionIdOf(admin);
  auto signed_in = std::chrono::steady_clock::now();
  ASSERT_TRUE(WaitForEvent(sid, kAdminEmail, "expired"));
  // Idle timeout 1 s, checked every 500 ms, polled every 50 ms.
  EXPECT_LT(std::chrono::steady_clock::now() - signed_in, 2500ms);
}

}  // namespace
}  // namespace sr::auth::e2e
