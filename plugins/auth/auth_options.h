// The auth plugin's configuration: its `config:` section of plugins.yaml plus the environment
// variables kept from the original deployment (MASTER_API_KEY, ADMIN_EMAIL, ADMIN_PASSWORD).
#pragma once

#include <optional>
#include <sr/plugin.hpp>
#include <string>
#include <vector>

#include "auth_core.h"
#include "roles.h"

namespace sr::auth {

struct ConfiguredKey {
  std::string name;
  std::string key;
  Role role = Role::kSpawner;
};

struct AuthOptions {
  AuthSettings settings;
  std::vector<ConfiguredKey> api_keys;  // MASTER_API_KEY first (as "master"), then api_keys
  std::string data_dir;                 // absolute; for the generated key without a store
  std::string admin_email;
  std::optional<std::string> admin_password;  // ADMIN_PASSWORD
  std::vector<std::string> warnings;          // to log once the plugin runs
};

// Reads and validates every key, then calls Finish(). Throws sr::Error naming the problem.
AuthOptions ReadAuthOptions(sr::Config& config);

}  // namespace sr::auth
