#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "store_fixture.h"
#include "upload_store.h"

namespace sr::file_distribution {
namespace {

class UploadStoreConcurrencyTest : public testing::FolderFixture {
 protected:
  UploadStore uploads_{folder_->uploads_fd(), UploadLimits{}};
};

TEST_F(UploadStoreConcurrencyTest, ChunksRacingForTheSameOffsetAreWrittenOnce) {
  Result<UploadProgress> created = uploads_.Create(NewUpload{"1", 4, std::string(64, 'a'), ""});
  ASSERT_TRUE(created.has_value());
  const std::string id = created.value().upload_id;
  std::atomic<int> accepted{0};
  std::vector<std::thread> writers;
  for (int i = 0; i < 8; ++i) {
    writers.emplace_back([&, i] {
      std::string chunk(2, static_cast<char>('a' + i));
      if (uploads_.Append(id, 0, chunk).has_value()) ++accepted;
      uploads_.Progress(id);
    });
  }
  for (auto& writer : writers) writer.join();
  EXPECT_EQ(accepted.load(), 1);
  EXPECT_EQ(uploads_.Progress(id).value().received, 2u);
}

TEST_F(UploadStoreConcurrencyTest, AbortExpiryAndChunksInterleaveSafely) {
  for (int round = 0; round < 20; ++round) {
    // Appended: `"v" + std::to_string(round)` trips GCC 12's false -Wrestrict at -O3 (GCC
    // PR 105651).
    std::string version = "v";
    version += std::to_string(round);
    Result<UploadProgress> created =
        uploads_.Create(NewUpload{version, 1000, std::string(64, 'a'), ""});
    ASSERT_TRUE(created.has_value());
    const std::string id = created.value().upload_id;
    std::thread writer([&] {
      for (std::uint64_t offset = 0; offset < 1000; offset += 10) {
        if (!uploads_.Append(id, offset, std::string(10, 'x')).has_value()) break;
      }
    });
    std::thread aborter([&] { uploads_.Abort(id); });
    std::thread sweeper([&] { uploads_.ExpireIdleSince(0); });
    writer.join();
    aborter.join();
    sweeper.join();
    EXPECT_EQ(uploads_.Progress(id).error().kind, ErrorKind::kNotFound);
  }
  EXPECT_EQ(uploads_.Count(), 0u);
}

}  // namespace
}  // namespace sr::file_distribution
