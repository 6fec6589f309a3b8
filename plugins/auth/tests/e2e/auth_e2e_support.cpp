#include "auth_e2e_support.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <strings.h>

#include <filesystem>

namespace sr::auth::e2e {

std::string ConfiguredKeysYaml() {
  return std::string("      api_keys:\n") + "        - {name: spawners, key: \"" + kSpawnerKey +
         "\", role: spawner}\n" + "        - {name: spawners-next, key: \"" + kRotatedSpawnerKey +
         "\"}\n" + "        - {name: ops, key: \"" + kOperatorKey + "\", role: operator}\n";
}

std::string AuthYaml(const std::string& extra_config, const std::string& extra_plugins) {
  return "server:\n"
         "  bind: 127.0.0.1\n"
         "  port: 0\n"
         "plugins:\n"
         "  - id: auth\n"
         "    config:\n"
         "      argon2_opslimit: 1\n"
         "      argon2_memlimit: 8KiB\n" +
         extra_config + extra_plugins;
}

std::map<std::string, std::string> StandardEnv() {
  return {{"MASTER_API_KEY", kMasterKey},
          {"ADMIN_API_KEY", kAdminKey},
          {"ADMIN_PASSWORD", kAdminPassword}};
}

std::string PluginPath(const std::string& id) { return sr::test::PluginDir() + "/" + id + ".so"; }

bool PluginBuilt(const std::string& id) { return std::filesystem::exists(PluginPath(id)); }

std::string AuditPublisherPath() {
  return std::string(SR_AUTH_TEST_FIXTURE_DIR) + "/auth-test-audit-publisher.so";
}

std::string ProbePath() { return std::string(SR_AUTH_TEST_FIXTURE_DIR) + "/auth-test-probe.so"; }

std::string ProbeYaml() { return "  - id: auth-test-probe\n    path: " + ProbePath() + "\n"; }

std::string JsonField(const std::string& body, const std::string& name) {
  rapidjson::Document document;
  document.Parse(body.c_str());
  if (document.HasParseError() || !document.IsObject()) return "";
  auto it = document.FindMember(name.c_str());
  if (it == document.MemberEnd() || !it->value.IsString()) return "";
  return it->value.GetString();
}

std::string SessionCookieOf(const sr::test::HttpResponse& response) {
  for (const auto& [name, value] : response.headers) {
    if (name.size() != 10 || strncasecmp(name.c_str(), "Set-Cookie", 10) != 0) continue;
    for (std::string prefix : {"sr_session=", "__Host-sr_session="}) {
      if (value.rfind(prefix, 0) != 0) continue;
      return value.substr(prefix.size(), value.find(';') - prefix.size());
    }
  }
  return "";
}

BrowserSession SignIn(std::uint16_t port, const std::string& email, const std::string& password) {
  auto response = sr::test::Fetch(port, "POST", "/login",
                                  "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}",
                                  {{"Content-Type", "application/json"}});
  BrowserSession session{SessionCookieOf(response), JsonField(response.body, "csrf_token"), port};
  if (response.status != 200 || session.cookie.empty() || session.csrf.empty()) {
    ADD_FAILURE() << "cannot sign in as " << email << ": " << response.status << " "
                  << response.body;
  }
  return session;
}

sr::test::HttpClient::Headers SessionHeaders(const BrowserSession& session, bool write) {
  sr::test::HttpClient::Headers headers{{"Cookie", "sr_session=" + session.cookie},
                                        {"Accept", "application/json"}};
  if (write) {
    headers.emplace_back("X-CSRF-Token", session.csrf);
    headers.emplace_back("Origin", OriginFor(session.port));
  }
  return headers;
}

const sr::test::HttpResponse& ResponseLog::Add(sr::test::HttpResponse response) {
  responses_.push_back(std::move(response));
  return responses_.back();
}

std::string ResponseLog::Find(const std::string& secret) const {
  for (std::size_t i = 0; i < responses_.size(); ++i) {
    const auto& response = responses_[i];
    std::string where = " of response #" + std::to_string(i);
    if (response.reason.find(secret) != std::string::npos) return "status line" + where;
    for (const auto& [name, value] : response.headers) {
      if (name.find(secret) != std::string::npos || value.find(secret) != std::string::npos) {
        return "header " + name + where;
      }
    }
    if (response.body.find(secret) != std::string::npos) return "body" + where;
  }
  return "";
}

std::uint64_t CreateUser(std::uint16_t port, const BrowserSession& admin, const std::string& email,
                         const std::string& password, const std::string& role) {
  auto response = sr::test::Fetch(
      port, "POST", "/api/users",
      "{\"email\":\"" + email + "\",\"password\":\"" + password + "\",\"role\":\"" + role + "\"}",
      SessionHeaders(admin, true));
  if (response.status != 201) {
    ADD_FAILURE() << "cannot create " << email << ": " << response.status << " " << response.body;
    return 0;
  }
  rapidjson::Document document;
  document.Parse(response.body.c_str());
  return document["id"].GetUint64();
}

}  // namespace sr::auth::e2e
