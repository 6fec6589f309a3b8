// The shared HTTP rules (sr/http/) on their own, at the SDK's C++17: what the conformance
// suite cannot see from outside a host (the error-log message, the arbiter's bookkeeping,
// unloading a plugin's routes).
#include <gtest/gtest.h>
#include <sr/http/error_message.hpp>
#include <sr/http/guard.hpp>
#include <sr/http/route_table.hpp>
#include <sr/http/text.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace {

using sr::http::ErrorMessageFromBody;

TEST(HttpRules, TokenCharactersAreExactlyRfc9110s) {
  const std::string_view specials = "!#$%&'*+-.^_`|~";
  for (int byte = 0; byte < 256; ++byte) {
    const char c = static_cast<char>(byte);
    const bool expected = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
                          (byte >= '0' && byte <= '9') ||
                          (byte < 128 && specials.find(c) != std::string_view::npos);
    EXPECT_EQ(sr::http::IsTokenChar(c), expected) << "byte " << byte;
  }
}

TEST(HttpRules, ErrorMessageComesFromAJsonErrorField) {
  EXPECT_EQ(ErrorMessageFromBody("application/json", "{\"error\":\"no such spawner\"}", 404),
            "no such spawner");
  EXPECT_EQ(ErrorMessageFromBody("application/json; charset=utf-8",
                                 "{ \"error\" :\t\"say \\\"hi\\\"\" }", 400),
            "say \"hi\"");
  EXPECT_EQ(
      ErrorMessageFromBody("application/json", "{\"error\":\"" + std::string(600, 'x') + "\"}", 400)
          .size(),
      512u);
}

TEST(HttpRules, ErrorMessageFallsBackToTheReasonPhrase) {
  EXPECT_EQ(ErrorMessageFromBody("text/html", "<p>\"error\": \"hidden\"</p>", 500),
            "Internal Server Error");
  EXPECT_EQ(ErrorMessageFromBody("application/json", "{\"error\":\"\"}", 403), "Forbidden");
  EXPECT_EQ(ErrorMessageFromBody("application/json", "{\"error\": 5}", 418), "Unknown");
  EXPECT_EQ(ErrorMessageFromBody("", "", 503), "Service Unavailable");
}

struct Response {
  int status = 200;
  bool touched = false;
};
using Arbiter = sr::http::GuardArbiter<Response>;

TEST(HttpRules, AmongAbstentionsARedirectWinsWhereverItComes) {
  Arbiter later;
  later.Abstained(Response{401, true});
  later.Abstained(Response{302, true});
  later.Abstained(Response{303, true});  // the first redirect is kept
  ASSERT_EQ(later.Conclude(), Arbiter::Outcome::kGuardResponse);
  EXPECT_EQ(later.TakeChosen().status, 302);

  Arbiter earlier;
  earlier.Abstained(Response{302, true});
  earlier.Abstained(Response{401, true});
  ASSERT_EQ(earlier.Conclude(), Arbiter::Outcome::kGuardResponse);
  EXPECT_EQ(earlier.TakeChosen().status, 302);
}

TEST(HttpRules, TheFirstDenialBeatsEveryAbstention) {
  Arbiter arbiter;
  arbiter.Abstained(Response{302, true});
  arbiter.Denied(Response{403, true});
  arbiter.Denied(Response{429, true});
  ASSERT_EQ(arbiter.Conclude(), Arbiter::Outcome::kGuardResponse);
  EXPECT_EQ(arbiter.TakeChosen().status, 403);
}

TEST(HttpRules, UntouchedOrMissingGuardsGive401Or503) {
  Arbiter untouched;
  untouched.Missing("absent");
  untouched.Denied(Response{});
  EXPECT_EQ(untouched.Conclude(), Arbiter::Outcome::kUnauthorized);

  Arbiter missing;
  missing.Missing("first");
  missing.Missing("second");
  EXPECT_EQ(missing.Conclude(), Arbiter::Outcome::kMissingGuard);
  EXPECT_EQ(missing.missing(), "first");
  EXPECT_NE(sr::http::MissingGuardMessage("first").find("'first' guard"), std::string::npos);
}

struct Route {
  std::string method;
  std::string pattern;
  std::string owner_id;
  std::vector<std::string> param_names;
};

TEST(HttpRules, RemovingAPluginsRoutesKeepsTheOthersAndFreesItsPatterns) {
  sr::http::RouteTable<Route> table;
  ASSERT_EQ(table.Add(Route{"GET", "/a/{id}", "one", {}}), "");
  ASSERT_EQ(table.Add(Route{"GET", "/a/x", "two", {}}), "");
  ASSERT_EQ(table.Add(Route{"POST", "/a/{id}", "two", {}}), "");
  EXPECT_NE(table.Add(Route{"GET", "/a/{name}", "two", {}}).find("claimed by both"),
            std::string::npos);

  table.RemoveIf([](const Route& route) { return route.owner_id == "one"; });
  EXPECT_EQ(table.size(), 2u);
  EXPECT_EQ(table.Match("GET", "/a/x").route->owner_id, "two");
  auto gone = table.Match("GET", "/a/7");
  EXPECT_EQ(gone.route, nullptr);
  EXPECT_EQ(gone.status, 405);
  EXPECT_EQ(gone.allow, "POST");
  EXPECT_EQ(table.Add(Route{"GET", "/a/{name}", "two", {}}), "");
  auto match = table.Match("GET", "/a/7");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.params.front().first, "name");
}

}  // namespace
