// Helpers for the auth plugin's end-to-end tests: plugins.yaml text, signing in over HTTP,
// and session headers as a same-origin browser page would send them.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "http_client.h"
#include "test_host.h"

namespace sr::auth::e2e {

inline constexpr char kAdminEmail[] = "admin@example.com";
inline constexpr char kAdminPassword[] = "e2e admin password";
inline constexpr char kMasterKey[] = "e2e-master-key-0123456789abcdef";  // role spawner
inline constexpr char kAdminKey[] = "e2e-admin-key-0123456789abcdefgh";  // ADMIN_API_KEY
inline constexpr char kSpawnerKey[] = "e2e-spawner-key-0123456789abcd";
inline constexpr char kRotatedSpawnerKey[] = "e2e-spawner-key-rotated-987654";
inline constexpr char kOperatorKey[] = "e2e-operator-key-0123456789abc";
// The Origin a page served by the test host has (the test client sends Host: 127.0.0.1).
// The origin a browser on the test host sends (scheme, host and port).
inline std::string OriginFor(std::uint16_t port) {
  return "http://127.0.0.1:" + std::to_string(port);
}

// plugins.yaml with the auth plugin; `extra_config` lines are appended to its config (indented
// by the caller for six spaces), `extra_plugins` to the plugin list.
std::string AuthYaml(const std::string& extra_config = "", const std::string& extra_plugins = "");
// The API keys every test host has besides MASTER_API_KEY.
std::string ConfiguredKeysYaml();
// MASTER_API_KEY, ADMIN_API_KEY and ADMIN_PASSWORD.
std::map<std::string, std::string> StandardEnv();

std::string PluginPath(const std::string& id);
bool PluginBuilt(const std::string& id);
std::string AuditPublisherPath();
// The auth-test-probe fixture (see fixtures/probe.cpp) and its plugins.yaml entry.
std::string ProbePath();
std::string ProbeYaml();

struct BrowserSession {
  std::string cookie;  // sr_session value
  std::string csrf;
  std::uint16_t port = 0;  // of the host that issued it
};

// Signs in with JSON; fails the test (ADD_FAILURE) and returns an empty session if it cannot.
BrowserSession SignIn(std::uint16_t port, const std::string& email, const std::string& password);
// Cookie (and for writes X-CSRF-Token and Origin) as the dashboard's scripts send them.
sr::test::HttpClient::Headers SessionHeaders(const BrowserSession& session, bool write = false);
// The value of the session cookie (sr_session or __Host-sr_session) that a response sets
// ("" if none).
std::string SessionCookieOf(const sr::test::HttpResponse& response);
// A top-level string member of a JSON body ("" if absent).
std::string JsonField(const std::string& body, const std::string& name);

// Every response a test saw, for scanning.
class ResponseLog {
 public:
  const sr::test::HttpResponse& Add(sr::test::HttpResponse response);
  // The first place `secret` appears ("" if nowhere): "status line/header/body of #n".
  std::string Find(const std::string& secret) const;
  std::size_t size() const { return responses_.size(); }

 private:
  std::vector<sr::test::HttpResponse> responses_;
};

// Creates a user through the admin API; returns its id (0 on failure).
std::uint64_t CreateUser(std::uint16_t port, const BrowserSession& admin, const std::string& email,
                         const std::string& password, const std::string& role);

}  // namespace sr::auth::e2e
