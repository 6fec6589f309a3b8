// User administration, own password changes and the audit log through the real executable.
#include <gtest/gtest.h>

#include <thread>

#include "auth_e2e_support.h"

namespace sr::auth::e2e {
namespace {

using sr::test::Fetch;
using sr::test::HttpResponse;
using sr::test::TestHost;
using namespace std::chrono_literals;

class AuthUsersE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string publisher =
        "  - id: auth-test-audit-publisher\n    path: " + AuditPublisherPath() + "\n";
    host_ = std::make_unique<TestHost>(AuthYaml("", publisher), StandardEnv());
    ASSERT_TRUE(host_->Start()) << host_->Output();
    port_ = host_->port();
    admin_ = SignIn(port_, kAdminEmail, kAdminPassword);
  }
  void TearDown() override {
    if (host_) {
      EXPECT_EQ(host_->Stop(), 0) << host_->Output();
    }
  }
  HttpResponse Call(const std::string& method, const std::string& path,
                    const std::string& body = "") {
    return Fetch(port_, method, path, body, SessionHeaders(admin_, method != "GET"));
  }
  int MeStatus(const BrowserSession& session) {
    return Fetch(port_, "GET", "/api/me", "", SessionHeaders(session)).status;
  }
  std::uint64_t AdminId() {
    auto me = Fetch(port_, "GET", "/api/me", "", SessionHeaders(admin_));
    auto at = me.body.find("\"id\":");
    return std::stoull(me.body.substr(at + 5));
  }

  std::unique_ptr<TestHost> host_;
  std::uint16_t port_ = 0;
  BrowserSession admin_;
};

TEST_F(AuthUsersE2e, AdminsCreateListChangeAndDeleteUsers) {
  auto created =
      Call("POST", "/api/users",
           R"({"email":"Ops@Example.com","password":"operator password","role":"operator"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_NE(created.body.find("\"email\":\"ops@example.com\""), std::string::npos);
  auto id = std::to_string(std::stoull(created.body.substr(created.body.find("\"id\":") + 5)));
  EXPECT_EQ(
      Call("POST", "/api/users", R"({"email":"ops@example.com","password":"operator password"})")
          .status,
      409);
  EXPECT_EQ(Call("POST", "/api/users", R"({"email":"x@example.com","password":"short"})").status,
            400);

  auto list = Call("GET", "/api/users");
  EXPECT_EQ(list.status, 200);
  EXPECT_NE(list.body.find("ops@example.com"), std::string::npos);
  EXPECT_EQ(list.body.find("argon2"), std::string::npos);

  auto patched = Call("PATCH", "/api/users/" + id, R"({"role":"viewer"})");
  EXPECT_EQ(patched.status, 200);
  EXPECT_NE(patched.body.find("\"role\":\"viewer\""), std::string::npos);
  EXPECT_EQ(Call("PATCH", "/api/users/" + id, R"({"role":"root"})").status, 400);
  EXPECT_EQ(Call("DELETE", "/api/users/" + id).status, 200);
  EXPECT_EQ(Call("DELETE", "/api/users/" + id).status, 404);
}

TEST_F(AuthUsersE2e, SessionsEndWhenTheUserIsDisabledDeletedOrGetsANewPassword) {
  std::uint64_t a = CreateUser(port_, admin_, "a@example.com", "a long password", "viewer");
  std::uint64_t b = CreateUser(port_, admin_, "b@example.com", "b long password", "viewer");
  std::uint64_t c = CreateUser(port_, admin_, "c@example.com", "c long password", "viewer");
  BrowserSession sa = SignIn(port_, "a@example.com", "a long password");
  BrowserSession sb = SignIn(port_, "b@example.com", "b long password");
  BrowserSession sc = SignIn(port_, "c@example.com", "c long password");
  ASSERT_EQ(MeStatus(sa), 200);

  EXPECT_EQ(Call("PATCH", "/api/users/" + std::to_string(a), R"({"disabled":true})").status, 200);
  EXPECT_EQ(MeStatus(sa), 401);
  auto disabled_login =
      Fetch(port_, "POST", "/login", R"({"email":"a@example.com","password":"a long password"})",
            {{"Content-Type", "application/json"}});
  EXPECT_EQ(disabled_login.status, 401);

  EXPECT_EQ(Call("DELETE", "/api/users/" + std::to_string(b)).status, 200);
  EXPECT_EQ(MeStatus(sb), 401);

  EXPECT_EQ(Call("POST", "/api/users/" + std::to_string(c) + "/password",
                 R"({"password":"reset by the admin"})")
                .status,
            200);
  EXPECT_EQ(MeStatus(sc), 401);
  SignIn(port_, "c@example.com", "reset by the admin");
}

