#include "upload_store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "names.h"
#include "store_fixture.h"
#include "time_format.h"

namespace sr::file_distribution {
namespace {

class UploadStoreTest : public testing::FolderFixture {
 protected:
  UploadStoreTest() { Restart(); }

  std::vector<std::string> Restart(UploadLimits limits = {}) {
    uploads_.reset();
    Reopen();
    uploads_ = std::make_unique<UploadStore>(folder_->uploads_fd(), limits);
    return uploads_->Load();
  }

  std::string Create(const std::string& version, std::uint64_t size) {
    Result<UploadProgress> created =
        uploads_->Create(NewUpload{version, size, std::string(64, 'a'), "ann"});
    EXPECT_TRUE(created.has_value()) << created.error().message;
    return created.has_value() ? created.value().upload_id : "";
  }

  std::filesystem::path Part(const std::string& id) const {
    return root() / ".uploads" / PartFileName(id);
  }

  std::unique_ptr<UploadStore> uploads_;
};

TEST_F(UploadStoreTest, ChunksArriveInOrder) {
  std::string id = Create("1.0", 10);
  EXPECT_TRUE(IsValidUploadId(id));
  EXPECT_TRUE(std::filesystem::exists(Part(id)));
  ASSERT_EQ(uploads_->Append(id, 0, "01234").value().received, 5u);
  ASSERT_EQ(uploads_->Append(id, 5, "56789").value().received, 10u);
  EXPECT_EQ(sr::test::ReadFile(Part(id)), "0123456789");
  UploadProgress progress = uploads_->Progress(id).value();
  EXPECT_EQ(progress.version, "1.0");
  EXPECT_EQ(progress.size, 10u);
  EXPECT_EQ(progress.received, 10u);
  EXPECT_EQ(progress.uploaded_by, "ann");
}

TEST_F(UploadStoreTest, AWrongOffsetIsAConflictThatNamesWhereToResume) {
  std::string id = Create("1.0", 10);
  ASSERT_TRUE(uploads_->Append(id, 0, "0123").has_value());
  for (std::uint64_t offset : {0u, 2u, 6u}) {
    Result<UploadProgress> wrong = uploads_->Append(id, offset, "xx");
    ASSERT_FALSE(wrong.has_value());
    EXPECT_EQ(wrong.error().kind, ErrorKind::kConflict);
    EXPECT_EQ(wrong.error().received, 4u);
  }
  EXPECT_EQ(sr::test::ReadFile(Part(id)), "0123");
}

TEST_F(UploadStoreTest, ChunksMustBeNonEmptyAndInsideTheDeclaredSize) {
  std::string id = Create("1.0", 4);
  EXPECT_EQ(uploads_->Append(id, 0, "").error().kind, ErrorKind::kInvalidArgument);
  EXPECT_EQ(uploads_->Append(id, 0, "12345").error().kind, ErrorKind::kInvalidArgument);
  EXPECT_TRUE(uploads_->Append(id, 0, "1234").has_value());
}

TEST_F(UploadStoreTest, UnknownAndMalformedIdsAreNotFound) {
  for (std::string_view id : {"0123456789abcdef0123456789abcdef", "../../etc/passwd", ""}) {
    EXPECT_EQ(uploads_->Append(id, 0, "x").error().kind, ErrorKind::kNotFound);
    EXPECT_EQ(uploads_->Progress(id).error().kind, ErrorKind::kNotFound);
    EXPECT_EQ(uploads_->Abort(id).error().kind, ErrorKind::kNotFound);
  }
}

TEST_F(UploadStoreTest, CreateValidatesAndEnforcesLimits) {
  Restart(UploadLimits{100, 2});
  EXPECT_EQ(uploads_->Create({"../x", 1, std::string(64, 'a'), ""}).error().kind,
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(uploads_->Create({"1", 1, "abc", ""}).error().kind, ErrorKind::kInvalidArgument);
  EXPECT_EQ(uploads_->Create({"1", 0, std::string(64, 'a'), ""}).error().kind,
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(uploads_->Create({"1", 101, std::string(64, 'a'), ""}).error().kind,
            ErrorKind::kTooLarge);
  Create("1", 100);
  EXPECT_EQ(uploads_->Create({"1", 5, std::string(64, 'a'), ""}).error().kind,
            ErrorKind::kConflict);
  Create("2", 5);
  EXPECT_EQ(uploads_->Create({"3", 5, std::string(64, 'a'), ""}).error().kind, ErrorKind::kTooMany);
}

TEST_F(UploadStoreTest, AbortRemovesTheFiles) {
  std::string id = Create("1.0", 10);
  ASSERT_TRUE(uploads_->Append(id, 0, "abc").has_value());
  ASSERT_TRUE(uploads_->Abort(id).has_value());
  EXPECT_FALSE(std::filesystem::exists(Part(id)));
  EXPECT_FALSE(std::filesystem::exists(root() / ".uploads" / SidecarFileName(id)));
  EXPECT_EQ(uploads_->Progress(id).error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(uploads_->Count(), 0u);
}

TEST_F(UploadStoreTest, UploadsSurviveARestartAndContinue) {
  std::string id = Create("1.0", 6);
  ASSERT_TRUE(uploads_->Append(id, 0, "abc").has_value());
  EXPECT_TRUE(Restart().empty());
  UploadProgress progress = uploads_->Progress(id).value();
  EXPECT_EQ(progress.received, 3u);
  EXPECT_EQ(progress.version, "1.0");
  EXPECT_EQ(progress.uploaded_by, "ann");
  ASSERT_TRUE(uploads_->Append(id, 3, "def").has_value());
  EXPECT_EQ(sr::test::ReadFile(Part(id)), "abcdef");
}

TEST_F(UploadStoreTest, LoadDropsIncompleteLeftovers) {
  std::string kept = Create("1", 6);
  std::string without_part = Create("2", 6);
  std::string damaged = Create("3", 6);
  std::filesystem::remove(Part(without_part));
  dir_.Write("files/.uploads/" + SidecarFileName(damaged), "{");
  std::string orphan = *NewUploadId();
  dir_.Write("files/.uploads/" + PartFileName(orphan), "data");
  std::vector<std::string> warnings = Restart();
  EXPECT_EQ(warnings.size(), 3u) << ::testing::PrintToString(warnings);
  EXPECT_EQ(uploads_->Count(), 1u);
  EXPECT_TRUE(uploads_->Progress(kept).has_value());
  EXPECT_FALSE(std::filesystem::exists(Part(orphan)));
  EXPECT_FALSE(std::filesystem::exists(Part(damaged)));
}

TEST_F(UploadStoreTest, IdleUploadsExpire) {
  std::string idle = Create("1", 6);
  std::string active = Create("2", 6);
  timespec old_times[2] = {{UnixNow() - 3600, 0}, {UnixNow() - 3600, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, Part(idle).c_str(), old_times, 0), 0);
  std::vector<UploadProgress> expired = uploads_->ExpireIdleSince(UnixNow() - 60);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].upload_id, idle);
  EXPECT_FALSE(std::filesystem::exists(Part(idle)));
  EXPECT_TRUE(uploads_->Progress(active).has_value());
  // Writing a chunk is activity.
  ASSERT_TRUE(uploads_->Append(active, 0, "abc").has_value());
  EXPECT_TRUE(uploads_->ExpireIdleSince(UnixNow() - 60).empty());
}

TEST_F(UploadStoreTest, AClaimedUploadRefusesChunksAndAborts) {
  std::string id = Create("1", 3);
  Result<UploadProgress> early = uploads_->Claim(id);
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(early.error().kind, ErrorKind::kUnprocessable);
  EXPECT_EQ(early.error().received, 0u);
  ASSERT_TRUE(uploads_->Append(id, 0, "abc").has_value());
  ASSERT_TRUE(uploads_->Claim(id).has_value());
  EXPECT_EQ(uploads_->Claim(id).error().kind, ErrorKind::kConflict);
  EXPECT_EQ(uploads_->Abort(id).error().kind, ErrorKind::kConflict);
  EXPECT_TRUE(uploads_->ExpireIdleSince(UnixNow() + 60).empty());
  uploads_->Release(id);
  EXPECT_TRUE(uploads_->Abort(id).has_value());
}

}  // namespace
}  // namespace sr::file_distribution
