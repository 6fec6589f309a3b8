// Helpers for reading the JSON the dashboard produces in tests.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <vector>

namespace sr::dashboard::testing {

inline rapidjson::Document Parse(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.c_str(), text.size());
  EXPECT_FALSE(document.HasParseError()) << text;
  return document;
}

inline std::vector<std::uint64_t> Ids(const rapidjson::Value& array) {
  std::vector<std::uint64_t> ids;
  for (const auto& item : array.GetArray()) {
    ids.push_back(item.IsObject() ? item["id"].GetUint64() : item.GetUint64());
  }
  return ids;
}

// A spawner object as the registry serializes it.
inline std::string SpawnerJson(std::uint64_t id, int current = 1,
                               const std::string& health = "healthy",
                               const std::string& region = "eu-west",
                               const std::string& last_seen = "2026-11-25T21:01:11.123Z") {
  return R"({"id":)" + std::to_string(id) + R"(,"region":")" + region +
         R"(","host":"10.0.0.1","port":7777,"max_instances":10,"current_instances":)" +
         std::to_string(current) + R"(,"status":"idle","last_seen":")" + last_seen + R"(",)" +
         R"("health":")" + health + R"("})";
}

inline std::string ListJson(const std::vector<std::string>& spawners) {
  std::string json = "[";
  for (size_t i = 0; i < spawners.size(); ++i) {
    if (i > 0) json += ",";
    json += spawners[i];
  }
  return json + "]";
}

}  // namespace sr::dashboard::testing
