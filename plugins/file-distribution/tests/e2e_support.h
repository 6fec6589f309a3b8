// Helpers for the end-to-end tests: plugins.yaml with file-distribution, the upload protocol
// over the raw HTTP client, and files placed by hand into the served folder.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <string>

#include "eventually.h"
#include "http_client.h"
#include "sha256.h"
#include "temp_dir.h"
#include "test_host.h"
#include "zip_builder.h"

namespace sr::file_distribution::testing {

inline constexpr std::size_t kTestChunkBytes = 64 << 10;  // the smallest chunk_size allowed

// `config` holds extra lines of the plugin's config, each indented by 6 spaces. Guards are
// allowed without the auth plugin.
inline std::string FilesYaml(const std::string& config = "") {
  return "server:\n"
         "  bind: 127.0.0.1\n"
         "  port: 0\n"
         "  missing_guards: allow\n"
         "plugins:\n"
         "  - id: file-distribution\n"
         "    config:\n"
         "      chunk_size: 64KiB\n" +
         config;
}

inline rapidjson::Document ParseJson(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.c_str(), text.size());
  EXPECT_FALSE(document.HasParseError()) << text;
  return document;
}

inline std::string StringField(const std::string& json, const char* name) {
  rapidjson::Document document = ParseJson(json);
  if (!document.IsObject() || !document.HasMember(name) || !document[name].IsString()) return "";
  return document[name].GetString();
}

inline std::uint64_t NumberField(const std::string& json, const char* name) {
  rapidjson::Document document = ParseJson(json);
  if (!document.IsObject() || !document.HasMember(name) || !document[name].IsUint64()) {
    ADD_FAILURE() << "no number " << name << " in " << json;
    return 0;
  }
  return document[name].GetUint64();
}

inline std::string Etag(const std::string& bytes) { return "\"sha256-" + Sha256Hex(bytes) + "\""; }

inline std::filesystem::path FilesDir(const sr::test::TestHost& host) {
  return host.dir()->path() / "files";
}

// Puts game_server.zip into the served folder the way an operator should: complete file
// beside it, then rename over it.
inline void PlaceByHand(const sr::test::TestHost& host, const std::string& bytes) {
  host.dir()->Write("files/incoming.tmp", bytes);
  std::filesystem::rename(FilesDir(host) / "incoming.tmp", FilesDir(host) / "game_server.zip");
}

// POST /api/builds/uploads; returns the upload id ("" with a failure recorded).
inline std::string BeginUpload(sr::test::HttpClient& client, const std::string& version,
                               std::uint64_t size, const std::string& sha256,
                               const sr::test::HttpClient::Headers& headers = {}) {
  sr::test::HttpResponse created =
      client.Post("/api/builds/uploads",
                  R"({"version":")" + version + R"(","size":)" + std::to_string(size) +
                      R"(,"sha256":")" + sha256 + R"("})",
                  headers);
  EXPECT_EQ(created.status, 201) << created.body;
  return StringField(created.body, "upload_id");
}

inline std::string UploadPath(const std::string& id, const std::string& suffix = "") {
  return "/api/builds/uploads/" + id + suffix;
}

// PUTs bytes [from, to) of `bytes` in chunks of kTestChunkBytes.
inline void SendChunks(sr::test::HttpClient& client, const std::string& id,
                       const std::string& bytes, std::size_t from, std::size_t to,
                       const sr::test::HttpClient::Headers& headers = {}) {
  for (std::size_t offset = from; offset < to; offset += kTestChunkBytes) {
    std::size_t length = std::min(kTestChunkBytes, to - offset);
    sr::test::HttpResponse sent =
        client.Request("PUT", UploadPath(id, "?offset=" + std::to_string(offset)),
                       bytes.substr(offset, length), headers);
    ASSERT_EQ(sent.status, 200) << sent.body;
    ASSERT_EQ(NumberField(sent.body, "received"), offset + length);
  }
}

inline sr::test::HttpResponse Commit(sr::test::HttpClient& client, const std::string& id,
                                     const sr::test::HttpClient::Headers& headers = {}) {
  return client.Post(UploadPath(id, "/commit"), "", headers);
}

// The whole protocol for `bytes` declared with their own digest; returns the commit answer.
inline sr::test::HttpResponse UploadBuild(sr::test::HttpClient& client, const std::string& version,
                                          const std::string& bytes,
                                          const sr::test::HttpClient::Headers& headers = {}) {
  std::string id = BeginUpload(client, version, bytes.size(), Sha256Hex(bytes), headers);
  SendChunks(client, id, bytes, 0, bytes.size(), headers);
  return Commit(client, id, headers);
}

using sr::test::Eventually;

}  // namespace sr::file_distribution::testing
