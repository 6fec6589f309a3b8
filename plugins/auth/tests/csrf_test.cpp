#include "csrf.h"

#include <gtest/gtest.h>

namespace sr::auth {
namespace {

constexpr std::string_view kToken = "Zm9vYmFyYmF6cXV4MDEyMzQ1Njc4OWFiY2RlZmdoaWo";

CsrfFacts Post(std::optional<std::string_view> token, std::optional<std::string_view> origin,
               std::optional<std::string_view> referer = std::nullopt,
               std::string_view method = "POST") {
  return CsrfFacts{method, token, origin, referer, std::string_view("registry.example:8081")};
}

TEST(Csrf, SafeMethodsNeedNothing) {
  for (std::string_view method : {"GET", "HEAD", "OPTIONS"}) {
    EXPECT_TRUE(CsrfCheckPasses(Post(std::nullopt, std::nullopt, std::nullopt, method), kToken));
  }
  for (std::string_view method : {"POST", "PUT", "PATCH", "DELETE", "PROPFIND"}) {
    EXPECT_TRUE(IsStateChangingMethod(method)) << method;
  }
}

TEST(Csrf, NeedsTheTokenAndTheOrigin) {
  EXPECT_TRUE(CsrfCheckPasses(Post(kToken, "http://registry.example:8081"), kToken));
  EXPECT_FALSE(CsrfCheckPasses(Post(std::nullopt, "http://registry.example:8081"), kToken));
  EXPECT_FALSE(CsrfCheckPasses(Post("wrong", "http://registry.example:8081"), kToken));
  std::string almost(kToken);
  almost.back() = 'k';
  EXPECT_FALSE(CsrfCheckPasses(Post(almost, "http://registry.example:8081"), kToken));
  EXPECT_FALSE(CsrfCheckPasses(Post(kToken, "http://evil.example"), kToken));
  EXPECT_FALSE(CsrfCheckPasses(Post(kToken, std::nullopt), kToken));  // neither header
  EXPECT_FALSE(CsrfCheckPasses(Post(kToken, "http://registry.example:8081"), ""));
}

TEST(Csrf, FallsBackToReferer) {
  EXPECT_TRUE(CsrfCheckPasses(Post(kToken, std::nullopt, "http://registry.example:8081/users?x=1"),
                              kToken));
  EXPECT_FALSE(CsrfCheckPasses(Post(kToken, std::nullopt, "http://registry.example.evil.example/x"),
                               kToken));
  // Origin decides when both are present.
  EXPECT_FALSE(CsrfCheckPasses(
      Post(kToken, "http://evil.example", "http://registry.example:8081/x"), kToken));
}

TEST(Csrf, ComparesOriginsStrictly) {
  EXPECT_TRUE(OriginMatchesHost("https://registry.example", "registry.example"));
  EXPECT_TRUE(OriginMatchesHost("https://registry.example:443", "registry.example"));
  EXPECT_TRUE(OriginMatchesHost("http://Registry.Example", "registry.example:80"));
  EXPECT_FALSE(OriginMatchesHost("https://registry.example:8443", "registry.example"));
  EXPECT_FALSE(OriginMatchesHost("null", "registry.example"));
  EXPECT_FALSE(OriginMatchesHost("https://registry.example.evil", "registry.example"));
  EXPECT_FALSE(OriginMatchesHost("https://user@registry.example", "registry.example"));
  EXPECT_FALSE(OriginMatchesHost("https://registry.example/path", "registry.example"));
  EXPECT_FALSE(OriginMatchesHost("ftp://registry.example", "registry.example"));
  EXPECT_FALSE(OriginMatchesHost("https://registry.example", ""));
  EXPECT_TRUE(RefererMatchesHost("https://registry.example/a/b#c", "registry.example"));
  EXPECT_FALSE(RefererMatchesHost("/relative", "registry.example"));
}

}  // namespace
}  // namespace sr::auth
