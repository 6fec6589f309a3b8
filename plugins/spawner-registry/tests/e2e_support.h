// Helpers for the end-to-end tests: plugins.yaml for the registry, with or without the store,
// and small wrappers over the raw HTTP client.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>
#include <string>

#include "eventually.h"
#include "http_client.h"
#include "test_host.h"

namespace sr::spawner_registry::testing {

// `registry_config` and `store_config` are YAML mappings' bodies, each line indented by 6.
inline std::string RegistryYaml(bool with_store, const std::string& registry_config = "",
                                const std::string& store_config = "") {
  std::string yaml =
      "server:\n"
      "  bind: 127.0.0.1\n"
      "  port: 0\n"
      "  missing_guards: allow\n"
      "plugins:\n";
  if (with_store) {
    // normal: commits survive kill -9 (the WAL is in the OS), without an fsync each.
    yaml +=
        "  - id: sqlite-store\n    config:\n      path: registry.db\n      synchronous: normal\n" +
        store_config;
  }
  yaml += "  - id: spawner-registry\n";
  if (!registry_config.empty()) yaml += "    config:\n" + registry_config;
  return yaml;
}

// Keys for tests that need the auth plugin's guards and the attributes they set.
inline const std::string kSpawnerKey = "registry-e2e-spawner-key-0123456789";
inline const std::string kOperatorKey = "registry-e2e-operator-key-0123456789";

// RegistryYaml plus the auth plugin with a shared spawner key and an operator key.
inline std::string RegistryWithAuthYaml(bool with_store, const std::string& registry_config = "") {
  return RegistryYaml(with_store, registry_config) +
         "  - id: auth\n    config:\n      api_keys:\n"
         "        - {name: fleet, key: \"" +
         kSpawnerKey +
         "\", role: spawner}\n"
         "        - {name: ops, key: \"" +
         kOperatorKey + "\", role: operator}\n";
}

// The environment for hosts with the auth plugin: a known first admin password.
inline std::map<std::string, std::string> AuthEnv() {
  return {{"ADMIN_PASSWORD", "registry-e2e-admin-password"}};
}

inline sr::test::HttpClient::Headers WithKey(const std::string& key) {
  return {{"X-API-Key", key}};
}

inline std::string RegistrationBody(std::uint16_t port, const std::string& host = "127.0.0.1") {
  return R"({"region":"eu-west","host":")" + host + R"(","port":)" + std::to_string(port) +
         R"(,"max_instances":10,"current_instances":1,"status":"idle"})";
}

inline rapidjson::Document ParseJson(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.c_str(), text.size());
  EXPECT_FALSE(document.HasParseError()) << text;
  return document;
}

// Registers a spawner; returns its id (0 on failure, with a test failure recorded).
inline std::uint64_t RegisterSpawner(sr::test::HttpClient& client, std::uint16_t port = 7777,
                                     const std::string& host = "127.0.0.1") {
  sr::test::HttpResponse response = client.Post("/api/spawners", RegistrationBody(port, host));
  EXPECT_EQ(response.status, 201) << response.body;
  if (response.status != 201) return 0;
  rapidjson::Document body = ParseJson(response.body);
  if (!body.IsObject() || !body.HasMember("id") || !body["id"].IsUint64()) return 0;
  return body["id"].GetUint64();
}

inline std::string SpawnerPath(std::uint64_t id, const std::string& suffix = "") {
  return "/api/spawners/" + std::to_string(id) + suffix;
}

using sr::test::Eventually;

}  // namespace sr::spawner_registry::testing
