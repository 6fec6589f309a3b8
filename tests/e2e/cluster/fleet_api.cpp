#include "fleet_api.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <stdexcept>

#include "cluster.h"

namespace sr::test::cluster {

namespace {

HttpClient::Headers SpawnerKey() { return {{"X-API-Key", kSpawnerKey}}; }
HttpClient::Headers OperatorKey() { return {{"X-API-Key", kOperatorKey}}; }

std::string SpawnerPath(std::uint64_t id, const char* suffix = "") {
  return std::string("/api/spawners/").append(std::to_string(id)).append(suffix);
}

// The status of one request; 0 when the connection failed (a master killed or stopping).
template <typename Call>
int StatusOf(HttpClient& client, Call call, std::string* body = nullptr) {
  try {
    HttpResponse response = call(client);
    if (body != nullptr) *body = std::move(response.body);
    return response.status;
  } catch (const std::runtime_error&) {
    client.Close();
    return 0;
  }
}

bool ParseObject(const std::string& text, rapidjson::Document& document) {
  document.Parse(text.c_str(), text.size());
  return !document.HasParseError() && document.IsObject();
}

bool HasString(const rapidjson::Value& object, const char* name) {
  return object.HasMember(name) && object[name].IsString();
}

bool HasUint64(const rapidjson::Value& object, const char* name) {
  return object.HasMember(name) && object[name].IsUint64();
}

}  // namespace

std::string RegistrationBody(int port) {
  return std::string(R"({"region":"eu-west","host":"127.0.0.1","port":)")
      .append(std::to_string(port))
      .append(R"(,"max_instances":10,"current_instances":1,"status":"idle"})");
}

std::optional<std::uint64_t> Register(HttpClient& client, int port, int* status) {
  std::string body;
  int code = StatusOf(
      client,
      [&](HttpClient& c) { return c.Post("/api/spawners", RegistrationBody(port), SpawnerKey()); },
      &body);
  if (status != nullptr) *status = code;
  if (code != 201) return std::nullopt;
  rapidjson::Document document;
  if (!ParseObject(body, document) || !HasUint64(document, "id")) {
    ADD_FAILURE() << "a 201 without an id: " << body;
    return std::nullopt;
  }
  return document["id"].GetUint64();
}

std::uint64_t RegisterOrFail(std::uint16_t master_port, int spawner_port) {
  HttpClient client(master_port);
  int status = 0;
  std::optional<std::uint64_t> id = Register(client, spawner_port, &status);
  EXPECT_TRUE(id.has_value()) << "registration on port " << master_port << " answered " << status;
  return id.value_or(0);
}

int Heartbeat(HttpClient& client, std::uint64_t id, int current_instances) {
  std::string body = std::string(R"({"current_instances":)")
                         .append(std::to_string(current_instances))
                         .append(R"(,"status":"running"})");
  return StatusOf(client, [&](HttpClient& c) {
    return c.Post(SpawnerPath(id, "/heartbeat"), body, SpawnerKey());
  });
}

int Delete(HttpClient& client, std::uint64_t id) {
  return StatusOf(client,
                  [&](HttpClient& c) { return c.Request("DELETE", SpawnerPath(id), "", OperatorKey()); });
}

int Lookup(HttpClient& client, std::uint64_t id) {
  return StatusOf(client, [&](HttpClient& c) { return c.Get(SpawnerPath(id), OperatorKey()); });
}

std::optional<SpawnerView> GetSpawner(std::uint16_t master_port, std::uint64_t id) {
  HttpClient client(master_port);
  std::string body;
  int status =
      StatusOf(client, [&](HttpClient& c) { return c.Get(SpawnerPath(id), OperatorKey()); }, &body);
  rapidjson::Document document;
  if (status != 200 || !ParseObject(body, document)) return std::nullopt;
  if (!HasUint64(document, "id") || !document.HasMember("current_instances") ||
      !document["current_instances"].IsInt() || !HasString(document, "last_seen")) {
    ADD_FAILURE() << "not a spawner: " << body;
    return std::nullopt;
  }
  SpawnerView view;
  view.id = document["id"].GetUint64();
  view.current_instances = document["current_instances"].GetInt();
  view.last_seen = document["last_seen"].GetString();
  return view;
}

std::optional<std::set<std::uint64_t>> ListedIds(std::uint16_t master_port) {
  HttpClient client(master_port);
  std::string body;
  int status =
      StatusOf(client, [&](HttpClient& c) { return c.Get("/api/spawners", OperatorKey()); }, &body);
  if (status != 200) return std::nullopt;
  rapidjson::Document document;
  document.Parse(body.c_str(), body.size());
  if (document.HasParseError() || !document.IsArray()) return std::nullopt;
  std::set<std::uint64_t> ids;
  for (const auto& spawner : document.GetArray()) {
    if (!spawner.IsObject() || !HasUint64(spawner, "id")) return std::nullopt;
    ids.insert(spawner["id"].GetUint64());
  }
  return ids;
}

std::string HealthStatus(std::uint16_t master_port, std::string* detail) {
  HttpClient client(master_port);
  std::string body;
  int status = StatusOf(client, [](HttpClient& c) { return c.Get("/health"); }, &body);
  rapidjson::Document document;
  if (status == 0 || !ParseObject(body, document) || !HasString(document, "status")) {
    return "";
  }
  if (detail != nullptr) *detail = body;
  return document["status"].GetString();
}

std::optional<ClusterView> GetCluster(std::uint16_t master_port) {
  HttpClient client(master_port);
  std::string body;
  int status =
      StatusOf(client, [](HttpClient& c) { return c.Get("/api/cluster", OperatorKey()); }, &body);
  rapidjson::Document document;
  if (status != 200 || !ParseObject(body, document)) return std::nullopt;
  bool valid = HasString(document, "this_host") && document.HasMember("database") &&
               document["database"].IsObject() && document["database"].HasMember("healthy") &&
               document["database"]["healthy"].IsBool() && document.HasMember("hosts") &&
               document["hosts"].IsArray();
  ClusterView view;
  if (valid) {
    view.this_host = document["this_host"].GetString();
    view.database_healthy = document["database"]["healthy"].GetBool();
    for (const auto& entry : document["hosts"].GetArray()) {
      if (!entry.IsObject() || !HasString(entry, "name") || !entry.HasMember("healthy") ||
          !entry["healthy"].IsBool() || !entry.HasMember("this_host") ||
          !entry["this_host"].IsBool() || !entry.HasMember("leases") ||
          !entry["leases"].IsArray()) {
        valid = false;
        break;
      }
      ClusterHost host;
      host.name = entry["name"].GetString();
      host.healthy = entry["healthy"].GetBool();
      host.this_host = entry["this_host"].GetBool();
      for (const auto& lease : entry["leases"].GetArray()) {
        if (lease.IsString()) host.leases.emplace_back(lease.GetString());
      }
      view.hosts.push_back(std::move(host));
    }
  }
  if (!valid) {
    ADD_FAILURE() << "GET /api/cluster is not as documented: " << body;
    return std::nullopt;
  }
  return view;
}

}  // namespace sr::test::cluster
