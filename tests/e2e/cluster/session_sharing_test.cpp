// A dashboard login is valid on every master: behind a load balancer the browser's next
// request may land anywhere. A sign-out on one master ends the session on all of them.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <strings.h>

#include "cluster.h"
#include "fleet_api.h"
#include "http_client.h"

namespace sr::test::cluster {
namespace {

using namespace std::chrono_literals;

struct Session {
  std::string cookie;  // the sr_session value
  std::string csrf;
};

std::string JsonString(const std::string& body, const char* name) {
  rapidjson::Document document;
  document.Parse(body.c_str(), body.size());
  if (document.HasParseError() || !document.IsObject() || !document.HasMember(name) ||
      !document[name].IsString()) {
    return "";
  }
  return document[name].GetString();
}

Session SignIn(std::uint16_t port) {
  HttpResponse response =
      Fetch(port, "POST", "/login",
            std::string(R"({"email":")")
                .append(kAdminEmail)
                .append(R"(","password":")")
                .append(kAdminPassword)
                .append(R"("})"),
            {{"Content-Type", "application/json"}});
  Session session;
  for (const auto& [name, value] : response.headers) {
    if (strcasecmp(name.c_str(), "Set-Cookie") != 0) continue;
    const std::string prefix = "sr_session=";
    if (value.rfind(prefix, 0) == 0) {
      session.cookie = value.substr(prefix.size(), value.find(';') - prefix.size());
    }
  }
  session.csrf = JsonString(response.body, "csrf_token");
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_FALSE(session.cookie.empty());
  return session;
}

// The headers of the dashboard's own scripts, on the master at `port` (a write also sends the
// CSRF token and the page's origin).
HttpClient::Headers SessionHeaders(const Session& session, std::uint16_t port, bool write) {
  HttpClient::Headers headers{{"Cookie", std::string("sr_session=").append(session.cookie)},
                              {"Accept", "application/json"}};
  if (write) {
    headers.emplace_back("X-CSRF-Token", session.csrf);
    headers.emplace_back("Origin", std::string("http://127.0.0.1:").append(std::to_string(port)));
  }
  return headers;
}

TEST_F(ClusterTest, ASessionFromHostAIsValidOnHostBUntilItSignsOut) {
  ASSERT_TRUE(StartMasters(2));
  const std::uint16_t a = master(0).port();
  const std::uint16_t b = master(1).port();
  Session session = SignIn(a);
  ASSERT_FALSE(session.cookie.empty());

  // Read on B: the session is known there at once (read through on a miss).
  HttpResponse me = Fetch(b, "GET", "/api/me", "", SessionHeaders(session, b, false));
  EXPECT_EQ(me.status, 200) << me.body;
  EXPECT_NE(me.body.find(kAdminEmail), std::string::npos) << me.body;

  // Write on B with A's CSRF token: deleting a spawner registered on A.
  std::uint64_t id = RegisterOrFail(a);
  HttpClient on_b(b);
  ASSERT_TRUE(Eventually([&] { return Lookup(on_b, id) == 200; }, 2s));
  HttpResponse deleted = Fetch(b, "DELETE", std::string("/api/spawners/").append(std::to_string(id)),
                               "", SessionHeaders(session, b, true));
  EXPECT_EQ(deleted.status, 200) << deleted.body;

  // Signing out on A ends the session on B as well, within a second or so.
  HttpResponse out = Fetch(a, "POST", "/logout", "", SessionHeaders(session, a, true));
  EXPECT_EQ(out.status, 200) << out.body;
  EXPECT_EQ(Fetch(a, "GET", "/api/me", "", SessionHeaders(session, a, false)).status, 401);
  EXPECT_TRUE(Eventually(
      [&] { return Fetch(b, "GET", "/api/me", "", SessionHeaders(session, b, false)).status == 401; },
      2s))
      << "host B still accepts a session that signed out on host A";
}

}  // namespace
}  // namespace sr::test::cluster
