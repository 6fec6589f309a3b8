#include "auth_options.h"

#include <cstdlib>
#include <set>
#include <sr/config_cidr.hpp>

namespace sr::auth {

namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::size_t kMinConfiguredKeyLength = 16;

std::optional<std::string> Environment(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

FailurePolicy ReadFailurePolicy(sr::Config& config, const std::string& prefix,
                                const FailurePolicy& defaults) {
  FailurePolicy policy;
  policy.free_failures = static_cast<std::uint32_t>(
      config.Int(prefix + ".max_failures", defaults.free_failures, 1, 1000));
  policy.base_lockout_ms =
      config
          .Duration(prefix + ".lockout", milliseconds(defaults.base_lockout_ms), milliseconds(100),
                    hours(24))
          .count();
  policy.max_lockout_ms =
      config
          .Duration(prefix + ".max_lockout", milliseconds(defaults.max_lockout_ms),
                    milliseconds(100), hours(24 * 7))
          .count();
  policy.forget_after_ms =
      config
          .Duration(prefix + ".forget_after", milliseconds(defaults.forget_after_ms), seconds(1),
                    hours(24 * 30))
          .count();
  policy.max_tracked = static_cast<std::size_t>(config.Int(
      prefix + ".max_tracked", static_cast<std::int64_t>(defaults.max_tracked), 100, 10'000'000));
  if (policy.max_lockout_ms < policy.base_lockout_ms) {
    throw sr::Error(prefix + ".max_lockout must not be shorter than " + prefix + ".lockout",
                    SR_ERR_INVALID_ARGUMENT);
  }
  return policy;
}

sr::net::CidrSet ReadNetworks(sr::Config& config, const std::string& prefix) {
  std::string key = prefix + ".networks";
  sr::net::CidrSet networks = sr::net::ReadCidrList(config, key);
  if (config.Has(key) && config.ArrayLength(key) == 0) {
    // An empty list would be a key valid from nowhere: surely a mistake, so say so.
    throw sr::Error(key + " is empty: list CIDR ranges, or drop it to allow any address",
                    SR_ERR_INVALID_ARGUMENT);
  }
  return networks;
}

void ReadEnvironmentKey(const char* variable, const char* name, Role role, AuthOptions& options) {
  auto value = Environment(variable);
  if (!value) return;
  if (value->size() < kMinConfiguredKeyLength) {
    options.warnings.push_back(std::string(variable) + " is shorter than " +
                               std::to_string(kMinConfiguredKeyLength) +
                               " characters: use a long random key");
  }
  options.api_keys.push_back(ConfiguredKey{name, *value, role, {}});
}

void ReadApiKeys(sr::Config& config, AuthOptions& options) {
  // The shared key every spawner holds gets exactly what spawners need, nothing more.
  ReadEnvironmentKey("MASTER_API_KEY", "master", Role::kSpawner, options);
  ReadEnvironmentKey("ADMIN_API_KEY", "admin", Role::kAdmin, options);
  std::set<std::string> names{"master", "admin"};
  std::size_t count = config.ArrayLength("api_keys");
  for (std::size_t i = 0; i < count; ++i) {
    std::string prefix = "api_keys." + std::to_string(i);
    ConfiguredKey key;
    key.name = config.String(prefix + ".name");
    key.key = config.String(prefix + ".key");
    std::string role = config.String(prefix + ".role", "spawner");
    auto parsed = ParseKeyRole(role);
    if (key.name.empty()) throw sr::Error(prefix + ".name is required", SR_ERR_INVALID_ARGUMENT);
    if (!parsed) {
      throw sr::Error(prefix + ".role must be spawner, operator or admin", SR_ERR_INVALID_ARGUMENT);
    }
    if (key.key.size() < kMinConfiguredKeyLength) {
      // Never echo the value: only say what is wrong with it.
      throw sr::Error(prefix + ".key must have at least " +
                          std::to_string(kMinConfiguredKeyLength) + " characters",
                      SR_ERR_INVALID_ARGUMENT);
    }
    if (!names.insert(key.name).second) {
      throw sr::Error(prefix + ".name '" + key.name +
                          "' is used twice (\"master\" is MASTER_API_KEY, \"admin\" is "
                          "ADMIN_API_KEY)",
                      SR_ERR_INVALID_ARGUMENT);
    }
    key.role = *parsed;
    key.networks = ReadNetworks(config, prefix);
    options.api_keys.push_back(std::move(key));
  }
}

}  // namespace

AuthOptions ReadAuthOptions(sr::Config& config, const std::string& host_data_dir) {
  AuthOptions options;
  AuthSettings& settings = options.settings;
  ReadApiKeys(config, options);

  settings.secure_cookies = config.Bool("secure_cookies", false);
  settings.sessions.idle_timeout_ms =
      config.Duration("session_idle_timeout", minutes(30), milliseconds(500), hours(24 * 30))
          .count();
  settings.sessions.lifetime_ms =
      config.Duration("session_lifetime", hours(12), milliseconds(500), hours(24 * 365)).count();
  settings.sessions.max_per_user =
      static_cast<std::size_t>(config.Int("max_sessions_per_user", 20, 1, 1000));

  settings.password_policy.min_length =
      static_cast<std::size_t>(config.Int("password_min_length", 12, 8, 32));
  Argon2Limits interactive = Argon2Limits::Interactive();
  Argon2Limits minimum = Argon2Limits::Minimum();
  settings.argon2.opslimit = static_cast<std::uint64_t>(
      config.Int("argon2_opslimit", static_cast<std::int64_t>(interactive.opslimit),
                 static_cast<std::int64_t>(minimum.opslimit), 20));
  settings.argon2.memlimit_bytes =
      static_cast<std::size_t>(config.Bytes("argon2_memlimit", interactive.memlimit_bytes,
                                            minimum.memlimit_bytes, std::uint64_t{1} << 30));
  if (settings.argon2.BelowInteractive()) {
    options.warnings.emplace_back(
        "argon2_opslimit/argon2_memlimit are below libsodium's interactive profile: "
        "acceptable for tests only");
  }

  settings.login_limit = ReadFailurePolicy(config, "login_rate_limit", FailurePolicy{});
  settings.login_address_max_failures = static_cast<std::uint32_t>(config.Int(
      "login_rate_limit.address_max_failures", settings.login_address_max_failures, 1, 100'000));
  AccountDelayPolicy& delay = settings.login_delay;
  delay.after_failures = static_cast<std::uint32_t>(
      config.Int("login_account_delay.after_failures", delay.after_failures, 1, 1'000'000));
  delay.base_ms = config
                      .Duration("login_account_delay.delay", milliseconds(delay.base_ms),
                                milliseconds(0), seconds(10))
                      .count();
  delay.max_ms = config
                     .Duration("login_account_delay.max_delay", milliseconds(delay.max_ms),
                               milliseconds(0), seconds(10))
                     .count();
  delay.forget_after_ms = config
                              .Duration("login_account_delay.forget_after",
                                        milliseconds(delay.forget_after_ms), seconds(1), hours(24))
                              .count();
  if (delay.max_ms < delay.base_ms) {
    throw sr::Error(
        "login_account_delay.max_delay must not be shorter than login_account_delay.delay",
        SR_ERR_INVALID_ARGUMENT);
  }
  settings.api_key_limit =
      ReadFailurePolicy(config, "api_key_rate_limit", AuthSettings{}.api_key_limit);
  settings.audit_retention =
      static_cast<std::uint64_t>(config.Int("audit_retention", 100'000, 10, 100'000'000));

  options.data_dir = config.Has("data_dir") || host_data_dir.empty()
                         ? config.Path("data_dir", "data")
                         : host_data_dir;
  options.admin_email =
      config.String("admin_email", Environment("ADMIN_EMAIL").value_or("admin@example.com"));
  options.admin_password = Environment("ADMIN_PASSWORD");
  config.Finish();
  return options;
}

}  // namespace sr::auth
