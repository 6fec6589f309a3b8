#include "upload_request.h"

#include <gtest/gtest.h>

namespace sr::file_distribution {
namespace {

const std::string kSha(64, 'C');

TEST(UploadRequestTest, ParsesAValidRequest) {
  Result<NewUpload> upload =
      ParseNewUpload(R"({"version":"1.2.3","size":1048576,"sha256":")" + kSha + R"("})");
  ASSERT_TRUE(upload.has_value()) << upload.error().message;
  EXPECT_EQ(upload.value().version, "1.2.3");
  EXPECT_EQ(upload.value().size, 1048576u);
  EXPECT_EQ(upload.value().sha256, std::string(64, 'c'));
}

TEST(UploadRequestTest, RefusesBadRequests) {
  for (const std::string& body :
       {std::string("not json"), std::string("[]"), R"({"size":1,"sha256":")" + kSha + R"("})",
        R"({"version":"../x","size":1,"sha256":")" + kSha + R"("})",
        R"({"version":"1","size":0,"sha256":")" + kSha + R"("})",
        R"({"version":"1","size":-5,"sha256":")" + kSha + R"("})",
        R"({"version":"1","size":"5","sha256":")" + kSha + R"("})",
        std::string(R"({"version":"1","size":5,"sha256":"abc"})"),
        std::string(R"({"version":"1","size":5})")}) {
    Result<NewUpload> upload = ParseNewUpload(body);
    ASSERT_FALSE(upload.has_value()) << body;
    EXPECT_EQ(upload.error().kind, ErrorKind::kInvalidArgument);
  }
}

TEST(UploadRequestTest, OffsetsAreRequiredDecimals) {
  EXPECT_EQ(ParseOffset(std::string_view("0")).value(), 0u);
  EXPECT_EQ(ParseOffset(std::string_view("8388608")).value(), 8388608u);
  for (std::optional<std::string_view> bad :
       {std::optional<std::string_view>(), std::optional<std::string_view>(""),
        std::optional<std::string_view>("-1"), std::optional<std::string_view>("1x"),
        std::optional<std::string_view>("99999999999999999999999")}) {
    EXPECT_FALSE(ParseOffset(bad).has_value());
  }
}

}  // namespace
}  // namespace sr::file_distribution
