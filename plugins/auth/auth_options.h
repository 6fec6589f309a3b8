// The auth plugin's configuration: its `config:` section of plugins.yaml plus the environment
// variables kept from the original deployment (MASTER_API_KEY, ADMIN_EMAIL, ADMIN_PASSWORD)
// and ADMIN_API_KEY.
#pragma once

#include <optional>
#include <sr/cidr.hpp>
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
  sr::net::CidrSet networks;  // client addresses the key is valid from; empty: any
};

struct AuthOptions {
  AuthSettings settings;
  // MASTER_API_KEY first (as "master", role spawner), ADMIN_API_KEY (as "admin", role admin),
  // then api_keys.
  std::vector<ConfiguredKey> api_keys;
  // Absolute: config data_dir when set, else the host's data folder. Holds the generated
  // key's digest (without a store) and first-start-secrets.
  std::string data_dir;
  std::string admin_email;
  std::optional<std::string> admin_password;  // ADMIN_PASSWORD
  std::vector<std::string> warnings;          // to log once the plugin runs
};

// Reads and validates every key, then calls Finish(). Throws sr::Error naming the problem.
// `host_data_dir`: the host's data folder, used when the config names no data_dir.
AuthOptions ReadAuthOptions(sr::Config& config, const std::string& host_data_dir);

}  // namespace sr::auth
