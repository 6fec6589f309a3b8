#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <sr/cidr.hpp>

#include "config/config_value.h"
#include "config/env.h"
#include "logging/logging.h"

namespace sr::host {

// What to do with a route whose guard no enabled plugin provides.
enum class MissingGuardPolicy {
  kRefuse,  // refuse to start (the default): fail closed
  kDeny,    // start; such routes answer 503 until a provider is enabled
  kAllow    // start; such routes are public (an explicit, logged operator choice)
};

struct TlsConfig {
  std::string cert_path;
  std::string key_path;
  bool enabled() const { return !cert_path.empty(); }
};

struct ServerConfig {
  std::string bind = "0.0.0.0";
  int port = 8081;
  int io_threads = 2;
  int worker_threads = 4;
  std::uint64_t max_body_bytes = 1 << 20;     // default per-route body limit
  std::uint64_t max_header_bytes = 16 << 10;  // request line + headers
  std::int64_t header_timeout_ms = 10000;     // to receive a whole request head
  // A body slower than body_min_rate bytes/s over any body_rate_window is cut (408); a stall
  // is cut after one window, whatever the body's size. body_timeout caps the whole body
  // (0: no cap, the rate decides).
  std::uint64_t body_min_rate = 1024;
  std::int64_t body_rate_window_ms = 5000;
  std::int64_t body_timeout_ms = 0;
  std::int64_t idle_timeout_ms = 60000;       // keep-alive connection without a request
  std::int64_t write_timeout_ms = 30000;      // a client that reads nothing for this long
  std::int64_t shutdown_deadline_ms = 10000;  // to finish in-flight requests at shutdown
  std::int64_t max_connections = 20000;
  // Connections from one address beyond this are closed at once (trusted proxies exempt).
  std::int64_t max_connections_per_address = 256;
  // Peers whose X-Forwarded-For is believed (see http/client_address.h).
  sr::net::CidrSet trusted_proxies;
  std::int64_t error_log_capacity = 1000;
  std::string log_level = "info";
  LogFormat log_format = LogFormat::kText;  // server.log_format: text or json
  std::string plugin_dir;  // where plugins without a `path` are found; empty: next to the host
  std::string data_dir;    // plugins' files; resolved against plugins.yaml's folder
  MissingGuardPolicy missing_guards = MissingGuardPolicy::kRefuse;
  TlsConfig tls;
};

struct PluginEntry {
  std::string id;
  std::string path;  // resolved; empty: <plugin_dir>/<id>.so
  bool enabled = true;
  bool optional = false;
  const ConfigValue* config = nullptr;  // points into HostConfig::document
  SourceMark mark;
};

struct HostConfig {
  std::filesystem::path file;  // plugins.yaml
  std::filesystem::path dir;   // its folder: relative paths resolve here
  std::string file_label;      // how errors name the file
  std::shared_ptr<ConfigValue> document;
  ServerConfig server;
  std::vector<PluginEntry> plugins;
};

// Reads and validates plugins.yaml. Throws ConfigError with one clear line.
HostConfig LoadHostConfig(const std::filesystem::path& file, const EnvLookup& lookup);
// The same from text (tests, fuzzing); `file` only names and locates it.
HostConfig ParseHostConfig(std::string_view text, const std::filesystem::path& file,
                           const EnvLookup& lookup);

}  // namespace sr::host
