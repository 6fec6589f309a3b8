#include "login_routes.h"

#include <gtest/gtest.h>

#include "core_fixture.h"
#include "session_authenticator.h"

namespace sr::auth {
namespace {

using testing::CoreFixture;
using testing::SameOriginRequest;

constexpr std::string_view kPassword = "admin password!";

std::string HeaderOf(const HttpReply& reply, std::string_view name) {
  for (const HeaderField& header : reply.headers) {
    if (header.name == name) return header.value;
  }
  return "";
}

int CountHeaders(const HttpReply& reply, std::string_view name) {
  int count = 0;
  for (const HeaderField& header : reply.headers) count += header.name == name ? 1 : 0;
  return count;
}

std::string CookieToken(const HttpReply& reply) {
  std::string cookie = HeaderOf(reply, "Set-Cookie");
  std::size_t start = cookie.find('=') + 1;
  return cookie.substr(start, cookie.find(';') - start);
}

class LoginRoutesTest : public ::testing::Test {
 protected:
  LoginRoutesTest() {
    admin_ = fixture_.AddUser("admin@example.com", Role::kAdmin, std::string(kPassword));
  }

  RequestFacts Form() {
    RequestFacts facts = SameOriginRequest("POST", "/login");
    facts.content_type = "application/x-www-form-urlencoded";
    facts.accept = "text/html";
    return facts;
  }
  RequestFacts Json() {
    RequestFacts facts = SameOriginRequest("POST", "/login");
    facts.content_type = "application/json";
    return facts;
  }

