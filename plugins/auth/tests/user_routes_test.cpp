#include "user_routes.h"

#include <gtest/gtest.h>

#include "account_routes.h"
#include "audit_routes.h"
#include "core_fixture.h"
#include "session_authenticator.h"

namespace sr::auth {
namespace {

using testing::CoreFixture;

class UserRoutesTest : public ::testing::Test {
 protected:
  UserRoutesTest() {
    admin_ = fixture_.AddUser("admin@example.com", Role::kAdmin, "admin password!");
    caller_.user = admin_.email;
    caller_.role = "admin";
    caller_.auth = "session";
  }
  std::optional<SignedInUser> Resolve(const std::string& token) {
    return ResolveSession(fixture_.core.sessions(), fixture_.core.users(), token,
                          fixture_.clock.now_ms, false);
  }

  CoreFixture fixture_;
  UserRoutes routes_{fixture_.core};
  User admin_;
  Caller caller_;
};

TEST_F(UserRoutesTest, CreatesListsAndNeverShowsHashes) {
  auto created = routes_.Create(
      caller_, "192.0.2.1",
      R"({"email":"Op@Example.com","password":"operator password","role":"operator"})");
  EXPECT_EQ(created.status, 201);
  EXPECT_NE(created.body.find("\"email\":\"op@example.com\""), std::string::npos);
  EXPECT_NE(created.body.find("\"role\":\"operator\""), std::string::npos);
  auto list = routes_.List();
  EXPECT_EQ(list.status, 200);
  EXPECT_NE(list.body.find("op@example.com"), std::string::npos);
  EXPECT_EQ(list.body.find("argon2"), std::string::npos);
  EXPECT_EQ(list.body.find("password"), std::string::npos);

  auto viewer =
      routes_.Create(caller_, "ip", R"({"email":"v@example.com","password":"viewer password"})");
  EXPECT_NE(viewer.body.find("\"role\":\"viewer\""), std::string::npos);  // the default role
}

TEST_F(UserRoutesTest, ValidatesInput) {
  EXPECT_EQ(routes_.Create(caller_, "ip", "not json").status, 400);
  EXPECT_EQ(routes_.Create(caller_, "ip", R"({"email":"x@example.com"})").status, 400);
  EXPECT_EQ(routes_.Create(caller_, "ip", R"({"email":"bad","password":"long enough pw"})").status,
            400);
  EXPECT_EQ(routes_.Create(caller_, "ip", R"({"email":"x@example.com","password":"short"})").status,
            400);
  EXPECT_EQ(routes_
                .Create(caller_, "ip",
                        R"({"email":"x@example.com","password":"long enough pw","role":"god"})")
                .status,
            400);
  EXPECT_EQ(routes_
                .Create(caller_, "ip",
                        R"({"email":"x@example.com","password":"long enough pw","admin":true})")
                .status,
            400);
  EXPECT_EQ(
      routes_.Create(caller_, "ip", R"({"email":"admin@example.com","password":"long enough pw"})")
          .status,
      409);
  EXPECT_EQ(routes_.Update(caller_, "ip", "1", R"({"role":"root"})").status, 400);
  EXPECT_EQ(routes_.Update(caller_, "ip", "1", R"({"disabled":"yes"})").status, 400);
  EXPECT_EQ(routes_.Update(caller_, "ip", "1", R"({"password":"x"})").status, 400);
  EXPECT_EQ(routes_.Update(caller_, "ip", "1", R"({})").status, 400);
  EXPECT_EQ(routes_.Update(caller_, "ip", "abc", R"({"role":"viewer"})").status, 404);
  EXPECT_EQ(routes_.Update(caller_, "ip", "01", R"({"role":"viewer"})").status, 404);
  EXPECT_EQ(routes_.Update(caller_, "ip", "+1", R"({"role":"viewer"})").status, 404);
  EXPECT_EQ(routes_.Update(caller_, "ip", "99", R"({"role":"viewer"})").status, 404);
  EXPECT_EQ(routes_.Delete(caller_, "ip", "99").status, 404);
  EXPECT_EQ(routes_.ResetPassword(caller_, "ip", "99", R"({"password":"long enough pw"})").status,
            404);
  EXPECT_EQ(routes_.ResetPassword(caller_, "ip", "1", R"({"password":"short"})").status, 400);
}

TEST_F(UserRoutesTest, TheLastAdminCannotBeRemovedDisabledOrDemoted) {
  std::string id = std::to_string(admin_.id);
  auto demote = routes_.Update(caller_, "ip", id, R"({"role":"operator"})");
  EXPECT_EQ(demote.status, 409);
  EXPECT_NE(demote.error->find("last enabled admin"), std::string::npos);
  EXPECT_EQ(routes_.Update(caller_, "ip", id, R"({"disabled":true})").status, 409);
  EXPECT_EQ(routes_.Delete(caller_, "ip", id).status, 409);
  routes_.Create(caller_, "ip",
                 R"({"email":"second@example.com","password":"second password","role":"admin"})");
  EXPECT_EQ(routes_.Update(caller_, "ip", id, R"({"role":"operator"})").status, 200);
}

TEST_F(UserRoutesTest, DisablingDeletingAndResettingEndSessions) {
  auto a = fixture_.AddUser("a@example.com", Role::kViewer, "a long password");
  auto b = fixture_.AddUser("b@example.com", Role::kViewer, "b long password");
  auto c = fixture_.AddUser("c@example.com", Role::kViewer, "c long password");
  auto now = fixture_.clock.now_ms;
  auto sa = fixture_.core.sessions().Create(a.id, a.generation, now);
  auto sb = fixture_.core.sessions().Create(b.id, b.generation, now);
  auto sc = fixture_.core.sessions().Create(c.id, c.generation, now);

  EXPECT_EQ(routes_.Update(caller_, "ip", std::to_string(a.id), R"({"disabled":true})").status,
            200);
  EXPECT_FALSE(Resolve(sa.token));
  EXPECT_EQ(routes_.Delete(caller_, "ip", std::to_string(b.id)).status, 200);
  EXPECT_FALSE(Resolve(sb.token));
  EXPECT_EQ(
      routes_
          .ResetPassword(caller_, "ip", std::to_string(c.id), R"({"password":"a brand new one"})")
          .status,
      200);
  EXPECT_FALSE(Resolve(sc.token));
  EXPECT_EQ(fixture_.core.sessions().size(), 0u);

  auto audit = fixture_.core.audit().Page(10, std::nullopt);
  ASSERT_EQ(audit.entries.size(), 3u);
  EXPECT_EQ(audit.entries[0].action, "user.password_reset");
  EXPECT_EQ(audit.entries[1].action, "user.delete");
  EXPECT_EQ(audit.entries[2].action, "user.update");
  EXPECT_EQ(audit.entries[2].detail, "disabled=true");
  EXPECT_EQ(audit.entries[2].actor, "admin@example.com");
}

TEST_F(UserRoutesTest, AFailingStoreAnswers503) {
  fixture_.store.SetFailing(true);
  EXPECT_EQ(
      routes_.Create(caller_, "ip", R"({"email":"x@example.com","password":"long enough pw"})")
          .status,
      503);
  EXPECT_EQ(AuditPageReply(fixture_.core, std::nullopt, std::nullopt).status, 503);
}

TEST_F(UserRoutesTest, AuditPagesValidateTheirParameters) {
  for (int i = 0; i < 5; ++i) fixture_.core.Audit(AuditEntry{0, 0, "a", "x", "", "", ""});
  auto page = AuditPageReply(fixture_.core, "2", std::nullopt);
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("\"next_before\":4"), std::string::npos);
  EXPECT_NE(page.body.find("\"time\":\""), std::string::npos);
  EXPECT_NE(AuditPageReply(fixture_.core, "2", "4").body.find("\"sequence\":3"), std::string::npos);
  EXPECT_EQ(AuditPageReply(fixture_.core, "0", std::nullopt).status, 400);
  EXPECT_EQ(AuditPageReply(fixture_.core, "5000", std::nullopt).status, 400);
  EXPECT_EQ(AuditPageReply(fixture_.core, "x", std::nullopt).status, 400);
  EXPECT_EQ(AuditPageReply(fixture_.core, std::nullopt, "-1").status, 400);
}

class AccountRoutesTest : public UserRoutesTest {
 protected:
  AccountRoutes account_{fixture_.core};
};

TEST_F(AccountRoutesTest, MeDescribesSessionsAndKeys) {
  caller_.csrf = "the-csrf-token";
  auto me = account_.Me(caller_);
  EXPECT_EQ(me.status, 200);
  EXPECT_NE(me.body.find("\"email\":\"admin@example.com\""), std::string::npos);
  EXPECT_NE(me.body.find("\"csrf_token\":\"the-csrf-token\""), std::string::npos);
  Caller key{"key:deploy", "operator", "api-key", ""};
  auto key_me = account_.Me(key);
  EXPECT_NE(key_me.body.find("\"name\":\"key:deploy\""), std::string::npos);
  EXPECT_EQ(key_me.body.find("csrf_token"), std::string::npos);
}

TEST_F(AccountRoutesTest, ChangingTheOwnPasswordRotatesEverySession) {
  auto now = fixture_.clock.now_ms;
  auto mine = fixture_.core.sessions().Create(admin_.id, admin_.generation, now);
  auto other_browser = fixture_.core.sessions().Create(admin_.id, admin_.generation, now);
  RequestFacts request = testing::SameOriginRequest("POST", "/api/me/password");
  request.session_cookie = mine.token;

  EXPECT_EQ(account_
                .ChangePassword(caller_, request,
                                R"({"current_password":"wrong",)"
                                R"("new_password":"new admin password"})")
                .status,
            403);
  EXPECT_EQ(account_
                .ChangePassword(caller_, request,
                                R"({"current_password":"admin password!",)"
                                R"("new_password":"short"})")
                .status,
            400);
  EXPECT_EQ(account_.ChangePassword(caller_, request, R"({"new_password":"x"})").status, 400);
  auto reply = account_.ChangePassword(
      caller_, request,
      R"({"current_password":"admin password!","new_password":"new admin password"})");
  ASSERT_EQ(reply.status, 200);
  EXPECT_FALSE(Resolve(mine.token));
  EXPECT_FALSE(Resolve(other_browser.token));
  std::string cookie;
  for (const HeaderField& header : reply.headers) {
    if (header.name == "Set-Cookie") cookie = header.value;
  }
  std::string token = cookie.substr(11, cookie.find(';') - 11);
  auto fresh = Resolve(token);
  ASSERT_TRUE(fresh);
  EXPECT_NE(reply.body.find(fresh->session.csrf_token), std::string::npos);
  EXPECT_TRUE(fixture_.core.hasher().Verify(fresh->user.password_hash, "new admin password"));
}

TEST_F(AccountRoutesTest, GuessingTheCurrentPasswordIsRateLimited) {
  RequestFacts request = testing::SameOriginRequest("POST", "/api/me/password");
  for (int i = 0; i < 3; ++i) {
    account_.ChangePassword(caller_, request,
                            R"({"current_password":"guess","new_password":"new admin password"})");
  }
  auto limited = account_.ChangePassword(
      caller_, request,
      R"({"current_password":"admin password!","new_password":"new admin password"})");
  EXPECT_EQ(limited.status, 429);
}

TEST_F(AccountRoutesTest, ApiKeysCannotChangePasswords) {
  Caller key{"key:deploy", "admin", "api-key", ""};
  EXPECT_EQ(account_.ChangePassword(key, testing::SameOriginRequest("POST", "/x"), "{}").status,
            403);
}

}  // namespace
}  // namespace sr::auth
