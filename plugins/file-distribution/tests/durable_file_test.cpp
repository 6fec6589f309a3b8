#include "durable_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include "build_folder.h"
#include "store_fixture.h"

namespace sr::file_distribution {
namespace {

using testing::ReadAll;

class DurableFileTest : public testing::FolderFixture {
 protected:
  int root_fd() const { return folder_->root_fd(); }
  std::vector<std::string> Names() {
    Result<std::vector<std::string>> names = ListFolder(root_fd());
    EXPECT_TRUE(names.has_value());
    return names.value();
  }
};

TEST_F(DurableFileTest, WriteFileAtomicallyReplacesAndLeavesNoTemporaryFile) {
  ASSERT_TRUE(WriteFileAtomically(root_fd(), "a.json", "one").has_value());
  ASSERT_TRUE(WriteFileAtomically(root_fd(), "a.json", "two").has_value());
  EXPECT_EQ(sr::test::ReadFile(root() / "a.json"), "two");
  for (const std::string& name : Names()) EXPECT_FALSE(IsTempName(name)) << name;
}

TEST_F(DurableFileTest, ReplaceLinksAndKeepsTheOldFileForOpenReaders) {
  ASSERT_TRUE(WriteFileAtomically(root_fd(), "target", "old contents").has_value());
  ASSERT_TRUE(WriteFileAtomically(folder_->builds_fd(), "new.zip", "new contents").has_value());
  UniqueFd reader(::openat(root_fd(), "target", O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(reader.valid());

  ASSERT_TRUE(
      ReplaceWithLinkOrCopy(folder_->builds_fd(), "new.zip", root_fd(), "target").has_value());
  EXPECT_EQ(ReadAll(reader.get()), "old contents");
  EXPECT_EQ(sr::test::ReadFile(root() / "target"), "new contents");
  // A hard link: the very same file, no copy.
  EXPECT_EQ(IdentityOfPath(root() / "target"), IdentityOfPath(root() / "builds" / "new.zip"));
  for (const std::string& name : Names()) EXPECT_FALSE(IsTempName(name)) << name;
}

TEST_F(DurableFileTest, ReplaceFailsCleanlyWhenTheSourceIsMissing) {
  EXPECT_FALSE(
      ReplaceWithLinkOrCopy(folder_->builds_fd(), "absent.zip", root_fd(), "target").has_value());
  for (const std::string& name : Names()) EXPECT_FALSE(IsTempName(name)) << name;
}

TEST_F(DurableFileTest, ReadSmallFileEnforcesItsLimit) {
  ASSERT_TRUE(WriteFileAtomically(root_fd(), "small", "12345").has_value());
  EXPECT_EQ(ReadSmallFile(root_fd(), "small", 5).value(), "12345");
  EXPECT_EQ(ReadSmallFile(root_fd(), "small", 4).error().kind, ErrorKind::kInternal);
  EXPECT_EQ(ReadSmallFile(root_fd(), "absent", 4).error().kind, ErrorKind::kNotFound);
}

TEST_F(DurableFileTest, TemporaryNamesAreHiddenUniqueAndCleanedAtOpen) {
  std::string first = TempName("game_server.zip");
  EXPECT_NE(first, TempName("game_server.zip"));
  EXPECT_TRUE(IsTempName(first));
  EXPECT_EQ(first.front(), '.');
  EXPECT_FALSE(IsTempName("game_server.zip"));
  EXPECT_FALSE(IsTempName(".uploads"));

  dir_.Write("files/" + first, "half written");
  dir_.Write("files/builds/" + TempName("1.0.zip"), "half written");
  std::vector<std::string> warnings = Reopen();
  EXPECT_EQ(warnings.size(), 2u);
  EXPECT_FALSE(std::filesystem::exists(root() / first));
}

TEST_F(DurableFileTest, FullDisksAreReportedAsInsufficientStorage) {
  EXPECT_EQ(IoError("write", ENOSPC).kind, ErrorKind::kInsufficientStorage);
  EXPECT_EQ(IoError("write", EDQUOT).kind, ErrorKind::kInsufficientStorage);
  EXPECT_EQ(IoError("write", EIO).kind, ErrorKind::kInternal);
  EXPECT_EQ(IoError("write", ENOSPC).message, "write: No space left on device");
}

}  // namespace
}  // namespace sr::file_distribution
