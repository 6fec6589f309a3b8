// Two real masters (spawner-master with postgres-store and auth) over one throw-away
// PostgreSQL: a sign-in on one is valid on the other, logouts and user changes on one take
// effect on the other within about a second, the audit log holds both masters' entries, and
// two masters starting at once on an empty database agree on one admin and one generated key.
// Skipped when PostgreSQL is not installed (CI always has it).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "auth_e2e_support.h"
#include "eventually.h"
#include "pg_server.h"

namespace sr::auth::e2e {
namespace {

using sr::test::Eventually;
using sr::test::Fetch;
using sr::test::PgServer;
using sr::test::TestHost;

std::string ClusterYaml(const std::string& host_name) {
  return AuthYaml("",
                  "  - id: postgres-store\n"
                  "    config:\n"
                  "      conninfo: ${DATABASE_URL}\n"
                  "      host_name: " +
                      host_name +
                      "\n"
                      "      resync_interval: 200ms\n");
}

// Changes arrive within about a second.
constexpr std::chrono::seconds kPropagation{3};

// The same browser session presented to another master (its Origin names that master).
BrowserSession On(BrowserSession session, std::uint16_t port) {
  session.port = port;
  return session;
}

int MeStatus(std::uint16_t port, const BrowserSession& session) {
  return Fetch(port, "GET", "/api/me", "", SessionHeaders(On(session, port))).status;
}

class AuthClusterE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    pg_ = PgServer::Start();
    if (!pg_) GTEST_SKIP() << PgServer::SkipReason();
  }

  std::unique_ptr<TestHost> Master(const std::string& name,
                                   std::map<std::string, std::string> env) {
    env["DATABASE_URL"] = pg_->conninfo();
    return std::make_unique<TestHost>(ClusterYaml(name), std::move(env));
  }

  std::optional<PgServer> pg_;
};

TEST_F(AuthClusterE2e, SessionsUsersAndTheAuditLogAreSharedByTwoMasters) {
  auto a = Master("a", StandardEnv());
  ASSERT_TRUE(a->Start()) << a->Output();
  auto b = Master("b", StandardEnv());
  ASSERT_TRUE(b->Start()) << b->Output();

  // A sign-in on A is valid on B; a logout on A ends it on B.
  BrowserSession admin = SignIn(a->port(), kAdminEmail, kAdminPassword);
  EXPECT_EQ(MeStatus(b->port(), admin), 200);
  BrowserSession second = SignIn(a->port(), kAdminEmail, kAdminPassword);
  ASSERT_EQ(MeStatus(b->port(), second), 200);
  auto logout = Fetch(a->port(), "POST", "/logout", "", SessionHeaders(second, true));
  EXPECT_EQ(logout.status, 200) << logout.body;
  EXPECT_TRUE(Eventually([&] { return MeStatus(b->port(), second) == 401; }, kPropagation));
  EXPECT_EQ(MeStatus(a->port(), second), 401);
  EXPECT_EQ(MeStatus(b->port(), admin), 200);  // the other session lives on

  // A user created on B signs in on A; disabled on A, its session on B ends.
  std::uint64_t id = CreateUser(b->port(), On(admin, b->port()), "ann@example.com",
                                "ann's long password", "viewer");
  ASSERT_NE(id, 0u);
  BrowserSession ann = SignIn(a->port(), "ann@example.com", "ann's long password");
  ASSERT_EQ(MeStatus(b->port(), ann), 200);
  auto disable = Fetch(a->port(), "PATCH", "/api/users/" + std::to_string(id),
                       "{\"disabled\":true}", SessionHeaders(admin, true));
  EXPECT_EQ(disable.status, 200) << disable.body;
  EXPECT_TRUE(Eventually([&] { return MeStatus(b->port(), ann) == 401; }, kPropagation));
  sr::test::HttpResponse users;
  EXPECT_TRUE(Eventually(
      [&] {
        users = Fetch(b->port(), "GET", "/api/users", "", SessionHeaders(On(admin, b->port())));
        return users.body.find("\"disabled\":true") != std::string::npos;
      },
      kPropagation))
      << users.body;

  // Both masters' entries are in one audit log, read through either.
  for (std::uint16_t port : {a->port(), b->port()}) {
    auto audit = Fetch(port, "GET", "/api/audit?limit=100", "", {{"X-API-Key", kAdminKey}});
    ASSERT_EQ(audit.status, 200) << audit.body;
    EXPECT_NE(audit.body.find("\"action\":\"user.create\""), std::string::npos) << audit.body;
    EXPECT_NE(audit.body.find("\"action\":\"user.update\""), std::string::npos) << audit.body;
    EXPECT_NE(audit.body.find("\"action\":\"logout\""), std::string::npos) << audit.body;
  }
  EXPECT_EQ(a->Stop(), 0) << a->Output();
  EXPECT_EQ(b->Stop(), 0) << b->Output();
}

TEST_F(AuthClusterE2e, TwoMastersStartingAtOnceMakeOneAdminAndOneKey) {
  // No MASTER_API_KEY and no ADMIN_PASSWORD: both would generate them.
  std::map<std::string, std::string> env{{"ADMIN_API_KEY", kAdminKey}};
  auto a = Master("a", env);
  auto b = Master("b", env);
  bool a_started = false;
  std::thread start_a([&] { a_started = a->Start(); });
  bool b_started = b->Start();
  start_a.join();
  ASSERT_TRUE(a_started) << a->Output();
  ASSERT_TRUE(b_started) << b->Output();

  std::vector<std::filesystem::path> secrets;
  for (const auto& master : {a.get(), b.get()}) {
    auto file = master->dir()->path() / "data" / "first-start-secrets";
    if (std::filesystem::exists(file)) secrets.push_back(file);
  }
  ASSERT_EQ(secrets.size(), 1u) << a->Output() << b->Output();
  std::string text = sr::test::ReadFile(secrets.front());
  auto value = [&](const std::string& name) {
    auto at = text.find(name + "=");
    if (at == std::string::npos) return std::string();
    at += name.size() + 1;
    return text.substr(at, text.find('\n', at) - at);
  };
  std::string key = value("master_api_key");
  std::string password = value("admin_password");
  ASSERT_FALSE(key.empty()) << text;
  ASSERT_FALSE(password.empty()) << text;
  for (std::uint16_t port : {a->port(), b->port()}) {
    EXPECT_EQ(Fetch(port, "GET", "/api/me", "", {{"X-API-Key", key}}).status, 200);
    SignIn(port, kAdminEmail, password);
  }
  auto users = Fetch(a->port(), "GET", "/api/users", "",
                     SessionHeaders(SignIn(a->port(), kAdminEmail, password)));
  EXPECT_EQ(users.body.find("\"id\"", users.body.find("\"id\"") + 1), std::string::npos)
      << "one user only: " << users.body;
  EXPECT_EQ(a->Stop(), 0) << a->Output();
  EXPECT_EQ(b->Stop(), 0) << b->Output();
}

}  // namespace
}  // namespace sr::auth::e2e
