// Resumable uploads, commits, the build list and activation through the real executable.
#include <gtest/gtest.h>

#include "e2e_support.h"

namespace sr::file_distribution::testing {
namespace {

using sr::test::HttpClient;
using sr::test::HttpResponse;
using sr::test::TempDir;
using sr::test::TestHost;

constexpr const char* kDownload = "/api/spawners/download";

class BuildUploadE2eTest : public ::testing::Test {
 protected:
  void Start(const std::string& config = "") {
    host_ =
        std::make_unique<TestHost>(FilesYaml(config), std::map<std::string, std::string>{}, dir_);
    ASSERT_TRUE(host_->Start()) << host_->Output();
    client_ = std::make_unique<HttpClient>(host_->port());
  }
  void Restart() {
    client_.reset();
    ASSERT_EQ(host_->Stop(), 0) << host_->Output();
    host_.reset();
    Start();
  }

  std::string CurrentVersion() { return StringField(client_->Get("/api/builds").body, "current"); }

  std::shared_ptr<TempDir> dir_ = std::make_shared<TempDir>();
  std::unique_ptr<TestHost> host_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(BuildUploadE2eTest, UploadCommitDownloadGivesIdenticalBytes) {
  Start();
  std::string build = MakeZip({{"bin/server", RandomBytes(300000, 1)}, {"README", "hi"}});
  HttpResponse created = client_->Post(
      "/api/builds/uploads", R"({"version":"1.0.0","size":)" + std::to_string(build.size()) +
                                 R"(,"sha256":")" + Sha256Hex(build) + R"("})");
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = StringField(created.body, "upload_id");
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(NumberField(created.body, "chunk_size"), kTestChunkBytes);
  EXPECT_EQ(NumberField(created.body, "received"), 0u);
  EXPECT_EQ(NumberField(created.body, "size"), build.size());
  EXPECT_EQ(created.Header("Location"), UploadPath(id));

  SendChunks(*client_, id, build, 0, build.size());
  HttpResponse progress = client_->Get(UploadPath(id));
  EXPECT_EQ(NumberField(progress.body, "received"), build.size());
  EXPECT_EQ(StringField(progress.body, "version"), "1.0.0");

  HttpResponse committed = Commit(*client_, id);
  ASSERT_EQ(committed.status, 201) << committed.body;
  EXPECT_EQ(StringField(committed.body, "version"), "1.0.0");
  EXPECT_EQ(StringField(committed.body, "sha256"), Sha256Hex(build));
  EXPECT_EQ(StringField(committed.body, "uploaded_by"), "anonymous");  // no auth plugin here
  EXPECT_TRUE(ParseJson(committed.body)["current"].GetBool());

  HttpResponse downloaded = client_->Get(kDownload);
  ASSERT_EQ(downloaded.status, 200);
  EXPECT_EQ(downloaded.body, build);
  EXPECT_EQ(downloaded.Header("ETag"), Etag(build));
  EXPECT_EQ(downloaded.Header("X-Build-Version"), "1.0.0");
  EXPECT_EQ(client_->Get(UploadPath(id)).status, 404);

  rapidjson::Document list = ParseJson(client_->Get("/api/builds").body);
  EXPECT_STREQ(list["current"].GetString(), "1.0.0");
  ASSERT_EQ(list["builds"].Size(), 1u);
  const auto& entry = list["builds"][0];
  EXPECT_STREQ(entry["version"].GetString(), "1.0.0");
  EXPECT_EQ(entry["size"].GetUint64(), build.size());
  EXPECT_EQ(entry["sha256"].GetString(), Sha256Hex(build));
  EXPECT_TRUE(entry["current"].GetBool());
  EXPECT_EQ(std::string(entry["uploaded_at"].GetString()).size(), 20u);
}

TEST_F(BuildUploadE2eTest, AnOutOfOrderChunkIsAConflictAndTheUploadResumes) {
  Start();
  std::string build = MakeZipOfSize(200000, 2);
  std::string id = BeginUpload(*client_, "2.0", build.size(), Sha256Hex(build));
  std::string target = UploadPath(id, "?offset=");
  HttpResponse early =
      client_->Request("PUT", target + std::to_string(kTestChunkBytes), build.substr(0, 10));
  EXPECT_EQ(early.status, 409);
  EXPECT_EQ(NumberField(early.body, "received"), 0u);
  EXPECT_FALSE(StringField(early.body, "error").empty());

  SendChunks(*client_, id, build, 0, kTestChunkBytes);
  // The same chunk again (a retry after a lost answer): refused, with where to go on.
  HttpResponse repeated = client_->Request("PUT", target + "0", build.substr(0, kTestChunkBytes));
  EXPECT_EQ(repeated.status, 409);
  std::uint64_t resume_at = NumberField(repeated.body, "received");
  EXPECT_EQ(resume_at, kTestChunkBytes);
  EXPECT_EQ(NumberField(client_->Get(UploadPath(id)).body, "received"), resume_at);

  SendChunks(*client_, id, build, resume_at, build.size());
  ASSERT_EQ(Commit(*client_, id).status, 201);
  EXPECT_EQ(client_->Get(kDownload).body, build);
}

TEST_F(BuildUploadE2eTest, ACorruptZipIsRejectedAndTheCurrentBuildStays) {
  Start();
  std::string good = MakeZipOfSize(50000, 3);
  ASSERT_EQ(UploadBuild(*client_, "1", good).status, 201);
  std::string corrupt = RandomBytes(100000, 4);
  std::string id = BeginUpload(*client_, "2", corrupt.size(), Sha256Hex(corrupt));
  SendChunks(*client_, id, corrupt, 0, corrupt.size());
  HttpResponse rejected = Commit(*client_, id);
  EXPECT_EQ(rejected.status, 422);
  EXPECT_NE(rejected.body.find("not a readable zip"), std::string::npos) << rejected.body;
  EXPECT_EQ(client_->Get(kDownload).body, good);
  EXPECT_EQ(CurrentVersion(), "1");
  EXPECT_EQ(client_->Get(UploadPath(id)).status, 404);
  EXPECT_EQ(ParseJson(client_->Get("/api/builds").body)["builds"].Size(), 1u);
}

TEST_F(BuildUploadE2eTest, UnsafeZipEntriesAreRefusedAtCommitNamingTheEntry) {
  Start();
  std::string good = MakeZipOfSize(50000, 3);
  ASSERT_EQ(UploadBuild(*client_, "1", good).status, 201);
  ZipEntrySpec renamed{"game/readme.txt", "hello"};
  renamed.local_name = "../../../../etc/cron.d/x";
  ZipEntrySpec link{"game/data", "/root", 0120777};
  const std::vector<std::pair<std::string, std::string>> cases = {
      {MakeZipOf({{"game/run.sh", "#!/bin/sh\n"}, renamed}),
       "unsafe zip entry \"game/readme.txt\" (entry 2 of 2): its local header names it "
       "\"../../../../etc/cron.d/x\"; the upload was discarded, start a new one"},
      {MakeZipOf({{"game/run.sh", "#!/bin/sh\n"}, link}),
       "unsafe zip entry \"game/data\" (entry 2 of 2): a symbolic link; the upload was "
       "discarded, start a new one"},
      {MakeZip({{"game/a", "1"}, {"game/a", "2"}}),
       "unsafe zip entry \"game/a\" (entry 2 of 2): the same name as entry 1 of 2; the upload "
       "was discarded, start a new one"},
      {MakeZip({{"game\\..\\..\\x", "1"}}),
       "unsafe zip entry \"game\\x5c..\\x5c..\\x5cx\" (entry 1 of 1): a backslash in its name; "
       "the upload was discarded, start a new one"}};
  int version = 2;
  for (const auto& [bytes, message] : cases) {
    std::string id =
        BeginUpload(*client_, std::to_string(version++), bytes.size(), Sha256Hex(bytes));
    SendChunks(*client_, id, bytes, 0, bytes.size());
    HttpResponse rejected = Commit(*client_, id);
    EXPECT_EQ(rejected.status, 422);
    EXPECT_EQ(rejected.Header("Content-Type"), "application/json");
    EXPECT_EQ(StringField(rejected.body, "error"), message) << rejected.body;
    EXPECT_EQ(client_->Get(UploadPath(id)).status, 404);
  }
  EXPECT_EQ(client_->Get(kDownload).body, good);
  EXPECT_EQ(CurrentVersion(), "1");
  EXPECT_EQ(ParseJson(client_->Get("/api/builds").body)["builds"].Size(), 1u);
}

TEST_F(BuildUploadE2eTest, AMismatchedDigestOrSizeIsRejectedAndTheCurrentBuildStays) {
  Start();
  std::string good = MakeZipOfSize(50000, 5);
  ASSERT_EQ(UploadBuild(*client_, "1", good).status, 201);
  std::string other = MakeZipOfSize(50000, 6);

  std::string wrong_digest = BeginUpload(*client_, "2", other.size(), Sha256Hex(good));
  SendChunks(*client_, wrong_digest, other, 0, other.size());
  HttpResponse rejected = Commit(*client_, wrong_digest);
  EXPECT_EQ(rejected.status, 422);
  EXPECT_NE(rejected.body.find("SHA-256 mismatch"), std::string::npos) << rejected.body;

  std::string short_upload = BeginUpload(*client_, "3", other.size(), Sha256Hex(other));
  SendChunks(*client_, short_upload, other, 0, kTestChunkBytes / 2);
  HttpResponse incomplete = Commit(*client_, short_upload);
  EXPECT_EQ(incomplete.status, 422);
  EXPECT_EQ(NumberField(incomplete.body, "received"), kTestChunkBytes / 2);
  HttpResponse too_long = client_->Request(
      "PUT", UploadPath(short_upload, "?offset=" + std::to_string(kTestChunkBytes / 2)),
      std::string(other.size(), 'x').substr(0, other.size() - kTestChunkBytes / 2 + 1));
  EXPECT_EQ(too_long.status, 400);

  EXPECT_EQ(client_->Get(kDownload).body, good);
  EXPECT_EQ(CurrentVersion(), "1");
}

TEST_F(BuildUploadE2eTest, BadRequestsAreRefusedWithJsonErrors) {
  Start();
  std::string sha(64, 'a');
  EXPECT_EQ(client_->Post("/api/builds/uploads", "nope").status, 400);
  EXPECT_EQ(client_
                ->Post("/api/builds/uploads",
                       R"({"version":"../../etc","size":5,"sha256":")" + sha + R"("})")
                .status,
            400);
  std::string id = BeginUpload(*client_, "1", 100, sha);
  EXPECT_EQ(client_->Request("PUT", UploadPath(id), "abc").status, 400);  // no offset
  EXPECT_EQ(client_->Request("PUT", UploadPath(id, "?offset=x"), "abc").status, 400);
  EXPECT_EQ(
      client_->Request("PUT", UploadPath("0123456789abcdef0123456789abcdef", "?offset=0"), "a")
          .status,
      404);
  // An id naming a path is no id (the host already refuses dot segments).
  EXPECT_EQ(client_->Request("PUT", UploadPath("builds%2F1.zip", "?offset=0"), "a").status, 404);
  EXPECT_EQ(client_->Request("PUT", UploadPath("..%2F..%2Fbuilds", "?offset=0"), "a").status, 400);
  HttpResponse too_big =
      client_->Request("PUT", UploadPath(id, "?offset=0"), std::string(kTestChunkBytes + 1, 'x'));
  EXPECT_EQ(too_big.status, 413);
  EXPECT_EQ(
      client_->Post("/api/builds/uploads", R"({"version":"1","size":5,"sha256":")" + sha + R"("})")
          .status,
      409);  // already being uploaded
  EXPECT_EQ(client_->Request("DELETE", UploadPath(id)).status, 200);
  EXPECT_EQ(client_->Request("DELETE", UploadPath(id)).status, 404);
  EXPECT_EQ(client_->Post("/api/builds/nope/activate", "").status, 404);
}

TEST_F(BuildUploadE2eTest, AnUploadSurvivesARestart) {
  Start();
  std::string build = MakeZipOfSize(300000, 7);
  std::string id = BeginUpload(*client_, "7.0", build.size(), Sha256Hex(build));
  SendChunks(*client_, id, build, 0, 2 * kTestChunkBytes);
  Restart();
  HttpResponse progress = client_->Get(UploadPath(id));
  ASSERT_EQ(progress.status, 200) << progress.body;
  EXPECT_EQ(NumberField(progress.body, "received"), 2 * kTestChunkBytes);
  SendChunks(*client_, id, build, 2 * kTestChunkBytes, build.size());
  ASSERT_EQ(Commit(*client_, id).status, 201);
  EXPECT_EQ(client_->Get(kDownload).body, build);
  Restart();
  EXPECT_EQ(CurrentVersion(), "7.0");
  EXPECT_EQ(client_->Get(kDownload).Header("X-Build-Version"), "7.0");
}

TEST_F(BuildUploadE2eTest, OnlyTheNewestBuildsAreKept) {
  Start("      keep_builds: 2\n");
  for (const char* version : {"1", "2", "3"}) {
    ASSERT_EQ(UploadBuild(*client_, version, MakeZipOfSize(1000, version[0])).status, 201);
  }
  rapidjson::Document list = ParseJson(client_->Get("/api/builds").body);
  ASSERT_EQ(list["builds"].Size(), 2u);
  EXPECT_STREQ(list["builds"][0]["version"].GetString(), "3");
  EXPECT_STREQ(list["builds"][1]["version"].GetString(), "2");
  EXPECT_FALSE(std::filesystem::exists(dir_->path() / "files/builds/1.zip"));
  EXPECT_TRUE(std::filesystem::exists(dir_->path() / "files/builds/2.zip"));
  EXPECT_EQ(client_->Post("/api/builds/1/activate", "").status, 404);
}

TEST_F(BuildUploadE2eTest, AnOlderBuildCanBeMadeCurrentAgain) {
  Start();
  std::string first = MakeZipOfSize(20000, 8);
  std::string second = MakeZipOfSize(20000, 9);
  ASSERT_EQ(UploadBuild(*client_, "1", first).status, 201);
  ASSERT_EQ(UploadBuild(*client_, "2", second).status, 201);
  EXPECT_EQ(client_->Get(kDownload).body, second);
  HttpResponse activated = client_->Post("/api/builds/1/activate", "");
  ASSERT_EQ(activated.status, 200) << activated.body;
  EXPECT_EQ(StringField(activated.body, "version"), "1");
  HttpResponse downloaded = client_->Get(kDownload);
  EXPECT_EQ(downloaded.body, first);
  EXPECT_EQ(downloaded.Header("ETag"), Etag(first));
  EXPECT_EQ(CurrentVersion(), "1");
  EXPECT_EQ(StringField(client_->Get("/api/spawners/download/manifest").body, "version"), "1");
  // A version that already exists cannot be uploaded again.
  EXPECT_EQ(client_
                ->Post("/api/builds/uploads",
                       R"({"version":"2","size":5,"sha256":")" + std::string(64, 'a') + R"("})")
                .status,
            409);
}

TEST_F(BuildUploadE2eTest, IdleUploadsExpire) {
  Start("      upload_expiry: 1s\n");
  std::string id = BeginUpload(*client_, "1", 1000, std::string(64, 'a'));
  ASSERT_EQ(client_->Get(UploadPath(id)).status, 200);
  EXPECT_TRUE(Eventually([&] { return client_->Get(UploadPath(id)).status == 404; },
                         std::chrono::seconds(8)));
  EXPECT_FALSE(std::filesystem::exists(dir_->path() / "files/.uploads" / (id + ".part")));
}

}  // namespace
}  // namespace sr::file_distribution::testing
