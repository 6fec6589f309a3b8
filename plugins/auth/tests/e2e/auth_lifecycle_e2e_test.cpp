// First start without secrets, configuration errors, restarts with and without a store, and a
// scan of everything a full run shows for the configured secrets.
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>

#include <filesystem>
#include <map>

#include "auth_e2e_support.h"

namespace sr::auth::e2e {
namespace {

using sr::test::Fetch;
using sr::test::HttpResponse;
using sr::test::TempDir;
using sr::test::TestHost;

std::size_t Count(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// The name=value lines of <dir>/data/first-start-secrets.
std::map<std::string, std::string> FirstStartSecrets(const TempDir& dir) {
  std::map<std::string, std::string> secrets;
  std::string text = sr::test::ReadFile(dir.path() / "data" / "first-start-secrets");
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    std::string line = text.substr(start, end == std::string::npos ? end : end - start);
    std::size_t equals = line.find('=');
    if (equals != std::string::npos) secrets[line.substr(0, equals)] = line.substr(equals + 1);
    start = end == std::string::npos ? text.size() : end + 1;
  }
  return secrets;
}

std::string SqliteStoreYaml() { return "  - id: sqlite-store\n"; }

TEST(AuthLifecycleE2e, FirstStartSecretsGoToAPrivateFileNeverToTheLog) {
  auto dir = std::make_shared<TempDir>();
  bool registry = PluginBuilt("spawner-registry");
  TestHost host(AuthYaml("", registry ? "  - id: spawner-registry\n" : ""), {}, dir);
  ASSERT_TRUE(host.Start()) << host.Output();
  auto file = dir->path() / "data" / "first-start-secrets";
  std::map<std::string, std::string> secrets = FirstStartSecrets(*dir);
  std::string key = secrets["master_api_key"];
  std::string password = secrets["admin_password"];
  ASSERT_EQ(key.size(), 43u) << sr::test::ReadFile(file);
  ASSERT_GE(password.size(), 24u);
  EXPECT_EQ(secrets["admin_email"], kAdminEmail);
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  // The log says where the secrets are, never what they are (its stdout is no terminal).
  std::string log = host.Output();
  EXPECT_NE(log.find(file.string()), std::string::npos) << log;
  EXPECT_EQ(log.find(key), std::string::npos);
  EXPECT_EQ(log.find(password), std::string::npos);
  EXPECT_EQ(log.find("Give it to spawners"), std::string::npos);
  EXPECT_NE(log.find("spawners' key"), std::string::npos) << log;
  EXPECT_NE(log.find("ADMIN_API_KEY"), std::string::npos);

  // The secrets work: the key is a spawner key named "master", the password signs in.
  auto me = Fetch(host.port(), "GET", "/api/me", "", {{"X-API-Key", key}});
  EXPECT_EQ(me.status, 200);
  EXPECT_NE(me.body.find("key:master"), std::string::npos);
  EXPECT_NE(me.body.find("\"role\":\"spawner\""), std::string::npos);
  EXPECT_EQ(Fetch(host.port(), "GET", "/api/audit", "", {{"X-API-Key", key}}).status, 403);
  if (registry) {
    auto registered = Fetch(host.port(), "POST", "/api/spawners",
                            R"({"region":"eu","host":"10.0.0.5","port":7777,)"
                            R"("max_instances":4,"current_instances":0,"status":"ready"})",
                            {{"X-API-Key", key}, {"Content-Type", "application/json"}});
    EXPECT_EQ(registered.status, 201) << registered.body;
  }
  BrowserSession admin = SignIn(host.port(), kAdminEmail, password);
  EXPECT_FALSE(admin.cookie.empty());

  auto digest_file = dir->path() / "data" / "generated-api-key.digest";
  ASSERT_EQ(::stat(digest_file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(sr::test::ReadFile(digest_file).find(key), std::string::npos);
  ASSERT_EQ(host.Stop(), 0);

  // The next start loads the key and generates none. Without a store the admin lives in
  // memory, so it is created again: its new password replaces the old line, the key stays.
  ASSERT_TRUE(host.Start()) << host.Output();
  EXPECT_EQ(Fetch(host.port(), "GET", "/api/me", "", {{"X-API-Key", key}}).status, 200);
  auto again = FirstStartSecrets(*dir);
  EXPECT_EQ(again.size(), 3u);
  EXPECT_EQ(again["master_api_key"], key);
  EXPECT_NE(again["admin_password"], password);
  EXPECT_FALSE(SignIn(host.port(), kAdminEmail, again["admin_password"]).cookie.empty());
  ASSERT_EQ(host.Stop(), 0);
  std::string both_runs = host.Output();
  EXPECT_EQ(Count(both_runs, key), 0u);
  EXPECT_EQ(Count(both_runs, password), 0u);
  EXPECT_EQ(Count(both_runs, again["admin_password"]), 0u);
  EXPECT_EQ(Count(both_runs, "so one was generated"), 1u);
}

TEST(AuthLifecycleE2e, OnATerminalTheSecretsAreAlsoPrinted) {
  TempDir dir;
  auto config = dir.Write("plugins.yaml", sr::test::Expand(AuthYaml(), dir.path().string()));
  int terminal = -1;
  pid_t pid = ::forkpty(&terminal, nullptr, nullptr, nullptr);
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (::chdir(dir.path().c_str()) != 0) ::_exit(127);
    for (const char* name : {"MASTER_API_KEY", "ADMIN_API_KEY", "ADMIN_PASSWORD"}) {
      ::unsetenv(name);
    }
    std::string binary = sr::test::HostBinary();
    ::execl(binary.c_str(), binary.c_str(), "--config", config.c_str(), nullptr);
    ::_exit(127);
  }
  // Read what the terminal shows until the block of secrets is complete.
  std::string shown;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd readable{terminal, POLLIN, 0};
    if (::poll(&readable, 1, 100) <= 0) continue;
    char buffer[4096];
    ssize_t n = ::read(terminal, buffer, sizeof(buffer));
    if (n <= 0) break;
    shown.append(buffer, static_cast<std::size_t>(n));
    std::size_t block = shown.find("First-start secrets");
    if (block != std::string::npos && shown.find("admin_password=", block) != std::string::npos &&
        shown.find('\n', shown.find("admin_password=", block)) != std::string::npos) {
      break;
    }
  }
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(terminal);
  auto secrets = FirstStartSecrets(dir);
  ASSERT_FALSE(secrets["admin_password"].empty()) << shown;
  EXPECT_NE(shown.find("admin_password=" + secrets["admin_password"]), std::string::npos) << shown;
  EXPECT_NE(shown.find("master_api_key=" + secrets["master_api_key"]), std::string::npos) << shown;
}

TEST(AuthLifecycleE2e, ConfigurationMistakesStopTheStartWithoutEchoingSecrets) {
  {
    TestHost host(AuthYaml("      sesion_lifetime: 1h\n"), StandardEnv());
    EXPECT_FALSE(host.Start());
    EXPECT_NE(host.Output().find("sesion_lifetime"), std::string::npos) << host.Output();
  }
  {
    TestHost host(AuthYaml("      api_keys:\n        - {name: weak, key: \"tooshort-secret\"}\n"),
                  StandardEnv());
    EXPECT_FALSE(host.Start());
    EXPECT_NE(host.Output().find("api_keys.0.key must have at least 16"), std::string::npos)
        << host.Output();
    EXPECT_EQ(host.Output().find("tooshort-secret"), std::string::npos);
  }
  {
    TestHost host(AuthYaml("      api_keys:\n        - {name: k, key: \"0123456789abcdefgh\", "
                           "role: root}\n"),
                  StandardEnv());
    EXPECT_FALSE(host.Start());
    EXPECT_NE(host.Output().find("api_keys.0.role"), std::string::npos) << host.Output();
  }
  {
    TestHost host(AuthYaml(), {{"ADMIN_PASSWORD", "weak-pw"}});
    EXPECT_FALSE(host.Start());
    EXPECT_NE(host.Output().find("ADMIN_PASSWORD is refused"), std::string::npos) << host.Output();
    EXPECT_EQ(host.Output().find("weak-pw"), std::string::npos);
  }
  {
    TestHost host(AuthYaml("      api_keys:\n        - {name: k, key: \"0123456789abcdefgh\", "
                           "networks: [\"10.0.0.0/33\"]}\n"),
                  StandardEnv());
    EXPECT_FALSE(host.Start());
    EXPECT_NE(host.Output().find("key 'api_keys.0.networks': '10.0.0.0/33' is not an address"),
              std::string::npos)
        << host.Output();
  }
  {
    TestHost host(
        AuthYaml("      api_keys:\n        - {name: admin, key: \"0123456789abcdefgh\"}\n"),
        StandardEnv());
    EXPECT_FALSE(host.Start());
    EXPECT_NE(host.Output().find("\"admin\" is ADMIN_API_KEY"), std::string::npos) << host.Output();
  }
}

TEST(AuthLifecycleE2e, WithoutAStoreSessionsEndAtRestart) {
  auto dir = std::make_shared<TempDir>();
  TestHost host(AuthYaml(), StandardEnv(), dir);
  ASSERT_TRUE(host.Start()) << host.Output();
  BrowserSession admin = SignIn(host.port(), kAdminEmail, kAdminPassword);
  ASSERT_EQ(Fetch(host.port(), "GET", "/api/me", "", SessionHeaders(admin)).status, 200);
  ASSERT_EQ(host.Stop(), 0);
  ASSERT_TRUE(host.Start()) << host.Output();
  EXPECT_EQ(Fetch(host.port(), "GET", "/api/me", "", SessionHeaders(admin)).status, 401);
  EXPECT_EQ(host.Stop(), 0);
}

TEST(AuthLifecycleE2e, WithSqliteStoreSessionsUsersAndTheAuditLogSurviveARestart) {
  if (!PluginBuilt("sqlite-store")) GTEST_SKIP() << "sqlite-store.so is not built";
  auto dir = std::make_shared<TempDir>();
  TestHost host(AuthYaml("", SqliteStoreYaml()), {}, dir);
  ASSERT_TRUE(host.Start()) << host.Output();
  std::string first_log = host.Output();
  auto secrets = FirstStartSecrets(*dir);
  std::string key = secrets["master_api_key"];
  std::string password = secrets["admin_password"];
  ASSERT_FALSE(key.empty()) << first_log;
  ASSERT_FALSE(password.empty()) << first_log;
  EXPECT_EQ(first_log.find("live in memory"), std::string::npos);
  BrowserSession admin = SignIn(host.port(), kAdminEmail, password);
  CreateUser(host.port(), admin, "kept@example.com", "kept user password", "operator");
  ASSERT_EQ(host.Stop(), 0);

  ASSERT_TRUE(host.Start()) << host.Output();
  auto me = Fetch(host.port(), "GET", "/api/me", "", SessionHeaders(admin));
  EXPECT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(JsonField(me.body, "csrf_token"), admin.csrf);
  EXPECT_EQ(Fetch(host.port(), "GET", "/api/me", "", {{"X-API-Key", key}}).status, 200);
  SignIn(host.port(), "kept@example.com", "kept user password");
  auto audit = Fetch(host.port(), "GET", "/api/audit", "", SessionHeaders(admin));
  EXPECT_NE(audit.body.find("user.create"), std::string::npos);
  ASSERT_EQ(host.Stop(), 0);
  std::string log = host.Output();
  EXPECT_EQ(Count(log, key), 0u);
  EXPECT_EQ(Count(log, password), 0u);

  // The database holds digests and argon2 hashes, never a key, password or session token.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir->path())) {
    if (!entry.is_regular_file() || entry.path().filename() == "host.log" ||
        entry.path().filename() == "first-start-secrets") {
      continue;
    }
    std::string bytes = sr::test::ReadFile(entry.path());
    EXPECT_EQ(bytes.find(key), std::string::npos) << entry.path();
    EXPECT_EQ(bytes.find(password), std::string::npos) << entry.path();
    EXPECT_EQ(bytes.find("kept user password"), std::string::npos) << entry.path();
    EXPECT_EQ(bytes.find(admin.cookie), std::string::npos) << entry.path();
  }
}

TEST(AuthLifecycleE2e, NoResponseOrLogLineEverShowsAConfiguredSecret) {
  if (!PluginBuilt("sqlite-store")) {
    std::cerr << "sqlite-store.so is not built: scanning a run without it\n";
  }
  std::string plugins = PluginBuilt("sqlite-store") ? SqliteStoreYaml() : "";
  TestHost host(AuthYaml(ConfiguredKeysYaml(), plugins), StandardEnv());
  ASSERT_TRUE(host.Start()) << host.Output();
  std::uint16_t port = host.port();
  ResponseLog seen;
  auto fetch = [&](const std::string& method, const std::string& path, const std::string& body,
                   const sr::test::HttpClient::Headers& headers) -> const HttpResponse& {
    return seen.Add(Fetch(port, method, path, body, headers));
  };
  const std::string user_password = "operator secret password";
  const std::string new_admin_password = "rotated admin secret";
  const sr::test::HttpClient::Headers json = {{"Content-Type", "application/json"}};
  const sr::test::HttpClient::Headers form = {{"Content-Type", "application/x-www-form-urlencoded"},
                                              {"Accept", "text/html"}};

  fetch("GET", "/login", "", {});
  fetch("GET", "/login?next=%2Fapi%2Fusers", "", {{"Accept", "text/html"}});
  fetch("POST", "/login", "email=admin%40example.com&password=e2e+admin+passwor", form);
  fetch("POST", "/login", "email=admin%40example.com&password=e2e+admin+password", form);
  fetch("POST", "/login", R"({"email":"admin@example.com","password":"e2e admin passwor"})", json);
  const HttpResponse& login = fetch(
      "POST", "/login", R"({"email":"admin@example.com","password":"e2e admin password"})", json);
  BrowserSession admin{SessionCookieOf(login), JsonField(login.body, "csrf_token")};
  for (const char* key : {kMasterKey, kAdminKey, kSpawnerKey, kRotatedSpawnerKey, kOperatorKey}) {
    fetch("GET", "/api/me", "", {{"X-API-Key", key}});
    fetch("GET", "/api/audit", "", {{"X-API-Key", key}});
    fetch("GET", "/api/me", "", {{"X-API-Key", std::string(key) + "-wrong"}});
    fetch("GET", "/api/me", "", {{"X-API-Key", std::string(key).substr(1)}});
  }
  fetch("GET", "/api/me", "", SessionHeaders(admin));
  fetch("POST", "/api/users",
        R"({"email":"op@example.com","password":")" + user_password + R"(","role":"operator"})",
        SessionHeaders(admin, true));
  fetch("POST", "/api/users", R"({"email":"x@example.com","password":"short"})",
        SessionHeaders(admin, true));
  fetch("POST", "/api/users", R"({"email":"op@example.com","password":")" + user_password + R"("})",
        SessionHeaders(admin, false));  // CSRF failure with the password in the body
  fetch("GET", "/api/users", "", SessionHeaders(admin));
  fetch("POST", "/login", R"({"email":"op@example.com","password":")" + user_password + R"("})",
        json);
  fetch("POST", "/api/users/2/password", R"({"password":")" + user_password + R"(2"})",
        SessionHeaders(admin, true));
  const HttpResponse& changed = fetch(
      "POST", "/api/me/password",
      R"({"current_password":"e2e admin password","new_password":")" + new_admin_password + R"("})",
      SessionHeaders(admin, true));
  admin = BrowserSession{SessionCookieOf(changed), JsonField(changed.body, "csrf_token")};
  fetch("GET", "/api/audit?limit=1000", "", SessionHeaders(admin));
  fetch("GET", "/logout", "", SessionHeaders(admin));
  fetch("GET", "/health", "", {});
  ASSERT_EQ(host.Stop(), 0);

  std::string log = host.Output();
  ASSERT_GE(seen.size(), 25u);
  for (const std::string& secret :
       {std::string(kAdminPassword), std::string(kMasterKey), std::string(kAdminKey),
        std::string(kSpawnerKey), std::string(kRotatedSpawnerKey), std::string(kOperatorKey),
        user_password, new_admin_password}) {
    EXPECT_EQ(seen.Find(secret), "") << "a response shows " << secret;
    EXPECT_EQ(log.find(secret), std::string::npos) << "the log shows " << secret;
  }
}

}  // namespace
}  // namespace sr::auth::e2e
