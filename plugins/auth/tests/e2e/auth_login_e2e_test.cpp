// Signing in and out through the real executable: the form, JSON, redirects, the rate limit,
// logout and session expiry.
#include <gtest/gtest.h>

#include <thread>

#include "auth_e2e_support.h"

namespace sr::auth::e2e {
namespace {

using sr::test::Fetch;
using sr::test::HttpResponse;
using sr::test::TestHost;
using namespace std::chrono_literals;

const sr::test::HttpClient::Headers kForm = {{"Content-Type", "application/x-www-form-urlencoded"},
                                             {"Accept", "text/html"}};

std::string FormBody(const std::string& password, const std::string& next = "") {
  std::string body = "email=admin%40example.com&password=";
  for (char c : password) body += c == ' ' ? std::string("+") : std::string(1, c);
  if (!next.empty()) body += "&next=" + next;
  return body;
}

class AuthLoginE2e : public ::testing::Test {
 protected:
  void Boot(const std::string& extra_config = "") {
    host_ = std::make_unique<TestHost>(AuthYaml(extra_config), StandardEnv());
    ASSERT_TRUE(host_->Start()) << host_->Output();
    port_ = host_->port();
  }
  void TearDown() override {
    if (host_) {
      EXPECT_EQ(host_->Stop(), 0) << host_->Output();
    }
  }
  HttpResponse Me(const std::string& cookie) {
    return Fetch(port_, "GET", "/api/me", "",
                 {{"Cookie", "sr_session=" + cookie}, {"Accept", "application/json"}});
  }

