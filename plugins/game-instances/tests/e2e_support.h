// Helpers for the end-to-end tests: a host with spawner-registry and game-instances (and, on
// request, sqlite-store and auth), fake agents registered with it, and JSON reading.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <map>
#include <string>

#include "eventually.h"
#include "fake_agent.h"
#include "http_client.h"
#include "test_host.h"

namespace sr::game_instances::testing {

inline const std::string kSpawnerKey = "instances-e2e-spawner-key-0123456789";
inline const std::string kOperatorKey = "instances-e2e-operator-key-0123456789";
inline const std::string kAdminKey = "instances-e2e-admin-key-0123456789abc";

struct HostOptions {
  std::string instances_config;  // lines of game-instances' config, indented by 6
  bool store = false;
  bool auth = false;
};

inline std::string InstancesYaml(const HostOptions& options) {
  std::string yaml = "server:\n  bind: 127.0.0.1\n  port: 0\n  missing_guards: allow\nplugins:\n";
  if (options.store) {
    yaml +=
        "  - id: sqlite-store\n    config:\n      path: registry.db\n      synchronous: normal\n";
  }
  yaml += "  - id: spawner-registry\n    config:\n      heartbeat_flush_interval: 50ms\n";
  yaml += "  - id: game-instances\n    config:\n      spawn_targets: {allow: [127.0.0.0/8]}\n" +
          options.instances_config;
  if (options.auth) {
    yaml += "  - id: auth\n    config:\n      api_keys:\n        - {name: fleet, key: \"" +
            kSpawnerKey + "\", role: spawner}\n        - {name: ops, key: \"" + kOperatorKey +
            "\", role: operator}\n";
  }
  return yaml;
}

inline std::map<std::string, std::string> InstancesEnv() {
  return {{"ADMIN_PASSWORD", "instances-e2e-admin-password"}, {"ADMIN_API_KEY", kAdminKey}};
}

inline rapidjson::Document Parse(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.c_str(), text.size());
  EXPECT_FALSE(document.HasParseError()) << text;
  return document;
}

inline sr::test::HttpClient::Headers Key(const std::string& key) { return {{"X-API-Key", key}}; }

struct Registered {
  std::uint64_t id = 0;
  std::string token;
};

// Registers `agent` (current_instances 0); headers carry a key when auth is on.
inline Registered RegisterAgent(std::uint16_t port, const FakeAgent& agent,
                                const sr::test::HttpClient::Headers& headers = {}) {
  std::string body = "{\"region\":\"" + agent.region() +
                     "\",\"host\":\"127.0.0.1\",\"port\":" + std::to_string(agent.port()) +
                     ",\"max_instances\":" + std::to_string(agent.max_instances()) +
                     ",\"current_instances\":0,\"status\":\"active\"}";
  auto headers_with_type = headers;
  headers_with_type.emplace_back("Content-Type", "application/json");
  sr::test::HttpResponse response =
      sr::test::Fetch(port, "POST", "/api/spawners", body, headers_with_type);
  EXPECT_EQ(response.status, 201) << response.body;
  Registered out;
  rapidjson::Document document = Parse(response.body);
  if (document.IsObject() && document.HasMember("id")) {
    out.id = document["id"].GetUint64();
    out.token = document["token"].GetString();
  }
  return out;
}

inline sr::test::HttpResponse Heartbeat(std::uint16_t port, std::uint64_t id, int current, int max,
                                        const sr::test::HttpClient::Headers& headers = {}) {
  auto with_type = headers;
  with_type.emplace_back("Content-Type", "application/json");
  return sr::test::Fetch(port, "POST", "/api/spawners/" + std::to_string(id) + "/heartbeat",
                         "{\"current_instances\":" + std::to_string(current) +
                             ",\"max_instances\":" + std::to_string(max) +
                             ",\"status\":\"active\"}",
                         with_type);
}

inline sr::test::HttpResponse Allocate(std::uint16_t port, const std::string& body,
                                       const sr::test::HttpClient::Headers& headers = {}) {
  auto with_type = headers;
  with_type.emplace_back("Content-Type", "application/json");
  return sr::test::Fetch(port, "POST", "/api/allocations", body, with_type);
}

// The instances listed by GET target (an array), or an empty document on failure.
inline rapidjson::Document ListInstances(std::uint16_t port, const std::string& target,
                                         const sr::test::HttpClient::Headers& headers = {}) {
  sr::test::HttpResponse response = sr::test::Fetch(port, "GET", target, "", headers);
  EXPECT_EQ(response.status, 200) << response.body;
  rapidjson::Document document = Parse(response.body);
  EXPECT_TRUE(document.IsArray()) << response.body;
  return document;
}

using sr::test::Eventually;

}  // namespace sr::game_instances::testing

namespace sr::game_instances::testing {

// The "free" of `region` in GET /api/regions (-1 when the region is not listed).
inline long RegionFree(std::uint16_t port, const std::string& region,
                       const sr::test::HttpClient::Headers& headers = {}) {
  sr::test::HttpResponse response = sr::test::Fetch(port, "GET", "/api/regions", "", headers);
  rapidjson::Document document = Parse(response.body);
  if (!document.IsArray()) return -1;
  for (const auto& row : document.GetArray()) {
    if (row["region"].GetString() == region) return static_cast<long>(row["free"].GetUint64());
  }
  return -1;
}

// Waits until game-instances has seen the registrations (they arrive as events).
inline bool WaitForFree(std::uint16_t port, const std::string& region, long free,
                        const sr::test::HttpClient::Headers& headers = {}) {
  return Eventually([&] { return RegionFree(port, region, headers) == free; },
                    std::chrono::seconds(5));
}

}  // namespace sr::game_instances::testing
