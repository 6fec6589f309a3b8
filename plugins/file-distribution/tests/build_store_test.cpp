#include "build_store.h"

#include <gtest/gtest.h>

#include "names.h"
#include "sha256.h"
#include "store_fixture.h"
#include "zip_builder.h"

namespace sr::file_distribution {
namespace {

using testing::MakeZipOfSize;
using testing::ReadAll;

class BuildStoreTest : public testing::FolderFixture {
 protected:
  BuildStoreTest() { store_ = std::make_unique<BuildStore>(*folder_, keep_builds_); }

  void Restart(std::size_t keep_builds) {
    keep_builds_ = keep_builds;
    store_.reset();
    Reopen();
    store_ = std::make_unique<BuildStore>(*folder_, keep_builds_);
    load_warnings_ = store_->Load();
  }

  Result<Activation> Install(const std::string& version, const std::string& bytes,
                             InstallMode mode = InstallMode::kMakeCurrent) {
    BuildRecord build{version, bytes.size(), Sha256Hex(bytes), "ann", "2024-06-10T10:00:00Z"};
    return store_->Install(folder_->uploads_fd(), Stage(bytes), build, mode);
  }

  std::vector<std::string> Versions() const {
    std::vector<std::string> versions;
    for (const BuildRecord& build : store_->Builds()) versions.push_back(build.version);
    return versions;
  }

  std::size_t keep_builds_ = 5;
  std::unique_ptr<BuildStore> store_;
  std::vector<std::string> load_warnings_;
};

TEST_F(BuildStoreTest, AnEmptyFolderServesNothing) {
  EXPECT_TRUE(store_->Load().empty());
  Result<OpenedBuild> served = store_->OpenServed();
  ASSERT_FALSE(served.has_value());
  EXPECT_EQ(served.error().kind, ErrorKind::kNotFound);
  EXPECT_FALSE(store_->CurrentVersion());
  EXPECT_TRUE(store_->Builds().empty());
  EXPECT_TRUE(std::filesystem::is_directory(root() / "builds"));
  EXPECT_TRUE(std::filesystem::is_directory(root() / ".uploads"));
}

TEST_F(BuildStoreTest, InstallMakesTheBuildCurrentAndKnown) {
  std::string first = MakeZipOfSize(1000, 1);
  Result<Activation> installed = Install("1.0", first);
  ASSERT_TRUE(installed.has_value()) << installed.error().message;
  EXPECT_FALSE(installed.value().previous);
  EXPECT_TRUE(installed.value().warning.empty());
  EXPECT_EQ(Served(), first);
  EXPECT_EQ(sr::test::ReadFile(root() / "builds" / "1.0.zip"), first);
  EXPECT_EQ(store_->CurrentVersion(), "1.0");

  Result<OpenedBuild> served = store_->OpenServed();
  ASSERT_TRUE(served.has_value());
  std::optional<BuildRecord> found = store_->Find(served.value().identity);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->sha256, Sha256Hex(first));

  Result<Activation> second = Install("1.1", MakeZipOfSize(1000, 2));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second.value().previous, "1.0");
  EXPECT_EQ(Versions(), std::vector<std::string>({"1.1", "1.0"}));
}

TEST_F(BuildStoreTest, InstallRefusesATakenVersion) {
  ASSERT_TRUE(Install("1.0", MakeZipOfSize(10, 1)).has_value());
  Result<Activation> again = Install("1.0", MakeZipOfSize(10, 2));
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(Served(), MakeZipOfSize(10, 1));
}

TEST_F(BuildStoreTest, AnOpenReaderKeepsTheBuildItStartedWith) {
  std::string old_build = MakeZipOfSize(100000, 1);
  ASSERT_TRUE(Install("1.0", old_build).has_value());
  Result<OpenedBuild> reader = store_->OpenServed();
  ASSERT_TRUE(reader.has_value());
  ASSERT_TRUE(Install("2.0", MakeZipOfSize(100000, 2)).has_value());
  EXPECT_EQ(ReadAll(reader.value().fd.get()), old_build);
  EXPECT_EQ(Served(), MakeZipOfSize(100000, 2));
}

