#include "text.h"

#include <gtest/gtest.h>

#include "redirect_target.h"

namespace sr::auth {
namespace {

TEST(Text, PercentEncodingRoundTrips) {
  std::string text = "/api/users?x=1&y=a b/é";
  EXPECT_EQ(PercentDecode(PercentEncode(text), false), text);
  EXPECT_EQ(PercentEncode("a-b_c.d~e"), "a-b_c.d~e");
  EXPECT_EQ(PercentEncode("/"), "%2F");
  EXPECT_FALSE(PercentDecode("%4", false));
  EXPECT_FALSE(PercentDecode("%zz", false));
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
}

TEST(Text, ParsesFormBodies) {
  auto fields = ParseFormBody("email=a%40b.example&password=p%26ss+word&next=%2Fx&email=second");
  EXPECT_EQ(fields["email"], "a@b.example");  // the first occurrence wins
  EXPECT_EQ(fields["password"], "p&ss word");
  EXPECT_EQ(fields["next"], "/x");
  EXPECT_TRUE(ParseFormBody("").empty());
  EXPECT_EQ(ParseFormBody("flag").at("flag"), "");
  EXPECT_EQ(ParseFormBody("bad=%zz&good=1").count("bad"), 0u);
}

TEST(Text, CleansUntrustedText) {
  EXPECT_EQ(CleanText("plain", 100), "plain");
  EXPECT_EQ(CleanText("line\nbreak\x01", 100), "line?break?");
  EXPECT_EQ(CleanText("bad \xff byte", 100), "bad ? byte");
  EXPECT_EQ(CleanText("\xc3\xa9\xc3\xa9", 3), "\xc3\xa9");  // never half a character
  EXPECT_EQ(CleanText("abcdef", 4), "abcd");
}

TEST(Text, CaseInsensitiveHelpers) {
  EXPECT_TRUE(ContainsIgnoreCase("text/HTML,application/xhtml+xml", "text/html"));
  EXPECT_FALSE(ContainsIgnoreCase("application/json", "text/html"));
  EXPECT_TRUE(StartsWithIgnoreCase("Application/JSON; charset=utf-8", "application/json"));
  EXPECT_EQ(TrimSpaces("  a b \t"), "a b");
}

TEST(RedirectTarget, AcceptsSameSitePaths) {
  EXPECT_EQ(SafeRedirectPath("/dashboard"), "/dashboard");
  EXPECT_EQ(SafeRedirectPath("/users?tab=2&x=%2F"), "/users?tab=2&x=%2F");
  EXPECT_EQ(SafeRedirectPath("/"), "/");
  EXPECT_EQ(SafeRedirectPath("/a b\"<>"), "/a%20b%22%3C%3E");
  EXPECT_EQ(SafeRedirectPath("/caf\xc3\xa9"), "/caf%C3%A9");
}

TEST(RedirectTarget, RefusesEverythingThatCouldLeaveTheSite) {
  for (std::string_view hostile :
       {"//evil.example", "/\\evil.example", "https://evil.example", "http:/evil.example",
        "javascript:alert(1)", "evil.example", "", "/\t/evil.example", "/\n/evil.example",
        "/%09/x\\y", "\\\\evil.example", " /x"}) {
    EXPECT_FALSE(SafeRedirectPath(hostile)) << hostile;
  }
  EXPECT_FALSE(SafeRedirectPath("/" + std::string(3000, 'a')));
  EXPECT_EQ(RedirectAfterLogin("//evil.example"), "/dashboard");
  EXPECT_EQ(RedirectAfterLogin(""), "/dashboard");
  EXPECT_EQ(RedirectAfterLogin("/errors"), "/errors");
}

TEST(RedirectTarget, LoginRedirectKeepsPathAndQuery) {
  EXPECT_EQ(LoginRedirectLocation("/api/users", ""), "/login?next=%2Fapi%2Fusers");
  EXPECT_EQ(LoginRedirectLocation("/errors", "page=2&x=y"),
            "/login?next=%2Ferrors%3Fpage%3D2%26x%3Dy");
  EXPECT_EQ(LoginRedirectLocation("//evil", ""), "/login");
}

}  // namespace
}  // namespace sr::auth
