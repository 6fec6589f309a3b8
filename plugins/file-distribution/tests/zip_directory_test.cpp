#include "zip_directory.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "temp_dir.h"
#include "unique_fd.h"
#include "zip_builder.h"

namespace sr::file_distribution {
namespace {

using testing::MakeZip;
using testing::RandomBytes;

class ZipDirectoryTest : public ::testing::Test {
 protected:
  Result<ZipSummary> Check(const std::string& bytes) {
    std::filesystem::path path = dir_.Write("archive.zip", bytes);
    return CheckFile(path);
  }
  static Result<ZipSummary> CheckFile(const std::filesystem::path& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    EXPECT_TRUE(fd.valid());
    return CheckZipDirectory(fd.get(), std::filesystem::file_size(path));
  }
  static std::string ErrorOf(const Result<ZipSummary>& result) {
    return result.ok() ? "ok" : result.error().message;
  }

  sr::test::TempDir dir_;
};

TEST_F(ZipDirectoryTest, AcceptsAValidArchive) {
  Result<ZipSummary> result = Check(MakeZip(
      {{"server/run.sh", "#!/bin/sh\n"}, {"server/", ""}, {"data.bin", RandomBytes(5000, 1)}},
      "a comment"));
  ASSERT_TRUE(result.ok()) << ErrorOf(result);
  EXPECT_EQ(result.value().entries, 3u);
}

TEST_F(ZipDirectoryTest, AcceptsAnEmptyArchive) {
  Result<ZipSummary> result = Check(MakeZip({}));
  ASSERT_TRUE(result.ok()) << ErrorOf(result);
  EXPECT_EQ(result.value().entries, 0u);
}

TEST_F(ZipDirectoryTest, RefusesWhatIsNotAZip) {
  for (const std::string& bytes :
       {std::string(), std::string("PK"), RandomBytes(100000, 7), std::string(30, '\0')}) {
    Result<ZipSummary> result = Check(bytes);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, ErrorKind::kUnprocessable);
    EXPECT_NE(result.error().message.find("not a readable zip"), std::string::npos);
  }
}

TEST_F(ZipDirectoryTest, RefusesATruncatedArchive) {
  std::string zip = MakeZip({{"a.txt", RandomBytes(4000, 2)}});
  EXPECT_FALSE(Check(zip.substr(0, zip.size() - 1)).ok());
  EXPECT_FALSE(Check(zip.substr(0, zip.size() / 2)).ok());
  // The start cut off: every offset in the directory is wrong.
  EXPECT_FALSE(Check(zip.substr(100)).ok());
}

TEST_F(ZipDirectoryTest, RefusesTrailingBytesAfterTheEndRecord) {
  std::string zip = MakeZip({{"a.txt", "hello"}});
  EXPECT_FALSE(Check(zip + "garbage").ok());
}

TEST_F(ZipDirectoryTest, RefusesADamagedDirectoryEntry) {
  std::string zip = MakeZip({{"a.txt", "hello"}, {"b.txt", "world"}});
  std::size_t directory = zip.find("PK\x01\x02");
  ASSERT_NE(directory, std::string::npos);
  std::string damaged = zip;
  damaged[directory + 1] = 'X';
  Result<ZipSummary> result = Check(damaged);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("entry 1 of 2"), std::string::npos) << ErrorOf(result);
}

TEST_F(ZipDirectoryTest, RefusesADamagedLocalHeader) {
  std::string zip = MakeZip({{"a.txt", "hello"}});
  zip[2] = 'X';
  EXPECT_FALSE(Check(zip).ok());
}

TEST_F(ZipDirectoryTest, RefusesAnEntryCountLargerThanTheDirectory) {
  std::string zip = MakeZip({{"a.txt", "hello"}});
  std::size_t end = zip.rfind("PK\x05\x06");
  zip[end + 8] = 2;   // entries on this disk
  zip[end + 10] = 2;  // total entries
  EXPECT_FALSE(Check(zip).ok());
}

TEST_F(ZipDirectoryTest, RefusesEntryNamesThatEscapeTheFolder) {
  for (std::string name : {"../evil.sh", "game/../../evil.sh", "/etc/passwd", "\\windows\\evil.dll",
                           "C:/evil", "a\\..\\..\\b"}) {
    Result<ZipSummary> result = Check(MakeZip({{name, "x"}}));
    ASSERT_FALSE(result.ok()) << name;
    EXPECT_NE(result.error().message.find("unsafe name"), std::string::npos) << ErrorOf(result);
  }
  EXPECT_TRUE(Check(MakeZip({{"a..b/c...d", "x"}})).ok());
}

TEST_F(ZipDirectoryTest, AcceptsWhatTheZipToolWritesIncludingZip64) {
  if (std::system("command -v zip > /dev/null 2>&1") != 0) GTEST_SKIP() << "zip is not installed";
  dir_.Write("one.txt", "hello");
  dir_.Write("two.bin", RandomBytes(100000, 3));
  std::string folder = dir_.path().string();
  ASSERT_EQ(std::system(("cd " + folder + " && zip -q plain.zip one.txt two.bin").c_str()), 0);
  ASSERT_EQ(std::system(("cd " + folder + " && zip -q -fz zip64.zip one.txt two.bin").c_str()), 0);
  for (const char* name : {"plain.zip", "zip64.zip"}) {
    Result<ZipSummary> result = CheckFile(dir_ / name);
    ASSERT_TRUE(result.ok()) << name << ": " << ErrorOf(result);
    EXPECT_EQ(result.value().entries, 2u) << name;
  }
}

}  // namespace
}  // namespace sr::file_distribution
