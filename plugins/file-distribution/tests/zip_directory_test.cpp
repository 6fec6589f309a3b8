#include "zip_directory.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "temp_dir.h"
#include "unique_fd.h"
#include "zip_builder.h"

namespace sr::file_distribution {
namespace {

using testing::MakeZip;
using testing::MakeZipOf;
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
    return result.has_value() ? "ok" : result.error().message;
  }

  sr::test::TempDir dir_;
};

TEST_F(ZipDirectoryTest, AcceptsAValidArchive) {
  Result<ZipSummary> result = Check(MakeZip(
      {{"server/run.sh", "#!/bin/sh\n"}, {"server/", ""}, {"data.bin", RandomBytes(5000, 1)}},
      "a comment"));
  ASSERT_TRUE(result.has_value()) << ErrorOf(result);
  EXPECT_EQ(result.value().entries, 3u);
}

TEST_F(ZipDirectoryTest, AcceptsAnEmptyArchive) {
  Result<ZipSummary> result = Check(MakeZip({}));
  ASSERT_TRUE(result.has_value()) << ErrorOf(result);
  EXPECT_EQ(result.value().entries, 0u);
}

TEST_F(ZipDirectoryTest, RefusesWhatIsNotAZip) {
  for (const std::string& bytes :
       {std::string(), std::string("PK"), RandomBytes(100000, 7), std::string(30, '\0')}) {
    Result<ZipSummary> result = Check(bytes);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().kind, ErrorKind::kUnprocessable);
    EXPECT_NE(result.error().message.find("not a readable zip"), std::string::npos);
  }
}

TEST_F(ZipDirectoryTest, RefusesATruncatedArchive) {
  std::string zip = MakeZip({{"a.txt", RandomBytes(4000, 2)}});
  EXPECT_FALSE(Check(zip.substr(0, zip.size() - 1)).has_value());
  EXPECT_FALSE(Check(zip.substr(0, zip.size() / 2)).has_value());
  // The start cut off: every offset in the directory is wrong.
  EXPECT_FALSE(Check(zip.substr(100)).has_value());
}

TEST_F(ZipDirectoryTest, RefusesTrailingBytesAfterTheEndRecord) {
  std::string zip = MakeZip({{"a.txt", "hello"}});
  EXPECT_FALSE(Check(zip + "garbage").has_value());
}

TEST_F(ZipDirectoryTest, RefusesADamagedDirectoryEntry) {
  std::string zip = MakeZip({{"a.txt", "hello"}, {"b.txt", "world"}});
  std::size_t directory = zip.find("PK\x01\x02");
  ASSERT_NE(directory, std::string::npos);
  std::string damaged = zip;
  damaged[directory + 1] = 'X';
  Result<ZipSummary> result = Check(damaged);
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("entry 1 of 2"), std::string::npos) << ErrorOf(result);
}

TEST_F(ZipDirectoryTest, RefusesADamagedLocalHeader) {
  std::string zip = MakeZip({{"a.txt", "hello"}});
  zip[2] = 'X';
  EXPECT_FALSE(Check(zip).has_value());
}

TEST_F(ZipDirectoryTest, RefusesAnEntryCountLargerThanTheDirectory) {
  std::string zip = MakeZip({{"a.txt", "hello"}});
  std::size_t end = zip.rfind("PK\x05\x06");
  zip[end + 8] = 2;   // entries on this disk
  zip[end + 10] = 2;  // total entries
  EXPECT_FALSE(Check(zip).has_value());
}

// Little-endian fields patched into built archives.
void Patch16(std::string& bytes, std::size_t at, std::uint16_t value) {
  bytes[at] = static_cast<char>(value & 0xFF);
  bytes[at + 1] = static_cast<char>(value >> 8);
}
void Patch32(std::string& bytes, std::size_t at, std::uint32_t value) {
  Patch16(bytes, at, static_cast<std::uint16_t>(value & 0xFFFF));
  Patch16(bytes, at + 2, static_cast<std::uint16_t>(value >> 16));
}
// Where the n-th (0-based) central directory record starts.
std::size_t CentralRecord(const std::string& zip, int n) {
  std::size_t at = zip.find("PK\x01\x02");
  for (int i = 0; i < n; ++i) at = zip.find("PK\x01\x02", at + 4);
  EXPECT_NE(at, std::string::npos);
  return at;
}

// The message of a refused archive, which must name the entry and say what is wrong.
std::string RefusalOf(const Result<ZipSummary>& result) {
  EXPECT_FALSE(result.has_value());
  if (result.has_value()) return "";
  EXPECT_EQ(result.error().kind, ErrorKind::kUnprocessable);
  return result.error().message;
}

