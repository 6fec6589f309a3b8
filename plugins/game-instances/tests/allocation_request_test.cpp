#include "allocation_request.h"

#include <gtest/gtest.h>

namespace sr::game_instances {
namespace {

std::string ErrorOf(std::string_view body) {
  auto parsed = ParseAllocationRequest(body);
  auto* message = std::get_if<std::string>(&parsed);
  return message != nullptr ? *message : "";
}

TEST(AllocationRequest, ReadsEveryField) {
  auto parsed = ParseAllocationRequest(R"({"region":"eu","placement":"spread","max_attempts":5})");
  auto* request = std::get_if<AllocationRequest>(&parsed);
  ASSERT_NE(request, nullptr);
  EXPECT_EQ(request->region, "eu");
  EXPECT_EQ(request->placement, Placement::kSpread);
  EXPECT_EQ(request->max_attempts, 5);
  auto plain = std::get<AllocationRequest>(ParseAllocationRequest(R"({"region":"us"})"));
  EXPECT_EQ(plain.placement, Placement::kPacked);
  EXPECT_EQ(plain.max_attempts, 0);
}

TEST(AllocationRequest, NamesTheBadField) {
  EXPECT_EQ(ErrorOf("{}").rfind("region", 0), 0u);
  EXPECT_EQ(ErrorOf(R"({"region":null})").rfind("region", 0), 0u);
  EXPECT_EQ(
      ErrorOf(std::string(R"({"region":")") + std::string(65, 'x') + "\"}").rfind("region", 0), 0u);
  EXPECT_EQ(ErrorOf(R"({"region":"eu","placement":1})").rfind("placement", 0), 0u);
  EXPECT_EQ(ErrorOf(R"({"region":"eu","max_attempts":11})").rfind("max_attempts", 0), 0u);
  EXPECT_NE(ErrorOf(R"({"region":"eu","zone":"a"})").find("'zone'"), std::string::npos);
  EXPECT_NE(ErrorOf("[1]").find("JSON object"), std::string::npos);
}

}  // namespace
}  // namespace sr::game_instances