  CoreFixture fixture_;
  LoginRoutes routes_{fixture_.core};
  User admin_;
};

TEST_F(LoginRoutesTest, TheFormPageKeepsASafeNextAndShowsNoSecrets) {
  auto page = routes_.Page(SameOriginRequest("GET", "/login"), "/errors?x=1");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("name=\"next\" value=\"/errors?x=1\""), std::string::npos);
  EXPECT_NE(page.body.find("action=\"/login\""), std::string::npos);
  EXPECT_EQ(page.body.find("<script"), std::string::npos);
  EXPECT_EQ(page.body.find("style="), std::string::npos);
  EXPECT_EQ(page.body.find(kPassword), std::string::npos);
  auto hostile = routes_.Page(SameOriginRequest("GET", "/login"), "//evil.example");
  EXPECT_EQ(hostile.body.find("evil"), std::string::npos);
  EXPECT_EQ(HeaderOf(page, "Cache-Control"), "no-store");
}

TEST_F(LoginRoutesTest, AFormLoginStartsASessionAndRedirectsToNext) {
  auto reply = routes_.Submit(Form(),
                              "email=Admin%40Example.com&password=admin+password%21&"
                              "next=%2Fusers");
  EXPECT_EQ(reply.status, 303);
  EXPECT_EQ(HeaderOf(reply, "Location"), "/users");
  std::string cookie = HeaderOf(reply, "Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);
  auto signed_in = ResolveSession(fixture_.core.sessions(), fixture_.core.users(),
                                  CookieToken(reply), fixture_.clock.now_ms, false);
  ASSERT_TRUE(signed_in);
  EXPECT_EQ(signed_in->user.email, "admin@example.com");
}

TEST_F(LoginRoutesTest, NextNeverLeavesTheSite) {
  for (std::string_view next : {"%2F%2Fevil.example", "https%3A%2F%2Fevil.example",
                                "%2F%5Cevil.example", "javascript%3Aalert(1)"}) {
    auto reply = routes_.Submit(
        Form(), "email=admin%40example.com&password=admin+password%21&next=" + std::string(next));
    EXPECT_EQ(HeaderOf(reply, "Location"), "/dashboard") << next;
  }
}

TEST_F(LoginRoutesTest, SecureCookiesOverTlsOrWhenConfigured) {
  RequestFacts tls = Form();
  tls.secure = true;
  auto reply = routes_.Submit(tls, "email=admin%40example.com&password=admin+password%21");
  EXPECT_NE(HeaderOf(reply, "Set-Cookie").find("; Secure"), std::string::npos);

  AuthSettings settings = testing::FastSettings();
  settings.secure_cookies = true;
  CoreFixture fixture(settings);
  fixture.AddUser("a@example.com", Role::kViewer, "a long password");
  LoginRoutes routes(fixture.core);
  auto configured = routes.Submit(Form(), "email=a%40example.com&password=a+long+password");
  EXPECT_NE(HeaderOf(configured, "Set-Cookie").find("; Secure"), std::string::npos);
}

TEST_F(LoginRoutesTest, JsonLoginReturnsTheUserAndCsrfToken) {
  auto reply =
      routes_.Submit(Json(), R"({"email":"admin@example.com","password":"admin password!"})");
  EXPECT_EQ(reply.status, 200);
  EXPECT_NE(reply.body.find("\"ok\":true"), std::string::npos);
  EXPECT_NE(reply.body.find("\"role\":\"admin\""), std::string::npos);
  EXPECT_NE(reply.body.find("\"csrf_token\":\""), std::string::npos);
  EXPECT_EQ(reply.body.find(kPassword), std::string::npos);
  EXPECT_FALSE(HeaderOf(reply, "Set-Cookie").empty());
}

TEST_F(LoginRoutesTest, FailuresAreGenericAndKeepTheForm) {
  auto wrong = routes_.Submit(Form(), "email=admin%40example.com&password=nope&next=%2Fusers");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_NE(wrong.body.find("Invalid email or password."), std::string::npos);
  EXPECT_NE(wrong.body.find("value=\"/users\""), std::string::npos);
  EXPECT_NE(wrong.body.find("value=\"admin@example.com\""), std::string::npos);
  EXPECT_TRUE(HeaderOf(wrong, "Set-Cookie").empty());
  auto unknown = routes_.Submit(Form(), "email=ghost%40example.com&password=nope");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_NE(unknown.body.find("Invalid email or password."), std::string::npos);

  auto json = routes_.Submit(Json(), R"({"email":"admin@example.com","password":"nope"})");
  EXPECT_EQ(json.status, 401);
  EXPECT_EQ(json.error, "invalid email or password");
  EXPECT_EQ(routes_.Submit(Json(), R"({"email":"admin@example.com"})").status, 400);
  EXPECT_EQ(routes_.Submit(Form(), "password=x").status, 400);
}

TEST_F(LoginRoutesTest, AScriptMayPostTheFormAndAskForJson) {
  RequestFacts facts = Form();
  facts.accept = "application/json";
  auto reply = routes_.Submit(facts, "email=admin%40example.com&password=admin+password%21");
  EXPECT_EQ(reply.status, 200);
  EXPECT_NE(reply.body.find("\"csrf_token\""), std::string::npos);
}

TEST_F(LoginRoutesTest, ADisabledUserCannotSignIn) {
  auto viewer = fixture_.AddUser("viewer@example.com", Role::kViewer, "viewer password");
  fixture_.core.users().Update(viewer.id, UserChange{std::nullopt, true}, 1);
  auto reply = routes_.Submit(Form(), "email=viewer%40example.com&password=viewer+password");
  EXPECT_EQ(reply.status, 401);
}

TEST_F(LoginRoutesTest, RateLimitsFailuresAndReleasesAfterTheWindow) {
  // FastSettings: three free failures, then 1 s, doubling.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(routes_.Submit(Json(), R"({"email":"admin@example.com","password":"x"})").status,
              401);
  }
  auto limited =
      routes_.Submit(Json(), R"({"email":"admin@example.com","password":"admin password!"})");
  EXPECT_EQ(limited.status, 429);  // even the right password waits
  EXPECT_EQ(HeaderOf(limited, "Retry-After"), "1");
  auto page = routes_.Submit(Form(), "email=admin%40example.com&password=x");
  EXPECT_EQ(page.status, 429);
  EXPECT_NE(page.body.find("Try again in 1 seconds"), std::string::npos);
  EXPECT_EQ(CountHeaders(page, "Cache-Control"), 1);
  EXPECT_EQ(CountHeaders(limited, "Cache-Control"), 1);
  fixture_.clock.Advance(1'000);
  EXPECT_EQ(routes_.Submit(Json(), R"({"email":"admin@example.com","password":"admin password!"})")
                .status,
            200);
}

TEST_F(LoginRoutesTest, AnAttackedAccountIsDelayedButNeverRefusedToAFreshAddress) {
  // Failures from many addresses, each below its own (account, address) limit.
  std::int64_t last_delay = 0;
  for (int i = 0; i < 8; ++i) {
    RequestFacts facts = Json();
    std::string ip = "198.51.100." + std::to_string(i);
    facts.client_ip = ip;
    auto reply = routes_.Submit(facts, R"({"email":"admin@example.com","password":"x"})");
    EXPECT_EQ(reply.status, 401);
    EXPECT_GE(reply.delay_ms, last_delay);  // grows with the failures, never shrinks
    last_delay = reply.delay_ms;
  }
  EXPECT_GT(last_delay, 0);
  RequestFacts fresh = Json();
  fresh.client_ip = "203.0.113.50";
  auto reply =
      routes_.Submit(fresh, R"({"email":"ADMIN@example.com","password":"admin password!"})");
  EXPECT_EQ(reply.status, 200);
  EXPECT_GT(reply.delay_ms, 0);
  EXPECT_LE(reply.delay_ms, fixture_.core.settings().login_delay.max_ms);
  // Other accounts are not slowed down.
  fixture_.AddUser("other@example.com", Role::kViewer, "other password");
  auto other =
      routes_.Submit(fresh, R"({"email":"other@example.com","password":"other password"})");
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.delay_ms, 0);
}

