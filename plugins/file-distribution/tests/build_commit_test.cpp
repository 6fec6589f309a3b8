#include "build_commit.h"

#include <gtest/gtest.h>

#include "names.h"
#include "sha256.h"
#include "store_fixture.h"
#include "time_format.h"
#include "zip_builder.h"

namespace sr::file_distribution {
namespace {

using testing::MakeZip;
using testing::MakeZipOfSize;
using testing::RandomBytes;

class BuildCommitTest : public testing::FolderFixture {
 protected:
  BuildCommitTest() : builds_(*folder_, 5), uploads_(folder_->uploads_fd(), UploadLimits{}) {}

  // Uploads `bytes` in chunks declaring `sha256`; returns the upload id.
  std::string Upload(const std::string& version, const std::string& bytes,
                     const std::string& sha256, std::size_t sent_bytes = std::string::npos) {
    Result<UploadProgress> created =
        uploads_.Create(NewUpload{version, bytes.size(), sha256, "ann"});
    EXPECT_TRUE(created.has_value()) << created.error().message;
    std::string id = created.value().upload_id;
    std::size_t end = std::min(sent_bytes, bytes.size());
    for (std::size_t offset = 0; offset < end; offset += 1000) {
      std::string_view chunk =
          std::string_view(bytes).substr(offset, std::min<std::size_t>(1000, end - offset));
      EXPECT_TRUE(uploads_.Append(id, offset, chunk).has_value());
    }
    return id;
  }

  Result<CommittedBuild> Commit(const std::string& id,
                                InstallMode mode = InstallMode::kMakeCurrent) {
    return CommitUpload(uploads_, builds_, id, 784111777, mode);
  }