TEST_F(BuildStoreTest, OldBuildsArePrunedBeyondKeepBuilds) {
  Restart(2);
  for (const char* version : {"1", "2", "3"}) {
    ASSERT_TRUE(Install(version, MakeZipOfSize(10, version[0])).has_value());
  }
  EXPECT_EQ(Versions(), std::vector<std::string>({"3", "2"}));
  EXPECT_FALSE(std::filesystem::exists(root() / "builds" / "1.zip"));
  EXPECT_TRUE(std::filesystem::exists(root() / "builds" / "2.zip"));
}

TEST_F(BuildStoreTest, AStoredOnlyBuildIsKeptButNotServedUntilActivated) {
  Restart(1);
  std::string current = MakeZipOfSize(10, 1);
  ASSERT_TRUE(Install("1", current).has_value());
  std::string stored = MakeZipOfSize(10, 2);
  Result<Activation> installed = Install("2", stored, InstallMode::kStoreOnly);
  ASSERT_TRUE(installed.has_value()) << installed.error().message;
  EXPECT_FALSE(installed.value().made_current);
  EXPECT_EQ(installed.value().previous, "1");
  EXPECT_EQ(Served(), current);
  EXPECT_EQ(store_->CurrentVersion(), "1");
  // keep_builds 1 prunes neither the served build nor the one waiting for an admin.
  EXPECT_EQ(Versions(), std::vector<std::string>({"2", "1"}));
  EXPECT_EQ(sr::test::ReadFile(root() / "builds" / "2.zip"), stored);

  Result<Activation> activated = store_->Activate("2");
  ASSERT_TRUE(activated.has_value()) << activated.error().message;
  EXPECT_EQ(Served(), stored);
  EXPECT_EQ(store_->CurrentVersion(), "2");
  // The next install (made current) prunes down to keep_builds again.
  ASSERT_TRUE(Install("3", MakeZipOfSize(10, 3)).has_value());
  EXPECT_EQ(Versions(), std::vector<std::string>({"3"}));
}

TEST_F(BuildStoreTest, ActivateServesAnOlderBuildAgain) {
  ASSERT_TRUE(Install("1", MakeZipOfSize(10, 1)).has_value());
  ASSERT_TRUE(Install("2", MakeZipOfSize(10, 2)).has_value());
  Result<Activation> activated = store_->Activate("1");
  ASSERT_TRUE(activated.has_value()) << activated.error().message;
  EXPECT_EQ(activated.value().previous, "2");
  EXPECT_EQ(Served(), MakeZipOfSize(10, 1));
  EXPECT_EQ(store_->CurrentVersion(), "1");

  Result<Activation> again = store_->Activate("1");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again.value().previous, "1");
  EXPECT_EQ(store_->Activate("9").error().kind, ErrorKind::kNotFound);
}

TEST_F(BuildStoreTest, TheIndexAndTheCurrentBuildSurviveARestart) {
  ASSERT_TRUE(Install("1", MakeZipOfSize(10, 1)).has_value());
  ASSERT_TRUE(Install("2", MakeZipOfSize(10, 2)).has_value());
  ASSERT_TRUE(store_->Activate("1").has_value());
  Restart(5);
  EXPECT_TRUE(load_warnings_.empty());
  EXPECT_EQ(Versions(), std::vector<std::string>({"2", "1"}));
  EXPECT_EQ(store_->CurrentVersion(), "1");
  EXPECT_EQ(store_->Builds()[0].uploaded_by, "ann");
}