TEST_F(ZipDirectoryTest, RefusesEntryNamesThatEscapeTheFolder) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"../evil.sh", "a \"..\" path segment"},
      {"game/../../evil.sh", "a \"..\" path segment"},
      {"game/..", "a \"..\" path segment"},
      {"/etc/passwd", "an absolute path"},
      {"C:/evil", "a drive letter"},
      {"c:evil", "a drive letter"},
      {"\\windows\\evil.dll", "a backslash in its name"},
      {"a\\..\\..\\b", "a backslash in its name"},
      {"game\\server.bin", "a backslash in its name"},
      {"", "an empty name"},
      {std::string("ok.txt\0/../../evil", 19), "a NUL byte in its name"}};
  for (const auto& [name, problem] : cases) {
    std::string message = RefusalOf(Check(MakeZip({{"fine.txt", "y"}, {name, "x"}})));
    EXPECT_NE(message.find("unsafe zip entry "), std::string::npos) << message;
    EXPECT_NE(message.find("(entry 2 of 2): " + problem), std::string::npos) << message;
  }
  std::string message = RefusalOf(Check(MakeZip({{"../evil.sh", "x"}})));
  EXPECT_EQ(message, "unsafe zip entry \"../evil.sh\" (entry 1 of 1): a \"..\" path segment");
  EXPECT_TRUE(Check(MakeZip({{"a..b/c...d", "x"}, {"./x", "y"}, {"dir/", ""}})).has_value());
}

TEST_F(ZipDirectoryTest, QuotesUnprintableNamesInTheMessage) {
  std::string message = RefusalOf(Check(MakeZip({{"\x01\xff\"/..", "x"}})));
  EXPECT_NE(message.find("\"\\x01\\xff\\x22/..\""), std::string::npos) << message;
}

TEST_F(ZipDirectoryTest, RefusesALocalHeaderNamingAnotherFile) {
  testing::ZipEntrySpec entry{"game/readme.txt", "hello"};
  entry.local_name = "game/../../../x";
  std::string message = RefusalOf(Check(MakeZipOf({{"a.txt", "a"}, entry})));
  EXPECT_EQ(message,
            "unsafe zip entry \"game/readme.txt\" (entry 2 of 2): its local header names it "
            "\"game/../../../x\"");
  // Same length, one byte different.
  entry.local_name = "game/readme.txT";
  message = RefusalOf(Check(MakeZipOf({entry})));
  EXPECT_NE(message.find("its local header names it \"game/readme.txT\""), std::string::npos)
      << message;
}

TEST_F(ZipDirectoryTest, RefusesSymbolicLinks) {
  testing::ZipEntrySpec link{"game/lib", "/etc", 0120777};
  std::string message = RefusalOf(Check(MakeZipOf({{"run.sh", "x"}, link})));
  EXPECT_EQ(message, "unsafe zip entry \"game/lib\" (entry 2 of 2): a symbolic link");
  // Whatever host the archive claims to come from.
  link.made_by = 0x0014;  // MS-DOS
  EXPECT_NE(RefusalOf(Check(MakeZipOf({link}))).find("a symbolic link"), std::string::npos);
  link.made_by = 0x1314;  // OS X
  EXPECT_NE(RefusalOf(Check(MakeZipOf({link}))).find("a symbolic link"), std::string::npos);
  // Regular files, folders and archives without Unix modes are fine.
  EXPECT_TRUE(
      Check(
          MakeZipOf({{"run.sh", "x", 0100755}, {"game/", "", 040755}, {"dos.txt", "y", 0, 0x0014}}))
          .has_value());
}

TEST_F(ZipDirectoryTest, RefusesAUnicodePathNamingAnotherFile) {
  testing::ZipEntrySpec central{"game/readme.txt", "x"};
  central.central_extra = testing::UnicodePathExtra("../../evil.sh");
  EXPECT_EQ(RefusalOf(Check(MakeZipOf({central}))),
            "unsafe zip entry \"game/readme.txt\" (entry 1 of 1): its Unicode path extra field "
            "names it \"../../evil.sh\", a \"..\" path segment");
  testing::ZipEntrySpec local{"game/readme.txt", "x"};
  local.local_extra = testing::UnicodePathExtra("game/other.txt");
  EXPECT_EQ(RefusalOf(Check(MakeZipOf({local}))),
            "unsafe zip entry \"game/readme.txt\" (entry 1 of 1): its Unicode path extra field "
            "names it \"game/other.txt\"");
  // The same name, or a safe UTF-8 spelling of a name in another character set, is fine.
  testing::ZipEntrySpec same{"game/readme.txt", "x"};
  same.local_extra = same.central_extra = testing::UnicodePathExtra("game/readme.txt");
  testing::ZipEntrySpec accented{"game/caf\x82.txt", "x"};
  accented.central_extra = testing::UnicodePathExtra("game/caf\xc3\xa9.txt");
  EXPECT_TRUE(Check(MakeZipOf({same, accented})).has_value());
}

TEST_F(ZipDirectoryTest, RefusesDuplicateNames) {
  std::string message = RefusalOf(
      Check(MakeZip({{"game/server.bin", "one"}, {"b.txt", "b"}, {"game/server.bin", "two"}})));
  EXPECT_EQ(message,
            "unsafe zip entry \"game/server.bin\" (entry 3 of 3): the same name as entry 1 of 3");
  // Names that differ only in case or by a trailing slash are different entries.
  EXPECT_TRUE(Check(MakeZip({{"a", "x"}, {"A", "y"}, {"a/", ""}})).has_value());
}

