// The guards through the real executable: API keys, sessions, roles on every protected
// route, CSRF, and the security headers.
#include <gtest/gtest.h>

#include "auth_e2e_support.h"

namespace sr::auth::e2e {
namespace {

using sr::test::Fetch;
using sr::test::HttpResponse;
using sr::test::TestHost;

class AuthGuardsE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    host_ = std::make_unique<TestHost>(AuthYaml(ConfiguredKeysYaml()), StandardEnv());
    ASSERT_TRUE(host_->Start()) << host_->Output();
    port_ = host_->port();
  }
  void TearDown() override {
    if (host_) {
      EXPECT_EQ(host_->Stop(), 0) << host_->Output();
    }
  }
  HttpResponse WithKey(const std::string& path, const std::string& key) {
    return Fetch(port_, "GET", path, "", {{"X-API-Key", key}});
  }

  std::unique_ptr<TestHost> host_;
  std::uint16_t port_ = 0;
};

TEST_F(AuthGuardsE2e, ApiKeyGuardAcceptsEveryConfiguredKeyAndRejectsOthers) {
  // MASTER_API_KEY is the spawners' key; ADMIN_API_KEY the admin key.
  auto master = WithKey("/api/me", kMasterKey);
  EXPECT_EQ(master.status, 200) << master.body;
  EXPECT_NE(master.body.find("\"name\":\"key:master\""), std::string::npos);
  EXPECT_NE(master.body.find("\"role\":\"spawner\""), std::string::npos);
  auto admin = WithKey("/api/me", kAdminKey);
  EXPECT_EQ(admin.status, 200) << admin.body;
  EXPECT_NE(admin.body.find("\"name\":\"key:admin\""), std::string::npos);
  EXPECT_NE(admin.body.find("\"role\":\"admin\""), std::string::npos);
  // Two spawner keys at once: the old one keeps working while the new one is rolled out.
  auto old_key = WithKey("/api/me", kSpawnerKey);
  EXPECT_EQ(old_key.status, 200);
  EXPECT_NE(old_key.body.find("key:spawners\""), std::string::npos);
  auto new_key = WithKey("/api/me", kRotatedSpawnerKey);
  EXPECT_EQ(new_key.status, 200);
  EXPECT_NE(new_key.body.find("key:spawners-next"), std::string::npos);
  EXPECT_NE(new_key.body.find("\"role\":\"spawner\""), std::string::npos);

  auto wrong = WithKey("/api/me", std::string(kMasterKey) + "x");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body, "{\"error\":\"invalid API key\"}");
  EXPECT_EQ(wrong.Header("Content-Type"), "application/json");
  auto missing = Fetch(port_, "GET", "/api/audit");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.body, "{\"error\":\"missing X-API-Key header\"}");
}

TEST_F(AuthGuardsE2e, ApiKeyRolesAreEnforced) {
  EXPECT_EQ(WithKey("/api/audit", kSpawnerKey).status, 403);
  EXPECT_EQ(WithKey("/api/audit", kOperatorKey).status, 403);
  // The key every spawner holds is no admin key.
  auto master = WithKey("/api/audit", kMasterKey);
  EXPECT_EQ(master.status, 403) << master.body;
  auto admin = WithKey("/api/audit", kAdminKey);
  EXPECT_EQ(admin.status, 200) << admin.body;
  EXPECT_EQ(WithKey("/api/audit", "nope-nope-nope").status, 401);
  // A key is not a session: session-only routes still want a login.
  EXPECT_EQ(Fetch(port_, "GET", "/api/users", "", {{"X-API-Key", kAdminKey}}).status, 401);
}

TEST_F(AuthGuardsE2e, BrowsersWithoutASessionAreSentToTheLoginPage) {
  auto page = Fetch(port_, "GET", "/api/users?sort=email", "",
                    {{"Accept", "text/html,application/xhtml+xml"}});
  EXPECT_EQ(page.status, 303);
  EXPECT_EQ(page.Header("Location"), "/login?next=%2Fapi%2Fusers%3Fsort%3Demail");
  auto api = Fetch(port_, "GET", "/api/users", "", {{"Accept", "application/json"}});
  EXPECT_EQ(api.status, 401);
  EXPECT_EQ(api.body, "{\"error\":\"login required\"}");
  auto forged = Fetch(port_, "GET", "/api/users", "", {{"Cookie", "sr_session=forged"}});
  EXPECT_EQ(forged.status, 401);
  EXPECT_EQ(forged.Header("Set-Cookie").rfind("sr_session=; Max-Age=0", 0), 0u);
}