TEST_F(AuthUsersE2e, TheLastAdminIsProtected) {
  std::string me = "/api/users/" + std::to_string(AdminId());
  auto demote = Call("PATCH", me, R"({"role":"operator"})");
  EXPECT_EQ(demote.status, 409);
  EXPECT_NE(demote.body.find("last enabled admin"), std::string::npos);
  EXPECT_EQ(Call("PATCH", me, R"({"disabled":true})").status, 409);
  EXPECT_EQ(Call("DELETE", me).status, 409);
  CreateUser(port_, admin_, "second@example.com", "second admin pw", "admin");
  EXPECT_EQ(Call("PATCH", me, R"({"role":"operator"})").status, 200);
  // The demoted admin's session is still valid, but no longer an admin's.
  EXPECT_EQ(Call("GET", "/api/users").status, 403);
}

TEST_F(AuthUsersE2e, ChangingTheOwnPasswordEndsOtherSessionsAndRenewsThisOne) {
  BrowserSession other_browser = SignIn(port_, kAdminEmail, kAdminPassword);
  auto wrong = Fetch(port_, "POST", "/api/me/password",
                     R"({"current_password":"not it","new_password":"a new admin password"})",
                     SessionHeaders(admin_, true));
  EXPECT_EQ(wrong.status, 403);
  auto changed =
      Fetch(port_, "POST", "/api/me/password",
            R"({"current_password":"e2e admin password","new_password":"a new admin password"})",
            SessionHeaders(admin_, true));
  ASSERT_EQ(changed.status, 200) << changed.body;
  BrowserSession renewed{SessionCookieOf(changed), JsonField(changed.body, "csrf_token")};
  EXPECT_EQ(MeStatus(admin_), 401);
  EXPECT_EQ(MeStatus(other_browser), 401);
  EXPECT_EQ(MeStatus(renewed), 200);
  SignIn(port_, kAdminEmail, "a new admin password");
}

TEST_F(AuthUsersE2e, TheAuditLogRecordsWhoDidWhatAndOtherPluginsEvents) {
  Fetch(port_, "POST", "/login", R"({"email":"admin@example.com","password":"wrong guess"})",
        {{"Content-Type", "application/json"}});
  CreateUser(port_, admin_, "audited@example.com", "audited password", "operator");
  auto published = Fetch(port_, "POST", "/test/audit-record",
                         R"({"actor":"key:ops","action":"spawner.delete","target":"spawner 7",)"
                         R"("ip":"10.1.2.3","detail":"removed by test"})");
  ASSERT_EQ(published.status, 202);

  // Events arrive asynchronously.
  HttpResponse audit;
  for (int attempt = 0; attempt < 100; ++attempt) {
    audit = Call("GET", "/api/audit");
    if (audit.body.find("spawner.delete") != std::string::npos) break;
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_EQ(audit.status, 200);
  const std::string& body = audit.body;
  std::size_t event = body.find("\"action\":\"spawner.delete\"");
  std::size_t create = body.find("\"action\":\"user.create\"");
  std::size_t success = body.find("\"action\":\"login.success\"");
  std::size_t failure = body.find("\"action\":\"login.failure\"");
  ASSERT_NE(event, std::string::npos) << body;
  ASSERT_NE(create, std::string::npos);
  ASSERT_NE(success, std::string::npos);
  ASSERT_NE(failure, std::string::npos);
  EXPECT_LT(event, create);  // newest first
  EXPECT_LT(create, failure);
  EXPECT_NE(
      body.find("\"actor\":\"key:ops\",\"action\":\"spawner.delete\",\"target\":\"spawner 7\","
                "\"ip\":\"10.1.2.3\",\"detail\":\"removed by test\""),
      std::string::npos);
  EXPECT_NE(body.find("\"ip\":\"127.0.0.1\""), std::string::npos);
  EXPECT_NE(body.find("\"time\":\"20"), std::string::npos);
  EXPECT_EQ(body.find("wrong guess"), std::string::npos);

  auto first_page = Call("GET", "/api/audit?limit=2");
  std::size_t at = first_page.body.find("\"next_before\":");
  ASSERT_NE(at, std::string::npos);
  std::string before = std::to_string(std::stoull(first_page.body.substr(at + 14)));
  auto second_page = Call("GET", "/api/audit?limit=2&before=" + before);
  EXPECT_EQ(second_page.status, 200);
  EXPECT_EQ(second_page.body.find("spawner.delete"), std::string::npos);
  EXPECT_EQ(Call("GET", "/api/audit?limit=0").status, 400);
}

}  // namespace
}  // namespace sr::auth::e2e