TEST_F(BuildStoreTest, ABuildWhoseFileVanishedIsForgottenAtLoad) {
  ASSERT_TRUE(Install("1", MakeZipOfSize(10, 1)).has_value());
  ASSERT_TRUE(Install("2", MakeZipOfSize(10, 2)).has_value());
  std::filesystem::remove(root() / "builds" / "1.zip");
  Restart(5);
  ASSERT_EQ(load_warnings_.size(), 1u);
  EXPECT_NE(load_warnings_[0].find("1.zip is missing"), std::string::npos) << load_warnings_[0];
  EXPECT_EQ(Versions(), std::vector<std::string>({"2"}));
}

TEST_F(BuildStoreTest, ADamagedIndexIsMovedAside) {
  ASSERT_TRUE(Install("1", MakeZipOfSize(10, 1)).has_value());
  dir_.Write("files/builds/index.json", "{not json");
  Restart(5);
  ASSERT_EQ(load_warnings_.size(), 1u);
  EXPECT_NE(load_warnings_[0].find("moved aside"), std::string::npos) << load_warnings_[0];
  EXPECT_TRUE(Versions().empty());
  EXPECT_FALSE(std::filesystem::exists(root() / "builds" / "index.json"));
}

TEST_F(BuildStoreTest, AFilePlacedByHandBecomesAManualBuild) {
  std::string bytes = MakeZipOfSize(5000, 9);
  PlaceByHand(bytes);
  Result<OpenedBuild> served = store_->OpenServed();
  ASSERT_TRUE(served.has_value());
  FileIdentity identity = served.value().identity;
  EXPECT_FALSE(store_->Find(identity));

  RecordedDigest recorded = store_->RecordDigest(identity, Sha256Hex(bytes));
  EXPECT_TRUE(recorded.newly_served);
  EXPECT_TRUE(recorded.warning.empty()) << recorded.warning;
  EXPECT_EQ(recorded.build.version.rfind("manual-", 0), 0u) << recorded.build.version;
  EXPECT_TRUE(IsValidVersion(recorded.build.version));
  EXPECT_EQ(recorded.build.uploaded_by, "manual");
  EXPECT_EQ(store_->Find(identity)->version, recorded.build.version);
  EXPECT_EQ(store_->CurrentVersion(), recorded.build.version);
  // Kept like an uploaded build: the same file, hard-linked into builds/.
  EXPECT_EQ(IdentityOfPath(root() / "builds" / BuildFileName(recorded.build.version)), identity);
  EXPECT_EQ(Versions(), std::vector<std::string>({recorded.build.version}));

  RecordedDigest again = store_->RecordDigest(identity, Sha256Hex(bytes));
  EXPECT_FALSE(again.newly_served);
  EXPECT_EQ(again.build, recorded.build);
}

TEST_F(BuildStoreTest, AKeptBuildCopiedBackByHandIsThatBuild) {
  std::string first = MakeZipOfSize(10, 1);
  ASSERT_TRUE(Install("1", first).has_value());
  ASSERT_TRUE(Install("2", MakeZipOfSize(10, 2)).has_value());
  PlaceByHand(first);
  FileIdentity identity = IdentityOfPath(served_path());
  RecordedDigest recorded = store_->RecordDigest(identity, Sha256Hex(first));
  EXPECT_FALSE(recorded.newly_served);
  EXPECT_EQ(recorded.build.version, "1");
  EXPECT_EQ(store_->CurrentVersion(), "1");
  EXPECT_EQ(Versions().size(), 2u);
}

TEST_F(BuildStoreTest, ASymbolicLinkIsNeverServed) {
  dir_.Write("elsewhere.zip", "secret");
  std::filesystem::create_symlink(dir_.path() / "elsewhere.zip", served_path());
  Result<OpenedBuild> served = store_->OpenServed();
  ASSERT_FALSE(served.has_value());
  EXPECT_EQ(served.error().kind, ErrorKind::kNotFound);
  EXPECT_NE(served.error().message.find("symbolic link"), std::string::npos);
}

}  // namespace
}  // namespace sr::file_distribution