TEST_F(ZipDirectoryTest, RefusesLocalSizesOrCrcThatDisagreeWithTheDirectory) {
  std::string zip = MakeZip({{"a.txt", "hello"}, {"b.txt", "world"}});
  std::size_t second_local = zip.find("PK\x03\x04", 4);
  const std::vector<std::pair<std::size_t, std::string>> fields = {
      {14, "another CRC-32"},
      {18, "other sizes than the central directory"},   // compressed
      {22, "other sizes than the central directory"}};  // uncompressed
  for (const auto& [field, problem] : fields) {
    std::string damaged = zip;
    damaged[second_local + field] ^= 1;
    EXPECT_EQ(RefusalOf(Check(damaged)),
              "not a readable zip: entry 2 of 2 (\"b.txt\"): its local header declares " + problem);
  }
  std::string method = zip;
  Patch16(method, second_local + 8, 8);  // deflate
  EXPECT_NE(RefusalOf(Check(method)).find("another compression method"), std::string::npos);
}

TEST_F(ZipDirectoryTest, AcceptsZerosInALocalHeaderFollowedByADataDescriptor) {
  std::string zip = MakeZip({{"a.txt", "hello"}});
  Patch16(zip, 6, 0x0008);
  Patch32(zip, 14, 0);
  Patch32(zip, 18, 0);
  Patch32(zip, 22, 0);
  EXPECT_TRUE(Check(zip).has_value()) << ErrorOf(Check(zip));
  Patch32(zip, 22, 4);  // not zero, and not the size either
  EXPECT_FALSE(Check(zip).has_value());
}

TEST_F(ZipDirectoryTest, RefusesADirectoryPointingAtNoLocalHeader) {
  std::string zip = MakeZip({{"a.txt", "hello"}, {"b.txt", "world"}});
  Patch32(zip, CentralRecord(zip, 1) + 42, 3);  // the second entry's local header offset
  std::string message = RefusalOf(Check(zip));
  EXPECT_NE(message.find("entry 2 of 2 (\"b.txt\"): no local header signature at offset 3"),
            std::string::npos)
      << message;
}

TEST_F(ZipDirectoryTest, RefusesEntriesWhoseDataOverlap) {
  // Entry "a" carries a complete local header of "b" in its data; the directory points "b"
  // there, so both names and sizes agree, but the bytes are shared.
  std::string inner = MakeZip({{"b", "x"}});
  inner.resize(30 + 1 + 1);
  std::string zip = MakeZip({{"a", inner}, {"b", "x"}});
  Patch32(zip, CentralRecord(zip, 1) + 42, 30 + 1);
  std::string message = RefusalOf(Check(zip));
  EXPECT_EQ(message,
            "unsafe zip entry \"b\" (entry 2 of 2): its local header lies inside the data of "
            "entry 1 of 2");
}

TEST_F(ZipDirectoryTest, RefusesDataRunningIntoTheDirectory) {
  std::string zip = MakeZip({{"a.txt", "hello"}});
  Patch32(zip, CentralRecord(zip, 0) + 20, 500);  // compressed size
  Patch32(zip, 18, 500);
  EXPECT_NE(RefusalOf(Check(zip)).find("its data runs into the central directory"),
            std::string::npos);
}

TEST_F(ZipDirectoryTest, AcceptsWhatTheZipToolWritesIncludingZip64) {
  if (std::system("command -v zip > /dev/null 2>&1") != 0) GTEST_SKIP() << "zip is not installed";
  dir_.Write("one.txt", "hello");
  dir_.Write("two.bin", RandomBytes(100000, 3));
  std::string folder = dir_.path().string();
  ASSERT_EQ(std::system(("cd " + folder + " && zip -q plain.zip one.txt two.bin").c_str()), 0);
  ASSERT_EQ(std::system(("cd " + folder + " && zip -q -fz zip64.zip one.txt two.bin").c_str()), 0);
  // Written to a pipe: local headers followed by data descriptors.
  ASSERT_EQ(std::system(("cd " + folder + " && zip -q - one.txt two.bin > streamed.zip").c_str()),
            0);
  for (const char* name : {"plain.zip", "zip64.zip", "streamed.zip"}) {
    Result<ZipSummary> result = CheckFile(dir_ / name);
    ASSERT_TRUE(result.has_value()) << name << ": " << ErrorOf(result);
    EXPECT_EQ(result.value().entries, 2u) << name;
  }
}

TEST_F(ZipDirectoryTest, RefusesASymbolicLinkStoredByTheZipTool) {
  if (std::system("command -v zip > /dev/null 2>&1") != 0) GTEST_SKIP() << "zip is not installed";
  dir_.Write("one.txt", "hello");
  std::filesystem::create_symlink("/etc", dir_ / "etc");
  std::string folder = dir_.path().string();
  ASSERT_EQ(std::system(("cd " + folder + " && zip -q -y linked.zip one.txt etc").c_str()), 0);
  EXPECT_EQ(RefusalOf(CheckFile(dir_ / "linked.zip")),
            "unsafe zip entry \"etc\" (entry 2 of 2): a symbolic link");
}

}  // namespace
}  // namespace sr::file_distribution
