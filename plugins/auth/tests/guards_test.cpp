#include "guards.h"

#include <gtest/gtest.h>

#include "cookies.h"
#include "core_fixture.h"
#include "security_headers.h"

namespace sr::auth {
namespace {

using testing::CoreFixture;
using testing::SameOriginRequest;
using Decision = GuardVerdict::Decision;

std::string HeaderOf(const HttpReply& reply, std::string_view name) {
  for (const HeaderField& header : reply.headers) {
    if (header.name == name) return header.value;
  }
  return "";
}

std::string AttributeOf(const GuardVerdict& verdict, std::string_view name) {
  for (const HeaderField& attribute : verdict.granted()) {
    if (attribute.name == name) return attribute.value;
  }
  return "";
}

class ApiKeyGuardTest : public ::testing::Test {
 protected:
  ApiKeyGuardTest() {
    verifier_.AddKey("spawners", "spawner-key-0123456789", Role::kSpawner);
    verifier_.AddKey("ops", "operator-key-0123456789", Role::kOperator);
    verifier_.AddKey("root", "admin-key-0123456789", Role::kAdmin);
  }
  GuardVerdict Check(std::optional<std::string_view> key, std::string_view argument = "",
                     std::string_view method = "GET") {
    RequestFacts facts;
    facts.method = method;
    facts.path = "/api/spawners";
    facts.client_ip = "198.51.100.7";
    facts.api_key = key;
    return guard_.Check(facts, argument);
  }