TEST_F(LoginRoutesTest, OneAddressIsLockedOutOfAnAccountOthersAreNot) {
  RequestFacts attacker = Json();
  attacker.client_ip = "198.51.100.66";
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(routes_.Submit(attacker, R"({"email":"admin@example.com","password":"x"})").status,
              401);
  }
  auto locked =
      routes_.Submit(attacker, R"({"email":"admin@example.com","password":"admin password!"})");
  EXPECT_EQ(locked.status, 429);
  EXPECT_FALSE(HeaderOf(locked, "Retry-After").empty());
  RequestFacts admin = Json();
  admin.client_ip = "203.0.113.7";
  EXPECT_EQ(
      routes_.Submit(admin, R"({"email":"admin@example.com","password":"admin password!"})").status,
      200);
}

TEST_F(LoginRoutesTest, AnAddressSprayingAccountsIsLockedOut) {
  RequestFacts sprayer = Json();
  sprayer.client_ip = "198.51.100.77";
  std::uint32_t limit = fixture_.core.settings().login_address_max_failures;
  for (std::uint32_t i = 0; i < limit; ++i) {
    std::string body = R"({"email":"user)" + std::to_string(i) + R"(@example.com","password":"x"})";
    EXPECT_EQ(routes_.Submit(sprayer, body).status, 401);
  }
  auto locked =
      routes_.Submit(sprayer, R"({"email":"admin@example.com","password":"admin password!"})");
  EXPECT_EQ(locked.status, 429);
}

TEST_F(LoginRoutesTest, CrossSiteLoginPostsAreRefused) {
  RequestFacts facts = Form();
  facts.origin = "https://evil.example";
  auto reply = routes_.Submit(facts, "email=admin%40example.com&password=admin+password%21");
  EXPECT_EQ(reply.status, 403);
  // Scripts without an Origin header may post.
  facts.origin.reset();
  EXPECT_EQ(routes_.Submit(facts, "email=admin%40example.com&password=admin+password%21").status,
            303);
}