  BuildStore builds_;
  UploadStore uploads_;
};

TEST_F(BuildCommitTest, AVerifiedUploadBecomesTheCurrentBuild) {
  std::string bytes = MakeZipOfSize(5500, 1);
  std::string id = Upload("1.0", bytes, Sha256Hex(bytes));
  Result<CommittedBuild> committed = Commit(id);
  ASSERT_TRUE(committed.has_value()) << committed.error().message;
  const BuildRecord& build = committed.value().activation.build;
  EXPECT_EQ(build.version, "1.0");
  EXPECT_EQ(build.size, bytes.size());
  EXPECT_EQ(build.sha256, Sha256Hex(bytes));
  EXPECT_EQ(build.uploaded_by, "ann");
  EXPECT_EQ(build.uploaded_at, "1994-11-06T08:49:37Z");
  EXPECT_EQ(committed.value().zip_entries, 1u);
  EXPECT_EQ(Served(), bytes);
  EXPECT_EQ(builds_.CurrentVersion(), "1.0");
  EXPECT_EQ(uploads_.Progress(id).error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(uploads_.Count(), 0u);
  EXPECT_FALSE(std::filesystem::exists(root() / ".uploads" / PartFileName(id)));
  EXPECT_FALSE(std::filesystem::exists(root() / ".uploads" / SidecarFileName(id)));
}

TEST_F(BuildCommitTest, AStoreOnlyCommitKeepsTheBuildWithoutServingIt) {
  std::string current = MakeZipOfSize(100, 1);
  ASSERT_TRUE(Commit(Upload("1.0", current, Sha256Hex(current))).has_value());
  std::string bytes = MakeZipOfSize(3000, 2);
  std::string id = Upload("2.0", bytes, Sha256Hex(bytes));
  Result<CommittedBuild> committed = Commit(id, InstallMode::kStoreOnly);
  ASSERT_TRUE(committed.has_value()) << committed.error().message;
  EXPECT_FALSE(committed.value().activation.made_current);
  EXPECT_EQ(committed.value().activation.previous, "1.0");
  EXPECT_EQ(Served(), current);
  EXPECT_EQ(builds_.CurrentVersion(), "1.0");
  EXPECT_TRUE(builds_.HasVersion("2.0"));
  EXPECT_EQ(uploads_.Count(), 0u);
  ASSERT_TRUE(builds_.Activate("2.0").has_value());
  EXPECT_EQ(Served(), bytes);
}

TEST_F(BuildCommitTest, UnsafeEntriesAreRefusedNamingTheEntry) {
  std::string current = MakeZipOfSize(100, 1);
  ASSERT_TRUE(Commit(Upload("1.0", current, Sha256Hex(current))).has_value());
  testing::ZipEntrySpec link{"game/lib", "/etc", 0120777};
  std::string bytes = testing::MakeZipOf({{"game/run.sh", "x"}, link});
  std::string id = Upload("2.0", bytes, Sha256Hex(bytes));
  Result<CommittedBuild> committed = Commit(id);
  ASSERT_FALSE(committed.has_value());
  EXPECT_EQ(committed.error().kind, ErrorKind::kUnprocessable);
  EXPECT_EQ(committed.error().message,
            "unsafe zip entry \"game/lib\" (entry 2 of 2): a symbolic link; the upload was "
            "discarded, start a new one");
  EXPECT_EQ(Served(), current);
  EXPECT_FALSE(builds_.HasVersion("2.0"));
  EXPECT_EQ(uploads_.Progress(id).error().kind, ErrorKind::kNotFound);
}

TEST_F(BuildCommitTest, AWrongDigestIsRejectedAndTheCurrentBuildStays) {
  std::string current = MakeZipOfSize(100, 1);
  ASSERT_TRUE(Commit(Upload("1.0", current, Sha256Hex(current))).has_value());
  std::string bytes = MakeZipOfSize(3000, 2);
  std::string id = Upload("2.0", bytes, Sha256Hex("something else"));
  Result<CommittedBuild> committed = Commit(id);
  ASSERT_FALSE(committed.has_value());
  EXPECT_EQ(committed.error().kind, ErrorKind::kUnprocessable);
  EXPECT_NE(committed.error().message.find("SHA-256 mismatch"), std::string::npos);
  EXPECT_EQ(Served(), current);
  EXPECT_EQ(builds_.CurrentVersion(), "1.0");
  EXPECT_FALSE(builds_.HasVersion("2.0"));
  EXPECT_EQ(uploads_.Progress(id).error().kind, ErrorKind::kNotFound);  // discarded
}

TEST_F(BuildCommitTest, AnUnreadableZipIsRejectedAndTheCurrentBuildStays) {
  std::string current = MakeZipOfSize(100, 1);
  ASSERT_TRUE(Commit(Upload("1.0", current, Sha256Hex(current))).has_value());
  for (const std::string& bytes :
       {RandomBytes(4000, 5), MakeZip({}), MakeZipOfSize(3000, 6).substr(0, 2500)}) {
    Result<CommittedBuild> committed = Commit(Upload("2.0", bytes, Sha256Hex(bytes)));
    ASSERT_FALSE(committed.has_value());
    EXPECT_EQ(committed.error().kind, ErrorKind::kUnprocessable);
    EXPECT_EQ(Served(), current);
    EXPECT_FALSE(builds_.HasVersion("2.0"));
  }
  EXPECT_EQ(uploads_.Count(), 0u);
}

TEST_F(BuildCommitTest, AnIncompleteUploadStaysForTheRest) {
  std::string bytes = MakeZipOfSize(3000, 1);
  std::string id = Upload("1.0", bytes, Sha256Hex(bytes), 2000);
  Result<CommittedBuild> early = Commit(id);
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(early.error().kind, ErrorKind::kUnprocessable);
  EXPECT_EQ(early.error().received, 2000u);
  ASSERT_TRUE(uploads_.Append(id, 2000, std::string_view(bytes).substr(2000)).has_value());
  EXPECT_TRUE(Commit(id).has_value());
  EXPECT_EQ(Served(), bytes);
}

TEST_F(BuildCommitTest, AVersionTakenMeanwhileIsAConflictAndTheUploadStays) {
  std::string first = MakeZipOfSize(100, 1);
  std::string second = MakeZipOfSize(100, 2);
  std::string id = Upload("1.0", first, Sha256Hex(first));
  ASSERT_TRUE(builds_
                  .Install(uploads_.folder_fd(), Stage(second),
                           BuildRecord{"1.0", second.size(), Sha256Hex(second), "bob", ""})
                  .has_value());
  Result<CommittedBuild> committed = Commit(id);
  ASSERT_FALSE(committed.has_value());
  EXPECT_EQ(committed.error().kind, ErrorKind::kConflict);
  EXPECT_TRUE(uploads_.Abort(id).has_value());
}

TEST_F(BuildCommitTest, UnknownUploadsAreNotFound) {
  EXPECT_EQ(Commit("0123456789abcdef0123456789abcdef").error().kind, ErrorKind::kNotFound);
}

}  // namespace
}  // namespace sr::file_distribution