  CoreFixture fixture_;
  ApiKeyVerifier verifier_;
  ApiKeyGuard guard_{verifier_, fixture_.core};
};

TEST_F(ApiKeyGuardTest, AllowsValidKeysAndRecordsWhoCalled) {
  auto verdict = Check("spawner-key-0123456789");
  ASSERT_EQ(verdict.decision, Decision::kAllow);
  EXPECT_EQ(AttributeOf(verdict, "user"), "key:spawners");
  EXPECT_EQ(AttributeOf(verdict, "role"), "spawner");
  EXPECT_EQ(AttributeOf(verdict, "auth"), "api-key");
}

TEST_F(ApiKeyGuardTest, AbstainsWithoutAKeyAndDeniesAWrongOne) {
  auto missing = Check(std::nullopt);
  EXPECT_EQ(missing.decision, Decision::kAbstain);
  EXPECT_EQ(missing.reply.status, 401);
  EXPECT_EQ(missing.reply.error, "missing X-API-Key header");
  EXPECT_EQ(Check("").decision, Decision::kAbstain);
  auto wrong = Check("spawner-key-012345678");
  EXPECT_EQ(wrong.decision, Decision::kDeny);
  EXPECT_EQ(wrong.reply.status, 401);
  EXPECT_EQ(wrong.reply.error, "invalid API key");
}

TEST_F(ApiKeyGuardTest, RoleArgumentsNeedThatRoleOrHigher) {
  EXPECT_EQ(Check("spawner-key-0123456789", "operator").reply.status, 403);
  EXPECT_EQ(Check("operator-key-0123456789", "operator").decision, Decision::kAllow);
  EXPECT_EQ(Check("admin-key-0123456789", "operator").decision, Decision::kAllow);
  EXPECT_EQ(Check("operator-key-0123456789", "admin").reply.status, 403);
  EXPECT_EQ(Check("admin-key-0123456789", "admin").decision, Decision::kAllow);
  auto unknown = Check("admin-key-0123456789", "superuser");
  EXPECT_EQ(unknown.decision, Decision::kDeny);
  EXPECT_EQ(unknown.reply.status, 500);
}

TEST_F(ApiKeyGuardTest, NeedsNoCsrfTokenForStateChangingRequests) {
  EXPECT_EQ(Check("operator-key-0123456789", "", "DELETE").decision, Decision::kAllow);
  EXPECT_EQ(Check("operator-key-0123456789", "", "POST").decision, Decision::kAllow);
}

TEST_F(ApiKeyGuardTest, LocksOutAnAddressThatGuessesTooOften) {
  AuthSettings settings = testing::FastSettings();
  settings.api_key_limit.free_failures = 2;
  settings.api_key_limit.base_lockout_ms = 5'000;
  CoreFixture fixture(settings);
  ApiKeyGuard guard(verifier_, fixture.core);
  RequestFacts facts;
  facts.method = "GET";
  facts.client_ip = "203.0.113.9";
  facts.api_key = "guess";
  EXPECT_EQ(guard.Check(facts, "").reply.status, 401);
  EXPECT_EQ(guard.Check(facts, "").reply.status, 401);
  facts.api_key = "admin-key-0123456789";
  auto locked = guard.Check(facts, "");  // even the right key learns nothing now
  EXPECT_EQ(locked.reply.status, 429);
  EXPECT_EQ(HeaderOf(locked.reply, "Retry-After"), "5");
  fixture.clock.Advance(5'000);
  EXPECT_EQ(guard.Check(facts, "").decision, Decision::kAllow);
}

TEST_F(ApiKeyGuardTest, RecordsTheKeyName) {
  auto verdict = Check("admin-key-0123456789");
  ASSERT_EQ(verdict.decision, Decision::kAllow);
  EXPECT_EQ(AttributeOf(verdict, "key"), "root");
  EXPECT_EQ(AttributeOf(verdict, "user"), "key:root");
  EXPECT_EQ(AttributeOf(verdict, "role"), "admin");
}

TEST(ApiKeyHeaders, BearerIsAcceptedXApiKeyWins) {
  EXPECT_EQ(BearerCredential("Bearer abc"), "abc");
  EXPECT_EQ(BearerCredential("bearer  abc "), "abc");
  EXPECT_FALSE(BearerCredential("Basic abc"));
  EXPECT_FALSE(BearerCredential("Bearer "));
  EXPECT_FALSE(BearerCredential("Bearerabc"));
  EXPECT_EQ(PresentedApiKey(std::nullopt, "Bearer tok"), "tok");
  EXPECT_EQ(PresentedApiKey("key", "Bearer tok"), "key");
  EXPECT_FALSE(PresentedApiKey(std::nullopt, std::nullopt));
}

TEST(ApiKeyNetworks, AKeyIsValidOnlyFromItsNetworks) {
  CoreFixture fixture;
  ApiKeyVerifier verifier;
  verifier.AddKey("lan", "lan-key-0123456789abc", Role::kSpawner,
                  *sr::net::CidrSet::Parse({"10.0.0.0/8", "fd00::/8"}));
  ApiKeyGuard guard(verifier, fixture.core);
  RequestFacts facts;
  facts.method = "POST";
  facts.api_key = "lan-key-0123456789abc";
  facts.client_ip = "10.1.2.3";
  EXPECT_EQ(guard.Check(facts, "").decision, Decision::kAllow);
  facts.client_ip = "fd00::5";
  EXPECT_EQ(guard.Check(facts, "").decision, Decision::kAllow);
  facts.client_ip = "192.0.2.1";
  auto outside = guard.Check(facts, "");
  EXPECT_EQ(outside.decision, Decision::kDeny);
  EXPECT_EQ(outside.reply.status, 403);
  EXPECT_NE(outside.reply.error->find("not valid from this address"), std::string::npos);
  // A refusal by address is no guess: it never counts toward the API key lockout.
  for (int i = 0; i < 50; ++i) guard.Check(facts, "");
  EXPECT_EQ(fixture.core.api_key_failures_by_ip().tracked(), 0u);
}

class SpawnerTokenTest : public ::testing::Test {
 protected:
  SpawnerTokenTest() { verifier_.AddKey("master", "master-key-0123456789", Role::kSpawner); }
  // A stand-in for the spawner-credentials service: one token, of spawner 7.
  SpawnerTokenCheck FakeService() {
    return [this](std::string_view token) -> std::optional<std::uint64_t> {
      ++calls_;
      if (token == "srt_7_secret") return 7;
      return std::nullopt;
    };
  }
  GuardVerdict Check(std::string_view key, std::string_view argument = "") {
    RequestFacts facts;
    facts.method = "POST";
    facts.client_ip = "198.51.100.8";
    facts.api_key = key;
    return guard_.Check(facts, argument);
  }

  int calls_ = 0;
  CoreFixture fixture_;
  ApiKeyVerifier verifier_;
  ApiKeyGuard guard_{verifier_, fixture_.core, FakeService()};
};

TEST_F(SpawnerTokenTest, ALiveTokenAuthenticatesAsItsSpawner) {
  auto verdict = Check("srt_7_secret");
  ASSERT_EQ(verdict.decision, Decision::kAllow);
  EXPECT_EQ(AttributeOf(verdict, "user"), "spawner:7");
  EXPECT_EQ(AttributeOf(verdict, "role"), "spawner");
  EXPECT_EQ(AttributeOf(verdict, "auth"), "spawner-token");
  EXPECT_EQ(AttributeOf(verdict, "spawner_id"), "7");
  EXPECT_EQ(Check("srt_7_secret", "spawner").decision, Decision::kAllow);
  EXPECT_EQ(Check("srt_7_secret", "operator").reply.status, 403);
}

TEST_F(SpawnerTokenTest, ConfiguredKeysDoNotReachTheService) {
  EXPECT_EQ(AttributeOf(Check("master-key-0123456789"), "key"), "master");
  EXPECT_EQ(calls_, 0);
}

TEST_F(SpawnerTokenTest, AWrongTokenIsAWrongKey) {
  auto wrong = Check("srt_7_guess");
  EXPECT_EQ(wrong.reply.status, 401);
  EXPECT_EQ(wrong.reply.error, "invalid API key");
  EXPECT_EQ(fixture_.core.api_key_failures_by_ip().tracked(), 1u);
}

class SessionGuardTest : public ::testing::Test {
 protected:
  SessionGuardTest() {
    viewer_ = fixture_.AddUser("viewer@example.com", Role::kViewer, "viewer password");
    admin_ = fixture_.AddUser("admin@example.com", Role::kAdmin, "admin password!");
    viewer_session_ =
        fixture_.core.sessions().Create(viewer_.id, viewer_.generation, fixture_.clock.now_ms);
    admin_session_ =
        fixture_.core.sessions().Create(admin_.id, admin_.generation, fixture_.clock.now_ms);
  }
  RequestFacts Request(std::string_view method, const SessionStore::Issued& session) {
    RequestFacts facts = SameOriginRequest(method, "/api/users");
    facts.session_cookie = session.token;
    facts.csrf_token = session.session.csrf_token;
    return facts;
  }

  CoreFixture fixture_;
  SessionGuard guard_{fixture_.core};
  User viewer_;
  User admin_;
  SessionStore::Issued viewer_session_;
  SessionStore::Issued admin_session_;
};

TEST_F(SessionGuardTest, AllowsASignedInUserAndRecordsWhoCalled) {
  auto verdict = guard_.Check(Request("GET", viewer_session_), "");
  ASSERT_EQ(verdict.decision, Decision::kAllow);
  EXPECT_EQ(AttributeOf(verdict, "user"), "viewer@example.com");
  EXPECT_EQ(AttributeOf(verdict, "role"), "viewer");
  EXPECT_EQ(AttributeOf(verdict, "auth"), "session");
  EXPECT_EQ(AttributeOf(verdict, "csrf"), viewer_session_.session.csrf_token);
}

TEST_F(SessionGuardTest, RecordsAStableNonSecretSessionId) {
  auto first = guard_.Check(Request("GET", viewer_session_), "");
  std::string sid = AttributeOf(first, "session");
  ASSERT_EQ(sid.size(), 32u);
  EXPECT_EQ(sid.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(sid, SessionIdOf(viewer_session_.session));
  EXPECT_EQ(viewer_session_.token.find(sid), std::string::npos);
  fixture_.clock.Advance(1'000);
  EXPECT_EQ(AttributeOf(guard_.Check(Request("GET", viewer_session_), ""), "session"), sid);
  EXPECT_NE(AttributeOf(guard_.Check(Request("GET", admin_session_), ""), "session"), sid);
}

TEST_F(SessionGuardTest, RedirectsBrowsersAndAnswersApiCallsWith401) {
  RequestFacts browser = SameOriginRequest("GET", "/errors");
  browser.query = "page=2";
  browser.accept = "text/html,application/xhtml+xml;q=0.9";
  auto redirected = guard_.Check(browser, "");
  EXPECT_EQ(redirected.decision, Decision::kAbstain);
  EXPECT_EQ(redirected.reply.status, 303);
  EXPECT_EQ(HeaderOf(redirected.reply, "Location"), "/login?next=%2Ferrors%3Fpage%3D2");

  RequestFacts api = SameOriginRequest("GET", "/api/users");
  api.accept = "application/json";
  auto refused = guard_.Check(api, "");
  EXPECT_EQ(refused.decision, Decision::kAbstain);
  EXPECT_EQ(refused.reply.status, 401);
  EXPECT_TRUE(refused.reply.error);

  // A POST from a browser without a session is not navigation: 401, not a redirect.
  RequestFacts post = SameOriginRequest("POST", "/api/users");
  post.accept = "text/html";
  EXPECT_EQ(guard_.Check(post, "").reply.status, 401);
}

TEST_F(SessionGuardTest, AStaleCookieIsClearedAndTreatedAsNoSession) {
  RequestFacts facts = SameOriginRequest("GET", "/api/users");
  facts.session_cookie = "forged-or-expired";
  auto verdict = guard_.Check(facts, "");
  EXPECT_EQ(verdict.decision, Decision::kAbstain);
  EXPECT_EQ(HeaderOf(verdict.reply, "Set-Cookie").rfind("sr_session=; Max-Age=0", 0), 0u);
}

TEST_F(SessionGuardTest, EnforcesRoles) {
  EXPECT_EQ(guard_.Check(Request("GET", viewer_session_), "viewer").decision, Decision::kAllow);
  auto denied = guard_.Check(Request("GET", viewer_session_), "operator");
  EXPECT_EQ(denied.decision, Decision::kDeny);
  EXPECT_EQ(denied.reply.status, 403);
  EXPECT_EQ(guard_.Check(Request("GET", viewer_session_), "admin").reply.status, 403);
  EXPECT_EQ(guard_.Check(Request("GET", admin_session_), "admin").decision, Decision::kAllow);
  EXPECT_EQ(guard_.Check(Request("GET", admin_session_), "root").reply.status, 500);
  // A role change takes effect on the next request.
  fixture_.core.users().Update(viewer_.id, UserChange{Role::kAdmin, std::nullopt}, 1);
  EXPECT_EQ(guard_.Check(Request("GET", viewer_session_), "admin").decision, Decision::kAllow);
}

TEST_F(SessionGuardTest, StateChangingRequestsNeedTheCsrfTokenAndTheOrigin) {
  EXPECT_EQ(guard_.Check(Request("POST", admin_session_), "admin").decision, Decision::kAllow);

  RequestFacts no_token = Request("POST", admin_session_);
  no_token.csrf_token.reset();
  auto verdict = guard_.Check(no_token, "admin");
  EXPECT_EQ(verdict.decision, Decision::kDeny);
  EXPECT_EQ(verdict.reply.status, 403);
  EXPECT_EQ(verdict.reply.error, "CSRF check failed");

  RequestFacts other_token = Request("DELETE", admin_session_);
  other_token.csrf_token = viewer_session_.session.csrf_token;
  EXPECT_EQ(guard_.Check(other_token, "admin").reply.error, "CSRF check failed");

  RequestFacts cross_site = Request("PATCH", admin_session_);
  cross_site.origin = "https://evil.example";
  EXPECT_EQ(guard_.Check(cross_site, "admin").reply.error, "CSRF check failed");

  RequestFacts no_origin = Request("PUT", admin_session_);
  no_origin.origin.reset();
  EXPECT_EQ(guard_.Check(no_origin, "admin").reply.error, "CSRF check failed");
  no_origin.referer = "https://registry.example/users";
  EXPECT_EQ(guard_.Check(no_origin, "admin").decision, Decision::kAllow);
}

TEST_F(SessionGuardTest, SessionsEndWithTheUsersStateOrTheirTimeouts) {
  auto request = Request("GET", viewer_session_);
  fixture_.clock.Advance(59'000);
  EXPECT_EQ(guard_.Check(request, "").decision, Decision::kAllow);  // and it restarts idling
  fixture_.clock.Advance(59'000);
  EXPECT_EQ(guard_.Check(request, "").decision, Decision::kAllow);
  fixture_.clock.Advance(60'000);
  EXPECT_EQ(guard_.Check(request, "").decision, Decision::kAbstain);  // idle for 60 s

  auto admin = Request("GET", admin_session_);
  fixture_.core.users().SetPasswordHash(admin_.id, "new hash", fixture_.clock.now_ms);
  EXPECT_EQ(guard_.Check(admin, "").decision, Decision::kAbstain);  // password changed
}

TEST_F(SessionGuardTest, ARefusedRequestDoesNotKeepTheSessionAlive) {
  RequestFacts forged = Request("POST", viewer_session_);
  forged.csrf_token.reset();
  fixture_.clock.Advance(50'000);
  EXPECT_EQ(guard_.Check(forged, "").decision, Decision::kDeny);
  fixture_.clock.Advance(20'000);
  EXPECT_EQ(guard_.Check(Request("GET", viewer_session_), "").decision, Decision::kAbstain);
}

TEST(Cookies, AreHttpOnlySameSiteStrictAndSecureWhenAsked) {
  EXPECT_EQ(SessionCookie("tok", 3600, false),
            "sr_session=tok; Max-Age=3600; Path=/; HttpOnly; SameSite=Strict");
  // Secure cookies carry the __Host- prefix (Path=/ and no Domain, as the prefix demands);
  // plain HTTP keeps the old name, since browsers refuse __Host- without Secure.
  EXPECT_EQ(SessionCookie("tok", 60, true),
            "__Host-sr_session=tok; Max-Age=60; Path=/; HttpOnly; SameSite=Strict; Secure");
  EXPECT_EQ(ExpiredSessionCookie(false),
            "sr_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict");
  EXPECT_EQ(ExpiredSessionCookie(true),
            "__Host-sr_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict; Secure");
  EXPECT_EQ(SessionCookieName(true), "__Host-sr_session");
  EXPECT_EQ(SessionCookieName(false), "sr_session");
}

TEST(SecurityHeaders, HstsOnlyOverTls) {
  auto has_hsts = [](const std::vector<HeaderField>& headers) {
    for (const HeaderField& header : headers) {
      if (header.name == "Strict-Transport-Security") return header.value == "max-age=31536000";
    }
    return false;
  };
  EXPECT_TRUE(has_hsts(SecurityHeadersFor("application/json", true)));
  EXPECT_TRUE(has_hsts(SecurityHeadersFor("text/html", true)));
  EXPECT_FALSE(has_hsts(SecurityHeadersFor("application/json", false)));
}

TEST(SecurityHeaders, HtmlGetsTheFullSetEverythingGetsNosniff) {
  auto json = SecurityHeadersFor("application/json", false);
  ASSERT_EQ(json.size(), 1u);
  EXPECT_EQ(json[0].name, "X-Content-Type-Options");
  auto html = SecurityHeadersFor("text/html; charset=utf-8", false);
  ASSERT_EQ(html.size(), 4u);
  EXPECT_EQ(html[1].name, "Content-Security-Policy");
  EXPECT_EQ(html[1].value.find("unsafe-inline"), std::string::npos);
  EXPECT_NE(html[1].value.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(SecurityHeadersFor("TEXT/HTML", false).size(), 4u);
}

}  // namespace
}  // namespace sr::auth