TEST_F(AuthGuardsE2e, EveryProtectedRouteChecksTheRole) {
  BrowserSession admin = SignIn(port_, kAdminEmail, kAdminPassword);
  CreateUser(port_, admin, "operator@example.com", "operator password", "operator");
  std::uint64_t viewer_id =
      CreateUser(port_, admin, "viewer@example.com", "viewer password!", "viewer");
  BrowserSession op = SignIn(port_, "operator@example.com", "operator password");
  BrowserSession viewer = SignIn(port_, "viewer@example.com", "viewer password!");
  std::string target = "/api/users/" + std::to_string(viewer_id);

  struct Case {
    std::string method;
    std::string path;
    std::string body;
    std::string min_role;  // viewer | admin
  };
  const std::vector<Case> cases = {
      {"GET", "/api/me", "", "viewer"},
      {"POST", "/api/me/password", "{}", "viewer"},
      {"GET", "/api/users", "", "admin"},
      {"POST", "/api/users", "{}", "admin"},
      {"PATCH", target, "{}", "admin"},
      {"DELETE", "/api/users/999", "", "admin"},
      {"POST", target + "/password", "{}", "admin"},
      {"GET", "/api/audit", "", "admin"},
  };
  for (const Case& c : cases) {
    bool write = c.method != "GET";
    SCOPED_TRACE(c.method + " " + c.path);
    auto anonymous = Fetch(port_, c.method, c.path, c.body, {{"Accept", "application/json"}});
    EXPECT_EQ(anonymous.status, 401);
    int viewer_status =
        Fetch(port_, c.method, c.path, c.body, SessionHeaders(viewer, write)).status;
    int operator_status = Fetch(port_, c.method, c.path, c.body, SessionHeaders(op, write)).status;
    int admin_status = Fetch(port_, c.method, c.path, c.body, SessionHeaders(admin, write)).status;
    if (c.min_role == "admin") {
      EXPECT_EQ(viewer_status, 403);
      EXPECT_EQ(operator_status, 403);
    } else {
      EXPECT_NE(viewer_status, 401);
      EXPECT_NE(viewer_status, 403);
      EXPECT_NE(operator_status, 403);
    }
    EXPECT_NE(admin_status, 401);
    EXPECT_NE(admin_status, 403);
  }
}

TEST_F(AuthGuardsE2e, SessionWritesNeedTheCsrfTokenAndASameOriginRequest) {
  BrowserSession admin = SignIn(port_, kAdminEmail, kAdminPassword);
  const std::string body =
      R"({"email":"new@example.com","password":"new user password","role":"viewer"})";
  auto cookie_only =
      Fetch(port_, "POST", "/api/users", body,
            {{"Cookie", "sr_session=" + admin.cookie}, {"Origin", OriginFor(port_)}});
  EXPECT_EQ(cookie_only.status, 403);
  EXPECT_EQ(cookie_only.body, "{\"error\":\"CSRF check failed\"}");

  auto cross_site = Fetch(port_, "POST", "/api/users", body,
                          {{"Cookie", "sr_session=" + admin.cookie},
                           {"X-CSRF-Token", admin.csrf},
                           {"Origin", "http://evil.example"}});
  EXPECT_EQ(cross_site.status, 403);

  auto wrong_token = Fetch(port_, "POST", "/api/users", body,
                           {{"Cookie", "sr_session=" + admin.cookie},
                            {"X-CSRF-Token", std::string(admin.csrf.size(), 'A')},
                            {"Origin", OriginFor(port_)}});
  EXPECT_EQ(wrong_token.status, 403);

  auto no_origin = Fetch(port_, "POST", "/api/users", body,
                         {{"Cookie", "sr_session=" + admin.cookie}, {"X-CSRF-Token", admin.csrf}});
  EXPECT_EQ(no_origin.status, 403);

  auto with_referer = Fetch(port_, "POST", "/api/users", body,
                            {{"Cookie", "sr_session=" + admin.cookie},
                             {"X-CSRF-Token", admin.csrf},
                             {"Referer", OriginFor(port_) + "/users"}});
  EXPECT_EQ(with_referer.status, 201) << with_referer.body;

  // /api/me hands the token to pages that did not sign in themselves.
  auto me = Fetch(port_, "GET", "/api/me", "", SessionHeaders(admin));
  EXPECT_EQ(JsonField(me.body, "csrf_token"), admin.csrf);
}

TEST_F(AuthGuardsE2e, HtmlGetsSecurityHeadersAndEveryResponseNosniff) {
  auto page = Fetch(port_, "GET", "/login");
  EXPECT_EQ(page.status, 200);
  std::string csp = page.Header("Content-Security-Policy");
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos);
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(page.Header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(page.Header("Referrer-Policy"), "same-origin");
  EXPECT_EQ(page.Header("X-Frame-Options"), "DENY");
  for (const char* path : {"/health", "/no-such-route", "/api/me", "/login.css"}) {
    auto response = Fetch(port_, "GET", path);
    EXPECT_EQ(response.Header("X-Content-Type-Options"), "nosniff") << path;
    EXPECT_FALSE(response.HasHeader("Content-Security-Policy")) << path;
  }
}

}  // namespace
}  // namespace sr::auth::e2e
