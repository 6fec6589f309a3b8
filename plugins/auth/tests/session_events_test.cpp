// Every way a session ends (or its rights change) publishes auth.session_ended, once per
// affected session, so that the streams opened under it can be closed.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "account_routes.h"
#include "core_fixture.h"
#include "login_routes.h"
#include "user_routes.h"

namespace sr::auth {
namespace {

using testing::CoreFixture;
using testing::SameOriginRequest;

struct Event {
  std::string session;
  std::string user;
  std::string reason;
};

class SessionEventsTest : public ::testing::Test {
 protected:
  SessionEventsTest() {
    admin_ = fixture_.AddUser("admin@example.com", Role::kAdmin, "admin password!");
    user_ = fixture_.AddUser("user@example.com", Role::kViewer, "user password!!");
    fixture_.core.SetPublisher([this](std::string_view topic, std::string_view payload) {
      EXPECT_EQ(topic, "auth.session_ended");
      rapidjson::Document document;
      document.Parse(payload.data(), payload.size());
      ASSERT_TRUE(document.IsObject());
      events_.push_back(Event{document["session"].GetString(), document["user"].GetString(),
                              document["reason"].GetString()});
    });
  }

  SessionStore::Issued Open(const User& user) {
    return fixture_.core.sessions().Create(user.id, user.generation, fixture_.clock.now_ms);
  }
  // The events for exactly these sessions, all with `reason` and `email`.
  void ExpectEnded(const std::vector<SessionStore::Issued>& sessions, const std::string& email,
                   const std::string& reason) {
    ASSERT_EQ(events_.size(), sessions.size());
    for (const auto& issued : sessions) {
      std::string sid = SessionIdOf(issued.session);
      bool found = false;
      for (const Event& event : events_) {
        if (event.session != sid) continue;
        found = true;
        EXPECT_EQ(event.user, email);
        EXPECT_EQ(event.reason, reason);
      }
      EXPECT_TRUE(found) << "no event for session " << sid;
    }
    events_.clear();
  }
  std::string Id(const User& user) { return std::to_string(user.id); }

  CoreFixture fixture_;
  User admin_;
  User user_;
  Caller caller_{"admin@example.com", "admin", "session", "csrf"};
  UserRoutes users_{fixture_.core};
  std::vector<Event> events_;
};

TEST_F(SessionEventsTest, Logout) {
  auto session = Open(user_);
  Open(user_);  // another browser of the same user stays signed in
  RequestFacts facts = SameOriginRequest("POST", "/logout");
  facts.session_cookie = session.token;
  facts.accept = "application/json";
  LoginRoutes(fixture_.core).Logout(facts);
  ExpectEnded({session}, "user@example.com", "logout");
}

TEST_F(SessionEventsTest, DisableEndsEverySessionOfTheUser) {
  auto one = Open(user_);
  auto two = Open(user_);
  Open(admin_);
  ASSERT_EQ(users_.Update(caller_, "ip", Id(user_), R"({"disabled":true})").status, 200);
  ExpectEnded({one, two}, "user@example.com", "disabled");
}

TEST_F(SessionEventsTest, Delete) {
  auto one = Open(user_);
  ASSERT_EQ(users_.Delete(caller_, "ip", Id(user_)).status, 200);
  ExpectEnded({one}, "user@example.com", "deleted");
}

TEST_F(SessionEventsTest, RoleChangeAnnouncesButKeepsTheSessions) {
  auto one = Open(user_);
  ASSERT_EQ(users_.Update(caller_, "ip", Id(user_), R"({"role":"operator"})").status, 200);
  ExpectEnded({one}, "user@example.com", "role_changed");
  EXPECT_TRUE(fixture_.core.sessions().Peek(one.token, fixture_.clock.now_ms));
  // The same role again changes no rights: nothing to announce.
  ASSERT_EQ(users_.Update(caller_, "ip", Id(user_), R"({"role":"operator"})").status, 200);
  EXPECT_TRUE(events_.empty());
}

TEST_F(SessionEventsTest, AdminPasswordReset) {
  auto one = Open(user_);
  ASSERT_EQ(
      users_.ResetPassword(caller_, "ip", Id(user_), R"({"password":"a brand new one"})").status,
      200);
  ExpectEnded({one}, "user@example.com", "password_changed");
}

TEST_F(SessionEventsTest, OwnPasswordChange) {
  auto current = Open(user_);
  auto other = Open(user_);
  Caller self{"user@example.com", "viewer", "session", current.session.csrf_token};
  auto reply = AccountRoutes(fixture_.core)
                   .ChangePassword(self, SameOriginRequest("POST", "/api/me/password"),
                                   R"({"current_password":"user password!!",)"
                                   R"("new_password":"another password"})");
  ASSERT_EQ(reply.status, 200);
  ExpectEnded({current, other}, "user@example.com", "password_changed");
}

TEST_F(SessionEventsTest, ExpiryByIdleTimeoutAndByLifetime) {
  const SessionLimits& limits = fixture_.core.settings().sessions;
  auto idle = Open(user_);
  auto busy = Open(admin_);
  fixture_.core.AnnounceExpired();
  EXPECT_TRUE(events_.empty());
  // Keep `busy` alive past the idle timeout of `idle`.
  fixture_.clock.Advance(limits.idle_timeout_ms / 2);
  fixture_.core.sessions().Touch(busy.token, fixture_.clock.now_ms);
  fixture_.clock.Advance(limits.idle_timeout_ms / 2);
  fixture_.core.AnnounceExpired();
  ExpectEnded({idle}, "user@example.com", "expired");
  // Touched often enough, `busy` still ends with its lifetime.
  while (fixture_.clock.now_ms < busy.session.created_ms + limits.lifetime_ms) {
    fixture_.clock.Advance(limits.idle_timeout_ms / 2);
    fixture_.core.sessions().Touch(busy.token, fixture_.clock.now_ms);
    fixture_.core.AnnounceExpired();
  }
  fixture_.core.AnnounceExpired();
  ExpectEnded({busy}, "admin@example.com", "expired");
  fixture_.core.AnnounceExpired();
  EXPECT_TRUE(events_.empty());  // once per session
}

TEST_F(SessionEventsTest, ASessionFoundExpiredOnUseIsStillAnnounced) {
  auto idle = Open(user_);
  fixture_.clock.Advance(fixture_.core.settings().sessions.idle_timeout_ms);
  EXPECT_FALSE(fixture_.core.sessions().Peek(idle.token, fixture_.clock.now_ms));
  fixture_.core.AnnounceExpired();
  ExpectEnded({idle}, "user@example.com", "expired");
}

TEST_F(SessionEventsTest, EvictionByMaxSessionsPerUserIsAnnounced) {
  AuthSettings settings = testing::FastSettings();
  settings.sessions.max_per_user = 1;
  CoreFixture fixture(settings);
  std::vector<std::string> reasons;
  fixture.core.SetPublisher(
      [&reasons](std::string_view, std::string_view payload) { reasons.emplace_back(payload); });
  User user = fixture.AddUser("u@example.com", Role::kViewer, "user password!!");
  auto first = fixture.core.sessions().Create(user.id, user.generation, fixture.clock.now_ms);
  fixture.core.sessions().Create(user.id, user.generation, fixture.clock.now_ms);
  fixture.core.AnnounceExpired();
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_NE(reasons[0].find(SessionIdOf(first.session)), std::string::npos);
}

}  // namespace
}  // namespace sr::auth
