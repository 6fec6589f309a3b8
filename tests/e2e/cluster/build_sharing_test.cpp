// Builds everywhere: a build uploaded through one master is downloadable from every master,
// also from one started after the upload (it fetches its verified copy on first use).
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <rapidjson/document.h>

#include <array>

#include "cluster.h"
#include "fleet_api.h"
#include "http_client.h"
#include "zip_builder.h"

namespace sr::test::cluster {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kChunkBytes = 64 << 10;  // file-distribution's smallest chunk_size

// file-distribution with small upload chunks; operators may make their upload current.
const MasterOptions kWithBuilds{
    "", "",
    "  - id: file-distribution\n"
    "    config:\n"
    "      chunk_size: 64KiB\n"
    "      operators_can_activate: true\n"};

std::string Sha256Hex(const std::string& bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &size, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 15]);
  }
  return hex;
}

std::string JsonString(const std::string& body, const char* name) {
  rapidjson::Document document;
  document.Parse(body.c_str(), body.size());
  if (document.HasParseError() || !document.IsObject() || !document.HasMember(name) ||
      !document[name].IsString()) {
    return "";
  }
  return document[name].GetString();
}

const HttpClient::Headers kOperator{{"X-API-Key", kOperatorKey}};
const HttpClient::Headers kSpawner{{"X-API-Key", kSpawnerKey}};

// The upload protocol through one master: begin, chunks, commit; the commit's status.
int Upload(std::uint16_t port, const std::string& version, const std::string& bytes) {
  HttpClient client(port);
  HttpResponse begun = client.Post("/api/builds/uploads",
                                   std::string(R"({"version":")")
                                       .append(version)
                                       .append(R"(","size":)")
                                       .append(std::to_string(bytes.size()))
                                       .append(R"(,"sha256":")")
                                       .append(Sha256Hex(bytes))
                                       .append(R"("})"),
                                   kOperator);
  EXPECT_EQ(begun.status, 201) << begun.body;
  std::string path = std::string("/api/builds/uploads/").append(JsonString(begun.body, "upload_id"));
  for (std::size_t offset = 0; offset < bytes.size(); offset += kChunkBytes) {
    HttpResponse sent = client.Request(
        "PUT", std::string(path).append("?offset=").append(std::to_string(offset)),
        bytes.substr(offset, kChunkBytes), kOperator);
    if (sent.status != 200) {
      ADD_FAILURE() << "chunk at " << offset << ": " << sent.status << " " << sent.body;
      return sent.status;
    }
  }
  HttpResponse committed = client.Post(std::string(path).append("/commit"), "", kOperator);
  EXPECT_EQ(committed.status, 201) << committed.body;
  return committed.status;
}

// The current build as a spawner downloads it from the master at `port` ("" if none).
std::string Download(std::uint16_t port) {
  HttpClient client(port);
  client.set_timeout(20s);
  HttpResponse response = client.Get("/api/spawners/download", kSpawner);
  return response.status == 200 ? response.body : "";
}

TEST_F(ClusterTest, ABuildUploadedThroughOneMasterIsDownloadableFromEvery) {
  ASSERT_TRUE(StartMasters(2, kWithBuilds));
  // Several of the store's 1 MiB chunks, not a multiple of the upload chunk either.
  const std::string build = file_distribution::testing::MakeZipOfSize((3 << 20) + 12345, 7);
  const std::string sha256 = Sha256Hex(build);
  ASSERT_EQ(Upload(master(0).port(), "2.0.0", build), 201);
  EXPECT_EQ(Download(master(0).port()), build);

  // B learns of the new current build through the database, then serves its own copy.
  std::string manifest;
  EXPECT_TRUE(Eventually(
      [&] {
        manifest = Fetch(master(1).port(), "GET", "/api/spawners/download/manifest", "", kSpawner).body;
        return JsonString(manifest, "sha256") == sha256;
      },
      3s))
      << manifest;
  EXPECT_EQ(JsonString(manifest, "version"), "2.0.0");
  std::string from_b = Download(master(1).port());
  EXPECT_EQ(from_b.size(), build.size());
  EXPECT_TRUE(from_b == build) << "host B serves other bytes";

  // A master that was not running during the upload serves it too.
  TestHost* late = StartMaster(kWithBuilds);
  ASSERT_NE(late, nullptr);
  std::string from_late;
  EXPECT_TRUE(Eventually([&] { return (from_late = Download(late->port())) == build; }, 5s))
      << "a late master serves " << from_late.size() << " bytes of " << build.size();
}

}  // namespace
}  // namespace sr::test::cluster