TEST_F(LoginRoutesTest, LoginReplacesAPreviousSession) {
  auto first =
      routes_.Submit(Json(), R"({"email":"admin@example.com","password":"admin password!"})");
  RequestFacts again = Json();
  std::string old_token = CookieToken(first);
  again.session_cookie = old_token;
  routes_.Submit(again, R"({"email":"admin@example.com","password":"admin password!"})");
  EXPECT_FALSE(fixture_.core.sessions().Peek(old_token, fixture_.clock.now_ms));
}

TEST_F(LoginRoutesTest, LogoutEndsTheSession) {
  auto login =
      routes_.Submit(Json(), R"({"email":"admin@example.com","password":"admin password!"})");
  std::string token = CookieToken(login);
  RequestFacts browser = SameOriginRequest("GET", "/logout");
  browser.accept = "text/html";
  browser.session_cookie = token;
  auto reply = routes_.Logout(browser);
  EXPECT_EQ(reply.status, 303);
  EXPECT_EQ(HeaderOf(reply, "Location"), "/login");
  EXPECT_EQ(HeaderOf(reply, "Set-Cookie").rfind("sr_session=; Max-Age=0", 0), 0u);
  EXPECT_FALSE(fixture_.core.sessions().Peek(token, fixture_.clock.now_ms));

  RequestFacts api = SameOriginRequest("POST", "/logout");
  api.accept = "application/json";
  auto json = routes_.Logout(api);
  EXPECT_EQ(json.status, 200);
  EXPECT_EQ(json.body, "{\"ok\":true}");
}

TEST_F(LoginRoutesTest, LoginsAndFailuresAreAudited) {
  routes_.Submit(Json(), R"({"email":"admin@example.com","password":"wrong"})");
  routes_.Submit(Json(), R"({"email":"admin@example.com","password":"admin password!"})");
  auto page = fixture_.core.audit().Page(10, std::nullopt);
  ASSERT_EQ(page.entries.size(), 2u);
  EXPECT_EQ(page.entries[0].action, "login.success");
  EXPECT_EQ(page.entries[0].actor, "admin@example.com");
  EXPECT_EQ(page.entries[0].ip, "192.0.2.10");
  EXPECT_EQ(page.entries[1].action, "login.failure");
  EXPECT_EQ(page.entries[1].target, "admin@example.com");
  for (const AuditEntry& entry : page.entries) {
    EXPECT_EQ(entry.detail.find("wrong\""), std::string::npos);  // never the password tried
  }
}

TEST_F(LoginRoutesTest, AStoreThatCannotKeepSessionsAnswers503) {
  fixture_.store.SetFailing(true);
  auto reply =
      routes_.Submit(Json(), R"({"email":"admin@example.com","password":"admin password!"})");
  EXPECT_EQ(reply.status, 503);
  EXPECT_FALSE(fixture_.warnings.empty());
}

TEST_F(LoginRoutesTest, OldHashesAreUpgradedOnLogin) {
  PasswordHasher weaker(Argon2Limits{1, Argon2Limits::Minimum().memlimit_bytes});
  AuthSettings settings = testing::FastSettings();
  settings.argon2 = Argon2Limits{2, Argon2Limits::Minimum().memlimit_bytes};
  CoreFixture fixture(settings);
  auto user = *fixture.core.users().Create("u@example.com", Role::kViewer,
                                           weaker.Hash("a long password"), 1);
  LoginRoutes routes(fixture.core);
  EXPECT_EQ(
      routes.Submit(Json(), R"({"email":"u@example.com","password":"a long password"})").status,
      200);
  std::string upgraded = fixture.core.users().FindById(user.id)->password_hash;
  EXPECT_FALSE(fixture.core.hasher().NeedsRehash(upgraded));
  EXPECT_EQ(fixture.core.users().FindById(user.id)->generation, user.generation);
}

}  // namespace
}  // namespace sr::auth
