#include "http/router.h"

#include <gtest/gtest.h>

namespace sr::host {
namespace {

bool Handler(Exchange&) { return true; }

Route MakeRoute(std::string method, std::string pattern, std::string owner = "p") {
  Route route;
  route.method = std::move(method);
  route.pattern = std::move(pattern);
  std::string error;
  route.guard = *ParseGuardExpression("public", error);
  route.handler = Handler;
  route.owner_id = std::move(owner);
  return route;
}

TEST(RouteTable, LiteralsWinOverParametersAndRest) {
  RouteTable table;
  ASSERT_EQ(table.Add(MakeRoute("GET", "/api/spawners/{id}")), "");
  ASSERT_EQ(table.Add(MakeRoute("GET", "/api/spawners/download")), "");
  ASSERT_EQ(table.Add(MakeRoute("GET", "/assets/{path*}")), "");
  ASSERT_EQ(table.Add(MakeRoute("POST", "/api/spawners/{id}/heartbeat")), "");

  auto literal = table.Match("GET", "/api/spawners/download");
  ASSERT_NE(literal.route, nullptr);
  EXPECT_EQ(literal.route->pattern, "/api/spawners/download");

  auto param = table.Match("GET", "/api/spawners/42");
  ASSERT_NE(param.route, nullptr);
  EXPECT_EQ(param.route->pattern, "/api/spawners/{id}");
  ASSERT_EQ(param.params.size(), 1u);
  EXPECT_EQ(param.params[0].first, "id");
  EXPECT_EQ(param.params[0].second, "42");

  auto rest = table.Match("GET", "/assets/css/site%20x.css");
  ASSERT_NE(rest.route, nullptr);
  EXPECT_EQ(rest.params[0].second, "css/site x.css");

  auto nested = table.Match("POST", "/api/spawners/9/heartbeat");
  ASSERT_NE(nested.route, nullptr);
  EXPECT_EQ(nested.params[0].second, "9");
}

TEST(RouteTable, NotFoundAndMethodNotAllowed) {
  RouteTable table;
  table.Add(MakeRoute("GET", "/health"));
  table.Add(MakeRoute("DELETE", "/health"));
  EXPECT_EQ(table.Match("GET", "/nothing").status, 404);
  auto wrong = table.Match("POST", "/health");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.allow, "DELETE, GET, HEAD");
  EXPECT_NE(table.Match("HEAD", "/health").route, nullptr);
}

TEST(RouteTable, ConflictsNameBothOwners) {
  RouteTable table;
  ASSERT_EQ(table.Add(MakeRoute("GET", "/x/{a}", "first")), "");
  std::string problem = table.Add(MakeRoute("GET", "/x/{b}", "second"));
  EXPECT_NE(problem.find("plugin 'first'"), std::string::npos) << problem;
  EXPECT_NE(problem.find("plugin 'second'"), std::string::npos) << problem;
  EXPECT_EQ(table.Add(MakeRoute("POST", "/x/{b}", "second")), "");
}

TEST(RouteTable, RejectsMalformedPatterns) {
  RouteTable table;
  for (const char* pattern :
       {"", "nope", "/a//b", "/{", "/{a}/{a}", "/{rest*}/x", "/a{b}", "/../x", "/{bad-name}"}) {
    EXPECT_NE(table.Add(MakeRoute("GET", pattern)), "") << pattern;
  }
}

TEST(RouteTable, MethodAwareBacktracking) {
  RouteTable table;
  table.Add(MakeRoute("GET", "/a/special"));
  table.Add(MakeRoute("DELETE", "/a/{id}"));
  auto match = table.Match("DELETE", "/a/special");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->pattern, "/a/{id}");
}

TEST(GuardExpression, ParsesAlternativesAndArguments) {
  std::string error;
  auto expression = ParseGuardExpression("session:operator|api-key", error);
  ASSERT_TRUE(expression);
  ASSERT_EQ(expression->terms.size(), 2u);
  EXPECT_EQ(expression->terms[0].name, "session");
  EXPECT_EQ(expression->terms[0].argument, "operator");
  EXPECT_EQ(expression->terms[1].name, "api-key");
  EXPECT_TRUE(ParseGuardExpression("public", error)->is_public());
  EXPECT_FALSE(ParseGuardExpression("", error));
  EXPECT_FALSE(ParseGuardExpression("public|api-key", error));
  EXPECT_FALSE(ParseGuardExpression("Bad Name", error));
}

}  // namespace
}  // namespace sr::host
