// Proves that secrets are compared through libsodium's constant-time sodium_memcmp: this
// binary is linked with -Wl,--wrap=sodium_memcmp, so every call the plugin's code makes to it
// lands in __wrap_sodium_memcmp below, which counts it and forwards to the real one.
#include <gtest/gtest.h>

#include <cstddef>
#include <vector>

#include "api_key_verifier.h"
#include "csrf.h"

namespace {
std::vector<std::size_t> g_compared_lengths;  // test-only instrumentation
}  // namespace

extern "C" int __real_sodium_memcmp(const void* left, const void* right, std::size_t length);
extern "C" int __wrap_sodium_memcmp(const void* left, const void* right, std::size_t length) {
  g_compared_lengths.push_back(length);
  return __real_sodium_memcmp(left, right, length);
}

namespace sr::auth {
namespace {

TEST(SodiumCompare, ApiKeyVerificationGoesThroughSodiumMemcmp) {
  ApiKeyVerifier verifier;  // the production comparator
  verifier.AddKey("short", "short-key-01234567", Role::kSpawner);
  verifier.AddKey("long", std::string(200, 'k'), Role::kAdmin);
  g_compared_lengths.clear();

  EXPECT_FALSE(verifier.Verify("guess"));
  ASSERT_EQ(g_compared_lengths.size(), 2u);  // one constant-time comparison per stored key
  for (std::size_t length : g_compared_lengths) EXPECT_EQ(length, kDigestBytes);

  g_compared_lengths.clear();
  auto match = verifier.Verify(std::string(200, 'k'));
  ASSERT_TRUE(match);
  EXPECT_EQ(match->name, "long");
  ASSERT_EQ(g_compared_lengths.size(), 2u);
  for (std::size_t length : g_compared_lengths) EXPECT_EQ(length, kDigestBytes);
}

TEST(SodiumCompare, CsrfTokensAreComparedWithSodiumMemcmp) {
  CsrfFacts facts{"POST", "token-0123456789abcdef", "https://r.example", std::nullopt, "r.example"};
  g_compared_lengths.clear();
  EXPECT_TRUE(CsrfCheckPasses(facts, "token-0123456789abcdef"));
  EXPECT_EQ(g_compared_lengths.size(), 1u);
}

}  // namespace
}  // namespace sr::auth