  std::unique_ptr<TestHost> host_;
  std::uint16_t port_ = 0;
};

TEST_F(AuthLoginE2e, TheLoginPageIsAFormWithItsOwnStylesheet) {
  Boot();
  auto page = Fetch(port_, "GET", "/login?next=%2Ferrors");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<form method=\"post\" action=\"/login\">"), std::string::npos);
  EXPECT_NE(page.body.find("name=\"next\" value=\"/errors\""), std::string::npos);
  EXPECT_NE(page.body.find("href=\"/login.css\""), std::string::npos);
  EXPECT_EQ(page.body.find("<script"), std::string::npos);
  EXPECT_EQ(page.body.find("<style"), std::string::npos);
  EXPECT_EQ(page.body.find(kAdminPassword), std::string::npos);
  auto css = Fetch(port_, "GET", "/login.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.Header("Content-Type"), "text/css; charset=utf-8");
  EXPECT_NE(css.body.find(".card"), std::string::npos);
}

TEST_F(AuthLoginE2e, AFormLoginRedirectsToNextWithAStrictHttpOnlyCookie) {
  Boot();
  auto login =
      Fetch(port_, "POST", "/login", FormBody(kAdminPassword, "%2Fapi%2Fme%3Fx%3D1"), kForm);
  EXPECT_EQ(login.status, 303) << login.body;
  EXPECT_EQ(login.Header("Location"), "/api/me?x=1");
  std::string cookie = login.Header("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(cookie.find("Path=/"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);
  std::string token = SessionCookieOf(login);
  EXPECT_EQ(token.size(), 43u);  // 256 random bits
  auto me = Me(token);
  EXPECT_EQ(me.status, 200);
  EXPECT_NE(me.body.find("\"email\":\"admin@example.com\""), std::string::npos);

  auto plain = Fetch(port_, "POST", "/login", FormBody(kAdminPassword), kForm);
  EXPECT_EQ(plain.Header("Location"), "/dashboard");
}

TEST_F(AuthLoginE2e, SecureCookiesWhenConfigured) {
  Boot("      secure_cookies: true\n");
  auto login = Fetch(port_, "POST", "/login", FormBody(kAdminPassword), kForm);
  EXPECT_EQ(login.Header("Set-Cookie").rfind("__Host-sr_session=", 0), 0u);
  EXPECT_NE(login.Header("Set-Cookie").find("; Secure"), std::string::npos);
}

TEST_F(AuthLoginE2e, NextCannotRedirectToAnotherSite) {
  Boot();
  for (const char* next :
       {"%2F%2Fevil.example%2F", "https%3A%2F%2Fevil.example", "%2F%5Cevil.example",
        "javascript%3Aalert(1)", "%2F%09%2Fevil.example"}) {
    auto login = Fetch(port_, "POST", "/login", FormBody(kAdminPassword, next), kForm);
    EXPECT_EQ(login.status, 303);
    EXPECT_EQ(login.Header("Location"), "/dashboard") << next;
  }
}

TEST_F(AuthLoginE2e, AFailedLoginShowsTheFormAgainWithAMessage) {
  Boot();
  auto failed = Fetch(port_, "POST", "/login", FormBody("wrong password", "%2Fusers"), kForm);
  EXPECT_EQ(failed.status, 401);
  EXPECT_EQ(failed.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(failed.body.find("Invalid email or password."), std::string::npos);
  EXPECT_NE(failed.body.find("name=\"next\" value=\"/users\""), std::string::npos);
  EXPECT_FALSE(failed.HasHeader("Set-Cookie"));
  EXPECT_NE(failed.Header("Content-Security-Policy").find("default-src"), std::string::npos);

  auto json =
      Fetch(port_, "POST", "/login", R"({"email":"admin@example.com","password":"wrong password"})",
            {{"Content-Type", "application/json"}});
  EXPECT_EQ(json.status, 401);
  EXPECT_EQ(json.body, "{\"error\":\"invalid email or password\"}");
  auto unknown =
      Fetch(port_, "POST", "/login", R"({"email":"ghost@example.com","password":"wrong password"})",
            {{"Content-Type", "application/json"}});
  EXPECT_EQ(unknown.body, json.body);  // no hint that the account does not exist
}

TEST_F(AuthLoginE2e, JsonLoginReturnsTheUserAndTheCsrfToken) {
  Boot();
  auto login = Fetch(port_, "POST", "/login",
                     R"({"email":"admin@example.com","password":"e2e admin password"})",
                     {{"Content-Type", "application/json"}});
  EXPECT_EQ(login.status, 200);
  EXPECT_NE(login.body.find("\"user\":{\"email\":\"admin@example.com\",\"role\":\"admin\"}"),
            std::string::npos);
  EXPECT_EQ(JsonField(login.body, "csrf_token").size(), 43u);
  EXPECT_EQ(login.Header("Cache-Control"), "no-store");
}

TEST_F(AuthLoginE2e, CrossSiteLoginPostsAreRefused) {
  Boot();
  auto forged = Fetch(
      port_, "POST", "/login", FormBody(kAdminPassword),
      {{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", "https://evil.example"}});
  EXPECT_EQ(forged.status, 403);
  EXPECT_FALSE(forged.HasHeader("Set-Cookie"));
  auto same_site =
      Fetch(port_, "POST", "/login", FormBody(kAdminPassword),
            {{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", OriginFor(port_)}});
  EXPECT_EQ(same_site.status, 303);
}

TEST_F(AuthLoginE2e, FailedLoginsAreRateLimitedAndReleased) {
  Boot("      login_rate_limit: {max_failures: 3, lockout: 1s, max_lockout: 4s}\n");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Fetch(port_, "POST", "/login", FormBody("wrong password"), kForm).status, 401);
  }
  auto limited = Fetch(port_, "POST", "/login", FormBody(kAdminPassword), kForm);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.Header("Retry-After"), "1");
  EXPECT_NE(limited.body.find("Too many failed sign-in attempts"), std::string::npos);
  auto limited_json = Fetch(port_, "POST", "/login",
                            R"({"email":"admin@example.com","password":"e2e admin password"})",
                            {{"Content-Type", "application/json"}});
  EXPECT_EQ(limited_json.status, 429);
  EXPECT_EQ(limited_json.body, "{\"error\":\"too many failed logins; retry later\"}");
  std::this_thread::sleep_for(1100ms);
  EXPECT_EQ(Fetch(port_, "POST", "/login", FormBody(kAdminPassword), kForm).status, 303);
}

TEST_F(AuthLoginE2e, LogoutEndsTheSession) {
  Boot();
  BrowserSession first = SignIn(port_, kAdminEmail, kAdminPassword);
  auto page_logout = Fetch(port_, "GET", "/logout", "",
                           {{"Cookie", "sr_session=" + first.cookie}, {"Accept", "text/html"}});
  EXPECT_EQ(page_logout.status, 303);
  EXPECT_EQ(page_logout.Header("Location"), "/login");
  EXPECT_EQ(page_logout.Header("Set-Cookie").rfind("sr_session=; Max-Age=0", 0), 0u);
  EXPECT_EQ(Me(first.cookie).status, 401);

  BrowserSession second = SignIn(port_, kAdminEmail, kAdminPassword);
  auto api_logout = Fetch(port_, "POST", "/logout", "", SessionHeaders(second, true));
  EXPECT_EQ(api_logout.status, 200);
  EXPECT_EQ(api_logout.body, "{\"ok\":true}");
  EXPECT_EQ(Me(second.cookie).status, 401);
}

TEST_F(AuthLoginE2e, SessionsExpireWhenIdleAndAtTheirLifetime) {
  Boot("      session_idle_timeout: 1s\n      session_lifetime: 3s\n");
  BrowserSession idle = SignIn(port_, kAdminEmail, kAdminPassword);
  BrowserSession busy = SignIn(port_, kAdminEmail, kAdminPassword);
  auto started = std::chrono::steady_clock::now();
  // `busy` stays active; `idle` does not.
  while (std::chrono::steady_clock::now() - started < 2200ms) {
    ASSERT_EQ(Me(busy.cookie).status, 200);
    std::this_thread::sleep_for(300ms);
  }
  EXPECT_EQ(Me(idle.cookie).status, 401);
  while (std::chrono::steady_clock::now() - started < 3300ms) {
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(Me(busy.cookie).status, 401);  // activity does not outlive the lifetime
}

}  // namespace
}  // namespace sr::auth::e2e
